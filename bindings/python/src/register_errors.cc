// SPDX-License-Identifier: Apache-2.0
//
// The one place a C++ status becomes a Python exception: StatusError is
// mapped to a class of omnictx.errors by its code, with the status message
// (no code prefix) as the text.
#include <exception>
#include <string>

#include "absl/status/status.h"
#include "bindings.h"

namespace omnictx::python {
namespace {

// Sets the Python error for a status. omnictx.errors is imported here rather
// than at module load because it is the package that imports this module.
void SetPythonError(const StatusError& e) {
  try {
    py::object cls = py::module_::import("omnictx.errors").attr("error_class")(e.code);
    PyErr_SetString(cls.ptr(), e.message.c_str());
  } catch (const py::error_already_set&) {
    // Only a broken installation gets here (the error was fetched, so the
    // indicator is clear): keep the original message.
    PyErr_SetString(PyExc_RuntimeError, e.message.c_str());
  }
}

}  // namespace

void RegisterErrors(py::module_& m) {
  py::register_local_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      SetPythonError(e);
    }
  });
  m.def(
      "_raise_status",
      [](int code, const std::string& message) {
        throw StatusError{code, message};
      },
      py::arg("code"), py::arg("message"),
      "Throws a C++ status with `code` and `message` through the translator (for tests).");
  m.def(
      "_status_code_name",
      [](int code) { return absl::StatusCodeToString(static_cast<absl::StatusCode>(code)); },
      py::arg("code"), "Returns Abseil's name for a status code, e.g. \"NOT_FOUND\".");
}

}  // namespace omnictx::python
