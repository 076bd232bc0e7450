// SPDX-License-Identifier: Apache-2.0
//
// Store::Import on Segment-spec JSON lines and batch envelopes. Input: one
// byte of options (strict, create_customers, which user mapping), the rest
// is the import text. The store is reused across inputs (recreated every
// 2,000) so each run costs one import. Checks: no crash or sanitizer
// report; the report adds up (messages = imported + duplicates + refused,
// or a strict rollback undid everything); refusals carry a line and a
// non-bug code; every 256 inputs the database passes Check().
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "import_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* store = new omnictx::fuzz::ReusedStore("segment_import.db");
  static int runs = 0;
  omnictx::fuzz::Bytes in(data, size);
  const uint8_t flags = in.Byte();
  omnictx::ImportOptions options;
  options.strict = (flags & 1) != 0;
  options.create_customers = (flags & 2) == 0;
  options.mapping_json = std::string(omnictx::fuzz::PickMapping(flags >> 2));
  const std::string_view text = in.Rest();

  omnictx::Store& s = store->Get();
  omnictx::fuzz::CheckImport(s.Import(text, options), options, /*body=*/false);
  if (++runs % 256 == 0) {
    absl::Status check = s.Check();
    FUZZ_CHECK(check.ok(), omnictx::fuzz::StatusText(check));
  }
  return 0;
}
