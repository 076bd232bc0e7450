// SPDX-License-Identifier: Apache-2.0
//
// Identity normalization: turns what a caller typed or a system sent into
// the one canonical value that is stored and matched. Phone numbers become
// E.164 through libphonenumber, emails are trimmed and lower-cased, handles
// are checked. Parsing is not validation (libphonenumber accepts 17 digits,
// extensions, letters and short codes): each of those is refused here.
#ifndef OMNICTX_IDENTITY_NORMALIZE_H_
#define OMNICTX_IDENTITY_NORMALIZE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "omnictx/types.h"

namespace omnictx::identity {

// Returns the E.164 form ("+33612345678") of a phone number. A national
// number ("06 12 34 56 78") is read in `region`, else `default_region`.
// Returns InvalidArgument with one of:
//   "phone: empty", "phone: too long" (over 64 bytes, before parsing),
//   "phone: control character", "phone: invalid UTF-8 at byte N",
//   "phone: letters not allowed", "phone: extensions are not identities",
//   "phone: national format needs a region (Options.default_region or +CC)",
//   "phone: unknown region", "phone: unknown country calling code",
//   "phone: more than 15 digits", "phone: not a possible number (too short)",
//   "phone: not a possible number (too long)", "phone: not a possible number",
//   "phone: short or emergency code", "phone: malformed",
//   "identity: blocked placeholder value".
absl::StatusOr<std::string> NormalizePhone(std::string_view raw,
                                           std::string_view region,
                                           std::string_view default_region);

// Returns the trimmed, lower-cased email. Returns InvalidArgument with one of
// "email: empty", "email: control character", "email: invalid UTF-8 at byte N",
// "email: malformed", "email: too long",
// "email: domain is not a valid host name", "identity: blocked placeholder value".
absl::StatusOr<std::string> NormalizeEmail(std::string_view raw);

// Normalizes any identity: dispatches on kind, trims and checks the other
// kinds (non-empty, no control characters, valid UTF-8, at most
// Limits::kMaxIdentityBytes; social/messaging need a platform of
// [a-z0-9_.-], lower-cased, and lose a leading '@' on the handle).
// The returned Identity has kind, value and platform set and region cleared.
// Returns InvalidArgument "identity.kind: unknown" for UNSPECIFIED or an
// out-of-range kind, or the field-specific errors above.
absl::StatusOr<Identity> Normalize(const Identity& in,
                                   std::string_view default_region);

// Returns true if `value` (already normalized) is a placeholder that never
// identifies anybody: "null", "undefined", "0", "-1", "unknown",
// "anonymous", "none", "n/a", "test@test.com", "abc123", a run of one
// repeated digit ("0000000000", "+33100000000"-style all-zero subscriber
// numbers) and the like.
bool IsBlockedPlaceholder(v1::IdentityKind kind, std::string_view value);

}  // namespace omnictx::identity

#endif  // OMNICTX_IDENTITY_NORMALIZE_H_
