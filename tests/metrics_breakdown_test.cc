// SPDX-License-Identifier: Apache-2.0
//
// Store::Metrics known answers that metrics_test.cc leaves open: the exact
// p99 wait (nearest rank), the edges of a target and of the short-abandon
// threshold, KPI groups by journey and by case priority, funnels of two
// versions of one journey, and per-case CSAT and NPS.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "metrics_test_util.h"
#include "test_util.h"

namespace omnictx {
namespace {

using Catch::Detail::Approx;
using testing::KpiRow;
using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::Seconds;
using testing::TempStore;
using testing::Window;

// A queued inbound contact: waited `wait`, then answered or abandoned.
Interaction Queued(const std::string& customer, absl::Time at, v1::ChannelKind channel,
                   absl::Duration wait, bool answered,
                   absl::Duration handle = absl::ZeroDuration()) {
  return testing::QueuedContact(customer, at, channel, "queue.main", "contact", wait, answered,
                                handle, "");
}

// The groups of `channel`'s rows, in report order ("" is the total).
std::vector<std::string> Groups(const MetricsReport& r, v1::ChannelKind channel) {
  std::vector<std::string> out;
  for (const v1::ChannelKpi& row : r.channels()) {
    if (row.channel() == channel) out.push_back(row.group());
  }
  return out;
}

TEST_CASE("Metrics reports the nearest-rank p99 wait, which is not the longest wait",
          "[metrics][percentile]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  // 155 answered chats waiting 1, 2, ..., 155 s, recorded shuffled
  // (k * 37 mod 155 is a permutation: 37 and 155 are coprime). With n = 155
  // no rank q * n is an integer, so floating point cannot tip a rank over:
  //   p50: ceil(77.5)   = 78th  -> 78 s
  //   p90: ceil(139.5)  = 140th -> 140 s
  //   p99: ceil(153.45) = 154th -> 154 s (the longest is 155 s)
  std::vector<Interaction> batch;
  for (int k = 0; k < 155; ++k) {
    const int wait = (k * 37) % 155 + 1;
    batch.push_back(Queued("c1", t0 + absl::Seconds(k), v1::CHANNEL_KIND_CHAT,
                           absl::Seconds(wait), true));
  }
  // A 2 s hang-up, under chat's 5 s threshold: not offered, so not a wait
  // (were it counted, p50 would be the 78th of 156 waits: 77 s).
  batch.push_back(Queued("c1", t0 + absl::Seconds(200), v1::CHANNEL_KIND_CHAT,
                         absl::Seconds(2), false));
  REQUIRE_OK(store->RecordBatch(batch).status());

  ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(Window(t0, absl::Hours(1))));
  const v1::ChannelKpi& chat = KpiRow(r, v1::CHANNEL_KIND_CHAT);
  CHECK(chat.inbound() == 156);
  CHECK(chat.offered() == 155);
  CHECK(chat.short_abandoned() == 1);
  CHECK(chat.answered() == 155);
  CHECK(Seconds(chat.p50_wait()) == 78);
  CHECK(Seconds(chat.p90_wait()) == 140);
  CHECK(Seconds(chat.p99_wait()) == 154);
  // Mean of 1..155 = 155 * 156 / 2 / 155 = 78 s, for all waits and for ASA.
  CHECK(Seconds(chat.average_wait()) == 78);
  CHECK(Seconds(chat.asa()) == 78);
  // Within 60 s: waits 1..60.
  CHECK(chat.answered_within_target() == 60);
  CHECK(chat.service_level() == Approx(60.0 / 155));
  CHECK_FALSE(chat.has_average_abandon_wait());

  SECTION("with fewer than 100 waits p99 is the longest") {
    // The first 50 recorded (k < 50): ceil(0.99 * 50) = ceil(49.5) = 50th,
    // the longest of them, k = 46: 1702 mod 155 + 1 = 153 s. The next
    // longest is 151 s.
    ASSIGN_OR_FAIL(MetricsReport f, store->Metrics(Window(t0, absl::Seconds(50))));
    CHECK(KpiRow(f, v1::CHANNEL_KIND_CHAT).offered() == 50);
    CHECK(Seconds(KpiRow(f, v1::CHANNEL_KIND_CHAT).p99_wait()) == 153);
  }
}

TEST_CASE("Metrics counts a wait equal to the target as within it, and an abandon equal to "
          "the short-abandon threshold as offered",
          "[metrics]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  // Voice: 80% in 20 s, short abandon under 5 s.
  std::vector<Interaction> batch = {
      Queued("c1", t0 + absl::Seconds(1), v1::CHANNEL_KIND_VOICE, absl::Seconds(20), true),
      Queued("c1", t0 + absl::Seconds(2), v1::CHANNEL_KIND_VOICE, absl::Milliseconds(20001),
             true),
      Queued("c1", t0 + absl::Seconds(3), v1::CHANNEL_KIND_VOICE, absl::Seconds(5), false),
      Queued("c1", t0 + absl::Seconds(4), v1::CHANNEL_KIND_VOICE, absl::Milliseconds(4999),
             false),
  };
  REQUIRE_OK(store->RecordBatch(batch).status());
  ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(Window(t0, absl::Hours(1))));
  const v1::ChannelKpi& voice = KpiRow(r, v1::CHANNEL_KIND_VOICE);
  CHECK(voice.short_abandoned() == 1);         // 4.999 s
  CHECK(voice.offered() == 3);                 // 20 s, 20.001 s, 5 s
  CHECK(voice.answered_within_target() == 1);  // 20 s exactly
  CHECK(voice.abandoned() == 1);               // 5 s exactly
  CHECK(voice.service_level() == Approx(1.0 / 3));
  CHECK(voice.abandonment_rate() == Approx(1.0 / 3));
  CHECK(Seconds(voice.average_abandon_wait()) == 5);
}

Journey Loan() {
  return ParseTextProto<Journey>(R"pb(
    key: "loan"
    steps { key: "apply" next: "approved" }
    steps { key: "approved" outcome: STEP_OUTCOME_SUCCESS }
  )pb");
}

Journey Claim() {
  return ParseTextProto<Journey>(R"pb(
    key: "claim"
    steps { key: "report" next: "paid" }
    steps { key: "paid" outcome: STEP_OUTCOME_SUCCESS }
  )pb");
}

TEST_CASE("Metrics groups KPIs by journey with exact per-journey figures", "[metrics]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  MakeCustomer(store.store(), "c2", "Bob");
  REQUIRE_OK(store->DefineJourney(Loan()).status());
  REQUIRE_OK(store->DefineJourney(Claim()).status());
  ASSIGN_OR_FAIL(JourneyInstance loan, store->StartJourney("c1", "loan"));
  ASSIGN_OR_FAIL(JourneyInstance claim, store->StartJourney("c2", "claim"));
  auto in = [](Interaction i, int64_t instance) {
    i.set_journey_instance_id(instance);
    return i;
  };
  const auto voice = v1::CHANNEL_KIND_VOICE;
  const auto chat = v1::CHANNEL_KIND_CHAT;
  std::vector<Interaction> batch = {
      // loan (voice): 10 s and 30 s, both answered, handled 100 s and 300 s.
      in(Queued("c1", t0 + absl::Minutes(1), voice, absl::Seconds(10), true, absl::Seconds(100)),
         loan.id()),
      in(Queued("c1", t0 + absl::Minutes(2), voice, absl::Seconds(30), true, absl::Seconds(300)),
         loan.id()),
      // claim (voice): abandoned after 50 s. claim (chat): answered after 40 s.
      in(Queued("c2", t0 + absl::Minutes(3), voice, absl::Seconds(50), false), claim.id()),
      in(Queued("c2", t0 + absl::Minutes(4), chat, absl::Seconds(40), true, absl::Seconds(400)),
         claim.id()),
      // No journey: voice answered after 8 s (handled 200 s), chat after 70 s.
      Queued("c1", t0 + absl::Minutes(5), voice, absl::Seconds(8), true, absl::Seconds(200)),
      Queued("c2", t0 + absl::Minutes(6), chat, absl::Seconds(70), true),
  };
  REQUIRE_OK(store->RecordBatch(batch).status());

  MetricsQuery q = Window(t0, absl::Hours(1));
  q.group_by = MetricsGroup::kJourney;
  ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(q));
  CHECK(r.group_by() == "journey");
  // The total first, then groups in name order ('(' sorts before letters).
  CHECK(Groups(r, voice) == std::vector<std::string>{"", "(none)", "claim", "loan"});
  CHECK(Groups(r, chat) == std::vector<std::string>{"", "(none)", "claim"});

  // Voice total: 4 offered; 10 s and 8 s within 20 s -> 2 / 4.
  const v1::ChannelKpi& total = KpiRow(r, voice);
  CHECK(total.offered() == 4);
  CHECK(total.answered() == 3);
  CHECK(total.answered_within_target() == 2);
  CHECK(total.service_level() == Approx(0.5));
  CHECK(total.abandonment_rate() == Approx(0.25));

  const v1::ChannelKpi& by_loan = KpiRow(r, voice, "loan");
  CHECK(by_loan.inbound() == 2);
  CHECK(by_loan.offered() == 2);
  CHECK(by_loan.answered_within_target() == 1);  // 10 s
  CHECK(by_loan.service_level() == Approx(0.5));
  CHECK(Seconds(by_loan.asa()) == 20);
  CHECK(Seconds(by_loan.p50_wait()) == 10);  // ceil(0.5 * 2) = 1st
  CHECK(Seconds(by_loan.p90_wait()) == 30);  // ceil(0.9 * 2) = 2nd
  CHECK(Seconds(by_loan.aht()) == 200);
  CHECK(Seconds(by_loan.handle_time_total()) == 400);

  const v1::ChannelKpi& by_claim = KpiRow(r, voice, "claim");
  CHECK(by_claim.offered() == 1);
  CHECK(by_claim.answered() == 0);
  CHECK(by_claim.abandoned() == 1);
  CHECK(by_claim.service_level() == 0.0);
  CHECK(by_claim.abandonment_rate() == 1.0);
  CHECK_FALSE(by_claim.has_asa());
  CHECK(Seconds(by_claim.average_abandon_wait()) == 50);

  const v1::ChannelKpi& by_none = KpiRow(r, voice, "(none)");
  CHECK(by_none.offered() == 1);
  CHECK(by_none.answered_within_target() == 1);
  CHECK(by_none.service_level() == 1.0);
  CHECK(Seconds(by_none.aht()) == 200);

  // Chat, held to 60 s: the claim's 40 s meets it, the other 70 s does not.
  CHECK(KpiRow(r, chat, "claim").service_level() == 1.0);
  CHECK(Seconds(KpiRow(r, chat, "claim").aht()) == 400);
  CHECK(KpiRow(r, chat, "(none)").service_level() == 0.0);
  CHECK(KpiRow(r, chat).service_level() == Approx(0.5));
}

Case WithPriority(const std::string& customer, v1::CasePriority priority) {
  Case c;
  c.set_customer_id(customer);
  c.set_subject("No dial tone");
  c.set_priority(priority);
  return c;
}

TEST_CASE("Metrics groups KPIs by case priority with exact per-priority figures", "[metrics]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  ASSIGN_OR_FAIL(Case high, store->OpenCase(WithPriority("c1", v1::CASE_PRIORITY_HIGH)));
  ASSIGN_OR_FAIL(Case low, store->OpenCase(WithPriority("c1", v1::CASE_PRIORITY_LOW)));
  // Opened without a priority: the store makes it normal.
  ASSIGN_OR_FAIL(Case normal, store->OpenCase(WithPriority("c1", v1::CASE_PRIORITY_UNSPECIFIED)));
  REQUIRE(normal.priority() == v1::CASE_PRIORITY_NORMAL);
  auto on = [](Interaction i, int64_t case_id) {
    i.set_case_id(case_id);
    return i;
  };
  const auto voice = v1::CHANNEL_KIND_VOICE;
  std::vector<Interaction> batch = {
      on(Queued("c1", t0 + absl::Minutes(1), voice, absl::Seconds(12), true, absl::Seconds(120)),
         high.id()),
      on(Queued("c1", t0 + absl::Minutes(2), voice, absl::Seconds(25), true, absl::Seconds(180)),
         high.id()),
      on(Queued("c1", t0 + absl::Minutes(3), voice, absl::Seconds(60), false), low.id()),
      on(Queued("c1", t0 + absl::Minutes(4), voice, absl::Seconds(18), true), normal.id()),
      // On no case: a 3 s hang-up (short abandon) and an unqueued note.
      Queued("c1", t0 + absl::Minutes(5), voice, absl::Seconds(3), false),
      MakeInteraction("c1", t0 + absl::Minutes(6), voice, "voice.notes", "note",
                      v1::DIRECTION_OUTBOUND),
  };
  REQUIRE_OK(store->RecordBatch(batch).status());

  MetricsQuery q = Window(t0, absl::Hours(1));
  q.group_by = MetricsGroup::kPriority;
  ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(q));
  CHECK(r.group_by() == "priority");
  CHECK(Groups(r, voice) == std::vector<std::string>{"", "(none)", "high", "low", "normal"});

  const v1::ChannelKpi& total = KpiRow(r, voice);
  CHECK(total.inbound() == 5);
  CHECK(total.outbound() == 1);
  CHECK(total.offered() == 4);
  CHECK(total.short_abandoned() == 1);
  CHECK(total.answered_within_target() == 2);  // 12 s, 18 s
  CHECK(total.service_level() == Approx(0.5));

  // high: 12 s (within 20 s) and 25 s (not): 1 / 2; ASA 18.5 s; AHT 150 s.
  const v1::ChannelKpi& h = KpiRow(r, voice, "high");
  CHECK(h.offered() == 2);
  CHECK(h.answered() == 2);
  CHECK(h.answered_within_target() == 1);
  CHECK(h.service_level() == Approx(0.5));
  CHECK_FALSE(h.meets_target());
  CHECK(Seconds(h.asa()) == Approx(18.5));
  CHECK(Seconds(h.aht()) == 150);
  // low: abandoned after 60 s.
  const v1::ChannelKpi& l = KpiRow(r, voice, "low");
  CHECK(l.offered() == 1);
  CHECK(l.abandoned() == 1);
  CHECK(l.service_level() == 0.0);
  CHECK(l.abandonment_rate() == 1.0);
  // normal: 18 s, within.
  const v1::ChannelKpi& n = KpiRow(r, voice, "normal");
  CHECK(n.offered() == 1);
  CHECK(n.service_level() == 1.0);
  CHECK(n.meets_target());
  // (none): the hang-up is not offered, so no rate at all; the note is outbound.
  const v1::ChannelKpi& none = KpiRow(r, voice, "(none)");
  CHECK(none.inbound() == 1);
  CHECK(none.outbound() == 1);
  CHECK(none.short_abandoned() == 1);
  CHECK(none.offered() == 0);
  CHECK_FALSE(none.has_service_level());
  CHECK_FALSE(none.has_abandonment_rate());
  CHECK_FALSE(none.has_meets_target());
}

Journey SignupV1() {
  return ParseTextProto<Journey>(R"pb(
    key: "signup"
    steps { key: "form" next: "verify" }
    steps { key: "verify" next: "done" }
    steps { key: "done" outcome: STEP_OUTCOME_SUCCESS }
  )pb");
}

// Version 2 adds an identity check that can reject the customer.
Journey SignupV2() {
  return ParseTextProto<Journey>(R"pb(
    key: "signup"
    steps { key: "form" next: "kyc" }
    steps { key: "kyc" next: "verify" next: "rejected" }
    steps { key: "verify" next: "done" }
    steps { key: "done" outcome: STEP_OUTCOME_SUCCESS }
    steps { key: "rejected" outcome: STEP_OUTCOME_FAILURE }
  )pb");
}

std::vector<std::string> StepKeys(const v1::JourneyFunnel& f) {
  std::vector<std::string> out;
  for (const v1::StepFunnel& s : f.steps()) out.push_back(s.step());
  return out;
}

TEST_CASE("Metrics reports each version of a journey as its own funnel", "[metrics][journey]") {
  TempStore store;
  FakeClock& clock = store.clock();
  const absl::Time t0 = clock.Now();
  for (const char* id : {"u1", "u2", "u3", "u4", "u5"}) MakeCustomer(store.store(), id, id);
  ASSIGN_OR_FAIL(Journey v1def, store->DefineJourney(SignupV1()));
  REQUIRE(v1def.version() == 1);
  std::map<std::string, int64_t> inst;
  auto start = [&](const std::string& who, int32_t version) {
    ASSIGN_OR_FAIL(JourneyInstance i, store->StartJourney(who, "signup"));
    REQUIRE(i.journey_version() == version);
    inst[who] = i.id();
  };
  auto go = [&](const std::string& who, const std::string& step) {
    REQUIRE_OK(store->AdvanceJourney(inst[who], step).status());
  };
  // Version 1: u1 completes, u2 gives up at verify, u3 stays at form.
  for (const char* who : {"u1", "u2", "u3"}) start(who, 1);
  clock.Advance(absl::Minutes(5));
  go("u1", "verify");
  go("u2", "verify");
  clock.Advance(absl::Minutes(5));
  go("u1", "done");
  REQUIRE_OK(store->EndJourney(inst["u2"], v1::JOURNEY_STATUS_ABANDONED).status());
  // Version 2: u4 is rejected at kyc, u5 completes.
  ASSIGN_OR_FAIL(Journey v2def, store->DefineJourney(SignupV2()));
  REQUIRE(v2def.version() == 2);
  for (const char* who : {"u4", "u5"}) start(who, 2);
  clock.Advance(absl::Minutes(5));
  go("u4", "kyc");
  go("u5", "kyc");
  clock.Advance(absl::Minutes(5));
  go("u4", "rejected");
  go("u5", "verify");
  go("u5", "done");
  // One CSAT on each version's instances.
  for (const auto& [who, score] : std::vector<std::pair<std::string, int>>{{"u1", 5}, {"u5", 3}}) {
    Interaction survey = MakeInteraction(who, clock.Now(), v1::CHANNEL_KIND_EMAIL, "survey",
                                         "survey");
    survey.set_journey_instance_id(inst[who]);
    survey.set_satisfaction(score);
    REQUIRE_OK(store->Record(survey).status());
  }

  MetricsQuery q = Window(t0, absl::Hours(1));
  q.journey_key = "signup";
  ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(q));
  REQUIRE(r.journeys_size() == 2);
  const v1::JourneyFunnel& one = r.journeys(0);
  const v1::JourneyFunnel& two = r.journeys(1);

  // Version 1: 3 started; u1 completed, u2 abandoned, u3 active -> 1 / 2.
  CHECK(one.journey_key() == "signup");
  CHECK(one.journey_version() == 1);
  CHECK(one.started() == 3);
  CHECK(one.completed() == 1);
  CHECK(one.failed() == 0);
  CHECK(one.abandoned() == 1);
  CHECK(one.active() == 1);
  CHECK(one.completion_rate() == Approx(0.5));
  // Its own steps, in its own order: no kyc.
  CHECK(StepKeys(one) == std::vector<std::string>{"form", "verify", "done"});
  CHECK(one.steps(0).reached() == 3);
  CHECK(one.steps(0).continued() == 2);
  CHECK(one.steps(0).active_here() == 1);
  CHECK(one.steps(0).conversion() == Approx(2.0 / 3));
  CHECK(Seconds(one.steps(0).p50_time_in_step()) == 300);
  CHECK(one.steps(1).reached() == 2);
  CHECK(one.steps(1).continued() == 1);
  CHECK(one.steps(1).abandoned_here() == 1);
  CHECK(one.steps(1).drop_off() == Approx(0.5));
  CHECK(one.steps(2).completed_here() == 1);

  // Version 2: 2 started; u5 completed, u4 failed -> 1 / 2.
  CHECK(two.journey_key() == "signup");
  CHECK(two.journey_version() == 2);
  CHECK(two.started() == 2);
  CHECK(two.completed() == 1);
  CHECK(two.failed() == 1);
  CHECK(two.abandoned() == 0);
  CHECK(two.active() == 0);
  CHECK(two.completion_rate() == Approx(0.5));
  CHECK(StepKeys(two) == std::vector<std::string>{"form", "kyc", "verify", "done", "rejected"});
  CHECK(two.steps(0).reached() == 2);
  CHECK(two.steps(0).continued() == 2);
  // kyc: both left it (one to verify, one to the failure step).
  CHECK(two.steps(1).reached() == 2);
  CHECK(two.steps(1).continued() == 2);
  CHECK(two.steps(1).conversion() == 1.0);
  CHECK(two.steps(1).drop_off() == 0.0);
  CHECK(Seconds(two.steps(1).p90_time_in_step()) == 300);
  CHECK(two.steps(2).reached() == 1);
  // u5 moved verify -> done at the same instant: zero time in verify.
  REQUIRE(two.steps(2).has_p50_time_in_step());
  CHECK(Seconds(two.steps(2).p50_time_in_step()) == 0);
  CHECK(two.steps(4).failed_here() == 1);
  CHECK(two.steps(4).drop_off() == 1.0);

  // Channel outcomes cover both versions: the email surveys were in u1's
  // (completed) and u5's (completed) journeys.
  REQUIRE(r.channel_outcomes_size() == 1);
  CHECK(r.channel_outcomes(0).channel() == v1::CHANNEL_KIND_EMAIL);
  CHECK(r.channel_outcomes(0).journeys() == 2);
  CHECK(r.channel_outcomes(0).success_rate() == 1.0);
  // Effort: every non-merged instance of both versions.
  CHECK(r.effort().journeys() == 5);

  // Satisfaction is per journey key, across versions: (5 + 3) / 2.
  const v1::SatisfactionRow* journey_row = nullptr;
  for (const auto& s : r.satisfaction()) {
    if (s.dimension() == "journey") {
      CHECK(journey_row == nullptr);
      journey_row = &s;
    }
  }
  REQUIRE(journey_row != nullptr);
  CHECK(journey_row->key() == "signup");
  CHECK(journey_row->csat_responses() == 2);
  CHECK(journey_row->csat_average() == Approx(4.0));
  CHECK(journey_row->csat_satisfied_share() == Approx(0.5));

  SECTION("grouping the KPIs by journey puts both versions in one group") {
    MetricsQuery g = Window(t0, absl::Hours(1));
    g.group_by = MetricsGroup::kJourney;
    ASSIGN_OR_FAIL(MetricsReport gr, store->Metrics(g));
    CHECK(Groups(gr, v1::CHANNEL_KIND_EMAIL) == std::vector<std::string>{"", "signup"});
    CHECK(KpiRow(gr, v1::CHANNEL_KIND_EMAIL, "signup").inbound() == 2);
  }
}

TEST_CASE("Metrics reports CSAT and NPS per case", "[metrics]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  MakeCustomer(store.store(), "c2", "Bob");
  Case opened;
  opened.set_subject("Invoice wrong");
  opened.set_customer_id("c1");
  ASSIGN_OR_FAIL(Case a, store->OpenCase(opened));
  opened.set_customer_id("c2");
  ASSIGN_OR_FAIL(Case b, store->OpenCase(opened));
  REQUIRE(a.id() < b.id());

  std::vector<Interaction> batch;
  auto scored = [&](const std::string& who, int64_t case_id, v1::ChannelKind channel, int score,
                    bool nps) {
    Interaction i = MakeInteraction(
        who, t0 + absl::Seconds(static_cast<int64_t>(batch.size())), channel, "survey", "survey");
    i.set_case_id(case_id);
    i.set_satisfaction(score);
    if (nps) SetAttribute(i.mutable_attributes(), "satisfaction_scale", "nps");
    batch.push_back(i);
  };
  // A 7 is no CSAT (1-5): refused when recorded, so it never reaches a row.
  scored("c1", a.id(), v1::CHANNEL_KIND_EMAIL, 7, false);
  CHECK(store->Record(batch.back()).status() ==
        absl::InvalidArgumentError("satisfaction: CSAT must be 1 to 5 (NPS 0 to 10 with "
                                   "attribute satisfaction_scale=nps)"));
  batch.clear();
  // Case a: CSAT 5, 4, 2 across three channels.
  scored("c1", a.id(), v1::CHANNEL_KIND_VOICE, 5, false);
  scored("c1", a.id(), v1::CHANNEL_KIND_CHAT, 4, false);
  scored("c1", a.id(), v1::CHANNEL_KIND_EMAIL, 2, false);
  // Case b: NPS 10, 9, 9, 7, 2 (3 promoters, 1 passive, 1 detractor) and a
  // CSAT of 1.
  for (int score : {10, 9, 9, 7, 2}) scored("c2", b.id(), v1::CHANNEL_KIND_SMS, score, true);
  scored("c2", b.id(), v1::CHANNEL_KIND_VOICE, 1, false);
  // On no case: counts for its channel only.
  scored("c1", 0, v1::CHANNEL_KIND_VOICE, 4, false);
  REQUIRE_OK(store->RecordBatch(batch).status());

  ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(Window(t0, absl::Hours(1))));
  std::vector<const v1::SatisfactionRow*> cases;
  std::map<std::string, const v1::SatisfactionRow*> channels;
  std::vector<std::string> dimensions;
  for (const auto& s : r.satisfaction()) {
    if (dimensions.empty() || dimensions.back() != s.dimension()) {
      dimensions.push_back(s.dimension());
    }
    if (s.dimension() == "case") cases.push_back(&s);
    if (s.dimension() == "channel") channels[s.key()] = &s;
  }
  // Channels first, then cases (no journeys here).
  CHECK(dimensions == std::vector<std::string>{"channel", "case"});
  REQUIRE(cases.size() == 2);

  // Case a: 3 CSAT responses, mean 11 / 3, 2 of 3 satisfied; no NPS.
  const v1::SatisfactionRow& ra = *cases[0];
  CHECK(ra.key() == std::to_string(a.id()));
  CHECK(ra.csat_responses() == 3);
  CHECK(ra.csat_average() == Approx(11.0 / 3));
  CHECK(ra.csat_satisfied_share() == Approx(2.0 / 3));
  CHECK(ra.nps_responses() == 0);
  CHECK_FALSE(ra.has_nps());

  // Case b: NPS 100 * (3 - 1) / 5 = 40; one CSAT of 1 (not satisfied).
  const v1::SatisfactionRow& rb = *cases[1];
  CHECK(rb.key() == std::to_string(b.id()));
  CHECK(rb.nps_responses() == 5);
  CHECK(rb.nps() == Approx(40.0));
  CHECK(rb.csat_responses() == 1);
  CHECK(rb.csat_average() == Approx(1.0));
  REQUIRE(rb.has_csat_satisfied_share());
  CHECK(rb.csat_satisfied_share() == 0.0);

  // Voice: 5 (a), 1 (b) and 4 (no case): mean 10 / 3, 2 of 3 satisfied.
  REQUIRE(channels.count("voice") == 1);
  CHECK(channels["voice"]->csat_responses() == 3);
  CHECK(channels["voice"]->csat_average() == Approx(10.0 / 3));
  CHECK(channels["voice"]->csat_satisfied_share() == Approx(2.0 / 3));
  REQUIRE(channels.count("email") == 1);
  CHECK(channels["email"]->csat_responses() == 1);  // the 7 is left out
  REQUIRE(channels.count("sms") == 1);
  CHECK(channels["sms"]->nps() == Approx(40.0));

  // Exactly two cases carry scores: a limit of 2 is enough, 1 is not.
  MetricsQuery q = Window(t0, absl::Hours(1));
  q.max_case_rows = 2;
  CHECK(store->Metrics(q).ok());
  q.max_case_rows = 1;
  CHECK(store->Metrics(q).status().code() == absl::StatusCode::kResourceExhausted);
}


TEST_CASE("An NPS of 0 is a score, and an interaction without one makes no row", "[metrics]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  Interaction zero = MakeInteraction("c1", t0, v1::CHANNEL_KIND_SMS, "survey", "survey");
  zero.set_satisfaction(0);
  SetAttribute(zero.mutable_attributes(), "satisfaction_scale", "nps");
  Interaction ten = zero;
  ten.set_satisfaction(10);
  Interaction unscored = MakeInteraction("c1", t0, v1::CHANNEL_KIND_VOICE, "call", "call");
  REQUIRE_OK(store->RecordBatch(std::vector<Interaction>{zero, ten, unscored}).status());
  Interaction eleven = ten;
  eleven.set_satisfaction(11);
  CHECK(store->Record(eleven).status() ==
        absl::InvalidArgumentError("satisfaction: NPS must be 0 to 10"));

  ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(Window(t0, absl::Hours(1))));
  REQUIRE(r.satisfaction_size() == 1);  // sms only: the call carried no score
  const v1::SatisfactionRow& sms = r.satisfaction(0);
  CHECK(sms.key() == "sms");
  CHECK(sms.nps_responses() == 2);
  CHECK(sms.nps() == Approx(0.0));  // one promoter (10), one detractor (0)
  CHECK(sms.csat_responses() == 0);
}

}  // namespace
}  // namespace omnictx
