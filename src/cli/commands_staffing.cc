// SPDX-License-Identifier: Apache-2.0
//
// `omnictx metrics staffing`: Erlang C (Erlang A with --patience) what-ifs.
#include <ostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "cli/cli.h"
#include "omnictx/staffing.h"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

absl::StatusOr<double> NumberFlag(const Invocation& inv, const std::string& name,
                                  std::optional<double> fallback) {
  auto v = inv.args.Get(name);
  if (!v) {
    if (fallback) return *fallback;
    return absl::InvalidArgumentError(internal::StrCat("--", name, ": required"));
  }
  double d = 0;
  if (!absl::SimpleAtod(*v, &d)) {
    return absl::InvalidArgumentError(internal::StrCat("--", name, ": not a number"));
  }
  return d;
}

absl::StatusOr<absl::Duration> DurationFlag(const Invocation& inv, const std::string& name) {
  auto v = inv.args.Get(name);
  if (!v) return absl::InvalidArgumentError(internal::StrCat("--", name, ": required"));
  return ParseDurationFlag(name, *v);
}

// Names the CLI flag instead of the API field in an error.
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

}  // namespace

int CmdMetricsStaffing(Invocation& inv) {
  // `metrics` declares the report's options too; they mean nothing here.
  if (inv.args.positional().size() > 1) {
    return Fail(inv, absl::InvalidArgumentError(internal::StrCat(
                         "metrics staffing: unexpected argument '", inv.args.positional()[1], "'")));
  }
  for (const char* name : {"since", "until", "by", "journey", "recontact-window"}) {
    if (inv.args.Has(name)) {
      return Fail(inv, absl::InvalidArgumentError(
                           internal::StrCat("--", name, ": not an option of metrics staffing")));
    }
  }
  staffing::Demand demand;
  staffing::Target target;
  auto volume = NumberFlag(inv, "volume", std::nullopt);
  if (!volume.ok()) return Fail(inv, volume.status());
  demand.contacts = *volume;
  auto interval = DurationFlag(inv, "interval");
  if (!interval.ok()) return Fail(inv, interval.status());
  demand.interval = *interval;
  auto aht = DurationFlag(inv, "aht");
  if (!aht.ok()) return Fail(inv, aht.status());
  demand.handle_time = *aht;
  if (inv.args.Has("patience")) {
    auto patience = DurationFlag(inv, "patience");
    if (!patience.ok()) return Fail(inv, patience.status());
    demand.patience = *patience;
  }
  auto level = NumberFlag(inv, "target", 0.8);
  if (!level.ok()) return Fail(inv, level.status());
  target.service_level = *level;
  auto within = DurationFlag(inv, "answer-within");
  if (!within.ok()) return Fail(inv, within.status());
  target.answer_within = *within;
  auto occupancy = NumberFlag(inv, "max-occupancy", 1.0);
  if (!occupancy.ok()) return Fail(inv, occupancy.status());
  target.max_occupancy = *occupancy;

  absl::StatusOr<staffing::Staffing> result;
  if (inv.args.Has("agents")) {
    auto agents = IntFlag(inv, "agents", 0);
    if (!agents.ok()) return Fail(inv, agents.status());
    if (*agents < 1 || *agents > staffing::kMaxAgents) {
      return Fail(inv, absl::InvalidArgumentError(
                           internal::StrCat("--agents: must be between 1 and ", staffing::kMaxAgents)));
    }
    result = staffing::Evaluate(demand, static_cast<int>(*agents), target.answer_within);
  } else {
    result = staffing::AgentsNeeded(demand, target);
  }
  if (!result.ok()) return Fail(inv, AsFlag(result.status()));
  const staffing::Staffing& s = *result;
  const double asa_s = s.asa == absl::InfiniteDuration() ? -1 : absl::ToDoubleSeconds(s.asa);
  if (inv.json) {
    std::string json = absl::StrFormat(
        "{\"agents\":%d,\"traffic_erlangs\":%.6g,\"occupancy\":%.6g,\"probability_wait\":%.6g,"
        "\"service_level\":%.6g,\"asa_seconds\":%s",
        s.agents, s.traffic_erlangs, s.occupancy, s.probability_wait, s.service_level,
        asa_s < 0 ? "null" : absl::StrFormat("%.6g", asa_s));
    if (s.with_patience) absl::StrAppendFormat(&json, ",\"abandonment\":%.6g", s.abandonment);
    *inv.out << json << "}\n";
    return kExitOk;
  }
  *inv.out << absl::StrFormat(
      "%s %d agents (%.2f erlangs of work, occupancy %.1f%%)\n"
      "  probability of waiting  %.1f%%\n"
      "  service level           %.1f%% answered within %s (target %.0f%%)\n"
      "  average speed of answer %s\n",
      inv.args.Has("agents") ? "With" : "Needed:", s.agents, s.traffic_erlangs,
      100 * s.occupancy, 100 * s.probability_wait, 100 * s.service_level,
      absl::FormatDuration(target.answer_within), 100 * target.service_level,
      asa_s < 0 ? "unbounded (too few agents)" : absl::StrFormat("%.1fs", asa_s));
  if (s.with_patience) {
    *inv.out << absl::StrFormat("  abandonment             %.1f%%\n", 100 * s.abandonment);
  }
  return kExitOk;
}

}  // namespace omnictx::cli
