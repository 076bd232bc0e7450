// SPDX-License-Identifier: Apache-2.0
//
// The _omnictx extension module: a thin layer over the public C++ API that
// the pure-Python package `omnictx` wraps. Entities cross as proto bytes.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "omnictx/version.h"

PYBIND11_MODULE(_omnictx, m) {
  namespace py = pybind11;
  using omnictx::python::PyStore;
  m.doc() = "Private C++ core of the omnictx package; use `import omnictx`.";
  m.attr("__version__") = omnictx::kVersionString;
  m.def("schema_version", &omnictx::SchemaVersion,
        "Returns the database schema version this build writes.");

  omnictx::python::RegisterErrors(m);
  omnictx::python::RegisterClock(m);
  omnictx::python::RegisterFormat(m);
  omnictx::python::RegisterStaffing(m);

  py::class_<PyStore> store(m, "Store", "A handle on one omnictx database (see omnictx.Store).");
  omnictx::python::RegisterStore(m, store);
  omnictx::python::RegisterInteractions(store);
  omnictx::python::RegisterJourneys(store);
  omnictx::python::RegisterCases(store);
  omnictx::python::RegisterLookup(store);
  omnictx::python::RegisterResolution(store);
  omnictx::python::RegisterIngest(store);
  omnictx::python::RegisterMetrics(store);
}
