// SPDX-License-Identifier: Apache-2.0
//
// The audit trail: every merge (by call, by stitch, by import), unmerge,
// erasure, consent change (SetConsent, or a profile written with consents)
// and purge leaves an entry with its actor and time, naming customers by
// internal key only; reads (lookups, campaign-suppression queries, merge
// previews) leave none.
#include <algorithm>
#include <string>
#include <vector>

#include "omnictx/omnictx.h"
#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeInteraction;
using testing::TempStore;

// Personal values planted in the customers; none may reach the audit.
const std::vector<std::string>& Canaries() {
  static const auto* canaries = new std::vector<std::string>{
      "Qx8 Canary", "qx8-cust-a", "qx8-cust-b", "qx8-cust-c", "+33698765431", "98765431",
      "qx8@example.com", "qx8-cookie", "qx8-user", "qx8-attr"};
  return *canaries;
}

Customer Profile(const std::string& id) {
  Customer c;
  c.set_id(id);
  c.set_display_name("Qx8 Canary " + id);
  SetAttribute(c.mutable_attributes(), "note", "qx8-attr");
  return c;
}

Consent MakeConsent(const std::string& purpose, v1::ChannelKind channel, v1::ConsentState state) {
  Consent c;
  c.set_purpose(purpose);
  c.set_channel(channel);
  c.set_state(state);
  return c;
}

// The newest entry, checked for the action, actor and time.
AuditEntry Newest(TempStore& store, const std::string& action, const std::string& actor) {
  ASSIGN_OR_FAIL(std::vector<AuditEntry> audit, store->ListAudit(1));
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].action() == action);
  CHECK(audit[0].actor() == actor);
  CHECK(FromProtoTime(audit[0].at()) == store.clock().Now());
  return audit[0];
}

size_t Count(TempStore& store) {
  ASSIGN_OR_FAIL(std::vector<AuditEntry> audit, store->ListAudit(10000));
  return audit.size();
}

TEST_CASE("every change to who a customer is, or may be contacted, is audited", "[audit]") {
  TempStore store;
  REQUIRE_OK(store->UpsertCustomer(Profile("qx8-cust-a")));
  REQUIRE_OK(store->UpsertCustomer(Profile("qx8-cust-b")));
  REQUIRE_OK(store->UpsertCustomer(Profile("qx8-cust-c")));
  REQUIRE_OK(store->LinkIdentity("qx8-cust-a", Phone("+33698765431")));
  REQUIRE_OK(store->LinkIdentity("qx8-cust-a", Email("qx8@example.com")));
  REQUIRE_OK(store->LinkIdentity("qx8-cust-b", Cookie("qx8-cookie")));
  REQUIRE_OK(store->LinkIdentity("qx8-cust-c", UserId("qx8-user")));
  REQUIRE_OK(store->Record(MakeInteraction("qx8-cust-b", store.clock().Now() - absl::Hours(1),
                                           v1::CHANNEL_KIND_WEB, "web.home", "page_view")));
  REQUIRE(Count(store) == 0);  // profiles without consents, links, records

  store.clock().Advance(absl::Minutes(1));
  ASSIGN_OR_FAIL(MergeRecord m, store->Merge({.survivor_id = "qx8-cust-a",
                                              .absorbed_id = "qx8-cust-b",
                                              .actor = "agent-7",
                                              .policy = {}}));
  AuditEntry e = Newest(store, "merge", "agent-7");
  CHECK(e.customer_key() > 0);
  CHECK(e.detail().starts_with("merge " + std::to_string(m.id()) + ":"));

  store.clock().Advance(absl::Minutes(1));
  REQUIRE_OK(store->Unmerge(m.id(), "supervisor-2"));
  Newest(store, "unmerge", "supervisor-2");

  store.clock().Advance(absl::Minutes(1));
  ASSIGN_OR_FAIL(auto stitched, store->Stitch(Cookie("qx8-cookie"), Phone("+33698765431"),
                                              "web-login"));
  REQUIRE(stitched.has_value());
  Newest(store, "merge", "web-login");

  store.clock().Advance(absl::Minutes(1));
  REQUIRE_OK(store->SetConsent("qx8-cust-a",
                               MakeConsent("marketing", v1::CHANNEL_KIND_EMAIL,
                                           v1::CONSENT_STATE_DENIED),
                               "web-form"));
  CHECK(Newest(store, "consent", "web-form").detail() ==
        "marketing on email: CONSENT_STATE_DENIED");

  SECTION("a profile written with consents audits each change, and only changes") {
    store.clock().Advance(absl::Minutes(1));
    ASSIGN_OR_FAIL(Customer a, store->GetCustomer("qx8-cust-a"));
    const size_t before = Count(store);
    REQUIRE_OK(store->UpsertCustomer(a));  // the same consents: nothing to audit
    CHECK(Count(store) == before);
    *a.add_consents() =
        MakeConsent("recording", v1::CHANNEL_KIND_VOICE, v1::CONSENT_STATE_GRANTED);
    REQUIRE_OK(store->UpsertCustomer(a));
    CHECK(Newest(store, "consent", "upsert_customer").detail() ==
          "recording on voice: CONSENT_STATE_GRANTED");
    store.clock().Advance(absl::Minutes(1));
    a.clear_consents();
    REQUIRE_OK(store->UpsertCustomer(a));
    ASSIGN_OR_FAIL(std::vector<AuditEntry> audit, store->ListAudit(2));
    REQUIRE(audit.size() == 2);
    std::vector<std::string> details = {audit[0].detail(), audit[1].detail()};
    std::sort(details.begin(), details.end());
    CHECK(details == std::vector<std::string>{"marketing on email: removed",
                                              "recording on voice: removed"});
    CHECK(Count(store) == before + 3);

    Customer fresh = Profile("qx8-cust-d");
    *fresh.add_consents() = MakeConsent("marketing", v1::CHANNEL_KIND_SMS,
                                        v1::CONSENT_STATE_GRANTED);
    REQUIRE_OK(store->UpsertCustomer(fresh));
    CHECK(Newest(store, "consent", "upsert_customer").detail() ==
          "marketing on sms: CONSENT_STATE_GRANTED");
  }

  SECTION("an import that joins two customers audits the merge under its actor") {
    store.clock().Advance(absl::Minutes(1));
    REQUIRE_OK(store->UpsertCustomer(Profile("qx8-cust-e")));
    REQUIRE_OK(store->LinkIdentity("qx8-cust-e", Cookie("qx8-cookie-e")));
    ASSIGN_OR_FAIL(ImportReport report,
                   store->Import(R"({"type":"identify","userId":"qx8-user",)"
                                 R"("anonymousId":"qx8-cookie-e","messageId":"qx8-m1"})"
                                 "\n",
                                 {.actor = "segment-sync"}));
    INFO((report.errors.empty() ? "" : report.errors[0].message));
    REQUIRE(report.imported == 1);
    REQUIRE(report.stitched == 1);
    Newest(store, "merge", "segment-sync");
  }

  SECTION("erasure and purge are audited") {
    store.clock().Advance(absl::Minutes(1));
    ASSIGN_OR_FAIL(ErasureReceipt receipt, store->Erase("qx8-cust-a", "dpo-1"));
    CHECK(Newest(store, "erase", "dpo-1").id() == receipt.audit_id());
  }

  SECTION("reads and previews leave no entry") {
    const size_t before = Count(store);
    REQUIRE_OK(store->PreviewMerge({.survivor_id = "qx8-cust-a",
                                    .absorbed_id = "qx8-cust-c",
                                    .actor = "agent-7",
                                    .policy = {}}));
    REQUIRE_OK(store->Lookup({.identity = Phone("+33698765431")}));
    REQUIRE_OK(store->FindCustomers({.journey_key = "loan"}));
    REQUIRE_OK(store->Timeline("qx8-cust-a"));
    CHECK(Count(store) == before);
  }

  // Whatever the section did, no entry holds personal data.
  ASSIGN_OR_FAIL(std::vector<AuditEntry> audit, store->ListAudit(10000));
  REQUIRE(audit.size() >= 4);
  for (const AuditEntry& entry : audit) {
    const std::string all = entry.DebugString();
    for (const std::string& canary : Canaries()) {
      INFO(canary << " in " << all);
      CHECK(all.find(canary) == std::string::npos);
    }
  }
}

TEST_CASE("purge is audited under the retention actor", "[audit]") {
  RetentionPolicy retention;
  retention.max_age_by_channel[v1::CHANNEL_KIND_WEB] = absl::Hours(24);
  Options options;
  options.retention = retention;
  TempStore store(options);
  REQUIRE_OK(store->UpsertCustomer(Profile("qx8-cust-a")));
  REQUIRE_OK(store->Record(MakeInteraction("qx8-cust-a", store.clock().Now() - absl::Hours(48),
                                           v1::CHANNEL_KIND_WEB, "web.home", "page_view")));
  ASSIGN_OR_FAIL(int64_t purged, store->Purge(store.clock().Now()));
  CHECK(purged == 1);
  CHECK(Newest(store, "purge", "retention").detail() == "purged 1 interactions");
}

}  // namespace
}  // namespace omnictx
