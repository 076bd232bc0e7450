// SPDX-License-Identifier: Apache-2.0
#include "ingest/timestamps.h"

#include <cmath>
#include <cstdint>

#include "util/strings.h"

namespace omnictx::ingest {
namespace {

absl::Status NotATime(std::string_view field) {
  return absl::InvalidArgumentError(internal::StrCat(field, ": not a valid time"));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A cursor over the text; every reader returns false when the text does
// not match, leaving the caller to refuse it.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool Done() const { return i_ == s_.size(); }
  bool Peek(char c) const { return i_ < s_.size() && s_[i_] == c; }
  bool Eat(char c) {
    if (!Peek(c)) return false;
    ++i_;
    return true;
  }
  bool EatAny(std::string_view chars) {
    if (i_ < s_.size() && chars.find(s_[i_]) != std::string_view::npos) {
      ++i_;
      return true;
    }
    return false;
  }
  bool EatWord(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  // Exactly `n` digits.
  bool Digits(int n, int* out) {
    int v = 0;
    for (int k = 0; k < n; ++k) {
      if (i_ >= s_.size() || !IsDigit(s_[i_])) return false;
      v = v * 10 + (s_[i_++] - '0');
    }
    *out = v;
    return true;
  }
  // 1 to 9 digits of a fraction, as nanoseconds.
  bool Fraction(int64_t* nanos) {
    int64_t v = 0;
    int n = 0;
    while (i_ < s_.size() && IsDigit(s_[i_])) {
      if (++n > 9) return false;
      v = v * 10 + (s_[i_++] - '0');
    }
    if (n == 0) return false;
    for (int k = n; k < 9; ++k) v *= 10;
    *nanos = v;
    return true;
  }
  void SkipSpaces() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Reads the zone after the time; sets `offset` (east of UTC is positive).
bool ReadZone(Reader& r, absl::Duration* offset) {
  *offset = absl::ZeroDuration();
  r.SkipSpaces();
  if (r.Done()) return true;  // no zone: UTC
  if (r.EatAny("Zz") || r.EatWord("UTC") || r.EatWord("GMT")) return r.Done();
  const bool minus = r.Peek('-');
  if (!r.EatAny("+-")) return false;
  int hh = 0, mm = 0;
  if (!r.Digits(2, &hh) || hh > 23) return false;
  if (!r.Done()) {
    r.Eat(':');
    if (!r.Digits(2, &mm) || mm > 59) return false;
  }
  *offset = (minus ? -1 : 1) * (absl::Hours(hh) + absl::Minutes(mm));
  return r.Done();
}

// An epoch number written as a string: optional '-', digits, optional
// fraction. Integer and fraction are read separately, so no precision is
// lost to a double.
bool ParseEpochString(std::string_view s, absl::Time* out) {
  size_t i = 0;
  const bool minus = !s.empty() && s[0] == '-';
  if (minus) ++i;
  const size_t int_start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  const std::string_view int_part = s.substr(int_start, i - int_start);
  std::string_view frac;
  if (i < s.size() && s[i] == '.') {
    frac = s.substr(i + 1);
    if (frac.empty()) return false;
    for (char c : frac) {
      if (!IsDigit(c)) return false;
    }
  } else if (i != s.size()) {
    return false;
  }
  if (int_part.empty()) return false;
  if (int_part.size() > 15) {  // past 1e15 ms: out of any range
    *out = minus ? absl::InfinitePast() : absl::InfiniteFuture();
    return true;
  }
  int64_t whole = 0;
  for (char c : int_part) whole = whole * 10 + (c - '0');
  const bool millis = static_cast<double>(whole) >= kEpochMillisThreshold;
  // The fraction, to nanoseconds of the unit.
  int64_t frac_nanos = 0;
  int digits = 0;
  for (char c : frac) {
    if (digits == 9) break;  // finer than a nanosecond of the unit
    frac_nanos = frac_nanos * 10 + (c - '0');
    ++digits;
  }
  for (int k = digits; k < 9; ++k) frac_nanos *= 10;
  absl::Duration d = millis ? absl::Milliseconds(whole) + absl::Nanoseconds(frac_nanos) / 1000
                            : absl::Seconds(whole) + absl::Nanoseconds(frac_nanos);
  *out = absl::UnixEpoch() + (minus ? -d : d);
  return true;
}

}  // namespace

absl::StatusOr<absl::Time> ParseTimeString(std::string_view field, std::string_view text) {
  absl::Time epoch;
  if (ParseEpochString(text, &epoch)) return epoch;
  Reader r(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  int64_t nanos = 0;
  if (!r.Digits(4, &y) || !r.Eat('-') || !r.Digits(2, &mo) || !r.Eat('-') ||
      !r.Digits(2, &d) || !r.EatAny("Tt ") || !r.Digits(2, &h) || !r.Eat(':') ||
      !r.Digits(2, &mi)) {
    return NotATime(field);
  }
  if (r.Eat(':')) {
    if (!r.Digits(2, &sec)) return NotATime(field);
    if (r.EatAny(".,") && !r.Fraction(&nanos)) return NotATime(field);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || h > 23 || mi > 59 || sec > 60) {
    return NotATime(field);
  }
  absl::Duration offset;
  if (!ReadZone(r, &offset)) return NotATime(field);
  const absl::Time local =
      absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, sec), absl::UTCTimeZone());
  return local - offset + absl::Nanoseconds(nanos);
}

absl::Time FromEpochNumber(double value) {
  if (!std::isfinite(value) || std::fabs(value) >= 1e15) {
    return value < 0 ? absl::InfinitePast() : absl::InfiniteFuture();
  }
  if (std::fabs(value) >= kEpochMillisThreshold) {
    return absl::FromUnixMicros(std::llround(value * 1e3));
  }
  return absl::FromUnixMicros(std::llround(value * 1e6));
}

absl::StatusOr<absl::Time> ParseTime(std::string_view field, const Json& value) {
  if (value.is_string()) return ParseTimeString(field, value.get_ref<const std::string&>());
  if (value.is_number_integer() && !value.is_number_unsigned()) {
    const int64_t v = value.get<int64_t>();
    if (v >= static_cast<int64_t>(1e15) || v <= -static_cast<int64_t>(1e15)) {
      return v < 0 ? absl::InfinitePast() : absl::InfiniteFuture();
    }
    return static_cast<double>(v < 0 ? -v : v) >= kEpochMillisThreshold
               ? absl::FromUnixMillis(v)
               : absl::FromUnixSeconds(v);
  }
  if (value.is_number_unsigned()) {
    const uint64_t v = value.get<uint64_t>();
    if (v >= static_cast<uint64_t>(1e15)) return absl::InfiniteFuture();
    return static_cast<double>(v) >= kEpochMillisThreshold
               ? absl::FromUnixMillis(static_cast<int64_t>(v))
               : absl::FromUnixSeconds(static_cast<int64_t>(v));
  }
  if (value.is_number_float()) return FromEpochNumber(value.get<double>());
  return NotATime(field);
}

}  // namespace omnictx::ingest
