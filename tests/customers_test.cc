// SPDX-License-Identifier: Apache-2.0
//
// Customers, identities and touchpoints through the public Store API.
#include <optional>
#include <string>
#include <vector>

#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::ProtoEquals;
using testing::TempStore;

std::string Msg(const absl::Status& status) { return std::string(status.message()); }

template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

Customer Named(const std::string& id, const std::string& name) {
  Customer c;
  c.set_id(id);
  c.set_display_name(name);
  return c;
}

// The fields every identity listed by GetCustomer carries.
Identity Listed(v1::IdentityKind kind, const std::string& value, const std::string& platform,
                const std::string& customer_id, absl::Time linked_at) {
  Identity id;
  id.set_kind(kind);
  id.set_value(value);
  id.set_platform(platform);
  id.set_customer_id(customer_id);
  *id.mutable_linked_at() = ToProtoTime(linked_at);
  return id;
}

TEST_CASE("UpsertCustomer assigns cus-N ids when the id is empty", "[customers]") {
  TempStore store;
  ASSIGN_OR_FAIL(Customer first, store->UpsertCustomer(Named("", "Ada")));
  CHECK(first.id() == "cus-1");
  ASSIGN_OR_FAIL(Customer second, store->UpsertCustomer(Named("", "Grace")));
  CHECK(second.id() == "cus-2");
  // A caller-chosen id that a generated one would take is skipped.
  MakeCustomer(store.store(), "cus-4", "Chosen");
  ASSIGN_OR_FAIL(Customer third, store->UpsertCustomer(Named("", "Hedy")));
  CHECK(third.id() == "cus-5");

  ASSIGN_OR_FAIL(Customer read, store->GetCustomer("cus-2"));
  CHECK(read.display_name() == "Grace");
  CHECK(read.status() == v1::CUSTOMER_STATUS_ACTIVE);
  ASSIGN_OR_FAIL(Customer chosen, store->GetCustomer("cus-4"));
  CHECK(chosen.display_name() == "Chosen");
}

TEST_CASE("UpsertCustomer stamps times from the clock and keeps created_at on update",
          "[customers]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  ASSIGN_OR_FAIL(Customer created, store->UpsertCustomer(Named("c-1", "Ada")));
  CHECK(created.status() == v1::CUSTOMER_STATUS_ACTIVE);
  CHECK(FromProtoTime(created.created_at()) == t0);
  CHECK(FromProtoTime(created.updated_at()) == t0);

  store.clock().Advance(absl::Minutes(5));
  ASSIGN_OR_FAIL(Customer updated, store->UpsertCustomer(Named("c-1", "Ada Lovelace")));
  CHECK(updated.display_name() == "Ada Lovelace");
  CHECK(FromProtoTime(updated.created_at()) == t0);
  CHECK(FromProtoTime(updated.updated_at()) == t0 + absl::Minutes(5));

  ASSIGN_OR_FAIL(Customer read, store->GetCustomer("c-1"));
  CHECK_THAT(read, ProtoEquals(updated));
}

TEST_CASE("UpsertCustomer round-trips the profile and ignores output-only fields",
          "[customers]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  Customer in = ParseTextProto<Customer>(R"pb(
    id: "c-7"
    display_name: "Camille Martin"
    language: "fr-FR"
    preferred_channel: CHANNEL_KIND_SMS
    attributes { key: "tier" value: "gold" }
    attributes { key: "segment" value: "retail" }
    consents { purpose: "marketing" channel: CHANNEL_KIND_EMAIL state: CONSENT_STATE_GRANTED }
    consents {
      purpose: "recording"
      state: CONSENT_STATE_DENIED
      updated_at { seconds: 1700000000 }
    }
    status: CUSTOMER_STATUS_ERASED
    created_at { seconds: 1 }
    updated_at { seconds: 2 }
    last_seen_at { seconds: 3 }
    last_seen_channel { kind: CHANNEL_KIND_VOICE }
    identities { kind: IDENTITY_KIND_EMAIL value: "forged@example.com" }
    merged_into: "someone-else"
  )pb");
  ASSIGN_OR_FAIL(Customer out, store->UpsertCustomer(in));

  Customer expected = ParseTextProto<Customer>(R"pb(
    id: "c-7"
    display_name: "Camille Martin"
    language: "fr-FR"
    preferred_channel: CHANNEL_KIND_SMS
    # Attributes come back in key order, whatever order they were given in.
    attributes { key: "segment" value: "retail" }
    attributes { key: "tier" value: "gold" }
    consents { purpose: "marketing" channel: CHANNEL_KIND_EMAIL state: CONSENT_STATE_GRANTED }
    consents {
      purpose: "recording"
      state: CONSENT_STATE_DENIED
      updated_at { seconds: 1700000000 }
    }
    status: CUSTOMER_STATUS_ACTIVE
  )pb");
  // A consent without a time is stamped with the clock; one with a time keeps it.
  *expected.mutable_consents(0)->mutable_updated_at() = ToProtoTime(t0);
  *expected.mutable_created_at() = ToProtoTime(t0);
  *expected.mutable_updated_at() = ToProtoTime(t0);
  CHECK_THAT(out, ProtoEquals(expected));
  ASSIGN_OR_FAIL(Customer read, store->GetCustomer("c-7"));
  CHECK_THAT(read, ProtoEquals(expected));

  SECTION("an update replaces the profile rather than merging it") {
    store.clock().Advance(absl::Hours(1));
    Customer change = Named("c-7", "Camille M.");
    SetAttribute(change.mutable_attributes(), "tier", "silver");
    ASSIGN_OR_FAIL(Customer after, store->UpsertCustomer(change));
    Customer want = change;
    want.set_status(v1::CUSTOMER_STATUS_ACTIVE);
    *want.mutable_created_at() = ToProtoTime(t0);
    *want.mutable_updated_at() = ToProtoTime(t0 + absl::Hours(1));
    CHECK_THAT(after, ProtoEquals(want));
    ASSIGN_OR_FAIL(Customer reread, store->GetCustomer("c-7"));
    CHECK_THAT(reread, ProtoEquals(want));
  }
}

TEST_CASE("GetCustomer refuses empty and unknown ids", "[customers]") {
  TempStore store;
  absl::Status empty = StatusOf(store->GetCustomer(""));
  CHECK(empty.code() == absl::StatusCode::kInvalidArgument);
  CHECK(Msg(empty) == "customer_id: empty");
  absl::Status unknown = StatusOf(store->GetCustomer("nobody"));
  CHECK(unknown.code() == absl::StatusCode::kNotFound);
  CHECK(Msg(unknown) == "customer_id: no such customer");
}

TEST_CASE("GetCustomer lists identities and derives last seen from the newest interaction",
          "[customers]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c-1", "Ada");
  MakeCustomer(store.store(), "c-2", "Grace");

  ASSIGN_OR_FAIL(Customer fresh, store->GetCustomer("c-1"));
  CHECK(fresh.identities().empty());
  CHECK_FALSE(fresh.has_last_seen_at());
  CHECK_FALSE(fresh.has_last_seen_channel());

  REQUIRE_OK(store->LinkIdentity("c-1", Email("ada@example.com")));
  store.clock().Advance(absl::Minutes(1));
  REQUIRE_OK(store->LinkIdentity("c-1", Phone("06 12 34 56 78")));
  REQUIRE_OK(store->LinkIdentity("c-2", Phone("07 98 76 54 32")));

  // The web visit an hour ago is newer than the call two hours ago, even
  // though the call was recorded after it.
  Interaction web = MakeInteraction("c-1", t0 - absl::Hours(1), v1::CHANNEL_KIND_WEB,
                                    "web.checkout", "page_view");
  web.mutable_channel()->set_provider("site");
  REQUIRE_OK(store->Record(web));
  REQUIRE_OK(store->Record(MakeInteraction("c-1", t0 - absl::Hours(2), v1::CHANNEL_KIND_VOICE,
                                           "ivr.main_menu", "call")));

  ASSIGN_OR_FAIL(Customer c, store->GetCustomer("c-1"));
  REQUIRE(c.identities_size() == 2);
  // Ordered by kind: phone before email.
  CHECK_THAT(c.identities(0), ProtoEquals(Listed(v1::IDENTITY_KIND_PHONE, "+33612345678", "",
                                                 "c-1", t0 + absl::Minutes(1))));
  CHECK_THAT(c.identities(1),
             ProtoEquals(Listed(v1::IDENTITY_KIND_EMAIL, "ada@example.com", "", "c-1", t0)));
  CHECK(FromProtoTime(c.last_seen_at()) == t0 - absl::Hours(1));
  CHECK(c.last_seen_channel().kind() == v1::CHANNEL_KIND_WEB);
  CHECK(c.last_seen_channel().provider() == "site");

  ASSIGN_OR_FAIL(Customer other, store->GetCustomer("c-2"));
  REQUIRE(other.identities_size() == 1);
  CHECK(other.identities(0).value() == "+33798765432");
  CHECK(other.identities(0).customer_id() == "c-2");
  CHECK_FALSE(other.has_last_seen_at());
}

TEST_CASE("LinkIdentity normalizes what it stores", "[customers]") {
  TempStore store;
  MakeCustomer(store.store(), "c-1", "Ada");

  SECTION("a national phone number is read in the default region") {
    ASSIGN_OR_FAIL(Identity id, store->LinkIdentity("c-1", Phone("06 12 34 56 78")));
    CHECK(id.kind() == v1::IDENTITY_KIND_PHONE);
    CHECK(id.value() == "+33612345678");
    CHECK(id.platform().empty());
    CHECK(id.region().empty());
    CHECK(id.customer_id() == "c-1");
  }
  SECTION("a region on the identity wins over the default") {
    ASSIGN_OR_FAIL(Identity id, store->LinkIdentity("c-1", Phone("020 7946 0018", "GB")));
    CHECK(id.value() == "+442079460018");
    CHECK(id.region().empty());
  }
  SECTION("an email is trimmed and lower-cased") {
    ASSIGN_OR_FAIL(Identity id,
                   store->LinkIdentity("c-1", Email("  Ada.Lovelace@Example.COM ")));
    CHECK(id.kind() == v1::IDENTITY_KIND_EMAIL);
    CHECK(id.value() == "ada.lovelace@example.com");
    ASSIGN_OR_FAIL(auto owner, store->Resolve(Email("ada.lovelace@example.com")));
    CHECK(owner == std::optional<std::string>("c-1"));
  }
  SECTION("a social handle keeps its platform, lower-cased, and loses its @") {
    ASSIGN_OR_FAIL(Identity id, store->LinkIdentity("c-1", Social(" Twitter ", "@AdaL")));
    CHECK(id.kind() == v1::IDENTITY_KIND_SOCIAL);
    CHECK(id.platform() == "twitter");
    CHECK(id.value() == "AdaL");
    ASSIGN_OR_FAIL(Customer c, store->GetCustomer("c-1"));
    REQUIRE(c.identities_size() == 1);
    CHECK(c.identities(0).platform() == "twitter");
    CHECK(c.identities(0).value() == "AdaL");
    // The same handle on another platform is another identity.
    ASSIGN_OR_FAIL(auto elsewhere, store->Resolve(Social("mastodon", "AdaL")));
    CHECK_FALSE(elsewhere.has_value());
    // Handles are opaque: case matters.
    ASSIGN_OR_FAIL(auto lower, store->Resolve(Social("twitter", "adal")));
    CHECK_FALSE(lower.has_value());
  }
}

TEST_CASE("Linking an identity the customer already has is OK and writes nothing new",
          "[customers]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c-1", "Ada");
  REQUIRE_OK(store->LinkIdentity("c-1", Phone("06 12 34 56 78")));
  store.clock().Advance(absl::Hours(1));
  // Another spelling of the same number.
  ASSIGN_OR_FAIL(Identity again, store->LinkIdentity("c-1", Phone("+33 6 12 34 56 78")));
  CHECK(again.value() == "+33612345678");
  CHECK(again.customer_id() == "c-1");

  ASSIGN_OR_FAIL(Customer c, store->GetCustomer("c-1"));
  REQUIRE(c.identities_size() == 1);
  CHECK(FromProtoTime(c.identities(0).linked_at()) == t0);
}

TEST_CASE("Linking an identity another customer owns names the owner and writes nothing",
          "[customers]") {
  TempStore store;
  MakeCustomer(store.store(), "owner-1", "Ada");
  MakeCustomer(store.store(), "c-2", "Grace");
  REQUIRE_OK(store->LinkIdentity("owner-1", Phone("06 12 34 56 78")));
  REQUIRE_OK(store->LinkIdentity("owner-1", Email("ada@example.com")));

  absl::Status phone = StatusOf(store->LinkIdentity("c-2", Phone("+33612345678")));
  CHECK(phone.code() == absl::StatusCode::kAlreadyExists);
  CHECK(Msg(phone) == "identity: already linked to customer owner-1");
  absl::Status email = StatusOf(store->LinkIdentity("c-2", Email("ADA@example.com")));
  CHECK(email.code() == absl::StatusCode::kAlreadyExists);
  CHECK(Msg(email) == "identity: already linked to customer owner-1");

  ASSIGN_OR_FAIL(Customer loser, store->GetCustomer("c-2"));
  CHECK(loser.identities().empty());
  ASSIGN_OR_FAIL(Customer owner, store->GetCustomer("owner-1"));
  CHECK(owner.identities_size() == 2);
  ASSIGN_OR_FAIL(auto resolved, store->Resolve(Phone("0612345678")));
  CHECK(resolved == std::optional<std::string>("owner-1"));
}

TEST_CASE("UnlinkIdentity removes an identity from its owner", "[customers]") {
  TempStore store;
  MakeCustomer(store.store(), "c-1", "Ada");
  REQUIRE_OK(store->LinkIdentity("c-1", Phone("06 12 34 56 78")));
  REQUIRE_OK(store->LinkIdentity("c-1", Cookie("ck-1")));

  SECTION("by any spelling of the value") {
    REQUIRE_OK(store->UnlinkIdentity(Phone("+33 6 12 34 56 78")));
    ASSIGN_OR_FAIL(auto gone, store->Resolve(Phone("06 12 34 56 78")));
    CHECK_FALSE(gone.has_value());
    ASSIGN_OR_FAIL(Customer c, store->GetCustomer("c-1"));
    REQUIRE(c.identities_size() == 1);
    CHECK(c.identities(0).kind() == v1::IDENTITY_KIND_COOKIE);
    // Once free, another customer may take it.
    MakeCustomer(store.store(), "c-2", "Grace");
    REQUIRE_OK(store->LinkIdentity("c-2", Phone("06 12 34 56 78")));
    ASSIGN_OR_FAIL(auto taken, store->Resolve(Phone("06 12 34 56 78")));
    CHECK(taken == std::optional<std::string>("c-2"));
  }
  SECTION("NotFound when nobody owns it, twice in a row too") {
    absl::Status never = store->UnlinkIdentity(Email("nobody@example.com"));
    CHECK(never.code() == absl::StatusCode::kNotFound);
    CHECK(Msg(never) == "identity: not linked to any customer");
    REQUIRE_OK(store->UnlinkIdentity(Cookie("ck-1")));
    absl::Status twice = store->UnlinkIdentity(Cookie("ck-1"));
    CHECK(twice.code() == absl::StatusCode::kNotFound);
    CHECK(Msg(twice) == "identity: not linked to any customer");
    ASSIGN_OR_FAIL(Customer c, store->GetCustomer("c-1"));
    CHECK(c.identities_size() == 1);
  }
  SECTION("a malformed identity is refused, not reported missing") {
    absl::Status bad = store->UnlinkIdentity(Phone("12"));
    CHECK(bad.code() == absl::StatusCode::kInvalidArgument);
    CHECK(Msg(bad).starts_with("phone: "));
  }
}

TEST_CASE("Resolve finds the owner by any spelling of a phone number", "[customers]") {
  TempStore store;
  MakeCustomer(store.store(), "c-1", "Ada");
  REQUIRE_OK(store->LinkIdentity("c-1", Phone("06 12 34 56 78")));
  REQUIRE_OK(store->LinkIdentity("c-1", CrmId("CRM-0042")));

  for (const char* spelling : {"06 12 34 56 78", "0612345678", "+33612345678",
                               "+33 6 12 34 56 78", "0033 6 12 34 56 78", "06.12.34.56.78",
                               "06-12-34-56-78", "+33 (0)6 12 34 56 78"}) {
    INFO(spelling);
    ASSIGN_OR_FAIL(auto owner, store->Resolve(Phone(spelling)));
    CHECK(owner == std::optional<std::string>("c-1"));
  }
  ASSIGN_OR_FAIL(auto crm, store->Resolve(CrmId("  CRM-0042 ")));
  CHECK(crm == std::optional<std::string>("c-1"));

  ASSIGN_OR_FAIL(auto unknown, store->Resolve(Phone("07 98 76 54 32")));
  CHECK_FALSE(unknown.has_value());
  // Same value, other kind: not the same identity.
  ASSIGN_OR_FAIL(auto other_kind, store->Resolve(Account("CRM-0042")));
  CHECK_FALSE(other_kind.has_value());

  absl::Status bad = StatusOf(store->Resolve(Email("not-an-email")));
  CHECK(bad.code() == absl::StatusCode::kInvalidArgument);
  CHECK(Msg(bad) == "email: malformed");
}

Touchpoint MakeTouchpoint(const std::string& key, v1::ChannelKind kind,
                          v1::Direction direction, const std::string& description) {
  Touchpoint t;
  t.set_key(key);
  t.mutable_channel()->set_kind(kind);
  t.set_direction(direction);
  t.set_description(description);
  return t;
}

TEST_CASE("Touchpoints are upserted and listed by key", "[customers]") {
  TempStore store;
  ASSIGN_OR_FAIL(std::vector<Touchpoint> none, store->ListTouchpoints());
  CHECK(none.empty());

  const Touchpoint web =
      MakeTouchpoint("web.checkout", v1::CHANNEL_KIND_WEB, v1::DIRECTION_INBOUND, "Checkout");
  const Touchpoint email = MakeTouchpoint("email.renewal_notice", v1::CHANNEL_KIND_EMAIL,
                                          v1::DIRECTION_OUTBOUND, "Renewal notice");
  Touchpoint ivr =
      MakeTouchpoint("ivr.main_menu", v1::CHANNEL_KIND_IVR, v1::DIRECTION_INBOUND, "Main menu");
  REQUIRE_OK(store->RegisterTouchpoint(web));
  REQUIRE_OK(store->RegisterTouchpoint(email));
  REQUIRE_OK(store->RegisterTouchpoint(ivr));

  ASSIGN_OR_FAIL(std::vector<Touchpoint> listed, store->ListTouchpoints());
  REQUIRE(listed.size() == 3);
  CHECK_THAT(listed[0], ProtoEquals(email));
  CHECK_THAT(listed[1], ProtoEquals(ivr));
  CHECK_THAT(listed[2], ProtoEquals(web));

  SECTION("registering a key again updates it in place") {
    ivr.set_description("Main menu (new prompts)");
    ivr.mutable_channel()->set_provider("genesys");
    REQUIRE_OK(store->RegisterTouchpoint(ivr));
    ASSIGN_OR_FAIL(std::vector<Touchpoint> after, store->ListTouchpoints());
    REQUIRE(after.size() == 3);
    CHECK_THAT(after[1], ProtoEquals(ivr));
    CHECK_THAT(after[0], ProtoEquals(email));
    CHECK_THAT(after[2], ProtoEquals(web));
  }
  SECTION("a bad key or channel is refused and nothing is stored") {
    absl::Status spaced = store->RegisterTouchpoint(
        MakeTouchpoint("web checkout", v1::CHANNEL_KIND_WEB, v1::DIRECTION_INBOUND, ""));
    CHECK(spaced.code() == absl::StatusCode::kInvalidArgument);
    CHECK(Msg(spaced) == "touchpoint.key: bad key (allowed: letters, digits, _ . : -)");
    absl::Status empty = store->RegisterTouchpoint(
        MakeTouchpoint("", v1::CHANNEL_KIND_WEB, v1::DIRECTION_INBOUND, ""));
    CHECK(empty.code() == absl::StatusCode::kInvalidArgument);
    CHECK(Msg(empty) == "touchpoint.key: empty");
    absl::Status no_channel = store->RegisterTouchpoint(
        MakeTouchpoint("sms.reminder", v1::CHANNEL_KIND_UNSPECIFIED, v1::DIRECTION_OUTBOUND, ""));
    CHECK(no_channel.code() == absl::StatusCode::kInvalidArgument);
    CHECK(Msg(no_channel).starts_with("touchpoint.channel.kind: unknown (allowed: voice, ivr, "));
    ASSIGN_OR_FAIL(std::vector<Touchpoint> after, store->ListTouchpoints());
    CHECK(after.size() == 3);
  }
}

}  // namespace
}  // namespace omnictx
