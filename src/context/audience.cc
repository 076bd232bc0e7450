// SPDX-License-Identifier: Apache-2.0
#include "context/audience.h"

#include <utility>

namespace omnictx {

namespace {

struct PartName {
  ContextPart part;
  std::string_view name;
};
constexpr PartName kPartNames[] = {
    {ContextPart::kCustomerId, "customer_id"},
    {ContextPart::kDisplayName, "display_name"},
    {ContextPart::kProfile, "profile"},
    {ContextPart::kIdentities, "identities"},
    {ContextPart::kAttributes, "attributes"},
    {ContextPart::kConsents, "consents"},
    {ContextPart::kJourneys, "journeys"},
    {ContextPart::kCases, "cases"},
    {ContextPart::kCaseSubjects, "case_subjects"},
    {ContextPart::kRecent, "recent"},
    {ContextPart::kInteractionText, "interaction_text"},
    {ContextPart::kLastContact, "last_contact"},
    {ContextPart::kRouting, "routing"},
    {ContextPart::kSuggestions, "suggestions"},
};

}  // namespace

std::set<ContextPart> AllContextParts() {
  std::set<ContextPart> all;
  for (const PartName& p : kPartNames) all.insert(p.part);
  return all;
}

std::map<Audience, std::set<ContextPart>> DefaultAudienceParts() {
  return {
      {Audience::kAgent, AllContextParts()},
      {Audience::kIvr,
       {ContextPart::kCustomerId, ContextPart::kDisplayName, ContextPart::kProfile,
        ContextPart::kJourneys, ContextPart::kCases, ContextPart::kLastContact,
        ContextPart::kRouting, ContextPart::kSuggestions}},
      {Audience::kPublicWeb,
       {ContextPart::kDisplayName, ContextPart::kProfile, ContextPart::kJourneys,
        ContextPart::kCases, ContextPart::kRouting, ContextPart::kSuggestions}},
  };
}

std::string_view AudienceName(Audience audience) {
  switch (audience) {
    case Audience::kAgent:
      return "agent";
    case Audience::kIvr:
      return "ivr";
    case Audience::kPublicWeb:
      return "public_web";
  }
  return "unknown";
}

bool ParseAudienceName(std::string_view name, Audience* audience) {
  for (Audience a : {Audience::kAgent, Audience::kIvr, Audience::kPublicWeb}) {
    if (name == AudienceName(a)) {
      *audience = a;
      return true;
    }
  }
  return false;
}

std::string_view ContextPartName(ContextPart part) {
  for (const PartName& p : kPartNames) {
    if (p.part == part) return p.name;
  }
  return "unknown";
}

bool ParseContextPartName(std::string_view name, ContextPart* part) {
  for (const PartName& p : kPartNames) {
    if (p.name == name) {
      *part = p.part;
      return true;
    }
  }
  return false;
}

namespace context {
namespace {

// Clears what kProfile covers.
void ClearProfile(Customer* c) {
  c->clear_language();
  c->clear_preferred_channel();
  c->clear_status();
  c->clear_merged_into();
  c->clear_created_at();
  c->clear_updated_at();
  c->clear_last_seen_at();
  c->clear_last_seen_channel();
}

void RedactInteraction(const std::set<ContextPart>& parts, Interaction* i) {
  if (!parts.count(ContextPart::kCustomerId)) i->clear_customer_id();
  if (!parts.count(ContextPart::kIdentities)) i->clear_via();
  if (!parts.count(ContextPart::kInteractionText)) {
    i->clear_summary();
    i->clear_attributes();
    i->clear_external_id();
  }
}

void RedactCase(const std::set<ContextPart>& parts, Case* c) {
  if (!parts.count(ContextPart::kCustomerId)) c->clear_customer_id();
  if (!parts.count(ContextPart::kCaseSubjects)) c->clear_subject();
}

}  // namespace

bool IsKnownAudience(Audience audience) {
  Audience parsed;
  return ParseAudienceName(AudienceName(audience), &parsed);
}

void Redact(const std::set<ContextPart>& parts, Context* ctx) {
  auto sees = [&parts](ContextPart p) { return parts.count(p) > 0; };
  Customer* customer = ctx->mutable_customer();
  if (!sees(ContextPart::kCustomerId)) customer->clear_id();
  if (!sees(ContextPart::kDisplayName)) customer->clear_display_name();
  if (!sees(ContextPart::kProfile)) ClearProfile(customer);
  if (!sees(ContextPart::kIdentities)) customer->clear_identities();
  if (!sees(ContextPart::kAttributes)) customer->clear_attributes();
  if (!sees(ContextPart::kConsents)) {
    customer->clear_consents();
    ctx->clear_consents();
  }
  for (Identity& id : *customer->mutable_identities()) {
    if (!sees(ContextPart::kCustomerId)) id.clear_customer_id();
  }
  if (ctx->customer().ByteSizeLong() == 0) ctx->clear_customer();

  Identity* matched = ctx->mutable_matched_identity();
  if (!sees(ContextPart::kIdentities)) {
    // The kind stays: "recognised by phone" helps a door and reveals nothing.
    matched->clear_value();
    matched->clear_platform();
    matched->clear_linked_at();
  }
  if (!sees(ContextPart::kCustomerId)) matched->clear_customer_id();
  if (ctx->matched_identity().ByteSizeLong() == 0) ctx->clear_matched_identity();

  if (!sees(ContextPart::kJourneys)) ctx->clear_journeys();
  if (!sees(ContextPart::kCases)) {
    ctx->clear_open_cases();
  } else {
    for (Case& c : *ctx->mutable_open_cases()) RedactCase(parts, &c);
  }
  if (!sees(ContextPart::kRecent)) {
    ctx->clear_recent();
  } else {
    for (Interaction& i : *ctx->mutable_recent()) RedactInteraction(parts, &i);
  }
  if (!sees(ContextPart::kLastContact)) ctx->clear_last_contact();
  if (!sees(ContextPart::kRouting)) ctx->clear_routing();
  if (!sees(ContextPart::kSuggestions)) ctx->clear_suggestions();
}

void RedactFor(const AudiencePolicy& policy, Audience audience, Context* ctx) {
  auto it = policy.parts.find(audience);
  static const std::set<ContextPart>* const kNothing = new std::set<ContextPart>();
  Redact(it == policy.parts.end() ? *kNothing : it->second, ctx);
}

}  // namespace context
}  // namespace omnictx
