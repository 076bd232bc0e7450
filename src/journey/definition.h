// SPDX-License-Identifier: Apache-2.0
//
// Journey definitions: validation and a compiled, immutable form that the
// step state machine and the context lookup read without touching SQL.
#ifndef OMNICTX_JOURNEY_DEFINITION_H_
#define OMNICTX_JOURNEY_DEFINITION_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "omnictx/types.h"

namespace omnictx::journey {

// Checks a definition as DefineJourney receives it. Returns InvalidArgument
// whose message names the journey or step and the problem:
//   "journey.key: ..." (CheckKey rules), "journey.name: ...",
//   "journey.steps: empty", "journey.steps: more than 100 steps",
//   "step <key>: duplicate key", "step <key>: transition to unknown step <k>",
//   "step <key>: unreachable from entry step <entry>",
//   "step <key>: negative stall threshold", "step <key>: terminal step has next steps",
//   "step <key>: dead end (not terminal and no next step)",
//   "journey <key>: no terminal step", plus field checks on names, skills,
//   needs and touchpoints. Output-only fields (version, defined_at) are ignored.
absl::Status Validate(const Journey& journey);

// A validated definition indexed for constant-time step lookups. Immutable,
// so one instance is shared by every thread.
class Definition {
 public:
  // Validates and indexes. Returns Validate's errors.
  static absl::StatusOr<std::shared_ptr<const Definition>> Compile(
      const Journey& journey);

  const Journey& proto() const { return journey_; }
  const std::string& key() const { return journey_.key(); }
  int32_t version() const { return journey_.version(); }
  // The entry step (the first one).
  const JourneyStep& entry() const { return journey_.steps(0); }
  // Returns the step with `key`, or null.
  const JourneyStep* FindStep(std::string_view key) const;
  // Returns the step's position in definition order, or -1.
  int StepIndex(std::string_view key) const;
  // Returns true if the definition allows moving from `from` to `to`.
  bool Allows(std::string_view from, std::string_view to) const;
  // Returns the step's stall threshold (zero: never stalls).
  absl::Duration StallAfter(std::string_view step) const;

 private:
  explicit Definition(const Journey& journey);
  Journey journey_;
  // Step key -> index. A std::map, like every container the library grows
  // inside a call: it is left intact when an allocation throws.
  std::map<std::string, int, std::less<>> index_;
};

}  // namespace omnictx::journey

#endif  // OMNICTX_JOURNEY_DEFINITION_H_
