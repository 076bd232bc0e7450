// SPDX-License-Identifier: Apache-2.0
//
// Clears the parts of an assembled Context its audience may not see
// (omnictx/audience.h). Pure; routing and suggestions are computed from the
// whole record first, then the answer is cut down.
#ifndef OMNICTX_CONTEXT_AUDIENCE_H_
#define OMNICTX_CONTEXT_AUDIENCE_H_

#include <set>

#include "omnictx/audience.h"
#include "omnictx/options.h"
#include "omnictx/types.h"

namespace omnictx::context {

// Returns true if `audience` is one of the enum's named values (a value
// cast from an integer may not be).
bool IsKnownAudience(Audience audience);

// Clears every part of `ctx` not in `parts`.
void Redact(const std::set<ContextPart>& parts, Context* ctx);

// Clears what `audience` may not see under `policy`; an audience the policy
// does not list sees no part.
void RedactFor(const AudiencePolicy& policy, Audience audience, Context* ctx);

}  // namespace omnictx::context

#endif  // OMNICTX_CONTEXT_AUDIENCE_H_
