// SPDX-License-Identifier: Apache-2.0
//
// One Segment-spec message (or a RudderStack variant of one) -> a typed
// MappedEvent: the identities it names, the profile changes it asks for and
// the interaction it records. Pure: no store access, so every refusal that
// depends only on the message happens before any transaction opens.
#ifndef OMNICTX_INGEST_SEGMENT_H_
#define OMNICTX_INGEST_SEGMENT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ingest/json_limits.h"
#include "ingest/mapping.h"
#include "omnictx/types.h"

namespace omnictx::ingest {

enum class MessageType { kIdentify, kTrack, kPage, kScreen, kGroup, kAlias };

// Parses a Segment type name ("track"; ASCII case ignored).
std::optional<MessageType> ParseMessageType(std::string_view name);

// An identity a message names, already normalized.
struct MappedIdentity {
  std::string field;  // where it came from: "userId", "context.traits.email"
  Identity identity;
};

// What one message asks the store to do.
struct MappedEvent {
  MessageType type = MessageType::kTrack;
  // userId as a user_id identity; anonymousId as a cookie.
  std::optional<MappedIdentity> user_id;
  std::optional<MappedIdentity> anonymous_id;
  // alias only: previousId read as a user id and as a cookie.
  std::optional<MappedIdentity> previous_user_id;
  std::optional<MappedIdentity> previous_cookie;
  // Emails, phones and external ids, linked when possible.
  std::vector<MappedIdentity> extra;
  // Enrichment left out: "context.traits.phone: not a possible number ...".
  std::vector<std::string> warnings;
  // identify: the display name to set (empty: unchanged).
  std::string display_name;
  // group: the group_id attribute.
  std::string group_id;
  absl::Time occurred_at;
  // track, page, screen: the interaction, customer_id unset, external_id
  // set to the deduplication key.
  std::optional<Interaction> interaction;
};

// What mapping a message needs besides the message.
struct MapContext {
  const EventMapping* mapping = nullptr;
  absl::Time now;                    // the store's clock
  std::string_view default_region;   // for phone numbers
  std::string_view forced_type;      // the route's type; empty: read "type"
  const Json* envelope = nullptr;    // the batch envelope (sentAt, context), if any
};

// Maps one message. Returns InvalidArgument naming the field and the
// problem (never the value): "type: missing", "type: unknown (allowed:
// ...)", "userId/anonymousId: missing (a message needs userId or
// anonymousId)", "event: missing (track needs an event name)", "event: is
// not a string", "previousId: missing (alias needs previousId and userId)",
// "groupId: missing (group needs a groupId)", "traits: is not an object",
// "properties: is not an object", "timestamp: not a valid time",
// "occurred_at: out of range", "userId: blocked placeholder value", ...
absl::StatusOr<MappedEvent> MapMessage(const Json& message, const MapContext& ctx);

// Returns the external id a track/page/screen message is deduplicated on:
// its messageId (or message_id; "msg:" + SHA-256 hex when longer than 100
// bytes), else "sha:" + the SHA-256 of the message with sorted keys and
// without sentAt/receivedAt. Returns InvalidArgument if the messageId is
// not a string or an integer, or holds control characters.
absl::StatusOr<std::string> DedupKey(const Json& message);

}  // namespace omnictx::ingest

#endif  // OMNICTX_INGEST_SEGMENT_H_
