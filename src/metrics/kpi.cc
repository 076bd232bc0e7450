// SPDX-License-Identifier: Apache-2.0
#include "metrics/kpi.h"

#include <algorithm>
#include <cmath>

#include "util/strings.h"

namespace omnictx::metrics {
namespace {

bool IsFiniteTime(absl::Time t) { return t != absl::InfinitePast() && t != absl::InfiniteFuture(); }

absl::Duration Wait(const Interaction& i) { return FromProtoDuration(i.wait_time()); }

}  // namespace

bool IsNps(const Interaction& i) {
  return FindAttribute(i.attributes(), "satisfaction_scale") == "nps";
}

bool HasValidScore(const Interaction& i) {
  if (!i.has_satisfaction()) return false;
  const int score = i.satisfaction();
  return IsNps(i) ? score >= 0 && score <= 10 : score >= 1 && score <= 5;
}


absl::Status ValidateQuery(const MetricsQuery& q) {
  if (!IsFiniteTime(q.start)) return absl::InvalidArgumentError("start: required");
  if (!IsFiniteTime(q.end)) return absl::InvalidArgumentError("end: required");
  if (q.end <= q.start) return absl::InvalidArgumentError("end: must be after start");
  if (q.end - q.start > absl::Hours(24) * Limits::kMaxMetricsWindowDays) {
    return absl::InvalidArgumentError(internal::StrCat(
        "end: the window is longer than ", Limits::kMaxMetricsWindowDays, " days"));
  }
  if (q.recontact_window <= absl::ZeroDuration() ||
      q.recontact_window > absl::Hours(24) * Limits::kMaxMetricsWindowDays) {
    return absl::InvalidArgumentError(internal::StrCat(
        "recontact_window: must be positive and at most ", Limits::kMaxMetricsWindowDays, " days"));
  }
  if (q.journey_key.size() > Limits::kMaxKeyBytes) {
    return absl::InvalidArgumentError(
        internal::StrCat("journey_key: longer than ", Limits::kMaxKeyBytes, " bytes"));
  }
  if (q.max_case_rows < 0 || q.max_case_rows > 100000) {
    return absl::InvalidArgumentError("max_case_rows: must be between 0 and 100000");
  }
  for (const auto& [channel, t] : q.targets) {
    const std::string field = internal::StrCat("targets[", ChannelName(channel), "]");
    if (channel == v1::CHANNEL_KIND_UNSPECIFIED ||
        v1::ChannelKind_descriptor()->FindValueByNumber(channel) == nullptr) {
      return absl::InvalidArgumentError("targets: unknown channel kind");
    }
    if (!(t.service_level > 0.0 && t.service_level <= 1.0)) {
      return absl::InvalidArgumentError(
          internal::StrCat(field, ".service_level: must be in (0, 1]"));
    }
    if (t.answer_within <= absl::ZeroDuration() || t.answer_within == absl::InfiniteDuration()) {
      return absl::InvalidArgumentError(
          internal::StrCat(field, ".answer_within: must be positive and finite"));
    }
    if (t.short_abandon < absl::ZeroDuration() || t.short_abandon == absl::InfiniteDuration()) {
      return absl::InvalidArgumentError(
          internal::StrCat(field, ".short_abandon: must be zero or positive and finite"));
    }
  }
  return absl::OkStatus();
}

ChannelTarget TargetFor(const MetricsQuery& query, v1::ChannelKind channel) {
  auto it = query.targets.find(channel);
  return it != query.targets.end() ? it->second : DefaultChannelTarget(channel);
}

absl::Duration Percentile(std::vector<absl::Duration>& values, double q) {
  if (values.empty()) return absl::ZeroDuration();
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(q * static_cast<double>(values.size()));
  const size_t index = rank < 1.0 ? 0 : static_cast<size_t>(rank) - 1;
  return values[std::min(index, values.size() - 1)];
}

// ---- ChannelKpis ----

void ChannelKpis::Add(const Interaction& i, std::string_view group) {
  const v1::ChannelKind channel = i.channel().kind();
  const ChannelTarget target = TargetFor(query_, channel);
  AddTo(acc_[{channel, std::string()}], i, target);
  if (query_.group_by != MetricsGroup::kNone) {
    AddTo(acc_[{channel, group.empty() ? std::string(kNoGroup) : std::string(group)}], i, target);
  }
}

void ChannelKpis::AddTo(Acc& a, const Interaction& i, const ChannelTarget& target) {
  if (i.direction() == v1::DIRECTION_INBOUND) {
    ++a.inbound;
    const bool queued = i.answered() || i.abandoned() || i.has_wait_time();
    if (queued) {
      const absl::Duration wait = Wait(i);
      if (!i.answered() && i.abandoned() && wait < target.short_abandon) {
        ++a.short_abandoned;
      } else {
        ++a.offered;
        a.waits.push_back(wait);
        if (i.answered()) {
          ++a.answered;
          a.answered_wait_total += wait;
          if (wait <= target.answer_within) ++a.answered_within;
        } else if (i.abandoned()) {
          ++a.abandoned;
          a.abandoned_wait_total += wait;
        }
      }
    }
  } else if (i.direction() == v1::DIRECTION_OUTBOUND) {
    ++a.outbound;
  }
  const absl::Duration handle = FromProtoDuration(i.handle_time());
  if (handle > absl::ZeroDuration()) {
    ++a.handled;
    a.handle_total += handle;
    if (!i.agent_id().empty()) a.agents.insert(i.agent_id());
  }
}

v1::ChannelKpi ChannelKpis::Row(v1::ChannelKind channel, const std::string& group,
                                const Acc& a) const {
  v1::ChannelKpi row;
  row.set_channel(channel);
  row.set_group(group);
  row.set_inbound(a.inbound);
  row.set_outbound(a.outbound);
  row.set_offered(a.offered);
  row.set_answered(a.answered);
  row.set_abandoned(a.abandoned);
  row.set_short_abandoned(a.short_abandoned);
  row.set_answered_within_target(a.answered_within);
  row.set_handled(a.handled);
  const ChannelTarget target = TargetFor(query_, channel);
  v1::ChannelTarget* t = row.mutable_target();
  t->set_service_level(target.service_level);
  *t->mutable_answer_within() = ToProtoDuration(target.answer_within);
  *t->mutable_short_abandon() = ToProtoDuration(target.short_abandon);
  if (!a.waits.empty()) {
    absl::Duration total = absl::ZeroDuration();
    for (absl::Duration w : a.waits) total += w;
    *row.mutable_average_wait() = ToProtoDuration(total / static_cast<int64_t>(a.waits.size()));
    std::vector<absl::Duration> waits = a.waits;
    *row.mutable_p50_wait() = ToProtoDuration(Percentile(waits, 0.50));
    *row.mutable_p90_wait() = ToProtoDuration(Percentile(waits, 0.90));
    *row.mutable_p99_wait() = ToProtoDuration(Percentile(waits, 0.99));
  }
  if (a.answered > 0) *row.mutable_asa() = ToProtoDuration(a.answered_wait_total / a.answered);
  if (a.abandoned > 0) {
    *row.mutable_average_abandon_wait() = ToProtoDuration(a.abandoned_wait_total / a.abandoned);
  }
  if (a.handled > 0) *row.mutable_aht() = ToProtoDuration(a.handle_total / a.handled);
  if (a.offered > 0) {
    const double offered = static_cast<double>(a.offered);
    row.set_service_level(static_cast<double>(a.answered_within) / offered);
    row.set_abandonment_rate(static_cast<double>(a.abandoned) / offered);
    row.set_meets_target(row.service_level() >= target.service_level);
  }
  *row.mutable_handle_time_total() = ToProtoDuration(a.handle_total);
  row.set_agents(static_cast<int64_t>(a.agents.size()));
  row.set_workload_erlangs(absl::FDivDuration(a.handle_total, query_.end - query_.start));
  return row;
}

std::vector<v1::ChannelKpi> ChannelKpis::Finish() const {
  std::vector<v1::ChannelKpi> rows;
  rows.reserve(acc_.size());
  for (const auto& [key, acc] : acc_) {
    rows.push_back(Row(static_cast<v1::ChannelKind>(key.first), key.second, acc));
  }
  return rows;  // map order: channel, then "" (the total) before any group
}

// ---- Satisfaction ----

void Satisfaction::AddTo(Acc& a, const Interaction& i) {
  const int score = i.satisfaction();
  if (IsNps(i)) {
    ++a.nps;
    if (score >= 9) ++a.promoters;
    if (score <= 6) ++a.detractors;
  } else {
    ++a.csat;
    a.csat_sum += score;
    if (score >= 4) ++a.csat_satisfied;
  }
}

void Satisfaction::Add(const Interaction& i, std::string_view journey_key) {
  // Scores are checked when written; one outside its scale (stored before
  // the check existed) makes no row at all.
  if (!HasValidScore(i)) return;
  AddTo(by_channel_[i.channel().kind()], i);
  if (!journey_key.empty()) AddTo(by_journey_[std::string(journey_key)], i);
  if (i.case_id() != 0) AddTo(by_case_[i.case_id()], i);
}

v1::SatisfactionRow Satisfaction::Row(std::string dimension, std::string key, const Acc& a) {
  v1::SatisfactionRow row;
  row.set_dimension(std::move(dimension));
  row.set_key(std::move(key));
  row.set_csat_responses(a.csat);
  if (a.csat > 0) {
    row.set_csat_average(static_cast<double>(a.csat_sum) / static_cast<double>(a.csat));
    row.set_csat_satisfied_share(static_cast<double>(a.csat_satisfied) /
                                 static_cast<double>(a.csat));
  }
  row.set_nps_responses(a.nps);
  if (a.nps > 0) {
    row.set_nps(100.0 * static_cast<double>(a.promoters - a.detractors) /
                static_cast<double>(a.nps));
  }
  return row;
}

std::vector<v1::SatisfactionRow> Satisfaction::Finish() const {
  std::vector<v1::SatisfactionRow> rows;
  for (const auto& [channel, acc] : by_channel_) {
    const auto kind = static_cast<v1::ChannelKind>(channel);
    v1::SatisfactionRow row = Row("channel", std::string(ChannelName(kind)), acc);
    row.set_channel(kind);
    rows.push_back(std::move(row));
  }
  for (const auto& [key, acc] : by_journey_) rows.push_back(Row("journey", key, acc));
  for (const auto& [id, acc] : by_case_) {
    rows.push_back(Row("case", internal::StrCat(id), acc));
  }
  return rows;
}

int64_t CountSwitches(const std::vector<Interaction>& interactions) {
  int64_t switches = 0;
  v1::ChannelKind last = v1::CHANNEL_KIND_UNSPECIFIED;
  for (const Interaction& i : interactions) {
    const v1::ChannelKind kind = i.channel().kind();
    if (kind == v1::CHANNEL_KIND_UNSPECIFIED) continue;
    if (last != v1::CHANNEL_KIND_UNSPECIFIED && kind != last) ++switches;
    last = kind;
  }
  return switches;
}

}  // namespace omnictx::metrics

namespace omnictx {

ChannelTarget DefaultChannelTarget(v1::ChannelKind channel) {
  switch (channel) {
    case v1::CHANNEL_KIND_VOICE:
    case v1::CHANNEL_KIND_IVR:
      return {.service_level = 0.8, .answer_within = absl::Seconds(20),
              .short_abandon = absl::Seconds(5)};
    case v1::CHANNEL_KIND_CHAT:
    case v1::CHANNEL_KIND_VIDEO:
      return {.service_level = 0.8, .answer_within = absl::Seconds(60),
              .short_abandon = absl::Seconds(5)};
    case v1::CHANNEL_KIND_MESSAGING:
    case v1::CHANNEL_KIND_SMS:
      return {.service_level = 0.8, .answer_within = absl::Minutes(15),
              .short_abandon = absl::ZeroDuration()};
    case v1::CHANNEL_KIND_SOCIAL:
      return {.service_level = 0.8, .answer_within = absl::Hours(1),
              .short_abandon = absl::ZeroDuration()};
    case v1::CHANNEL_KIND_EMAIL:
      return {.service_level = 0.9, .answer_within = absl::Hours(24),
              .short_abandon = absl::ZeroDuration()};
    default:
      return {.service_level = 0.8, .answer_within = absl::Hours(24),
              .short_abandon = absl::ZeroDuration()};
  }
}

}  // namespace omnictx
