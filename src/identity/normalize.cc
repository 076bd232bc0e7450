// SPDX-License-Identifier: Apache-2.0
#include "identity/normalize.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <phonenumbers/shortnumberinfo.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "util/status_macros.h"
#include "util/validate.h"

namespace omnictx::identity {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;
using ::i18n::phonenumbers::ShortNumberInfo;

constexpr std::string_view kPhone = "phone";
constexpr std::string_view kEmail = "email";
constexpr std::string_view kPlatform = "identity.platform";
constexpr std::string_view kHostChars = "abcdefghijklmnopqrstuvwxyz0123456789-";
constexpr std::string_view kPlatformChars =
    "abcdefghijklmnopqrstuvwxyz0123456789_.-";
// No dialable national number is this short; shorter digit strings are
// service or emergency codes ("112", "3115").
constexpr size_t kMaxShortCodeDigits = 6;

// Values that systems send when they have no identity to send. Compared
// against the lower-cased value, so the match is case-insensitive.
constexpr std::string_view kPlaceholderWords[] = {
    "null", "nil", "none", "undefined", "unknown", "anonymous", "n/a", "nan",
    "-1", "abc123", "[object object]", "(not set)", "not set",
    "test@test.com", "noemail@noemail.com", "none@none.com", "null@null.com",
    "email@email.com"};

// Field names for messages, indexed by IdentityKind.
constexpr std::string_view kKindFields[] = {
    "identity", "phone",   "email",  "cookie",    "device",
    "crm_id",   "account", "social", "messaging", "user_id"};
static_assert(std::size(kKindFields) ==
                  static_cast<size_t>(v1::IdentityKind_ARRAYSIZE) &&
              kKindFields[v1::IDENTITY_KIND_USER_ID] == "user_id");

// Unicode spaces and dashes that word processors put into numbers: U+00A0,
// U+2007, U+2009 and U+202F spaces, U+2010-2013 dashes and U+2212 minus.
// They become plain spaces, since libphonenumber does not know them all.
constexpr std::string_view kUnicodeSeparators[] = {
    "\xC2\xA0",     "\xE2\x80\x87", "\xE2\x80\x89",
    "\xE2\x80\xAF", "\xE2\x80\x90", "\xE2\x80\x91",
    "\xE2\x80\x92", "\xE2\x80\x93", "\xE2\x88\x92"};

// Messages name the field and the problem, never the value. (Abseil
// 20220623's string helpers take absl::string_view, which is not
// std::string_view, so plain std::string does the building here.)
absl::Status Invalid(std::string_view field, std::string_view problem) {
  std::string message(field);
  message.append(": ").append(problem);
  return absl::InvalidArgumentError(message);
}

absl::Status Placeholder() {
  return absl::InvalidArgumentError("identity: blocked placeholder value");
}

// Trims ASCII spaces only: every other kind of whitespace is a control
// character and refused rather than quietly dropped.
std::string_view TrimSpaces(std::string_view s) {
  const size_t first = s.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

bool IsDigit(char c) { return absl::ascii_isdigit(static_cast<uint8_t>(c)); }
bool IsLower(char c) { return absl::ascii_islower(static_cast<uint8_t>(c)); }

// ASCII case folding; other bytes are left alone.
std::string Fold(std::string_view s, char (*fold)(unsigned char)) {
  std::string out(s);
  for (char& c : out) c = fold(static_cast<uint8_t>(c));
  return out;
}

bool IsPlaceholderWord(std::string_view lower) {
  return std::find(std::begin(kPlaceholderWords), std::end(kPlaceholderWords),
                   lower) != std::end(kPlaceholderWords);
}

// "0", "0000000000", the nil UUID, a zero MAC address: zeros and the
// separators ids are written with, and nothing else.
bool IsZeroRun(std::string_view v) {
  return v.find('0') != std::string_view::npos &&
         v.find_first_not_of("0-.: ") == std::string_view::npos;
}

// True if `s` is at least `min_len` copies of one digit.
bool IsRepeatedDigit(std::string_view s, size_t min_len) {
  return s.size() >= min_len && IsDigit(s[0]) &&
         s.find_first_not_of(s[0]) == std::string_view::npos;
}

// A national number of one repeated digit, or an area digit followed only
// by zeros ("+33 1 00 00 00 00"), is a form filler's number, not a line.
// Short ones are left to the short-code check: "999" is a real service.
bool IsPlaceholderNsn(std::string_view nsn) {
  if (nsn.size() <= kMaxShortCodeDigits) return false;
  return IsRepeatedDigit(nsn, 1) ||
         nsn.substr(1).find_first_not_of('0') == std::string_view::npos;
}

const ShortNumberInfo& ShortNumbers() {
  // Built once and never destroyed (Google style for function statics).
  static const ShortNumberInfo* const info = new ShortNumberInfo();
  return *info;
}

// Returns the byte length of the Unicode separator starting `s`, or 0.
size_t UnicodeSeparatorLength(std::string_view s) {
  for (std::string_view separator : kUnicodeSeparators) {
    if (s.starts_with(separator)) return separator.size();
  }
  return 0;
}

// libphonenumber silently drops extensions ("ext. 123", "x12", "#12",
// ",12"), so they are recognised here, before the generic letters check.
bool HasExtensionMarker(std::string_view lower) {
  for (size_t pos = lower.find("ext"); pos != std::string_view::npos;
       pos = lower.find("ext", pos + 1)) {
    if (pos == 0 || !IsLower(lower[pos - 1])) return true;  // not "text"
  }
  bool seen_digit = false;
  for (size_t i = 0; i < lower.size(); ++i) {
    const char c = lower[i];
    if (IsDigit(c)) seen_digit = true;
    if (!seen_digit) continue;
    if (c == '#' || c == ',' || c == ';') return true;
    // A lone "x" between number and extension; "1-800-XYZ" is letters.
    if (c == 'x' && !IsLower(lower[i - 1]) &&
        (i + 1 == lower.size() || !IsLower(lower[i + 1]))) {
      return true;
    }
  }
  return false;
}

// What a phone input holds once punctuation is understood.
struct PhoneScan {
  std::string cleaned;  // ASCII digits, '+' and punctuation for the parser
  std::string digits;   // the digits alone
  bool plus = false;    // written in international format
};

// Accepts digits, one leading '+', and the punctuation people write numbers
// with. REQUIRES: `s` is trimmed, valid UTF-8 and free of control characters.
absl::StatusOr<PhoneScan> ScanPhone(std::string_view s) {
  if (HasExtensionMarker(Fold(s, absl::ascii_tolower))) {
    return Invalid(kPhone, "extensions are not identities");
  }
  PhoneScan scan;
  bool letters = false;
  bool malformed = false;
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (const size_t n = UnicodeSeparatorLength(s.substr(i)); n > 0) {
      scan.cleaned.push_back(' ');
      i += n;
      continue;
    }
    if (IsDigit(c)) {
      scan.digits.push_back(c);
    } else if (absl::ascii_isalpha(static_cast<uint8_t>(c))) {
      letters = true;
    } else if (c == '+') {
      // Only one '+', and only before the first digit: "++33" and
      // "33+6" are typing errors that the parser would forgive.
      if (scan.plus || !scan.digits.empty()) malformed = true;
      scan.plus = true;
    } else if (std::string_view(" .-()/").find(c) == std::string_view::npos) {
      malformed = true;
    }
    scan.cleaned.push_back(c);
    ++i;
  }
  // Letters win over other problems: "1-800-FLOWERS" is a vanity number.
  if (letters) return Invalid(kPhone, "letters not allowed");
  if (malformed || scan.digits.empty()) return Invalid(kPhone, "malformed");
  return scan;
}

// Returns the upper-cased region to read national numbers in ("" if none).
absl::StatusOr<std::string> EffectiveRegion(std::string_view region,
                                            std::string_view default_region) {
  const std::string_view chosen = region.empty() ? default_region : region;
  if (chosen.empty()) return std::string();
  std::string upper = Fold(chosen, absl::ascii_toupper);
  if (upper.size() != 2 || !absl::ascii_isupper(upper[0]) ||
      !absl::ascii_isupper(upper[1]) ||
      PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(upper) == 0) {
    return Invalid(kPhone, "unknown region");
  }
  return upper;
}

absl::Status ParseError(PhoneNumberUtil::ErrorType error, bool international) {
  using Util = PhoneNumberUtil;
  if (error == Util::INVALID_COUNTRY_CODE_ERROR && international) {
    return Invalid(kPhone, "unknown country calling code");
  }
  if (error == Util::TOO_SHORT_AFTER_IDD || error == Util::TOO_SHORT_NSN) {
    return Invalid(kPhone, "not a possible number (too short)");
  }
  if (error == Util::TOO_LONG_NSN) {
    return Invalid(kPhone, "more than 15 digits");
  }
  return Invalid(kPhone, "malformed");
}

// Checks what the parser accepted but E.164 identities may not be.
absl::StatusOr<std::string> FinishPhone(const PhoneNumber& number) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  if (number.has_extension()) {
    return Invalid(kPhone, "extensions are not identities");
  }
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  if (e164.size() - 1 > Limits::kMaxPhoneDigits) {
    return Invalid(kPhone, "more than 15 digits");
  }
  std::string nsn;
  util.GetNationalSignificantNumber(number, &nsn);
  if (IsPlaceholderNsn(nsn)) return Placeholder();
  const PhoneNumberUtil::ValidationResult possible =
      util.IsPossibleNumberWithReason(number);
  if (possible == PhoneNumberUtil::IS_POSSIBLE) {
    // The stored value must read back as itself. A national part that keeps
    // leading zeros ("0007922268" in IN gives +91007922268) loses one more
    // when parsed again, so the identity would be stored under one value
    // and looked up under another. Found by fuzz/fuzz_phone_normalizer.cc.
    PhoneNumber again;
    std::string e164_again;
    if (util.Parse(e164, "ZZ", &again) != PhoneNumberUtil::NO_PARSING_ERROR) {
      return Invalid(kPhone, "malformed");
    }
    util.Format(again, PhoneNumberUtil::E164, &e164_again);
    if (e164_again != e164) return Invalid(kPhone, "not a possible number");
    return e164;
  }
  if (possible == PhoneNumberUtil::INVALID_COUNTRY_CODE) {
    return Invalid(kPhone, "unknown country calling code");
  }
  // Short codes parse as numbers ("112" in FR becomes +33112) but reach a
  // service, never a person.
  if (nsn.size() <= kMaxShortCodeDigits &&
      ShortNumbers().IsPossibleShortNumber(number)) {
    return Invalid(kPhone, "short or emergency code");
  }
  // A local-only number is missing its area code.
  if (possible == PhoneNumberUtil::TOO_SHORT ||
      possible == PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY) {
    return Invalid(kPhone, "not a possible number (too short)");
  }
  if (possible == PhoneNumberUtil::TOO_LONG) {
    return Invalid(kPhone, "not a possible number (too long)");
  }
  return Invalid(kPhone, "not a possible number");
}

bool IsHostLabel(std::string_view label) {
  return !label.empty() && label.size() <= 63 && label.front() != '-' &&
         label.back() != '-' &&
         label.find_first_not_of(kHostChars) == std::string_view::npos;
}

// A DNS host name with at least two labels. IP literals, single-label names
// and a numeric top-level label never deliver mail to a customer.
bool IsMailHost(std::string_view domain) {
  const size_t last_dot = domain.rfind('.');
  if (last_dot == std::string_view::npos) return false;
  const std::string_view top = domain.substr(last_dot + 1);
  // An empty top label (a trailing dot) counts as all digits too.
  if (top == "localhost" ||
      top.find_first_not_of("0123456789") == std::string_view::npos) {
    return false;
  }
  for (size_t start = 0; start <= domain.size();) {
    const size_t dot = std::min(domain.find('.', start), domain.size());
    if (!IsHostLabel(domain.substr(start, dot - start))) return false;
    start = dot + 1;
  }
  return true;
}

bool IsSocial(v1::IdentityKind kind) {
  return kind == v1::IDENTITY_KIND_SOCIAL ||
         kind == v1::IDENTITY_KIND_MESSAGING;
}

absl::StatusOr<std::string> NormalizePlatform(v1::IdentityKind kind,
                                              std::string_view raw) {
  if (!IsSocial(kind)) {
    if (!raw.empty()) {
      return Invalid(kPlatform, "only for social and messaging");
    }
    return std::string();
  }
  std::string platform = Fold(TrimSpaces(raw), absl::ascii_tolower);
  OMNICTX_RETURN_IF_ERROR(internal::CheckName(
      kPlatform, platform, Limits::kMaxPlatformBytes, /*required=*/true));
  if (platform.find_first_not_of(kPlatformChars) != std::string::npos) {
    return Invalid(kPlatform, "bad platform (allowed: a-z 0-9 _ . -)");
  }
  return platform;
}

// Cookies, device ids, CRM ids, accounts, user ids and handles are opaque:
// case and inner spaces are kept, only the edges are tidied.
absl::StatusOr<std::string> NormalizeOpaque(v1::IdentityKind kind,
                                            std::string_view raw) {
  const std::string_view field = kKindFields[kind];
  OMNICTX_RETURN_IF_ERROR(internal::CheckNoControl(field, raw));
  OMNICTX_RETURN_IF_ERROR(internal::CheckUtf8(field, raw));
  std::string_view value = TrimSpaces(raw);
  if (IsSocial(kind) && value.starts_with('@')) {
    value.remove_prefix(1);
    // Refuse "@@x" and "@ x" rather than strip again: a second pass over
    // the result must not change it.
    if (value.starts_with('@') || value.starts_with(' ')) {
      return Invalid(field, "malformed handle");
    }
  }
  OMNICTX_RETURN_IF_ERROR(internal::CheckName(
      field, value, Limits::kMaxIdentityBytes, /*required=*/true));
  if (IsBlockedPlaceholder(kind, value)) return Placeholder();
  return std::string(value);
}

}  // namespace

absl::StatusOr<std::string> NormalizePhone(std::string_view raw,
                                           std::string_view region,
                                           std::string_view default_region) {
  // Cheap refusals come before the parser sees anything.
  const std::string_view trimmed = TrimSpaces(raw);
  if (trimmed.empty()) return Invalid(kPhone, "empty");
  if (raw.size() > Limits::kMaxPhoneInputBytes) {
    return Invalid(kPhone, "too long");
  }
  OMNICTX_RETURN_IF_ERROR(internal::CheckNoControl(kPhone, raw));
  OMNICTX_RETURN_IF_ERROR(internal::CheckUtf8(kPhone, raw));
  // Placeholders first, so "anonymous" is called a placeholder, not letters.
  const std::string lower = Fold(trimmed, absl::ascii_tolower);
  if (IsPlaceholderWord(lower) || IsZeroRun(lower)) return Placeholder();
  OMNICTX_ASSIGN_OR_RETURN(PhoneScan scan, ScanPhone(trimmed));
  if (scan.digits.size() > kMaxShortCodeDigits &&
      IsRepeatedDigit(scan.digits, 1)) {
    return Placeholder();
  }
  OMNICTX_ASSIGN_OR_RETURN(std::string region_code,
                           EffectiveRegion(region, default_region));

  // "00" with a region is left to the parser, but still reads as an
  // international number when the calling code is unknown.
  const bool international = scan.plus || scan.digits.starts_with("00");
  std::string to_parse = scan.cleaned;
  if (!scan.plus && region_code.empty()) {
    // Without a region, "00" is the ITU international prefix. With one, the
    // parser knows the region's own prefix (011 in the US, 0011 in AU).
    if (international) {
      to_parse = "+" + scan.digits.substr(2);
    } else if (scan.digits.size() <= kMaxShortCodeDigits) {
      return Invalid(kPhone, "short or emergency code");
    } else {
      return Invalid(kPhone,
                     "national format needs a region "
                     "(Options.default_region or +CC)");
    }
  }
  PhoneNumber number;
  const PhoneNumberUtil::ErrorType error =
      PhoneNumberUtil::GetInstance()->Parse(
          to_parse, region_code.empty() ? "ZZ" : region_code, &number);
  if (error != PhoneNumberUtil::NO_PARSING_ERROR) {
    return ParseError(error, international);
  }
  return FinishPhone(number);
}

absl::StatusOr<std::string> NormalizeEmail(std::string_view raw) {
  OMNICTX_RETURN_IF_ERROR(internal::CheckNoControl(kEmail, raw));
  OMNICTX_RETURN_IF_ERROR(internal::CheckUtf8(kEmail, raw));
  const std::string_view trimmed = TrimSpaces(raw);
  if (trimmed.empty()) return Invalid(kEmail, "empty");
  if (trimmed.size() > Limits::kMaxEmailBytes) {
    return Invalid(kEmail, "too long");
  }
  // Lower-casing the local part too: mailbox case is significant in theory,
  // but every provider a contact centre meets ignores it.
  std::string email = Fold(trimmed, absl::ascii_tolower);
  if (IsBlockedPlaceholder(v1::IDENTITY_KIND_EMAIL, email)) {
    return Placeholder();
  }
  const size_t at = email.find('@');
  if (at == std::string::npos || email.find('@', at + 1) != std::string::npos) {
    return Invalid(kEmail, "malformed");
  }
  const std::string_view local = std::string_view(email).substr(0, at);
  const std::string_view domain = std::string_view(email).substr(at + 1);
  if (local.empty() || domain.empty()) return Invalid(kEmail, "malformed");
  if (local.size() > Limits::kMaxEmailLocalBytes) {
    return Invalid(kEmail, "too long");
  }
  // Spaces and RFC 5322 specials only appear in quoted local parts, which
  // in practice are pasted "Name <addr>" strings, not addresses.
  if (local.find_first_of(" ()<>[]:;,\\\"") != std::string_view::npos) {
    return Invalid(kEmail, "malformed");
  }
  if (!IsMailHost(domain)) {
    return Invalid(kEmail, "domain is not a valid host name");
  }
  return email;
}

absl::StatusOr<Identity> Normalize(const Identity& in,
                                   std::string_view default_region) {
  const v1::IdentityKind kind = in.kind();
  if (kind == v1::IDENTITY_KIND_UNSPECIFIED ||
      !v1::IdentityKind_IsValid(kind)) {
    return Invalid("identity.kind", "unknown");
  }
  OMNICTX_ASSIGN_OR_RETURN(std::string platform,
                           NormalizePlatform(kind, in.platform()));
  std::string value;
  if (kind == v1::IDENTITY_KIND_PHONE) {
    OMNICTX_ASSIGN_OR_RETURN(
        value, NormalizePhone(in.value(), in.region(), default_region));
  } else if (kind == v1::IDENTITY_KIND_EMAIL) {
    OMNICTX_ASSIGN_OR_RETURN(value, NormalizeEmail(in.value()));
  } else {
    OMNICTX_ASSIGN_OR_RETURN(value, NormalizeOpaque(kind, in.value()));
  }
  // A fresh message: output-only fields and the region are not carried.
  Identity out;
  out.set_kind(kind);
  out.set_value(std::move(value));
  out.set_platform(std::move(platform));
  return out;
}

bool IsBlockedPlaceholder(v1::IdentityKind kind, std::string_view value) {
  const std::string lower = Fold(value, absl::ascii_tolower);
  if (IsPlaceholderWord(lower) || IsZeroRun(lower)) return true;
  if (kind == v1::IDENTITY_KIND_PHONE) {
    if (IsRepeatedDigit(value.substr(value.starts_with('+') ? 1 : 0), 1)) {
      return true;
    }
    // Only E.164 values parse without a region; anything else is no phone.
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    std::string nsn;
    if (util.Parse(std::string(value), "ZZ", &number) !=
        PhoneNumberUtil::NO_PARSING_ERROR) {
      return false;
    }
    util.GetNationalSignificantNumber(number, &nsn);
    return IsPlaceholderNsn(nsn);
  }
  // Ids may legitimately be short numbers ("7" is a fine CRM id); a long
  // run of one digit is a test value.
  return kind != v1::IDENTITY_KIND_EMAIL && IsRepeatedDigit(lower, 6);
}

}  // namespace omnictx::identity
