// SPDX-License-Identifier: Apache-2.0
#include "journey/definition.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/validate.h"

namespace omnictx::journey {
namespace {

using StepIndexMap = std::map<std::string, int, std::less<>>;

absl::Status StepError(const JourneyStep& step, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("step ", step.key(), ": ", problem));
}

// google.protobuf.Duration's own bounds (+-10,000 years).
constexpr int64_t kMaxDurationSeconds = 315576000000;
constexpr int32_t kMaxNanos = 999999999;

absl::Status CheckStallAfter(const JourneyStep& step) {
  if (!step.has_stall_after()) return absl::OkStatus();
  const int64_t seconds = step.stall_after().seconds();
  const int32_t nanos = step.stall_after().nanos();
  // Seconds and nanos must share a sign; anything else is not a Duration.
  const bool valid = nanos >= -kMaxNanos && nanos <= kMaxNanos &&
                     seconds >= -kMaxDurationSeconds &&
                     seconds <= kMaxDurationSeconds &&
                     !(seconds > 0 && nanos < 0) && !(seconds < 0 && nanos > 0);
  if (!valid) return StepError(step, "invalid stall threshold");
  if (seconds < 0 || nanos < 0) {
    return StepError(step, "negative stall threshold");
  }
  return absl::OkStatus();
}

// Checks every key in `keys` as a machine key, naming it "<list>[i]".
absl::Status CheckKeyList(
    const JourneyStep& step, absl::string_view list,
    const google::protobuf::RepeatedPtrField<std::string>& keys) {
  for (int i = 0; i < keys.size(); ++i) {
    OMNICTX_RETURN_IF_ERROR(internal::CheckKey(
        absl::StrCat("step ", step.key(), ": ", list, "[", i, "]"), keys[i],
        /*required=*/true));
  }
  return absl::OkStatus();
}

// Checks the fields of one step on their own, before any cross-step rule.
// The key is checked first so later messages can name the step by it.
absl::Status CheckStepFields(const JourneyStep& step, int position) {
  OMNICTX_RETURN_IF_ERROR(internal::CheckKey(
      absl::StrCat("journey.steps[", position, "].key"), step.key(),
      /*required=*/true));
  const std::string prefix = absl::StrCat("step ", step.key(), ": ");
  OMNICTX_RETURN_IF_ERROR(internal::CheckName(
      absl::StrCat(prefix, "name"), step.name(), Limits::kMaxNameBytes,
      /*required=*/false));
  OMNICTX_RETURN_IF_ERROR(internal::CheckKey(absl::StrCat(prefix, "skill"),
                                             step.skill(), /*required=*/false));
  // `next` entries are checked as keys before they are resolved, so the
  // unknown-step message never echoes arbitrary bytes.
  OMNICTX_RETURN_IF_ERROR(CheckKeyList(step, "next", step.next()));
  OMNICTX_RETURN_IF_ERROR(CheckKeyList(step, "needs", step.needs()));
  OMNICTX_RETURN_IF_ERROR(
      CheckKeyList(step, "touchpoints", step.touchpoints()));
  OMNICTX_RETURN_IF_ERROR(CheckStallAfter(step));
  if (!v1::StepOutcome_IsValid(step.outcome())) {
    return StepError(step, absl::StrCat("unknown outcome ",
                                        static_cast<int>(step.outcome())));
  }
  return absl::OkStatus();
}

bool IsTerminal(const JourneyStep& step) {
  return step.outcome() != v1::STEP_OUTCOME_UNSPECIFIED;
}

// Checks the transitions of every step against the index of step keys.
absl::Status CheckTransitions(const Journey& journey,
                              const StepIndexMap& index) {
  bool any_terminal = false;
  for (const JourneyStep& step : journey.steps()) {
    for (const std::string& next : step.next()) {
      if (!index.contains(next)) {
        return StepError(step,
                         absl::StrCat("transition to unknown step ", next));
      }
    }
    if (IsTerminal(step)) {
      any_terminal = true;
      if (!step.next().empty()) {
        return StepError(step, "terminal step has next steps");
      }
    } else if (step.next().empty()) {
      return StepError(step, "dead end (not terminal and no next step)");
    }
  }
  if (!any_terminal) {
    return absl::InvalidArgumentError(
        absl::StrCat("journey ", journey.key(), ": no terminal step"));
  }
  return absl::OkStatus();
}

// Walks the transitions from the entry step; names the first step, in
// definition order, that the walk never reaches.
absl::Status CheckReachable(const Journey& journey, const StepIndexMap& index) {
  std::vector<bool> seen(journey.steps_size(), false);
  std::vector<int> pending = {0};
  seen[0] = true;
  while (!pending.empty()) {
    const int at = pending.back();
    pending.pop_back();
    for (const std::string& next : journey.steps(at).next()) {
      const int to = index.find(next)->second;
      if (!seen[to]) {
        seen[to] = true;
        pending.push_back(to);
      }
    }
  }
  for (int i = 0; i < journey.steps_size(); ++i) {
    if (!seen[i]) {
      return StepError(
          journey.steps(i),
          absl::StrCat("unreachable from entry step ", journey.steps(0).key()));
    }
  }
  return absl::OkStatus();
}

StepIndexMap BuildIndex(const Journey& journey) {
  StepIndexMap index;
  for (int i = 0; i < journey.steps_size(); ++i) {
    index.emplace(journey.steps(i).key(), i);
  }
  return index;
}

}  // namespace

absl::Status Validate(const Journey& journey) {
  OMNICTX_RETURN_IF_ERROR(
      internal::CheckKey("journey.key", journey.key(), /*required=*/true));
  OMNICTX_RETURN_IF_ERROR(internal::CheckName("journey.name", journey.name(),
                                              Limits::kMaxNameBytes,
                                              /*required=*/false));
  OMNICTX_RETURN_IF_ERROR(internal::CheckText(
      "journey.description", journey.description(), Limits::kMaxSummaryBytes));
  if (journey.steps().empty()) {
    return absl::InvalidArgumentError("journey.steps: empty");
  }
  if (static_cast<size_t>(journey.steps_size()) > Limits::kMaxJourneySteps) {
    return absl::InvalidArgumentError(absl::StrCat(
        "journey.steps: more than ", Limits::kMaxJourneySteps, " steps"));
  }
  StepIndexMap index;
  for (int i = 0; i < journey.steps_size(); ++i) {
    const JourneyStep& step = journey.steps(i);
    OMNICTX_RETURN_IF_ERROR(CheckStepFields(step, i));
    if (!index.emplace(step.key(), i).second) {
      return StepError(step, "duplicate key");
    }
  }
  OMNICTX_RETURN_IF_ERROR(CheckTransitions(journey, index));
  return CheckReachable(journey, index);
}

absl::StatusOr<std::shared_ptr<const Definition>> Definition::Compile(
    const Journey& journey) {
  OMNICTX_RETURN_IF_ERROR(Validate(journey));
  // The constructor is private, so make_shared cannot reach it.
  return std::shared_ptr<const Definition>(new Definition(journey));
}

Definition::Definition(const Journey& journey)
    : journey_(journey), index_(BuildIndex(journey_)) {}

const JourneyStep* Definition::FindStep(std::string_view key) const {
  const int i = StepIndex(key);
  return i < 0 ? nullptr : &journey_.steps(i);
}

int Definition::StepIndex(std::string_view key) const {
  const auto it = index_.find(key);
  return it == index_.end() ? -1 : it->second;
}

bool Definition::Allows(std::string_view from, std::string_view to) const {
  const JourneyStep* step = FindStep(from);
  if (step == nullptr) return false;
  for (const std::string& next : step->next()) {
    if (next == to) return true;
  }
  return false;
}

absl::Duration Definition::StallAfter(std::string_view step) const {
  const JourneyStep* found = FindStep(step);
  if (found == nullptr || !found->has_stall_after()) {
    return absl::ZeroDuration();
  }
  return FromProtoDuration(found->stall_after());
}

}  // namespace omnictx::journey
