// SPDX-License-Identifier: Apache-2.0
//
// Story 4: measure the same way on every channel. Wait time, handle time,
// speed of answer, abandonment, first-contact resolution, journey
// completion and drop-off per step are computed with one definition for
// all channels; targets (and patience thresholds) may differ per channel.
// The analytics say which channels lead to the best journey outcomes.
//
// Every figure below is worked out by hand in the comments. Percentiles are
// nearest-rank: the ceil(q * n)-th smallest value.
#include <algorithm>
#include <map>
#include <string>
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
using testing::ProtoEquals;
using testing::Seconds;
using testing::TempStore;

// An inbound contact that entered `channel`'s queue, waited `wait`, then was
// answered (and handled for `handle` by `agent`) or abandoned.
Interaction Queued(const std::string& customer, absl::Time at, v1::ChannelKind channel,
                   absl::Duration wait, bool answered,
                   absl::Duration handle = absl::ZeroDuration(), const std::string& agent = "") {
  return testing::QueuedContact(customer, at, channel,
                                std::string(ChannelName(channel)) + ".support", "contact", wait,
                                answered, handle, agent);
}

constexpr v1::ChannelKind kVoice = v1::CHANNEL_KIND_VOICE;
constexpr v1::ChannelKind kChat = v1::CHANNEL_KIND_CHAT;
constexpr v1::ChannelKind kEmail = v1::CHANNEL_KIND_EMAIL;
constexpr v1::ChannelKind kSms = v1::CHANNEL_KIND_SMS;

SCENARIO("the same contacts on voice, chat, email and SMS are measured one way, against each "
         "channel's own target",
         "[story]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  for (const char* id : {"ana", "ben", "cleo", "dan", "eve"}) MakeCustomer(store.store(), id, id);

  GIVEN("a day on which every channel sees the very same five contacts and one follow-up") {
    // On each channel, the same events:
    //   ana   waits   4 s, abandons
    //   ben   waits  15 s, answered, handled 240 s by agent-1
    //   cleo  waits  45 s, answered, handled 360 s by agent-2
    //   dan   waits  90 s, abandons
    //   eve   waits  20 min, answered, handled 600 s by agent-1
    //   and agent-2 sends ben an outbound follow-up.
    std::vector<Interaction> day;
    int minute = 0;
    for (v1::ChannelKind channel : {kVoice, kChat, kEmail, kSms}) {
      auto at = [&] { return t0 + absl::Minutes(++minute); };
      day.push_back(Queued("ana", at(), channel, absl::Seconds(4), false));
      day.push_back(Queued("ben", at(), channel, absl::Seconds(15), true, absl::Seconds(240),
                           "agent-1"));
      day.push_back(Queued("cleo", at(), channel, absl::Seconds(45), true, absl::Seconds(360),
                           "agent-2"));
      day.push_back(Queued("dan", at(), channel, absl::Seconds(90), false));
      day.push_back(Queued("eve", at(), channel, absl::Minutes(20), true, absl::Seconds(600),
                           "agent-1"));
      Interaction follow_up = MakeInteraction("ben", at(), channel,
                                              std::string(ChannelName(channel)) + ".support",
                                              "follow_up", v1::DIRECTION_OUTBOUND);
      follow_up.set_agent_id("agent-2");
      day.push_back(follow_up);
    }
    REQUIRE_OK(store->RecordBatch(day).status());
    store.clock().Advance(absl::Hours(24));
    MetricsQuery day_query;
    day_query.start = t0;
    day_query.end = t0 + absl::Hours(24);

    WHEN("the day is measured with the default targets") {
      ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(day_query));

      THEN("the channels are listed in enum order, one row each") {
        CHECK(r.interactions_scanned() == 24);
        std::vector<v1::ChannelKind> kinds;
        for (const v1::ChannelKpi& row : r.channels()) kinds.push_back(row.channel());
        CHECK(kinds == std::vector<v1::ChannelKind>{kVoice, kChat, kEmail, kSms});
      }

      THEN("what does not depend on a target reads the same on every channel") {
        for (v1::ChannelKind channel : {kVoice, kChat, kEmail, kSms}) {
          INFO(ChannelName(channel));
          const v1::ChannelKpi& row = KpiRow(r, channel);
          CHECK(row.inbound() == 5);
          CHECK(row.outbound() == 1);
          CHECK(row.answered() == 3);
          // ASA: (15 + 45 + 1200) / 3 = 420 s.
          CHECK(Seconds(row.asa()) == 420);
          // AHT: (240 + 360 + 600) / 3 = 400 s over 3 handled contacts.
          CHECK(row.handled() == 3);
          CHECK(Seconds(row.aht()) == 400);
          CHECK(Seconds(row.handle_time_total()) == 1200);
          CHECK(row.agents() == 2);
          // Workload: 1200 s of handling in a 86400 s day.
          CHECK(row.workload_erlangs() == Approx(1200.0 / 86400));
        }
      }

      THEN("voice and chat leave ana's 4 s hang-up out (5 s patience); email and SMS count it") {
        for (v1::ChannelKind channel : {kVoice, kChat}) {
          INFO(ChannelName(channel));
          const v1::ChannelKpi& row = KpiRow(r, channel);
          CHECK(Seconds(row.target().short_abandon()) == 5);
          CHECK(row.short_abandoned() == 1);
          CHECK(row.offered() == 4);
          CHECK(row.abandoned() == 1);
          CHECK(row.abandonment_rate() == Approx(1.0 / 4));
          // Offered waits {15, 45, 90, 1200}: mean 1350 / 4; p50 is the
          // 2nd (45 s); p90 is the ceil(3.6) = 4th (1200 s).
          CHECK(Seconds(row.average_wait()) == Approx(337.5));
          CHECK(Seconds(row.p50_wait()) == 45);
          CHECK(Seconds(row.p90_wait()) == 1200);
          CHECK(Seconds(row.average_abandon_wait()) == 90);
        }
        for (v1::ChannelKind channel : {kEmail, kSms}) {
          INFO(ChannelName(channel));
          const v1::ChannelKpi& row = KpiRow(r, channel);
          CHECK(Seconds(row.target().short_abandon()) == 0);
          CHECK(row.short_abandoned() == 0);
          CHECK(row.offered() == 5);
          CHECK(row.abandoned() == 2);
          CHECK(row.abandonment_rate() == Approx(2.0 / 5));
          // Offered waits {4, 15, 45, 90, 1200}: mean 1354 / 5; p50 is the
          // ceil(2.5) = 3rd (45 s); p90 the ceil(4.5) = 5th (1200 s).
          CHECK(Seconds(row.average_wait()) == Approx(270.8));
          CHECK(Seconds(row.p50_wait()) == 45);
          CHECK(Seconds(row.p90_wait()) == 1200);
          CHECK(Seconds(row.average_abandon_wait()) == Approx(47.0));  // (4 + 90) / 2
        }
      }

      THEN("each channel's own answer-within target gives it its own service level") {
        // voice: 80% in 20 s.   Answered within: ben (15 s)        -> 1 / 4 offered.
        const v1::ChannelKpi& voice = KpiRow(r, kVoice);
        CHECK(Seconds(voice.target().answer_within()) == 20);
        CHECK(voice.target().service_level() == Approx(0.8));
        CHECK(voice.answered_within_target() == 1);
        CHECK(voice.service_level() == Approx(0.25));
        // chat: 80% in 60 s.    ben, cleo (45 s)                   -> 2 / 4.
        const v1::ChannelKpi& chat = KpiRow(r, kChat);
        CHECK(Seconds(chat.target().answer_within()) == 60);
        CHECK(chat.answered_within_target() == 2);
        CHECK(chat.service_level() == Approx(0.5));
        // email: 90% in 24 h.   ben, cleo, eve (20 min)            -> 3 / 5.
        const v1::ChannelKpi& email = KpiRow(r, kEmail);
        CHECK(Seconds(email.target().answer_within()) == 24 * 3600);
        CHECK(email.target().service_level() == Approx(0.9));
        CHECK(email.answered_within_target() == 3);
        CHECK(email.service_level() == Approx(0.6));
        // SMS: 80% in 15 min.   ben, cleo (eve's 20 min is too long) -> 2 / 5.
        const v1::ChannelKpi& sms = KpiRow(r, kSms);
        CHECK(Seconds(sms.target().answer_within()) == 15 * 60);
        CHECK(sms.answered_within_target() == 2);
        CHECK(sms.service_level() == Approx(0.4));
        // None of them reaches its target.
        for (const v1::ChannelKpi* row : {&voice, &chat, &email, &sms}) {
          INFO(ChannelName(row->channel()));
          REQUIRE(row->has_meets_target());
          CHECK_FALSE(row->meets_target());
        }
      }
    }

    WHEN("every channel is held to one target: 50% in 60 s, 5 s patience") {
      MetricsQuery q = day_query;
      for (v1::ChannelKind channel : {kVoice, kChat, kEmail, kSms}) {
        q.targets[channel] = {.service_level = 0.5,
                              .answer_within = absl::Seconds(60),
                              .short_abandon = absl::Seconds(5)};
      }
      ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(q));

      THEN("the four rows are identical but for the channel: one definition") {
        const v1::ChannelKpi& voice = KpiRow(r, kVoice);
        // 4 offered, ben and cleo within 60 s: 2 / 4, which meets 50%.
        CHECK(voice.offered() == 4);
        CHECK(voice.short_abandoned() == 1);
        CHECK(voice.answered_within_target() == 2);
        CHECK(voice.service_level() == Approx(0.5));
        CHECK(voice.meets_target());
        for (v1::ChannelKind channel : {kChat, kEmail, kSms}) {
          INFO(ChannelName(channel));
          CHECK_THAT(KpiRow(r, channel), ProtoEquals(voice, {"omnictx.v1.ChannelKpi.channel"}));
        }
      }
    }

    WHEN("only chat's patience threshold is raised to 2 minutes") {
      MetricsQuery q = day_query;
      q.targets[kChat] = {.service_level = 0.8,
                          .answer_within = absl::Seconds(60),
                          .short_abandon = absl::Minutes(2)};
      ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(q));

      THEN("dan's 90 s abandon no longer counts against chat, and nothing else changes") {
        const v1::ChannelKpi& chat = KpiRow(r, kChat);
        // ana (4 s) and dan (90 s) are both short: 3 offered, all answered,
        // ben and cleo within 60 s -> 2 / 3; no abandonment (0, not absent).
        CHECK(chat.short_abandoned() == 2);
        CHECK(chat.offered() == 3);
        CHECK(chat.abandoned() == 0);
        CHECK(chat.answered_within_target() == 2);
        CHECK(chat.service_level() == Approx(2.0 / 3));
        REQUIRE(chat.has_abandonment_rate());
        CHECK(chat.abandonment_rate() == 0.0);
        CHECK_FALSE(chat.has_average_abandon_wait());
        CHECK_FALSE(chat.meets_target());
        // Offered waits {15, 45, 1200}: mean 420 s, which is now the ASA too.
        CHECK(Seconds(chat.average_wait()) == 420);
        CHECK(Seconds(chat.asa()) == 420);
        // Voice keeps its default 5 s: as before.
        CHECK(KpiRow(r, kVoice).offered() == 4);
        CHECK(KpiRow(r, kVoice).service_level() == Approx(0.25));
        CHECK(KpiRow(r, kSms).service_level() == Approx(0.4));
      }
    }
  }
}

Case Opened(const std::string& customer, const std::string& subject) {
  Case c;
  c.set_customer_id(customer);
  c.set_subject(subject);
  return c;
}

SCENARIO("first-contact resolution counts a re-contact on any channel", "[story]") {
  TempStore store;
  FakeClock& clock = store.clock();
  const absl::Time t0 = clock.Now();
  for (const char* id : {"ines", "marc", "zoe", "paul"}) MakeCustomer(store.store(), id, id);

  // Opens a case for `customer` now, with an inbound contact on `channel`.
  auto open_by = [&](const std::string& customer, v1::ChannelKind channel) {
    ASSIGN_OR_FAIL(Case c, store->OpenCase(Opened(customer, "Router keeps rebooting")));
    Interaction i = MakeInteraction(customer, clock.Now(), channel, "support.desk", "contact");
    i.set_case_id(c.id());
    REQUIRE_OK(store->Record(i).status());
    return c.id();
  };
  auto resolve = [&](int64_t id) {
    REQUIRE_OK(store->SetCaseStatus(id, v1::CASE_STATUS_RESOLVED).status());
  };
  auto contact = [&](const std::string& customer, v1::ChannelKind channel) {
    REQUIRE_OK(store->Record(MakeInteraction(customer, clock.Now(), channel, "support.desk",
                                             "contact"))
                   .status());
  };

  GIVEN("four cases resolved on the first day, and what their customers did next") {
    // ines: a call, resolved after 10 min; two days later she opens a chat.
    const int64_t ines = open_by("ines", kVoice);
    clock.Set(t0 + absl::Minutes(10));
    resolve(ines);
    // marc: a chat, resolved; never heard from again.
    clock.Set(t0 + absl::Hours(1));
    const int64_t marc = open_by("marc", kChat);
    clock.Set(t0 + absl::Hours(1) + absl::Minutes(10));
    resolve(marc);
    // zoe: an email, then an SMS on the same case the next day, resolved.
    clock.Set(t0 + absl::Hours(2));
    const int64_t zoe = open_by("zoe", kEmail);
    // paul: a call, resolved; he emails nine days later.
    clock.Set(t0 + absl::Hours(3));
    const int64_t paul = open_by("paul", kVoice);
    clock.Set(t0 + absl::Hours(3) + absl::Minutes(10));
    resolve(paul);
    clock.Set(t0 + absl::Hours(24));
    Interaction sms = MakeInteraction("zoe", clock.Now(), kSms, "support.desk", "contact");
    sms.set_case_id(zoe);
    REQUIRE_OK(store->Record(sms).status());
    clock.Set(t0 + absl::Hours(25));
    resolve(zoe);
    clock.Set(t0 + absl::Hours(48));
    contact("ines", kChat);  // 2 days after her case: inside the 7-day window

    // The report covers the first 26 hours: the four resolutions. The
    // re-contacts fall after it, and still count.
    MetricsQuery q;
    q.start = t0;
    q.end = t0 + absl::Hours(26);

    WHEN("it is measured on day 8, before zoe's window has passed") {
      // zoe's case (resolved at t0 + 25 h) is 7 days and 23 h old: not
      // judged yet. The other three are more than 7 days old.
      clock.Set(t0 + absl::Hours(24 * 8));
      ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(q));
      THEN("the young case waits, and the rates are over the three judged ones") {
        const v1::FirstContactResolution& f = r.fcr();
        CHECK(f.resolved() == 4);
        CHECK(f.awaiting_window() == 1);
        CHECK(f.first_contact_resolved() == 2);  // marc and paul
        CHECK(f.repeat_contacts() == 1);         // ines
        CHECK(f.fcr_rate() == Approx(2.0 / 3));
        CHECK(f.repeat_contact_rate() == Approx(1.0 / 3));
        // (1 + 1 + 2 + 1) inbound contacts over every resolved case, judged or not.
        CHECK(f.contacts_per_resolution() == Approx(1.25));
      }
    }

    AND_GIVEN("paul emails exactly nine days after his case was resolved") {
      clock.Set(t0 + absl::Hours(24 * 9 + 3) + absl::Minutes(10));
      contact("paul", kEmail);
      clock.Set(t0 + absl::Hours(24 * 12));  // every 7- and 10-day window has passed

      WHEN("it is measured with the default 7-day re-contact window") {
        ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(q));
        const v1::FirstContactResolution& f = r.fcr();
        THEN("marc and paul were resolved first time; ines's chat makes hers a repeat contact") {
          // ines: 1 contact, but re-contact (chat) at 2 d <= 7 d  -> repeat.
          // marc: 1 contact, nothing after                        -> FCR.
          // zoe:  2 contacts on the case (email, SMS)             -> neither.
          // paul: 1 contact, re-contact (email) at 9 d > 7 d      -> FCR.
          CHECK(Seconds(f.recontact_window()) == 7 * 24 * 3600);
          CHECK(f.resolved() == 4);
          CHECK(f.awaiting_window() == 0);
          CHECK(f.first_contact_resolved() == 2);
          CHECK(f.repeat_contacts() == 1);
          CHECK(f.reopened() == 0);
          CHECK(f.fcr_rate() == Approx(0.5));
          CHECK(f.repeat_contact_rate() == Approx(0.25));
          CHECK(f.contacts_per_resolution() == Approx(1.25));
          // Case effort: zoe's email -> SMS is the one switch in 4 cases.
          CHECK(r.effort().cases() == 4);
          CHECK(r.effort().switches_per_case() == Approx(0.25));
        }
      }

      WHEN("the re-contact window is 10 days") {
        MetricsQuery ten = q;
        ten.recontact_window = absl::Hours(24 * 10);
        ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(ten));
        THEN("paul's email nine days later makes his a repeat contact too") {
          const v1::FirstContactResolution& f = r.fcr();
          CHECK(Seconds(f.recontact_window()) == 10 * 24 * 3600);
          CHECK(f.awaiting_window() == 0);         // zoe's: 11 d 1 h < 12 d
          CHECK(f.first_contact_resolved() == 1);  // marc only
          CHECK(f.repeat_contacts() == 2);         // ines and paul
          CHECK(f.fcr_rate() == Approx(0.25));
          CHECK(f.repeat_contact_rate() == Approx(0.5));
        }
      }
    }
  }
}

Journey Claim() {
  return ParseTextProto<Journey>(R"pb(
    key: "claim"
    steps { key: "report" next: "evidence" }
    steps { key: "evidence" next: "assess" }
    steps { key: "assess" next: "paid" next: "declined" }
    steps { key: "paid" outcome: STEP_OUTCOME_SUCCESS }
    steps { key: "declined" outcome: STEP_OUTCOME_FAILURE }
  )pb");
}

// The funnel's step; fails the test when there is none.
const v1::StepFunnel& FunnelStep(const v1::JourneyFunnel& f, const std::string& key) {
  for (const v1::StepFunnel& s : f.steps()) {
    if (s.step() == key) return s;
  }
  FAIL("no step " << key);
  return f.steps(0);
}

SCENARIO("journey analytics show where claims drop off and which channel leads to success",
         "[story]") {
  TempStore store;
  FakeClock& clock = store.clock();
  const absl::Time t0 = clock.Now();
  REQUIRE_OK(store->DefineJourney(Claim()).status());

  GIVEN("six insurance claims started together, each carried on by its customer's channels") {
    // Minutes after t0 when each customer's interactions happened, the
    // channel, and the step the interaction moved the claim to ("" for
    // activity at the current step):
    //   ana   1 chat,   10 chat  -> evidence,  40 chat  -> assess  then paid
    //   ben   1 chat,   20 email -> evidence,  80 email -> assess  then paid
    //   cleo  1 voice,  30 voice -> evidence, 120 voice -> assess  then declined
    //   dan   1 voice,  40 voice -> evidence,  then abandoned there
    //   eve   1 email,  50 email -> evidence,  then abandoned there
    //   finn  1 sms,    60 sms   -> evidence,  still there
    // At 180 min the back office settles the assessed claims and closes the
    // abandoned ones.
    struct Event {
      int minute;
      const char* who;
      v1::ChannelKind channel;
      const char* step;
    };
    std::vector<Event> events = {
        {1, "ana", kChat, ""},         {1, "ben", kChat, ""},
        {1, "cleo", kVoice, ""},       {1, "dan", kVoice, ""},
        {1, "eve", kEmail, ""},        {1, "finn", kSms, ""},
        {10, "ana", kChat, "evidence"}, {20, "ben", kEmail, "evidence"},
        {30, "cleo", kVoice, "evidence"}, {40, "dan", kVoice, "evidence"},
        {40, "ana", kChat, "assess"},  {50, "eve", kEmail, "evidence"},
        {60, "finn", kSms, "evidence"}, {80, "ben", kEmail, "assess"},
        {120, "cleo", kVoice, "assess"},
    };
    std::map<std::string, int64_t> claim;
    for (const char* id : {"ana", "ben", "cleo", "dan", "eve", "finn"}) {
      MakeCustomer(store.store(), id, id);
      ASSIGN_OR_FAIL(JourneyInstance i, store->StartJourney(id, "claim"));
      claim[id] = i.id();
    }
    for (const Event& e : events) {
      clock.Set(t0 + absl::Minutes(e.minute));
      Interaction i = MakeInteraction(e.who, clock.Now(), e.channel, "claims.desk", "contact");
      i.set_journey_instance_id(claim[e.who]);
      i.set_journey_step(e.step);
      REQUIRE_OK(store->Record(i).status());
    }
    clock.Set(t0 + absl::Minutes(180));
    REQUIRE_OK(store->AdvanceJourney(claim["ana"], "paid").status());
    REQUIRE_OK(store->AdvanceJourney(claim["ben"], "paid").status());
    REQUIRE_OK(store->AdvanceJourney(claim["cleo"], "declined").status());
    REQUIRE_OK(store->EndJourney(claim["dan"], v1::JOURNEY_STATUS_ABANDONED).status());
    REQUIRE_OK(store->EndJourney(claim["eve"], v1::JOURNEY_STATUS_ABANDONED).status());

    WHEN("the day's journeys are measured") {
      MetricsQuery q;
      q.start = t0;
      q.end = t0 + absl::Hours(24);
      ASSIGN_OR_FAIL(MetricsReport r, store->Metrics(q));
      REQUIRE(r.journeys_size() == 1);
      const v1::JourneyFunnel& f = r.journeys(0);

      THEN("two in five ended claims completed, whatever channel carried them") {
        CHECK(f.journey_key() == "claim");
        CHECK(f.journey_version() == 1);
        CHECK(f.started() == 6);
        CHECK(f.completed() == 2);  // ana, ben
        CHECK(f.failed() == 1);     // cleo
        CHECK(f.abandoned() == 2);  // dan, eve
        CHECK(f.merged() == 0);
        CHECK(f.active() == 1);     // finn
        CHECK(f.stalled_now() == 0);
        CHECK(f.completion_rate() == Approx(2.0 / 5));
      }

      THEN("the funnel shows the drop-off at the evidence step") {
        REQUIRE(f.steps_size() == 5);
        std::vector<std::string> order;
        for (const v1::StepFunnel& s : f.steps()) order.push_back(s.step());
        CHECK(order == std::vector<std::string>{"report", "evidence", "assess", "paid",
                                                "declined"});
        const v1::StepFunnel& report = FunnelStep(f, "report");
        CHECK(report.reached() == 6);
        CHECK(report.continued() == 6);
        CHECK(report.conversion() == 1.0);
        CHECK(report.drop_off() == 0.0);
        // Times in report {10, 20, 30, 40, 50, 60} min: p50 the 3rd, p90
        // the ceil(5.4) = 6th.
        CHECK(Seconds(report.p50_time_in_step()) == 30 * 60);
        CHECK(Seconds(report.p90_time_in_step()) == 60 * 60);

        const v1::StepFunnel& evidence = FunnelStep(f, "evidence");
        CHECK(evidence.reached() == 6);
        CHECK(evidence.continued() == 3);       // ana, ben, cleo
        CHECK(evidence.abandoned_here() == 2);  // dan, eve
        CHECK(evidence.failed_here() == 0);
        CHECK(evidence.active_here() == 1);     // finn
        CHECK(evidence.conversion() == Approx(0.5));
        CHECK(evidence.drop_off() == Approx(2.0 / 6));
        // Left after {30, 60, 90} min (ana, ben, cleo); the ones who never
        // left do not count. p50 the 2nd, p90 the ceil(2.7) = 3rd.
        CHECK(Seconds(evidence.p50_time_in_step()) == 60 * 60);
        CHECK(Seconds(evidence.p90_time_in_step()) == 90 * 60);

        const v1::StepFunnel& assess = FunnelStep(f, "assess");
        CHECK(assess.reached() == 3);
        CHECK(assess.continued() == 3);
        CHECK(assess.drop_off() == 0.0);
        // Settled at 180 min: ana after 140, ben 100, cleo 60 -> p50 100.
        CHECK(Seconds(assess.p50_time_in_step()) == 100 * 60);

        const v1::StepFunnel& paid = FunnelStep(f, "paid");
        CHECK(paid.reached() == 2);
        CHECK(paid.completed_here() == 2);
        CHECK(paid.conversion() == 1.0);  // a success step converts by completing
        const v1::StepFunnel& declined = FunnelStep(f, "declined");
        CHECK(declined.reached() == 1);
        CHECK(declined.failed_here() == 1);
        CHECK(declined.conversion() == 0.0);
        CHECK(declined.drop_off() == 1.0);
      }

      THEN("chat leads to the best outcomes, email to half, voice to none") {
        // Ended claims by channel used (finn's SMS claim has not ended):
        //   chat:  ana (paid), ben (paid)         -> 2 / 2; 3 + 1 interactions
        //   email: ben (paid), eve (abandoned)    -> 1 / 2; 2 + 2 interactions
        //   voice: cleo (declined), dan (aband.)  -> 0 / 2; 3 + 2 interactions
        std::map<v1::ChannelKind, const v1::ChannelOutcome*> by;
        for (const v1::ChannelOutcome& o : r.channel_outcomes()) by[o.channel()] = &o;
        REQUIRE(by.size() == 3);
        REQUIRE(by.count(kChat) == 1);
        REQUIRE(by.count(kEmail) == 1);
        REQUIRE(by.count(kVoice) == 1);
        CHECK(by.count(kSms) == 0);
        CHECK(by[kChat]->journeys() == 2);
        CHECK(by[kChat]->succeeded() == 2);
        CHECK(by[kChat]->success_rate() == 1.0);
        CHECK(by[kChat]->interactions() == 4);
        CHECK(by[kEmail]->journeys() == 2);
        CHECK(by[kEmail]->succeeded() == 1);
        CHECK(by[kEmail]->success_rate() == Approx(0.5));
        CHECK(by[kEmail]->interactions() == 4);
        CHECK(by[kVoice]->journeys() == 2);
        CHECK(by[kVoice]->succeeded() == 0);
        REQUIRE(by[kVoice]->has_success_rate());
        CHECK(by[kVoice]->success_rate() == 0.0);
        CHECK(by[kVoice]->interactions() == 5);

        const auto best = std::max_element(
            r.channel_outcomes().begin(), r.channel_outcomes().end(),
            [](const v1::ChannelOutcome& a, const v1::ChannelOutcome& b) {
              return a.success_rate() < b.success_rate();
            });
        REQUIRE(best != r.channel_outcomes().end());
        CHECK(best->channel() == kChat);
      }

      THEN("ben's move from chat to email, at the report step, is the one switch") {
        // His email at 20 min is what moved him to evidence: the switch
        // happened while he was still at report.
        REQUIRE(r.switches_size() == 1);
        const v1::ChannelSwitch& s = r.switches(0);
        CHECK(s.journey_key() == "claim");
        CHECK(s.step() == "report");
        CHECK(s.from_channel() == kChat);
        CHECK(s.to_channel() == kEmail);
        CHECK(s.count() == 1);
        CHECK(s.succeeded() == 1);
        CHECK(s.success_rate() == 1.0);
        // Effort: 1 switch over the 6 claims (active ones included).
        CHECK(r.effort().journeys() == 6);
        CHECK(r.effort().switches_per_journey() == Approx(1.0 / 6));
      }
    }
  }
}

}  // namespace
}  // namespace omnictx
