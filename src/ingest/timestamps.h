// SPDX-License-Identifier: Apache-2.0
//
// Reading the times found in real event streams: RFC 3339 and its common
// relatives, and Unix epoch numbers in seconds or milliseconds.
#ifndef OMNICTX_INGEST_TIMESTAMPS_H_
#define OMNICTX_INGEST_TIMESTAMPS_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ingest/json_limits.h"

namespace omnictx::ingest {

// Epoch numbers whose absolute value is at least this are milliseconds
// (1e11 seconds is the year 5138; 1e11 milliseconds is 1973).
inline constexpr double kEpochMillisThreshold = 1e11;

// Parses a date-time string:
//   YYYY-MM-DD ('T' | 't' | ' ') hh:mm[:ss[('.' | ',') 1-9 digits]]
//   then optional spaces and a zone: 'Z', 'z', "UTC", "GMT", or
//   ('+' | '-') hh[[':']mm]; no zone means UTC,
// or an epoch number written as a string ("1585250199",
// "1669285628.796693", "1585250199000"). Calendar fields are range
// checked (February 30 is refused); a leap second 60 reads as the next
// second. Returns InvalidArgument "<field>: not a valid time" otherwise.
absl::StatusOr<absl::Time> ParseTimeString(std::string_view field, std::string_view text);

// Converts an epoch number (seconds, or milliseconds from
// kEpochMillisThreshold on) to a time. Non-finite or absurdly large values
// give InfiniteFuture / InfinitePast, which every range check refuses.
absl::Time FromEpochNumber(double value);

// Parses a JSON time value: a string (ParseTimeString) or a number
// (integers exactly). Returns InvalidArgument "<field>: not a valid time"
// for other JSON types.
absl::StatusOr<absl::Time> ParseTime(std::string_view field, const Json& value);

}  // namespace omnictx::ingest

#endif  // OMNICTX_INGEST_TIMESTAMPS_H_
