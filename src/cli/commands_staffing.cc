// SPDX-License-Identifier: Apache-2.0
//
// `omnictx metrics staffing`: Erlang C (Erlang A with --patience) what-ifs
// for one channel, given (--volume --interval --aht) or measured in the
// database (--channel: the busiest hour of the window). --pool compares
// several channels (staffing_pool.cc).
#include <ostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "cli/cli.h"
#include "cli/measure.h"
#include "cli/staffing_cli.h"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

absl::Status Usage(const std::string& message) { return absl::InvalidArgumentError(message); }

// The channel named by --channel, measured over the window.
struct Measured {
  MeasuredChannel channel;
  MeasuredWindow window;
  absl::Time start, end;
};

absl::StatusOr<Measured> MeasureChannel(const Invocation& inv) {
  const std::string name = *inv.args.Get("channel");
  v1::ChannelKind kind = v1::CHANNEL_KIND_UNSPECIFIED;
  if (!ParseChannelName(name, &kind)) {
    return Usage(internal::StrCat("--channel: unknown channel '", name, "'"));
  }
  if (!IsRealTime(kind)) {
    return Usage(internal::StrCat(
        "--channel: ", name, " is asynchronous (no queue to size); compare it with --pool ", name,
        "=VOLUME/INTERVAL/AHT/async"));
  }
  auto query = MetricsQueryFrom(inv);
  if (!query.ok()) return query.status();
  absl::Status st = ApplyTargetFlags(inv, *query, /*with_target=*/false);
  if (!st.ok()) return st;
  auto store = OpenStore(inv);
  if (!store.ok()) return store.status();
  auto report = MeasureWindow(**store, *query);
  if (!report.ok()) return report.status();
  Measured out{.channel = {}, .window = report->measured, .start = query->start,
               .end = query->end};
  for (const MeasuredChannel& m : report->measured.channels) {
    if (m.channel == kind) out.channel = m;
  }
  if (out.channel.contacts_per_hour <= 0) {
    const absl::TimeZone utc = absl::UTCTimeZone();
    return absl::NotFoundError(internal::StrCat(
        "--channel: no ", name, " contacts were offered from ",
        absl::FormatTime("%Y-%m-%d %H:%M", query->start, utc), " to ",
        absl::FormatTime("%Y-%m-%d %H:%M", query->end, utc), " UTC"));
  }
  return out;
}

}  // namespace

absl::StatusOr<double> NumberFlag(const Invocation& inv, const std::string& name,
                                  std::optional<double> fallback) {
  auto v = inv.args.Get(name);
  if (!v) {
    if (fallback) return *fallback;
    return Usage(internal::StrCat("--", name, ": required"));
  }
  double d = 0;
  if (!absl::SimpleAtod(*v, &d)) return Usage(internal::StrCat("--", name, ": not a number"));
  return d;
}

absl::StatusOr<absl::Duration> DurationFlag(const Invocation& inv, const std::string& name) {
  auto v = inv.args.Get(name);
  if (!v) return Usage(internal::StrCat("--", name, ": required"));
  return ParseDurationFlag(name, *v);
}

absl::Status AsFlag(const absl::Status& st) {
  static const std::pair<const char*, const char*> kFields[] = {
      {"contacts:", "--volume:"},       {"interval:", "--interval:"},
      {"handle_time:", "--aht:"},       {"patience:", "--patience:"},
      {"service_level:", "--target:"},  {"answer_within:", "--answer-within:"},
      {"max_occupancy:", "--max-occupancy:"}, {"agents:", "--agents:"}};
  const std::string message(st.message());
  for (const auto& [field, flag] : kFields) {
    if (message.rfind(field, 0) == 0) {
      return absl::Status(st.code(), internal::StrCat(flag, message.substr(std::string(field).size())));
    }
  }
  return st;
}

std::string StaffingJsonFields(const staffing::Staffing& s) {
  const bool finite = s.asa != absl::InfiniteDuration();
  std::string json = absl::StrFormat(
      "\"agents\":%d,\"traffic_erlangs\":%.6g,\"occupancy\":%.6g,\"probability_wait\":%.6g,"
      "\"service_level\":%.6g,\"asa_seconds\":%s",
      s.agents, s.traffic_erlangs, s.occupancy, s.probability_wait, s.service_level,
      finite ? absl::StrFormat("%.6g", absl::ToDoubleSeconds(s.asa)) : "null");
  if (s.with_patience) absl::StrAppendFormat(&json, ",\"abandonment\":%.6g", s.abandonment);
  return json;
}

int CmdMetricsStaffing(Invocation& inv) {
  // `metrics` declares the report's options too; some mean nothing here.
  if (inv.args.positional().size() > 1) {
    return Fail(inv, Usage(internal::StrCat("metrics staffing: unexpected argument '",
                                            inv.args.positional()[1], "'")));
  }
  for (const char* name : {"by", "journey", "recontact-window"}) {
    if (inv.args.Has(name)) {
      return Fail(inv, Usage(internal::StrCat("--", name, ": not an option of metrics staffing")));
    }
  }
  if (inv.args.Has("pool")) return CmdStaffingPool(inv);
  const bool measured = inv.args.Has("channel");
  for (const char* name : {"since", "until", "short-abandon"}) {
    if (!measured && inv.args.Has(name)) {
      return Fail(inv, Usage(internal::StrCat(
                           "--", name, ": not an option of metrics staffing without --channel "
                                       "(it sets the window to measure)")));
    }
  }
  for (const char* name : {"volume", "interval"}) {
    if (measured && inv.args.Has(name)) {
      return Fail(inv, Usage(internal::StrCat(
                           "--", name, ": not used with --channel (the busiest hour is measured)")));
    }
  }
  if (inv.args.GetAll("target").size() > 1) return Fail(inv, Usage("--target: given twice"));

  staffing::Demand demand;
  staffing::Target target;
  std::optional<Measured> m;
  std::string patience_source;
  if (measured) {
    auto got = MeasureChannel(inv);
    if (!got.ok()) return Fail(inv, got.status());
    m = *std::move(got);
    demand.contacts = m->channel.contacts_per_hour;
    demand.interval = absl::Hours(1);
    if (m->channel.aht) {
      demand.handle_time = *m->channel.aht;
    } else if (inv.args.Has("aht")) {
      auto aht = DurationFlag(inv, "aht");
      if (!aht.ok()) return Fail(inv, aht.status());
      demand.handle_time = *aht;
    } else {
      return Fail(inv, Usage(internal::StrCat("--aht: no ", *inv.args.Get("channel"),
                                              " interaction carried a handle time in the window; "
                                              "give the AHT to assume")));
    }
    target.service_level = m->channel.target.service_level;
    target.answer_within = m->channel.target.answer_within;
    if (inv.args.Get("patience") == "measured") {
      if (!m->channel.patience) {
        return Fail(inv, Usage(internal::StrCat(
                             "--patience: no ", *inv.args.Get("channel"),
                             " contact was abandoned in the window, so no patience is measured")));
      }
      demand.patience = m->channel.patience;
      patience_source = " (measured)";
    }
  } else {
    auto volume = NumberFlag(inv, "volume", std::nullopt);
    if (!volume.ok()) return Fail(inv, volume.status());
    demand.contacts = *volume;
    auto interval = DurationFlag(inv, "interval");
    if (!interval.ok()) return Fail(inv, interval.status());
    demand.interval = *interval;
    auto aht = DurationFlag(inv, "aht");
    if (!aht.ok()) return Fail(inv, aht.status());
    demand.handle_time = *aht;
  }
  if (inv.args.Has("patience") && !demand.patience) {
    auto patience = DurationFlag(inv, "patience");
    if (!patience.ok()) return Fail(inv, patience.status());
    demand.patience = *patience;
  }
  auto level = NumberFlag(inv, "target", target.service_level);
  if (!level.ok()) return Fail(inv, level.status());
  target.service_level = *level;
  if (!measured || inv.args.Has("answer-within")) {
    auto within = DurationFlag(inv, "answer-within");
    if (!within.ok()) return Fail(inv, within.status());
    target.answer_within = *within;
  }
  auto occupancy = NumberFlag(inv, "max-occupancy", 1.0);
  if (!occupancy.ok()) return Fail(inv, occupancy.status());
  target.max_occupancy = *occupancy;

  absl::StatusOr<staffing::Staffing> result;
  if (inv.args.Has("agents")) {
    auto agents = IntFlag(inv, "agents", 0);
    if (!agents.ok()) return Fail(inv, agents.status());
    if (*agents < 1 || *agents > staffing::kMaxAgents) {
      return Fail(inv, Usage(internal::StrCat("--agents: must be between 1 and ",
                                              staffing::kMaxAgents)));
    }
    result = staffing::Evaluate(demand, static_cast<int>(*agents), target.answer_within);
  } else {
    result = staffing::AgentsNeeded(demand, target);
  }
  if (!result.ok()) return Fail(inv, AsFlag(result.status()));
  const staffing::Staffing& s = *result;
  if (inv.json) {
    std::string json = "{";
    if (m) {
      absl::StrAppendFormat(
          &json,
          "\"channel\":\"%s\",\"busiest_hour\":\"%s\",\"contacts_per_hour\":%.6g,"
          "\"aht_seconds\":%.6g,\"aht_measured\":%s,",
          ChannelName(m->channel.channel), m->channel.busiest_hour, demand.contacts,
          absl::ToDoubleSeconds(demand.handle_time), m->channel.aht ? "true" : "false");
      if (demand.patience) {
        absl::StrAppendFormat(&json, "\"patience_seconds\":%.6g,",
                              absl::ToDoubleSeconds(*demand.patience));
      }
    }
    *inv.out << json << StaffingJsonFields(s) << "}\n";
    return kExitOk;
  }
  if (m) {
    const absl::TimeZone utc = absl::UTCTimeZone();
    *inv.out << absl::StrFormat(
        "%s, busiest hour %s:00 UTC of %s to %s UTC: %.1f contacts per hour (over %.0f %s), "
        "AHT %s%s%s\n",
        ChannelName(m->channel.channel), m->channel.busiest_hour,
        absl::FormatTime("%Y-%m-%d %H:%M", m->start, utc),
        absl::FormatTime("%Y-%m-%d %H:%M", m->end, utc), demand.contacts, m->window.days,
        m->window.days == 1 ? "day" : "days",
        absl::FormatDuration(demand.handle_time), m->channel.aht ? " (measured)" : " (--aht)",
        demand.patience ? internal::StrCat(", patience ", absl::FormatDuration(*demand.patience),
                                           patience_source)
                        : std::string());
  }
  const double asa_s = s.asa == absl::InfiniteDuration() ? -1 : absl::ToDoubleSeconds(s.asa);
  *inv.out << absl::StrFormat(
      "%s %d agents (%.2f erlangs of work, occupancy %.1f%%, %s)\n"
      "  probability of waiting  %.1f%%\n"
      "  service level           %.1f%% answered within %s (target %.0f%%)\n"
      "  average speed of answer %s\n",
      inv.args.Has("agents") ? "With" : "Needed:", s.agents, s.traffic_erlangs,
      100 * s.occupancy, s.with_patience ? "Erlang A" : "Erlang C", 100 * s.probability_wait,
      100 * s.service_level, absl::FormatDuration(target.answer_within),
      100 * target.service_level,
      asa_s < 0 ? "unbounded (too few agents)" : absl::StrFormat("%.1fs", asa_s));
  if (s.with_patience) {
    *inv.out << absl::StrFormat("  abandonment             %.1f%%\n", 100 * s.abandonment);
  }
  return kExitOk;
}

}  // namespace omnictx::cli
