// SPDX-License-Identifier: Apache-2.0
//
// The report checks shared by the Import and ImportBody fuzz targets.
#ifndef OMNICTX_FUZZ_IMPORT_CHECKS_H_
#define OMNICTX_FUZZ_IMPORT_CHECKS_H_

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "fuzz_util.h"

namespace omnictx::fuzz {

// A user mapping, a malformed one, or none.
inline std::string_view PickMapping(uint8_t choice) {
  switch (choice % 4) {
    case 1:
      return R"({"Quote Sent": {"channel": "email", "kind": "quote_sent",
                 "direction": "outbound", "journey_step": "quoted"},
                 "Ticket Updated": {"channel": "chat", "case_property": "case_id"}})";
    case 2:
      return R"({"x": {"channel": "no-such-channel"}})";
    default:
      return {};
  }
}

// Checks what Import/ImportBody returned for one input.
inline void CheckImport(const absl::StatusOr<ImportReport>& report, const ImportOptions& options,
                        bool body) {
  if (!report.ok()) {
    FUZZ_CHECK(!IsBugCode(report.status()), StatusText(report.status()));
    // Only the options can make the whole call fail.
    FUZZ_CHECK(report.status().code() == absl::StatusCode::kInvalidArgument &&
                   !options.mapping_json.empty(),
               StatusText(report.status()));
    return;
  }
  const ImportReport& r = *report;
  const std::string figures = absl::StrCat("messages=", r.messages, " imported=", r.imported,
                                           " duplicates=", r.duplicates, " refused=", r.refused,
                                           " errors=", r.errors.size());
  FUZZ_CHECK(r.messages >= 0 && r.imported >= 0 && r.duplicates >= 0 && r.refused >= 0,
             figures);
  FUZZ_CHECK(r.refused == 0 || !r.errors.empty(), figures);
  if (r.rolled_back) {
    FUZZ_CHECK(options.strict && r.refused > 0, figures);
    FUZZ_CHECK(r.imported == 0 && r.duplicates == 0 && r.stitched == 0, figures);
  } else {
    FUZZ_CHECK(r.messages == r.imported + r.duplicates + r.refused, figures);
    FUZZ_CHECK(!options.strict || r.refused == 0, figures);
  }
  for (const ImportError& e : r.errors) {
    FUZZ_CHECK(!e.message.empty(), figures);
    FUZZ_CHECK(body ? e.line == 0 : e.line >= 1, e.message);
    FUZZ_CHECK(e.code != absl::StatusCode::kOk && e.code != absl::StatusCode::kInternal &&
                   e.code != absl::StatusCode::kUnknown && e.code != absl::StatusCode::kDataLoss,
               e.message);
  }
}

}  // namespace omnictx::fuzz

#endif  // OMNICTX_FUZZ_IMPORT_CHECKS_H_
