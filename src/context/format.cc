// SPDX-License-Identifier: Apache-2.0
#include "omnictx/context_format.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "util/proto_json.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace omnictx {
namespace {

// Every ToFlatMap value comes from a field whose limit is at most 1 KiB (the
// longest, generated reasons and suggestion texts, stay well under it). The
// cap only bites on a hand-built Context that ignores the limits, and keeps
// the documented kMaxFlatMapBytes bound true even then: 27 keys of at most
// 1 KiB each, plus their names, fit in 32 KiB.
constexpr size_t kMaxFlatValueBytes = 1024;

std::string Capped(std::string_view value) {
  if (value.size() <= kMaxFlatValueBytes) return std::string(value);
  size_t end = kMaxFlatValueBytes;
  // Back off to a UTF-8 character boundary.
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) {
    --end;
  }
  return std::string(value.substr(0, end));
}

absl::string_view RouteKindName(v1::RouteTargetKind kind) {
  switch (kind) {
    case v1::ROUTE_TARGET_KIND_AGENT:
      return "agent";
    case v1::ROUTE_TARGET_KIND_SKILL:
      return "skill";
    case v1::ROUTE_TARGET_KIND_QUEUE:
      return "queue";
    default:
      return "";
  }
}

absl::string_view CaseStatusName(v1::CaseStatus status) {
  switch (status) {
    case v1::CASE_STATUS_OPEN:
      return "open";
    case v1::CASE_STATUS_PENDING:
      return "pending";
    case v1::CASE_STATUS_RESOLVED:
      return "resolved";
    case v1::CASE_STATUS_CLOSED:
      return "closed";
    default:
      return "";
  }
}

absl::string_view CasePriorityName(v1::CasePriority priority) {
  switch (priority) {
    case v1::CASE_PRIORITY_LOW:
      return "low";
    case v1::CASE_PRIORITY_NORMAL:
      return "normal";
    case v1::CASE_PRIORITY_HIGH:
      return "high";
    case v1::CASE_PRIORITY_URGENT:
      return "urgent";
    default:
      return "";
  }
}

absl::string_view ConsentStateName(v1::ConsentState state) {
  switch (state) {
    case v1::CONSENT_STATE_GRANTED:
      return "granted";
    case v1::CONSENT_STATE_DENIED:
      return "denied";
    case v1::CONSENT_STATE_REVOKED:
      return "revoked";
    default:
      return "unknown";
  }
}

// A channel name, or "" for no channel: an absent value reads as empty in
// an IVR variable rather than as the word "unspecified".
absl::string_view ChannelOrEmpty(v1::ChannelKind kind) {
  return kind == v1::CHANNEL_KIND_UNSPECIFIED
             ? ""
             : internal::Absl(ChannelName(kind));
}

// Whole minutes, never negative: a small clock skew between the door and the
// store must not read as "-1 minutes ago".
int64_t WholeMinutes(absl::Duration d) {
  return std::max<int64_t>(0, absl::ToInt64Minutes(d));
}

// How long ago the last contact was, or nothing if the context does not say.
std::optional<absl::Duration> LastContactAgo(const Context& ctx) {
  const v1::LastContact& last = ctx.last_contact();
  if (last.has_ago()) return FromProtoDuration(last.ago());
  if (last.has_at() && ctx.has_as_of()) {
    return FromProtoTime(ctx.as_of()) - FromProtoTime(last.at());
  }
  return std::nullopt;
}

// A short human span: "4 min", "2 h 5 min", "3 d 2 h".
std::string Span(absl::Duration d) {
  const int64_t minutes = WholeMinutes(d);
  if (minutes < 60) return absl::StrCat(minutes, " min");
  const int64_t hours = minutes / 60;
  if (hours < 48) {
    return minutes % 60 == 0 ? absl::StrCat(hours, " h")
                             : absl::StrCat(hours, " h ", minutes % 60, " min");
  }
  return hours % 24 == 0 ? absl::StrCat(hours / 24, " d")
                         : absl::StrCat(hours / 24, " d ", hours % 24, " h");
}

std::string ChannelLabel(const v1::Channel& channel) {
  std::string label(ChannelName(channel.kind()));
  if (!channel.provider().empty()) {
    absl::StrAppend(&label, "/", channel.provider());
  }
  return label;
}

// Summaries may hold newlines; one interaction must stay on one line.
std::string OneLine(std::string_view text) {
  std::string out(text);
  std::replace_if(
      out.begin(), out.end(),
      [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return out;
}

void AddFlatJourney(const Context& ctx, std::map<std::string, std::string>& m) {
  m["journeys"] = absl::StrCat(ctx.journeys_size());
  const bool any = !ctx.journeys().empty();
  const v1::ActiveJourney& j =
      any ? ctx.journeys(0) : v1::ActiveJourney::default_instance();
  m["journey"] = Capped(j.journey_key());
  m["journey_step"] = Capped(j.current_step());
  m["journey_skill"] = Capped(j.skill());
  m["journey_stalled"] = j.stalled() ? "1" : "0";
  m["journey_minutes_in_step"] =
      any ? absl::StrCat(WholeMinutes(FromProtoDuration(j.time_in_step())))
          : "";
}

void AddFlatCase(const Context& ctx, std::map<std::string, std::string>& m) {
  m["cases"] = absl::StrCat(ctx.open_cases_size());
  const bool any = !ctx.open_cases().empty();
  const Case& c = any ? ctx.open_cases(0) : Case::default_instance();
  m["case_id"] = any ? absl::StrCat(c.id()) : "";
  m["case_owner"] = Capped(c.owner_agent());
  m["case_status"] = std::string(CaseStatusName(c.status()));
  m["case_priority"] = std::string(CasePriorityName(c.priority()));
}

std::string RoutingLine(const RoutingHint& route) {
  std::vector<std::string> parts;
  const absl::string_view kind = RouteKindName(route.target_kind());
  parts.push_back(kind.empty() ? "self-service"
                               : absl::StrCat(kind, " ", route.target()));
  if (route.bypass_self_service()) parts.push_back("bypass self-service");
  if (route.priority() != 0) {
    parts.push_back(absl::StrCat("priority ", route.priority()));
  }
  std::string line = absl::StrCat("Routing: ", absl::StrJoin(parts, ", "));
  if (!route.reason().empty()) {
    absl::StrAppend(&line, " (", route.reason(), ")");
  }
  if (!route.rule().empty()) absl::StrAppend(&line, " [", route.rule(), "]");
  return line;
}

std::string WhoLine(const Context& ctx) {
  const Customer& customer = ctx.customer();
  // A low-trust audience may see the name without the id, or neither.
  std::string line;
  if (customer.display_name().empty()) {
    line = customer.id().empty() ? "Known customer" : absl::StrCat("Customer ", customer.id());
  } else {
    line = customer.id().empty() ? customer.display_name()
                                 : absl::StrCat(customer.display_name(), " (customer ",
                                                customer.id(), ")");
  }
  if (!customer.language().empty()) {
    absl::StrAppend(&line, ", language ", customer.language());
  }
  return line;
}

std::string MatchedLine(const Identity& id) {
  std::string line = absl::StrCat(
      "Matched: ", internal::Absl(IdentityKindName(id.kind())));
  if (id.value().empty()) return line;  // redacted for the audience
  absl::StrAppend(&line, " ");
  if (!id.platform().empty()) absl::StrAppend(&line, id.platform(), ":");
  absl::StrAppend(&line, id.value());
  return line;
}

std::string JourneyLine(const v1::ActiveJourney& j) {
  std::string line =
      absl::StrCat("Journey ", j.journey_key(), " v", j.journey_version(),
                   ": at ", j.current_step());
  if (!j.step_name().empty()) {
    absl::StrAppend(&line, " \"", j.step_name(), "\"");
  }
  absl::StrAppend(&line, ", ", Span(FromProtoDuration(j.time_in_step())),
                  " in step");
  if (j.stalled()) absl::StrAppend(&line, ", STALLED");
  if (!j.skill().empty()) absl::StrAppend(&line, ", skill ", j.skill());
  if (!j.needs().empty()) {
    absl::StrAppend(&line, ", needs ", absl::StrJoin(j.needs(), ", "));
  }
  return line;
}

std::string CaseLine(const Case& c) {
  std::string line = absl::StrCat("Case #", c.id());
  if (!c.subject().empty()) absl::StrAppend(&line, " \"", c.subject(), "\"");
  std::vector<absl::string_view> state;
  if (!CaseStatusName(c.status()).empty()) {
    state.push_back(CaseStatusName(c.status()));
  }
  if (!CasePriorityName(c.priority()).empty()) {
    state.push_back(CasePriorityName(c.priority()));
  }
  if (!state.empty()) {
    absl::StrAppend(&line, " (", absl::StrJoin(state, ", "), ")");
  }
  absl::StrAppend(&line, c.owner_agent().empty()
                             ? ", unassigned"
                             : absl::StrCat(", owner ", c.owner_agent()));
  if (!c.queue().empty()) absl::StrAppend(&line, ", queue ", c.queue());
  return line;
}

std::string InteractionLine(const Interaction& i) {
  std::vector<std::string> parts;
  parts.push_back(absl::FormatTime("%Y-%m-%d %H:%M UTC",
                                   FromProtoTime(i.occurred_at()),
                                   absl::UTCTimeZone()));
  parts.push_back(ChannelLabel(i.channel()));
  for (const std::string* field : {&i.touchpoint(), &i.kind()}) {
    if (!field->empty()) parts.push_back(*field);
  }
  if (!i.summary().empty()) parts.push_back(OneLine(i.summary()));
  return absl::StrCat("  ", absl::StrJoin(parts, "  "));
}

std::vector<const Interaction*> NewestFirst(const Context& ctx) {
  // The store sends them newest first; sorting again costs little and keeps a
  // hand-built context readable too.
  std::vector<const Interaction*> recent;
  for (const Interaction& i : ctx.recent()) recent.push_back(&i);
  std::stable_sort(recent.begin(), recent.end(),
                   [](const Interaction* a, const Interaction* b) {
                     return FromProtoTime(a->occurred_at()) >
                            FromProtoTime(b->occurred_at());
                   });
  return recent;
}

std::string LastContactLine(const Context& ctx) {
  const v1::LastContact& last = ctx.last_contact();
  std::string line =
      absl::StrCat("Last contact: ", ChannelLabel(last.channel()));
  if (const std::optional<absl::Duration> ago = LastContactAgo(ctx)) {
    absl::StrAppend(&line, " ", Span(*ago), " ago");
  }
  if (!last.touchpoint().empty()) {
    absl::StrAppend(&line, " (", last.touchpoint(), ")");
  }
  return line;
}

std::string ConsentsLine(const Context& ctx) {
  std::vector<std::string> consents;
  for (const Consent& c : ctx.consents()) {
    const bool every_channel = c.channel() == v1::CHANNEL_KIND_UNSPECIFIED;
    consents.push_back(absl::StrCat(c.purpose(), every_channel ? "" : " on ",
                                    ChannelOrEmpty(c.channel()), " ",
                                    ConsentStateName(c.state())));
  }
  return absl::StrCat("Consents: ", absl::StrJoin(consents, ", "));
}

}  // namespace

absl::StatusOr<std::string> ToJson(const Context& ctx, bool pretty) {
  return internal::MessageToJson(ctx, pretty);
}

absl::StatusOr<Context> ContextFromJson(std::string_view json) {
  Context ctx;
  OMNICTX_RETURN_IF_ERROR(internal::JsonToMessage(
      json, "context json", /*ignore_unknown=*/false, &ctx));
  return ctx;
}

std::map<std::string, std::string> ToFlatMap(const Context& ctx) {
  std::map<std::string, std::string> m;
  m["known"] = ctx.known() ? "1" : "0";
  m["customer_id"] = Capped(ctx.customer().id());
  m["name"] = Capped(ctx.customer().display_name());
  m["language"] = Capped(ctx.customer().language());
  const Identity& matched = ctx.matched_identity();
  m["matched_kind"] = matched.kind() == v1::IDENTITY_KIND_UNSPECIFIED
                          ? ""
                          : std::string(IdentityKindName(matched.kind()));
  m["matched_value"] = Capped(matched.value());

  const RoutingHint& route = ctx.routing();
  m["route_bypass"] = route.bypass_self_service() ? "1" : "0";
  m["route_kind"] = std::string(RouteKindName(route.target_kind()));
  m["route_target"] = Capped(route.target());
  m["route_priority"] = absl::StrCat(route.priority());
  m["route_reason"] = Capped(route.reason());
  m["route_rule"] = Capped(route.rule());

  AddFlatJourney(ctx, m);
  AddFlatCase(ctx, m);

  const v1::LastContact& last = ctx.last_contact();
  m["last_channel"] = std::string(ChannelOrEmpty(last.channel().kind()));
  m["last_touchpoint"] = Capped(last.touchpoint());
  const std::optional<absl::Duration> ago = LastContactAgo(ctx);
  m["last_minutes_ago"] = ago ? absl::StrCat(WholeMinutes(*ago)) : "";
  m["suggestion"] =
      ctx.suggestions().empty() ? "" : Capped(ctx.suggestions(0).text());
  return m;
}

std::string ToText(const Context& ctx) {
  if (!ctx.known()) {
    return absl::StrCat("Unknown caller\n", RoutingLine(ctx.routing()), "\n");
  }
  std::vector<std::string> lines = {WhoLine(ctx)};
  if (ctx.matched_identity().kind() != v1::IDENTITY_KIND_UNSPECIFIED) {
    lines.push_back(MatchedLine(ctx.matched_identity()));
  }
  lines.push_back(RoutingLine(ctx.routing()));
  for (const v1::ActiveJourney& j : ctx.journeys()) {
    lines.push_back(JourneyLine(j));
  }
  for (const Case& c : ctx.open_cases()) lines.push_back(CaseLine(c));
  if (ctx.last_contact().channel().kind() != v1::CHANNEL_KIND_UNSPECIFIED) {
    lines.push_back(LastContactLine(ctx));
  }
  for (const Suggestion& s : ctx.suggestions()) {
    lines.push_back(absl::StrCat("Suggestion: ", s.text()));
  }
  if (!ctx.consents().empty()) lines.push_back(ConsentsLine(ctx));
  if (!ctx.recent().empty()) {
    lines.push_back("Recent:");
    for (const Interaction* i : NewestFirst(ctx)) {
      lines.push_back(InteractionLine(*i));
    }
  }
  return absl::StrCat(absl::StrJoin(lines, "\n"), "\n");
}

}  // namespace omnictx
