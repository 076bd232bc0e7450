// SPDX-License-Identifier: Apache-2.0
//
// `omnictx metrics`: the KPI report of a window as a readable table or
// JSON; `metrics staffing` lives in commands_staffing.cc, `report` (the
// HTML page) in commands_report.cc.
#include <ostream>

#include "absl/strings/str_format.h"
#include "cli/cli.h"
#include "cli/measure.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

std::string Rate(bool has, double v) { return has ? absl::StrFormat("%.1f%%", 100 * v) : "-"; }

std::string Secs(const google::protobuf::Duration& d) {
  const absl::Duration v = FromProtoDuration(d);
  if (v == absl::ZeroDuration()) return "-";
  return absl::FormatDuration(absl::Trunc(v + absl::Milliseconds(500), absl::Seconds(1)));
}

// A duration present in the report ("-" when absent), to the second.
std::string Wait(bool has, const google::protobuf::Duration& d) {
  if (!has) return "-";
  const absl::Duration v = FromProtoDuration(d);
  return absl::FormatDuration(absl::Trunc(v + absl::Milliseconds(500), absl::Seconds(1)));
}

// A table row without the padding of empty last columns.
std::string Trimmed(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

void PrintTable(std::ostream& out, const MetricsReport& r) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  out << "Window " << absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTime(r.start()), utc) << " to "
      << absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTime(r.end()), utc) << " UTC, "
      << r.interactions_scanned() << " interactions\n\n";
  const std::string group = r.group_by().empty() ? "" : r.group_by();
  // Service against the target.
  out << Trimmed(absl::StrFormat("%-10s %-16s %7s %7s %7s %8s %8s %6s %7s %-12s", "channel",
                                 group, "in", "out", "offered", "answered", "abandon", "short",
                                 "SL", "target"));
  for (const v1::ChannelKpi& k : r.channels()) {
    const std::string verdict =
        !k.has_meets_target() ? "" : (k.meets_target() ? "meets target" : "BELOW target");
    const std::string target = absl::StrFormat(
        "%.0f%% in %s", 100 * k.target().service_level(),
        absl::FormatDuration(FromProtoDuration(k.target().answer_within())));
    out << Trimmed(absl::StrFormat("%-10s %-16s %7d %7d %7d %8d %8s %6d %7s %-12s %s",
                           k.group().empty() ? std::string(ChannelName(k.channel())) : "",
                           k.group(), k.inbound(), k.outbound(), k.offered(), k.answered(),
                           Rate(k.has_abandonment_rate(), k.abandonment_rate()),
                           k.short_abandoned(), Rate(k.has_service_level(), k.service_level()),
                           target, verdict));
  }
  bool any_short = false;
  for (const v1::ChannelKpi& k : r.channels()) any_short = any_short || k.short_abandoned() > 0;
  if (any_short) {
    out << "(short: abandoned quicker than the channel's short-abandon time, not offered)\n";
  }
  // Waits, and the occupancy inputs (handle time, agents, erlangs).
  out << "\nWaits and workload:\n";
  out << absl::StrFormat("%-10s %-16s %8s %8s %8s %8s %11s %6s %8s\n", "channel", group,
                         "avg wait", "p90 wait", "ASA", "AHT", "handle time", "agents",
                         "erlangs");
  for (const v1::ChannelKpi& k : r.channels()) {
    out << absl::StrFormat("%-10s %-16s %8s %8s %8s %8s %11s %6d %8.2f\n",
                           k.group().empty() ? std::string(ChannelName(k.channel())) : "",
                           k.group(), Wait(k.has_average_wait(), k.average_wait()),
                           Wait(k.has_p90_wait(), k.p90_wait()), Wait(k.has_asa(), k.asa()),
                           Wait(k.has_aht(), k.aht()),
                           Secs(k.handle_time_total()), k.agents(), k.workload_erlangs());
  }
  const v1::FirstContactResolution& f = r.fcr();
  out << "\nFirst-contact resolution: " << Rate(f.has_fcr_rate(), f.fcr_rate()) << " of "
      << f.resolved() - f.awaiting_window() << " judged cases (" << f.awaiting_window()
      << " resolved within the last " << Secs(f.recontact_window())
      << "), repeat contacts " << Rate(f.has_repeat_contact_rate(), f.repeat_contact_rate())
      << ", contacts per resolution "
      << (f.has_contacts_per_resolution() ? absl::StrFormat("%.2f", f.contacts_per_resolution())
                                          : "-")
      << "\n";
  for (const v1::JourneyFunnel& j : r.journeys()) {
    out << absl::StrFormat(
        "\nJourney %s v%d: %d started, %d completed, %d failed, %d abandoned, %d merged, %d "
        "active (%d stalled), completion %s\n",
        j.journey_key(), j.journey_version(), j.started(), j.completed(), j.failed(),
        j.abandoned(), j.merged(), j.active(), j.stalled_now(),
        Rate(j.has_completion_rate(), j.completion_rate()));
    for (const v1::StepFunnel& s : j.steps()) {
      out << absl::StrFormat("  %-20s reached %6d  conversion %7s  drop-off %7s  p50 %s\n", s.step(),
                             s.reached(), Rate(s.has_conversion(), s.conversion()),
                             Rate(s.has_drop_off(), s.drop_off()), Secs(s.p50_time_in_step()));
    }
  }
  if (r.channel_outcomes_size() > 0) out << "\nJourney success by channel used:\n";
  for (const v1::ChannelOutcome& o : r.channel_outcomes()) {
    out << absl::StrFormat("  %-10s %6d journeys  %7s succeeded\n", ChannelName(o.channel()),
                           o.journeys(), Rate(o.has_success_rate(), o.success_rate()));
  }
  if (r.switches_size() > 0) out << "\nChannel switches:\n";
  for (const v1::ChannelSwitch& s : r.switches()) {
    out << absl::StrFormat("  %s at %s: %s -> %s  %d times, %s succeeded\n", s.journey_key(),
                           s.step(), ChannelName(s.from_channel()), ChannelName(s.to_channel()), s.count(),
                           Rate(s.has_success_rate(), s.success_rate()));
  }
  const v1::ChannelEffort& e = r.effort();
  out << "\nEffort: "
      << (e.has_switches_per_journey() ? absl::StrFormat("%.2f", e.switches_per_journey()) : "-")
      << " channel switches per journey, "
      << (e.has_switches_per_case() ? absl::StrFormat("%.2f", e.switches_per_case()) : "-")
      << " per resolved case\n";
  bool header = false;
  for (const v1::SatisfactionRow& s : r.satisfaction()) {
    if (s.dimension() == "case") continue;
    if (!header) out << "\nSatisfaction:\n";
    header = true;
    out << absl::StrFormat("  %-8s %-16s CSAT %s (%d)  NPS %s (%d)\n", s.dimension(), s.key(),
                           s.has_csat_average() ? absl::StrFormat("%.2f", s.csat_average()) : "-",
                           s.csat_responses(),
                           s.has_nps() ? absl::StrFormat("%+.0f", s.nps()) : "-",
                           s.nps_responses());
  }
}

}  // namespace

absl::StatusOr<MetricsQuery> MetricsQueryFrom(const Invocation& inv) {
  MetricsQuery q;
  q.end = inv.clock ? inv.clock->Now() : absl::Now();
  if (auto v = inv.args.Get("until")) {
    OMNICTX_ASSIGN_OR_RETURN(q.end, ParseTimeFlag("until", *v));
  }
  q.start = q.end - absl::Hours(24 * 7);
  if (auto v = inv.args.Get("since")) {
    OMNICTX_ASSIGN_OR_RETURN(q.start, ParseTimeFlag("since", *v));
  }
  if (auto v = inv.args.Get("recontact-window")) {
    OMNICTX_ASSIGN_OR_RETURN(q.recontact_window, ParseDurationFlag("recontact-window", *v));
  }
  if (auto v = inv.args.Get("journey")) q.journey_key = *v;
  if (auto v = inv.args.Get("by")) {
    static const std::pair<const char*, MetricsGroup> kGroups[] = {
        {"touchpoint", MetricsGroup::kTouchpoint}, {"agent", MetricsGroup::kAgent},
        {"journey", MetricsGroup::kJourney},       {"priority", MetricsGroup::kPriority},
        {"hour", MetricsGroup::kHour}};
    bool found = false;
    for (const auto& [name, group] : kGroups) {
      if (*v == name) {
        q.group_by = group;
        found = true;
      }
    }
    if (!found) {
      return absl::InvalidArgumentError(
          "--by: must be touchpoint, agent, journey, priority or hour");
    }
  }
  return q;
}

int CmdMetrics(Invocation& inv) {
  const auto& words = inv.args.positional();
  if (!words.empty() && words[0] == "staffing") return CmdMetricsStaffing(inv);
  if (!words.empty()) {
    return Fail(inv, absl::InvalidArgumentError(
                         internal::StrCat("metrics: unknown subcommand '", words[0], "'")));
  }
  auto query = MetricsQueryFrom(inv);
  if (!query.ok()) return Fail(inv, query.status());
  absl::Status targets = ApplyTargetFlags(inv, *query, /*with_target=*/true);
  if (!targets.ok()) return Fail(inv, targets);
  for (const char* name : {"volume", "interval", "aht", "answer-within", "patience", "agents",
                           "max-occupancy", "channel", "pool"}) {
    if (inv.args.Has(name)) {
      return Fail(inv, absl::InvalidArgumentError(internal::StrCat(
                           "--", name, ": an option of 'metrics staffing', not of 'metrics'")));
    }
  }
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  auto report = (*store)->Metrics(*query);
  if (!report.ok()) return Fail(inv, report.status());
  if (inv.json) {
    absl::Status st = PrintJson(inv, *report);
    return st.ok() ? kExitOk : Fail(inv, st);
  }
  PrintTable(*inv.out, *report);
  return kExitOk;
}

}  // namespace omnictx::cli
