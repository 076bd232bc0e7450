// SPDX-License-Identifier: Apache-2.0
//
// Identity resolution through the Store: Merge moves everything of the
// absorbed customer to the survivor and records how; PreviewMerge writes
// nothing; Unmerge gives back exactly what was the absorbed customer's;
// guards refuse merges and links that would join strangers; Stitch joins an
// anonymous visitor to the customer they turn out to be.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "test_util.h"

namespace omnictx {
namespace {

using Catch::Matchers::Contains;
using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::ProtoEquals;
using testing::TempStore;

Journey Loan() {
  return ParseTextProto<Journey>(R"pb(
    key: "loan"
    name: "Loan"
    steps { key: "simulate" name: "Simulate" next: "upload_documents" }
    steps { key: "upload_documents" name: "Upload" next: "review" skill: "documents" }
    steps { key: "review" name: "Review" next: "approved" next: "rejected" }
    steps { key: "approved" name: "Approved" outcome: STEP_OUTCOME_SUCCESS }
    steps { key: "rejected" name: "Rejected" outcome: STEP_OUTCOME_FAILURE }
  )pb");
}

Case NewCase(const std::string& customer_id, const std::string& subject) {
  Case c;
  c.set_customer_id(customer_id);
  c.set_subject(subject);
  return c;
}

Interaction Via(Interaction i, const Identity& via) {
  *i.mutable_via() = via;
  return i;
}

std::string OwnerOf(Store& store, int64_t interaction_id) {
  auto i = store.GetInteraction(interaction_id);
  INFO(i.status().ToString());
  REQUIRE(i.ok());
  return i->customer_id();
}

std::vector<int64_t> TimelineIds(Store& store, const std::string& customer_id) {
  auto page = store.Timeline(customer_id, {.page_size = 1000});
  INFO(page.status().ToString());
  REQUIRE(page.ok());
  std::vector<int64_t> out;
  for (const Interaction& i : page->interactions) out.push_back(i.id());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> IdentityValues(const Customer& c) {
  std::vector<std::string> out;
  for (const Identity& i : c.identities()) out.push_back(i.value());
  std::sort(out.begin(), out.end());
  return out;
}

std::map<int64_t, v1::JourneyStatus> Instances(Store& store, const std::string& customer_id) {
  auto list = store.ListJourneyInstances(customer_id);
  INFO(list.status().ToString());
  REQUIRE(list.ok());
  std::map<int64_t, v1::JourneyStatus> out;
  for (const JourneyInstance& j : *list) out[j.id()] = j.status();
  return out;
}

std::vector<int64_t> CaseIds(Store& store, const std::string& customer_id) {
  auto list = store.ListCases(customer_id);
  INFO(list.status().ToString());
  REQUIRE(list.ok());
  std::vector<int64_t> out;
  for (const Case& c : *list) out.push_back(c.id());
  std::sort(out.begin(), out.end());
  return out;
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<int64_t> Sorted(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<int64_t> Ids(const google::protobuf::RepeatedField<int64_t>& ids) {
  return Sorted({ids.begin(), ids.end()});
}

// One person as two customers: "c-known" (phone, email, two interactions, a
// case, loan at step 1) and "c-web" (cookie, phone, three page views, a
// case, loan one step further).
struct Pair {
  std::vector<int64_t> known_interactions, web_interactions;
  int64_t known_case = 0, web_case = 0;
  int64_t known_instance = 0, web_instance = 0;
};

Pair SetUpPair(TempStore& store) {
  Pair p;
  const absl::Time t0 = store.clock().Now();
  Customer known;
  known.set_id("c-known");
  known.set_display_name("Alice Martin");
  known.set_language("fr-FR");
  SetAttribute(known.mutable_attributes(), "tier", "gold");
  REQUIRE_OK(store->UpsertCustomer(known));
  REQUIRE_OK(store->LinkIdentity("c-known", Phone("06 12 34 56 78")));
  REQUIRE_OK(store->LinkIdentity("c-known", Email("alice@example.com")));
  REQUIRE_OK(store->DefineJourney(Loan()));
  ASSIGN_OR_FAIL(JourneyInstance ki, store->StartJourney("c-known", "loan"));
  p.known_instance = ki.id();
  for (auto [ch, kind] : {std::pair{v1::CHANNEL_KIND_VOICE, "call"},
                          std::pair{v1::CHANNEL_KIND_EMAIL, "email_received"}}) {
    ASSIGN_OR_FAIL(int64_t id, store->Record(MakeInteraction("c-known", t0, ch, "door", kind)));
    p.known_interactions.push_back(id);
  }
  ASSIGN_OR_FAIL(Case kc, store->OpenCase(NewCase("c-known", "Invoice question")));
  p.known_case = kc.id();

  store.clock().Advance(absl::Minutes(1));
  Customer web;
  web.set_id("c-web");
  web.set_display_name("alice m.");
  web.set_language("en-GB");
  web.set_preferred_channel(v1::CHANNEL_KIND_WEB);
  SetAttribute(web.mutable_attributes(), "tier", "silver");
  SetAttribute(web.mutable_attributes(), "segment", "web");
  REQUIRE_OK(store->UpsertCustomer(web));
  REQUIRE_OK(store->LinkIdentity("c-web", Cookie("ck-1")));
  REQUIRE_OK(store->LinkIdentity("c-web", Phone("07 11 22 33 44")));
  ASSIGN_OR_FAIL(JourneyInstance wi, store->StartJourney("c-web", "loan"));
  REQUIRE_OK(store->AdvanceJourney(wi.id(), "upload_documents"));
  p.web_instance = wi.id();
  for (int k = 0; k < 3; ++k) {
    ASSIGN_OR_FAIL(int64_t id, store->Record(MakeInteraction(
                                   "c-web", store.clock().Now() - absl::Seconds(k),
                                   v1::CHANNEL_KIND_WEB, "web.upload", "page_view")));
    p.web_interactions.push_back(id);
  }
  ASSIGN_OR_FAIL(Case wc, store->OpenCase(NewCase("c-web", "Upload fails")));
  p.web_case = wc.id();
  store.clock().Advance(absl::Minutes(1));
  return p;
}

TEST_CASE("Merge moves identities, interactions, journeys and cases to the survivor",
          "[merge]") {
  TempStore store;
  Pair p = SetUpPair(store);
  ASSIGN_OR_FAIL(MergeRecord m, store->Merge({.survivor_id = "c-known",
                                               .absorbed_id = "c-web",
                                               .actor = "agent-7"}));
  CHECK(m.id() > 0);
  CHECK_FALSE(m.dry_run());
  CHECK(m.survivor_id() == "c-known");
  CHECK(m.absorbed_id() == "c-web");
  CHECK(m.actor() == "agent-7");
  CHECK(FromProtoTime(m.merged_at()) == store.clock().Now());
  REQUIRE(m.identities_moved_size() == 2);
  CHECK(Ids(m.interactions_moved()) == Sorted(p.web_interactions));
  CHECK(Ids(m.journey_instances_moved()) == std::vector<int64_t>{p.web_instance});
  // The web instance is one step further: the known customer's one ends.
  CHECK(Ids(m.journey_instances_ended()) == std::vector<int64_t>{p.known_instance});
  CHECK(Ids(m.cases_moved()) == std::vector<int64_t>{p.web_case});
  CHECK(m.absorbed_before().display_name() == "alice m.");
  CHECK(m.survivor_before().display_name() == "Alice Martin");

  SECTION("identities resolve to the survivor") {
    for (const Identity& id : {Cookie("ck-1"), Phone("+33711223344"), Phone("0612345678"),
                               Email("alice@example.com")}) {
      ASSIGN_OR_FAIL(auto owner, store->Resolve(id));
      CHECK(owner == std::optional<std::string>("c-known"));
    }
    ASSIGN_OR_FAIL(Customer known, store->GetCustomer("c-known"));
    CHECK(IdentityValues(known) == std::vector<std::string>{"+33612345678", "+33711223344",
                                                            "alice@example.com", "ck-1"});
  }
  SECTION("the survivor's timeline, journeys and cases hold both customers'") {
    std::vector<int64_t> all = p.known_interactions;
    all.insert(all.end(), p.web_interactions.begin(), p.web_interactions.end());
    CHECK(TimelineIds(store.store(), "c-known") == Sorted(all));
    CHECK(TimelineIds(store.store(), "c-web").empty());
    for (int64_t id : p.web_interactions) CHECK(OwnerOf(store.store(), id) == "c-known");
    CHECK(Instances(store.store(), "c-known") ==
          std::map<int64_t, v1::JourneyStatus>{{p.known_instance, v1::JOURNEY_STATUS_MERGED},
                                               {p.web_instance, v1::JOURNEY_STATUS_ACTIVE}});
    CHECK(Instances(store.store(), "c-web").empty());
    ASSIGN_OR_FAIL(JourneyInstance ended, store->GetJourneyInstance(p.known_instance));
    CHECK(FromProtoTime(ended.ended_at()) == store.clock().Now());
    CHECK(CaseIds(store.store(), "c-known") == Sorted({p.known_case, p.web_case}));
    CHECK(CaseIds(store.store(), "c-web").empty());
  }
  SECTION("the absorbed customer is MERGED, pointing at the survivor") {
    ASSIGN_OR_FAIL(Customer web, store->GetCustomer("c-web"));
    CHECK(web.status() == v1::CUSTOMER_STATUS_MERGED);
    CHECK(web.merged_into() == "c-known");
    CHECK(web.identities_size() == 0);
  }
  SECTION("lookups by the absorbed's phone or id answer with the survivor") {
    ASSIGN_OR_FAIL(Context by_phone, store->Lookup({.identity = Phone("07 11 22 33 44"),
                                                    .channel = Channel::kIvr}));
    REQUIRE(by_phone.known());
    CHECK(by_phone.customer().id() == "c-known");
    REQUIRE(by_phone.journeys_size() == 1);
    CHECK(by_phone.journeys(0).current_step() == "upload_documents");
    CHECK(by_phone.open_cases_size() == 2);
    CHECK(by_phone.recent_size() == 5);
    ASSIGN_OR_FAIL(Context by_id, store->Lookup({.customer_id = "c-web"}));
    REQUIRE(by_id.known());
    CHECK(by_id.customer().id() == "c-known");
  }
  SECTION("writes to the absorbed id are refused, naming the survivor") {
    CHECK(store->Record(MakeInteraction("c-web", store.clock().Now(), v1::CHANNEL_KIND_WEB,
                                        "web.home", "page_view"))
              .status() == absl::NotFoundError("customer_id: merged into customer c-known"));
    CHECK(store->LinkIdentity("c-web", Cookie("ck-2")).status() ==
          absl::NotFoundError("customer_id: merged into customer c-known"));
  }
  SECTION("ListMerges shows the merge on both sides, and the audit has no personal data") {
    ASSIGN_OR_FAIL(auto on_known, store->ListMerges("c-known"));
    ASSIGN_OR_FAIL(auto on_web, store->ListMerges("c-web"));
    REQUIRE(on_known.size() == 1);
    REQUIRE(on_web.size() == 1);
    CHECK_THAT(on_known[0], ProtoEquals(m));
    CHECK_THAT(on_web[0], ProtoEquals(m));
    ASSIGN_OR_FAIL(auto audit, store->ListAudit(10));
    REQUIRE_FALSE(audit.empty());
    CHECK(audit[0].action() == "merge");
    CHECK(audit[0].actor() == "agent-7");
    CHECK(audit[0].customer_key() > 0);
    CHECK_THAT(audit[0].detail(), Contains(absl::StrCat("merge ", m.id(), ":")));
    for (const AuditEntry& e : audit) {
      for (const char* pii : {"Alice", "alice", "+33", "0612", "ck-1", "c-known", "c-web"}) {
        INFO(e.detail());
        CHECK_THAT(e.detail(), !Contains(pii));
      }
    }
  }
}

TEST_CASE("Merge settles conflicting profile fields by policy and records each choice",
          "[merge]") {
  TempStore store;
  SetUpPair(store);  // c-web was updated a minute after c-known.
  auto choice = [](const MergeRecord& m, const std::string& field) {
    for (const FieldChoice& f : m.fields()) {
      if (f.field() == field) return f;
    }
    return FieldChoice();
  };
  auto expect = [](const char* text) { return ParseTextProto<FieldChoice>(text); };

  SECTION("keep survivor is the default; an empty survivor field is filled") {
    Customer known;
    known.set_id("c-known");
    known.set_display_name("Alice Martin");
    SetAttribute(known.mutable_attributes(), "tier", "gold");
    REQUIRE_OK(store->UpsertCustomer(known));  // no language any more
    ASSIGN_OR_FAIL(MergeRecord m, store->Merge({.survivor_id = "c-known",
                                                 .absorbed_id = "c-web", .actor = "crm-sync"}));
    CHECK(m.fields_size() == 5);
    CHECK_THAT(choice(m, "display_name"),
               ProtoEquals(expect(R"pb(field: "display_name" taken_from: "survivor"
                                       rule: "keep_survivor" value: "Alice Martin")pb")));
    CHECK_THAT(choice(m, "language"),
               ProtoEquals(expect(R"pb(field: "language" taken_from: "absorbed"
                                       rule: "survivor_empty" value: "en-GB")pb")));
    CHECK_THAT(choice(m, "preferred_channel"),
               ProtoEquals(expect(R"pb(field: "preferred_channel" taken_from: "absorbed"
                                       rule: "survivor_empty" value: "web")pb")));
    CHECK_THAT(choice(m, "attributes.tier"),
               ProtoEquals(expect(R"pb(field: "attributes.tier" taken_from: "survivor"
                                       rule: "keep_survivor" value: "gold")pb")));
    CHECK_THAT(choice(m, "attributes.segment"),
               ProtoEquals(expect(R"pb(field: "attributes.segment" taken_from: "absorbed"
                                       rule: "survivor_empty" value: "web")pb")));
    ASSIGN_OR_FAIL(Customer after, store->GetCustomer("c-known"));
    CHECK(after.display_name() == "Alice Martin");
    CHECK(after.language() == "en-GB");
    CHECK(after.preferred_channel() == v1::CHANNEL_KIND_WEB);
    CHECK(FindAttribute(after.attributes(), "tier") == "gold");
    CHECK(FindAttribute(after.attributes(), "segment") == "web");
  }
  SECTION("newest wins takes the value of the customer updated last") {
    MergePolicy policy{.default_rule = FieldRule::kNewestWins};
    ASSIGN_OR_FAIL(MergeRecord m, store->Merge({.survivor_id = "c-known", .absorbed_id = "c-web",
                                                 .actor = "crm-sync", .policy = policy}));
    CHECK_THAT(choice(m, "display_name"),
               ProtoEquals(expect(R"pb(field: "display_name" taken_from: "absorbed"
                                       rule: "newest_wins" value: "alice m.")pb")));
    CHECK_THAT(choice(m, "attributes.tier"),
               ProtoEquals(expect(R"pb(field: "attributes.tier" taken_from: "absorbed"
                                       rule: "newest_wins" value: "silver")pb")));
    ASSIGN_OR_FAIL(Customer after, store->GetCustomer("c-known"));
    CHECK(after.display_name() == "alice m.");
    CHECK(after.language() == "en-GB");
    CHECK(FindAttribute(after.attributes(), "tier") == "silver");
  }
  SECTION("newest wins keeps the survivor when the survivor is newer") {
    store.clock().Advance(absl::Minutes(5));
    ASSIGN_OR_FAIL(Customer known, store->GetCustomer("c-known"));
    REQUIRE_OK(store->UpsertCustomer(known));  // touches updated_at
    ASSIGN_OR_FAIL(MergeRecord m, store->Merge({.survivor_id = "c-known",
                                                 .absorbed_id = "c-web",
                                                 .actor = "crm-sync",
                                                 .policy = {.default_rule =
                                                                FieldRule::kNewestWins}}));
    CHECK_THAT(choice(m, "display_name"),
               ProtoEquals(expect(R"pb(field: "display_name" taken_from: "survivor"
                                       rule: "newest_wins" value: "Alice Martin")pb")));
    CHECK_THAT(choice(m, "language"),
               ProtoEquals(expect(R"pb(field: "language" taken_from: "survivor"
                                       rule: "newest_wins" value: "fr-FR")pb")));
  }
  SECTION("per-field rules, attributes per key, and explicit values") {
    MergePolicy policy;
    policy.rules["display_name"] = FieldRule::kExplicit;
    policy.explicit_values["display_name"] = "Alice Martin-Durand";
    policy.rules["attributes.tier"] = FieldRule::kNewestWins;
    policy.rules["language"] = FieldRule::kKeepSurvivor;
    ASSIGN_OR_FAIL(MergeRecord m, store->Merge({.survivor_id = "c-known",
                                                 .absorbed_id = "c-web",
                                                 .actor = "agent-7",
                                                 .policy = policy}));
    CHECK_THAT(choice(m, "display_name"),
               ProtoEquals(expect(R"pb(field: "display_name" taken_from: "explicit"
                                       rule: "explicit" value: "Alice Martin-Durand")pb")));
    CHECK_THAT(choice(m, "attributes.tier"),
               ProtoEquals(expect(R"pb(field: "attributes.tier" taken_from: "absorbed"
                                       rule: "newest_wins" value: "silver")pb")));
    CHECK_THAT(choice(m, "language"),
               ProtoEquals(expect(R"pb(field: "language" taken_from: "survivor"
                                       rule: "keep_survivor" value: "fr-FR")pb")));
    ASSIGN_OR_FAIL(Customer after, store->GetCustomer("c-known"));
    CHECK(after.display_name() == "Alice Martin-Durand");
    CHECK(FindAttribute(after.attributes(), "tier") == "silver");
    CHECK(after.language() == "fr-FR");
  }
  SECTION("\"attributes\" sets the rule for every attribute key") {
    MergePolicy policy;
    policy.rules["attributes"] = FieldRule::kNewestWins;
    ASSIGN_OR_FAIL(MergeRecord m, store->Merge({.survivor_id = "c-known", .absorbed_id = "c-web",
                                                 .actor = "agent-7", .policy = policy}));
    CHECK(choice(m, "attributes.tier").taken_from() == "absorbed");
    CHECK(choice(m, "display_name").rule() == "keep_survivor");
  }
}

TEST_CASE("Two active instances of one journey: the more advanced one stays", "[merge]") {
  TempStore store;
  MakeCustomer(store.store(), "s", "Sam");
  MakeCustomer(store.store(), "a", "Sam B");
  REQUIRE_OK(store->DefineJourney(Loan()));
  ASSIGN_OR_FAIL(JourneyInstance si, store->StartJourney("s", "loan"));
  ASSIGN_OR_FAIL(JourneyInstance ai, store->StartJourney("a", "loan"));
  REQUIRE_OK(store->AdvanceJourney(si.id(), "upload_documents"));
  REQUIRE_OK(store->AdvanceJourney(si.id(), "review"));
  REQUIRE_OK(store->AdvanceJourney(ai.id(), "upload_documents"));
  ASSIGN_OR_FAIL(MergeRecord m,
                 store->Merge({.survivor_id = "s", .absorbed_id = "a", .actor = "agent-7"}));
  CHECK(Ids(m.journey_instances_ended()) == std::vector<int64_t>{ai.id()});
  CHECK(Instances(store.store(), "s") ==
        std::map<int64_t, v1::JourneyStatus>{{si.id(), v1::JOURNEY_STATUS_ACTIVE},
                                             {ai.id(), v1::JOURNEY_STATUS_MERGED}});
  // The ended instance can no longer move.
  CHECK(store->AdvanceJourney(ai.id(), "review").status().code() ==
        absl::StatusCode::kFailedPrecondition);
  ASSIGN_OR_FAIL(MergeRecord undone, store->Unmerge(m.id(), "agent-7"));
  CHECK(Instances(store.store(), "s") ==
        std::map<int64_t, v1::JourneyStatus>{{si.id(), v1::JOURNEY_STATUS_ACTIVE}});
  CHECK(Instances(store.store(), "a") ==
        std::map<int64_t, v1::JourneyStatus>{{ai.id(), v1::JOURNEY_STATUS_ACTIVE}});
  ASSIGN_OR_FAIL(JourneyInstance back, store->GetJourneyInstance(ai.id()));
  CHECK(back.current_step() == "upload_documents");
  CHECK_FALSE(back.has_ended_at());
}

TEST_CASE("PreviewMerge tells what Merge would do and writes nothing", "[merge]") {
  TempStore store;
  SetUpPair(store);
  const std::string db_before = FileBytes(store.path());
  const std::string wal_before = FileBytes(store.path() + "-wal");
  ASSIGN_OR_FAIL(MergeRecord preview, store->PreviewMerge({.survivor_id = "c-known",
                                                           .absorbed_id = "c-web",
                                                           .actor = "agent-7"}));
  CHECK(preview.dry_run());
  CHECK(preview.id() == 0);
  CHECK(FileBytes(store.path()) == db_before);
  CHECK(FileBytes(store.path() + "-wal") == wal_before);
  ASSIGN_OR_FAIL(auto merges, store->ListMerges("c-known"));
  CHECK(merges.empty());
  ASSIGN_OR_FAIL(auto owner, store->Resolve(Cookie("ck-1")));
  CHECK(owner == std::optional<std::string>("c-web"));
  ASSIGN_OR_FAIL(auto audit, store->ListAudit(10));
  CHECK(audit.empty());
  // The preview is the merge, to the field.
  ASSIGN_OR_FAIL(MergeRecord real, store->Merge({.survivor_id = "c-known",
                                                  .absorbed_id = "c-web",
                                                  .actor = "agent-7"}));
  CHECK_THAT(real, ProtoEquals(preview, {"omnictx.v1.MergeRecord.id",
                                         "omnictx.v1.MergeRecord.dry_run"}));
  // Errors are Merge's.
  CHECK(store->PreviewMerge({.survivor_id = "c-known", .absorbed_id = "c-web", .actor = "x"})
            .status() ==
        absl::NotFoundError("absorbed_id: merged into customer c-known"));
}

TEST_CASE("Unmerge gives back the absorbed customer and keeps later activity", "[merge]") {
  TempStore store;
  Pair p = SetUpPair(store);
  ASSIGN_OR_FAIL(Customer web_before, store->GetCustomer("c-web"));
  ASSIGN_OR_FAIL(MergeRecord m, store->Merge({.survivor_id = "c-known",
                                               .absorbed_id = "c-web",
                                               .actor = "agent-7"}));
  // After the merge: activity on the survivor through each side's identities.
  store.clock().Advance(absl::Minutes(1));
  const absl::Time t1 = store.clock().Now();
  auto record = [&](const Interaction& i) {
    auto id = store->Record(i);
    INFO(id.status().ToString());
    REQUIRE(id.ok());
    return *id;
  };
  Interaction call = MakeInteraction("c-known", t1, v1::CHANNEL_KIND_VOICE, "ivr.main", "call");
  const int64_t via_web_phone = record(Via(call, Phone("07 11 22 33 44")));
  const int64_t via_cookie =
      record(Via(MakeInteraction("c-known", t1, v1::CHANNEL_KIND_WEB, "web.home", "page_view"),
                 Cookie("ck-1")));
  // An event that arrives late: recorded after the merge, happened before it.
  const int64_t late_via_cookie = record(
      Via(MakeInteraction("c-known", t1 - absl::Minutes(30), v1::CHANNEL_KIND_WEB, "web.home",
                          "page_view"),
          Cookie("ck-1")));
  const int64_t via_known_phone = record(Via(call, Phone("+33612345678")));
  const int64_t no_via = record(call);
  REQUIRE_OK(store->LinkIdentity("c-known", Device("dev-after")));
  ASSIGN_OR_FAIL(Case later_case, store->OpenCase(NewCase("c-known", "Later question")));
  REQUIRE_OK(store->AdvanceJourney(p.web_instance, "review"));
  // The survivor's profile changes after the merge: that change stays.
  ASSIGN_OR_FAIL(Customer known_now, store->GetCustomer("c-known"));
  CHECK(FindAttribute(known_now.attributes(), "segment") == "web");  // filled from c-web
  SetAttribute(known_now.mutable_attributes(), "segment", "vip");
  REQUIRE_OK(store->UpsertCustomer(known_now));

  store.clock().Advance(absl::Minutes(1));
  ASSIGN_OR_FAIL(MergeRecord undone, store->Unmerge(m.id(), "supervisor-2"));
  CHECK(FromProtoTime(undone.unmerged_at()) == store.clock().Now());
  CHECK(undone.unmerged_by() == "supervisor-2");
  CHECK(undone.id() == m.id());

  SECTION("identities go back, the one linked later stays") {
    ASSIGN_OR_FAIL(Customer web, store->GetCustomer("c-web"));
    CHECK(IdentityValues(web) == std::vector<std::string>{"+33711223344", "ck-1"});
    ASSIGN_OR_FAIL(Customer known, store->GetCustomer("c-known"));
    CHECK(IdentityValues(known) ==
          std::vector<std::string>{"+33612345678", "alice@example.com", "dev-after"});
  }
  SECTION("every interaction lands with the right customer") {
    for (int64_t id : p.web_interactions) CHECK(OwnerOf(store.store(), id) == "c-web");
    for (int64_t id : p.known_interactions) CHECK(OwnerOf(store.store(), id) == "c-known");
    CHECK(OwnerOf(store.store(), via_web_phone) == "c-web");
    CHECK(OwnerOf(store.store(), via_cookie) == "c-web");
    CHECK(OwnerOf(store.store(), late_via_cookie) == "c-web");
    CHECK(OwnerOf(store.store(), via_known_phone) == "c-known");
    CHECK(OwnerOf(store.store(), no_via) == "c-known");
    std::vector<int64_t> web = p.web_interactions;
    web.insert(web.end(), {via_web_phone, via_cookie, late_via_cookie});
    CHECK(TimelineIds(store.store(), "c-web") == Sorted(web));
    std::vector<int64_t> known = p.known_interactions;
    known.insert(known.end(), {via_known_phone, no_via});
    CHECK(TimelineIds(store.store(), "c-known") == Sorted(known));
  }
  SECTION("journey instances and cases go back; the ended one is active again") {
    CHECK(Instances(store.store(), "c-web") ==
          std::map<int64_t, v1::JourneyStatus>{{p.web_instance, v1::JOURNEY_STATUS_ACTIVE}});
    CHECK(Instances(store.store(), "c-known") ==
          std::map<int64_t, v1::JourneyStatus>{{p.known_instance, v1::JOURNEY_STATUS_ACTIVE}});
    ASSIGN_OR_FAIL(JourneyInstance web_inst, store->GetJourneyInstance(p.web_instance));
    CHECK(web_inst.current_step() == "review");
    ASSIGN_OR_FAIL(JourneyInstance known_inst, store->GetJourneyInstance(p.known_instance));
    CHECK(known_inst.current_step() == "simulate");
    CHECK_FALSE(known_inst.has_ended_at());
    CHECK(CaseIds(store.store(), "c-web") == std::vector<int64_t>{p.web_case});
    CHECK(CaseIds(store.store(), "c-known") == Sorted({p.known_case, later_case.id()}));
  }
  SECTION("profiles: the absorbed's comes back, the survivor's unless changed since") {
    ASSIGN_OR_FAIL(Customer web, store->GetCustomer("c-web"));
    CHECK(web.status() == v1::CUSTOMER_STATUS_ACTIVE);
    CHECK(web.merged_into().empty());
    CHECK_THAT(web, ProtoEquals(web_before, {"omnictx.v1.Customer.updated_at",
                                             "omnictx.v1.Customer.last_seen_at",
                                             "omnictx.v1.Customer.last_seen_channel",
                                             "omnictx.v1.Customer.identities"}));
    ASSIGN_OR_FAIL(Customer known, store->GetCustomer("c-known"));
    CHECK(known.display_name() == "Alice Martin");
    CHECK(known.language() == "fr-FR");
    CHECK(known.preferred_channel() == v1::CHANNEL_KIND_UNSPECIFIED);
    CHECK(FindAttribute(known.attributes(), "tier") == "gold");
    CHECK(FindAttribute(known.attributes(), "segment") == "vip");  // changed after the merge
  }
  SECTION("both sides list the undone merge; the audit names no one") {
    ASSIGN_OR_FAIL(auto merges, store->ListMerges("c-web"));
    REQUIRE(merges.size() == 1);
    CHECK_THAT(merges[0], ProtoEquals(undone));
    ASSIGN_OR_FAIL(auto audit, store->ListAudit(1));
    REQUIRE(audit.size() == 1);
    CHECK(audit[0].action() == "unmerge");
    CHECK(audit[0].actor() == "supervisor-2");
    CHECK_THAT(audit[0].detail(), Contains(absl::StrCat("unmerge ", m.id(), ":")));
    for (const char* pii : {"Alice", "alice", "+33", "ck-1", "c-web", "c-known"}) {
      CHECK_THAT(audit[0].detail(), !Contains(pii));
    }
  }
  SECTION("a second Unmerge is refused and changes nothing") {
    const std::string db_before = FileBytes(store.path());
    CHECK(store->Unmerge(m.id(), "supervisor-2").status() ==
          absl::FailedPreconditionError(absl::StrCat("merge ", m.id(), " was already undone")));
    CHECK(FileBytes(store.path()) == db_before);
    ASSIGN_OR_FAIL(auto owner, store->Resolve(Cookie("ck-1")));
    CHECK(owner == std::optional<std::string>("c-web"));
  }
}

TEST_CASE("Unmerge refuses while a later merge depends on it", "[merge]") {
  TempStore store;
  for (const char* id : {"a", "b", "c"}) MakeCustomer(store.store(), id, "X");
  REQUIRE_OK(store->LinkIdentity("b", Email("b@example.com")));
  ASSIGN_OR_FAIL(int64_t bi, store->Record(MakeInteraction("b", store.clock().Now(),
                                                           v1::CHANNEL_KIND_SMS, "sms", "sms")));
  ASSIGN_OR_FAIL(MergeRecord first, store->Merge({.survivor_id = "a", .absorbed_id = "b",
                                                   .actor = "ops"}));
  ASSIGN_OR_FAIL(MergeRecord second, store->Merge({.survivor_id = "c", .absorbed_id = "a",
                                                    .actor = "ops"}));
  CHECK(OwnerOf(store.store(), bi) == "c");
  ASSIGN_OR_FAIL(Context ctx, store->Lookup({.customer_id = "b"}));  // two hops
  CHECK(ctx.customer().id() == "c");
  CHECK(store->Unmerge(first.id(), "ops").status() ==
        absl::FailedPreconditionError(absl::StrCat("merge ", first.id(),
                                                   ": the survivor was merged again later; "
                                                   "undo merge ",
                                                   second.id(), " first")));
  ASSIGN_OR_FAIL(auto owner, store->Resolve(Email("b@example.com")));
  CHECK(owner == std::optional<std::string>("c"));
  // In the right order both come undone.
  REQUIRE_OK(store->Unmerge(second.id(), "ops"));
  CHECK(OwnerOf(store.store(), bi) == "a");
  REQUIRE_OK(store->Unmerge(first.id(), "ops"));
  CHECK(OwnerOf(store.store(), bi) == "b");
  ASSIGN_OR_FAIL(owner, store->Resolve(Email("b@example.com")));
  CHECK(owner == std::optional<std::string>("b"));
  for (const char* id : {"a", "b", "c"}) {
    ASSIGN_OR_FAIL(Customer c, store->GetCustomer(id));
    CHECK(c.status() == v1::CUSTOMER_STATUS_ACTIVE);
  }
  CHECK(store->Unmerge(999, "ops").status() == absl::NotFoundError("merge_id: no such merge 999"));
  CHECK(store->Unmerge(first.id(), "").status() == absl::InvalidArgumentError("actor: empty"));
}

TEST_CASE("Merge refuses bad requests and changes nothing", "[merge]") {
  TempStore store;
  MakeCustomer(store.store(), "a", "Ann");
  MakeCustomer(store.store(), "b", "Bob");
  MakeCustomer(store.store(), "gone", "Gina");
  REQUIRE_OK(store->LinkIdentity("b", Email("bob@example.com")));
  REQUIRE_OK(store->Erase("gone", "dpo"));
  const std::string db_before = FileBytes(store.path());
  auto merge = [&](const std::string& s, const std::string& a, const std::string& actor) {
    return store->Merge({.survivor_id = s, .absorbed_id = a, .actor = actor}).status();
  };
  CHECK(merge("a", "a", "ops") ==
        absl::InvalidArgumentError("merge: survivor and absorbed are the same customer"));
  CHECK(merge("a", "b", "") == absl::InvalidArgumentError("actor: empty"));
  CHECK(merge("", "b", "ops") == absl::InvalidArgumentError("customer_id: empty"));
  CHECK(merge("a", "ghost", "ops") == absl::NotFoundError("absorbed_id: no such customer"));
  CHECK(merge("ghost", "a", "ops") == absl::NotFoundError("survivor_id: no such customer"));
  CHECK(merge("a", "erased-3", "ops") ==
        absl::FailedPreconditionError("absorbed_id: customer erased"));
  CHECK(merge("erased-3", "a", "ops") ==
        absl::FailedPreconditionError("survivor_id: customer erased"));
  // The erased customer's own id is remembered as a tombstone.
  CHECK(merge("a", "gone", "ops") ==
        absl::FailedPreconditionError("absorbed_id: customer erased"));
  CHECK(FileBytes(store.path()) == db_before);
  ASSIGN_OR_FAIL(auto owner, store->Resolve(Email("bob@example.com")));
  CHECK(owner == std::optional<std::string>("b"));
  // Merging into a customer that was merged away names where it went.
  REQUIRE_OK(merge("a", "b", "ops"));
  CHECK(merge("b", "a", "ops") ==
        absl::NotFoundError("survivor_id: merged into customer a"));
  ASSIGN_OR_FAIL(auto merges, store->ListMerges("a"));
  CHECK(merges.size() == 1);
}

TEST_CASE("Guards refuse merges and links that would join strangers", "[merge]") {
  Options options;
  options.identity.blocked_values = {"+33140000000", "frontdesk@shop.example"};
  TempStore store(options);
  MakeCustomer(store.store(), "a", "Ann");
  MakeCustomer(store.store(), "b", "Bob");
  for (int k = 0; k < 3; ++k) {
    REQUIRE_OK(store->LinkIdentity("a", Device(absl::StrCat("dev-a", k))));
    REQUIRE_OK(store->LinkIdentity("b", Device(absl::StrCat("dev-b", k))));
  }
  const std::string kKindLimit =
      "guard kind_limit: more than 5 device identities for one customer within 168h";

  SECTION("kind_limit: six device ids across the two customers") {
    const std::string db_before = FileBytes(store.path());
    CHECK(store->Merge({.survivor_id = "a", .absorbed_id = "b", .actor = "ops"}).status() ==
          absl::FailedPreconditionError(kKindLimit));
    CHECK(store->PreviewMerge({.survivor_id = "a", .absorbed_id = "b", .actor = "ops"})
              .status() == absl::FailedPreconditionError(kKindLimit));
    CHECK(FileBytes(store.path()) == db_before);
    ASSIGN_OR_FAIL(Customer b, store->GetCustomer("b"));
    CHECK(b.status() == v1::CUSTOMER_STATUS_ACTIVE);
    CHECK(b.identities_size() == 3);
    ASSIGN_OR_FAIL(auto merges, store->ListMerges("a"));
    CHECK(merges.empty());
    // Without one of them the merge goes through.
    REQUIRE_OK(store->UnlinkIdentity(Device("dev-b0")));
    REQUIRE_OK(store->Merge({.survivor_id = "a", .absorbed_id = "b", .actor = "ops"}));
  }
  SECTION("kind_limit on LinkIdentity, counted over the window") {
    REQUIRE_OK(store->LinkIdentity("a", Device("dev-a3")));
    REQUIRE_OK(store->LinkIdentity("a", Device("dev-a4")));
    CHECK(store->LinkIdentity("a", Device("dev-a5")).status() ==
          absl::FailedPreconditionError(kKindLimit));
    ASSIGN_OR_FAIL(auto owner, store->Resolve(Device("dev-a5")));
    CHECK_FALSE(owner.has_value());
    store.clock().Advance(absl::Hours(24 * 7 + 1));
    REQUIRE_OK(store->LinkIdentity("a", Device("dev-a5")));
  }
  SECTION("kind_limit: one CRM id per customer, whenever linked") {
    REQUIRE_OK(store->LinkIdentity("a", CrmId("crm-1")));
    REQUIRE_OK(store->LinkIdentity("b", CrmId("crm-2")));
    REQUIRE_OK(store->UnlinkIdentity(Device("dev-b0")));
    store.clock().Advance(absl::Hours(24 * 365));
    CHECK(store->LinkIdentity("a", CrmId("crm-3")).status() ==
          absl::FailedPreconditionError(
              "guard kind_limit: more than 1 crm_id identities for one customer"));
    CHECK(store->Merge({.survivor_id = "a", .absorbed_id = "b", .actor = "ops"}).status() ==
          absl::FailedPreconditionError(
              "guard kind_limit: more than 1 crm_id identities for one customer"));
  }
  SECTION("blocked_value: a configured value never links") {
    CHECK(store->LinkIdentity("a", Phone("01 40 00 00 00")).status() ==
          absl::FailedPreconditionError("guard blocked_value: this identity value never links"));
    CHECK(store->LinkIdentity("a", Email("FrontDesk@Shop.example")).status() ==
          absl::FailedPreconditionError("guard blocked_value: this identity value never links"));
    ASSIGN_OR_FAIL(auto owner, store->Resolve(Phone("+33140000000")));
    CHECK_FALSE(owner.has_value());
    // Stitching through a blocked value is refused the same way.
    REQUIRE_OK(store->LinkIdentity("b", Cookie("ck-b")));
    CHECK(store->Stitch(Cookie("ck-b"), Email("frontdesk@shop.example"), "web-login").status() ==
          absl::FailedPreconditionError("guard blocked_value: this identity value never links"));
  }
}

TEST_CASE("A blocked value linked before it was blocked does not stitch strangers", "[merge]") {
  TempStore store;
  MakeCustomer(store.store(), "shop-client", "Client");
  MakeCustomer(store.store(), "visitor", "");
  REQUIRE_OK(store->LinkIdentity("shop-client", Phone("01 40 00 00 00")));
  REQUIRE_OK(store->LinkIdentity("visitor", Cookie("ck-v")));
  Options options = store.options();
  options.identity.blocked_values = {"+33140000000"};
  store.Close();
  ASSIGN_OR_FAIL(auto reopened, Store::Open(store.path(), options));
  CHECK(reopened->Stitch(Cookie("ck-v"), Phone("01 40 00 00 00"), "web-login").status() ==
        absl::FailedPreconditionError("guard blocked_value: this identity value never links"));
  ASSIGN_OR_FAIL(auto owner, reopened->Resolve(Cookie("ck-v")));
  CHECK(owner == std::optional<std::string>("visitor"));
}

TEST_CASE("Stitch joins an anonymous visitor to the customer they turn out to be", "[merge]") {
  TempStore store;
  REQUIRE_OK(store->DefineJourney(Loan()));
  MakeCustomer(store.store(), "visitor", "");
  REQUIRE_OK(store->LinkIdentity("visitor", Cookie("ck-9")));
  ASSIGN_OR_FAIL(int64_t view, store->Record(MakeInteraction(
                                   "visitor", store.clock().Now(), v1::CHANNEL_KIND_WEB,
                                   "web.simulator", "page_view")));
  ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("visitor", "loan"));
  ASSIGN_OR_FAIL(Case web_case, store->OpenCase(NewCase("visitor", "Chat about rates")));
  MakeCustomer(store.store(), "alice", "Alice");
  REQUIRE_OK(store->LinkIdentity("alice", Email("alice@example.com")));

  SECTION("the known customer survives and gets the visitor's history") {
    ASSIGN_OR_FAIL(auto m, store->Stitch(Cookie("ck-9"), Email(" Alice@Example.com "),
                                         "web-login"));
    REQUIRE(m.has_value());
    CHECK(m->survivor_id() == "alice");
    CHECK(m->absorbed_id() == "visitor");
    CHECK(m->actor() == "web-login");
    ASSIGN_OR_FAIL(auto owner, store->Resolve(Cookie("ck-9")));
    CHECK(owner == std::optional<std::string>("alice"));
    CHECK(TimelineIds(store.store(), "alice") == std::vector<int64_t>{view});
    CHECK(Instances(store.store(), "alice") ==
          std::map<int64_t, v1::JourneyStatus>{{inst.id(), v1::JOURNEY_STATUS_ACTIVE}});
    CHECK(CaseIds(store.store(), "alice") == std::vector<int64_t>{web_case.id()});
    ASSIGN_OR_FAIL(Customer visitor, store->GetCustomer("visitor"));
    CHECK(visitor.status() == v1::CUSTOMER_STATUS_MERGED);
    // Stitching again has nothing to do.
    ASSIGN_OR_FAIL(auto again, store->Stitch(Cookie("ck-9"), Email("alice@example.com"), "w"));
    CHECK_FALSE(again.has_value());
    // And the stitch is a merge that can be undone.
    REQUIRE_OK(store->Unmerge(m->id(), "ops"));
    ASSIGN_OR_FAIL(owner, store->Resolve(Cookie("ck-9")));
    CHECK(owner == std::optional<std::string>("visitor"));
  }
  SECTION("nobody owns the known identity: it joins the visitor") {
    ASSIGN_OR_FAIL(auto m, store->Stitch(Cookie("ck-9"), Phone("06 99 88 77 66"), "web-login"));
    CHECK_FALSE(m.has_value());
    ASSIGN_OR_FAIL(auto owner, store->Resolve(Phone("+33699887766")));
    CHECK(owner == std::optional<std::string>("visitor"));
    ASSIGN_OR_FAIL(auto merges, store->ListMerges("visitor"));
    CHECK(merges.empty());
  }
  SECTION("the customer with the higher-priority identity kind survives") {
    // The visitor also holds a CRM id, which outranks an email.
    REQUIRE_OK(store->LinkIdentity("visitor", CrmId("crm-77")));
    ASSIGN_OR_FAIL(auto m, store->Stitch(Cookie("ck-9"), Email("alice@example.com"), "login"));
    REQUIRE(m.has_value());
    CHECK(m->survivor_id() == "visitor");
    CHECK(m->absorbed_id() == "alice");
    ASSIGN_OR_FAIL(auto owner, store->Resolve(Email("alice@example.com")));
    CHECK(owner == std::optional<std::string>("visitor"));
  }
  SECTION("equal rank: the known customer survives") {
    REQUIRE_OK(store->LinkIdentity("visitor", Email("other@example.com")));
    ASSIGN_OR_FAIL(auto m, store->Stitch(Cookie("ck-9"), Email("alice@example.com"), "login"));
    REQUIRE(m.has_value());
    CHECK(m->survivor_id() == "alice");
  }
  SECTION("bad input") {
    CHECK(store->Stitch(Cookie("ck-unknown"), Email("alice@example.com"), "login").status() ==
          absl::NotFoundError("anonymous: not linked to any customer"));
    CHECK(store->Stitch(Email("alice@example.com"), Cookie("ck-9"), "login").status() ==
          absl::InvalidArgumentError("anonymous: must be a cookie or device identity"));
    CHECK(store->Stitch(Cookie("ck-9"), Email("alice@example.com"), "").status() ==
          absl::InvalidArgumentError("actor: empty"));
    CHECK(store->Stitch(Cookie("ck-9"), Email("a@"), "login").status().code() ==
          absl::StatusCode::kInvalidArgument);
    ASSIGN_OR_FAIL(auto owner, store->Resolve(Cookie("ck-9")));
    CHECK(owner == std::optional<std::string>("visitor"));
  }
}

}  // namespace
}  // namespace omnictx
