// SPDX-License-Identifier: Apache-2.0
//
// The bad-input catalogue, row by row, through the public Store API. Every
// refusal must carry the exact code and message, the message must start
// with the field and never echo the value (each value carries a canary),
// and the store file and its WAL must be byte for byte what they were.
//
// Rows covered elsewhere: 24-28 (JSON and Segment ingest) and 31 (Merge's
// own refusals) belong to the ingest and merge suites.
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::TempDir;
using testing::TempStore;
using testing::TestEpoch;
using Code = absl::StatusCode;

constexpr char kCanary[] = "Zq9x";
constexpr char kAllowedChannels[] =
    "(allowed: voice, ivr, web, chat, email, sms, messaging, social, mobile_app, store, video, "
    "other)";
constexpr char kBadKey[] = "bad key (allowed: letters, digits, _ . : -)";

std::string Msg(const absl::Status& status) { return std::string(status.message()); }

template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

// The bytes of a file, or nullopt if it does not exist.
std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A store file and its WAL.
struct FileBytes {
  std::optional<std::string> db;
  std::optional<std::string> wal;
  bool operator==(const FileBytes&) const = default;
};

FileBytes Snapshot(const std::string& path) {
  return {ReadFile(path), ReadFile(path + "-wal")};
}

Journey Loan() {
  return ParseTextProto<Journey>(R"pb(
    key: "loan"
    steps { key: "a" next: "b" }
    steps { key: "b" next: "c" }
    steps { key: "c" outcome: STEP_OUTCOME_SUCCESS }
  )pb");
}

// Two stores with a little of everything in them: `store` reads national
// numbers as French, `plain` has no default region.
struct Fixture {
  Fixture() {
    MakeCustomer(store.store(), "cus-a", "Ada");
    MakeCustomer(store.store(), "cus-b", "Grace");
    REQUIRE_OK(store->LinkIdentity("cus-a", Phone("06 12 34 56 78")));
    REQUIRE_OK(store->LinkIdentity("cus-a", Email("ada@example.com")));
    Interaction first = Good();
    first.set_external_id("Zq9x-ext-1");
    ASSIGN_OR_FAIL(interaction_id, store->Record(first));
    REQUIRE(interaction_id == 1);
    REQUIRE_OK(store->DefineJourney(Loan()));
    ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("cus-a", "loan"));
    instance_id = inst.id();
    MakeCustomer(store.store(), "cus-m", "Merged away");
    REQUIRE_OK(store->Merge({.survivor_id = "cus-a", .absorbed_id = "cus-m", .actor = "test",
                             .policy = {}}));
    Options options;
    options.clock = std::make_shared<FakeClock>(TestEpoch());
    ASSIGN_OR_FAIL(plain, Store::Open(plain_path, options));
    MakeCustomer(*plain, "cus-p", "Paul");
  }
  // A valid interaction for cus-a an hour ago.
  Interaction Good() {
    return MakeInteraction("cus-a", store.clock().Now() - absl::Hours(1), v1::CHANNEL_KIND_WEB,
                           "web.home", "page_view");
  }

  TempStore store;
  TempDir plain_dir;
  std::string plain_path = plain_dir.File("plain.db");
  std::unique_ptr<Store> plain;
  int64_t interaction_id = 0;
  int64_t instance_id = 0;
};

using Call = std::function<absl::Status(Fixture&)>;

struct BadInput {
  int row;          // in bad-inputs.md
  Code code;
  std::string field;    // the message starts with it
  std::string message;  // exactly
  std::string canary;   // part of the value the message must not hold
  Call call;
};

// ---- Ways to make one call with one thing wrong ----

Call Link(Identity identity) {
  return [identity](Fixture& fx) { return StatusOf(fx.store->LinkIdentity("cus-b", identity)); };
}

Call Rec(std::function<void(Interaction&)> change) {
  return [change](Fixture& fx) {
    Interaction i = fx.Good();
    change(i);
    return StatusOf(fx.store->Record(i));
  };
}

// A batch of five good interactions with element `k` changed.
Call Batch(size_t k, std::function<void(Interaction&)> change) {
  return [k, change](Fixture& fx) {
    std::vector<Interaction> batch(5, fx.Good());
    change(batch[k]);
    return StatusOf(fx.store->RecordBatch(batch));
  };
}

Call Cust(std::function<void(Customer&)> change) {
  return [change](Fixture& fx) {
    Customer c;
    c.set_id("cus-new");
    c.set_display_name("New");
    change(c);
    return StatusOf(fx.store->UpsertCustomer(c));
  };
}

Call Tp(std::function<void(Touchpoint&)> change) {
  return [change](Fixture& fx) {
    Touchpoint t;
    t.set_key("web.home");
    t.mutable_channel()->set_kind(v1::CHANNEL_KIND_WEB);
    change(t);
    return fx.store->RegisterTouchpoint(t);
  };
}

Call Define(const std::string& text) {
  return [text](Fixture& fx) {
    return StatusOf(fx.store->DefineJourney(ParseTextProto<Journey>(text)));
  };
}

// Attributes named k0, k1, ... with one value each.
void FillAttributes(Attributes* attrs, size_t n) {
  for (size_t i = 0; i < n; ++i) SetAttribute(attrs, "k" + std::to_string(i), "Zq9x");
}

std::string Bad(const std::string& s) { return kCanary + s; }

// The same key twice, as a list (unlike a map) can hold it.
void AddTwice(Attributes* attrs, const std::string& key) {
  for (const char* value : {"one", "two"}) {
    Attribute* a = attrs->Add();
    a->set_key(key);
    a->set_value(value);
  }
}

std::vector<BadInput> Catalogue() {
  const Code kInvalid = Code::kInvalidArgument;
  const std::string bad_utf8 = Bad("\xFF");  // invalid at byte 4
  std::vector<BadInput> rows = {
      {1, kInvalid, "phone", "phone: empty", "", Link(Phone(""))},
      {1, kInvalid, "phone", "phone: empty", "", Link(Phone("   "))},
      {2, kInvalid, "phone",
       "phone: national format needs a region (Options.default_region or +CC)", "12345678",
       [](Fixture& fx) { return StatusOf(fx.plain->LinkIdentity("cus-p", Phone("0612345678"))); }},
      {3, kInvalid, "phone", "phone: unknown country calling code", "1234567",
       Link(Phone("+999 1234567"))},
      {3, kInvalid, "phone", "phone: unknown country calling code", "123456",
       Link(Phone("+0 123456"))},
      {4, kInvalid, "phone", "phone: not a possible number (too short)", "34 56",
       Link(Phone("+33 6 12 34 56 7"))},
      {5, kInvalid, "phone", "phone: more than 15 digits", "78 90",
       Link(Phone("+33 6 12 34 56 78 90 12 34"))},
      {6, kInvalid, "phone", "phone: extensions are not identities", "ext. 123",
       Link(Phone("+33 6 12 34 56 78 ext. 123"))},
      {7, kInvalid, "phone", "phone: letters not allowed", "FLOWERS", Link(Phone("1-800-FLOWERS"))},
      {8, kInvalid, "phone", "phone: short or emergency code", "112", Link(Phone("112"))},
      {8, kInvalid, "phone", "phone: short or emergency code", "3115", Link(Phone("3115"))},
      {9, kInvalid, "phone", "phone: control character", "56 78", Link(Phone("06 12 34 56 78\n"))},
      {9, kInvalid, "phone", "phone: control character", "56 78", Link(Phone("06\t12 34 56 78"))},
      {9, kInvalid, "phone", "phone: control character", "56 78",
       Link(Phone(std::string("06 12 34 56 78\0", 15)))},
      {9, kInvalid, "phone", "phone: too long", "56 78",
       Link(Phone("+33 6 12 34 56 78" + std::string(48, ' ')))},
      {10, kInvalid, "identity", "identity: blocked placeholder value", "00 00",
       Link(Phone("+33 1 00 00 00 00"))},
      {10, kInvalid, "identity", "identity: blocked placeholder value", "0000000000",
       Link(Phone("0000000000"))},
      {10, kInvalid, "identity", "identity: blocked placeholder value", "-1", Link(Phone("-1"))},
      {10, kInvalid, "identity", "identity: blocked placeholder value", "null",
       Link(Phone("null"))},
      {10, kInvalid, "identity", "identity: blocked placeholder value", "anonymous",
       Link(Phone("anonymous"))},
      {10, kInvalid, "identity", "identity: blocked placeholder value", "abc123",
       Link(Phone("abc123"))},
      {11, kInvalid, "email", "email: malformed", kCanary, Link(Email("Zq9x.example.com"))},
      {11, kInvalid, "email", "email: malformed", kCanary, Link(Email("Zq9x@b@example.com"))},
      {11, kInvalid, "email", "email: malformed", kCanary, Link(Email("@Zq9x.example.com"))},
      {11, kInvalid, "email", "email: malformed", kCanary, Link(Email("Zq9x@"))},
      {12, kInvalid, "email", "email: too long", kCanary,
       Link(Email(Bad(std::string(61, 'a')) + "@example.com"))},
      {12, kInvalid, "email", "email: too long", kCanary,
       Link(Email(Bad("@") + std::string(246, 'a') + ".com"))},
      {13, kInvalid, "email", "email: domain is not a valid host name", "zq9x",
       Link(Email("Zq9x@localhost"))},
      {13, kInvalid, "email", "email: domain is not a valid host name", "zq9x",
       Link(Email("Zq9x@-bad-.com"))},
      {13, kInvalid, "email", "email: domain is not a valid host name", "zq9x",
       Link(Email("Zq9x@exa mple.com"))},
      {13, kInvalid, "email", "email: domain is not a valid host name", "zq9x",
       Link(Email("Zq9x@example.com."))},
      {14, kInvalid, "email", "email: control character", "Bcc",
       Link(Email("Zq9x@b.com\r\nBcc: x@y.com"))},
      // Row 15: invalid UTF-8, in every kind of string field.
      {15, kInvalid, "phone", "phone: invalid UTF-8 at byte 6", "+33 6", Link(Phone("+33 6 \xFF"))},
      {15, kInvalid, "email", "email: invalid UTF-8 at byte 4", kCanary,
       Link(Email(Bad("\xC3@example.com")))},
      {15, kInvalid, "cookie", "cookie: invalid UTF-8 at byte 4", kCanary, Link(Cookie(bad_utf8))},
      {15, kInvalid, "display_name", "display_name: invalid UTF-8 at byte 4", kCanary,
       Cust([=](Customer& c) { c.set_display_name(bad_utf8); })},
      {15, kInvalid, "language", "language: invalid UTF-8 at byte 4", kCanary,
       Cust([=](Customer& c) { c.set_language(bad_utf8); })},
      {15, kInvalid, "attributes", "attributes: invalid UTF-8 at byte 4", kCanary,
       Cust([=](Customer& c) { SetAttribute(c.mutable_attributes(), "tier", bad_utf8); })},
      {15, kInvalid, "summary", "summary: invalid UTF-8 at byte 4", kCanary,
       Rec([=](Interaction& i) { i.set_summary(bad_utf8); })},
      {15, kInvalid, "summary", "summary: invalid UTF-8 at byte 4", kCanary,
       Rec([](Interaction& i) { i.set_summary(Bad("\xED\xA0\x80")); })},  // a surrogate
      {15, kInvalid, "summary", "summary: invalid UTF-8 at byte 4", kCanary,
       Rec([](Interaction& i) { i.set_summary(Bad("\xC0\xAF")); })},  // an overlong '/'
      {15, kInvalid, "attributes", "attributes: invalid UTF-8 at byte 4", kCanary,
       Rec([=](Interaction& i) { SetAttribute(i.mutable_attributes(), "note", bad_utf8); })},
      {15, kInvalid, "touchpoint", "touchpoint: invalid UTF-8 at byte 4", kCanary,
       Rec([=](Interaction& i) { i.set_touchpoint(bad_utf8); })},
      {15, kInvalid, "kind", "kind: invalid UTF-8 at byte 4", kCanary,
       Rec([=](Interaction& i) { i.set_kind(bad_utf8); })},
      {15, kInvalid, "agent_id", "agent_id: invalid UTF-8 at byte 4", kCanary,
       Rec([=](Interaction& i) { i.set_agent_id(bad_utf8); })},
      {15, kInvalid, "outcome", "outcome: invalid UTF-8 at byte 4", kCanary,
       Rec([=](Interaction& i) { i.set_outcome(bad_utf8); })},
      {15, kInvalid, "channel.provider", "channel.provider: invalid UTF-8 at byte 4", kCanary,
       Rec([=](Interaction& i) { i.mutable_channel()->set_provider(bad_utf8); })},
      {15, kInvalid, "external_id", "external_id: invalid UTF-8 at byte 4", kCanary,
       Rec([=](Interaction& i) { i.set_external_id(bad_utf8); })},
      {15, kInvalid, "touchpoint.key", "touchpoint.key: invalid UTF-8 at byte 4", kCanary,
       Tp([=](Touchpoint& t) { t.set_key(bad_utf8); })},
      {15, kInvalid, "touchpoint.description",
       "touchpoint.description: invalid UTF-8 at byte 4", kCanary,
       Tp([=](Touchpoint& t) { t.set_description(bad_utf8); })},
      {15, kInvalid, "subject", "subject: invalid UTF-8 at byte 4", kCanary,
       [=](Fixture& fx) {
         Case c;
         c.set_customer_id("cus-a");
         c.set_subject(bad_utf8);
         return StatusOf(fx.store->OpenCase(c));
       }},
      // Row 16: unknown channel kinds, and other enums out of range.
      {16, kInvalid, "channel.kind", std::string("channel.kind: unknown ") + kAllowedChannels, "99",
       Rec([](Interaction& i) { i.mutable_channel()->set_kind(v1::ChannelKind(99)); })},
      {16, kInvalid, "channel.kind", std::string("channel.kind: unknown ") + kAllowedChannels, "-7",
       Rec([](Interaction& i) { i.mutable_channel()->set_kind(v1::ChannelKind(-7)); })},
      {16, kInvalid, "channel.kind", std::string("channel.kind: unknown ") + kAllowedChannels, "",
       Rec([](Interaction& i) { i.mutable_channel()->set_kind(v1::CHANNEL_KIND_UNSPECIFIED); })},
      {16, kInvalid, "touchpoint.channel.kind",
       std::string("touchpoint.channel.kind: unknown ") + kAllowedChannels, "99",
       Tp([](Touchpoint& t) { t.mutable_channel()->set_kind(v1::ChannelKind(99)); })},
      {16, kInvalid, "preferred_channel",
       std::string("preferred_channel: unknown ") + kAllowedChannels, "99",
       Cust([](Customer& c) { c.set_preferred_channel(v1::ChannelKind(99)); })},
      {16, kInvalid, "consents.channel",
       std::string("consents.channel: unknown ") + kAllowedChannels, "99", Cust([](Customer& c) {
         Consent* consent = c.add_consents();
         consent->set_purpose("marketing");
         consent->set_channel(v1::ChannelKind(99));
         consent->set_state(v1::CONSENT_STATE_GRANTED);
       })},
      {16, kInvalid, "consents.state",
       "consents.state: unknown (allowed: granted, denied, revoked)", "",
       Cust([](Customer& c) { c.add_consents()->set_purpose("marketing"); })},
      {16, kInvalid, "direction", "direction: unknown (allowed: inbound, outbound, internal)", "99",
       Rec([](Interaction& i) { i.set_direction(v1::Direction(99)); })},
      {16, kInvalid, "identity.kind", "identity.kind: unknown", kCanary,
       [](Fixture& fx) {
         Identity id;
         id.set_kind(v1::IdentityKind(99));
         id.set_value(kCanary);
         return StatusOf(fx.store->LinkIdentity("cus-b", id));
       }},
      // Row 17: times. TestEpoch() is 1772442000; 24 h is 86400 s.
      {17, kInvalid, "occurred_at", "occurred_at: out of range", "1772528401",
       Rec([](Interaction& i) { i.mutable_occurred_at()->set_seconds(1772442000 + 86401); })},
      {17, kInvalid, "occurred_at", "occurred_at: out of range", "",
       Rec([](Interaction& i) { i.mutable_occurred_at()->set_seconds(-1); })},
      {17, kInvalid, "occurred_at", "occurred_at: out of range", "253402300800",
       Rec([](Interaction& i) { i.mutable_occurred_at()->set_seconds(253402300800); })},
      {17, kInvalid, "occurred_at", "occurred_at: out of range", "",
       Rec([](Interaction& i) { i.mutable_occurred_at()->set_nanos(-1); })},
      {17, kInvalid, "occurred_at", "occurred_at: missing", "",
       Rec([](Interaction& i) { i.clear_occurred_at(); })},
      // Row 18: external ids (an empty one means "none" in proto3).
      {18, kInvalid, "external_id", "external_id: empty", "",
       Rec([](Interaction& i) { i.set_external_id("   "); })},
      {18, kInvalid, "external_id", "external_id: 101 bytes > 100", kCanary,
       Rec([](Interaction& i) { i.set_external_id(Bad(std::string(97, 'x'))); })},
      {18, kInvalid, "external_id", "external_id: control character", kCanary,
       Rec([](Interaction& i) { i.set_external_id(Bad("\n")); })},
      {18, kInvalid, "external_id", "external_id: control character", kCanary,
       Rec([](Interaction& i) { i.set_external_id(Bad("\t1")); })},
      {18, kInvalid, "external_id", "external_id: control character", kCanary,
       Rec([](Interaction& i) { i.set_external_id(Bad(std::string("\0", 1))); })},
      {18, kInvalid, "external_id", "external_id: control character", kCanary,
       Rec([](Interaction& i) { i.set_external_id(Bad("\x7F")); })},
      {18, kInvalid, "external_id", "external_id: control character", kCanary,
       Rec([](Interaction& i) { i.set_external_id(Bad("\xC2\x85")); })},  // NEL
      // Row 19: another customer's external id.
      {19, Code::kAlreadyExists, "external_id", "external_id: already used by interaction 1",
       kCanary, Rec([](Interaction& i) {
         i.set_customer_id("cus-b");
         i.set_external_id("Zq9x-ext-1");
       })},
      {19, Code::kAlreadyExists, "batch[2]",
       "batch[2]: external_id: already used by interaction 1", kCanary,
       Batch(2, [](Interaction& i) {
         i.set_customer_id("cus-b");
         i.set_external_id("Zq9x-ext-1");
       })},
      // Row 20: sizes, never truncated.
      {20, kInvalid, "summary", "summary: 4097 bytes > 4096", kCanary,
       Rec([](Interaction& i) { i.set_summary(Bad(std::string(4093, 's'))); })},
      {20, kInvalid, "attributes", "attributes: value over 1024 bytes", kCanary,
       Rec([](Interaction& i) {
         SetAttribute(i.mutable_attributes(), "note", Bad(std::string(1021, 'v')));
       })},
      {20, kInvalid, "attributes", "attributes: more than 64 attributes", kCanary,
       Rec([](Interaction& i) { FillAttributes(i.mutable_attributes(), 65); })},
      {20, kInvalid, "attributes", "attributes: value over 1024 bytes", kCanary,
       Cust([](Customer& c) {
         SetAttribute(c.mutable_attributes(), "tier", Bad(std::string(1021, 'v')));
       })},
      {20, kInvalid, "attributes", "attributes: more than 64 attributes", kCanary,
       Cust([](Customer& c) { FillAttributes(c.mutable_attributes(), 65); })},
      {20, kInvalid, "display_name", "display_name: 257 bytes > 256", kCanary,
       Cust([](Customer& c) { c.set_display_name(Bad(std::string(253, 'n'))); })},
      {20, kInvalid, "customer_id", "customer_id: 129 bytes > 128", kCanary,
       Cust([](Customer& c) { c.set_id(Bad(std::string(125, 'i'))); })},
      {20, kInvalid, "batch[4]", "batch[4]: summary: 4097 bytes > 4096", kCanary,
       Batch(4, [](Interaction& i) { i.set_summary(Bad(std::string(4093, 's'))); })},
      // Row 21: attribute keys.
      {21, kInvalid, "attributes", "attributes: bad key", "",
       Rec([](Interaction& i) { SetAttribute(i.mutable_attributes(), "", "v"); })},
      {21, kInvalid, "attributes", "attributes: bad key", kCanary,
       Rec([](Interaction& i) {
         SetAttribute(i.mutable_attributes(), Bad(std::string(61, 'k')), "v");
       })},
      {21, kInvalid, "attributes", "attributes: bad key", kCanary,
       Rec([](Interaction& i) { SetAttribute(i.mutable_attributes(), Bad(" level"), "v"); })},
      {21, kInvalid, "attributes", "attributes: bad key", kCanary,
       Rec([](Interaction& i) { SetAttribute(i.mutable_attributes(), Bad("<script>"), "v"); })},
      {21, kInvalid, "attributes", "attributes: bad key", kCanary,
       Cust([](Customer& c) { SetAttribute(c.mutable_attributes(), Bad("caf\xC3\xA9"), "v"); })},
      {21, kInvalid, "attributes", "attributes: bad key", kCanary,
       Cust([](Customer& c) { SetAttribute(c.mutable_attributes(), Bad("a:b"), "v"); })},
      {21, kInvalid, "attributes", "attributes: repeated key", kCanary,
       Cust([](Customer& c) { AddTwice(c.mutable_attributes(), Bad("tier")); })},
      {21, kInvalid, "attributes", "attributes: repeated key", kCanary,
       Rec([](Interaction& i) { AddTwice(i.mutable_attributes(), Bad("note")); })},
      // Row 22: unknown customers.
      {22, Code::kNotFound, "customer_id", "customer_id: no such customer", kCanary,
       Rec([](Interaction& i) { i.set_customer_id(Bad("-ghost")); })},
      {22, Code::kNotFound, "batch[1]", "batch[1]: customer_id: no such customer", kCanary,
       Batch(1, [](Interaction& i) { i.set_customer_id(Bad("-ghost")); })},
      {22, Code::kNotFound, "customer_id", "customer_id: no such customer", kCanary,
       [](Fixture& fx) { return StatusOf(fx.store->LinkIdentity(Bad("-ghost"), Cookie("ck-1"))); }},
      {22, Code::kNotFound, "customer_id", "customer_id: no such customer", kCanary,
       [](Fixture& fx) {
         Case c;
         c.set_customer_id(Bad("-ghost"));
         c.set_subject("Subject");
         return StatusOf(fx.store->OpenCase(c));
       }},
      {22, Code::kNotFound, "customer_id", "customer_id: no such customer", kCanary,
       [](Fixture& fx) { return StatusOf(fx.store->StartJourney(Bad("-ghost"), "loan")); }},
      {22, Code::kNotFound, "customer_id", "customer_id: merged into customer cus-a", "",
       Rec([](Interaction& i) { i.set_customer_id("cus-m"); })},
      {22, Code::kNotFound, "customer_id", "customer_id: merged into customer cus-a", "",
       [](Fixture& fx) { return StatusOf(fx.store->LinkIdentity("cus-m", Cookie("ck-1"))); }},
      // Row 23: an identity owned by another customer.
      {23, Code::kAlreadyExists, "identity", "identity: already linked to customer cus-a",
       "12345678", Link(Phone("+33 6 12 34 56 78"))},
      {23, Code::kAlreadyExists, "identity", "identity: already linked to customer cus-a",
       "ada@", Link(Email("ADA@example.com"))},
      // Row 29: journey definitions, naming the step.
      {29, kInvalid, "step b", "step b: duplicate key", "",
       Define(R"pb(key: "j" steps { key: "a" next: "b" } steps { key: "b" next: "c" }
                   steps { key: "b" next: "c" }
                   steps { key: "c" outcome: STEP_OUTCOME_SUCCESS })pb")},
      {29, kInvalid, "step a", "step a: transition to unknown step zz", "",
       Define(R"pb(key: "j" steps { key: "a" next: "zz" }
                   steps { key: "c" outcome: STEP_OUTCOME_SUCCESS })pb")},
      {29, kInvalid, "journey j", "journey j: no terminal step", "",
       Define(R"pb(key: "j" steps { key: "a" next: "b" } steps { key: "b" next: "a" })pb")},
      {29, kInvalid, "step a", "step a: negative stall threshold", "12345",
       Define(R"pb(key: "j" steps { key: "a" next: "b" stall_after { seconds: -12345 } }
                   steps { key: "b" outcome: STEP_OUTCOME_SUCCESS })pb")},
      // Row 30: a transition the definition does not allow.
      {30, Code::kFailedPrecondition, "transition", "transition a\u2192c not allowed", "",
       [](Fixture& fx) { return StatusOf(fx.store->AdvanceJourney(fx.instance_id, "c")); }},
  };
  return rows;
}

TEST_CASE("Every catalogued bad input is refused exactly and writes nothing", "[bad_input]") {
  Fixture fx;
  for (const BadInput& bad : Catalogue()) {
    const FileBytes before = Snapshot(fx.store.path());
    const FileBytes plain_before = Snapshot(fx.plain_path);
    REQUIRE(before.db.has_value());
    const absl::Status status = bad.call(fx);
    const std::string msg = Msg(status);
    INFO("row " << bad.row << ", expected \"" << bad.message << "\", got " << status.ToString());
    CHECK(status.code() == bad.code);
    CHECK(msg.starts_with(bad.field));
    CHECK(msg == bad.message);
    if (!bad.canary.empty()) CHECK(msg.find(bad.canary) == std::string::npos);
    CHECK(Snapshot(fx.store.path()) == before);
    CHECK(Snapshot(fx.plain_path) == plain_before);
  }
  // The API agrees that nothing moved.
  ASSIGN_OR_FAIL(Customer b, fx.store->GetCustomer("cus-b"));
  CHECK(b.identities().empty());
  CHECK_FALSE(b.has_last_seen_at());
  CHECK(fx.store->GetCustomer("cus-new").status().code() == Code::kNotFound);
  ASSIGN_OR_FAIL(TimelinePage page, fx.store->Timeline("cus-a"));
  CHECK(page.interactions.size() == 1);
  ASSIGN_OR_FAIL(std::vector<Touchpoint> touchpoints, fx.store->ListTouchpoints());
  CHECK(touchpoints.empty());
  ASSIGN_OR_FAIL(std::vector<Journey> journeys, fx.store->ListJourneys());
  CHECK(journeys.size() == 1);
  ASSIGN_OR_FAIL(JourneyInstance inst, fx.store->GetJourneyInstance(fx.instance_id));
  CHECK(inst.current_step() == "a");
}

TEST_CASE("Calls for an erased customer get FailedPrecondition \"customer erased\"",
          "[bad_input]") {
  // bad-inputs.md row 22. Erase replaces the customer's id, so without a
  // record of erased ids the old id reads as unknown (NotFound).
  Fixture fx;
  MakeCustomer(fx.store.store(), "cus-e", "Erased");
  REQUIRE_OK(fx.store->Erase("cus-e", "test"));
  const FileBytes before = Snapshot(fx.store.path());
  const std::vector<absl::Status> statuses = {
      StatusOf(fx.store->Record(MakeInteraction("cus-e", fx.store.clock().Now(),
                                                v1::CHANNEL_KIND_WEB, "web.home", "page_view"))),
      StatusOf(fx.store->LinkIdentity("cus-e", Cookie("ck-1"))),
  };
  for (const absl::Status& status : statuses) {
    INFO(status.ToString());
    CHECK(status.code() == Code::kFailedPrecondition);
    CHECK(Msg(status) == "customer_id: customer erased");
  }
  CHECK(Snapshot(fx.store.path()) == before);
}

TEST_CASE("Limits are inclusive: values at the limit are accepted", "[bad_input]") {
  Fixture fx;
  const absl::Time now = fx.store.clock().Now();
  Interaction edge = fx.Good();
  *edge.mutable_occurred_at() = ToProtoTime(now + Limits::kMaxFutureSkew);
  edge.set_summary(std::string(Limits::kMaxSummaryBytes, 's'));
  edge.set_external_id(std::string(Limits::kMaxExternalIdBytes, 'x'));
  FillAttributes(edge.mutable_attributes(), Limits::kMaxAttributes - 1);
  SetAttribute(edge.mutable_attributes(), std::string(Limits::kMaxAttributeKeyBytes, 'k'),
               std::string(Limits::kMaxAttributeValueBytes, 'v'));
  REQUIRE_OK(fx.store->Record(edge));
  Interaction epoch = fx.Good();
  *epoch.mutable_occurred_at() = ToProtoTime(absl::UnixEpoch());
  REQUIRE_OK(fx.store->Record(epoch));
  std::vector<Interaction> full(Limits::kMaxBatchInteractions, fx.Good());
  ASSIGN_OR_FAIL(std::vector<int64_t> ids, fx.store->RecordBatch(full));
  CHECK(ids.size() == Limits::kMaxBatchInteractions);
}

// ---- Row 32: files Open must refuse without crashing or writing ----

// Runs one SQL script on a file with SQLite directly.
void RawSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  INFO((error != nullptr ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE(out.good());
}

// Creates a closed omnictx store with a customer and returns its path.
std::string ClosedStore(const TempDir& dir) {
  const std::string path = dir.File("store.db");
  Options options;
  options.clock = std::make_shared<FakeClock>(TestEpoch());
  ASSIGN_OR_FAIL(std::unique_ptr<Store> store, Store::Open(path, options));
  for (int i = 0; i < 200; ++i) MakeCustomer(*store, "cus-" + std::to_string(i), "Zq9x name");
  return path;
}

TEST_CASE("Open refuses files it must not touch, and changes none of them", "[bad_input]") {
  struct BadFile {
    std::string name;
    std::function<std::string(const TempDir&)> make;  // returns the path
    Code code;
    std::string message;  // exactly, or a prefix when `prefix_only`
    bool prefix_only;
  };
  const std::string newer = std::to_string(SchemaVersion() + 1);
  const std::vector<BadFile> files = {
      {"a text file",
       [](const TempDir& dir) {
         std::string text;
         for (int i = 0; i < 200; ++i) text += "Zq9x this is not a database\n";
         WriteFile(dir.File("notes.db"), text);
         return dir.File("notes.db");
       },
       Code::kFailedPrecondition, "open: the file is not an SQLite database", false},
      {"another application's SQLite database",
       [](const TempDir& dir) {
         RawSql(dir.File("other.db"), "CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('Zq9x');");
         return dir.File("other.db");
       },
       Code::kFailedPrecondition, "open: the file is an SQLite database of another application",
       false},
      {"a file written by a newer omnictx",
       [&](const TempDir& dir) {
         const std::string path = ClosedStore(dir);
         RawSql(path, "PRAGMA user_version = " + newer);
         return path;
       },
       Code::kFailedPrecondition,
       "open: schema version " + newer + " was written by a newer omnictx", true},
  };
  for (const BadFile& bad : files) {
    TempDir dir;
    const std::string path = bad.make(dir);
    const FileBytes before = Snapshot(path);
    auto store = Store::Open(path, Options{});
    INFO(bad.name << ": " << store.status().ToString());
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == bad.code);
    if (bad.prefix_only) {
      CHECK(Msg(store.status()).starts_with(bad.message));
    } else {
      CHECK(Msg(store.status()) == bad.message);
    }
    CHECK(Msg(store.status()).find(kCanary) == std::string::npos);
    CHECK(Snapshot(path) == before);
  }
}

TEST_CASE("Open refuses URI file names and creates nothing", "[bad_input]") {
  TempDir dir;
  const std::string target = dir.File("x.db");
  for (const std::string& uri :
       {"file:" + target + "?nolock=1", "FILE:" + target, "file:" + target + "?vfs=unix-none"}) {
    auto store = Store::Open(uri, Options{});
    INFO(uri << ": " << store.status().ToString());
    CHECK(store.status().code() == Code::kInvalidArgument);
    CHECK(Msg(store.status()) == "path: URI file names (file:...) are not accepted");
  }
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("A corrupt page is reported as DataLoss, never a crash", "[bad_input]") {
  TempDir dir;
  const std::string path = ClosedStore(dir);
  std::string bytes = *ReadFile(path);
  REQUIRE(bytes.size() > 3 * 4096);
  // Scribble over page 2, the root of the customers table.
  for (size_t i = 4096; i < 2 * 4096; ++i) bytes[i] = static_cast<char>(0xA5);
  WriteFile(path, bytes);
  auto store = Store::Open(path, Options{});
  if (!store.ok()) {
    CHECK(store.status().code() == Code::kDataLoss);
    return;
  }
  absl::Status check = (*store)->Check();
  INFO(check.ToString());
  CHECK(check.code() == Code::kDataLoss);
  CHECK(Msg(check).starts_with("integrity check failed"));
  CHECK(Msg(check).find(kCanary) == std::string::npos);
  // Reads that reach the page fail cleanly too.
  CHECK((*store)->GetCustomer("cus-7").status().code() == Code::kDataLoss);
}

TEST_CASE("A world-writable file still opens (no crash)", "[bad_input]") {
  // bad-inputs.md asks for a warning; the API has no warning channel yet,
  // so this pins the "never a crash" half.
  TempDir dir;
  const std::string path = ClosedStore(dir);
  REQUIRE(chmod(path.c_str(), 0666) == 0);
  auto store = Store::Open(path, Options{});
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  ASSIGN_OR_FAIL(Customer c, (*store)->GetCustomer("cus-7"));
  CHECK(c.display_name() == "Zq9x name");
}

}  // namespace
}  // namespace omnictx
