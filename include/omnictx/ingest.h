// SPDX-License-Identifier: Apache-2.0
//
// Importing event streams: Segment-spec messages (identify, track, page,
// screen, group, alias) as Segment and RudderStack SDKs send them, one JSON
// document per line or one HTTP request body. Store::Import and
// Store::ImportBody take these options and return this report.
//
//   auto report = store->Import(lines, {.mapping_json = R"({"Quote Sent":
//                                          {"channel": "email"}})"});
//   for (const omnictx::ImportError& e : report->errors) log(e.message);
//
// What a message becomes:
//   identify  links userId (user_id identity), anonymousId (cookie),
//             traits.email, traits.phone (read in Options::default_region)
//             and context.externalId entries, and sets the display name from
//             traits.name, else firstName + lastName (also first_name,
//             firstname ...). RudderStack's context.traits count as traits.
//   track     records an interaction; channel, kind, direction and
//             touchpoint come from the event mapping (below).
//   page      records a web "page_view" at touchpoint web.<name or path>.
//   screen    records a mobile_app "screen_view" at mobile_app.<name>.
//   group     sets the customer attribute group_id.
//   alias     stitches previousId (a user id or an anonymous id) to userId.
// Every message links its userId and anonymousId (and the email, phone and
// external ids of context.traits / context.externalId). The customer is the
// owner of the userId, else of the other identities (but not one that has
// another user id: a shared browser), else a new one. When the identities
// point at two customers and one of them holds only anonymous identities
// (cookie, device), the two are merged as Store::Stitch does (guards apply;
// the customer with the higher-priority identity survives). Two known
// customers are never merged by an event, except by an explicit alias.
//
// External ids ([{type, id}]) by type, compared on lower-case letters and
// digits only (so "crm_id", "CRM-ID" and "crmId" meet):
// crmid, crm, customerid -> crm_id; account, accountid, accountnumber ->
// account; userid -> user_id; email -> email; phone -> phone; deviceid,
// idfa, idfv, adid, androidid, iosid -> device; anonymousid, cookie ->
// cookie. Other types (vendor ids such as mailjetContactId) are ignored.
//
// Default event mapping (track). Event names are compared in lower case
// without spaces, '_', '-' or '.', so "Email Opened", "email_opened" and
// "emailOpen" meet:
//   Email Sent/Send, Delivered, Bounced/Bounce      email, outbound
//   Email Opened/Open, Link Clicked/Clicked/Click,
//   Marked as Spam/Complaint, (Email) Unsubscribed  email, inbound
//   SMS Sent/Send, Delivered, Bounced/Failed        sms, outbound
//   SMS Received, Link Clicked/Clicked              sms, inbound
//   Push (Notification) Sent, Delivered, Received,
//   Bounced                                         mobile_app, outbound
//   Push (Notification) Tapped/Opened/Link Clicked  mobile_app, inbound
//   Live Chat Conversation Started/Ended,
//   Live Chat Message Sent (by the customer)        chat, inbound
//   Live Chat Message Received (by the customer)    chat, outbound
// with kinds email_sent, email_delivered, email_opened, email_clicked,
// email_bounced, email_spam, email_unsubscribed, sms_sent, ..., push_sent,
// push_opened, ..., chat_started, chat_ended, chat_message_sent,
// chat_message_received, and touchpoint <channel>.<campaign_name> when
// properties.campaign_name is set. Other names that start with email, sms,
// push or inApp (mobile_app), webPush (web), liveChat or chat (chat), slack
// or whatsapp (messaging with that provider), webhook (other) take that
// channel, no direction, and the event name as kind. Any other event is an
// inbound interaction on the message's channel (`channel` or
// context.channel: web, mobile/ios/android -> mobile_app, server/sources
// -> other, any channel name omnictx knows; web by default) whose kind is
// the event name. Kinds and touchpoints are the name in snake_case
// ("Order Completed" -> order_completed, a path "/a/b" -> a.b); a name
// longer than the 64-byte key limit keeps its first 55 bytes plus '-' and
// 8 hex digits of its SHA-256, so different names stay different.
//
// User mapping (ImportOptions::mapping_json): a JSON object from exact
// track event name to an object with any of
//   {"channel": "email", "provider": "mailjet", "touchpoint":
//    "email.renewal", "kind": "renewal_opened", "direction": "inbound",
//    "journey_step": "renewal_read", "case_property": "case_id"}
// Given fields replace the default's; "case_property" names the property
// whose value (an integer or a numeric string) is the case id to attach.
//
// Interactions carry attributes: "event" (the event or page name),
// "source" (context.integration.name), "page.path", "page.url",
// "page.title", "page.referrer" (page/screen, from properties or
// context.page), then "properties.<key>" for scalar top-level properties
// in key order. An attribute that does not fit the attribute limits (key
// alphabet, 1 KiB values, 64 attributes) is left out, never cut.
//
// Times: the event time is timestamp, else originalTimestamp, else
// receivedAt, else sentAt (the message's, then the batch's), else now (the
// store's clock). Accepted: RFC 3339 with or without fractions or offset
// (no offset: UTC), 't' or ' ' as separator, "2022-04-19 03:33:50 +00:00",
// offsets "+05:30", "+0530", "+05", "Z", " UTC"; epoch seconds or
// milliseconds (absolute value >= 1e11 reads as milliseconds) as a JSON
// number or a numeric string, fractions allowed. snake_case aliases
// (user_id, anonymous_id, message_id, previous_id, group_id,
// original_timestamp, sent_at, received_at) are read when the camelCase
// field is missing. Unknown fields are ignored; null reads as missing.
//
// Deduplication: track, page and screen store their messageId (or
// message_id) as the interaction's external id ("msg:" + SHA-256 hex when
// longer than 100 bytes); without one, "sha:" + the SHA-256 of the message
// with sorted keys and without sentAt/receivedAt. A message whose external
// id is already stored, for whichever customer (Segment deduplicates on
// messageId alone), is a duplicate and changes nothing. identify, group
// and alias are idempotent and always applied.
//
// Refused (ImportReport::errors, the rest goes in): a line over
// kMaxMessageBytes (a batch envelope over kMaxBatchBytes), nesting deeper
// than kMaxJsonDepth (found by a linear pre-scan before any parser runs),
// invalid UTF-8, invalid JSON, a duplicate key, a batch of more than
// kMaxBatchMessages; Segment's reasons (no userId or anonymousId, track
// without event, alias without previousId, group without groupId, traits
// or properties that are not objects, unknown type); a malformed time or
// an event time before 1970 or more than 24 h ahead ("occurred_at: out of
// range"); a userId / anonymousId / previousId that does not normalize, or
// that a guard refuses when it is the one identifying the customer (one of
// an erased customer: FailedPrecondition); an alias whose merge a guard
// refuses; a new customer when create_customers is false (NotFound); the
// library's checks on what is recorded (an unknown case id: NotFound). Emails, phones and external ids
// that fail normalization or a guard, and display names over the limits,
// are left out with a warning instead: they enrich, they do not place the
// event. Messages name the line (or "body"), the batch index, the field and
// the problem, never a value; errors and warnings are listed in input order.
#ifndef OMNICTX_INGEST_H_
#define OMNICTX_INGEST_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace omnictx {

inline constexpr size_t kMaxMessageBytes = 32 * 1024;  // per message / JSON line
inline constexpr size_t kMaxBatchBytes = 500 * 1024;   // per batch envelope / HTTP body
inline constexpr size_t kMaxBatchMessages = 2500;
inline constexpr int kMaxJsonDepth = 32;  // for a batch, the envelope's two levels count

// Options for Store::Import and Store::ImportBody.
struct ImportOptions {
  // Any refused message -> nothing is written at all (the whole import is
  // one write transaction). Otherwise each message is its own transaction.
  bool strict = false;
  // Recorded on merges made by alias/identify stitching.
  std::string actor = "import";
  // An unknown userId/anonymousId creates a customer (id "cus-<n>"). When
  // false such a message is refused with NotFound.
  bool create_customers = true;
  // The user event mapping (see above); empty: defaults only.
  std::string mapping_json = {};
};

// One refused message, or one warning.
struct ImportError {
  int64_t line = 0;     // 1-based line of the input (0 for an HTTP body)
  int64_t index = -1;   // index inside a batch envelope, -1 if not in a batch
  std::string message;  // names the field and the problem, never echoes values
  // The code the message would get on its own (InvalidArgument for bad
  // input, NotFound, FailedPrecondition for guards ...).
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;
};

// What an import did. Unless rolled_back,
// messages == imported + duplicates + refused.
struct ImportReport {
  int64_t messages = 0;    // messages seen
  int64_t imported = 0;    // applied
  int64_t duplicates = 0;  // skipped: same messageId (or content hash) already stored
  int64_t refused = 0;     // refused (see errors)
  std::vector<ImportError> errors;
  // Added fields.
  int64_t stitched = 0;  // merges made by stitching
  // Data left out of messages that were applied (an email that does not
  // normalize, an identity a guard refused, two known customers not merged).
  std::vector<ImportError> warnings;
  // Strict mode only: a refusal undid every write; imported, duplicates
  // and stitched are 0.
  bool rolled_back = false;
};

}  // namespace omnictx

#endif  // OMNICTX_INGEST_H_
