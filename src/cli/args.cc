// SPDX-License-Identifier: Apache-2.0
#include "cli/args.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "util/strings.h"

namespace omnictx::cli {

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& argv,
                                 const std::set<std::string>& flags_without_value,
                                 const std::set<std::string>& repeatable) {
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (word.size() < 3 || word.rfind("--", 0) != 0) {
      args.positional_.push_back(word);
      continue;
    }
    std::string name = word.substr(2), value;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (flags_without_value.count(name) == 0) {
      if (i + 1 >= argv.size()) {
        return absl::InvalidArgumentError(internal::StrCat("--", name, ": needs a value"));
      }
      value = argv[++i];
    }
    std::vector<std::string>& values = args.options_[name];
    if (!values.empty() && repeatable.count(name) == 0) {
      return absl::InvalidArgumentError(internal::StrCat("--", name, ": given twice"));
    }
    values.push_back(std::move(value));
  }
  return args;
}

std::optional<std::string> Args::Get(const std::string& name) const {
  auto it = options_.find(name);
  if (it == options_.end()) return std::nullopt;
  return it->second.front();
}

std::vector<std::string> Args::GetAll(const std::string& name) const {
  auto it = options_.find(name);
  if (it == options_.end()) return {};
  return it->second;
}

absl::Status Args::OnlyKnown(const std::set<std::string>& known) const {
  for (const auto& [name, value] : options_) {
    if (known.count(name) == 0) {
      return absl::InvalidArgumentError(internal::StrCat("--", name, ": unknown option"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Duration> ParseDurationFlag(const std::string& field, const std::string& text) {
  absl::Duration d;
  int64_t seconds = 0;
  if (absl::SimpleAtoi(text, &seconds)) {
    d = absl::Seconds(seconds);
  } else {
    // absl::ParseDuration knows h, m, s, ms; add days.
    std::string t = text;
    absl::Duration days;
    size_t dpos = t.find('d');
    int64_t n = 0;
    if (dpos != std::string::npos && absl::SimpleAtoi(t.substr(0, dpos), &n)) {
      // Duration arithmetic saturates where int64 "24 * n" would overflow
      // (found by fuzz/fuzz_cli_args.cc).
      days = absl::Hours(24) * n;
      t = t.substr(dpos + 1);
    }
    if (t.empty()) {
      d = days;
    } else if (absl::ParseDuration(t, &d)) {
      d += days;
    } else {
      return absl::InvalidArgumentError(
          internal::StrCat("--", field, ": not a duration (e.g. 20s, 30m, 1h, 2d)"));
    }
  }
  if (d < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(internal::StrCat("--", field, ": negative"));
  }
  if (d == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(internal::StrCat("--", field, ": too large"));
  }
  return d;
}

absl::StatusOr<absl::Time> ParseTimeFlag(const std::string& field, const std::string& text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    return absl::InvalidArgumentError(
        internal::StrCat("--", field, ": not an RFC 3339 time (e.g. 2026-03-02T09:00:00Z)"));
  }
  return t;
}

}  // namespace omnictx::cli
