// SPDX-License-Identifier: Apache-2.0
//
// Store::Metrics: reads the window in one snapshot and feeds the
// accumulators of src/metrics/.
#include <cctype>
#include <map>

#include "metrics/journeys.h"
#include "metrics/kpi.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace omnictx::internal {
namespace {

std::string_view GroupName(MetricsGroup g) {
  switch (g) {
    case MetricsGroup::kNone: return "";
    case MetricsGroup::kTouchpoint: return "touchpoint";
    case MetricsGroup::kAgent: return "agent";
    case MetricsGroup::kJourney: return "journey";
    case MetricsGroup::kPriority: return "priority";
    case MetricsGroup::kHour: return "hour";
  }
  return "";
}

// "CASE_PRIORITY_HIGH" -> "high".
std::string PriorityName(v1::CasePriority p) {
  std::string name = v1::CasePriority_Name(p);
  constexpr std::string_view kPrefix = "CASE_PRIORITY_";
  if (name.rfind(kPrefix, 0) == 0) name.erase(0, kPrefix.size());
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// Looks up, once each, the journey key of instances and the priority of
// cases that interactions point at.
class Lookups {
 public:
  explicit Lookups(storage::Repository& repo) : repo_(repo) {}

  absl::StatusOr<std::string> JourneyKey(int64_t instance_id) {
    if (instance_id == 0) return std::string();
    auto it = journeys_.find(instance_id);
    if (it != journeys_.end()) return it->second;
    OMNICTX_ASSIGN_OR_RETURN(auto row, repo_.GetInstance(instance_id));
    std::string key = row ? row->instance.journey_key() : std::string();
    journeys_.emplace(instance_id, key);
    return key;
  }

  absl::StatusOr<std::string> Priority(int64_t case_id) {
    if (case_id == 0) return std::string();
    auto it = priorities_.find(case_id);
    if (it != priorities_.end()) return it->second;
    OMNICTX_ASSIGN_OR_RETURN(auto row, repo_.GetCase(case_id));
    std::string name = row ? PriorityName(row->kase.priority()) : std::string();
    priorities_.emplace(case_id, name);
    return name;
  }

 private:
  storage::Repository& repo_;
  std::map<int64_t, std::string> journeys_;
  std::map<int64_t, std::string> priorities_;
};

}  // namespace

absl::StatusOr<MetricsReport> StoreImpl::Metrics(const MetricsQuery& query) {
  OMNICTX_RETURN_IF_ERROR(metrics::ValidateQuery(query));
  const absl::Time now = Now();
  MetricsReport report;
  *report.mutable_start() = ToProtoTime(query.start);
  *report.mutable_end() = ToProtoTime(query.end);
  report.set_group_by(std::string(GroupName(query.group_by)));

  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    Lookups lookups(repo);

    // Operational KPIs and satisfaction: one pass over the window.
    metrics::ChannelKpis kpis(query);
    metrics::Satisfaction satisfaction;
    int64_t scanned = 0;
    OMNICTX_RETURN_IF_ERROR(repo.ForEachInteractionBetween(
        query.start, query.end, [&](const storage::InteractionRow& row) -> absl::Status {
          const Interaction& i = row.interaction;
          ++scanned;
          std::string group;
          switch (query.group_by) {
            case MetricsGroup::kNone: break;
            case MetricsGroup::kTouchpoint: group = i.touchpoint(); break;
            case MetricsGroup::kAgent: group = i.agent_id(); break;
            case MetricsGroup::kJourney: {
              OMNICTX_ASSIGN_OR_RETURN(group, lookups.JourneyKey(i.journey_instance_id()));
              break;
            }
            case MetricsGroup::kPriority: {
              OMNICTX_ASSIGN_OR_RETURN(group, lookups.Priority(i.case_id()));
              break;
            }
            case MetricsGroup::kHour:
              group = absl::FormatTime("%H", FromProtoTime(i.occurred_at()), absl::UTCTimeZone());
              break;
          }
          kpis.Add(i, group);
          if (metrics::HasValidScore(i)) {
            OMNICTX_ASSIGN_OR_RETURN(std::string journey,
                                     lookups.JourneyKey(i.journey_instance_id()));
            satisfaction.Add(i, journey);
            if (satisfaction.cases() > static_cast<size_t>(query.max_case_rows)) {
              return absl::ResourceExhaustedError(internal::StrCat(
                  "metrics: more than max_case_rows (", query.max_case_rows,
                  ") cases carry satisfaction scores; narrow the window"));
            }
          }
          return absl::OkStatus();
        }));
    report.set_interactions_scanned(scanned);
    for (v1::ChannelKpi& row : kpis.Finish()) *report.add_channels() = std::move(row);
    for (v1::SatisfactionRow& row : satisfaction.Finish()) {
      *report.add_satisfaction() = std::move(row);
    }

    // First-contact resolution and case effort over cases resolved in the window.
    v1::FirstContactResolution& fcr = *report.mutable_fcr();
    *fcr.mutable_recontact_window() = ToProtoDuration(query.recontact_window);
    OMNICTX_ASSIGN_OR_RETURN(std::vector<storage::CaseRow> cases,
                             repo.ListCasesResolvedBetween(query.start, query.end));
    int64_t contacts = 0, case_switches = 0;
    for (const storage::CaseRow& row : cases) {
      const Case& c = row.kase;
      OMNICTX_ASSIGN_OR_RETURN(std::vector<Interaction> thread,
                               repo.ListInteractionsOfCase(c.id()));
      int64_t inbound = 0;
      for (const Interaction& i : thread) {
        if (i.direction() == v1::DIRECTION_INBOUND) ++inbound;
      }
      contacts += inbound;
      case_switches += metrics::CountSwitches(thread);
      const absl::Time resolved = FromProtoTime(c.resolved_at());
      if (resolved + query.recontact_window > now) {
        fcr.set_awaiting_window(fcr.awaiting_window() + 1);
        continue;
      }
      OMNICTX_ASSIGN_OR_RETURN(
          int64_t after,
          repo.CountInboundBetween(row.customer_key, resolved, resolved + query.recontact_window));
      if (c.reopen_count() > 0) fcr.set_reopened(fcr.reopened() + 1);
      if (after > 0) fcr.set_repeat_contacts(fcr.repeat_contacts() + 1);
      if (inbound <= 1 && c.reopen_count() == 0 && after == 0) {
        fcr.set_first_contact_resolved(fcr.first_contact_resolved() + 1);
      }
    }
    const auto resolved = static_cast<int64_t>(cases.size());
    fcr.set_resolved(resolved);
    const int64_t judged = resolved - fcr.awaiting_window();
    if (judged > 0) {
      fcr.set_fcr_rate(static_cast<double>(fcr.first_contact_resolved()) /
                       static_cast<double>(judged));
      fcr.set_repeat_contact_rate(static_cast<double>(fcr.repeat_contacts()) /
                                  static_cast<double>(judged));
    }
    if (resolved > 0) {
      fcr.set_contacts_per_resolution(static_cast<double>(contacts) /
                                      static_cast<double>(resolved));
    }

    // Journeys started in the window.
    metrics::JourneyAnalytics journeys;
    OMNICTX_ASSIGN_OR_RETURN(
        std::vector<storage::InstanceRow> instances,
        repo.ListInstancesStartedBetween(query.start, query.end, query.journey_key));
    std::map<std::string, Journey> definitions;
    for (storage::InstanceRow& row : instances) {
      JourneyInstance& inst = row.instance;
      const std::string def_key = internal::StrCat(inst.journey_key(), "@", inst.journey_version());
      auto it = definitions.find(def_key);
      if (it == definitions.end()) {
        OMNICTX_ASSIGN_OR_RETURN(auto def,
                                 repo.GetJourney(inst.journey_key(), inst.journey_version()));
        if (!def) return absl::DataLossError("stored journey instance names a missing version");
        it = definitions.emplace(def_key, std::move(*def)).first;
      }
      OMNICTX_ASSIGN_OR_RETURN(std::vector<JourneyTransition> history,
                               repo.ListTransitions(inst.id()));
      for (JourneyTransition& t : history) *inst.add_history() = std::move(t);
      OMNICTX_ASSIGN_OR_RETURN(std::vector<Interaction> thread,
                               repo.ListInteractionsOfInstance(inst.id()));
      journeys.Add(it->second, inst, thread, now);
    }
    journeys.Finish(report);
    v1::ChannelEffort& effort = *report.mutable_effort();
    effort.set_cases(resolved);
    if (resolved > 0) {
      effort.set_switches_per_case(static_cast<double>(case_switches) /
                                   static_cast<double>(resolved));
    }
    return absl::OkStatus();
  }));
  return report;
}

}  // namespace omnictx::internal
