// SPDX-License-Identifier: Apache-2.0
#include "omnictx/context_format.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "catch2/catch.hpp"
#include "google/protobuf/util/message_differencer.h"
#include "test_util.h"

namespace omnictx {
namespace {

// Returns the differences between two messages, empty when equal, so a
// failing CHECK prints what differs.
std::string ProtoDiff(const google::protobuf::Message& expected,
                      const google::protobuf::Message& actual) {
  std::string report;
  bool same = false;
  {
    // The reporter flushes into `report` when the differencer goes away.
    google::protobuf::util::MessageDifferencer diff;
    diff.ReportDifferencesToString(&report);
    same = diff.Compare(expected, actual);
  }
  return same ? "" : report;
}

absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2024, 5, 1, 10, 30, 0),
                         absl::UTCTimeZone());
}

Interaction* AddRecent(Context& ctx, int64_t id, v1::ChannelKind channel,
                       const char* touchpoint, const char* kind,
                       absl::Duration ago, const char* summary) {
  Interaction* i = ctx.add_recent();
  i->set_id(id);
  i->set_customer_id("c-42");
  i->mutable_channel()->set_kind(channel);
  i->set_touchpoint(touchpoint);
  i->set_kind(kind);
  *i->mutable_occurred_at() = ToProtoTime(Now() - ago);
  i->set_summary(summary);
  return i;
}

// The answer the IVR gets in the first DESIGN story, plus a second journey,
// a second case and a timeline, so that "first" is tested as first.
Context WebThenCall() {
  Context ctx;
  ctx.set_known(true);
  ctx.mutable_customer()->set_id("c-42");
  ctx.mutable_customer()->set_display_name("Jane Doe");
  ctx.mutable_customer()->set_language("fr-FR");
  *ctx.mutable_matched_identity() = Phone("+33612345678");

  v1::ActiveJourney* loan = ctx.add_journeys();
  loan->set_instance_id(11);
  loan->set_journey_key("home_loan");
  loan->set_journey_version(1);
  loan->set_current_step("upload_documents");
  loan->set_step_name("Upload documents");
  *loan->mutable_time_in_step() = ToProtoDuration(absl::Seconds(270));
  loan->set_stalled(true);
  loan->set_skill("documents");
  loan->add_needs("payslip");
  loan->add_needs("id_card");
  v1::ActiveJourney* renewal = ctx.add_journeys();
  renewal->set_instance_id(12);
  renewal->set_journey_key("renewal");
  renewal->set_journey_version(3);
  renewal->set_current_step("confirm");
  *renewal->mutable_time_in_step() = ToProtoDuration(absl::Hours(51));

  Case* router = ctx.add_open_cases();
  router->set_id(7);
  router->set_subject("Router broken");
  router->set_status(v1::CASE_STATUS_OPEN);
  router->set_priority(v1::CASE_PRIORITY_HIGH);
  router->set_owner_agent("agent-17");
  router->set_queue("support");
  Case* invoice = ctx.add_open_cases();
  invoice->set_id(9);
  invoice->set_subject("Invoice");
  invoice->set_status(v1::CASE_STATUS_PENDING);
  invoice->set_priority(v1::CASE_PRIORITY_LOW);

  AddRecent(ctx, 103, v1::CHANNEL_KIND_WEB, "web.upload", "page_view",
            absl::Minutes(4), "Uploaded payslip");
  AddRecent(ctx, 102, v1::CHANNEL_KIND_EMAIL, "email.renewal_notice",
            "email_clicked", absl::Hours(2), "Clicked the\nrenewal link")
      ->mutable_channel()
      ->set_provider("sendgrid");
  AddRecent(ctx, 101, v1::CHANNEL_KIND_VOICE, "ivr.main_menu", "call",
            absl::Hours(72), "");

  v1::LastContact* last = ctx.mutable_last_contact();
  last->mutable_channel()->set_kind(v1::CHANNEL_KIND_WEB);
  last->set_touchpoint("web.upload");
  *last->mutable_at() = ToProtoTime(Now() - absl::Minutes(4));
  *last->mutable_ago() = ToProtoDuration(absl::Minutes(4));

  RoutingHint* route = ctx.mutable_routing();
  route->set_bypass_self_service(true);
  route->set_target_kind(v1::ROUTE_TARGET_KIND_SKILL);
  route->set_target("documents");
  route->set_priority(2);
  route->set_reason(
      "on web 4 minutes ago at step upload_documents of home_loan");
  route->set_rule("recent_journey_activity");

  Suggestion* help = ctx.add_suggestions();
  help->set_kind(v1::SUGGESTION_KIND_OFFER_HELP);
  help->set_text("Offer help with upload documents");
  help->set_journey_instance_id(11);
  ctx.add_suggestions()->set_text("Resume renewal at confirm");

  Consent* recording = ctx.add_consents();
  recording->set_purpose("recording");
  recording->set_state(v1::CONSENT_STATE_GRANTED);
  Consent* marketing = ctx.add_consents();
  marketing->set_purpose("marketing");
  marketing->set_channel(v1::CHANNEL_KIND_EMAIL);
  marketing->set_state(v1::CONSENT_STATE_DENIED);

  ctx.mutable_asked_from()->set_kind(v1::CHANNEL_KIND_IVR);
  *ctx.mutable_as_of() = ToProtoTime(Now());
  return ctx;
}

size_t FlatBytes(const std::map<std::string, std::string>& m) {
  size_t total = 0;
  for (const auto& [key, value] : m) total += key.size() + value.size();
  return total;
}

}  // namespace

TEST_CASE("a Context round-trips through JSON", "[context][format]") {
  const Context ctx = WebThenCall();
  absl::StatusOr<std::string> json = ToJson(ctx);
  REQUIRE_OK(json);

  SECTION("lowerCamelCase names, RFC 3339 times, durations in seconds") {
    CHECK(absl::StrContains(*json, "\"matchedIdentity\":{"));
    CHECK(absl::StrContains(*json, "\"bypassSelfService\":true"));
    CHECK(absl::StrContains(*json, "\"asOf\":\"2024-05-01T10:30:00Z\""));
    CHECK(absl::StrContains(*json, "\"timeInStep\":\"270s\""));
    CHECK(
        absl::StrContains(*json, "\"targetKind\":\"ROUTE_TARGET_KIND_SKILL\""));
    CHECK_FALSE(absl::StrContains(*json, "matched_identity"));
    CHECK_FALSE(absl::StrContains(*json, "\n"));
  }
  SECTION("parsing it back gives the same message") {
    absl::StatusOr<Context> back = ContextFromJson(*json);
    REQUIRE_OK(back);
    CHECK(ProtoDiff(ctx, *back) == "");
  }
  SECTION("pretty JSON parses back too") {
    absl::StatusOr<std::string> pretty = ToJson(ctx, /*pretty=*/true);
    REQUIRE_OK(pretty);
    CHECK(absl::StrContains(*pretty, "\n"));
    absl::StatusOr<Context> back = ContextFromJson(*pretty);
    REQUIRE_OK(back);
    CHECK(ProtoDiff(ctx, *back) == "");
  }
  SECTION("default values are omitted") {
    CHECK(ToJson(Context()).value() == "{}");
    CHECK_FALSE(absl::StrContains(*json, "\"known\":false"));
  }
}

TEST_CASE("ContextFromJson refuses bad JSON without quoting it",
          "[context][format]") {
  SECTION("malformed") {
    auto ctx =
        ContextFromJson("{\"customer\": {\"displayName\": \"+33612345678\"");
    CHECK(ctx.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StartsWith(ctx.status().message(), "context json: "));
    CHECK_FALSE(absl::StrContains(ctx.status().message(), "33612345678"));
  }
  SECTION("a value of the wrong type names the field, not the value") {
    auto ctx = ContextFromJson(R"({"customer": {"displayName": 33612345678}})");
    CHECK(ctx.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StrContains(ctx.status().message(), "display_name"));
    CHECK_FALSE(absl::StrContains(ctx.status().message(), "33612345678"));
  }
  SECTION("unknown fields") {
    auto ctx = ContextFromJson(R"({"known": true, "mood": "angry"})");
    CHECK(ctx.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StrContains(ctx.status().message(), "mood"));
  }
  SECTION("deep nesting is refused before the parser runs") {
    auto ctx = ContextFromJson(std::string(40000, '['));
    CHECK(ctx.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(ctx.status().message() ==
          "context json: nested deeper than 64 levels");
  }
  SECTION("brackets inside strings do not count as nesting") {
    Context deep_text;
    deep_text.mutable_customer()->set_display_name(std::string(200, '[') +
                                                   "\"{");
    auto back = ContextFromJson(ToJson(deep_text).value());
    REQUIRE_OK(back);
    CHECK(back->customer().display_name() ==
          deep_text.customer().display_name());
  }
}

TEST_CASE("ToFlatMap gives an IVR every documented key", "[context][format]") {
  SECTION("a known caller in a journey with an open case") {
    const std::map<std::string, std::string> expected = {
        {"known", "1"},
        {"customer_id", "c-42"},
        {"name", "Jane Doe"},
        {"language", "fr-FR"},
        {"matched_kind", "phone"},
        {"matched_value", "+33612345678"},
        {"route_bypass", "1"},
        {"route_kind", "skill"},
        {"route_target", "documents"},
        {"route_priority", "2"},
        {"route_reason",
         "on web 4 minutes ago at step upload_documents of home_loan"},
        {"route_rule", "recent_journey_activity"},
        {"journey", "home_loan"},
        {"journey_step", "upload_documents"},
        {"journey_skill", "documents"},
        {"journey_stalled", "1"},
        {"journey_minutes_in_step", "4"},  // 270 s: whole minutes
        {"journeys", "2"},
        {"case_id", "7"},
        {"case_owner", "agent-17"},
        {"case_status", "open"},
        {"case_priority", "high"},
        {"cases", "2"},
        {"last_channel", "web"},
        {"last_touchpoint", "web.upload"},
        {"last_minutes_ago", "4"},
        {"suggestion", "Offer help with upload documents"},
    };
    CHECK(ToFlatMap(WebThenCall()) == expected);
  }
  SECTION("an unknown caller gets the same keys, empty or zero") {
    const std::map<std::string, std::string> m = ToFlatMap(Context());
    CHECK(m.size() == 27);
    for (const char* zero : {"known", "route_bypass", "route_priority",
                             "journey_stalled", "journeys", "cases"}) {
      INFO(zero);
      CHECK(m.at(zero) == "0");
    }
    size_t empty = 0;
    for (const auto& [key, value] : m) empty += value.empty();
    CHECK(empty == 21);
  }
  SECTION("route kinds") {
    Context ctx;
    const std::pair<v1::RouteTargetKind, const char*> rows[] = {
        {v1::ROUTE_TARGET_KIND_UNSPECIFIED, ""},
        {v1::ROUTE_TARGET_KIND_AGENT, "agent"},
        {v1::ROUTE_TARGET_KIND_SKILL, "skill"},
        {v1::ROUTE_TARGET_KIND_QUEUE, "queue"},
    };
    for (const auto& [kind, name] : rows) {
      ctx.mutable_routing()->set_target_kind(kind);
      CHECK(ToFlatMap(ctx).at("route_kind") == name);
    }
  }
  SECTION("case status and priority names") {
    Context ctx;
    Case* c = ctx.add_open_cases();
    const std::pair<v1::CaseStatus, const char*> statuses[] = {
        {v1::CASE_STATUS_UNSPECIFIED, ""},
        {v1::CASE_STATUS_OPEN, "open"},
        {v1::CASE_STATUS_PENDING, "pending"},
        {v1::CASE_STATUS_RESOLVED, "resolved"},
        {v1::CASE_STATUS_CLOSED, "closed"}};
    for (const auto& [status, name] : statuses) {
      c->set_status(status);
      CHECK(ToFlatMap(ctx).at("case_status") == name);
    }
    const std::pair<v1::CasePriority, const char*> priorities[] = {
        {v1::CASE_PRIORITY_UNSPECIFIED, ""},
        {v1::CASE_PRIORITY_LOW, "low"},
        {v1::CASE_PRIORITY_NORMAL, "normal"},
        {v1::CASE_PRIORITY_HIGH, "high"},
        {v1::CASE_PRIORITY_URGENT, "urgent"}};
    for (const auto& [priority, name] : priorities) {
      c->set_priority(priority);
      CHECK(ToFlatMap(ctx).at("case_priority") == name);
    }
  }
  SECTION("last contact age falls back to as_of minus at, never negative") {
    Context ctx = WebThenCall();
    ctx.mutable_last_contact()->clear_ago();
    *ctx.mutable_last_contact()->mutable_at() =
        ToProtoTime(Now() - absl::Minutes(90) - absl::Seconds(59));
    CHECK(ToFlatMap(ctx).at("last_minutes_ago") == "90");
    *ctx.mutable_last_contact()->mutable_ago() =
        ToProtoDuration(absl::Seconds(-30));  // the door's clock runs ahead
    CHECK(ToFlatMap(ctx).at("last_minutes_ago") == "0");
  }
}

TEST_CASE("ToFlatMap stays under kMaxFlatMapBytes", "[context][format]") {
  SECTION("every field at its limit fits and nothing is cut") {
    Context ctx;
    ctx.set_known(true);
    Customer* c = ctx.mutable_customer();
    c->set_id(std::string(Limits::kMaxCustomerIdBytes, 'i'));
    c->set_display_name(std::string(Limits::kMaxNameBytes, 'n'));
    c->set_language(std::string(Limits::kMaxTextBytes, 'l'));
    ctx.mutable_matched_identity()->set_kind(v1::IDENTITY_KIND_MESSAGING);
    ctx.mutable_matched_identity()->set_value(
        std::string(Limits::kMaxIdentityBytes, 'v'));
    RoutingHint* r = ctx.mutable_routing();
    r->set_target_kind(v1::ROUTE_TARGET_KIND_QUEUE);
    r->set_target(std::string(Limits::kMaxTextBytes, 't'));
    r->set_priority(INT32_MIN);
    r->set_reason(std::string(1024, 'r'));  // generated from keys: far less
    r->set_rule(std::string(Limits::kMaxKeyBytes, 'u'));
    v1::ActiveJourney* j = ctx.add_journeys();
    j->set_journey_key(std::string(Limits::kMaxKeyBytes, 'j'));
    j->set_current_step(std::string(Limits::kMaxKeyBytes, 's'));
    j->set_skill(std::string(Limits::kMaxKeyBytes, 'k'));
    *j->mutable_time_in_step() = ToProtoDuration(absl::InfiniteDuration());
    Case* k = ctx.add_open_cases();
    k->set_id(INT64_MIN);
    k->set_owner_agent(std::string(Limits::kMaxTextBytes, 'o'));
    k->set_status(v1::CASE_STATUS_RESOLVED);
    k->set_priority(v1::CASE_PRIORITY_URGENT);
    ctx.mutable_last_contact()->mutable_channel()->set_kind(
        v1::CHANNEL_KIND_MOBILE_APP);
    ctx.mutable_last_contact()->set_touchpoint(
        std::string(Limits::kMaxKeyBytes, 'p'));
    *ctx.mutable_last_contact()->mutable_ago() =
        ToProtoDuration(absl::InfiniteDuration());
    ctx.add_suggestions()->set_text(std::string(1024, 'g'));

    const std::map<std::string, std::string> m = ToFlatMap(ctx);
    CHECK(FlatBytes(m) < kMaxFlatMapBytes);
    CHECK(m.at("customer_id") == c->id());
    CHECK(m.at("name") == c->display_name());
    CHECK(m.at("matched_value") == ctx.matched_identity().value());
    CHECK(m.at("route_target") == r->target());
    CHECK(m.at("route_reason") == r->reason());
    CHECK(m.at("route_priority") == "-2147483648");
    CHECK(m.at("case_id") == "-9223372036854775808");
    CHECK(m.at("case_owner") == k->owner_agent());
    CHECK(m.at("suggestion") == ctx.suggestions(0).text());
    CHECK(m.at("journey_minutes_in_step") == "5259600000");
    CHECK(m.at("last_channel") == "mobile_app");
  }
  SECTION("a hand-built Context past every limit is still bounded") {
    // "x" then two-byte characters: the cap falls inside one and must back
    // off to the character boundary.
    std::string huge = "x";
    for (int i = 0; i < 500000; ++i) huge += "\xC3\xA9";  // U+00E9
    Context ctx;
    ctx.mutable_customer()->set_id(huge);
    ctx.mutable_customer()->set_display_name(huge);
    ctx.mutable_customer()->set_language(huge);
    ctx.mutable_matched_identity()->set_value(huge);
    RoutingHint* r = ctx.mutable_routing();
    for (std::string* s :
         {r->mutable_target(), r->mutable_reason(), r->mutable_rule()}) {
      *s = huge;
    }
    v1::ActiveJourney* j = ctx.add_journeys();
    for (std::string* s : {j->mutable_journey_key(), j->mutable_current_step(),
                           j->mutable_skill()}) {
      *s = huge;
    }
    ctx.add_open_cases()->set_owner_agent(huge);
    ctx.mutable_last_contact()->set_touchpoint(huge);
    ctx.add_suggestions()->set_text(huge);

    const std::map<std::string, std::string> m = ToFlatMap(ctx);
    CHECK(FlatBytes(m) <= kMaxFlatMapBytes);
    CHECK(m.at("name").size() == 1023);
    for (const auto& [key, value] : m) {
      INFO(key);
      const bool prefix_or_count =
          absl::StartsWith(huge, value) || value.size() <= 1;
      CHECK(prefix_or_count);
    }
  }
}

TEST_CASE("ToText renders what an agent reads", "[context][format]") {
  SECTION("a known caller") {
    const std::string expected =
        "Jane Doe (customer c-42), language fr-FR\n"
        "Matched: phone +33612345678\n"
        "Routing: skill documents, bypass self-service, priority 2 (on web 4 "
        "minutes ago at step upload_documents of home_loan) "
        "[recent_journey_activity]\n"
        "Journey home_loan v1: at upload_documents \"Upload documents\", "
        "4 min in step, STALLED, skill documents, needs payslip, id_card\n"
        "Journey renewal v3: at confirm, 2 d 3 h in step\n"
        "Case #7 \"Router broken\" (open, high), owner agent-17, queue "
        "support\n"
        "Case #9 \"Invoice\" (pending, low), unassigned\n"
        "Last contact: web 4 min ago (web.upload)\n"
        "Suggestion: Offer help with upload documents\n"
        "Suggestion: Resume renewal at confirm\n"
        "Consents: recording granted, marketing on email denied\n"
        "Recent:\n"
        "  2024-05-01 10:26 UTC  web  web.upload  page_view  Uploaded payslip\n"
        "  2024-05-01 08:30 UTC  email/sendgrid  email.renewal_notice  "
        "email_clicked  Clicked the renewal link\n"
        "  2024-04-28 10:30 UTC  voice  ivr.main_menu  call\n";
    CHECK(ToText(WebThenCall()) == expected);
  }
  SECTION("recent interactions print newest first whatever the input order") {
    Context ctx = WebThenCall();
    const std::string text = ToText(ctx);
    std::reverse(ctx.mutable_recent()->begin(), ctx.mutable_recent()->end());
    CHECK(ToText(ctx) == text);
  }
  SECTION("an unknown caller is one line plus the routing") {
    Context ctx;
    CHECK(ToText(ctx) == "Unknown caller\nRouting: self-service\n");
    ctx.mutable_routing()->set_target_kind(v1::ROUTE_TARGET_KIND_QUEUE);
    ctx.mutable_routing()->set_target("general");
    ctx.mutable_routing()->set_reason("caller not recognized");
    CHECK(ToText(ctx) ==
          "Unknown caller\nRouting: queue general (caller not recognized)\n");
  }
  SECTION("spans read in minutes, hours or days") {
    Context ctx = WebThenCall();
    auto* ago = ctx.mutable_last_contact()->mutable_ago();
    const std::pair<absl::Duration, const char*> rows[] = {
        {absl::Seconds(59), "web 0 min ago"},
        {absl::Minutes(59), "web 59 min ago"},
        {absl::Minutes(60), "web 1 h ago"},
        {absl::Minutes(125), "web 2 h 5 min ago"},
        {absl::Hours(48), "web 2 d ago"},
        {absl::Hours(75), "web 3 d 3 h ago"},
    };
    for (const auto& [d, text] : rows) {
      *ago = ToProtoDuration(d);
      CHECK(
          absl::StrContains(ToText(ctx), absl::StrCat("Last contact: ", text)));
    }
  }
}

}  // namespace omnictx
