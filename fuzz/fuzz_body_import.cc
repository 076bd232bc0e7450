// SPDX-License-Identifier: Apache-2.0
//
// Store::ImportBody, one HTTP request body as the collector's routes pass
// it. Input: one byte picks the route type ("batch", "track", "" ... and an
// unknown one) and the options, the rest is the body. The store is reused
// across inputs. Checks: an unknown route is InvalidArgument; otherwise the
// report adds up and refusals carry line 0 and a non-bug code.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "import_checks.h"

namespace {

constexpr std::string_view kRoutes[] = {"batch", "import", "track", "identify", "page",
                                        "screen", "group",  "alias", "",        "Track",
                                        "nope", "batch"};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* store = new omnictx::fuzz::ReusedStore("body_import.db");
  static int runs = 0;
  omnictx::fuzz::Bytes in(data, size);
  const std::string_view route = kRoutes[in.Pick(std::size(kRoutes))];
  const uint8_t flags = in.Byte();
  omnictx::ImportOptions options;
  options.strict = (flags & 1) != 0;
  options.create_customers = (flags & 2) == 0;
  options.mapping_json = std::string(omnictx::fuzz::PickMapping(flags >> 2));
  const std::string_view body = in.Rest();

  omnictx::Store& s = store->Get();
  auto report = s.ImportBody(body, route, options);
  if (route == "nope") {
    FUZZ_CHECK(!report.ok() && report.status().code() == absl::StatusCode::kInvalidArgument,
               "unknown route accepted");
  } else {
    omnictx::fuzz::CheckImport(report, options, /*body=*/true);
  }
  if (++runs % 256 == 0) {
    absl::Status check = s.Check();
    FUZZ_CHECK(check.ok(), omnictx::fuzz::StatusText(check));
  }
  return 0;
}
