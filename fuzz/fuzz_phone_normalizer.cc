// SPDX-License-Identifier: Apache-2.0
//
// The phone normalizer on any bytes, in any region. Input: one byte picks
// the region (none, a few real ones, a malformed one), the rest is the
// number. Checks: no crash or sanitizer report; an accepted number is
// E.164 ("+" and 2 to 15 digits), and normalizing it again (without a
// region) gives it back unchanged and is not a placeholder.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "identity/normalize.h"

namespace {

constexpr std::string_view kRegions[] = {"",   "FR", "US", "GB", "de", "AU", "IN", "BR",
                                         "JP", "IT", "CH", "MX", "ZZ", "F",  "XX", "fr"};

bool IsE164(const std::string& s) {
  if (s.size() < 3 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using omnictx::identity::NormalizePhone;
  omnictx::fuzz::Bytes in(data, size);
  const uint8_t choice = in.Byte();
  const std::string_view region = kRegions[choice % std::size(kRegions)];
  // The high bit passes the region per identity instead of as the default.
  const bool per_identity = (choice & 0x80) != 0;
  const std::string raw(in.Rest());

  auto phone = per_identity ? NormalizePhone(raw, region, "") : NormalizePhone(raw, "", region);
  if (!phone.ok()) {
    FUZZ_CHECK(phone.status().code() == absl::StatusCode::kInvalidArgument,
               omnictx::fuzz::StatusText(phone.status()));
    return 0;
  }
  FUZZ_CHECK(IsE164(*phone), *phone);
  auto again = NormalizePhone(*phone, "", "");
  FUZZ_CHECK(again.ok(), omnictx::fuzz::StatusText(again.status()) + " for " + *phone);
  FUZZ_CHECK(*again == *phone, *phone + " -> " + *again);
  FUZZ_CHECK(!omnictx::identity::IsBlockedPlaceholder(omnictx::v1::IDENTITY_KIND_PHONE, *phone),
             *phone);
  return 0;
}
