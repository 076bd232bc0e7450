// SPDX-License-Identifier: Apache-2.0
//
// `omnictx report --out FILE`: the metrics of a window as one HTML page,
// with a staffing what-if for each real-time channel's busiest hour.
#include <cmath>
#include <fstream>
#include <map>

#include "cli/cli.h"
#include "cli/report_html.h"
#include "omnictx/staffing.h"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

// The busiest hour of each real-time channel, from the KPIs grouped by hour
// of day: offered contacts in that hour averaged over the days of the
// window, the channel's measured AHT (or `default_aht`), its target.
absl::StatusOr<StaffingWhatIf> WhatIf(const MetricsReport& total, const MetricsReport& by_hour,
                                      absl::Duration default_aht) {
  StaffingWhatIf out;
  const double days = std::max(
      1.0, std::ceil(absl::ToDoubleHours(FromProtoTime(total.end()) - FromProtoTime(total.start())) / 24));
  std::map<int, int64_t> peak;
  for (const v1::ChannelKpi& row : by_hour.channels()) {
    if (row.group().empty() || !IsRealTime(row.channel())) continue;
    int64_t& p = peak[row.channel()];
    p = std::max(p, row.offered());
  }
  std::vector<staffing::ChannelDemand> demands;
  for (const v1::ChannelKpi& row : total.channels()) {
    if (!row.group().empty() || !IsRealTime(row.channel())) continue;
    auto it = peak.find(row.channel());
    if (it == peak.end() || it->second == 0) continue;
    StaffingLine line;
    line.channel = row.channel();
    line.contacts_per_hour = static_cast<double>(it->second) / days;
    line.aht = row.has_aht() ? FromProtoDuration(row.aht()) : default_aht;
    line.target_service_level = row.target().service_level();
    line.answer_within = FromProtoDuration(row.target().answer_within());
    staffing::ChannelDemand demand;
    demand.channel = std::string(ChannelName(row.channel()));
    demand.demand.contacts = line.contacts_per_hour;
    demand.demand.interval = absl::Hours(1);
    demand.demand.handle_time = line.aht;
    demand.target.service_level = line.target_service_level;
    demand.target.answer_within = line.answer_within;
    auto need = staffing::AgentsNeeded(demand.demand, demand.target);
    if (!need.ok()) return need.status();
    line.agents = need->agents;
    line.service_level = need->service_level;
    line.asa = need->asa;
    line.occupancy = need->occupancy;
    out.lines.push_back(line);
    demands.push_back(std::move(demand));
  }
  if (out.lines.empty()) {
    out.note = "No real-time contacts were offered in the window.";
    return out;
  }
  auto pooling = staffing::ComparePooling(demands);
  if (!pooling.ok()) return pooling.status();
  out.separate_agents = pooling->separate_agents;
  out.pooled_agents = pooling->pooled_agents;
  return out;
}

}  // namespace

int CmdReport(Invocation& inv) {
  auto path = inv.args.Get("out");
  if (!path || path->empty()) {
    return Fail(inv, absl::InvalidArgumentError("--out: required (the HTML file to write)"));
  }
  absl::Duration aht = absl::Seconds(180);
  if (auto v = inv.args.Get("aht")) {
    auto d = ParseDurationFlag("aht", *v);
    if (!d.ok()) return Fail(inv, d.status());
    aht = *d;
  }
  auto query = MetricsQueryFrom(inv);
  if (!query.ok()) return Fail(inv, query.status());
  query->group_by = MetricsGroup::kNone;
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  auto report = (*store)->Metrics(*query);
  if (!report.ok()) return Fail(inv, report.status());
  query->group_by = MetricsGroup::kHour;
  auto by_hour = (*store)->Metrics(*query);
  if (!by_hour.ok()) return Fail(inv, by_hour.status());
  auto what_if = WhatIf(*report, *by_hour, aht);
  if (!what_if.ok()) return Fail(inv, what_if.status());

  const absl::Time now = inv.clock ? inv.clock->Now() : absl::Now();
  const std::string html = RenderReportHtml(*report, *what_if, now);
  std::ofstream file(*path, std::ios::binary | std::ios::trunc);
  file << html;
  file.close();
  if (!file) {
    return Fail(inv, absl::UnavailableError(internal::StrCat("--out: cannot write ", *path)));
  }
  if (inv.json) {
    *inv.out << "{\"out\":\"" << HtmlEscape(*path) << "\",\"bytes\":" << html.size() << "}\n";
  } else {
    *inv.out << "wrote " << *path << " (" << html.size() << " bytes)\n";
  }
  return kExitOk;
}

}  // namespace omnictx::cli
