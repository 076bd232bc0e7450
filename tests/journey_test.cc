// SPDX-License-Identifier: Apache-2.0
//
// Journeys through the Store: versioned definitions, starting, advancing
// (by call and by recorded interactions), ending, the transition table,
// stall detection and campaign suppression queries.
#include <algorithm>
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

// start -> verify -> (done | rejected); verify stalls after 15 minutes.
Journey Signup() {
  return ParseTextProto<Journey>(R"pb(
    key: "signup"
    name: "Sign up"
    steps { key: "start" name: "Start" next: "verify" touchpoints: "web.signup" }
    steps {
      key: "verify"
      name: "Verify identity"
      next: "done"
      next: "rejected"
      touchpoints: "web.verify"
      stall_after { seconds: 900 }
      skill: "onboarding"
      needs: "id_card"
    }
    steps { key: "done" name: "Done" outcome: STEP_OUTCOME_SUCCESS touchpoints: "web.welcome" }
    steps { key: "rejected" name: "Rejected" outcome: STEP_OUTCOME_FAILURE }
  )pb");
}

// A second journey with a one-hour threshold on its middle step.
Journey Renewal() {
  return ParseTextProto<Journey>(R"pb(
    key: "renewal"
    steps { key: "notice" next: "offer" }
    steps { key: "offer" next: "renewed" stall_after { seconds: 3600 } }
    steps { key: "renewed" outcome: STEP_OUTCOME_SUCCESS }
  )pb");
}

absl::Time At(const google::protobuf::Timestamp& ts) { return FromProtoTime(ts); }

std::vector<std::string> Steps(const JourneyInstance& inst) {
  std::vector<std::string> out;
  for (const JourneyTransition& t : inst.history()) {
    out.push_back(t.from_step() + ">" + t.to_step());
  }
  return out;
}

TEST_CASE("DefineJourney versions definitions", "[journey]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  ASSIGN_OR_FAIL(Journey v1, store->DefineJourney(Signup()));
  CHECK(v1.version() == 1);
  CHECK(At(v1.defined_at()) == t0);
  CHECK(v1.steps_size() == 4);

  SECTION("an identical redefinition returns the same version") {
    store.clock().Advance(absl::Minutes(1));
    ASSIGN_OR_FAIL(Journey again, store->DefineJourney(Signup()));
    CHECK_THAT(again, ProtoEquals(v1));
    ASSIGN_OR_FAIL(Journey latest, store->GetJourney("signup"));
    CHECK(latest.version() == 1);
  }
  SECTION("output-only fields do not make a definition different") {
    Journey j = Signup();
    j.set_version(7);
    ASSIGN_OR_FAIL(Journey again, store->DefineJourney(j));
    CHECK(again.version() == 1);
  }
  SECTION("a changed definition creates the next version; the old one stays readable") {
    store.clock().Advance(absl::Minutes(1));
    Journey changed = Signup();
    changed.mutable_steps(1)->set_skill("kyc");
    ASSIGN_OR_FAIL(Journey v2, store->DefineJourney(changed));
    CHECK(v2.version() == 2);
    CHECK(At(v2.defined_at()) == t0 + absl::Minutes(1));
    ASSIGN_OR_FAIL(Journey latest, store->GetJourney("signup", 0));
    CHECK(latest.version() == 2);
    CHECK(latest.steps(1).skill() == "kyc");
    ASSIGN_OR_FAIL(Journey old, store->GetJourney("signup", 1));
    CHECK_THAT(old, ProtoEquals(v1));
    ASSIGN_OR_FAIL(std::vector<Journey> all, store->ListJourneys());
    REQUIRE(all.size() == 1);
    CHECK(all[0].version() == 2);
  }
  SECTION("unknown keys and versions are NotFound") {
    CHECK(store->GetJourney("signup", 2).status().code() == absl::StatusCode::kNotFound);
    CHECK(store->GetJourney("nope").status().code() == absl::StatusCode::kNotFound);
    CHECK(store->GetJourney("signup", -1).status() ==
          absl::InvalidArgumentError("version: negative"));
  }
  SECTION("an invalid definition names the step and stores nothing") {
    Journey bad = Renewal();
    bad.mutable_steps(1)->set_next(0, "nowhere");
    CHECK(store->DefineJourney(bad).status() ==
          absl::InvalidArgumentError("step offer: transition to unknown step nowhere"));
    CHECK(store->GetJourney("renewal").status().code() == absl::StatusCode::kNotFound);
  }
}

TEST_CASE("running instances keep the version they started with", "[journey]") {
  TempStore store;
  MakeCustomer(store.store(), "old", "Old");
  MakeCustomer(store.store(), "new", "New");
  REQUIRE_OK(store->DefineJourney(Signup()));
  ASSIGN_OR_FAIL(JourneyInstance old_run, store->StartJourney("old", "signup"));

  // Version 2 drops verify -> rejected.
  Journey v2 = Signup();
  v2.mutable_steps(1)->clear_next();
  v2.mutable_steps(1)->add_next("done");
  v2.mutable_steps(0)->add_next("rejected");
  ASSIGN_OR_FAIL(Journey def2, store->DefineJourney(v2));
  REQUIRE(def2.version() == 2);
  ASSIGN_OR_FAIL(JourneyInstance new_run, store->StartJourney("new", "signup"));
  CHECK(old_run.journey_version() == 1);
  CHECK(new_run.journey_version() == 2);

  REQUIRE_OK(store->AdvanceJourney(old_run.id(), "verify"));
  REQUIRE_OK(store->AdvanceJourney(new_run.id(), "verify"));
  // The old run may still take the version-1 transition ...
  ASSIGN_OR_FAIL(JourneyInstance old_end, store->AdvanceJourney(old_run.id(), "rejected"));
  CHECK(old_end.status() == v1::JOURNEY_STATUS_FAILED);
  CHECK(old_end.journey_version() == 1);
  // ... the new one may not.
  CHECK(store->AdvanceJourney(new_run.id(), "rejected").status() ==
        absl::FailedPreconditionError("transition verify→rejected not allowed"));
}

TEST_CASE("StartJourney enters the entry step", "[journey]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  MakeCustomer(store.store(), "c2", "Bob");
  REQUIRE_OK(store->DefineJourney(Signup()));
  REQUIRE_OK(store->DefineJourney(Renewal()));

  ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("c1", "signup"));
  CHECK(inst.id() > 0);
  CHECK(inst.customer_id() == "c1");
  CHECK(inst.journey_key() == "signup");
  CHECK(inst.journey_version() == 1);
  CHECK(inst.current_step() == "start");
  CHECK(inst.status() == v1::JOURNEY_STATUS_ACTIVE);
  CHECK(At(inst.started_at()) == t0);
  CHECK(At(inst.step_entered_at()) == t0);
  CHECK_FALSE(inst.has_ended_at());
  REQUIRE(inst.history_size() == 1);
  CHECK(inst.history(0).from_step().empty());
  CHECK(inst.history(0).to_step() == "start");
  CHECK(At(inst.history(0).at()) == t0);
  CHECK(inst.history(0).interaction_id() == 0);
  ASSIGN_OR_FAIL(JourneyInstance read, store->GetJourneyInstance(inst.id()));
  CHECK_THAT(read, ProtoEquals(inst));

  SECTION("a second active instance of the same journey is AlreadyExists") {
    CHECK(store->StartJourney("c1", "signup").status() ==
          absl::AlreadyExistsError(absl::StrCat(
              "journey_key: the customer already runs active instance ", inst.id())));
    ASSIGN_OR_FAIL(auto all, store->ListJourneyInstances("c1"));
    CHECK(all.size() == 1);
  }
  SECTION("another customer, or another journey, may start at the same time") {
    REQUIRE_OK(store->StartJourney("c2", "signup"));
    ASSIGN_OR_FAIL(JourneyInstance renewal, store->StartJourney("c1", "renewal"));
    ASSIGN_OR_FAIL(auto all, store->ListJourneyInstances("c1"));
    REQUIRE(all.size() == 2);
    CHECK(all[0].id() == renewal.id());  // newest first
    CHECK(all[1].id() == inst.id());
  }
  SECTION("once the instance has ended the journey may start again") {
    REQUIRE_OK(store->EndJourney(inst.id(), v1::JOURNEY_STATUS_ABANDONED));
    ASSIGN_OR_FAIL(JourneyInstance again, store->StartJourney("c1", "signup"));
    CHECK(again.id() != inst.id());
    CHECK(again.current_step() == "start");
  }
  SECTION("a causing interaction sets the time and channel of the start") {
    REQUIRE_OK(store->EndJourney(inst.id(), v1::JOURNEY_STATUS_ABANDONED));
    ASSIGN_OR_FAIL(int64_t email, store->Record(MakeInteraction(
                                      "c1", t0 - absl::Hours(2), v1::CHANNEL_KIND_EMAIL,
                                      "email.welcome", "email_sent", v1::DIRECTION_OUTBOUND)));
    ASSIGN_OR_FAIL(JourneyInstance started, store->StartJourney("c1", "signup", email));
    CHECK(At(started.started_at()) == t0 - absl::Hours(2));
    CHECK(started.history(0).channel().kind() == v1::CHANNEL_KIND_EMAIL);
    CHECK(started.history(0).interaction_id() == email);
  }
  SECTION("errors") {
    CHECK(store->StartJourney("c2", "nope").status() ==
          absl::NotFoundError("journey_key: no such journey"));
    CHECK(store->StartJourney("ghost", "signup").status().code() == absl::StatusCode::kNotFound);
    CHECK(store->StartJourney("c2", "").status() ==
          absl::InvalidArgumentError("journey_key: empty"));
    CHECK(store->StartJourney("c2", "signup", 999).status() ==
          absl::NotFoundError("interaction_id: no such interaction 999"));
    ASSIGN_OR_FAIL(int64_t theirs, store->Record(MakeInteraction("c1", t0, v1::CHANNEL_KIND_WEB,
                                                                 "web.home", "page_view")));
    CHECK(store->StartJourney("c2", "signup", theirs).status() ==
          absl::FailedPreconditionError(absl::StrCat(
              "interaction_id: interaction ", theirs, " belongs to another customer")));
    ASSIGN_OR_FAIL(auto runs, store->ListJourneyInstances("c2"));
    CHECK(runs.empty());
  }
}

TEST_CASE("AdvanceJourney moves along allowed transitions only", "[journey]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  REQUIRE_OK(store->DefineJourney(Signup()));
  ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("c1", "signup"));
  store.clock().Advance(absl::Minutes(3));

  SECTION("an allowed move records the transition") {
    ASSIGN_OR_FAIL(JourneyInstance moved, store->AdvanceJourney(inst.id(), "verify"));
    CHECK(moved.current_step() == "verify");
    CHECK(moved.status() == v1::JOURNEY_STATUS_ACTIVE);
    CHECK(moved.customer_id() == "c1");
    CHECK(At(moved.step_entered_at()) == t0 + absl::Minutes(3));
    CHECK(At(moved.started_at()) == t0);
    CHECK(Steps(moved) == std::vector<std::string>{">start", "start>verify"});
    CHECK(moved.history(1).interaction_id() == 0);
    ASSIGN_OR_FAIL(JourneyInstance read, store->GetJourneyInstance(inst.id()));
    CHECK_THAT(read, ProtoEquals(moved));
  }
  SECTION("a move the definition does not allow changes nothing") {
    CHECK(store->AdvanceJourney(inst.id(), "done").status() ==
          absl::FailedPreconditionError("transition start→done not allowed"));
    ASSIGN_OR_FAIL(JourneyInstance read, store->GetJourneyInstance(inst.id()));
    CHECK_THAT(read, ProtoEquals(inst));
  }
  SECTION("an unknown step or instance is NotFound") {
    CHECK(store->AdvanceJourney(inst.id(), "nope").status() ==
          absl::NotFoundError("to_step: journey signup has no step nope"));
    CHECK(store->AdvanceJourney(inst.id() + 100, "verify").status() ==
          absl::NotFoundError(
              absl::StrCat("instance_id: no such journey instance ", inst.id() + 100)));
    CHECK(store->AdvanceJourney(inst.id(), "").status() ==
          absl::InvalidArgumentError("to_step: empty"));
    ASSIGN_OR_FAIL(JourneyInstance read, store->GetJourneyInstance(inst.id()));
    CHECK_THAT(read, ProtoEquals(inst));
  }
  SECTION("a success step completes the instance; nothing moves after it") {
    REQUIRE_OK(store->AdvanceJourney(inst.id(), "verify"));
    store.clock().Advance(absl::Minutes(1));
    ASSIGN_OR_FAIL(JourneyInstance done, store->AdvanceJourney(inst.id(), "done"));
    CHECK(done.status() == v1::JOURNEY_STATUS_COMPLETED);
    CHECK(done.current_step() == "done");
    REQUIRE(done.has_ended_at());
    CHECK(At(done.ended_at()) == t0 + absl::Minutes(4));
    CHECK(store->AdvanceJourney(inst.id(), "rejected").status() ==
          absl::FailedPreconditionError(absl::StrCat(
              "journey instance ", inst.id(), " is no longer active (JOURNEY_STATUS_COMPLETED)")));
    CHECK(store->EndJourney(inst.id(), v1::JOURNEY_STATUS_ABANDONED).status().code() ==
          absl::StatusCode::kFailedPrecondition);
    ASSIGN_OR_FAIL(JourneyInstance read, store->GetJourneyInstance(inst.id()));
    CHECK_THAT(read, ProtoEquals(done));
  }
  SECTION("a failure step fails the instance") {
    REQUIRE_OK(store->AdvanceJourney(inst.id(), "verify"));
    ASSIGN_OR_FAIL(JourneyInstance failed, store->AdvanceJourney(inst.id(), "rejected"));
    CHECK(failed.status() == v1::JOURNEY_STATUS_FAILED);
    CHECK(At(failed.ended_at()) == t0 + absl::Minutes(3));
  }
  SECTION("a causing interaction gives the transition its time, channel and id") {
    Interaction call = MakeInteraction("c1", t0 + absl::Minutes(2), v1::CHANNEL_KIND_VOICE,
                                       "voice.support", "call");
    call.mutable_channel()->set_provider("twilio");
    ASSIGN_OR_FAIL(int64_t call_id, store->Record(call));
    ASSIGN_OR_FAIL(JourneyInstance moved, store->AdvanceJourney(inst.id(), "verify", call_id));
    const JourneyTransition& t = moved.history(1);
    CHECK(At(t.at()) == t0 + absl::Minutes(2));
    CHECK(t.channel().kind() == v1::CHANNEL_KIND_VOICE);
    CHECK(t.channel().provider() == "twilio");
    CHECK(t.interaction_id() == call_id);
    CHECK(At(moved.step_entered_at()) == t0 + absl::Minutes(2));
    CHECK(store->AdvanceJourney(inst.id(), "done", call_id + 50).status() ==
          absl::NotFoundError(absl::StrCat("interaction_id: no such interaction ", call_id + 50)));
  }
}

TEST_CASE("EndJourney abandons or fails an active instance", "[journey]") {
  TempStore store;
  MakeCustomer(store.store(), "c1", "Ann");
  REQUIRE_OK(store->DefineJourney(Signup()));
  ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("c1", "signup"));
  store.clock().Advance(absl::Hours(1));
  CHECK(store->EndJourney(inst.id(), v1::JOURNEY_STATUS_COMPLETED).status() ==
        absl::InvalidArgumentError("status: must be FAILED or ABANDONED"));
  ASSIGN_OR_FAIL(JourneyInstance ended, store->EndJourney(inst.id(), v1::JOURNEY_STATUS_ABANDONED));
  CHECK(ended.status() == v1::JOURNEY_STATUS_ABANDONED);
  CHECK(ended.current_step() == "start");
  CHECK(At(ended.ended_at()) == store.clock().Now());
  CHECK(ended.customer_id() == "c1");
  CHECK(ended.history_size() == 1);
  CHECK(store->EndJourney(inst.id(), v1::JOURNEY_STATUS_FAILED).status() ==
        absl::FailedPreconditionError(absl::StrCat(
            "journey instance ", inst.id(), " is no longer active (JOURNEY_STATUS_ABANDONED)")));
  CHECK(store->EndJourney(inst.id() + 1, v1::JOURNEY_STATUS_FAILED).status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("every from/to pair of a small definition is allowed or refused", "[journey]") {
  TempStore store;
  MakeCustomer(store.store(), "c1", "Ann");
  REQUIRE_OK(store->DefineJourney(ParseTextProto<Journey>(R"pb(
    key: "loop"
    steps { key: "a" next: "b" next: "c" }
    steps { key: "b" next: "c" next: "fail" }
    steps { key: "c" next: "b" next: "done" }
    steps { key: "done" outcome: STEP_OUTCOME_SUCCESS }
    steps { key: "fail" outcome: STEP_OUTCOME_FAILURE }
  )pb")));
  const std::vector<std::string> all = {"a", "b", "c", "done", "fail"};
  const std::vector<std::string> allowed = {"a>b", "a>c", "b>c", "b>fail", "c>b", "c>done"};
  for (const std::string from : {"a", "b", "c"}) {
    for (const std::string& to : all) {
      INFO(from << " -> " << to);
      ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("c1", "loop"));
      if (from != "a") REQUIRE_OK(store->AdvanceJourney(inst.id(), from));
      ASSIGN_OR_FAIL(JourneyInstance before, store->GetJourneyInstance(inst.id()));
      absl::StatusOr<JourneyInstance> moved = store->AdvanceJourney(inst.id(), to);
      const bool ok = std::find(allowed.begin(), allowed.end(), from + ">" + to) != allowed.end();
      if (ok) {
        REQUIRE_OK(moved);
        CHECK(moved->current_step() == to);
        CHECK(moved->history(moved->history_size() - 1).from_step() == from);
      } else {
        CHECK(moved.status() ==
              absl::FailedPreconditionError("transition " + from + "→" + to + " not allowed"));
        ASSIGN_OR_FAIL(JourneyInstance after, store->GetJourneyInstance(inst.id()));
        CHECK_THAT(after, ProtoEquals(before));
      }
      ASSIGN_OR_FAIL(JourneyInstance now, store->GetJourneyInstance(inst.id()));
      if (now.status() == v1::JOURNEY_STATUS_ACTIVE) {
        REQUIRE_OK(store->EndJourney(inst.id(), v1::JOURNEY_STATUS_ABANDONED));
      } else {
        CHECK(now.status() ==
              (to == "done" ? v1::JOURNEY_STATUS_COMPLETED : v1::JOURNEY_STATUS_FAILED));
      }
    }
  }
}

TEST_CASE("Record advances the customer's journey when the step is allowed", "[journey]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  MakeCustomer(store.store(), "c2", "Bob");
  REQUIRE_OK(store->DefineJourney(Signup()));
  ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("c1", "signup"));
  store.clock().Advance(absl::Minutes(5));
  const absl::Time t5 = store.clock().Now();

  SECTION("an interaction naming the next step") {
    Interaction i = MakeInteraction("c1", t5, v1::CHANNEL_KIND_MOBILE_APP, "app.home", "tap");
    i.set_journey_step("verify");
    ASSIGN_OR_FAIL(int64_t id, store->Record(i));
    ASSIGN_OR_FAIL(JourneyInstance read, store->GetJourneyInstance(inst.id()));
    CHECK(read.current_step() == "verify");
    CHECK(At(read.step_entered_at()) == t5);
    REQUIRE(read.history_size() == 2);
    CHECK(read.history(1).from_step() == "start");
    CHECK(read.history(1).to_step() == "verify");
    CHECK(read.history(1).channel().kind() == v1::CHANNEL_KIND_MOBILE_APP);
    CHECK(read.history(1).interaction_id() == id);
    CHECK(At(read.history(1).at()) == t5);
    ASSIGN_OR_FAIL(Interaction stored, store->GetInteraction(id));
    CHECK(stored.journey_instance_id() == inst.id());
  }
  SECTION("an interaction at a touchpoint of the next step") {
    ASSIGN_OR_FAIL(int64_t id, store->Record(MakeInteraction("c1", t5, v1::CHANNEL_KIND_WEB,
                                                             "web.verify", "page_view")));
    ASSIGN_OR_FAIL(JourneyInstance read, store->GetJourneyInstance(inst.id()));
    CHECK(read.current_step() == "verify");
    CHECK(read.history(1).interaction_id() == id);
    CHECK(read.history(1).channel().kind() == v1::CHANNEL_KIND_WEB);
    // The touchpoint of the terminal step completes it.
    REQUIRE_OK(store->Record(MakeInteraction("c1", t5, v1::CHANNEL_KIND_WEB, "web.welcome",
                                             "page_view")));
    ASSIGN_OR_FAIL(read, store->GetJourneyInstance(inst.id()));
    CHECK(read.status() == v1::JOURNEY_STATUS_COMPLETED);
  }
  SECTION("an interaction at the current step's touchpoint joins the journey without a move") {
    ASSIGN_OR_FAIL(int64_t id, store->Record(MakeInteraction("c1", t5, v1::CHANNEL_KIND_WEB,
                                                             "web.signup", "page_view")));
    ASSIGN_OR_FAIL(JourneyInstance read, store->GetJourneyInstance(inst.id()));
    CHECK_THAT(read, ProtoEquals(inst));
    ASSIGN_OR_FAIL(Interaction stored, store->GetInteraction(id));
    CHECK(stored.journey_instance_id() == inst.id());
  }
  SECTION("a step that is not an allowed move is recorded but moves nothing") {
    for (const char* step : {"done", "start", "nope"}) {
      INFO(step);
      Interaction i = MakeInteraction("c1", t5, v1::CHANNEL_KIND_WEB, "web.other", "click");
      i.set_journey_step(step);
      ASSIGN_OR_FAIL(int64_t id, store->Record(i));
      REQUIRE_OK(store->GetInteraction(id));
      ASSIGN_OR_FAIL(JourneyInstance read, store->GetJourneyInstance(inst.id()));
      CHECK_THAT(read, ProtoEquals(inst));
    }
    ASSIGN_OR_FAIL(TimelinePage page, store->Timeline("c1"));
    CHECK(page.interactions.size() == 3);
  }
  SECTION("another customer's interaction moves nothing of this one") {
    Interaction i = MakeInteraction("c2", t5, v1::CHANNEL_KIND_WEB, "web.verify", "page_view");
    i.set_journey_step("verify");
    REQUIRE_OK(store->Record(i));
    ASSIGN_OR_FAIL(JourneyInstance read, store->GetJourneyInstance(inst.id()));
    CHECK_THAT(read, ProtoEquals(inst));
    i.set_journey_instance_id(inst.id());
    CHECK(store->Record(i).status() ==
          absl::NotFoundError(absl::StrCat("journey_instance_id: no such journey instance ",
                                               inst.id(), " for this customer")));
  }
  SECTION("a late event never moves the step's entry time backwards") {
    Interaction late = MakeInteraction("c1", t0 - absl::Hours(1), v1::CHANNEL_KIND_WEB,
                                       "web.verify", "page_view");
    REQUIRE_OK(store->Record(late));
    ASSIGN_OR_FAIL(JourneyInstance read, store->GetJourneyInstance(inst.id()));
    CHECK(read.current_step() == "verify");
    CHECK(At(read.step_entered_at()) == t0);
    CHECK(At(read.history(1).at()) == t0);
  }
}

TEST_CASE("Stalled lists instances past their step's threshold", "[journey]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  for (const char* id : {"c1", "c2", "c3", "c4"}) MakeCustomer(store.store(), id, id);
  REQUIRE_OK(store->DefineJourney(Signup()));
  REQUIRE_OK(store->DefineJourney(Renewal()));
  // c1: outbound email, outbound SMS, an inbound visit, then enters verify at t0.
  REQUIRE_OK(store->Record(MakeInteraction("c1", t0 - absl::Hours(1), v1::CHANNEL_KIND_EMAIL,
                                           "email.invite", "email_sent",
                                           v1::DIRECTION_OUTBOUND)));
  ASSIGN_OR_FAIL(int64_t sms, store->Record(MakeInteraction(
                                  "c1", t0 - absl::Minutes(10), v1::CHANNEL_KIND_SMS,
                                  "sms.reminder", "sms_sent", v1::DIRECTION_OUTBOUND)));
  REQUIRE_OK(store->Record(MakeInteraction("c1", t0 - absl::Minutes(5), v1::CHANNEL_KIND_WEB,
                                           "web.signup", "page_view")));
  ASSIGN_OR_FAIL(JourneyInstance i1, store->StartJourney("c1", "signup"));
  REQUIRE_OK(store->AdvanceJourney(i1.id(), "verify"));
  // An outbound message after the customer entered the step is not "before".
  REQUIRE_OK(store->Record(MakeInteraction("c1", t0 + absl::Minutes(1), v1::CHANNEL_KIND_EMAIL,
                                           "email.nudge", "email_sent", v1::DIRECTION_OUTBOUND)));
  // c2 enters verify five minutes later, with no outbound contact.
  store.clock().Advance(absl::Minutes(5));
  ASSIGN_OR_FAIL(JourneyInstance i2, store->StartJourney("c2", "signup"));
  REQUIRE_OK(store->AdvanceJourney(i2.id(), "verify"));
  // c3 sits at a step without a threshold; c4 finished.
  REQUIRE_OK(store->StartJourney("c3", "signup"));
  ASSIGN_OR_FAIL(JourneyInstance i4, store->StartJourney("c4", "signup"));
  REQUIRE_OK(store->AdvanceJourney(i4.id(), "verify"));
  REQUIRE_OK(store->AdvanceJourney(i4.id(), "done"));

  SECTION("at exactly the threshold nobody is stalled") {
    ASSIGN_OR_FAIL(auto stalled, store->Stalled(t0 + absl::Minutes(15)));
    CHECK(stalled.empty());
  }
  SECTION("one past the threshold, the other not yet") {
    ASSIGN_OR_FAIL(auto stalled, store->Stalled(t0 + absl::Minutes(17)));
    REQUIRE(stalled.size() == 1);
    const StalledJourney& s = stalled[0];
    CHECK(s.instance().id() == i1.id());
    CHECK(s.instance().customer_id() == "c1");
    CHECK(s.instance().current_step() == "verify");
    CHECK(s.instance().history_size() == 2);
    CHECK(FromProtoDuration(s.time_in_step()) == absl::Minutes(17));
    CHECK(FromProtoDuration(s.threshold()) == absl::Minutes(15));
    CHECK(s.last_outbound().id() == sms);
    CHECK(s.last_outbound().customer_id() == "c1");
    CHECK(s.last_outbound().touchpoint() == "sms.reminder");
  }
  SECTION("longest stalled first") {
    ASSIGN_OR_FAIL(auto stalled, store->Stalled(t0 + absl::Minutes(30)));
    REQUIRE(stalled.size() == 2);
    CHECK(stalled[0].instance().id() == i1.id());
    CHECK(FromProtoDuration(stalled[0].time_in_step()) == absl::Minutes(30));
    CHECK(stalled[1].instance().id() == i2.id());
    CHECK(FromProtoDuration(stalled[1].time_in_step()) == absl::Minutes(25));
    CHECK_FALSE(stalled[1].has_last_outbound());
  }
  SECTION("a step without a threshold never stalls; an ended instance is not listed") {
    ASSIGN_OR_FAIL(auto stalled, store->Stalled(t0 + absl::Hours(24 * 30)));
    std::vector<int64_t> ids;
    for (const StalledJourney& s : stalled) ids.push_back(s.instance().id());
    CHECK(ids == std::vector<int64_t>{i1.id(), i2.id()});
  }
  SECTION("moving on clears the stall") {
    REQUIRE_OK(store->AdvanceJourney(i1.id(), "done"));
    ASSIGN_OR_FAIL(auto stalled, store->Stalled(t0 + absl::Minutes(30)));
    REQUIRE(stalled.size() == 1);
    CHECK(stalled[0].instance().id() == i2.id());
  }
}

TEST_CASE("FindCustomers selects by journey state", "[journey]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  for (const char* id : {"a", "b", "c", "d"}) MakeCustomer(store.store(), id, id);
  REQUIRE_OK(store->DefineJourney(Signup()));
  REQUIRE_OK(store->DefineJourney(Renewal()));
  // a: completed at t0+1h; b: at verify (started t0); c: at start (started
  // t0+2h); d: abandoned at t0+3h, and runs renewal.
  ASSIGN_OR_FAIL(JourneyInstance ia, store->StartJourney("a", "signup"));
  ASSIGN_OR_FAIL(JourneyInstance ib, store->StartJourney("b", "signup"));
  ASSIGN_OR_FAIL(JourneyInstance idd, store->StartJourney("d", "signup"));
  REQUIRE_OK(store->AdvanceJourney(ia.id(), "verify"));
  REQUIRE_OK(store->AdvanceJourney(ib.id(), "verify"));
  store.clock().Advance(absl::Hours(1));
  REQUIRE_OK(store->AdvanceJourney(ia.id(), "done"));
  store.clock().Advance(absl::Hours(1));
  REQUIRE_OK(store->StartJourney("c", "signup"));
  store.clock().Advance(absl::Hours(1));
  REQUIRE_OK(store->EndJourney(idd.id(), v1::JOURNEY_STATUS_ABANDONED));
  REQUIRE_OK(store->StartJourney("d", "renewal"));

  using Ids = std::vector<std::string>;
  auto find = [&](FindCustomersQuery q) -> Ids {
    absl::StatusOr<Ids> out = store->FindCustomers(q);
    INFO(out.status().ToString());
    REQUIRE(out.ok());
    return *out;
  };
  CHECK(find({.journey_key = "signup"}) == Ids{"a", "b", "c", "d"});
  CHECK(find({.journey_key = "signup", .step = "verify"}) == Ids{"b"});
  CHECK(find({.journey_key = "signup", .step = "start"}) == Ids{"c", "d"});
  CHECK(find({.journey_key = "signup", .status = v1::JOURNEY_STATUS_COMPLETED}) == Ids{"a"});
  CHECK(find({.journey_key = "signup", .status = v1::JOURNEY_STATUS_ACTIVE}) == Ids{"b", "c"});
  CHECK(find({.journey_key = "signup", .step = "start", .status = v1::JOURNEY_STATUS_ACTIVE}) ==
        Ids{"c"});
  CHECK(find({.journey_key = "signup", .since = t0 + absl::Hours(1)}) == Ids{"a", "c", "d"});
  CHECK(find({.journey_key = "signup", .since = t0 + absl::Minutes(61)}) == Ids{"c", "d"});
  CHECK(find({.journey_key = "signup", .status = v1::JOURNEY_STATUS_COMPLETED,
              .since = t0 + absl::Hours(2)})
            .empty());
  CHECK(find({.journey_key = "signup", .limit = 2}) == Ids{"a", "b"});
  CHECK(find({.journey_key = "renewal"}) == Ids{"d"});
  CHECK(find({.journey_key = "unknown"}).empty());

  CHECK(store->FindCustomers({}).status() == absl::InvalidArgumentError("journey_key: empty"));
  CHECK(store->FindCustomers({.journey_key = "bad key"}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(store->FindCustomers({.journey_key = "signup", .limit = 0}).status() ==
        absl::InvalidArgumentError("limit: must be 1 to 100000"));
  CHECK(store->FindCustomers({.journey_key = "signup",
                              .status = static_cast<v1::JourneyStatus>(42)})
            .status() == absl::InvalidArgumentError("status: unknown value"));
}

}  // namespace
}  // namespace omnictx
