// SPDX-License-Identifier: Apache-2.0
//
// The routing hint: whom an arriving customer should reach and why. Rules
// are data (RoutingPolicy), applied in order; the first that matches wins,
// and every hint carries a human-readable reason and the rule's name.
#ifndef OMNICTX_CONTEXT_ROUTING_H_
#define OMNICTX_CONTEXT_ROUTING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "omnictx/options.h"
#include "omnictx/types.h"

namespace omnictx::context {

// An active journey with what routing needs to know about it.
struct JourneyView {
  const v1::ActiveJourney* journey = nullptr;
  int32_t step_priority = 0;
  // The latest activity in this journey (an interaction or a transition).
  absl::Time last_activity = absl::InfinitePast();
  v1::Channel last_channel;
};

// Everything the rules read; pointers are borrowed for the call.
struct RoutingInput {
  const Customer* customer = nullptr;
  std::vector<JourneyView> journeys;
  const std::vector<Case>* open_cases = nullptr;  // most urgent first
  // Skill of the current step of each case's journey instance, by case id.
  std::vector<std::pair<int64_t, std::string>> case_skills;
  v1::ChannelKind asking = v1::CHANNEL_KIND_UNSPECIFIED;
  const std::optional<std::vector<std::string>>* available_agents = nullptr;
  absl::Time now;
};

// Returns the hint for a known customer.
RoutingHint Route(const RoutingInput& input, const RoutingPolicy& policy);

// Returns the hint for an unknown caller: self-service, no target.
RoutingHint RouteUnknown();

// Returns true when two channel kinds are the same door for "another
// channel" purposes (voice and ivr are one phone line).
bool SameDoor(v1::ChannelKind a, v1::ChannelKind b);

// Formats a duration for people: "45 seconds", "4 minutes", "3 hours", "2 days".
std::string HumanDuration(absl::Duration d);

}  // namespace omnictx::context

#endif  // OMNICTX_CONTEXT_ROUTING_H_
