// SPDX-License-Identifier: Apache-2.0
//
// StrCat/StrAppend that accept std::string_view. Abseil 20220623 as Debian
// builds it keeps absl::string_view a distinct type, so absl::StrCat does
// not take the std::string_view our headers use.
#ifndef OMNICTX_UTIL_STRINGS_H_
#define OMNICTX_UTIL_STRINGS_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace omnictx::internal {

template <typename T>
decltype(auto) ToAlphaNumArg(const T& v) {
  if constexpr (std::is_convertible_v<const T&, std::string_view> &&
                !std::is_convertible_v<const T&, absl::string_view>) {
    std::string_view s = v;
    return absl::string_view(s.data(), s.size());
  } else {
    return (v);
  }
}

// absl::StrCat, also for std::string_view arguments.
template <typename... Args>
std::string StrCat(const Args&... args) {
  return absl::StrCat(ToAlphaNumArg(args)...);
}

// absl::StrAppend, also for std::string_view arguments.
template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  absl::StrAppend(out, ToAlphaNumArg(args)...);
}

// Converts for the Abseil functions that take absl::string_view.
inline absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace omnictx::internal

#endif  // OMNICTX_UTIL_STRINGS_H_
