// SPDX-License-Identifier: Apache-2.0
//
// Event name -> channel, kind, direction, touchpoint, journey step and case
// property: the documented defaults (omnictx/ingest.h lists them) and the
// user mapping given as JSON text. Pure: no store access.
#ifndef OMNICTX_INGEST_MAPPING_H_
#define OMNICTX_INGEST_MAPPING_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ingest/json_limits.h"
#include "omnictx/types.h"

namespace omnictx::ingest {

// What a track event becomes.
struct EventRule {
  v1::ChannelKind channel = v1::CHANNEL_KIND_WEB;
  std::string provider;
  std::string touchpoint;  // empty: none
  std::string kind;
  v1::Direction direction = v1::DIRECTION_INBOUND;
  std::string journey_step;   // empty: none
  std::string case_property;  // empty: none
};

// One user mapping entry: the fields it sets.
struct RuleOverride {
  std::optional<v1::ChannelKind> channel;
  std::optional<std::string> provider;
  std::optional<std::string> touchpoint;
  std::optional<std::string> kind;
  std::optional<v1::Direction> direction;
  std::optional<std::string> journey_step;
  std::optional<std::string> case_property;
};

// The defaults plus a user mapping. Immutable once parsed.
class EventMapping {
 public:
  // Parses the user mapping (a JSON object from exact event name to an
  // entry); empty text means defaults only. Returns InvalidArgument
  // "mapping: ..." naming the entry and field for: text over 1 MiB, JSON
  // problems, a value that is not an object, an unknown field, a field
  // that is not a string, an unknown channel or direction, a bad key.
  static absl::StatusOr<EventMapping> Parse(std::string_view json_text);

  // Resolves a track event. `properties` may be null or not an object;
  // `message_channel` is the channel the message names, if any.
  EventRule ForTrack(std::string_view event, const Json& properties,
                     std::optional<v1::ChannelKind> message_channel) const;

 private:
  std::map<std::string, RuleOverride, std::less<>> user_;
};

// Returns the default rule for a track event from the table or a channel
// prefix, or nullopt for a plain web/app event.
std::optional<EventRule> DefaultRule(std::string_view event, const Json& properties);

// Lower-case ASCII letters and digits of `name`, nothing else:
// "Email Link Clicked" -> "emaillinkclicked".
std::string NormalizeEventName(std::string_view name);

// snake_case of a name: camelCase boundaries and runs of anything but ASCII
// letters and digits become one '_', trimmed ("Order Completed" ->
// "order_completed", "emailSendSkip" -> "email_send_skip"). A name with no
// ASCII letter or digit gives 8 hex digits of its SHA-256.
std::string Slug(std::string_view name);

// The segments of a URL path, each a Slug, joined by '.' ("/a/b c" ->
// "a.b_c"); "root" for "/".
std::string PathSlug(std::string_view path);

// Returns prefix + "." + slug (or slug alone for an empty prefix), cut to
// 55 bytes plus '-' and 8 hex digits of the full key's SHA-256 when longer
// than Limits::kMaxKeyBytes.
std::string MakeKey(std::string_view prefix, std::string_view slug);

// Parses a channel as messages and mappings write it: any ChannelName,
// and mobile/ios/android/app -> mobile_app, server/sources/cloud/backend
// -> other, phone/call -> voice (case-insensitive). Nullopt if unknown.
std::optional<v1::ChannelKind> ParseChannelValue(std::string_view value);

// The identity kind of a context.externalId type (see omnictx/ingest.h),
// nullopt for types that name no identity.
std::optional<v1::IdentityKind> ExternalIdKind(std::string_view type);

}  // namespace omnictx::ingest

#endif  // OMNICTX_INGEST_MAPPING_H_
