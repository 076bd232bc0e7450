// SPDX-License-Identifier: Apache-2.0
//
// Store::Metrics on hand-built histories with known answers: operational
// KPIs per channel (one definition, per-channel targets), first-contact
// resolution (including a reopened case and a repeat contact), journey
// funnels (including a merged journey), channel outcomes and switches,
// effort and satisfaction.
#include <string>
#include <vector>

#include "metrics_test_util.h"
#include "test_util.h"

namespace omnictx {
namespace {

using Catch::Detail::Approx;
using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::Seconds;
using testing::TempStore;
using testing::Window;

// A queued contact: inbound on `channel`, waited `wait`, then answered or not.
Interaction Contact(const std::string& customer, absl::Time at, v1::ChannelKind channel,
                    absl::Duration wait, bool answered, absl::Duration handle = absl::ZeroDuration(),
                    const std::string& agent = "") {
  return testing::QueuedContact(customer, at, channel, "queue.main", "call", wait, answered,
                                handle, agent);
}

const v1::ChannelKpi* Row(const MetricsReport& r, v1::ChannelKind channel,
                          const std::string& group = "") {
  for (const v1::ChannelKpi& row : r.channels()) {
    if (row.channel() == channel && row.group() == group) return &row;
  }
  return nullptr;
}

TEST_CASE("Metrics computes the same KPIs for every channel against its own target",
          "[metrics]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  std::vector<Interaction> batch = {
      Contact("c1", t0 + absl::Minutes(1), v1::CHANNEL_KIND_VOICE, absl::Seconds(10), true,
              absl::Seconds(300), "a1"),
      Contact("c1", t0 + absl::Minutes(2), v1::CHANNEL_KIND_VOICE, absl::Seconds(30), true,
              absl::Seconds(200), "a2"),
      Contact("c1", t0 + absl::Minutes(3), v1::CHANNEL_KIND_VOICE, absl::Seconds(40), false),
      // Hung up after 3 s: under voice's 5 s short-abandon threshold.
      Contact("c1", t0 + absl::Minutes(4), v1::CHANNEL_KIND_VOICE, absl::Seconds(3), false),
      // An email answered after 2 hours meets email's 24 h target.
      Contact("c1", t0 + absl::Minutes(5), v1::CHANNEL_KIND_EMAIL, absl::Hours(2), true),
      // Before the window: not counted.
      Contact("c1", t0 - absl::Seconds(1), v1::CHANNEL_KIND_VOICE, absl::Seconds(1), true),
  };
  Interaction outbound = MakeInteraction("c1", t0 + absl::Minutes(6), v1::CHANNEL_KIND_VOICE,
                                         "voice.callback", "call", v1::DIRECTION_OUTBOUND);
  *outbound.mutable_handle_time() = ToProtoDuration(absl::Seconds(60));
  outbound.set_agent_id("a1");
  batch.push_back(outbound);
  // A page view is inbound but never queued: volume, not offered.
  batch.push_back(MakeInteraction("c1", t0 + absl::Minutes(7), v1::CHANNEL_KIND_WEB, "web.home",
                                  "page_view"));
  REQUIRE_OK(store->RecordBatch(batch).status());

  ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(Window(t0, absl::Hours(1))));
  CHECK(r.interactions_scanned() == 7);

  const v1::ChannelKpi* voice = Row(r, v1::CHANNEL_KIND_VOICE);
  REQUIRE(voice != nullptr);
  CHECK(voice->inbound() == 4);
  CHECK(voice->outbound() == 1);
  CHECK(voice->offered() == 3);
  CHECK(voice->short_abandoned() == 1);
  CHECK(voice->answered() == 2);
  CHECK(voice->abandoned() == 1);
  CHECK(voice->answered_within_target() == 1);
  CHECK(voice->service_level() == Approx(1.0 / 3));
  CHECK(voice->abandonment_rate() == Approx(1.0 / 3));
  CHECK_FALSE(voice->meets_target());
  CHECK(voice->target().service_level() == Approx(0.8));
  CHECK(Seconds(voice->target().answer_within()) == 20);
  CHECK(Seconds(voice->asa()) == Approx(20));
  CHECK(Seconds(voice->average_wait()) == Approx(80.0 / 3).epsilon(1e-6));
  CHECK(Seconds(voice->p50_wait()) == 30);
  CHECK(Seconds(voice->p90_wait()) == 40);
  CHECK(Seconds(voice->average_abandon_wait()) == 40);
  CHECK(voice->handled() == 3);
  CHECK(Seconds(voice->aht()) == Approx(560.0 / 3).epsilon(1e-6));
  CHECK(Seconds(voice->handle_time_total()) == 560);
  CHECK(voice->agents() == 2);
  CHECK(voice->workload_erlangs() == Approx(560.0 / 3600));

  const v1::ChannelKpi* email = Row(r, v1::CHANNEL_KIND_EMAIL);
  REQUIRE(email != nullptr);
  CHECK(email->service_level() == Approx(1.0));
  CHECK(email->meets_target());
  CHECK(Seconds(email->target().answer_within()) == 24 * 3600);

  const v1::ChannelKpi* web = Row(r, v1::CHANNEL_KIND_WEB);
  REQUIRE(web != nullptr);
  CHECK(web->inbound() == 1);
  CHECK(web->offered() == 0);
  CHECK_FALSE(web->has_service_level());  // nothing offered: no rate, not 0
  CHECK_FALSE(web->has_meets_target());

  SECTION("a target override changes the verdict, not the counting") {
    MetricsQuery q = Window(t0, absl::Hours(1));
    q.targets[v1::CHANNEL_KIND_VOICE] = {.service_level = 0.5,
                                         .answer_within = absl::Seconds(40),
                                         .short_abandon = absl::ZeroDuration()};
    ASSIGN_OR_FAIL(MetricsReport o, store->Metrics(q));
    const v1::ChannelKpi* v = Row(o, v1::CHANNEL_KIND_VOICE);
    REQUIRE(v != nullptr);
    CHECK(v->offered() == 4);  // the 3 s hang-up now counts
    CHECK(v->answered_within_target() == 2);
    CHECK(v->service_level() == Approx(0.5));
    CHECK(v->abandonment_rate() == Approx(0.5));
    CHECK(v->meets_target());
  }
  SECTION("grouping by agent adds rows after each channel's total") {
    MetricsQuery q = Window(t0, absl::Hours(1));
    q.group_by = MetricsGroup::kAgent;
    ASSIGN_OR_FAIL(MetricsReport g, store->Metrics(q));
    CHECK(g.group_by() == "agent");
    const v1::ChannelKpi* a1 = Row(g, v1::CHANNEL_KIND_VOICE, "a1");
    const v1::ChannelKpi* none = Row(g, v1::CHANNEL_KIND_VOICE, "(none)");
    REQUIRE(a1 != nullptr);
    REQUIRE(none != nullptr);
    CHECK(a1->handled() == 2);
    CHECK(Seconds(a1->handle_time_total()) == 360);
    CHECK(none->offered() == 1);
    CHECK(Row(g, v1::CHANNEL_KIND_VOICE)->offered() == 3);
  }
  SECTION("grouping by hour of day") {
    MetricsQuery q = Window(t0, absl::Hours(1));
    q.group_by = MetricsGroup::kHour;
    ASSIGN_OR_FAIL(MetricsReport g, store->Metrics(q));
    const std::string hour = absl::FormatTime("%H", t0, absl::UTCTimeZone());
    REQUIRE(Row(g, v1::CHANNEL_KIND_VOICE, hour) != nullptr);
    CHECK(Row(g, v1::CHANNEL_KIND_VOICE, hour)->inbound() == 4);
  }
}

TEST_CASE("Metrics with no answered contacts reports no ASA and a zero service level",
          "[metrics]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  REQUIRE_OK(store->Record(Contact("c1", t0, v1::CHANNEL_KIND_CHAT, absl::Minutes(2), false))
                 .status());
  ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(Window(t0, absl::Hours(1))));
  const v1::ChannelKpi* chat = Row(r, v1::CHANNEL_KIND_CHAT);
  REQUIRE(chat != nullptr);
  CHECK(chat->answered() == 0);
  CHECK_FALSE(chat->has_asa());
  CHECK_FALSE(chat->has_aht());
  CHECK(chat->service_level() == 0.0);
  CHECK(chat->abandonment_rate() == 1.0);

  ASSIGN_OR_FAIL(MetricsReport empty, store->Metrics(Window(t0 + absl::Hours(2), absl::Hours(1))));
  CHECK(empty.channels_size() == 0);
  CHECK(empty.interactions_scanned() == 0);
  CHECK_FALSE(empty.fcr().has_fcr_rate());
  CHECK(empty.journeys_size() == 0);
}

Case NewCase(const std::string& customer) {
  Case c;
  c.set_customer_id(customer);
  c.set_subject("Broken router");
  return c;
}

TEST_CASE("Metrics measures first-contact resolution with repeat contacts and reopened cases",
          "[metrics][fcr]") {
  TempStore store;
  FakeClock& clock = store.clock();
  const absl::Time t0 = clock.Now();
  for (const char* id : {"fcr", "two", "again", "reopen", "recent"}) MakeCustomer(store.store(), id, id);

  auto open_with = [&](const std::string& customer, std::vector<v1::ChannelKind> contacts) {
    ASSIGN_OR_FAIL(Case c, store->OpenCase(NewCase(customer)));
    for (v1::ChannelKind channel : contacts) {
      Interaction i = MakeInteraction(customer, clock.Now(), channel, "queue.main", "contact");
      i.set_case_id(c.id());
      REQUIRE_OK(store->Record(i).status());
      clock.Advance(absl::Minutes(1));
    }
    return c.id();
  };
  const int64_t fcr = open_with("fcr", {v1::CHANNEL_KIND_VOICE});
  const int64_t two = open_with("two", {v1::CHANNEL_KIND_VOICE, v1::CHANNEL_KIND_EMAIL});
  const int64_t again = open_with("again", {v1::CHANNEL_KIND_CHAT});
  const int64_t reopen = open_with("reopen", {v1::CHANNEL_KIND_VOICE});
  for (int64_t id : {fcr, two, again, reopen}) {
    REQUIRE_OK(store->SetCaseStatus(id, v1::CASE_STATUS_RESOLVED).status());
  }
  // Reopened, then resolved again: never a first-contact resolution.
  clock.Advance(absl::Hours(1));
  REQUIRE_OK(store->SetCaseStatus(reopen, v1::CASE_STATUS_OPEN).status());
  REQUIRE_OK(store->SetCaseStatus(reopen, v1::CASE_STATUS_RESOLVED).status());
  ASSIGN_OR_FAIL(Case reopened, store->GetCase(reopen));
  CHECK(reopened.reopen_count() == 1);
  // The "again" customer comes back three days later by SMS, on no case.
  clock.Advance(absl::Hours(72));
  REQUIRE_OK(store->Record(MakeInteraction("again", clock.Now(), v1::CHANNEL_KIND_SMS, "sms.inbox",
                                           "sms_received"))
                 .status());
  clock.Advance(absl::Hours(24 * 5));  // the 7-day windows have passed
  // Resolved just now: too recent to judge.
  const int64_t recent = open_with("recent", {v1::CHANNEL_KIND_WEB});
  REQUIRE_OK(store->SetCaseStatus(recent, v1::CASE_STATUS_RESOLVED).status());

  ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(Window(t0, clock.Now() - t0 + absl::Hours(1))));
  const v1::FirstContactResolution& f = r.fcr();
  CHECK(Seconds(f.recontact_window()) == 7 * 24 * 3600);
  CHECK(f.resolved() == 5);
  CHECK(f.awaiting_window() == 1);
  CHECK(f.first_contact_resolved() == 1);  // only "fcr"
  CHECK(f.repeat_contacts() == 1);         // "again"
  CHECK(f.reopened() == 1);
  CHECK(f.fcr_rate() == Approx(0.25));
  CHECK(f.repeat_contact_rate() == Approx(0.25));
  CHECK(f.contacts_per_resolution() == Approx(6.0 / 5));
  // Case effort: only "two" changed channel (voice then email).
  CHECK(r.effort().cases() == 5);
  CHECK(r.effort().switches_per_case() == Approx(1.0 / 5));

  SECTION("a shorter re-contact window forgives the SMS three days later") {
    MetricsQuery q = Window(t0, clock.Now() - t0 + absl::Hours(1));
    q.recontact_window = absl::Hours(24);
    ASSIGN_OR_FAIL(MetricsReport s, store->Metrics(q));
    CHECK(s.fcr().first_contact_resolved() == 2);
    CHECK(s.fcr().repeat_contacts() == 0);
    CHECK(s.fcr().awaiting_window() == 1);
  }
}

Journey Loan() {
  return ParseTextProto<Journey>(R"pb(
    key: "loan"
    steps { key: "apply" next: "docs" }
    steps { key: "docs" next: "approved" next: "rejected" stall_after { seconds: 3600 } }
    steps { key: "approved" outcome: STEP_OUTCOME_SUCCESS }
    steps { key: "rejected" outcome: STEP_OUTCOME_FAILURE }
  )pb");
}

const v1::StepFunnel& Step(const v1::JourneyFunnel& f, const std::string& key) {
  for (const v1::StepFunnel& s : f.steps()) {
    if (s.step() == key) return s;
  }
  FAIL("no step " << key);
  return f.steps(0);
}

TEST_CASE("Metrics builds journey funnels, channel outcomes, switches and effort",
          "[metrics][journey]") {
  TempStore store;
  FakeClock& clock = store.clock();
  const absl::Time t0 = clock.Now();
  REQUIRE_OK(store->DefineJourney(Loan()).status());
  std::map<std::string, int64_t> inst;
  for (const char* id : {"won", "lost", "gaveup", "stuck", "dup1", "dup2"}) {
    MakeCustomer(store.store(), id, id);
    ASSIGN_OR_FAIL(JourneyInstance i, store->StartJourney(id, "loan"));
    inst[id] = i.id();
  }
  auto touch = [&](const std::string& who, absl::Duration after, v1::ChannelKind channel,
                   v1::Direction dir = v1::DIRECTION_INBOUND) {
    Interaction i = MakeInteraction(who, t0 + after, channel, "loan.any", "touch", dir);
    i.set_journey_instance_id(inst[who]);
    REQUIRE_OK(store->Record(i).status());
  };
  touch("won", absl::Minutes(1), v1::CHANNEL_KIND_WEB);
  touch("won", absl::Minutes(5), v1::CHANNEL_KIND_EMAIL, v1::DIRECTION_OUTBOUND);
  touch("lost", absl::Minutes(1), v1::CHANNEL_KIND_WEB);
  clock.Set(t0 + absl::Minutes(10));
  for (const char* id : {"won", "lost", "stuck"}) {
    REQUIRE_OK(store->AdvanceJourney(inst[id], "docs").status());
  }
  REQUIRE_OK(store->EndJourney(inst["gaveup"], v1::JOURNEY_STATUS_ABANDONED).status());
  touch("won", absl::Minutes(15), v1::CHANNEL_KIND_VOICE);
  touch("lost", absl::Minutes(15), v1::CHANNEL_KIND_VOICE);
  clock.Set(t0 + absl::Minutes(30));
  REQUIRE_OK(store->AdvanceJourney(inst["won"], "approved").status());
  REQUIRE_OK(store->AdvanceJourney(inst["lost"], "rejected").status());
  // Two records of one person, both at "apply": merging ends one instance.
  REQUIRE_OK(store->Merge({.survivor_id = "dup1", .absorbed_id = "dup2", .actor = "test"}).status());
  clock.Set(t0 + absl::Hours(3));  // "stuck" has sat at docs past its hour

  ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(Window(t0, absl::Hours(1))));
  REQUIRE(r.journeys_size() == 1);
  const v1::JourneyFunnel& f = r.journeys(0);
  CHECK(f.journey_key() == "loan");
  CHECK(f.journey_version() == 1);
  CHECK(f.started() == 6);
  CHECK(f.completed() == 1);
  CHECK(f.failed() == 1);
  CHECK(f.abandoned() == 1);
  CHECK(f.merged() == 1);
  CHECK(f.active() == 2);
  CHECK(f.stalled_now() == 1);
  CHECK(f.completion_rate() == Approx(1.0 / 3));
  REQUIRE(f.steps_size() == 4);
  CHECK(f.steps(0).step() == "apply");  // definition order
  const v1::StepFunnel& apply = Step(f, "apply");
  CHECK(apply.reached() == 6);
  CHECK(apply.continued() == 3);
  CHECK(apply.abandoned_here() == 1);
  CHECK(apply.active_here() == 1);  // the merge survivor's instance
  CHECK(apply.conversion() == Approx(0.5));
  CHECK(apply.drop_off() == Approx(1.0 / 6));
  CHECK(Seconds(apply.p50_time_in_step()) == 600);
  const v1::StepFunnel& docs = Step(f, "docs");
  CHECK(docs.reached() == 3);
  CHECK(docs.continued() == 2);
  CHECK(docs.active_here() == 1);
  CHECK(docs.conversion() == Approx(2.0 / 3));
  CHECK(docs.drop_off() == 0.0);
  CHECK(Seconds(docs.p90_time_in_step()) == 1200);
  CHECK(Step(f, "approved").conversion() == 1.0);
  CHECK(Step(f, "rejected").failed_here() == 1);
  CHECK(Step(f, "rejected").drop_off() == 1.0);

  // Channel outcomes over ended journeys: web and voice each in one won
  // and one lost journey, email only in the won one.
  std::map<v1::ChannelKind, const v1::ChannelOutcome*> outcomes;
  for (const auto& o : r.channel_outcomes()) outcomes[o.channel()] = &o;
  REQUIRE(outcomes.size() == 3);
  CHECK(outcomes[v1::CHANNEL_KIND_WEB]->journeys() == 2);
  CHECK(outcomes[v1::CHANNEL_KIND_WEB]->success_rate() == Approx(0.5));
  CHECK(outcomes[v1::CHANNEL_KIND_EMAIL]->success_rate() == Approx(1.0));
  CHECK(outcomes[v1::CHANNEL_KIND_VOICE]->interactions() == 2);

  // Switches: won web->email at apply and email->voice at docs; lost
  // web->voice at docs.
  REQUIRE(r.switches_size() == 3);
  for (const v1::ChannelSwitch& s : r.switches()) {
    INFO(s.ShortDebugString());
    CHECK(s.count() == 1);
    if (s.from_channel() == v1::CHANNEL_KIND_WEB && s.to_channel() == v1::CHANNEL_KIND_EMAIL) {
      CHECK(s.step() == "apply");
      CHECK(s.success_rate() == 1.0);
    } else if (s.from_channel() == v1::CHANNEL_KIND_EMAIL) {
      CHECK(s.step() == "docs");
      CHECK(s.succeeded() == 1);
    } else {
      CHECK(s.from_channel() == v1::CHANNEL_KIND_WEB);
      CHECK(s.to_channel() == v1::CHANNEL_KIND_VOICE);
      CHECK(s.step() == "docs");
      CHECK(s.succeeded() == 0);
    }
  }
  CHECK(r.effort().journeys() == 5);  // the merged instance lives on in the survivor's
  CHECK(r.effort().switches_per_journey() == Approx(3.0 / 5));

  SECTION("journey_key filters the funnels") {
    MetricsQuery q = Window(t0, absl::Hours(1));
    q.journey_key = "other";
    ASSIGN_OR_FAIL(MetricsReport o, store->Metrics(q));
    CHECK(o.journeys_size() == 0);
    CHECK(o.channel_outcomes_size() == 0);
  }
}

TEST_CASE("Metrics aggregates CSAT and NPS per channel, journey and case", "[metrics]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  REQUIRE_OK(store->DefineJourney(Loan()).status());
  ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("c1", "loan"));
  ASSIGN_OR_FAIL(Case kase, store->OpenCase(NewCase("c1")));
  std::vector<Interaction> batch;
  auto scored = [&](v1::ChannelKind channel, int score, bool nps) {
    Interaction i = MakeInteraction("c1", t0 + absl::Seconds(static_cast<int64_t>(batch.size())),
                                    channel, "survey", "survey");
    i.set_satisfaction(score);
    if (nps) SetAttribute(i.mutable_attributes(), "satisfaction_scale", "nps");
    i.set_journey_instance_id(inst.id());
    i.set_case_id(kase.id());
    batch.push_back(i);
  };
  scored(v1::CHANNEL_KIND_VOICE, 5, false);
  scored(v1::CHANNEL_KIND_VOICE, 3, false);
  scored(v1::CHANNEL_KIND_EMAIL, 4, false);
  for (int score : {10, 9, 6, 8}) scored(v1::CHANNEL_KIND_WEB, score, true);
  REQUIRE_OK(store->RecordBatch(batch).status());

  ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(Window(t0, absl::Hours(1))));
  std::map<std::string, const v1::SatisfactionRow*> rows;
  for (const auto& s : r.satisfaction()) rows[s.dimension() + ":" + s.key()] = &s;
  const auto* voice = rows["channel:voice"];
  REQUIRE(voice != nullptr);
  CHECK(voice->channel() == v1::CHANNEL_KIND_VOICE);
  CHECK(voice->csat_responses() == 2);
  CHECK(voice->csat_average() == Approx(4.0));
  CHECK(voice->csat_satisfied_share() == Approx(0.5));
  const auto* web = rows["channel:web"];
  REQUIRE(web != nullptr);
  CHECK(web->nps_responses() == 4);
  CHECK(web->nps() == Approx(25.0));
  CHECK_FALSE(web->has_csat_average());
  const auto* journey = rows["journey:loan"];
  REQUIRE(journey != nullptr);
  CHECK(journey->csat_responses() == 3);
  CHECK(journey->csat_average() == Approx(4.0));
  const auto* per_case = rows["case:" + std::to_string(kase.id())];
  REQUIRE(per_case != nullptr);
  CHECK(per_case->nps_responses() == 4);

  MetricsQuery q = Window(t0, absl::Hours(1));
  q.max_case_rows = 0;
  auto refused = store->Metrics(q);
  CHECK(refused.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK_THAT(std::string(refused.status().message()), Catch::Contains("max_case_rows"));
}

TEST_CASE("Metrics refuses malformed queries naming the field", "[metrics][bad_input]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  auto message_of = [&](const MetricsQuery& q) {
    auto r = store->Metrics(q);
    REQUIRE(r.status().code() == absl::StatusCode::kInvalidArgument);
    return std::string(r.status().message());
  };
  MetricsQuery q;
  CHECK_THAT(message_of(q), Catch::StartsWith("start:"));
  q.start = t0;
  CHECK_THAT(message_of(q), Catch::StartsWith("end:"));
  q.end = t0 - absl::Hours(1);
  CHECK_THAT(message_of(q), Catch::Contains("after start"));
  q.end = t0 + absl::Hours(24 * 401);
  CHECK_THAT(message_of(q), Catch::Contains("400 days"));
  q.end = t0 + absl::Hours(1);
  q.recontact_window = absl::ZeroDuration();
  CHECK_THAT(message_of(q), Catch::StartsWith("recontact_window:"));
  q.recontact_window = absl::Hours(1);
  q.targets[v1::CHANNEL_KIND_CHAT] = {.service_level = 1.5};
  CHECK_THAT(message_of(q), Catch::StartsWith("targets[chat].service_level:"));
  q.targets[v1::CHANNEL_KIND_CHAT] = {.service_level = 0.8, .answer_within = absl::ZeroDuration()};
  CHECK_THAT(message_of(q), Catch::StartsWith("targets[chat].answer_within:"));
  q.targets.clear();
  q.max_case_rows = -1;
  CHECK_THAT(message_of(q), Catch::StartsWith("max_case_rows:"));
}

TEST_CASE("DefaultChannelTarget holds each channel to its documented target", "[metrics]") {
  CHECK(DefaultChannelTarget(v1::CHANNEL_KIND_VOICE).answer_within == absl::Seconds(20));
  CHECK(DefaultChannelTarget(v1::CHANNEL_KIND_CHAT).answer_within == absl::Seconds(60));
  CHECK(DefaultChannelTarget(v1::CHANNEL_KIND_EMAIL).service_level == Approx(0.9));
  CHECK(DefaultChannelTarget(v1::CHANNEL_KIND_EMAIL).answer_within == absl::Hours(24));
  CHECK(DefaultChannelTarget(v1::CHANNEL_KIND_SOCIAL).answer_within == absl::Hours(1));
}

}  // namespace
}  // namespace omnictx
