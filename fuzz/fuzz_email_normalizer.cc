// SPDX-License-Identifier: Apache-2.0
//
// The email normalizer and the other identity kinds on any bytes. Input:
// one byte picks the kind (email most often), one the platform, the rest is
// the value. Checks: no crash; refusals are InvalidArgument; an accepted
// email is lower-case with one '@', at most 254 bytes, and a second pass
// returns it unchanged (idempotent), as it does for every kind.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "identity/normalize.h"

namespace {

using omnictx::Identity;
namespace v1 = omnictx::v1;

constexpr v1::IdentityKind kKinds[] = {
    v1::IDENTITY_KIND_EMAIL,  v1::IDENTITY_KIND_EMAIL,     v1::IDENTITY_KIND_EMAIL,
    v1::IDENTITY_KIND_EMAIL,  v1::IDENTITY_KIND_COOKIE,    v1::IDENTITY_KIND_DEVICE,
    v1::IDENTITY_KIND_CRM_ID, v1::IDENTITY_KIND_ACCOUNT,   v1::IDENTITY_KIND_SOCIAL,
    v1::IDENTITY_KIND_USER_ID, v1::IDENTITY_KIND_MESSAGING, v1::IDENTITY_KIND_UNSPECIFIED};
constexpr std::string_view kPlatforms[] = {"", "twitter", "WhatsApp", " x ", "bad platform!"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using omnictx::fuzz::StatusText;
  omnictx::fuzz::Bytes in(data, size);
  const v1::IdentityKind kind = kKinds[in.Pick(std::size(kKinds))];
  const std::string_view platform = kPlatforms[in.Pick(std::size(kPlatforms))];
  const std::string raw(in.Rest());

  if (kind == v1::IDENTITY_KIND_EMAIL) {
    auto email = omnictx::identity::NormalizeEmail(raw);
    if (email.ok()) {
      FUZZ_CHECK(email->size() <= omnictx::Limits::kMaxEmailBytes, *email);
      FUZZ_CHECK(email->find('@') != std::string::npos &&
                     email->find('@') == email->rfind('@'),
                 *email);
      for (char c : *email) FUZZ_CHECK(c < 'A' || c > 'Z', *email);
      auto again = omnictx::identity::NormalizeEmail(*email);
      FUZZ_CHECK(again.ok() && *again == *email, *email);
    } else {
      FUZZ_CHECK(email.status().code() == absl::StatusCode::kInvalidArgument,
                 StatusText(email.status()));
    }
  }

  Identity identity;
  identity.set_kind(kind);
  identity.set_value(raw);
  identity.set_platform(std::string(platform));
  auto out = omnictx::identity::Normalize(identity, "FR");
  if (!out.ok()) {
    FUZZ_CHECK(out.status().code() == absl::StatusCode::kInvalidArgument,
               StatusText(out.status()));
    return 0;
  }
  FUZZ_CHECK(out->kind() == kind && out->region().empty(), out->ShortDebugString());
  auto again = omnictx::identity::Normalize(*out, "FR");
  FUZZ_CHECK(again.ok(), StatusText(again.status()) + " for " + out->ShortDebugString());
  FUZZ_CHECK(again->value() == out->value() && again->platform() == out->platform(),
             out->ShortDebugString() + " -> " + again->ShortDebugString());
  return 0;
}
