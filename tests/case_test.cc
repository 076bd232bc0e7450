// SPDX-License-Identifier: Apache-2.0
//
// Support cases through the Store: opening, assigning, status changes with
// their times, attached interactions and the per-case timeline.
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

absl::Time At(const google::protobuf::Timestamp& ts) { return FromProtoTime(ts); }

Case NewCase(const std::string& customer_id, const std::string& subject) {
  Case c;
  c.set_customer_id(customer_id);
  c.set_subject(subject);
  return c;
}

std::vector<int64_t> Ids(const TimelinePage& page) {
  std::vector<int64_t> out;
  for (const Interaction& i : page.interactions) out.push_back(i.id());
  return out;
}

TEST_CASE("OpenCase stores a case with defaults", "[case]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");

  ASSIGN_OR_FAIL(Case c, store->OpenCase(NewCase("c1", "Router keeps rebooting")));
  CHECK(c.id() > 0);
  CHECK(c.customer_id() == "c1");
  CHECK(c.subject() == "Router keeps rebooting");
  CHECK(c.status() == v1::CASE_STATUS_OPEN);
  CHECK(c.priority() == v1::CASE_PRIORITY_NORMAL);
  CHECK(c.owner_agent().empty());
  CHECK(c.queue().empty());
  CHECK(c.journey_instance_id() == 0);
  CHECK(At(c.opened_at()) == t0);
  CHECK(At(c.updated_at()) == t0);
  CHECK_FALSE(c.has_resolved_at());
  CHECK_FALSE(c.has_closed_at());
  CHECK(c.interaction_count() == 0);
  ASSIGN_OR_FAIL(Case read, store->GetCase(c.id()));
  CHECK_THAT(read, ProtoEquals(c));

  SECTION("given fields are kept; a status given on input is not") {
    REQUIRE_OK(store->DefineJourney(ParseTextProto<Journey>(R"pb(
      key: "repair"
      steps { key: "diagnose" next: "fixed" skill: "network" }
      steps { key: "fixed" outcome: STEP_OUTCOME_SUCCESS }
    )pb")));
    ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("c1", "repair"));
    Case in = NewCase("c1", "No signal");
    in.set_priority(v1::CASE_PRIORITY_URGENT);
    in.set_owner_agent("eng-42");
    in.set_queue("tier2");
    in.set_journey_instance_id(inst.id());
    in.set_status(v1::CASE_STATUS_CLOSED);
    in.set_interaction_count(9);
    ASSIGN_OR_FAIL(Case out, store->OpenCase(in));
    CHECK(out.status() == v1::CASE_STATUS_OPEN);
    CHECK(out.priority() == v1::CASE_PRIORITY_URGENT);
    CHECK(out.owner_agent() == "eng-42");
    CHECK(out.queue() == "tier2");
    CHECK(out.journey_instance_id() == inst.id());
    CHECK(out.interaction_count() == 0);
    CHECK_FALSE(out.has_closed_at());
  }
  SECTION("bad input is refused and writes nothing") {
    CHECK(store->OpenCase(NewCase("c1", "")).status() ==
          absl::InvalidArgumentError("subject: empty"));
    Case bad = NewCase("c1", "x");
    bad.set_priority(static_cast<v1::CasePriority>(99));
    CHECK(store->OpenCase(bad).status() ==
          absl::InvalidArgumentError("priority: unknown (allowed: low, normal, high, urgent)"));
    CHECK(store->OpenCase(NewCase("ghost", "x")).status().code() == absl::StatusCode::kNotFound);
    Case no_inst = NewCase("c1", "x");
    no_inst.set_journey_instance_id(777);
    CHECK(store->OpenCase(no_inst).status() ==
          absl::NotFoundError(
              "journey_instance_id: no such journey instance 777 for this customer"));
    ASSIGN_OR_FAIL(std::vector<Case> cases, store->ListCases("c1"));
    CHECK(cases.size() == 1);
  }
  SECTION("a journey instance of another customer is not found") {
    MakeCustomer(store.store(), "c2", "Bob");
    REQUIRE_OK(store->DefineJourney(ParseTextProto<Journey>(R"pb(
      key: "repair"
      steps { key: "diagnose" next: "fixed" }
      steps { key: "fixed" outcome: STEP_OUTCOME_SUCCESS }
    )pb")));
    ASSIGN_OR_FAIL(JourneyInstance theirs, store->StartJourney("c2", "repair"));
    Case in = NewCase("c1", "x");
    in.set_journey_instance_id(theirs.id());
    CHECK(store->OpenCase(in).status().code() == absl::StatusCode::kNotFound);
  }
}

TEST_CASE("AssignCase sets and clears the owner", "[case]") {
  TempStore store;
  MakeCustomer(store.store(), "c1", "Ann");
  ASSIGN_OR_FAIL(Case c, store->OpenCase(NewCase("c1", "Billing")));
  store.clock().Advance(absl::Minutes(7));
  ASSIGN_OR_FAIL(Case owned, store->AssignCase(c.id(), "eng-42"));
  CHECK(owned.owner_agent() == "eng-42");
  CHECK(owned.customer_id() == "c1");
  CHECK(At(owned.updated_at()) == store.clock().Now());
  CHECK(At(owned.opened_at()) == At(c.opened_at()));
  ASSIGN_OR_FAIL(Case read, store->GetCase(c.id()));
  CHECK_THAT(read, ProtoEquals(owned));

  ASSIGN_OR_FAIL(Case unowned, store->AssignCase(c.id(), ""));
  CHECK(unowned.owner_agent().empty());
  CHECK(store->AssignCase(c.id() + 1, "eng-1").status() ==
        absl::NotFoundError(absl::StrCat("case_id: no such case ", c.id() + 1)));
  CHECK(store->AssignCase(c.id(), "eng\n42").status() ==
        absl::InvalidArgumentError("owner_agent: control character"));
}

TEST_CASE("SetCaseStatus stamps and clears resolution times", "[case]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  ASSIGN_OR_FAIL(Case c, store->OpenCase(NewCase("c1", "Billing")));

  store.clock().Advance(absl::Hours(1));
  ASSIGN_OR_FAIL(Case pending, store->SetCaseStatus(c.id(), v1::CASE_STATUS_PENDING));
  CHECK(pending.status() == v1::CASE_STATUS_PENDING);
  CHECK(At(pending.updated_at()) == t0 + absl::Hours(1));
  CHECK_FALSE(pending.has_resolved_at());

  store.clock().Advance(absl::Hours(1));
  ASSIGN_OR_FAIL(Case resolved, store->SetCaseStatus(c.id(), v1::CASE_STATUS_RESOLVED));
  CHECK(resolved.status() == v1::CASE_STATUS_RESOLVED);
  CHECK(At(resolved.resolved_at()) == t0 + absl::Hours(2));
  CHECK_FALSE(resolved.has_closed_at());

  store.clock().Advance(absl::Hours(1));
  ASSIGN_OR_FAIL(Case closed, store->SetCaseStatus(c.id(), v1::CASE_STATUS_CLOSED));
  CHECK(closed.status() == v1::CASE_STATUS_CLOSED);
  CHECK(At(closed.closed_at()) == t0 + absl::Hours(3));
  CHECK(At(closed.resolved_at()) == t0 + absl::Hours(2));
  ASSIGN_OR_FAIL(Case read, store->GetCase(c.id()));
  CHECK_THAT(read, ProtoEquals(closed));

  store.clock().Advance(absl::Hours(1));
  ASSIGN_OR_FAIL(Case reopened, store->SetCaseStatus(c.id(), v1::CASE_STATUS_OPEN));
  CHECK(reopened.status() == v1::CASE_STATUS_OPEN);
  CHECK_FALSE(reopened.has_resolved_at());
  CHECK_FALSE(reopened.has_closed_at());
  CHECK(At(reopened.updated_at()) == t0 + absl::Hours(4));
  ASSIGN_OR_FAIL(read, store->GetCase(c.id()));
  CHECK_THAT(read, ProtoEquals(reopened));

  // Resolving a closed case takes it out of "closed".
  REQUIRE_OK(store->SetCaseStatus(c.id(), v1::CASE_STATUS_CLOSED));
  ASSIGN_OR_FAIL(Case again, store->SetCaseStatus(c.id(), v1::CASE_STATUS_RESOLVED));
  CHECK_FALSE(again.has_closed_at());

  CHECK(store->SetCaseStatus(c.id(), v1::CASE_STATUS_UNSPECIFIED).status() ==
        absl::InvalidArgumentError("status: must be open, pending, resolved or closed"));
  CHECK(store->SetCaseStatus(c.id(), static_cast<v1::CaseStatus>(9)).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(store->SetCaseStatus(c.id() + 5, v1::CASE_STATUS_OPEN).status() ==
        absl::NotFoundError(absl::StrCat("case_id: no such case ", c.id() + 5)));
}

TEST_CASE("ListCases lists a customer's cases newest first", "[case]") {
  TempStore store;
  MakeCustomer(store.store(), "c1", "Ann");
  MakeCustomer(store.store(), "c2", "Bob");
  ASSIGN_OR_FAIL(Case first, store->OpenCase(NewCase("c1", "first")));
  ASSIGN_OR_FAIL(Case other, store->OpenCase(NewCase("c2", "other")));
  ASSIGN_OR_FAIL(Case second, store->OpenCase(NewCase("c1", "second")));
  REQUIRE_OK(store->SetCaseStatus(first.id(), v1::CASE_STATUS_CLOSED));
  ASSIGN_OR_FAIL(Case third, store->OpenCase(NewCase("c1", "third")));

  ASSIGN_OR_FAIL(std::vector<Case> cases, store->ListCases("c1"));
  std::vector<std::string> subjects;
  for (const Case& c : cases) {
    CHECK(c.customer_id() == "c1");
    subjects.push_back(c.subject());
  }
  CHECK(subjects == std::vector<std::string>{"third", "second", "first"});
  CHECK(cases[2].status() == v1::CASE_STATUS_CLOSED);
  CHECK(store->ListCases("c3-unknown").status() ==
        absl::NotFoundError("customer_id: no such customer"));
  CHECK(cases[0].id() == third.id());
  CHECK(cases[1].id() == second.id());
  ASSIGN_OR_FAIL(std::vector<Case> bobs, store->ListCases("c2"));
  REQUIRE(bobs.size() == 1);
  CHECK(bobs[0].id() == other.id());
}

TEST_CASE("interactions attach to a case by id", "[case]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c1", "Ann");
  MakeCustomer(store.store(), "c2", "Bob");
  ASSIGN_OR_FAIL(Case c, store->OpenCase(NewCase("c1", "Refund")));
  ASSIGN_OR_FAIL(Case other_case, store->OpenCase(NewCase("c1", "Address change")));
  ASSIGN_OR_FAIL(Case bobs, store->OpenCase(NewCase("c2", "Bob's")));

  Interaction call = MakeInteraction("c1", t0, v1::CHANNEL_KIND_VOICE, "voice.support", "call");
  call.set_case_id(c.id());
  ASSIGN_OR_FAIL(int64_t call_id, store->Record(call));
  ASSIGN_OR_FAIL(int64_t unrelated, store->Record(MakeInteraction(
                                        "c1", t0 + absl::Hours(1), v1::CHANNEL_KIND_WEB,
                                        "web.home", "page_view")));
  Interaction other = MakeInteraction("c1", t0 + absl::Hours(2), v1::CHANNEL_KIND_CHAT,
                                      "chat.widget", "chat");
  other.set_case_id(other_case.id());
  ASSIGN_OR_FAIL(int64_t other_id, store->Record(other));
  store.clock().Advance(absl::Hours(26));
  Interaction mail = MakeInteraction("c1", t0 + absl::Hours(25), v1::CHANNEL_KIND_EMAIL,
                                     "email.support", "email_received");
  mail.set_case_id(c.id());
  ASSIGN_OR_FAIL(int64_t mail_id, store->Record(mail));

  ASSIGN_OR_FAIL(Case read, store->GetCase(c.id()));
  CHECK(read.interaction_count() == 2);
  CHECK(At(read.updated_at()) == t0 + absl::Hours(25));
  CHECK(read.status() == v1::CASE_STATUS_OPEN);

  SECTION("the case timeline holds only its interactions, newest first") {
    ASSIGN_OR_FAIL(TimelinePage page, store->Timeline("c1", {.case_id = c.id()}));
    CHECK(Ids(page) == std::vector<int64_t>{mail_id, call_id});
    CHECK(page.next_page_token.empty());
    for (const Interaction& i : page.interactions) {
      CHECK(i.case_id() == c.id());
      CHECK(i.customer_id() == "c1");
    }
    ASSIGN_OR_FAIL(TimelinePage all, store->Timeline("c1"));
    CHECK(Ids(all) == std::vector<int64_t>{mail_id, other_id, unrelated, call_id});
    ASSIGN_OR_FAIL(TimelinePage paged, store->Timeline("c1", {.case_id = c.id(), .page_size = 1}));
    CHECK(Ids(paged) == std::vector<int64_t>{mail_id});
    ASSIGN_OR_FAIL(TimelinePage rest, store->Timeline("c1", {.case_id = c.id(), .page_size = 1,
                                                             .page_token = paged.next_page_token}));
    CHECK(Ids(rest) == std::vector<int64_t>{call_id});
  }
  SECTION("an older interaction does not move updated_at backwards") {
    Interaction old = MakeInteraction("c1", t0 - absl::Hours(5), v1::CHANNEL_KIND_SMS,
                                      "sms.support", "sms_received");
    old.set_case_id(c.id());
    REQUIRE_OK(store->Record(old));
    ASSIGN_OR_FAIL(read, store->GetCase(c.id()));
    CHECK(read.interaction_count() == 3);
    CHECK(At(read.updated_at()) == t0 + absl::Hours(25));
  }
  SECTION("an unknown case, or a case of another customer, is refused and writes nothing") {
    Interaction bad = MakeInteraction("c1", t0, v1::CHANNEL_KIND_SMS, "sms.support", "sms");
    bad.set_case_id(bobs.id());
    CHECK(store->Record(bad).status() ==
          absl::FailedPreconditionError(
              absl::StrCat("case_id: case ", bobs.id(), " belongs to another customer")));
    bad.set_case_id(bobs.id() + 10);
    CHECK(store->Record(bad).status() ==
          absl::NotFoundError(absl::StrCat("case_id: no such case ", bobs.id() + 10)));
    bad.set_case_id(-1);
    CHECK(store->Record(bad).status() == absl::InvalidArgumentError("case_id: negative"));
    ASSIGN_OR_FAIL(TimelinePage all, store->Timeline("c1"));
    CHECK(all.interactions.size() == 4);
    ASSIGN_OR_FAIL(Case bobs_read, store->GetCase(bobs.id()));
    CHECK(bobs_read.interaction_count() == 0);
  }
}

}  // namespace
}  // namespace omnictx
