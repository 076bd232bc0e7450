// SPDX-License-Identifier: Apache-2.0
//
// `omnictx metrics staffing --pool ...`: one team per channel against one
// multi-skilled team (staffing::ComparePooling). Each --pool is
//   NAME=VOLUME/INTERVAL/AHT/LEVEL/WITHIN[/PATIENCE]   a real-time channel
//   NAME=VOLUME/INTERVAL/AHT/async                    asynchronous work
// e.g. --pool voice=100/30m/180s/0.8/20s/60s --pool email=40/30m/600s/async.
// --max-occupancy caps every channel.
#include <algorithm>
#include <cmath>
#include <ostream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cli/cli.h"
#include "cli/staffing_cli.h"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

constexpr int kMaxPoolChannels = 50;
constexpr const char* kForm =
    "not NAME=VOLUME/INTERVAL/AHT/LEVEL/WITHIN[/PATIENCE] or NAME=VOLUME/INTERVAL/AHT/async "
    "(e.g. voice=100/30m/180s/0.8/20s, email=40/30m/600s/async)";

absl::Status Bad(const std::string& value, const std::string& problem) {
  return absl::InvalidArgumentError(internal::StrCat("--pool ", value, ": ", problem));
}

bool NameOk(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<absl::Duration> Duration(const std::string& value, const char* what,
                                        const std::string& text, bool zero_ok) {
  auto d = ParseDurationFlag("pool", text);
  if (!d.ok()) {
    // ParseDurationFlag says "--pool: not a duration (...)", "negative" ...
    const std::string message(d.status().message());
    return Bad(value, internal::StrCat(what, " '", text, "' is ",
                                       message.substr(message.find(": ") + 2)));
  }
  if (!zero_ok && *d <= absl::ZeroDuration()) {
    return Bad(value, internal::StrCat(what, " must be positive"));
  }
  return *d;
}

absl::StatusOr<staffing::ChannelDemand> ParsePool(const std::string& value, double occupancy) {
  const size_t eq = value.find('=');
  if (eq == std::string::npos) return Bad(value, kForm);
  staffing::ChannelDemand c;
  c.channel = value.substr(0, eq);
  if (!NameOk(c.channel)) {
    return Bad(value, "NAME must be 1 to 64 letters, digits, '_', '-' or '.'");
  }
  const std::vector<std::string> parts = absl::StrSplit(value.substr(eq + 1), '/');
  const bool async = parts.size() == 4 && parts[3] == "async";
  if (!async && parts.size() != 5 && parts.size() != 6) return Bad(value, kForm);
  double volume = 0;
  if (!absl::SimpleAtod(parts[0], &volume) || !std::isfinite(volume) || volume < 0) {
    return Bad(value, internal::StrCat("VOLUME '", parts[0], "' must be a number, 0 or more"));
  }
  c.demand.contacts = volume;
  auto interval = Duration(value, "INTERVAL", parts[1], false);
  if (!interval.ok()) return interval.status();
  c.demand.interval = *interval;
  auto aht = Duration(value, "AHT", parts[2], false);
  if (!aht.ok()) return aht.status();
  c.demand.handle_time = *aht;
  c.target.max_occupancy = occupancy;
  c.realtime = !async;
  if (async) return c;
  double level = 0;
  if (!absl::SimpleAtod(parts[3], &level) || !(level > 0 && level <= 1)) {
    return Bad(value, internal::StrCat("LEVEL '", parts[3],
                                       "' must be a share more than 0 and at most 1 (e.g. 0.8)"));
  }
  c.target.service_level = level;
  auto within = Duration(value, "WITHIN", parts[4], true);
  if (!within.ok()) return within.status();
  c.target.answer_within = *within;
  if (parts.size() == 6) {
    auto patience = Duration(value, "PATIENCE", parts[5], false);
    if (!patience.ok()) return patience.status();
    c.demand.patience = *patience;
  }
  return c;
}

std::string Target(const staffing::Target& t) {
  return absl::StrFormat("%.0f%% in %s", 100 * t.service_level,
                         absl::FormatDuration(t.answer_within));
}

std::string Asa(const staffing::Staffing& s) {
  if (s.asa == absl::InfiniteDuration()) return "-";
  return absl::StrFormat("%.1fs", absl::ToDoubleSeconds(s.asa));
}

void PrintTable(std::ostream& out, const std::vector<staffing::ChannelDemand>& in,
                const staffing::PoolingResult& r) {
  out << absl::StrFormat("%-12s %-9s %9s %6s %7s %9s %-12s %6s %9s %7s %7s %7s\n", "channel",
                         "kind", "contacts", "per", "AHT", "patience", "target", "agents",
                         "workload", "SL", "ASA", "abandon");
  double level = 0;
  absl::Duration within = absl::InfiniteDuration();
  for (size_t i = 0; i < in.size(); ++i) {
    const staffing::ChannelDemand& c = in[i];
    const staffing::PoolingResult::Channel& row = r.channels[i];
    const staffing::Staffing& s = row.staffing;
    if (c.realtime) {
      level = std::max(level, c.target.service_level);
      within = std::min(within, c.target.answer_within);
    }
    out << absl::StrFormat(
        "%-12s %-9s %9.1f %6s %7s %9s %-12s %6d %9.2f %7s %7s %7s\n", c.channel,
        c.realtime ? "real-time" : "async", c.demand.contacts,
        absl::FormatDuration(c.demand.interval), absl::FormatDuration(c.demand.handle_time),
        c.demand.patience ? absl::FormatDuration(*c.demand.patience) : "-",
        c.realtime ? Target(c.target) : "-", row.agents, row.workload_erlangs,
        c.realtime ? absl::StrFormat("%.1f%%", 100 * s.service_level) : "-",
        c.realtime ? Asa(s) : "-",
        c.realtime && s.with_patience ? absl::StrFormat("%.1f%%", 100 * s.abandonment) : "-");
  }
  const staffing::Staffing& p = r.pooled_realtime;
  auto agents = [](int n) { return absl::StrFormat("%d agent%s", n, n == 1 ? "" : "s"); };
  out << "\nOne team per channel:    " << agents(r.separate_agents) << "\n";
  out << "One multi-skilled team:  " << agents(r.pooled_agents);
  if (r.pooled_realtime_agents > 0) {
    out << absl::StrFormat(
        " = %d for the real-time contacts (%s, held to %s: service level %.1f%%, ASA %s%s)",
        r.pooled_realtime_agents, p.with_patience ? "Erlang A" : "Erlang C",
        Target({.service_level = level, .answer_within = within}), 100 * p.service_level,
        Asa(p),
        p.with_patience ? absl::StrFormat(", abandonment %.1f%%", 100 * p.abandonment) : "");
    out << absl::StrFormat("\n                         + %d for the asynchronous work left over",
                           r.async_extra_agents);
  }
  out << "\nSaving:                  " << agents(r.saving)
      << absl::StrFormat(" (%.1f%%)\n", 100 * r.saving_share);
  out << absl::StrFormat(
      "Asynchronous workload %.2f erlangs; the real-time team's idle time, %.2f erlangs, "
      "absorbs %.2f of it.\n",
      r.async_workload_erlangs, r.pooled_idle_erlangs, r.async_absorbed_erlangs);
}

void PrintJson(std::ostream& out, const std::vector<staffing::ChannelDemand>& in,
               const staffing::PoolingResult& r) {
  std::string json = "{\"channels\":[";
  for (size_t i = 0; i < in.size(); ++i) {
    const staffing::PoolingResult::Channel& row = r.channels[i];
    absl::StrAppendFormat(&json, "%s{\"channel\":\"%s\",\"realtime\":%s,\"agents\":%d,"
                                 "\"workload_erlangs\":%.6g",
                          i == 0 ? "" : ",", row.channel, row.realtime ? "true" : "false",
                          row.agents, row.workload_erlangs);
    if (row.realtime) internal::StrAppend(&json, ",\"staffing\":{", StaffingJsonFields(row.staffing), "}");
    json += "}";
  }
  absl::StrAppendFormat(
      &json,
      "],\"separate_agents\":%d,\"pooled_realtime_agents\":%d,\"pooled_realtime\":{%s},"
      "\"pooled_model\":\"%s\",\"async_workload_erlangs\":%.6g,\"pooled_idle_erlangs\":%.6g,"
      "\"async_absorbed_erlangs\":%.6g,\"async_extra_agents\":%d,\"pooled_agents\":%d,"
      "\"saving\":%d,\"saving_share\":%.6g}\n",
      r.separate_agents, r.pooled_realtime_agents, StaffingJsonFields(r.pooled_realtime),
      r.pooled_realtime.with_patience ? "erlang_a" : "erlang_c", r.async_workload_erlangs,
      r.pooled_idle_erlangs, r.async_absorbed_erlangs, r.async_extra_agents, r.pooled_agents,
      r.saving, r.saving_share);
  out << json;
}

}  // namespace

int CmdStaffingPool(Invocation& inv) {
  for (const char* name : {"volume", "interval", "aht", "target", "answer-within", "patience",
                           "agents", "channel", "since", "until", "short-abandon"}) {
    if (inv.args.Has(name)) {
      return Fail(inv, absl::InvalidArgumentError(internal::StrCat(
                           "--", name, ": not used with --pool (give each channel's figures in "
                                       "its --pool)")));
    }
  }
  auto occupancy = NumberFlag(inv, "max-occupancy", 1.0);
  if (!occupancy.ok()) return Fail(inv, occupancy.status());
  if (!(*occupancy > 0 && *occupancy <= 1)) {
    return Fail(inv, absl::InvalidArgumentError(
                         "--max-occupancy: must be between 0 and 1 (more than 0, at most 1)"));
  }
  const std::vector<std::string> pools = inv.args.GetAll("pool");
  if (pools.size() > kMaxPoolChannels) {
    return Fail(inv, absl::InvalidArgumentError(
                         internal::StrCat("--pool: at most ", kMaxPoolChannels, " channels")));
  }
  std::vector<staffing::ChannelDemand> channels;
  for (const std::string& value : pools) {
    auto c = ParsePool(value, *occupancy);
    if (!c.ok()) return Fail(inv, c.status());
    for (const staffing::ChannelDemand& seen : channels) {
      if (seen.channel == c->channel) {
        return Fail(inv, Bad(value, internal::StrCat(c->channel, " is given twice")));
      }
    }
    channels.push_back(*std::move(c));
  }
  auto result = staffing::ComparePooling(channels);
  if (!result.ok()) {
    // "channels[voice].handle_time: ..." names the --pool entry.
    std::string message(result.status().message());
    const size_t close = message.find("].");
    if (message.rfind("channels[", 0) == 0 && close != std::string::npos) {
      message = internal::StrCat("--pool ", message.substr(9, close - 9), ": ",
                                 message.substr(close + 2));
    }
    return Fail(inv, absl::Status(result.status().code(), message));
  }
  if (inv.json) {
    PrintJson(*inv.out, channels, *result);
  } else {
    PrintTable(*inv.out, channels, *result);
  }
  return kExitOk;
}

}  // namespace omnictx::cli
