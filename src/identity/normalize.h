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
// number ("06 12 34 56 78") is read in `region`, else `default_region`
// (ISO 3166 alpha-2, any case). Spaces, dots, dashes, slashes, parentheses,
// Unicode spaces and dashes, a leading '+' and, without a region, a leading
// "00" are accepted. Only ASCII spaces are trimmed; a possible number is
// enough (IsValidNumber is not required, so new number ranges still work).
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

// Returns the trimmed, lower-cased email. The domain must be an ASCII host
// name with at least two labels (IDNs in their xn-- form). Returns
// InvalidArgument with one of "email: empty", "email: control character",
// "email: invalid UTF-8 at byte N", "email: malformed", "email: too long",
// "email: domain is not a valid host name",
// "identity: blocked placeholder value".
absl::StatusOr<std::string> NormalizeEmail(std::string_view raw);

// Normalizes any identity: dispatches on kind, trims and checks the other
// kinds (non-empty, no control characters, valid UTF-8, at most
// Limits::kMaxIdentityBytes; social/messaging need a platform of
// [a-z0-9_.-], lower-cased, and lose a leading '@' on the handle).
// The returned Identity has kind, value and platform set and region cleared.
// Opaque values keep their case and inner spaces.
// Returns InvalidArgument "identity.kind: unknown" for UNSPECIFIED or an
// out-of-range kind, the phone and email errors above, and for the other
// kinds "<kind>: empty", "<kind>: control character",
// "<kind>: invalid UTF-8 at byte N", "<kind>: N bytes > 256",
// "<kind>: malformed handle" ("@@x"), "identity: blocked placeholder value"
// (<kind> is the kind's name: "cookie", "crm_id", "social" ...), and
// "identity.platform: empty", "identity.platform: N bytes > 32",
// "identity.platform: bad platform (allowed: a-z 0-9 _ . -)",
// "identity.platform: only for social and messaging".
absl::StatusOr<Identity> Normalize(const Identity& in,
                                   std::string_view default_region);

// Returns true if `value` (already normalized) is a placeholder that never
// identifies anybody, compared case-insensitively: "null", "undefined",
// "0", "-1", "unknown", "anonymous", "none", "n/a", "test@test.com",
// "abc123" and the like; zeros and separators only (the nil UUID); for
// phones a national number of one repeated digit or an area digit followed
// by zeros ("+33100000000"); for other non-email kinds a run of six or more
// of one digit.
bool IsBlockedPlaceholder(v1::IdentityKind kind, std::string_view value);

}  // namespace omnictx::identity

#endif  // OMNICTX_IDENTITY_NORMALIZE_H_
