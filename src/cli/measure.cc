// SPDX-License-Identifier: Apache-2.0
#include "cli/measure.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

// "--target voice=0.8/x: " + problem.
absl::Status Bad(const std::string& flag, const std::string& value, const std::string& problem) {
  return absl::InvalidArgumentError(internal::StrCat("--", flag, " ", value, ": ", problem));
}

std::string ChannelList() {
  std::string out;
  for (int k = 1; v1::ChannelKind_IsValid(k); ++k) {
    internal::StrAppend(&out, out.empty() ? "" : ", ",
                        ChannelName(static_cast<v1::ChannelKind>(k)));
  }
  return out;
}

// Splits "CHANNEL=REST"; the channel must be known.
absl::StatusOr<std::pair<v1::ChannelKind, std::string>> ChannelAndRest(const std::string& flag,
                                                                       const std::string& value,
                                                                       const char* form) {
  const size_t eq = value.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Bad(flag, value, internal::StrCat("not ", form));
  }
  v1::ChannelKind kind = v1::CHANNEL_KIND_UNSPECIFIED;
  const std::string name = value.substr(0, eq);
  if (!ParseChannelName(name, &kind)) {
    return Bad(flag, value,
               internal::StrCat("unknown channel '", name, "' (one of ", ChannelList(), ")"));
  }
  return std::make_pair(kind, value.substr(eq + 1));
}

absl::StatusOr<absl::Duration> DurationPart(const std::string& flag, const std::string& value,
                                            const char* what, const std::string& text) {
  auto d = ParseDurationFlag(flag, text);
  if (!d.ok()) {
    // ParseDurationFlag says "--flag: not a duration (...)", "negative" ...
    const std::string message(d.status().message());
    return Bad(flag, value, internal::StrCat(what, " '", text, "' is ",
                                             message.substr(message.find(": ") + 2)));
  }
  return *d;
}

}  // namespace

absl::Status ApplyTargetFlags(const Invocation& inv, MetricsQuery& q, bool with_target) {
  auto target_of = [&q](v1::ChannelKind kind) -> ChannelTarget& {
    auto it = q.targets.find(kind);
    if (it == q.targets.end()) it = q.targets.emplace(kind, DefaultChannelTarget(kind)).first;
    return it->second;
  };
  std::set<v1::ChannelKind> seen;
  for (const std::string& value : with_target ? inv.args.GetAll("target")
                                              : std::vector<std::string>{}) {
    OMNICTX_ASSIGN_OR_RETURN(auto parts,
                             ChannelAndRest("target", value, "CHANNEL=LEVEL/WITHIN (e.g. voice=0.8/20s)"));
    const auto& [kind, rest] = parts;
    if (!seen.insert(kind).second) {
      return Bad("target", value, internal::StrCat(ChannelName(kind), " is given twice"));
    }
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) {
      return Bad("target", value, "not CHANNEL=LEVEL/WITHIN (e.g. voice=0.8/20s)");
    }
    const std::string level_text = rest.substr(0, slash);
    double level = 0;
    if (!absl::SimpleAtod(level_text, &level) || !(level > 0 && level <= 1)) {
      return Bad("target", value,
                 internal::StrCat("LEVEL '", level_text,
                                  "' must be a share more than 0 and at most 1 (e.g. 0.8)"));
    }
    OMNICTX_ASSIGN_OR_RETURN(absl::Duration within,
                             DurationPart("target", value, "WITHIN", rest.substr(slash + 1)));
    if (within <= absl::ZeroDuration()) {
      return Bad("target", value, "WITHIN must be positive");
    }
    ChannelTarget& t = target_of(kind);
    t.service_level = level;
    t.answer_within = within;
  }
  seen.clear();
  for (const std::string& value : inv.args.GetAll("short-abandon")) {
    OMNICTX_ASSIGN_OR_RETURN(auto parts,
                             ChannelAndRest("short-abandon", value, "CHANNEL=DURATION (e.g. voice=5s)"));
    const auto& [kind, rest] = parts;
    if (!seen.insert(kind).second) {
      return Bad("short-abandon", value, internal::StrCat(ChannelName(kind), " is given twice"));
    }
    OMNICTX_ASSIGN_OR_RETURN(absl::Duration d,
                             DurationPart("short-abandon", value, "DURATION", rest));
    target_of(kind).short_abandon = d;
  }
  return absl::OkStatus();
}

std::optional<absl::Duration> MeasuredPatience(const v1::ChannelKpi& row) {
  if (row.abandoned() <= 0 || !row.has_average_wait()) return std::nullopt;
  const absl::Duration total_wait = FromProtoDuration(row.average_wait()) * row.offered();
  if (total_wait <= absl::ZeroDuration()) return std::nullopt;
  // The average wait carries microseconds: round off the residue to the
  // millisecond (210 s, not 209.999997 s).
  const double ms = std::round(absl::ToDoubleMilliseconds(total_wait / row.abandoned()));
  if (ms < 1) return std::nullopt;
  return absl::Milliseconds(ms);
}

MeasuredWindow Measure(const MetricsReport& total, const MetricsReport& by_hour) {
  MeasuredWindow out;
  out.window = FromProtoTime(total.end()) - FromProtoTime(total.start());
  out.days = std::max(1.0, std::ceil(absl::ToDoubleHours(out.window) / 24));
  // The busiest hour per channel: the earliest with the most offered.
  std::map<int, std::pair<std::string, int64_t>> peak;
  for (const v1::ChannelKpi& row : by_hour.channels()) {
    if (row.group().empty()) continue;
    auto& p = peak[row.channel()];
    if (row.offered() > p.second) p = {row.group(), row.offered()};
  }
  for (const v1::ChannelKpi& row : total.channels()) {
    if (!row.group().empty()) continue;
    MeasuredChannel m;
    m.channel = row.channel();
    m.realtime = IsRealTime(row.channel());
    m.target.service_level = row.target().service_level();
    m.target.answer_within = FromProtoDuration(row.target().answer_within());
    m.target.short_abandon = FromProtoDuration(row.target().short_abandon());
    auto it = peak.find(row.channel());
    if (it != peak.end() && it->second.second > 0) {
      m.busiest_hour = it->second.first;
      m.contacts_per_hour = static_cast<double>(it->second.second) / out.days;
    }
    if (row.has_aht() && row.handled() > 0) m.aht = FromProtoDuration(row.aht());
    m.patience = MeasuredPatience(row);
    m.handled = row.handled();
    m.handle_time_total = FromProtoDuration(row.handle_time_total());
    m.workload_erlangs = row.workload_erlangs();
    out.channels.push_back(std::move(m));
  }
  return out;
}

absl::StatusOr<MeasuredReport> MeasureWindow(Store& store, MetricsQuery q) {
  MeasuredReport out;
  q.group_by = MetricsGroup::kNone;
  OMNICTX_ASSIGN_OR_RETURN(out.total, store.Metrics(q));
  q.group_by = MetricsGroup::kHour;
  OMNICTX_ASSIGN_OR_RETURN(MetricsReport by_hour, store.Metrics(q));
  out.measured = Measure(out.total, by_hour);
  return out;
}

absl::StatusOr<WindowPooling> PoolWindow(const MeasuredWindow& measured,
                                         absl::Duration default_aht) {
  WindowPooling out;
  for (const MeasuredChannel& m : measured.channels) {
    if (m.realtime && m.contacts_per_hour > 0) {
      out.realtime.push_back({.measured = m, .aht = m.aht.value_or(default_aht),
                              .aht_measured = m.aht.has_value()});
      if (!m.patience) out.without_patience.emplace_back(ChannelName(m.channel));
    } else if (!m.realtime && m.handled > 0 && m.handle_time_total > absl::ZeroDuration() &&
               measured.window > absl::ZeroDuration()) {
      out.async.push_back({.measured = m, .aht = m.handle_time_total / m.handled,
                           .aht_measured = true});
    }
  }
  out.erlang_a = !out.realtime.empty() && out.without_patience.empty();
  for (const PooledChannel& c : out.realtime) {
    staffing::ChannelDemand d;
    d.channel = std::string(ChannelName(c.measured.channel));
    d.demand.contacts = c.measured.contacts_per_hour;
    d.demand.interval = absl::Hours(1);
    d.demand.handle_time = c.aht;
    if (out.erlang_a) d.demand.patience = c.measured.patience;
    d.target.service_level = c.measured.target.service_level;
    d.target.answer_within = c.measured.target.answer_within;
    d.realtime = true;
    out.demands.push_back(std::move(d));
  }
  // Asynchronous work at its average rate over the window: handled
  // contacts per window, each taking the channel's AHT.
  for (const PooledChannel& c : out.async) {
    staffing::ChannelDemand d;
    d.channel = std::string(ChannelName(c.measured.channel));
    d.demand.contacts = static_cast<double>(c.measured.handled);
    d.demand.interval = measured.window;
    d.demand.handle_time = c.aht;
    d.target.service_level = c.measured.target.service_level;
    d.target.answer_within = c.measured.target.answer_within;
    d.realtime = false;
    out.demands.push_back(std::move(d));
  }
  if (out.demands.empty()) return out;
  OMNICTX_ASSIGN_OR_RETURN(out.result, staffing::ComparePooling(out.demands));
  return out;
}

}  // namespace omnictx::cli
