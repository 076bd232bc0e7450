// SPDX-License-Identifier: Apache-2.0
//
// Builds a Context from what a lookup read in one snapshot. Pure: no SQL,
// no clock; the caller passes `now`.
#ifndef OMNICTX_CONTEXT_ASSEMBLE_H_
#define OMNICTX_CONTEXT_ASSEMBLE_H_

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "journey/definition.h"
#include "omnictx/options.h"
#include "omnictx/types.h"

namespace omnictx::context {

// A journey instance with the definition version it runs on.
struct LoadedJourney {
  JourneyInstance instance;
  std::shared_ptr<const journey::Definition> definition;
  // The newest interaction recorded against the instance, whatever the
  // lookup's recent_limit (routing must not depend on it).
  std::optional<Interaction> latest_interaction;
};

// What the lookup read for a known customer.
struct Loaded {
  Customer customer;  // with identities
  Identity matched;   // empty kind when looked up by id
  std::vector<LoadedJourney> journeys;   // active ones
  std::vector<Case> open_cases;          // most urgent first
  std::vector<Interaction> recent;       // newest first, at most the limit
  std::optional<Interaction> latest;     // newest, even when the limit is 0
  // For stalled journeys: the last outbound interaction before the step
  // was entered, by instance id.
  std::map<int64_t, Interaction> stalled_outbound;
};

// Returns true if the instance has spent longer than its step's threshold.
bool IsStalled(const JourneyInstance& instance, const journey::Definition& def, absl::Time now);

// Assembles the answer for a known customer, cut down to what
// request.audience may see under `audiences`.
Context Assemble(const Loaded& loaded, const LookupRequest& request,
                 const RoutingPolicy& policy, const AudiencePolicy& audiences, absl::Time now);

// Assembles the answer for an identity nobody owns, cut down likewise.
Context AssembleUnknown(const Identity& matched, const LookupRequest& request,
                        const AudiencePolicy& audiences, absl::Time now);

}  // namespace omnictx::context

#endif  // OMNICTX_CONTEXT_ASSEMBLE_H_
