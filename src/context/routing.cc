// SPDX-License-Identifier: Apache-2.0
#include "context/routing.h"

#include <algorithm>

#include "util/strings.h"

namespace omnictx::context {
namespace {

// Routing priority of a case: its enum value (low 1 ... urgent 4).
int32_t CasePriorityValue(const Case& c) { return static_cast<int32_t>(c.priority()); }

int32_t AttributePriority(const Customer& customer, const RoutingPolicy& policy) {
  if (policy.priority_attribute.empty()) return 0;
  const std::optional<std::string_view> attr =
      FindAttribute(customer.attributes(), policy.priority_attribute);
  if (!attr) return 0;
  auto p = policy.attribute_priority.find(std::string(*attr));
  return p == policy.attribute_priority.end() ? 0 : p->second;
}

bool IsAvailable(const RoutingInput& in, const std::string& agent) {
  if (in.available_agents == nullptr || !in.available_agents->has_value()) return true;
  const auto& agents = **in.available_agents;
  return std::find(agents.begin(), agents.end(), agent) != agents.end();
}

// When an owner is away and the case has nothing to fall back to, the rule
// passes, and `note` says why so the final hint does not pretend there was
// no case.
std::optional<RoutingHint> CaseOwnerRule(const RoutingInput& in, std::string* note) {
  if (in.open_cases == nullptr) return std::nullopt;
  for (const Case& c : *in.open_cases) {
    if (c.owner_agent().empty()) continue;
    RoutingHint hint;
    hint.set_rule("case_owner");
    hint.set_bypass_self_service(true);
    std::string about = internal::StrCat("open case ", c.id(), " owned by ", c.owner_agent());
    if (IsAvailable(in, c.owner_agent())) {
      hint.set_target_kind(v1::ROUTE_TARGET_KIND_AGENT);
      hint.set_target(c.owner_agent());
      hint.set_reason(about);
      return hint;
    }
    for (const auto& [case_id, skill] : in.case_skills) {
      if (case_id == c.id() && !skill.empty()) {
        hint.set_target_kind(v1::ROUTE_TARGET_KIND_SKILL);
        hint.set_target(skill);
        hint.set_reason(internal::StrCat(about, ", who is not available: skill ", skill,
                                     " of the case's journey step"));
        return hint;
      }
    }
    if (!c.queue().empty()) {
      hint.set_target_kind(v1::ROUTE_TARGET_KIND_QUEUE);
      hint.set_target(c.queue());
      hint.set_reason(internal::StrCat(about, ", who is not available: case queue ", c.queue()));
      return hint;
    }
    if (note->empty()) {
      *note = internal::StrCat(about, ", who is not available, and the case has no skill or queue");
    }
  }
  return std::nullopt;
}

std::optional<RoutingHint> RecentActivityRule(const RoutingInput& in,
                                              const RoutingPolicy& policy) {
  const JourneyView* best = nullptr;
  for (const JourneyView& j : in.journeys) {
    if (j.journey->skill().empty()) continue;
    // A move made through the API (no interaction, no channel) is the
    // business's doing, not the customer's activity.
    if (j.last_channel.kind() == v1::CHANNEL_KIND_UNSPECIFIED) continue;
    if (SameDoor(j.last_channel.kind(), in.asking)) continue;
    if (in.now - j.last_activity > policy.recent_activity_window) continue;
    if (best == nullptr || j.last_activity > best->last_activity) best = &j;
  }
  if (best == nullptr) return std::nullopt;
  RoutingHint hint;
  hint.set_rule("recent_journey_activity");
  hint.set_bypass_self_service(true);
  hint.set_target_kind(v1::ROUTE_TARGET_KIND_SKILL);
  hint.set_target(best->journey->skill());
  hint.set_reason(internal::StrCat("on ", ChannelName(best->last_channel.kind()), " ",
                               HumanDuration(in.now - best->last_activity), " ago at step ",
                               best->journey->current_step(), " of ",
                               best->journey->journey_key()));
  return hint;
}

std::optional<RoutingHint> StalledRule(const RoutingInput& in) {
  for (const JourneyView& j : in.journeys) {
    if (!j.journey->stalled() || j.journey->skill().empty()) continue;
    RoutingHint hint;
    hint.set_rule("stalled_journey");
    hint.set_bypass_self_service(true);
    hint.set_target_kind(v1::ROUTE_TARGET_KIND_SKILL);
    hint.set_target(j.journey->skill());
    hint.set_reason(internal::StrCat(
        "stuck for ", HumanDuration(FromProtoDuration(j.journey->time_in_step())),
        " at step ", j.journey->current_step(), " of ", j.journey->journey_key()));
    return hint;
  }
  return std::nullopt;
}

}  // namespace

bool SameDoor(v1::ChannelKind a, v1::ChannelKind b) {
  auto phone = [](v1::ChannelKind k) {
    return k == v1::CHANNEL_KIND_VOICE || k == v1::CHANNEL_KIND_IVR;
  };
  return a == b || (phone(a) && phone(b));
}

std::string HumanDuration(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  auto unit = [](int64_t n, const char* one) {
    return internal::StrCat(n, " ", one, n == 1 ? "" : "s");
  };
  if (d < absl::Minutes(1)) return unit(absl::ToInt64Seconds(d), "second");
  if (d < absl::Hours(1)) return unit(absl::ToInt64Minutes(d), "minute");
  if (d < absl::Hours(48)) return unit(absl::ToInt64Hours(d), "hour");
  return unit(absl::ToInt64Hours(d) / 24, "day");
}

RoutingHint RouteUnknown() {
  RoutingHint hint;
  hint.set_rule("unknown_caller");
  hint.set_reason("unknown caller: self-service");
  return hint;
}

RoutingHint Route(const RoutingInput& in, const RoutingPolicy& policy) {
  std::optional<RoutingHint> hint;
  std::string note;
  for (RoutingRule rule : policy.order) {
    switch (rule) {
      case RoutingRule::kCaseOwner:
        hint = CaseOwnerRule(in, &note);
        break;
      case RoutingRule::kRecentJourneyActivity:
        hint = RecentActivityRule(in, policy);
        break;
      case RoutingRule::kStalledJourney:
        hint = StalledRule(in);
        break;
    }
    if (hint) break;
  }
  if (!hint) {
    hint.emplace();
    hint->set_rule("self_service");
    hint->set_reason(note.empty() ? "no open case or recent journey activity: self-service"
                                  : internal::StrCat(note, ": self-service"));
  }
  int32_t priority = AttributePriority(*in.customer, policy);
  if (in.open_cases != nullptr && !in.open_cases->empty()) {
    priority = std::max(priority, CasePriorityValue(in.open_cases->front()));
  }
  for (const JourneyView& j : in.journeys) priority = std::max(priority, j.step_priority);
  hint->set_priority(priority);
  return *hint;
}

}  // namespace omnictx::context
