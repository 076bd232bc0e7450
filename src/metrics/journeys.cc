// SPDX-License-Identifier: Apache-2.0
#include "metrics/journeys.h"

#include <set>

#include "metrics/kpi.h"

namespace omnictx::metrics {
namespace {

const JourneyStep* FindStep(const Journey& j, const std::string& key) {
  for (const JourneyStep& s : j.steps()) {
    if (s.key() == key) return &s;
  }
  return nullptr;
}

bool IsEnded(v1::JourneyStatus s) {
  return s == v1::JOURNEY_STATUS_COMPLETED || s == v1::JOURNEY_STATUS_FAILED ||
         s == v1::JOURNEY_STATUS_ABANDONED;
}

// The step the instance was at just before `i` happened: the target of the
// last transition earlier than it, or at the same time but caused by
// something else.
std::string StepBefore(const JourneyInstance& instance, const Interaction& i) {
  const absl::Time at = FromProtoTime(i.occurred_at());
  std::string step;
  for (const JourneyTransition& t : instance.history()) {
    const absl::Time t_at = FromProtoTime(t.at());
    if (t_at < at || (t_at == at && t.interaction_id() != i.id())) step = t.to_step();
  }
  return step.empty() && instance.history_size() > 0 ? instance.history(0).to_step() : step;
}

}  // namespace

void JourneyAnalytics::Add(const Journey& definition, const JourneyInstance& instance,
                           const std::vector<Interaction>& interactions, absl::Time now) {
  FunnelAcc& f = funnels_[{instance.journey_key(), instance.journey_version()}];
  if (f.started == 0) f.definition = definition;
  ++f.started;
  const v1::JourneyStatus status = instance.status();
  switch (status) {
    case v1::JOURNEY_STATUS_COMPLETED: ++f.completed; break;
    case v1::JOURNEY_STATUS_FAILED: ++f.failed; break;
    case v1::JOURNEY_STATUS_ABANDONED: ++f.abandoned; break;
    case v1::JOURNEY_STATUS_MERGED: ++f.merged; break;
    default: ++f.active; break;
  }

  // Steps: reached and left at most once per instance; every completed
  // visit's duration counts.
  std::set<std::string> reached, left;
  const auto& history = instance.history();
  for (int k = 0; k < history.size(); ++k) {
    const JourneyTransition& t = history[k];
    reached.insert(t.to_step());
    if (!t.from_step().empty()) left.insert(t.from_step());
    if (k + 1 < history.size()) {
      f.steps[t.to_step()].times.push_back(FromProtoTime(history[k + 1].at()) -
                                           FromProtoTime(t.at()));
    }
  }
  if (reached.empty()) reached.insert(instance.current_step());
  for (const std::string& s : reached) ++f.steps[s].reached;
  for (const std::string& s : left) ++f.steps[s].continued;
  StepAcc& here = f.steps[instance.current_step()];
  switch (status) {
    case v1::JOURNEY_STATUS_COMPLETED: ++here.completed; break;
    case v1::JOURNEY_STATUS_FAILED: ++here.failed; break;
    case v1::JOURNEY_STATUS_ABANDONED: ++here.abandoned; break;
    case v1::JOURNEY_STATUS_ACTIVE: {
      ++here.active;
      const JourneyStep* step = FindStep(definition, instance.current_step());
      if (step != nullptr) {
        const absl::Duration stall = FromProtoDuration(step->stall_after());
        if (stall > absl::ZeroDuration() &&
            now - FromProtoTime(instance.step_entered_at()) > stall) {
          ++f.stalled;
        }
      }
      break;
    }
    default: break;
  }

  // Merged instances live on in the survivor's: no effort, no outcome.
  if (status == v1::JOURNEY_STATUS_MERGED) return;
  ++effort_journeys_;
  effort_switches_ += CountSwitches(interactions);
  if (!IsEnded(status)) return;
  const bool success = status == v1::JOURNEY_STATUS_COMPLETED;

  std::map<int, int64_t> used;  // channel -> interactions
  for (const Interaction& i : interactions) {
    if (i.channel().kind() != v1::CHANNEL_KIND_UNSPECIFIED) ++used[i.channel().kind()];
  }
  for (const JourneyTransition& t : history) {
    if (t.channel().kind() != v1::CHANNEL_KIND_UNSPECIFIED) used.try_emplace(t.channel().kind(), 0);
  }
  for (const auto& [channel, count] : used) {
    OutcomeAcc& o = outcomes_[channel];
    ++o.journeys;
    if (success) ++o.succeeded;
    o.interactions += count;
  }

  const Interaction* prev = nullptr;
  for (const Interaction& i : interactions) {
    if (i.channel().kind() == v1::CHANNEL_KIND_UNSPECIFIED) continue;
    if (prev != nullptr && prev->channel().kind() != i.channel().kind()) {
      SwitchAcc& s = switches_[{instance.journey_key(), StepBefore(instance, i),
                                prev->channel().kind(), i.channel().kind()}];
      ++s.count;
      if (success) ++s.succeeded;
    }
    prev = &i;
  }
}

void JourneyAnalytics::Finish(MetricsReport& report) const {
  for (const auto& [key, f] : funnels_) {
    v1::JourneyFunnel* out = report.add_journeys();
    out->set_journey_key(key.first);
    out->set_journey_version(key.second);
    out->set_started(f.started);
    out->set_completed(f.completed);
    out->set_failed(f.failed);
    out->set_abandoned(f.abandoned);
    out->set_merged(f.merged);
    out->set_active(f.active);
    out->set_stalled_now(f.stalled);
    const int64_t ended = f.completed + f.failed + f.abandoned;
    if (ended > 0) {
      out->set_completion_rate(static_cast<double>(f.completed) / static_cast<double>(ended));
    }
    // Definition order, then any step the definition no longer names.
    std::vector<std::string> order;
    std::set<std::string> seen;
    for (const JourneyStep& s : f.definition.steps()) {
      order.push_back(s.key());
      seen.insert(s.key());
    }
    for (const auto& [step, acc] : f.steps) {
      if (seen.insert(step).second) order.push_back(step);
    }
    for (const std::string& step : order) {
      v1::StepFunnel* s = out->add_steps();
      s->set_step(step);
      auto it = f.steps.find(step);
      if (it == f.steps.end()) continue;
      const StepAcc& a = it->second;
      s->set_reached(a.reached);
      s->set_continued(a.continued);
      s->set_completed_here(a.completed);
      s->set_failed_here(a.failed);
      s->set_abandoned_here(a.abandoned);
      s->set_active_here(a.active);
      if (a.reached > 0) {
        const JourneyStep* def = FindStep(f.definition, step);
        const bool success_step = def != nullptr && def->outcome() == v1::STEP_OUTCOME_SUCCESS;
        const double reached = static_cast<double>(a.reached);
        s->set_conversion(static_cast<double>(success_step ? a.completed : a.continued) / reached);
        s->set_drop_off(static_cast<double>(a.failed + a.abandoned) / reached);
      }
      std::vector<absl::Duration> times = a.times;
      if (!times.empty()) {
        *s->mutable_p50_time_in_step() = ToProtoDuration(Percentile(times, 0.5));
        *s->mutable_p90_time_in_step() = ToProtoDuration(Percentile(times, 0.9));
      }
    }
  }
  for (const auto& [channel, o] : outcomes_) {
    v1::ChannelOutcome* out = report.add_channel_outcomes();
    out->set_channel(static_cast<v1::ChannelKind>(channel));
    out->set_journeys(o.journeys);
    out->set_succeeded(o.succeeded);
    out->set_interactions(o.interactions);
    if (o.journeys > 0) {
      out->set_success_rate(static_cast<double>(o.succeeded) / static_cast<double>(o.journeys));
    }
  }
  for (const auto& [key, s] : switches_) {
    v1::ChannelSwitch* out = report.add_switches();
    out->set_journey_key(std::get<0>(key));
    out->set_step(std::get<1>(key));
    out->set_from_channel(static_cast<v1::ChannelKind>(std::get<2>(key)));
    out->set_to_channel(static_cast<v1::ChannelKind>(std::get<3>(key)));
    out->set_count(s.count);
    out->set_succeeded(s.succeeded);
    out->set_success_rate(static_cast<double>(s.succeeded) / static_cast<double>(s.count));
  }
  v1::ChannelEffort* effort = report.mutable_effort();
  effort->set_journeys(effort_journeys_);
  if (effort_journeys_ > 0) {
    effort->set_switches_per_journey(static_cast<double>(effort_switches_) /
                                     static_cast<double>(effort_journeys_));
  }
}

}  // namespace omnictx::metrics
