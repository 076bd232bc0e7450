// SPDX-License-Identifier: Apache-2.0
//
// Early-return helpers for absl::Status (Abseil 20220623 ships none).
#ifndef OMNICTX_UTIL_STATUS_MACROS_H_
#define OMNICTX_UTIL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define OMNICTX_CONCAT_INNER_(a, b) a##b
#define OMNICTX_CONCAT_(a, b) OMNICTX_CONCAT_INNER_(a, b)

// Returns from the current function if `expr` yields a non-OK status. The
// variable is named per use so that nested uses (in lambdas) do not shadow.
#define OMNICTX_RETURN_IF_ERROR(expr) \
  OMNICTX_RETURN_IF_ERROR_IMPL_(OMNICTX_CONCAT_(omnictx_status_, __COUNTER__), expr)

#define OMNICTX_RETURN_IF_ERROR_IMPL_(status, expr) \
  do {                                              \
    ::absl::Status status = (expr);                 \
    if (!status.ok()) return status;                \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status,
// otherwise moves the value into `lhs` (a declaration or an lvalue).
#define OMNICTX_ASSIGN_OR_RETURN(lhs, rexpr) \
  OMNICTX_ASSIGN_OR_RETURN_IMPL_(OMNICTX_CONCAT_(omnictx_statusor_, __COUNTER__), lhs, rexpr)

#define OMNICTX_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()

#endif  // OMNICTX_UTIL_STATUS_MACROS_H_
