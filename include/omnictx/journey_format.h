// SPDX-License-Identifier: Apache-2.0
//
// Reading journey definitions from files: text-format proto or JSON
// (protobuf's JSON mapping of omnictx.v1.Journey).
#ifndef OMNICTX_JOURNEY_FORMAT_H_
#define OMNICTX_JOURNEY_FORMAT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "omnictx/types.h"

namespace omnictx {

// The largest definition text accepted, in bytes.
inline constexpr size_t kMaxJourneyTextBytes = 256 * 1024;

// Parses a text-format omnictx.v1.Journey. Does not validate the steps
// (DefineJourney does). Returns InvalidArgument naming the line on a parse
// error, or if the text is over kMaxJourneyTextBytes.
[[nodiscard]] absl::StatusOr<Journey> JourneyFromText(std::string_view text);

// Parses a JSON omnictx.v1.Journey. Unknown fields are refused. Returns
// InvalidArgument on a parse error or over kMaxJourneyTextBytes.
[[nodiscard]] absl::StatusOr<Journey> JourneyFromJson(std::string_view json);

// Reads a file and parses it by extension: ".json" as JSON, anything else
// (".textproto", ".txtpb", ".pbtxt") as text format. Returns NotFound if the
// file cannot be read.
[[nodiscard]] absl::StatusOr<Journey> JourneyFromFile(const std::string& path);

// Returns the definition as JSON (protobuf's JSON mapping).
[[nodiscard]] absl::StatusOr<std::string> JourneyToJson(const Journey& journey,
                                                       bool pretty = false);

}  // namespace omnictx

#endif  // OMNICTX_JOURNEY_FORMAT_H_
