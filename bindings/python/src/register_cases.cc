// SPDX-License-Identifier: Apache-2.0
//
// Support cases.
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bindings.h"

namespace omnictx::python {

void RegisterCases(py::class_<PyStore>& cls) {
  cls.def(
      "open_case",
      [](PyStore& s, const std::string& c) {
        return ToBytes(ValueOrThrow(s.Get()->OpenCase(FromBytes<Case>(c, "case"))));
      },
      py::arg("case"), ReleaseGil());
  cls.def(
      "assign_case",
      [](PyStore& s, int64_t case_id, const std::string& owner_agent) {
        return ToBytes(ValueOrThrow(s.Get()->AssignCase(case_id, owner_agent)));
      },
      py::arg("case_id"), py::arg("owner_agent"), ReleaseGil());
  cls.def(
      "set_case_status",
      [](PyStore& s, int64_t case_id, int status) {
        return ToBytes(
            ValueOrThrow(s.Get()->SetCaseStatus(case_id, static_cast<v1::CaseStatus>(status))));
      },
      py::arg("case_id"), py::arg("status"), ReleaseGil());
  cls.def(
      "get_case",
      [](PyStore& s, int64_t case_id) { return ToBytes(ValueOrThrow(s.Get()->GetCase(case_id))); },
      py::arg("case_id"), ReleaseGil());
  cls.def(
      "list_cases",
      [](PyStore& s, const std::string& customer_id) {
        std::vector<Bytes> out;
        for (const Case& c : ValueOrThrow(s.Get()->ListCases(customer_id))) {
          out.push_back(ToBytes(c));
        }
        return out;
      },
      py::arg("customer_id"), ReleaseGil());
}

}  // namespace omnictx::python
