// SPDX-License-Identifier: Apache-2.0
//
// Boundary checks shared by every input: UTF-8, control characters, sizes,
// keys and attribute lists. Each returns InvalidArgument whose message starts
// with the field name and never contains the value.
#ifndef OMNICTX_UTIL_VALIDATE_H_
#define OMNICTX_UTIL_VALIDATE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "omnictx/types.h"

namespace omnictx::internal {

// Returns InvalidArgument "<field>: invalid UTF-8 at byte N" if `value` is
// not valid UTF-8 (overlongs, surrogates and code points past U+10FFFF
// are invalid). N is the 0-based offset of the first byte of the bad
// sequence.
absl::Status CheckUtf8(std::string_view field, std::string_view value);

// Returns InvalidArgument "<field>: control character" if `value` holds a
// C0 control (including NUL, \t, \r, \n), DEL, or a C1 control
// (U+0080-U+009F, which includes NEL).
absl::Status CheckNoControl(std::string_view field, std::string_view value);

// Checks a free-text field: valid UTF-8 and at most `max_bytes`. Tabs, LF
// and CRLF are allowed; other control characters (a lone CR too) are not.
// Returns "<field>: N bytes > max_bytes" when too long,
// "<field>: invalid UTF-8 at byte N", "<field>: control character".
absl::Status CheckText(std::string_view field, std::string_view value,
                       size_t max_bytes);

// Checks a single-line name or id: non-empty (and not only spaces) when
// `required`, valid UTF-8, no control characters, at most `max_bytes`.
// Returns "<field>: empty", "<field>: control character",
// "<field>: N bytes > max_bytes", "<field>: invalid UTF-8 at byte N".
absl::Status CheckName(std::string_view field, std::string_view value,
                       size_t max_bytes, bool required);

// Checks a machine key (touchpoint, kind, journey and step keys): non-empty
// when `required`, at most Limits::kMaxKeyBytes, only [A-Za-z0-9_.:-].
// Returns "<field>: empty" (only when `required`), "<field>: N bytes > 64",
// "<field>: invalid UTF-8 at byte N",
// "<field>: bad key (allowed: letters, digits, _ . : -)".
absl::Status CheckKey(std::string_view field, std::string_view value,
                      bool required);

// Checks an attribute list: at most Limits::kMaxAttributes entries, keys
// 1..kMaxAttributeKeyBytes of [A-Za-z0-9_.-], each key at most once, values
// valid UTF-8 of at most kMaxAttributeValueBytes with CheckText's
// control-character rule. All keys are checked before any value; messages
// name neither. A key that is not UTF-8 gets the UTF-8 message rather than
// "bad key".
// Returns "<field>: more than 64 attributes", "<field>: bad key",
// "<field>: repeated key", "<field>: value over 1024 bytes",
// "<field>: invalid UTF-8 at byte N", "<field>: control character".
absl::Status CheckAttributes(std::string_view field, const Attributes& attributes);

// Checks a timestamp is not before 1970-01-01T00:00:00Z, not infinite, and
// at most Limits::kMaxFutureSkew after `now`.
// Returns "<field>: out of range".
absl::Status CheckTime(std::string_view field, absl::Time t, absl::Time now);

}  // namespace omnictx::internal

#endif  // OMNICTX_UTIL_VALIDATE_H_
