// SPDX-License-Identifier: Apache-2.0
//
// The context lookup: who is at the door, what they are doing, and the
// routing hint, rule by rule.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::ProtoEquals;
using testing::TempStore;

Journey HomeLoan() {
  return ParseTextProto<Journey>(R"pb(
    key: "home_loan"
    name: "Home loan"
    steps { key: "simulate" name: "Simulate" next: "upload_documents" touchpoints: "web.simulator" }
    steps {
      key: "upload_documents"
      name: "Upload documents"
      next: "review"
      touchpoints: "web.upload"
      skill: "documents"
      needs: "payslip"
      needs: "id_card"
      stall_after { seconds: 86400 }
      priority: 2
    }
    steps { key: "review" next: "approved" next: "rejected" skill: "loan_advisor" }
    steps { key: "approved" outcome: STEP_OUTCOME_SUCCESS }
    steps { key: "rejected" outcome: STEP_OUTCOME_FAILURE }
  )pb");
}

// Sets up customer "c1" (phone, email, cookie) with the home loan journey
// defined; returns the store's start time.
absl::Time SetUp(TempStore& store) {
  MakeCustomer(store.store(), "c1", "Camille Martin");
  REQUIRE_OK(store->LinkIdentity("c1", Phone("06 12 34 56 78")));
  REQUIRE_OK(store->LinkIdentity("c1", Email("camille@example.com")));
  REQUIRE_OK(store->LinkIdentity("c1", Cookie("ck-1")));
  REQUIRE_OK(store->DefineJourney(HomeLoan()));
  return store.clock().Now();
}

// Starts the home loan for c1 and moves it to upload_documents with a web
// page view at the store's current time. Returns the instance id.
int64_t AtUpload(TempStore& store, v1::ChannelKind channel = v1::CHANNEL_KIND_WEB) {
  absl::StatusOr<JourneyInstance> inst = store->StartJourney("c1", "home_loan");
  REQUIRE_OK(inst);
  Interaction i = MakeInteraction("c1", store.clock().Now(), channel,
                                  channel == v1::CHANNEL_KIND_WEB ? "web.upload" : "voice.main",
                                  "page_view");
  i.set_journey_step("upload_documents");
  REQUIRE_OK(store->Record(i));
  return inst->id();
}

Context Ask(TempStore& store, LookupRequest request) {
  absl::StatusOr<Context> ctx = store->Lookup(request);
  INFO(ctx.status().ToString());
  REQUIRE(ctx.ok());
  return *std::move(ctx);
}

Context FromIvr(TempStore& store) {
  return Ask(store, {.identity = Phone("+33612345678"), .channel = Channel::kIvr});
}

Case NewCase(const std::string& subject, v1::CasePriority priority, const std::string& owner = "",
             const std::string& queue = "", int64_t instance = 0) {
  Case c;
  c.set_customer_id("c1");
  c.set_subject(subject);
  c.set_priority(priority);
  c.set_owner_agent(owner);
  c.set_queue(queue);
  c.set_journey_instance_id(instance);
  return c;
}

TEST_CASE("Lookup takes exactly one of identity and customer_id", "[context]") {
  TempStore store;
  const absl::Time t0 = SetUp(store);
  const absl::Status both_or_none =
      absl::InvalidArgumentError("lookup: give exactly one of identity and customer_id");
  CHECK(store->Lookup({}).status() == both_or_none);
  CHECK(store->Lookup({.identity = Cookie("ck-1"), .customer_id = "c1"}).status() == both_or_none);
  CHECK(store->Lookup({.identity = Phone("  ")}).status() ==
        absl::InvalidArgumentError("phone: empty"));

  Context by_phone = Ask(store, {.identity = Phone("06 12 34 56 78"), .channel = Channel::kVoice});
  CHECK(by_phone.known());
  CHECK(by_phone.customer().id() == "c1");
  CHECK(by_phone.customer().identities_size() == 3);
  CHECK(by_phone.matched_identity().kind() == v1::IDENTITY_KIND_PHONE);
  CHECK(by_phone.matched_identity().value() == "+33612345678");
  CHECK(by_phone.matched_identity().customer_id() == "c1");
  CHECK(by_phone.asked_from().kind() == v1::CHANNEL_KIND_VOICE);
  CHECK(FromProtoTime(by_phone.as_of()) == t0);

  Context by_email = Ask(store, {.identity = Email(" Camille@Example.COM ")});
  CHECK(by_email.matched_identity().value() == "camille@example.com");
  CHECK(by_email.customer().id() == "c1");

  Context by_id = Ask(store, {.customer_id = "c1", .channel = Channel::kChat});
  CHECK(by_id.known());
  CHECK(by_id.customer().display_name() == "Camille Martin");
  CHECK_FALSE(by_id.has_matched_identity());
  CHECK(by_id.routing().rule() == "self_service");
  CHECK(by_id.routing().reason() == "no open case or recent journey activity: self-service");

  Context nobody = Ask(store, {.customer_id = "c404"});
  CHECK_FALSE(nobody.known());
  CHECK(nobody.routing().rule() == "unknown_caller");
}

TEST_CASE("an unknown caller is a normal answer", "[context]") {
  TempStore store;
  const absl::Time t0 = SetUp(store);
  Context ctx = Ask(store, {.identity = Phone("+33 7 98 76 54 32"), .channel = Channel::kIvr});
  CHECK_FALSE(ctx.known());
  CHECK_FALSE(ctx.has_customer());
  CHECK(ctx.matched_identity().value() == "+33798765432");
  CHECK(ctx.matched_identity().customer_id().empty());
  CHECK(ctx.journeys_size() == 0);
  CHECK(ctx.open_cases_size() == 0);
  CHECK(ctx.recent_size() == 0);
  CHECK(ctx.suggestions_size() == 0);
  CHECK(ctx.asked_from().kind() == v1::CHANNEL_KIND_IVR);
  CHECK(FromProtoTime(ctx.as_of()) == t0);
  CHECK_FALSE(ctx.routing().bypass_self_service());
  CHECK(ctx.routing().target_kind() == v1::ROUTE_TARGET_KIND_UNSPECIFIED);
  CHECK(ctx.routing().priority() == 0);
  CHECK(ctx.routing().rule() == "unknown_caller");
  CHECK(ctx.routing().reason() == "unknown caller: self-service");
}

TEST_CASE("Lookup returns recent interactions, last contact and consents", "[context]") {
  TempStore store;
  const absl::Time t0 = SetUp(store);
  Customer profile = MakeCustomer(store.store(), "c1", "Camille Martin");
  Consent* consent = profile.add_consents();
  consent->set_purpose("marketing");
  consent->set_channel(v1::CHANNEL_KIND_SMS);
  consent->set_state(v1::CONSENT_STATE_DENIED);
  consent = profile.add_consents();
  consent->set_purpose("recording");
  consent->set_state(v1::CONSENT_STATE_GRANTED);
  REQUIRE_OK(store->UpsertCustomer(profile));
  std::vector<int64_t> ids;
  for (int k = 0; k < 25; ++k) {
    absl::StatusOr<int64_t> id = store->Record(MakeInteraction(
        "c1", t0 - absl::Minutes(100 - k), k % 2 ? v1::CHANNEL_KIND_WEB : v1::CHANNEL_KIND_SMS,
        k % 2 ? "web.home" : "sms.promo", "event"));
    REQUIRE_OK(id);
    ids.push_back(*id);
  }
  // The newest, 76 minutes ago, was an SMS.

  SECTION("20 by default, newest first") {
    Context ctx = Ask(store, {.customer_id = "c1"});
    REQUIRE(ctx.recent_size() == 20);
    for (int k = 0; k < 20; ++k) CHECK(ctx.recent(k).id() == ids[24 - k]);
    CHECK(ctx.recent(0).customer_id() == "c1");
    CHECK(ctx.last_contact().channel().kind() == v1::CHANNEL_KIND_SMS);
    CHECK(ctx.last_contact().touchpoint() == "sms.promo");
    CHECK(FromProtoTime(ctx.last_contact().at()) == t0 - absl::Minutes(76));
    CHECK(FromProtoDuration(ctx.last_contact().ago()) == absl::Minutes(76));
    CHECK(FromProtoTime(ctx.customer().last_seen_at()) == t0 - absl::Minutes(76));
    ASSIGN_OR_FAIL(Customer stored, store->GetCustomer("c1"));
    REQUIRE(ctx.consents_size() == 2);
    for (int k = 0; k < 2; ++k) CHECK_THAT(ctx.consents(k), ProtoEquals(stored.consents(k)));
    CHECK(ctx.consents(0).purpose() == "marketing");
    CHECK(ctx.consents(0).state() == v1::CONSENT_STATE_DENIED);
  }
  SECTION("0 gives none but keeps the last contact") {
    Context ctx = Ask(store, {.customer_id = "c1", .recent_limit = 0});
    CHECK(ctx.recent_size() == 0);
    CHECK(FromProtoTime(ctx.last_contact().at()) == t0 - absl::Minutes(76));
    CHECK(ctx.last_contact().touchpoint() == "sms.promo");
  }
  SECTION("1 and 200") {
    Context one = Ask(store, {.customer_id = "c1", .recent_limit = 1});
    REQUIRE(one.recent_size() == 1);
    CHECK(one.recent(0).id() == ids[24]);
    Context all = Ask(store, {.customer_id = "c1", .recent_limit = 200});
    CHECK(all.recent_size() == 25);
    CHECK(all.recent(24).id() == ids[0]);
  }
  SECTION("out of range is refused") {
    const absl::Status bad = absl::InvalidArgumentError("recent_limit: must be 0 to 200");
    CHECK(store->Lookup({.customer_id = "c1", .recent_limit = 201}).status() == bad);
    CHECK(store->Lookup({.customer_id = "c1", .recent_limit = -1}).status() == bad);
  }
}

TEST_CASE("Lookup lists active journeys and open cases, most urgent first", "[context]") {
  TempStore store;
  SetUp(store);
  const int64_t inst = AtUpload(store);
  store.clock().Advance(absl::Minutes(4));
  ASSIGN_OR_FAIL(Case low, store->OpenCase(NewCase("low", v1::CASE_PRIORITY_LOW)));
  ASSIGN_OR_FAIL(Case urgent, store->OpenCase(NewCase("urgent", v1::CASE_PRIORITY_URGENT)));
  ASSIGN_OR_FAIL(Case normal1, store->OpenCase(NewCase("n1", v1::CASE_PRIORITY_NORMAL)));
  ASSIGN_OR_FAIL(Case high, store->OpenCase(NewCase("high", v1::CASE_PRIORITY_HIGH)));
  ASSIGN_OR_FAIL(Case normal2, store->OpenCase(NewCase("n2", v1::CASE_PRIORITY_NORMAL)));
  ASSIGN_OR_FAIL(Case done, store->OpenCase(NewCase("done", v1::CASE_PRIORITY_URGENT)));
  REQUIRE_OK(store->SetCaseStatus(normal2.id(), v1::CASE_STATUS_PENDING));
  REQUIRE_OK(store->SetCaseStatus(done.id(), v1::CASE_STATUS_RESOLVED));

  Context ctx = FromIvr(store);
  REQUIRE(ctx.journeys_size() == 1);
  const v1::ActiveJourney& j = ctx.journeys(0);
  CHECK(j.instance_id() == inst);
  CHECK(j.journey_key() == "home_loan");
  CHECK(j.journey_version() == 1);
  CHECK(j.current_step() == "upload_documents");
  CHECK(j.step_name() == "Upload documents");
  CHECK(FromProtoDuration(j.time_in_step()) == absl::Minutes(4));
  CHECK_FALSE(j.stalled());
  CHECK(j.skill() == "documents");
  CHECK(std::vector<std::string>(j.needs().begin(), j.needs().end()) ==
        std::vector<std::string>{"payslip", "id_card"});

  std::vector<int64_t> order;
  for (const Case& c : ctx.open_cases()) order.push_back(c.id());
  CHECK(order ==
        std::vector<int64_t>{urgent.id(), high.id(), normal2.id(), normal1.id(), low.id()});
  CHECK(ctx.open_cases(0).customer_id() == "c1");
  CHECK(ctx.open_cases(2).status() == v1::CASE_STATUS_PENDING);

  SECTION("a pending case brings a follow-up suggestion") {
    REQUIRE(ctx.suggestions_size() == 1);
    CHECK(ctx.suggestions(0).kind() == v1::SUGGESTION_KIND_FOLLOW_UP_CASE);
    CHECK(ctx.suggestions(0).case_id() == normal2.id());
    CHECK(ctx.suggestions(0).text() ==
          absl::StrCat("case ", normal2.id(), " is pending: ask for the update it waits on"));
  }
  SECTION("ended journeys are not listed") {
    REQUIRE_OK(store->EndJourney(inst, v1::JOURNEY_STATUS_ABANDONED));
    CHECK(FromIvr(store).journeys_size() == 0);
  }
}

TEST_CASE("routing: an open case with an owner goes to that agent", "[context]") {
  TempStore store;
  SetUp(store);
  const int64_t inst = AtUpload(store);
  store.clock().Advance(absl::Hours(2));  // the web visit is no longer recent
  REQUIRE_OK(store->OpenCase(NewCase("a", v1::CASE_PRIORITY_URGENT)));  // no owner
  ASSIGN_OR_FAIL(Case c, store->OpenCase(NewCase("b", v1::CASE_PRIORITY_HIGH, "eng-7", "billing")));
  const std::string about = absl::StrCat("open case ", c.id(), " owned by eng-7");

  SECTION("no list of available agents: the owner") {
    const RoutingHint r = FromIvr(store).routing();
    CHECK(r.bypass_self_service());
    CHECK(r.target_kind() == v1::ROUTE_TARGET_KIND_AGENT);
    CHECK(r.target() == "eng-7");
    CHECK(r.rule() == "case_owner");
    CHECK(r.reason() == about);
  }
  SECTION("the owner is available") {
    const RoutingHint r = Ask(store, {.identity = Email("camille@example.com"),
                                      .channel = Channel::kEmail,
                                      .available_agents = std::vector<std::string>{"x", "eng-7"}})
                              .routing();
    CHECK(r.target_kind() == v1::ROUTE_TARGET_KIND_AGENT);
    CHECK(r.target() == "eng-7");
  }
  SECTION("the owner is away and the case has no journey: its queue, saying so") {
    const RoutingHint r = Ask(store, {.customer_id = "c1",
                                      .channel = Channel::kIvr,
                                      .available_agents = std::vector<std::string>{"eng-8"}})
                              .routing();
    CHECK(r.bypass_self_service());
    CHECK(r.target_kind() == v1::ROUTE_TARGET_KIND_QUEUE);
    CHECK(r.target() == "billing");
    CHECK(r.rule() == "case_owner");
    CHECK(r.reason() == about + ", who is not available: case queue billing");
  }
  SECTION("the owner is away and the case's journey step has a skill: that skill") {
    ASSIGN_OR_FAIL(Case linked, store->OpenCase(NewCase("c", v1::CASE_PRIORITY_URGENT, "eng-9",
                                                        "loans", inst)));
    const RoutingHint r = Ask(store, {.customer_id = "c1",
                                      .channel = Channel::kIvr,
                                      .available_agents = std::vector<std::string>{}})
                              .routing();
    CHECK(r.target_kind() == v1::ROUTE_TARGET_KIND_SKILL);
    CHECK(r.target() == "documents");
    CHECK(r.rule() == "case_owner");
    CHECK(r.reason() ==
          absl::StrCat("open case ", linked.id(),
                       " owned by eng-9, who is not available: skill documents of the case's "
                       "journey step"));
  }
  SECTION("the most urgent owned case wins") {
    ASSIGN_OR_FAIL(Case top, store->OpenCase(NewCase("d", v1::CASE_PRIORITY_URGENT, "eng-1")));
    const RoutingHint r = FromIvr(store).routing();
    CHECK(r.target() == "eng-1");
    CHECK(r.reason() == absl::StrCat("open case ", top.id(), " owned by eng-1"));
    CHECK(r.priority() == 4);
  }
  SECTION("a resolved case no longer routes") {
    REQUIRE_OK(store->SetCaseStatus(c.id(), v1::CASE_STATUS_RESOLVED));
    const RoutingHint r = FromIvr(store).routing();
    CHECK(r.rule() == "self_service");
    CHECK_FALSE(r.bypass_self_service());
    CHECK(r.target().empty());
  }
}

TEST_CASE("routing: recent activity on another channel bypasses self-service", "[context]") {
  TempStore store;
  SetUp(store);
  AtUpload(store);
  const std::string at_step = " ago at step upload_documents of home_loan";

  SECTION("four minutes later, from the IVR") {
    store.clock().Advance(absl::Minutes(4));
    const RoutingHint r = FromIvr(store).routing();
    CHECK(r.bypass_self_service());
    CHECK(r.target_kind() == v1::ROUTE_TARGET_KIND_SKILL);
    CHECK(r.target() == "documents");
    CHECK(r.rule() == "recent_journey_activity");
    CHECK(r.reason() == "on web 4 minutes" + at_step);
    CHECK(r.priority() == 2);  // the step's priority
  }
  SECTION("exactly at the window's end it still counts") {
    store.clock().Advance(absl::Minutes(30));
    CHECK(FromIvr(store).routing().reason() == "on web 30 minutes" + at_step);
  }
  SECTION("one second past the window it does not") {
    store.clock().Advance(absl::Minutes(30) + absl::Seconds(1));
    const RoutingHint r = FromIvr(store).routing();
    CHECK_FALSE(r.bypass_self_service());
    CHECK(r.rule() == "self_service");
  }
  SECTION("later activity at the same step renews it") {
    store.clock().Advance(absl::Minutes(20));
    REQUIRE_OK(store->Record(MakeInteraction("c1", store.clock().Now(), v1::CHANNEL_KIND_WEB,
                                             "web.upload", "upload")));
    store.clock().Advance(absl::Minutes(25));
    CHECK(FromIvr(store).routing().reason() == "on web 25 minutes" + at_step);
  }
  SECTION("the web door asking about web activity is the same channel") {
    store.clock().Advance(absl::Minutes(4));
    CHECK(Ask(store, {.identity = Cookie("ck-1"), .channel = Channel::kWeb}).routing().rule() ==
          "self_service");
  }
  SECTION("a step without a skill does not bypass") {
    ASSIGN_OR_FAIL(auto runs, store->ListJourneyInstances("c1"));
    REQUIRE_OK(store->EndJourney(runs[0].id(), v1::JOURNEY_STATUS_ABANDONED));
    REQUIRE_OK(store->StartJourney("c1", "home_loan"));
    REQUIRE_OK(store->Record(MakeInteraction("c1", store.clock().Now(), v1::CHANNEL_KIND_WEB,
                                             "web.simulator", "page_view")));
    store.clock().Advance(absl::Minutes(1));
    Context ctx = FromIvr(store);
    REQUIRE(ctx.journeys_size() == 1);
    CHECK(ctx.journeys(0).current_step() == "simulate");
    CHECK(ctx.routing().rule() == "self_service");
  }
}

TEST_CASE("routing does not depend on how many recent interactions are asked for",
          "[context]") {
  TempStore store;
  const absl::Time t0 = SetUp(store);
  AtUpload(store);
  REQUIRE_OK(store->Record(MakeInteraction("c1", t0 + absl::Minutes(20), v1::CHANNEL_KIND_WEB,
                                           "web.upload", "upload")));
  for (int k = 1; k <= 3; ++k) {
    REQUIRE_OK(store->Record(MakeInteraction("c1", t0 + absl::Minutes(20 + k),
                                             v1::CHANNEL_KIND_SMS, "sms.promo", "sms")));
  }
  store.clock().Advance(absl::Minutes(45));
  for (int limit : {0, 1, 2, 20}) {
    INFO("recent_limit " << limit);
    const RoutingHint r =
        Ask(store, {.customer_id = "c1", .channel = Channel::kIvr, .recent_limit = limit})
            .routing();
    CHECK(r.rule() == "recent_journey_activity");
    CHECK(r.reason() == "on web 25 minutes ago at step upload_documents of home_loan");
  }
}

TEST_CASE("routing: voice and ivr are the same door", "[context]") {
  TempStore store;
  SetUp(store);
  AtUpload(store, v1::CHANNEL_KIND_VOICE);
  store.clock().Advance(absl::Minutes(4));
  CHECK(FromIvr(store).routing().rule() == "self_service");
  CHECK(Ask(store, {.customer_id = "c1", .channel = Channel::kVoice}).routing().rule() ==
        "self_service");
  const RoutingHint web = Ask(store, {.customer_id = "c1", .channel = Channel::kWeb}).routing();
  CHECK(web.rule() == "recent_journey_activity");
  CHECK(web.reason() == "on voice 4 minutes ago at step upload_documents of home_loan");
}

TEST_CASE("routing: a narrower window", "[context]") {
  Options options;
  options.routing.recent_activity_window = absl::Minutes(10);
  TempStore store(options);
  SetUp(store);
  AtUpload(store);
  store.clock().Advance(absl::Minutes(10));
  CHECK(FromIvr(store).routing().rule() == "recent_journey_activity");
  store.clock().Advance(absl::Seconds(1));
  CHECK(FromIvr(store).routing().rule() == "self_service");
}

TEST_CASE("routing: the rule order is configurable", "[context]") {
  Options options;
  SECTION("journey activity before case owner") {
    options.routing.order = {RoutingRule::kRecentJourneyActivity, RoutingRule::kCaseOwner};
    TempStore store(options);
    SetUp(store);
    AtUpload(store);
    REQUIRE_OK(store->OpenCase(NewCase("s", v1::CASE_PRIORITY_NORMAL, "eng-7")));
    store.clock().Advance(absl::Minutes(4));
    CHECK(FromIvr(store).routing().rule() == "recent_journey_activity");
    CHECK(FromIvr(store).routing().target() == "documents");
    store.clock().Advance(absl::Hours(1));
    CHECK(FromIvr(store).routing().rule() == "case_owner");
    CHECK(FromIvr(store).routing().target() == "eng-7");
  }
  SECTION("the default order puts the case owner first") {
    TempStore store(options);
    SetUp(store);
    AtUpload(store);
    REQUIRE_OK(store->OpenCase(NewCase("s", v1::CASE_PRIORITY_NORMAL, "eng-7")));
    store.clock().Advance(absl::Minutes(4));
    CHECK(FromIvr(store).routing().rule() == "case_owner");
  }
  SECTION("only the case rule") {
    options.routing.order = {RoutingRule::kCaseOwner};
    TempStore store(options);
    SetUp(store);
    AtUpload(store);
    store.clock().Advance(absl::Minutes(4));
    CHECK(FromIvr(store).routing().rule() == "self_service");
  }
  SECTION("the stalled-journey rule") {
    options.routing.order = {RoutingRule::kCaseOwner, RoutingRule::kRecentJourneyActivity,
                             RoutingRule::kStalledJourney};
    TempStore store(options);
    SetUp(store);
    AtUpload(store);
    store.clock().Advance(absl::Hours(24));
    CHECK(FromIvr(store).routing().rule() == "self_service");  // not past the threshold yet
    store.clock().Advance(absl::Hours(26));
    const RoutingHint r = FromIvr(store).routing();
    CHECK(r.rule() == "stalled_journey");
    CHECK(r.bypass_self_service());
    CHECK(r.target_kind() == v1::ROUTE_TARGET_KIND_SKILL);
    CHECK(r.target() == "documents");
    CHECK(r.reason() == "stuck for 2 days at step upload_documents of home_loan");
  }
}

TEST_CASE("routing: priority from case, journey step and customer attribute", "[context]") {
  Options options;
  options.routing.priority_attribute = "tier";
  options.routing.attribute_priority = {{"gold", 7}, {"silver", 1}};
  TempStore store(options);
  SetUp(store);
  CHECK(FromIvr(store).routing().priority() == 0);
  AtUpload(store);
  CHECK(FromIvr(store).routing().priority() == 2);
  REQUIRE_OK(store->OpenCase(NewCase("s", v1::CASE_PRIORITY_HIGH)));
  CHECK(FromIvr(store).routing().priority() == 3);
  Customer profile = MakeCustomer(store.store(), "c1", "Camille Martin");
  SetAttribute(profile.mutable_attributes(), "tier", "silver");
  REQUIRE_OK(store->UpsertCustomer(profile));
  CHECK(FromIvr(store).routing().priority() == 3);
  SetAttribute(profile.mutable_attributes(), "tier", "gold");
  REQUIRE_OK(store->UpsertCustomer(profile));
  CHECK(FromIvr(store).routing().priority() == 7);
  SetAttribute(profile.mutable_attributes(), "tier", "platinum");  // not in the map
  REQUIRE_OK(store->UpsertCustomer(profile));
  CHECK(FromIvr(store).routing().priority() == 3);
}

TEST_CASE("a stalled journey brings an offer-help suggestion", "[context]") {
  TempStore store;
  const absl::Time t0 = SetUp(store);
  ASSIGN_OR_FAIL(int64_t sms, store->Record(MakeInteraction(
                                  "c1", t0 - absl::Hours(1), v1::CHANNEL_KIND_SMS,
                                  "sms.loan_reminder", "sms_sent", v1::DIRECTION_OUTBOUND)));
  const int64_t inst = AtUpload(store);
  store.clock().Advance(absl::Hours(25));
  Context ctx = Ask(store, {.identity = Cookie("ck-1"), .channel = Channel::kWeb});
  REQUIRE(ctx.journeys_size() == 1);
  CHECK(ctx.journeys(0).stalled());
  REQUIRE(ctx.suggestions_size() == 1);
  const Suggestion& s = ctx.suggestions(0);
  CHECK(s.kind() == v1::SUGGESTION_KIND_OFFER_HELP);
  CHECK(s.journey_instance_id() == inst);
  CHECK(s.step() == "upload_documents");
  CHECK(s.interaction_id() == sms);
  CHECK(s.text() ==
        "offer help: stuck for 25 hours at step upload_documents of home_loan after "
        "sms.loan_reminder");
}

TEST_CASE("a real context survives JSON", "[context]") {
  TempStore store;
  SetUp(store);
  AtUpload(store);
  REQUIRE_OK(store->OpenCase(NewCase("s", v1::CASE_PRIORITY_HIGH, "eng-7", "billing")));
  store.clock().Advance(absl::Hours(25));
  Context ctx = Ask(store, {.identity = Phone("+33612345678"),
                            .channel = Channel::kIvr,
                            .available_agents = std::vector<std::string>{}});
  REQUIRE(ctx.suggestions_size() == 1);
  ASSIGN_OR_FAIL(std::string json, ToJson(ctx));
  CHECK(json.find("\"target\":\"billing\"") != std::string::npos);
  ASSIGN_OR_FAIL(Context back, ContextFromJson(json));
  CHECK_THAT(back, ProtoEquals(ctx));
  ASSIGN_OR_FAIL(std::string pretty, ToJson(ctx, /*pretty=*/true));
  ASSIGN_OR_FAIL(Context back2, ContextFromJson(pretty));
  CHECK_THAT(back2, ProtoEquals(ctx));
}

}  // namespace
}  // namespace omnictx
