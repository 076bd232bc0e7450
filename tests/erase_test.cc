// SPDX-License-Identifier: Apache-2.0
//
// Erasure, retention and consent through the Store: Erase leaves no
// personal data in any table nor in the file's bytes, keeps tombstones so
// the person is not silently re-created, and audits without naming anyone;
// Purge applies the retention policy in batches; SetConsent replaces one
// decision per purpose and channel.
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
using testing::TempStore;

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The database file and its WAL, as one string of bytes.
std::string StoreBytes(const std::string& path) {
  return FileBytes(path) + FileBytes(path + "-wal");
}

Case NewCase(const std::string& customer_id, const std::string& subject) {
  Case c;
  c.set_customer_id(customer_id);
  c.set_subject(subject);
  return c;
}

Consent MakeConsent(const std::string& purpose, v1::ChannelKind channel, v1::ConsentState state) {
  Consent c;
  c.set_purpose(purpose);
  c.set_channel(channel);
  c.set_state(state);
  return c;
}

// A customer with every kind of personal data, all containing `tag`.
struct Person {
  std::string id, name, phone_national, phone_e164, email, summary, attribute, external_id,
      subject;
  std::vector<int64_t> interactions;
  int64_t case_id = 0;
};

Person MakePerson(TempStore& store, const std::string& tag, const std::string& phone_digits) {
  Person p;
  p.id = absl::StrCat("cust-", tag);
  p.name = absl::StrCat("Name ", tag);
  p.phone_national = absl::StrCat("06", phone_digits);
  p.phone_e164 = absl::StrCat("+336", phone_digits);
  p.email = absl::StrCat("mail.", tag, "@example.org");
  p.summary = absl::StrCat("summary ", tag, ": wants to move the contract");
  p.attribute = absl::StrCat("attr-", tag);
  p.external_id = absl::StrCat("ext-", tag);
  p.subject = absl::StrCat("subject ", tag);
  Customer c;
  c.set_id(p.id);
  c.set_display_name(p.name);
  SetAttribute(c.mutable_attributes(), "note", p.attribute);
  *c.add_consents() = MakeConsent("marketing", v1::CHANNEL_KIND_EMAIL, v1::CONSENT_STATE_GRANTED);
  REQUIRE_OK(store->UpsertCustomer(c));
  REQUIRE_OK(store->LinkIdentity(p.id, Phone(p.phone_national)));
  REQUIRE_OK(store->LinkIdentity(p.id, Email(p.email)));
  ASSIGN_OR_FAIL(Case kase, store->OpenCase(NewCase(p.id, p.subject)));
  p.case_id = kase.id();
  for (int k = 0; k < 2; ++k) {
    Interaction i = MakeInteraction(p.id, store.clock().Now() - absl::Minutes(k),
                                    v1::CHANNEL_KIND_VOICE, "ivr.main", "call");
    i.set_summary(p.summary);
    SetAttribute(i.mutable_attributes(), "note", p.attribute);
    i.set_external_id(absl::StrCat(p.external_id, "-", k));
    i.set_agent_id("agent-12");
    i.set_case_id(p.case_id);
    *i.mutable_via() = Phone(p.phone_national);
    ASSIGN_OR_FAIL(int64_t id, store->Record(i));
    p.interactions.push_back(id);
  }
  return p;
}

// Every string of `p` that must not survive its erasure.
std::vector<std::string> Canaries(const Person& p) {
  return {p.id,      p.name,      p.phone_e164, p.phone_national, p.email,
          p.summary, p.attribute, p.external_id, p.subject};
}

TEST_CASE("Erase removes a customer's personal data and keeps anonymous counts", "[erase]") {
  TempStore store;
  Person p = MakePerson(store, "ann", "12345678");
  Person other = MakePerson(store, "bob", "87654321");
  store.clock().Advance(absl::Minutes(5));
  ASSIGN_OR_FAIL(ErasureReceipt receipt, store->Erase(p.id, "dpo-1"));
  CHECK(receipt.identities_removed() == 2);
  CHECK(receipt.tombstones_written() == 2);
  CHECK(receipt.interactions_scrubbed() == 2);
  CHECK(receipt.cases_scrubbed() == 1);
  CHECK(receipt.merges_forgotten() == 0);
  CHECK(receipt.checkpointed());
  CHECK(receipt.audit_id() > 0);

  SECTION("identities no longer resolve; the old id is gone") {
    ASSIGN_OR_FAIL(auto owner, store->Resolve(Phone(p.phone_e164)));
    CHECK_FALSE(owner.has_value());
    ASSIGN_OR_FAIL(owner, store->Resolve(Email(p.email)));
    CHECK_FALSE(owner.has_value());
    CHECK(store->GetCustomer(p.id).status() ==
          absl::NotFoundError("customer_id: no such customer"));
    ASSIGN_OR_FAIL(Context ctx, store->Lookup({.identity = Phone(p.phone_e164)}));
    CHECK_FALSE(ctx.known());
    ASSIGN_OR_FAIL(owner, store->Resolve(Phone(other.phone_e164)));
    CHECK(owner == std::optional<std::string>(other.id));
  }
  SECTION("the row stays as erased-<key> with an empty profile") {
    ASSIGN_OR_FAIL(Customer erased, store->GetCustomer("erased-1"));
    CHECK(erased.status() == v1::CUSTOMER_STATUS_ERASED);
    CHECK(erased.display_name().empty());
    CHECK(erased.attributes().empty());
    CHECK(erased.consents().empty());
    CHECK(erased.identities().empty());
    ASSIGN_OR_FAIL(Context ctx, store->Lookup({.customer_id = "erased-1"}));
    CHECK_FALSE(ctx.known());
  }
  SECTION("interactions keep channel, kind and times, lose what describes the person") {
    for (int64_t id : p.interactions) {
      ASSIGN_OR_FAIL(Interaction i, store->GetInteraction(id));
      CHECK(i.customer_id() == "erased-1");
      CHECK(i.channel().kind() == v1::CHANNEL_KIND_VOICE);
      CHECK(i.kind() == "call");
      CHECK(i.touchpoint() == "ivr.main");
      CHECK(i.case_id() == p.case_id);
      CHECK(i.has_occurred_at());
      CHECK(i.summary().empty());
      CHECK(i.attributes().empty());
      CHECK(i.external_id().empty());
      CHECK(i.agent_id().empty());
      CHECK_FALSE(i.has_via());
    }
    ASSIGN_OR_FAIL(Case kase, store->GetCase(p.case_id));
    CHECK(kase.subject().empty());
    CHECK(kase.customer_id() == "erased-1");
    // The other customer's are untouched.
    ASSIGN_OR_FAIL(Interaction kept, store->GetInteraction(other.interactions[0]));
    CHECK(kept.summary() == other.summary);
    CHECK(kept.agent_id() == "agent-12");
    ASSIGN_OR_FAIL(Case other_case, store->GetCase(other.case_id));
    CHECK(other_case.subject() == other.subject);
    // The external id is free again rather than pointing at the erased row.
    Interaction again = MakeInteraction(other.id, store.clock().Now(), v1::CHANNEL_KIND_SMS,
                                        "sms", "sms");
    again.set_external_id(p.external_id + "-0");
    REQUIRE_OK(store->Record(again));
  }
  SECTION("the audit says who erased and how much, naming no one") {
    ASSIGN_OR_FAIL(auto audit, store->ListAudit(1));
    REQUIRE(audit.size() == 1);
    CHECK(audit[0].id() == receipt.audit_id());
    CHECK(audit[0].action() == "erase");
    CHECK(audit[0].actor() == "dpo-1");
    CHECK(audit[0].customer_key() == 1);
    CHECK(audit[0].detail() == "erased 2 identities, scrubbed 2 interactions and 1 cases");
  }
  SECTION("an erased customer cannot be erased, written to or merged again") {
    CHECK(store->Erase("erased-1", "dpo-1").status() ==
          absl::FailedPreconditionError("customer_id: customer erased"));
    CHECK(store->Erase(p.id, "dpo-1").status() ==
          absl::FailedPreconditionError("customer_id: customer erased"));
    CHECK(store->Merge({.survivor_id = other.id, .absorbed_id = p.id, .actor = "ops"}).status() ==
          absl::FailedPreconditionError("absorbed_id: customer erased"));
    CHECK(store->Merge({.survivor_id = p.id, .absorbed_id = other.id, .actor = "ops"}).status() ==
          absl::FailedPreconditionError("survivor_id: customer erased"));
    CHECK(store->Record(MakeInteraction("erased-1", store.clock().Now(), v1::CHANNEL_KIND_SMS,
                                        "sms", "sms"))
              .status() == absl::FailedPreconditionError("customer_id: customer erased"));
    CHECK(store->LinkIdentity("erased-1", Cookie("ck-x")).status() ==
          absl::FailedPreconditionError("customer_id: customer erased"));
    CHECK(store->Erase(other.id, "").status() == absl::InvalidArgumentError("actor: empty"));
    CHECK(store->Erase("", "dpo-1").status() == absl::InvalidArgumentError("customer_id: empty"));
  }
}

TEST_CASE("Erase follows merges: a survivor takes the customers it absorbed along",
          "[erase]") {
  TempStore store;
  Person a = MakePerson(store, "aa", "11111111");
  Person b = MakePerson(store, "bb", "22222222");
  Person c = MakePerson(store, "cc", "33333333");
  Person d = MakePerson(store, "dd", "44444444");
  ASSIGN_OR_FAIL(MergeRecord first, store->Merge({.survivor_id = a.id, .absorbed_id = b.id,
                                                   .actor = "ops"}));
  REQUIRE_OK(store->Merge({.survivor_id = c.id, .absorbed_id = a.id, .actor = "ops"}));
  // A merge of d into c that was undone still holds both profiles.
  ASSIGN_OR_FAIL(MergeRecord undone, store->Merge({.survivor_id = c.id, .absorbed_id = d.id,
                                                    .actor = "ops"}));
  REQUIRE_OK(store->Unmerge(undone.id(), "ops"));

  CHECK(store->Erase(b.id, "dpo").status() ==
        absl::FailedPreconditionError(
            absl::StrCat("customer_id: merged into customer ", a.id, "; erase that customer")));
  CHECK(store->Erase(a.id, "dpo").status().code() == absl::StatusCode::kFailedPrecondition);

  ASSIGN_OR_FAIL(ErasureReceipt receipt, store->Erase(c.id, "dpo"));
  CHECK(receipt.identities_removed() == 6);
  CHECK(receipt.interactions_scrubbed() == 6);
  CHECK(receipt.cases_scrubbed() == 3);
  CHECK(receipt.merges_forgotten() == 3);
  for (const Person* gone : {&a, &b, &c}) {
    INFO(gone->id);
    CHECK(store->GetCustomer(gone->id).status().code() == absl::StatusCode::kNotFound);
    ASSIGN_OR_FAIL(auto owner, store->Resolve(Email(gone->email)));
    CHECK_FALSE(owner.has_value());
  }
  ASSIGN_OR_FAIL(Customer still, store->GetCustomer(d.id));
  CHECK(still.status() == v1::CUSTOMER_STATUS_ACTIVE);
  ASSIGN_OR_FAIL(auto merges, store->ListMerges(d.id));
  CHECK(merges.empty());
  CHECK(store->Unmerge(first.id(), "ops").status().code() == absl::StatusCode::kNotFound);
  const std::string bytes = StoreBytes(store.path());
  for (const Person* gone : {&a, &b, &c}) {
    for (const std::string& canary : Canaries(*gone)) {
      INFO(canary);
      CHECK(bytes.find(canary) == std::string::npos);
    }
  }
  CHECK(bytes.find(d.name) != std::string::npos);
}

TEST_CASE("After Erase the file's bytes hold no copy of the erased data", "[erase]") {
  TempStore store;
  // The person to erase comes first, so the rows written after it split and
  // move its pages around.
  Person target = MakePerson(store, "zebulon7f3a", "98765432");
  MakeCustomer(store.store(), "cust-alt7f3a", "Name alt7f3a");
  REQUIRE_OK(store->LinkIdentity("cust-alt7f3a", Cookie("ck-alt7f3a")));
  REQUIRE_OK(store->Merge({.survivor_id = target.id, .absorbed_id = "cust-alt7f3a",
                           .actor = "ops"}));
  std::vector<Person> others;
  for (int k = 0; k < 150; ++k) {
    others.push_back(MakePerson(store, absl::StrCat("other", k), absl::StrCat(10000000 + k)));
  }
  // Another process reads the same file and keeps it open.
  ASSIGN_OR_FAIL(auto reader, Store::Open(store.path(), store.options()));
  ASSIGN_OR_FAIL(Context seen, reader->Lookup({.identity = Phone(target.phone_e164)}));
  REQUIRE(seen.known());
  std::vector<std::string> canaries = Canaries(target);
  canaries.insert(canaries.end(), {"Name alt7f3a", "ck-alt7f3a", "cust-alt7f3a"});
  const std::string before = StoreBytes(store.path());
  for (const std::string& canary : canaries) {
    // Every canary but the national phone form (stored as E.164) is there.
    INFO(canary);
    CHECK((before.find(canary) != std::string::npos) == (canary != target.phone_national));
  }

  ASSIGN_OR_FAIL(ErasureReceipt receipt, store->Erase(target.id, "dpo"));
  CHECK(receipt.checkpointed());
  auto check_bytes = [&](const std::string& when) {
    const std::string bytes = StoreBytes(store.path());
    INFO(when);
    for (const std::string& canary : canaries) {
      INFO(canary);
      CHECK(bytes.find(canary) == std::string::npos);
    }
    // The same search finds another customer's data: the check can fail.
    CHECK(bytes.find(others[75].summary) != std::string::npos);
    CHECK(bytes.find(others[75].phone_e164) != std::string::npos);
    CHECK(bytes.find(others[75].name) != std::string::npos);
  };
  check_bytes("with a reader open");
  ASSIGN_OR_FAIL(Context after, reader->Lookup({.identity = Phone(target.phone_e164)}));
  CHECK_FALSE(after.known());
  reader.reset();
  store.Close();
  check_bytes("after both stores closed");
}

TEST_CASE("Tombstones keep an erased person from being re-created silently", "[erase]") {
  TempStore store;
  Person p = MakePerson(store, "tom", "55667788");
  REQUIRE_OK(store->Erase(p.id, "dpo"));
  MakeCustomer(store.store(), "fresh", "Fresh");
  const std::string kErased =
      "identity: belongs to an erased customer (LinkOptions.allow_erased re-creates)";
  CHECK(store->LinkIdentity("fresh", Phone(p.phone_national)).status() ==
        absl::FailedPreconditionError(kErased));
  CHECK(store->LinkIdentity("fresh", Email(" MAIL.tom@Example.org")).status() ==
        absl::FailedPreconditionError(kErased));
  ASSIGN_OR_FAIL(auto owner, store->Resolve(Phone(p.phone_e164)));
  CHECK_FALSE(owner.has_value());
  // A stitch that would link the erased email is refused the same way.
  REQUIRE_OK(store->LinkIdentity("fresh", Cookie("ck-fresh")));
  CHECK(store->Stitch(Cookie("ck-fresh"), Email(p.email), "web-login").status() ==
        absl::FailedPreconditionError(kErased));
  // Identities that were never erased link as usual.
  REQUIRE_OK(store->LinkIdentity("fresh", Phone("06 00 11 22 33")));
  // The caller can say the person came back.
  ASSIGN_OR_FAIL(Identity linked, store->LinkIdentity("fresh", Phone(p.phone_national),
                                                      LinkOptions{.allow_erased = true}));
  CHECK(linked.value() == p.phone_e164);
  ASSIGN_OR_FAIL(owner, store->Resolve(Phone(p.phone_e164)));
  CHECK(owner == std::optional<std::string>("fresh"));
  // The tombstone outlives a reopen, and holds no readable copy.
  store.Reopen();
  CHECK(store->LinkIdentity("fresh", Email(p.email)).status() ==
        absl::FailedPreconditionError(kErased));
  CHECK(StoreBytes(store.path()).find(p.email) == std::string::npos);
}

TEST_CASE("Erased rows live in a reserved id space no customer can take", "[erase]") {
  TempStore store;
  SECTION("ids with the erased- prefix are refused, so erasure never collides") {
    Customer c;
    c.set_id("erased-2");
    CHECK(store->UpsertCustomer(c).status() ==
          absl::InvalidArgumentError(
              "customer_id: the prefix erased- is reserved for erased customers"));
    MakeCustomer(store.store(), "first", "First");  // key 1
    MakeCustomer(store.store(), "bob", "Bob");      // key 2
    ASSIGN_OR_FAIL(ErasureReceipt receipt, store->Erase("bob", "dpo"));
    CHECK(receipt.checkpointed());
    ASSIGN_OR_FAIL(Customer erased, store->GetCustomer("erased-2"));
    CHECK(erased.status() == v1::CUSTOMER_STATUS_ERASED);
    ASSIGN_OR_FAIL(Customer first, store->GetCustomer("first"));
    CHECK(first.status() == v1::CUSTOMER_STATUS_ACTIVE);
  }
  SECTION("an assigned id skips the ids of erased customers") {
    MakeCustomer(store.store(), "cus-2", "Two");  // key 1: the next free is cus-2
    REQUIRE_OK(store->Erase("cus-2", "dpo"));
    ASSIGN_OR_FAIL(Customer assigned, store->UpsertCustomer(Customer()));
    CHECK(assigned.id() == "cus-3");
    CHECK(assigned.status() == v1::CUSTOMER_STATUS_ACTIVE);
    CHECK(store->UpsertCustomer([] {
      Customer c;
      c.set_id("cus-2");
      return c;
    }()).status() == absl::FailedPreconditionError("customer_id: customer erased"));
  }
}

TEST_CASE("Purge deletes interactions older than the retention policy, in batches",
          "[erase]") {
  Options options;
  options.retention.max_age_by_channel = {{v1::CHANNEL_KIND_WEB, absl::Hours(24 * 30)}};
  options.retention.max_age_by_kind = {{"page_view", absl::Hours(24 * 7)},
                                       {"receipt", absl::Hours(24 * 365)}};
  options.retention.batch_size = 3;
  TempStore store(options);
  const absl::Time now = store.clock().Now();
  MakeCustomer(store.store(), "a", "Ann");
  MakeCustomer(store.store(), "b", "Bob");
  struct Row {
    const char* customer;
    v1::ChannelKind channel;
    const char* kind;
    int days;
    bool purged;
  };
  const std::vector<Row> rows = {
      {"a", v1::CHANNEL_KIND_WEB, "page_view", 8, true},       // kind: 7 days
      {"a", v1::CHANNEL_KIND_WEB, "page_view", 6, false},
      {"b", v1::CHANNEL_KIND_WEB, "page_view", 20, true},      // kind wins over channel
      {"a", v1::CHANNEL_KIND_MOBILE_APP, "page_view", 10, true},
      {"b", v1::CHANNEL_KIND_WEB, "form_submit", 31, true},    // channel: 30 days
      {"a", v1::CHANNEL_KIND_WEB, "form_submit", 27, false},
      {"b", v1::CHANNEL_KIND_WEB, "receipt", 100, false},      // kind: 365 days wins
      {"a", v1::CHANNEL_KIND_WEB, "receipt", 400, true},
      {"a", v1::CHANNEL_KIND_VOICE, "call", 900, false},       // no rule
      {"b", v1::CHANNEL_KIND_EMAIL, "email_sent", 500, false},
      {"b", v1::CHANNEL_KIND_WEB, "form_submit", 45, true},
      {"b", v1::CHANNEL_KIND_WEB, "page_view", 7, false},      // exactly 7 days: kept
      {"a", v1::CHANNEL_KIND_WEB, "checkout", 60, true},
      {"b", v1::CHANNEL_KIND_WEB, "checkout", 90, true},
  };
  std::vector<int64_t> ids;
  int64_t expected = 0;
  for (const Row& r : rows) {
    ASSIGN_OR_FAIL(int64_t id, store->Record(MakeInteraction(
                                   r.customer, now - absl::Hours(24 * r.days), r.channel,
                                   "door", r.kind)));
    ids.push_back(id);
    expected += r.purged ? 1 : 0;
  }
  ASSIGN_OR_FAIL(int64_t purged, store->Purge(now));
  CHECK(purged == expected);
  for (size_t k = 0; k < rows.size(); ++k) {
    INFO(rows[k].kind << " " << rows[k].days << " days on channel " << rows[k].channel);
    auto got = store->GetInteraction(ids[k]);
    CHECK(got.ok() == !rows[k].purged);
    if (rows[k].purged) CHECK(got.status().code() == absl::StatusCode::kNotFound);
  }
  ASSIGN_OR_FAIL(auto audit, store->ListAudit(10));
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].action() == "purge");
  CHECK(audit[0].actor() == "retention");
  CHECK(audit[0].detail() == absl::StrCat("purged ", expected, " interactions"));
  // Nothing left to purge: no work and no audit entry.
  ASSIGN_OR_FAIL(purged, store->Purge(now));
  CHECK(purged == 0);
  ASSIGN_OR_FAIL(audit, store->ListAudit(10));
  CHECK(audit.size() == 1);
  // Time passes: the 6- and 7-day page views go too.
  ASSIGN_OR_FAIL(purged, store->Purge(now + absl::Hours(24 * 2)));
  CHECK(purged == 2);
}

TEST_CASE("Purge refuses a bad batch size and does nothing without a policy", "[erase]") {
  SECTION("no policy") {
    TempStore store;
    MakeCustomer(store.store(), "a", "Ann");
    REQUIRE_OK(store->Record(MakeInteraction("a", store.clock().Now() - absl::Hours(24 * 3000),
                                             v1::CHANNEL_KIND_WEB, "door", "page_view")));
    ASSIGN_OR_FAIL(int64_t purged, store->Purge(store.clock().Now()));
    CHECK(purged == 0);
  }
  SECTION("bad batch size") {
    Options options;
    options.retention.max_age_by_kind = {{"page_view", absl::Hours(1)}};
    options.retention.batch_size = 0;
    TempStore store(options);
    CHECK(store->Purge(store.clock().Now()).status() ==
          absl::InvalidArgumentError("retention.batch_size: must be 1 to 100000"));
  }
}

TEST_CASE("SetConsent keeps one decision per purpose and channel, shown in the Context",
          "[erase]") {
  TempStore store;
  MakeCustomer(store.store(), "a", "Ann");
  REQUIRE_OK(store->LinkIdentity("a", Phone("06 12 34 56 78")));
  auto consents = [&]() {
    auto ctx = store->Lookup({.identity = Phone("+33612345678"), .channel = Channel::kIvr});
    INFO(ctx.status().ToString());
    REQUIRE(ctx.ok());
    std::map<std::string, std::pair<v1::ConsentState, absl::Time>> out;
    for (const Consent& c : ctx->consents()) {
      out[c.purpose() + "/" + std::string(ChannelName(c.channel()))] = {
          c.state(), FromProtoTime(c.updated_at())};
    }
    return out;
  };
  const absl::Time t0 = store.clock().Now();
  ASSIGN_OR_FAIL(Customer c, store->SetConsent("a", MakeConsent("marketing", v1::CHANNEL_KIND_EMAIL,
                                                                v1::CONSENT_STATE_GRANTED),
                                               "web-form"));
  CHECK(c.consents_size() == 1);
  store.clock().Advance(absl::Minutes(1));
  REQUIRE_OK(store->SetConsent("a", MakeConsent("recording", v1::CHANNEL_KIND_VOICE,
                                                v1::CONSENT_STATE_DENIED), "ivr"));
  CHECK(consents() == std::map<std::string, std::pair<v1::ConsentState, absl::Time>>{
                          {"marketing/email", {v1::CONSENT_STATE_GRANTED, t0}},
                          {"recording/voice", {v1::CONSENT_STATE_DENIED, t0 + absl::Minutes(1)}}});
  store.clock().Advance(absl::Minutes(1));
  REQUIRE_OK(store->SetConsent("a", MakeConsent("marketing", v1::CHANNEL_KIND_EMAIL,
                                                v1::CONSENT_STATE_REVOKED), "agent-3"));
  store.clock().Advance(absl::Minutes(1));
  REQUIRE_OK(store->SetConsent("a", MakeConsent("recording", v1::CHANNEL_KIND_VOICE,
                                                v1::CONSENT_STATE_GRANTED), "ivr"));
  CHECK(consents() == std::map<std::string, std::pair<v1::ConsentState, absl::Time>>{
                          {"marketing/email", {v1::CONSENT_STATE_REVOKED, t0 + absl::Minutes(2)}},
                          {"recording/voice", {v1::CONSENT_STATE_GRANTED, t0 + absl::Minutes(3)}}});
  ASSIGN_OR_FAIL(auto audit, store->ListAudit(10));
  REQUIRE(audit.size() == 4);
  CHECK(audit[1].action() == "consent");
  CHECK(audit[1].actor() == "agent-3");
  CHECK(audit[1].detail() == "marketing on email: CONSENT_STATE_REVOKED");
  CHECK(audit[0].detail() == "recording on voice: CONSENT_STATE_GRANTED");

  SECTION("bad input is refused and changes nothing") {
    CHECK(store->SetConsent("a", MakeConsent("", v1::CHANNEL_KIND_EMAIL,
                                             v1::CONSENT_STATE_DENIED), "x")
              .status() == absl::InvalidArgumentError("consents.purpose: empty"));
    CHECK(store->SetConsent("a", MakeConsent("bad purpose", v1::CHANNEL_KIND_EMAIL,
                                             v1::CONSENT_STATE_DENIED), "x")
              .status() == absl::InvalidArgumentError(
                               "consents.purpose: bad key (allowed: letters, digits, _ . : -)"));
    CHECK(store->SetConsent("a", MakeConsent("marketing", v1::CHANNEL_KIND_EMAIL,
                                             v1::CONSENT_STATE_UNSPECIFIED), "x")
              .status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(store->SetConsent("a", MakeConsent("marketing", v1::CHANNEL_KIND_EMAIL,
                                             v1::CONSENT_STATE_DENIED), "")
              .status() == absl::InvalidArgumentError("actor: empty"));
    CHECK(store->SetConsent("ghost", MakeConsent("marketing", v1::CHANNEL_KIND_EMAIL,
                                                 v1::CONSENT_STATE_DENIED), "x")
              .status() == absl::NotFoundError("customer_id: no such customer"));
    CHECK(consents().at("marketing/email").first == v1::CONSENT_STATE_REVOKED);
    ASSIGN_OR_FAIL(auto after, store->ListAudit(10));
    CHECK(after.size() == 4);
  }
}

TEST_CASE("Merge keeps the newest consent decision; Unmerge gives each side its own",
          "[erase][merge]") {
  TempStore store;
  MakeCustomer(store.store(), "s", "Sam");
  MakeCustomer(store.store(), "a", "Sam B");
  auto set = [&](const char* who, const char* purpose, v1::ChannelKind ch, v1::ConsentState st) {
    REQUIRE_OK(store->SetConsent(who, MakeConsent(purpose, ch, st), "web-form"));
  };
  auto consents = [&](const char* who) {
    auto c = store->GetCustomer(who);
    INFO(c.status().ToString());
    REQUIRE(c.ok());
    std::map<std::string, v1::ConsentState> out;
    for (const Consent& x : c->consents()) {
      out[x.purpose() + "/" + std::string(ChannelName(x.channel()))] = x.state();
    }
    return out;
  };
  using States = std::map<std::string, v1::ConsentState>;
  set("s", "marketing", v1::CHANNEL_KIND_EMAIL, v1::CONSENT_STATE_GRANTED);
  store.clock().Advance(absl::Minutes(1));
  set("a", "marketing", v1::CHANNEL_KIND_EMAIL, v1::CONSENT_STATE_DENIED);
  set("a", "recording", v1::CHANNEL_KIND_VOICE, v1::CONSENT_STATE_DENIED);
  store.clock().Advance(absl::Minutes(1));
  set("s", "recording", v1::CHANNEL_KIND_VOICE, v1::CONSENT_STATE_GRANTED);
  set("a", "surveys", v1::CHANNEL_KIND_SMS, v1::CONSENT_STATE_GRANTED);
  const States a_before = consents("a");
  store.clock().Advance(absl::Minutes(1));
  ASSIGN_OR_FAIL(MergeRecord m,
                 store->Merge({.survivor_id = "s", .absorbed_id = "a", .actor = "agent-7"}));
  ASSIGN_OR_FAIL(Context ctx, store->Lookup({.customer_id = "s"}));
  States shown;
  for (const Consent& c : ctx.consents()) {
    shown[c.purpose() + "/" + std::string(ChannelName(c.channel()))] = c.state();
  }
  CHECK(shown == States{{"marketing/email", v1::CONSENT_STATE_DENIED},
                        {"recording/voice", v1::CONSENT_STATE_GRANTED},
                        {"surveys/sms", v1::CONSENT_STATE_GRANTED}});
  // A decision the survivor makes after the merge is theirs to keep.
  store.clock().Advance(absl::Minutes(1));
  set("s", "surveys", v1::CHANNEL_KIND_SMS, v1::CONSENT_STATE_REVOKED);
  store.clock().Advance(absl::Minutes(1));
  REQUIRE_OK(store->Unmerge(m.id(), "agent-7"));
  CHECK(consents("s") == States{{"marketing/email", v1::CONSENT_STATE_GRANTED},
                                {"recording/voice", v1::CONSENT_STATE_GRANTED},
                                {"surveys/sms", v1::CONSENT_STATE_REVOKED}});
  CHECK(consents("a") == a_before);
}

}  // namespace
}  // namespace omnictx
