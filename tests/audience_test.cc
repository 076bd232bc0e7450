// SPDX-License-Identifier: Apache-2.0
//
// Audiences: a Context asked for a low-trust door (the IVR, a public web
// widget) carries what that door needs and none of the personal data. A
// customer gets a canary string in every personal field; each audience's
// answer is rendered as JSON, a flat map and text and searched for them.
#include <map>
#include <string>
#include <vector>

#include "omnictx/omnictx.h"
#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::ProtoEquals;
using testing::TempStore;

// Personal values no low-trust audience may see. Each is planted in one
// field; none occurs anywhere else in the store.
const std::map<std::string, std::string>& Canaries() {
  static const auto* canaries = new std::map<std::string, std::string>{
      {"phone", "+33698765431"},
      {"phone_national", "698765431"},
      {"email", "zq7.canary.email@example.com"},
      {"cookie", "zq7-canary-cookie"},
      {"crm_id", "zq7-canary-crm"},
      {"attribute_value", "zq7-canary-attr-value"},
      {"attribute_key", "zq7_canary_attr_key"},
      {"consent_purpose", "zq7_canary_purpose"},
      {"case_subject", "zq7 canary case subject"},
      {"summary", "zq7 canary interaction summary"},
      {"interaction_attribute", "zq7-canary-interaction-attr"},
      {"external_id", "zq7-canary-external-id"},
  };
  return *canaries;
}

constexpr char kName[] = "Zq7 Canary Name";
constexpr char kCustomerId[] = "zq7-canary-customer";

Journey Loan() {
  return ParseTextProto<Journey>(R"pb(
    key: "home_loan"
    steps { key: "simulate" next: "upload_documents" }
    steps {
      key: "upload_documents"
      next: "done"
      skill: "documents"
      stall_after { seconds: 3600 }
    }
    steps { key: "done" outcome: STEP_OUTCOME_SUCCESS }
  )pb");
}

// Fills a store with one customer carrying every canary: identities,
// attributes, a consent, a journey stalled after an email, an open case
// with a subject and an interaction with a summary and attributes.
void Plant(TempStore& store) {
  const auto& c = Canaries();
  Customer customer;
  customer.set_id(kCustomerId);
  customer.set_display_name(kName);
  customer.set_language("fr-FR");
  SetAttribute(customer.mutable_attributes(), "tier", c.at("attribute_value"));
  SetAttribute(customer.mutable_attributes(), c.at("attribute_key"), "gold");
  REQUIRE_OK(store->UpsertCustomer(customer));
  REQUIRE_OK(store->LinkIdentity(kCustomerId, Phone(c.at("phone"))));
  REQUIRE_OK(store->LinkIdentity(kCustomerId, Email(c.at("email"))));
  REQUIRE_OK(store->LinkIdentity(kCustomerId, Cookie(c.at("cookie"))));
  REQUIRE_OK(store->LinkIdentity(kCustomerId, CrmId(c.at("crm_id"))));
  Consent consent;
  consent.set_purpose(c.at("consent_purpose"));
  consent.set_state(v1::CONSENT_STATE_GRANTED);
  REQUIRE_OK(store->SetConsent(kCustomerId, consent, "test"));

  REQUIRE_OK(store->DefineJourney(Loan()));
  ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney(kCustomerId, "home_loan"));
  Interaction email = MakeInteraction(kCustomerId, store.clock().Now(), v1::CHANNEL_KIND_EMAIL,
                                      "email.renewal", "email_sent", v1::DIRECTION_OUTBOUND);
  REQUIRE_OK(store->Record(email));
  store.clock().Advance(absl::Minutes(1));
  REQUIRE_OK(store->AdvanceJourney(inst.id(), "upload_documents"));

  Case kase;
  kase.set_customer_id(kCustomerId);
  kase.set_subject(c.at("case_subject"));
  kase.set_owner_agent("agent-7");
  kase.set_queue("loans");
  kase.set_journey_instance_id(inst.id());
  ASSIGN_OR_FAIL(Case opened, store->OpenCase(kase));
  REQUIRE_OK(store->SetCaseStatus(opened.id(), v1::CASE_STATUS_PENDING));

  store.clock().Advance(absl::Hours(2));  // past the stall threshold
  Interaction call = MakeInteraction(kCustomerId, store.clock().Now(), v1::CHANNEL_KIND_VOICE,
                                     "voice.main", "call");
  call.set_summary(c.at("summary"));
  SetAttribute(call.mutable_attributes(), "note", c.at("interaction_attribute"));
  call.set_external_id(c.at("external_id"));
  call.set_case_id(opened.id());
  *call.mutable_via() = Phone(c.at("phone"));
  REQUIRE_OK(store->Record(call));
  store.clock().Advance(absl::Minutes(3));
}

// The Context in every rendering a door may read, joined.
std::string Rendered(const Context& ctx) {
  ASSIGN_OR_FAIL(std::string json, ToJson(ctx));
  std::string all = json + "\n" + ToText(ctx) + "\n";
  for (const auto& [key, value] : ToFlatMap(ctx)) all += key + "=" + value + "\n";
  return all;
}

Context LookUp(TempStore& store, Audience audience, bool by_phone = true) {
  LookupRequest request;
  if (by_phone) {
    request.identity = Phone(Canaries().at("phone"));
  } else {
    request.customer_id = kCustomerId;
  }
  request.channel = Channel::kIvr;
  request.audience = audience;
  ASSIGN_OR_FAIL(Context ctx, store->Lookup(request));
  return ctx;
}

void RequireNoCanary(const std::string& rendered) {
  for (const auto& [field, canary] : Canaries()) {
    INFO(field << " canary " << canary << " in:\n" << rendered);
    CHECK(rendered.find(canary) == std::string::npos);
  }
}

TEST_CASE("low-trust audiences see no personal field", "[audience]") {
  TempStore store;
  Plant(store);
  const Context agent = LookUp(store, Audience::kAgent);

  for (Audience audience : {Audience::kIvr, Audience::kPublicWeb}) {
    for (bool by_phone : {true, false}) {
      INFO("audience " << AudienceName(audience) << (by_phone ? " by phone" : " by id"));
      const Context ctx = LookUp(store, audience, by_phone);
      const std::string rendered = Rendered(ctx);
      RequireNoCanary(rendered);

      // What the door needs is still there.
      CHECK(ctx.known());
      CHECK(ctx.customer().display_name() == kName);
      CHECK(ctx.customer().language() == "fr-FR");
      REQUIRE(ctx.journeys_size() == 1);
      CHECK(ctx.journeys(0).journey_key() == "home_loan");
      CHECK(ctx.journeys(0).current_step() == "upload_documents");
      CHECK(ctx.journeys(0).stalled());
      REQUIRE(ctx.open_cases_size() == 1);
      CHECK(ctx.open_cases(0).owner_agent() == "agent-7");
      CHECK(ctx.open_cases(0).status() == v1::CASE_STATUS_PENDING);
      CHECK(ctx.open_cases(0).subject().empty());
      // Routing is computed from the whole record, then kept whole.
      CHECK_THAT(ctx.routing(), ProtoEquals(agent.routing()));
      CHECK(ctx.suggestions_size() == agent.suggestions_size());
      CHECK(ctx.recent().empty());
      CHECK(ctx.consents().empty());
      CHECK(ctx.customer().identities().empty());
      CHECK(ctx.customer().attributes().empty());
      if (by_phone) {
        CHECK(ctx.matched_identity().kind() == v1::IDENTITY_KIND_PHONE);
        CHECK(ctx.matched_identity().value().empty());
      }
      const bool ivr = audience == Audience::kIvr;
      CHECK((rendered.find(kCustomerId) != std::string::npos) == ivr);
      CHECK(ctx.last_contact().has_channel() == ivr);
    }
  }
}

TEST_CASE("the agent audience sees every field, and is the default", "[audience]") {
  TempStore store;
  Plant(store);
  LookupRequest request;
  request.identity = Phone(Canaries().at("phone"));
  request.channel = Channel::kIvr;
  ASSIGN_OR_FAIL(Context by_default, store->Lookup(request));
  const Context agent = LookUp(store, Audience::kAgent);
  CHECK_THAT(by_default, ProtoEquals(agent));

  ASSIGN_OR_FAIL(std::string json, ToJson(agent));
  for (const auto& [field, canary] : Canaries()) {
    INFO(field << " canary " << canary);
    CHECK(json.find(canary) != std::string::npos);
  }
  const std::string text = ToText(agent);
  for (const char* field : {"case_subject", "summary", "consent_purpose", "phone"}) {
    INFO(field);
    CHECK(text.find(Canaries().at(field)) != std::string::npos);
  }
  CHECK(ToFlatMap(agent).at("matched_value") == Canaries().at("phone"));
}

TEST_CASE("an unknown caller's number is not echoed to low-trust audiences", "[audience]") {
  TempStore store;
  for (Audience audience : {Audience::kIvr, Audience::kPublicWeb}) {
    ASSIGN_OR_FAIL(Context ctx, store->Lookup({.identity = Phone(Canaries().at("phone")),
                                               .channel = Channel::kIvr,
                                               .audience = audience}));
    CHECK_FALSE(ctx.known());
    CHECK(ctx.matched_identity().kind() == v1::IDENTITY_KIND_PHONE);
    RequireNoCanary(Rendered(ctx));
    CHECK(ctx.routing().rule().empty() == false);
  }
  ASSIGN_OR_FAIL(Context agent, store->Lookup({.identity = Phone(Canaries().at("phone"))}));
  CHECK(agent.matched_identity().value() == Canaries().at("phone"));
}

TEST_CASE("the audience policy is configuration", "[audience]") {
  SECTION("an audience may be given more parts") {
    Options options;
    options.audiences.parts[Audience::kIvr].insert(ContextPart::kAttributes);
    TempStore store(options);
    Plant(store);
    const Context ctx = LookUp(store, Audience::kIvr);
    CHECK(FindAttribute(ctx.customer().attributes(), "tier") == Canaries().at("attribute_value"));
    CHECK(ctx.customer().identities().empty());
    CHECK(ctx.recent().empty());
  }
  SECTION("the agent audience may be cut down") {
    Options options;
    options.audiences.parts[Audience::kAgent] = {ContextPart::kDisplayName, ContextPart::kRecent,
                                                 ContextPart::kRouting};
    TempStore store(options);
    Plant(store);
    const Context ctx = LookUp(store, Audience::kAgent);
    CHECK(ctx.customer().display_name() == kName);
    REQUIRE_FALSE(ctx.recent().empty());
    for (const Interaction& i : ctx.recent()) {
      CHECK(i.summary().empty());
      CHECK(i.attributes().empty());
      CHECK(i.external_id().empty());
      CHECK_FALSE(i.has_via());
      CHECK(i.customer_id().empty());
      CHECK_FALSE(i.touchpoint().empty());  // what happened, where, stays
    }
    CHECK(ctx.journeys().empty());
    RequireNoCanary(Rendered(ctx));
  }
  SECTION("an audience the policy does not list sees no part") {
    Options options;
    options.audiences.parts.erase(Audience::kPublicWeb);
    TempStore store(options);
    Plant(store);
    const Context ctx = LookUp(store, Audience::kPublicWeb);
    CHECK(ctx.known());
    CHECK_FALSE(ctx.has_customer());
    CHECK(ctx.journeys().empty());
    CHECK(ctx.open_cases().empty());
    CHECK_FALSE(ctx.has_routing());
    CHECK(ctx.suggestions().empty());
    const std::string rendered = Rendered(ctx);
    RequireNoCanary(rendered);
    CHECK(rendered.find(kName) == std::string::npos);
  }
}

TEST_CASE("audience names round-trip and an unknown audience is refused", "[audience]") {
  for (Audience a : {Audience::kAgent, Audience::kIvr, Audience::kPublicWeb}) {
    Audience parsed = Audience::kAgent;
    REQUIRE(ParseAudienceName(AudienceName(a), &parsed));
    CHECK(parsed == a);
  }
  Audience unused;
  CHECK_FALSE(ParseAudienceName("root", &unused));
  CHECK_FALSE(ParseAudienceName("", &unused));
  CHECK(DefaultAudienceParts().at(Audience::kAgent) == AllContextParts());
  CHECK(AllContextParts().size() == 14);
  for (ContextPart part : AllContextParts()) {
    ContextPart parsed = ContextPart::kRouting;
    REQUIRE(ParseContextPartName(ContextPartName(part), &parsed));
    CHECK(parsed == part);
  }
  ContextPart no_part;
  CHECK_FALSE(ParseContextPartName("email", &no_part));

  TempStore store;
  auto ctx = store->Lookup({.customer_id = "c1", .audience = static_cast<Audience>(42)});
  REQUIRE(absl::IsInvalidArgument(ctx.status()));
  CHECK(ctx.status().message() == "audience: unknown audience");
}

}  // namespace
}  // namespace omnictx
