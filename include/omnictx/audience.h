// SPDX-License-Identifier: Apache-2.0
//
// Audiences: who reads a Context. The doors of a business do not deserve
// the same trust: an agent desktop behind a login may see everything, the
// IVR's data dip needs only what routes and greets, and a public web widget
// (whose key sits in every visitor's browser) even less. A lookup names its
// audience (LookupRequest::audience) and the store clears every part of the
// Context that audience may not see before the answer leaves it, so every
// rendering (ToJson, ToFlatMap, ToText, the HTTP collector, the CLI) gets
// the redacted answer.
//
// Which parts each audience sees is configuration (Options::audiences), a
// plain table of parts per audience; there is no expression language.
#ifndef OMNICTX_AUDIENCE_H_
#define OMNICTX_AUDIENCE_H_

#include <map>
#include <set>
#include <string_view>

namespace omnictx {

// Who reads a Context.
enum class Audience {
  // An authenticated agent desktop, CRM or back office: the whole Context.
  // The default for LookupRequest, so existing callers see no change.
  kAgent,
  // The IVR or phone system's data dip: enough to greet and route (name,
  // language, journeys, open cases without subjects, routing, suggestions,
  // last contact), no identity values, contact details, interaction
  // history, attributes or consents.
  kIvr,
  // A public web widget or chatbot front end, reachable by anyone who holds
  // a cookie or the site's public key: name, language, journeys, open
  // cases without subjects, routing and suggestions; not even the customer
  // id.
  kPublicWeb,
};

// The parts of a Context an audience may be allowed to see. A part not in
// the audience's set is cleared; `known`, `asked_from` and `as_of` are
// always kept, as is the matched identity's kind.
enum class ContextPart {
  // customer.id, and the customer id on the matched identity, cases and
  // interactions.
  kCustomerId,
  // customer.display_name.
  kDisplayName,
  // customer.language, preferred_channel, status, merged_into and its
  // created, updated and last-seen times and channel.
  kProfile,
  // Identity values (phone numbers, emails, cookies, handles ...):
  // customer.identities, the matched identity's value and platform, and
  // each recent interaction's `via`.
  kIdentities,
  // customer.attributes (free-form profile values).
  kAttributes,
  // Context.consents and customer.consents.
  kConsents,
  // Active journeys: key, version, step, stalled, skill, needs, time in step.
  kJourneys,
  // Open cases: id, status, priority, owner agent, queue, journey instance,
  // times and counts. Subjects are kCaseSubjects.
  kCases,
  // The subject of each open case (free text written by people).
  kCaseSubjects,
  // Recent interactions: time, channel, touchpoint, kind, direction,
  // outcome, agent, waits, journey and case ids. Summaries, attributes and
  // external ids are kInteractionText; `via` is kIdentities.
  kRecent,
  // Free text of recent interactions: summary, attributes, external id.
  kInteractionText,
  // The last contact: channel, touchpoint, when.
  kLastContact,
  // The routing hint. Its reason names journey keys, steps, case ids and
  // agent ids, never personal data.
  kRouting,
  // Suggestions. Their texts are generated from journey keys, steps,
  // touchpoint keys and case ids, never from personal data.
  kSuggestions,
};

// Returns every part: what kAgent sees by default.
std::set<ContextPart> AllContextParts();

// Returns the default parts per audience (see Audience).
std::map<Audience, std::set<ContextPart>> DefaultAudienceParts();

// Which parts of a Context each audience sees.
struct AudiencePolicy {
  // An audience missing from the map sees no part at all (only `known`,
  // `asked_from`, `as_of` and the matched identity's kind): a mistake in
  // the configuration hides data rather than showing it.
  std::map<Audience, std::set<ContextPart>> parts = DefaultAudienceParts();
};

// Returns the lower-case name of an audience: "agent", "ivr", "public_web".
std::string_view AudienceName(Audience audience);
// Parses a name as AudienceName prints it. Returns false if unknown.
bool ParseAudienceName(std::string_view name, Audience* audience);

// Returns the snake_case name of a part: "customer_id", "display_name",
// "profile", "identities", "attributes", "consents", "journeys", "cases",
// "case_subjects", "recent", "interaction_text", "last_contact",
// "routing", "suggestions" (for configuration files and bindings).
std::string_view ContextPartName(ContextPart part);
// Parses a name as ContextPartName prints it. Returns false if unknown.
bool ParseContextPartName(std::string_view name, ContextPart* part);

}  // namespace omnictx

#endif  // OMNICTX_AUDIENCE_H_
