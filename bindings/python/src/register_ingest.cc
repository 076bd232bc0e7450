// SPDX-License-Identifier: Apache-2.0
//
// Importing event streams (Segment-spec JSON lines and HTTP bodies). The
// report crosses as plain tuples; omnictx.ImportReport names the fields.
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"

namespace omnictx::python {
namespace {

// (line, index, message, status code) of one refused message or warning.
using Issue = std::tuple<int64_t, int64_t, std::string, int>;
// (messages, imported, duplicates, refused, errors, stitched, warnings,
//  rolled_back), in ImportReport's order.
using Report = std::tuple<int64_t, int64_t, int64_t, int64_t, std::vector<Issue>, int64_t,
                          std::vector<Issue>, bool>;

std::vector<Issue> Issues(const std::vector<ImportError>& errors) {
  std::vector<Issue> out;
  out.reserve(errors.size());
  for (const ImportError& e : errors) {
    out.emplace_back(e.line, e.index, e.message, static_cast<int>(e.code));
  }
  return out;
}

Report ToReport(const ImportReport& r) {
  return {r.messages, r.imported, r.duplicates, r.refused, Issues(r.errors),
          r.stitched, Issues(r.warnings), r.rolled_back};
}

ImportOptions MakeOptions(bool strict, const std::string& actor, bool create_customers,
                          const std::string& mapping_json) {
  ImportOptions options;
  options.strict = strict;
  options.actor = actor;
  options.create_customers = create_customers;
  options.mapping_json = mapping_json;
  return options;
}

}  // namespace

void RegisterIngest(py::class_<PyStore>& cls) {
  cls.def(
      "import_json_lines",
      [](PyStore& s, const std::string& lines, bool strict, const std::string& actor,
         bool create_customers, const std::string& mapping_json) {
        return ToReport(ValueOrThrow(
            s.Get()->Import(lines, MakeOptions(strict, actor, create_customers, mapping_json))));
      },
      py::arg("lines"), py::arg("strict"), py::arg("actor"), py::arg("create_customers"),
      py::arg("mapping_json"), ReleaseGil());
  cls.def(
      "import_body",
      [](PyStore& s, const std::string& body, const std::string& route_type, bool strict,
         const std::string& actor, bool create_customers, const std::string& mapping_json) {
        return ToReport(ValueOrThrow(s.Get()->ImportBody(
            body, route_type, MakeOptions(strict, actor, create_customers, mapping_json))));
      },
      py::arg("body"), py::arg("route_type"), py::arg("strict"), py::arg("actor"),
      py::arg("create_customers"), py::arg("mapping_json"), ReleaseGil());
}

}  // namespace omnictx::python
