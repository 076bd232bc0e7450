// SPDX-License-Identifier: Apache-2.0
#include "cli/report_html.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

std::string Pct(bool has, double v) { return has ? absl::StrFormat("%.1f%%", 100 * v) : "&ndash;"; }

std::string Dur(const google::protobuf::Duration& d) {
  const absl::Duration v = FromProtoDuration(d);
  if (v == absl::ZeroDuration()) return "&ndash;";
  return absl::FormatDuration(absl::Trunc(v + absl::Milliseconds(500), absl::Seconds(1)));
}

std::string Dur(absl::Duration d) {
  return absl::FormatDuration(absl::Trunc(d + absl::Milliseconds(500), absl::Seconds(1)));
}

constexpr std::string_view kStyle = R"css(
body { font-family: sans-serif; margin: 24px; color: #1d2733; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ccd3db; }
p.meta { color: #5a6775; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0; }
@page { size: A4 landscape; margin: 12mm; }
th, td { padding: 4px 10px; text-align: right; border-bottom: 1px solid #e4e8ec;
         white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
td.ok { color: #16703a; font-weight: bold; }
td.below { color: #b3261e; font-weight: bold; }
#pooling td:last-child { text-align: left; color: #5a6775; }
svg text { font-size: 12px; font-family: sans-serif; }
)css";

void KpiSection(std::string& h, const MetricsReport& r) {
  h += "<h2>Channels against their targets</h2>\n";
  if (r.channels_size() == 0) {
    h += "<p>No interactions in the window.</p>\n";
    return;
  }
  h += "<table id=\"kpis\"><tr><th>Channel</th><th>Inbound</th><th>Outbound</th><th>Offered</th>"
       "<th>Answered</th><th>Abandoned</th><th>Service level</th><th>Target</th><th>Verdict</th>"
       "<th>ASA</th><th>AHT</th><th>Workload (erlangs)</th></tr>\n";
  for (const v1::ChannelKpi& k : r.channels()) {
    std::string name(ChannelName(k.channel()));
    if (!k.group().empty()) name = internal::StrCat("&nbsp;&nbsp;", HtmlEscape(k.group()));
    const char* verdict_class = !k.has_meets_target() ? "" : (k.meets_target() ? "ok" : "below");
    const char* verdict =
        !k.has_meets_target() ? "&ndash;" : (k.meets_target() ? "meets" : "below");
    internal::StrAppend(
        &h, "<tr><td>", name, "</td><td>", k.inbound(), "</td><td>", k.outbound(), "</td><td>",
        k.offered(), "</td><td>", k.answered(), "</td><td>",
        Pct(k.has_abandonment_rate(), k.abandonment_rate()), "</td><td>",
        Pct(k.has_service_level(), k.service_level()), "</td><td>",
        absl::StrFormat("%.0f%% in %s", 100 * k.target().service_level(),
                        Dur(k.target().answer_within())),
        "</td><td class=\"", verdict_class, "\">", verdict, "</td><td>", Dur(k.asa()), "</td><td>",
        Dur(k.aht()), "</td><td>", absl::StrFormat("%.2f", k.workload_erlangs()), "</td></tr>\n");
  }
  h += "</table>\n";
}

void FunnelSection(std::string& h, const MetricsReport& r) {
  h += "<h2>Journey funnels</h2>\n";
  if (r.journeys_size() == 0) {
    h += "<p>No journeys started in the window.</p>\n";
    return;
  }
  for (const v1::JourneyFunnel& j : r.journeys()) {
    internal::StrAppend(
        &h, "<h3>", HtmlEscape(j.journey_key()), " v", j.journey_version(), "</h3>\n<p>",
        j.started(), " started, ", j.completed(), " completed, ", j.failed(), " failed, ",
        j.abandoned(), " abandoned, ", j.merged(), " merged, ", j.active(), " active (",
        j.stalled_now(), " stalled now); completion ",
        Pct(j.has_completion_rate(), j.completion_rate()), "</p>\n");
    int64_t widest = 1;
    for (const v1::StepFunnel& s : j.steps()) widest = std::max(widest, s.reached());
    constexpr int kRow = 24, kLabel = 170, kBar = 360;
    internal::StrAppend(&h, "<svg width=\"",
                        kLabel + kBar + 260, "\" height=\"", kRow * j.steps_size() + 4,
                        "\" role=\"img\" aria-label=\"funnel of ", HtmlEscape(j.journey_key()),
                        "\">\n");
    int y = 0;
    for (const v1::StepFunnel& s : j.steps()) {
      const int width = static_cast<int>(kBar * s.reached() / widest);
      std::string note = internal::StrCat(s.reached(), " reached");
      if (s.has_conversion()) {
        internal::StrAppend(&note, ", ", Pct(true, s.conversion()), " converted");
      }
      if (s.has_drop_off() && s.drop_off() > 0) {
        internal::StrAppend(&note, ", ", Pct(true, s.drop_off()), " dropped");
      }
      internal::StrAppend(
          &h, "<text x=\"0\" y=\"", y + 16, "\">", HtmlEscape(s.step()), "</text><rect x=\"",
          kLabel, "\" y=\"", y + 4, "\" width=\"", width, "\" height=\"", kRow - 8,
          "\" fill=\"#3f7cc4\"/><text x=\"", kLabel + width + 6, "\" y=\"", y + 16, "\">", note,
          "</text>\n");
      y += kRow;
    }
    h += "</svg>\n";
  }
}

void OutcomeSection(std::string& h, const MetricsReport& r) {
  const v1::FirstContactResolution& f = r.fcr();
  internal::StrAppend(
      &h, "<h2>First-contact resolution</h2>\n<p id=\"fcr\">FCR ", Pct(f.has_fcr_rate(), f.fcr_rate()),
      " of ", f.resolved() - f.awaiting_window(), " judged cases; repeat contacts ",
      Pct(f.has_repeat_contact_rate(), f.repeat_contact_rate()), "; contacts per resolution ",
      f.has_contacts_per_resolution() ? absl::StrFormat("%.2f", f.contacts_per_resolution())
                                      : "&ndash;",
      "; ", f.awaiting_window(), " resolved too recently to judge (re-contact window ",
      Dur(f.recontact_window()), ").</p>\n");
  if (r.channel_outcomes_size() > 0) {
    h += "<h2>Which channels lead to success</h2>\n<table id=\"outcomes\"><tr><th>Channel used"
         "</th><th>Ended journeys</th><th>Succeeded</th><th>Success rate</th></tr>\n";
    for (const v1::ChannelOutcome& o : r.channel_outcomes()) {
      internal::StrAppend(&h, "<tr><td>", ChannelName(o.channel()), "</td><td>", o.journeys(),
                          "</td><td>", o.succeeded(), "</td><td>",
                          Pct(o.has_success_rate(), o.success_rate()), "</td></tr>\n");
    }
    h += "</table>\n";
  }
  if (r.switches_size() > 0) {
    h += "<table id=\"switches\"><tr><th>Journey step</th><th>Switch</th><th>Times</th>"
         "<th>Success rate</th></tr>\n";
    for (const v1::ChannelSwitch& s : r.switches()) {
      internal::StrAppend(&h, "<tr><td>", HtmlEscape(s.journey_key()), " at ",
                          HtmlEscape(s.step()), "</td><td>", ChannelName(s.from_channel()),
                          " &rarr; ", ChannelName(s.to_channel()), "</td><td>", s.count(),
                          "</td><td>", Pct(s.has_success_rate(), s.success_rate()),
                          "</td></tr>\n");
    }
    h += "</table>\n";
  }
  const v1::ChannelEffort& e = r.effort();
  internal::StrAppend(
      &h, "<p>Effort: ",
      e.has_switches_per_journey() ? absl::StrFormat("%.2f", e.switches_per_journey())
                                   : "&ndash;",
      " channel switches per journey, ",
      e.has_switches_per_case() ? absl::StrFormat("%.2f", e.switches_per_case()) : "&ndash;",
      " per resolved case.</p>\n");
  bool any = false;
  for (const v1::SatisfactionRow& s : r.satisfaction()) {
    if (s.dimension() == "case") continue;
    if (!any) {
      h += "<h2>Satisfaction</h2>\n<table id=\"satisfaction\"><tr><th>Of</th><th>CSAT</th>"
           "<th>Satisfied</th><th>Responses</th><th>NPS</th><th>Responses</th></tr>\n";
      any = true;
    }
    internal::StrAppend(
        &h, "<tr><td>", HtmlEscape(s.dimension()), " ", HtmlEscape(s.key()), "</td><td>",
        s.has_csat_average() ? absl::StrFormat("%.2f", s.csat_average()) : "&ndash;",
        "</td><td>", Pct(s.has_csat_satisfied_share(), s.csat_satisfied_share()), "</td><td>",
        s.csat_responses(), "</td><td>",
        s.has_nps() ? absl::StrFormat("%+.0f", s.nps()) : "&ndash;", "</td><td>",
        s.nps_responses(), "</td></tr>\n");
  }
  if (any) h += "</table>\n";
}

std::string Names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    internal::StrAppend(&out, i == 0 ? "" : (i + 1 == names.size() ? " and " : ", "), names[i]);
  }
  return out;
}

std::string Agents(int n) { return internal::StrCat(n, n == 1 ? " agent" : " agents"); }

std::string Target(double level, absl::Duration within) {
  return absl::StrFormat("%.0f%% in %s", 100 * level, Dur(within));
}

void StaffingSection(std::string& h, const StaffingWhatIf& s) {
  h += "<h2>Staffing what-if: one team per channel or one multi-skilled team</h2>\n";
  const WindowPooling& p = s.pooling;
  if (!p.result) {
    internal::StrAppend(&h, "<p>", HtmlEscape(s.note), "</p>\n");
    return;
  }
  const staffing::PoolingResult& r = *p.result;
  if (p.erlang_a) {
    h += "<p id=\"staffing-model\">Model: <b>Erlang A</b> (M/M/N+M, customers hang up): every "
         "real-time channel has a patience measured in the window (the total wait of its offered "
         "contacts divided by its abandons).</p>\n";
  } else if (!p.realtime.empty()) {
    internal::StrAppend(
        &h, "<p id=\"staffing-model\">Model: <b>Erlang C</b> (M/M/N, nobody hangs up): the window "
            "gives no measured patience for ", Names(p.without_patience),
        " (no abandoned contacts), so Erlang A is not used.</p>\n");
  }
  internal::StrAppend(
      &h, "<p>Real-time channels are sized for their busiest hour of day (offered contacts in "
          "that hour averaged over ", absl::StrFormat("%.0f", s.days),
      s.days == 1 ? " day" : " days", ") with their measured AHT. Asynchronous work counts at its average rate over the "
      "window and is served in the multi-skilled team's idle time.</p>\n");
  if (!p.realtime.empty()) {
    h += "<table id=\"staffing\"><tr><th>Real-time channel</th><th>Busiest hour</th>"
         "<th>Contacts per hour</th><th>AHT</th><th>Patience</th><th>Target</th><th>Agents</th>"
         "<th>Service level</th><th>ASA</th><th>Occupancy</th><th>Abandonment</th></tr>\n";
  }
  for (size_t i = 0; i < p.realtime.size(); ++i) {
    const PooledChannel& c = p.realtime[i];
    const staffing::Staffing& own = r.channels[i].staffing;
    internal::StrAppend(
        &h, "<tr><td>", ChannelName(c.measured.channel), "</td><td>",
        HtmlEscape(c.measured.busiest_hour), ":00 UTC</td><td>",
        absl::StrFormat("%.1f", c.measured.contacts_per_hour), "</td><td>", Dur(c.aht),
        c.aht_measured ? "" : " (assumed)", "</td><td>",
        c.measured.patience ? Dur(*c.measured.patience) : "&ndash;", "</td><td>",
        Target(c.measured.target.service_level, c.measured.target.answer_within), "</td><td>",
        own.agents, "</td><td>", Pct(true, own.service_level), "</td><td>", Dur(own.asa),
        "</td><td>", Pct(true, own.occupancy), "</td><td>",
        own.with_patience ? Pct(true, own.abandonment) : "&ndash;", "</td></tr>\n");
  }
  if (!p.realtime.empty()) h += "</table>\n";
  if (!p.async.empty()) {
    h += "<table id=\"async\"><tr><th>Asynchronous channel</th><th>Handled</th><th>AHT</th>"
         "<th>Workload (erlangs)</th><th>Agents on its own</th></tr>\n";
  }
  for (size_t i = 0; i < p.async.size(); ++i) {
    const PooledChannel& c = p.async[i];
    const staffing::PoolingResult::Channel& own = r.channels[p.realtime.size() + i];
    internal::StrAppend(&h, "<tr><td>", ChannelName(c.measured.channel), "</td><td>",
                        c.measured.handled, "</td><td>", Dur(c.aht), "</td><td>",
                        absl::StrFormat("%.2f", own.workload_erlangs), "</td><td>", own.agents,
                        "</td></tr>\n");
  }
  if (!p.async.empty()) h += "</table>\n";
  std::string held;
  if (!p.realtime.empty()) {
    // ComparePooling holds the pooled team to the strictest target.
    double level = 0;
    absl::Duration within = absl::InfiniteDuration();
    for (const PooledChannel& c : p.realtime) {
      level = std::max(level, c.measured.target.service_level);
      within = std::min(within, c.measured.target.answer_within);
    }
    held = internal::StrCat("held to ", Target(level, within), ": service level ",
                            Pct(true, r.pooled_realtime.service_level), ", occupancy ",
                            Pct(true, r.pooled_realtime.occupancy));
    if (r.pooled_realtime.with_patience) {
      internal::StrAppend(&held, ", abandonment ", Pct(true, r.pooled_realtime.abandonment));
    }
  }
  auto row = [&h](std::string_view label, const std::string& value, const std::string& detail) {
    internal::StrAppend(&h, "<tr><td>", label, "</td><td>", value, "</td><td>", detail,
                        "</td></tr>\n");
  };
  auto erlangs = [](double v) { return absl::StrFormat("%.2f erlangs", v); };
  h += "<table id=\"pooling\">\n";
  row("One team per channel", Agents(r.separate_agents), "");
  row("One multi-skilled team", Agents(r.pooled_agents), "");
  row("&nbsp;&nbsp;on the real-time contacts",
      Agents(r.pooled_realtime_agents), held);
  row("&nbsp;&nbsp;added for asynchronous work", Agents(r.async_extra_agents),
      "the work its idle time cannot absorb");
  row("Saving", internal::StrCat(Agents(r.saving), " (", Pct(true, r.saving_share), ")"), "");
  row("Asynchronous workload", erlangs(r.async_workload_erlangs), "");
  row("Idle time of the multi-skilled team", erlangs(r.pooled_idle_erlangs),
      "before asynchronous work");
  row("Idle erlangs absorbed", erlangs(r.async_absorbed_erlangs),
      "asynchronous work done in that idle time");
  h += "</table>\n";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderReportHtml(const MetricsReport& r, const StaffingWhatIf& staffing,
                             absl::Time generated_at) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<title>omnictx report</title><style>";
  h += kStyle;
  internal::StrAppend(
      &h, "</style></head><body>\n<h1>omnictx report</h1>\n<p class=\"meta\">Window ",
      absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTime(r.start()), utc), " to ",
      absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTime(r.end()), utc), " UTC; ",
      r.interactions_scanned(), " interactions; generated ",
      absl::FormatTime("%Y-%m-%d %H:%M", generated_at, utc), " UTC.</p>\n");
  KpiSection(h, r);
  FunnelSection(h, r);
  OutcomeSection(h, r);
  StaffingSection(h, staffing);
  h += "</body></html>\n";
  return h;
}

}  // namespace omnictx::cli
