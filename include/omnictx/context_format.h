// SPDX-License-Identifier: Apache-2.0
//
// Renders a Context for the doors that read it: JSON (protobuf's JSON
// mapping), a flat string map for IVRs, and human-readable text.
#ifndef OMNICTX_CONTEXT_FORMAT_H_
#define OMNICTX_CONTEXT_FORMAT_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "omnictx/types.h"

namespace omnictx {

// Returns the Context as JSON in protobuf's JSON mapping (lowerCamelCase
// names, RFC 3339 times). `pretty` indents it.
[[nodiscard]] absl::StatusOr<std::string> ToJson(const Context& ctx,
                                                 bool pretty = false);

// Parses JSON written by ToJson. Returns InvalidArgument if malformed.
[[nodiscard]] absl::StatusOr<Context> ContextFromJson(std::string_view json);

// The largest flat map ToFlatMap produces, in bytes of keys plus values.
inline constexpr size_t kMaxFlatMapBytes = 32 * 1024;

// Returns the Context as a flat map of short keys to string values, the
// form IVRs take (Asterisk AGI variables, Twilio Studio, Amazon Connect
// contact attributes). Keys:
//   known               "1" or "0"
//   customer_id, name, language, matched_kind, matched_value
//   route_bypass        "1" or "0"
//   route_kind          "agent", "skill", "queue" or ""
//   route_target, route_priority, route_reason, route_rule
//   journey, journey_step, journey_skill, journey_stalled ("1"/"0"),
//   journey_minutes_in_step          (the first active journey)
//   journeys            number of active journeys
//   case_id, case_owner, case_status, case_priority  (the first open case)
//   cases               number of open cases
//   last_channel, last_touchpoint, last_minutes_ago
//   suggestion          text of the first suggestion
// Every value comes from a field with a documented limit, so the whole map
// stays under kMaxFlatMapBytes; nothing is cut.
std::map<std::string, std::string> ToFlatMap(const Context& ctx);

// Returns a multi-line human-readable rendering, as an agent would read it.
std::string ToText(const Context& ctx);

}  // namespace omnictx

#endif  // OMNICTX_CONTEXT_FORMAT_H_
