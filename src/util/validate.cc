// SPDX-License-Identifier: Apache-2.0
#include "util/validate.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "omnictx/types.h"

namespace omnictx::internal {
namespace {

// Messages name the field and the problem only: values are customer data
// and must never reach a log through an error message.
// (Abseil 20220623's string helpers take absl::string_view, which is not
// std::string_view, so messages are built with std::string.)
absl::Status Invalid(std::string_view field, std::string_view problem) {
  std::string message(field);
  message.append(": ").append(problem);
  return absl::InvalidArgumentError(message);
}

absl::Status TooLong(std::string_view field, size_t size, size_t max_bytes) {
  return Invalid(
      field, std::to_string(size) + " bytes > " + std::to_string(max_bytes));
}

// Returns the length of the well-formed UTF-8 sequence at `s[i]`, or 0 if it
// is ill-formed. The ranges are Unicode's Table 3-7; narrowing the second
// byte is what rules out overlongs (C0, C1, E0 80-9F, F0 80-8F), surrogates
// (ED A0-BF) and code points past U+10FFFF (F4 90-BF, F5-FF).
size_t SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) -> uint8_t {
    return i + k < s.size() ? static_cast<uint8_t>(s[i + k]) : 0;
  };
  const uint8_t b0 = byte(0);
  if (b0 < 0x80) return 1;
  uint8_t lo = 0x80;
  uint8_t hi = 0xBF;
  size_t len = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;  // a continuation byte, C0/C1, or F5-FF
  }
  if (byte(1) < lo || byte(1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  }
  return len;
}

// C1 controls (U+0080-U+009F) are encoded as C2 80 - C2 9F. NEL (U+0085)
// among them is a line break to some log readers.
bool IsC1At(std::string_view s, size_t i) {
  return static_cast<uint8_t>(s[i]) == 0xC2 && i + 1 < s.size() &&
         static_cast<uint8_t>(s[i + 1]) <= 0x9F &&
         static_cast<uint8_t>(s[i + 1]) >= 0x80;
}

bool IsControlByte(char c) {
  const auto b = static_cast<uint8_t>(c);
  return b < 0x20 || b == 0x7F;
}

// Returns true if `value` holds a control character that free text may not
// carry: tab and LF are fine, CR only as part of CRLF.
bool HasTextControl(std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\t' || c == '\n') continue;
    if (c == '\r' && i + 1 < value.size() && value[i + 1] == '\n') continue;
    if (IsControlByte(c) || IsC1At(value, i)) return true;
  }
  return false;
}

bool IsAttributeKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

}  // namespace

absl::Status CheckUtf8(std::string_view field, std::string_view value) {
  size_t i = 0;
  while (i < value.size()) {
    const size_t len = SequenceLength(value, i);
    if (len == 0) {
      return Invalid(field, "invalid UTF-8 at byte " + std::to_string(i));
    }
    i += len;
  }
  return absl::OkStatus();
}

absl::Status CheckNoControl(std::string_view field, std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (IsControlByte(value[i]) || IsC1At(value, i)) {
      return Invalid(field, "control character");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckText(std::string_view field, std::string_view value,
                       size_t max_bytes) {
  // Size first: it is the cheapest check and the one a caller most needs
  // to hear about (nothing is ever truncated).
  if (value.size() > max_bytes) return TooLong(field, value.size(), max_bytes);
  if (absl::Status s = CheckUtf8(field, value); !s.ok()) return s;
  if (HasTextControl(value)) return Invalid(field, "control character");
  return absl::OkStatus();
}

absl::Status CheckName(std::string_view field, std::string_view value,
                       size_t max_bytes, bool required) {
  // A name of only spaces is as missing as an empty one.
  if (required && value.find_first_not_of(' ') == std::string_view::npos) {
    return Invalid(field, "empty");
  }
  if (value.size() > max_bytes) return TooLong(field, value.size(), max_bytes);
  if (absl::Status s = CheckNoControl(field, value); !s.ok()) return s;
  return CheckUtf8(field, value);
}

absl::Status CheckKey(std::string_view field, std::string_view value,
                      bool required) {
  if (value.empty()) {
    return required ? Invalid(field, "empty") : absl::OkStatus();
  }
  if (value.size() > Limits::kMaxKeyBytes) {
    return TooLong(field, value.size(), Limits::kMaxKeyBytes);
  }
  // Broken UTF-8 is reported as such (bad-inputs row 15), not as a bad key.
  if (absl::Status s = CheckUtf8(field, value); !s.ok()) return s;
  for (char c : value) {
    if (!IsAttributeKeyChar(c) && c != ':') {
      return Invalid(field, "bad key (allowed: letters, digits, _ . : -)");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAttributes(std::string_view field, const Attributes& attributes) {
  if (static_cast<size_t>(attributes.size()) > Limits::kMaxAttributes) {
    return Invalid(field, "more than " +
                              std::to_string(Limits::kMaxAttributes) +
                              " attributes");
  }
  // Keys first, then values, so that the reported problem does not depend
  // on where in the list it sits. Neither the key nor the value is named in
  // a message: both can carry customer data.
  for (int k = 0; k < attributes.size(); ++k) {
    const std::string& key = attributes.Get(k).key();
    if (key.empty() || key.size() > Limits::kMaxAttributeKeyBytes) {
      return Invalid(field, "bad key");
    }
    if (absl::Status s = CheckUtf8(field, key); !s.ok()) return s;
    for (char c : key) {
      if (!IsAttributeKeyChar(c)) return Invalid(field, "bad key");
    }
    // At most 64 entries: comparing with the earlier ones costs less than
    // building a set, and allocates nothing.
    for (int j = 0; j < k; ++j) {
      if (attributes.Get(j).key() == key) return Invalid(field, "repeated key");
    }
  }
  for (const Attribute& a : attributes) {
    const std::string& value = a.value();
    if (const size_t max = Limits::kMaxAttributeValueBytes;
        value.size() > max) {
      return Invalid(field, "value over " + std::to_string(max) + " bytes");
    }
    if (absl::Status s = CheckUtf8(field, value); !s.ok()) return s;
    if (HasTextControl(value)) return Invalid(field, "control character");
  }
  return absl::OkStatus();
}

absl::Status CheckTime(std::string_view field, absl::Time t, absl::Time now) {
  // Infinite times compare correctly here, and an infinite `now` (a broken
  // clock) makes every time out of range rather than every time fine.
  if (t < absl::UnixEpoch() || t == absl::InfiniteFuture() ||
      now == absl::InfiniteFuture() || t > now + Limits::kMaxFutureSkew) {
    return Invalid(field, "out of range");
  }
  return absl::OkStatus();
}

}  // namespace omnictx::internal
