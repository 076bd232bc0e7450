// SPDX-License-Identifier: Apache-2.0
#include "ingest/segment.h"

#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "identity/normalize.h"
#include "ingest/digest.h"
#include "ingest/timestamps.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/validate.h"

namespace omnictx::ingest {
namespace {

using internal::StrCat;

absl::Status Invalid(std::string_view message) {
  return absl::InvalidArgumentError(std::string(message));
}

const Json& Get(const Json& object, const std::string& key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// The message's context, completed by the batch envelope's (Segment merges
// the two; the message's own keys win). A view over both: copying a tree
// is an allocation that could fail half-way (see Dismantle).
class ContextView {
 public:
  ContextView(const Json& own, const Json& shared) : own_(&own), shared_(&shared) {}
  // The value of `key` in the message's context if it has the key (even
  // as null), else in the envelope's, else null.
  const Json& Find(const std::string& key) const {
    if (own_->is_object()) {
      if (auto it = own_->find(key); it != own_->end()) return *it;
    }
    return Get(*shared_, key);
  }

 private:
  const Json* own_;
  const Json* shared_;
};

// The camelCase field, else its snake_case alias (RudderStack).
const Json& GetEither(const Json& object, const std::string& camel, const std::string& snake) {
  const Json& v = Get(object, camel);
  return v.is_null() && !snake.empty() ? Get(object, snake) : v;
}

// Reads an id: a string, or an integer written in decimal (kept exact).
// Null, missing and "" read as "".
absl::StatusOr<std::string> ReadId(const Json& object, const std::string& camel,
                                   const std::string& snake) {
  const Json& v = GetEither(object, camel, snake);
  if (v.is_null()) return std::string();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return Invalid(StrCat(camel, ": is not a string"));
}

// The problem part of a normalization message ("email: malformed" ->
// "malformed"), to be put after the message's own field name.
std::string_view Problem(std::string_view message) {
  const size_t colon = message.find(": ");
  return colon == std::string_view::npos ? message : message.substr(colon + 2);
}

absl::StatusOr<MappedIdentity> MakeIdentity(std::string field, const Identity& raw,
                                            std::string_view region) {
  absl::StatusOr<Identity> n = identity::Normalize(raw, region);
  if (!n.ok()) {
    const absl::string_view message = n.status().message();
    return absl::Status(n.status().code(),
                        StrCat(field, ": ", Problem({message.data(), message.size()})));
  }
  return MappedIdentity{std::move(field), *std::move(n)};
}

bool SameIdentity(const Identity& a, const Identity& b) {
  return a.kind() == b.kind() && a.platform() == b.platform() && a.value() == b.value();
}

// A scalar JSON value as attribute text; nullopt for null, objects, arrays.
std::optional<std::string> ScalarText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_float()) return v.dump();
  return std::nullopt;
}

// Adds attributes that fit the limits; what does not fit is left out
// whole, never cut.
class AttributeFiller {
 public:
  explicit AttributeFiller(Interaction* i) : list_(i->mutable_attributes()) {}
  void Add(const std::string& key, const std::string& value) {
    if (value.empty() || static_cast<size_t>(list_->size()) >= Limits::kMaxAttributes ||
        FindAttribute(*list_, key)) {
      return;
    }
    if (key.size() > Limits::kMaxAttributeKeyBytes) return;
    for (char c : key) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
        return;
      }
    }
    if (!internal::CheckText("attribute", value, Limits::kMaxAttributeValueBytes).ok()) return;
    SetAttribute(list_, key, value);
  }

 private:
  omnictx::Attributes* list_;
};

// Where traits are read from, first match wins.
struct TraitSource {
  const Json* traits;
  std::string_view prefix;
};

struct TraitHit {
  const Json* value = nullptr;
  std::string field;
};

TraitHit FindTrait(const std::vector<TraitSource>& sources,
                   std::initializer_list<const char*> names) {
  for (const TraitSource& s : sources) {
    for (const char* name : names) {
      const Json& v = Get(*s.traits, name);
      if (!v.is_null()) return {&v, StrCat(s.prefix, ".", name)};
    }
  }
  return {};
}

// Adds an enrichment identity, or a warning when it cannot be used.
void AddExtra(MappedEvent* ev, std::string field, const Identity& raw, std::string_view region) {
  absl::StatusOr<MappedIdentity> id = MakeIdentity(field, raw, region);
  if (!id.ok()) {
    ev->warnings.push_back(StrCat(id.status().message(), "; not linked"));
    return;
  }
  for (const auto* known : {&ev->user_id, &ev->anonymous_id}) {
    if (*known && SameIdentity((*known)->identity, id->identity)) return;
  }
  for (const MappedIdentity& e : ev->extra) {
    if (SameIdentity(e.identity, id->identity)) return;
  }
  ev->extra.push_back(*std::move(id));
}

void ReadExtras(MappedEvent* ev, const std::vector<TraitSource>& sources,
                const ContextView& context, std::string_view region) {
  const TraitHit email = FindTrait(sources, {"email"});
  if (email.value != nullptr) {
    if (email.value->is_string()) {
      AddExtra(ev, email.field, Email(email.value->get<std::string>()), region);
    } else {
      ev->warnings.push_back(StrCat(email.field, ": is not a string; not linked"));
    }
  }
  const TraitHit phone = FindTrait(sources, {"phone"});
  if (phone.value != nullptr) {
    std::optional<std::string> text =
        phone.value->is_boolean() ? std::nullopt : ScalarText(*phone.value);
    if (text) {
      AddExtra(ev, phone.field, Phone(*text), region);
    } else {
      ev->warnings.push_back(StrCat(phone.field, ": is not a string; not linked"));
    }
  }
  const Json& external = context.Find("externalId");
  if (external.is_null()) return;
  if (!external.is_array()) {
    ev->warnings.push_back("context.externalId: is not an array; not linked");
    return;
  }
  for (size_t k = 0; k < external.size(); ++k) {
    const std::string field = StrCat("context.externalId[", k, "]");
    const Json& type = Get(external[k], "type");
    const Json& id = Get(external[k], "id");
    std::optional<std::string> value = id.is_boolean() ? std::nullopt : ScalarText(id);
    if (!type.is_string() || !value) {
      ev->warnings.push_back(StrCat(field, ": malformed (needs type and id); not linked"));
      continue;
    }
    std::optional<v1::IdentityKind> kind = ExternalIdKind(type.get<std::string>());
    if (!kind) continue;  // a vendor's own id names no identity kind
    Identity raw;
    raw.set_kind(*kind);
    raw.set_value(*value);
    AddExtra(ev, field, raw, region);
  }
}

// identify: traits.name, else first and last name.
void ReadDisplayName(MappedEvent* ev, const std::vector<TraitSource>& sources) {
  TraitHit name = FindTrait(sources, {"name"});
  std::string value;
  if (name.value != nullptr && name.value->is_string()) value = name.value->get<std::string>();
  if (value.find_first_not_of(' ') == std::string::npos) {
    const TraitHit first = FindTrait(sources, {"firstName", "first_name", "firstname"});
    const TraitHit last = FindTrait(sources, {"lastName", "last_name", "lastname"});
    const auto text = [](const TraitHit& h) {
      return h.value != nullptr && h.value->is_string() ? h.value->get<std::string>() : "";
    };
    value = StrCat(text(first), text(first).empty() || text(last).empty() ? "" : " ", text(last));
    name.field = first.value != nullptr ? first.field : last.field;
  }
  const size_t b = value.find_first_not_of(' ');
  if (b == std::string::npos) return;
  value = value.substr(b, value.find_last_not_of(' ') - b + 1);
  absl::Status ok = internal::CheckName(name.field, value, Limits::kMaxNameBytes, false);
  if (!ok.ok()) {
    ev->warnings.push_back(StrCat(ok.message(), "; not set"));
    return;
  }
  ev->display_name = std::move(value);
}

absl::Status ReadTime(MappedEvent* ev, const Json& msg, const MapContext& ctx) {
  static const std::pair<const char*, const char*> kFields[] = {
      {"timestamp", ""},
      {"originalTimestamp", "original_timestamp"},
      {"receivedAt", "received_at"},
      {"sentAt", "sent_at"}};
  std::optional<absl::Time> chosen;
  for (const auto& [camel, snake] : kFields) {
    const Json& v = GetEither(msg, camel, snake);
    if (v.is_null()) continue;
    const std::string field = Get(msg, camel).is_null() ? snake : camel;
    OMNICTX_ASSIGN_OR_RETURN(absl::Time t, ParseTime(field, v));
    if (!chosen) chosen = t;
  }
  if (!chosen && ctx.envelope != nullptr) {
    const Json& v = Get(*ctx.envelope, "sentAt");
    if (!v.is_null()) {
      OMNICTX_ASSIGN_OR_RETURN(chosen, ParseTime("batch.sentAt", v));
    }
  }
  ev->occurred_at = chosen.value_or(ctx.now);
  return internal::CheckTime("occurred_at", ev->occurred_at, ctx.now);
}

absl::StatusOr<MessageType> ReadType(const Json& msg, std::string_view forced) {
  std::string name(forced);
  if (name.empty()) {
    const Json& t = Get(msg, "type");
    if (t.is_null()) return Invalid("type: missing");
    if (!t.is_string()) return Invalid("type: is not a string");
    name = t.get<std::string>();
  }
  std::optional<MessageType> type = ParseMessageType(name);
  if (!type) return Invalid("type: unknown (allowed: identify, track, page, screen, group, alias)");
  return *type;
}

// Checks the message's context and views it together with the envelope's.
absl::StatusOr<ContextView> ReadContext(const Json& msg, const Json* envelope) {
  const Json& own = Get(msg, "context");
  if (!own.is_null() && !own.is_object()) return Invalid("context: is not an object");
  static const Json kNull;
  return ContextView(own, envelope != nullptr ? Get(*envelope, "context") : kNull);
}

absl::StatusOr<const Json*> ReadObject(const Json& msg, const std::string& key) {
  const Json& v = Get(msg, key);
  if (!v.is_null() && !v.is_object()) return Invalid(StrCat(key, ": is not an object"));
  return &v;
}

absl::StatusOr<int64_t> ReadCaseId(const Json& properties, const std::string& property) {
  const Json& v = Get(properties, property);
  if (v.is_null()) return 0;
  int64_t id = 0;
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    id = v.get<int64_t>();
  } else if (v.is_number_unsigned() && v.get<uint64_t>() <= INT64_MAX) {
    id = static_cast<int64_t>(v.get<uint64_t>());
  } else if (!v.is_string() || !absl::SimpleAtoi(v.get<std::string>(), &id)) {
    id = -1;
  }
  if (id <= 0) return Invalid(StrCat("properties.", ShowKey(property), ": not a case id"));
  return id;
}

// Builds the interaction of a track, page or screen message.
absl::Status BuildInteraction(MappedEvent* ev, const Json& msg, const ContextView& context,
                              const Json& properties, const MapContext& ctx) {
  Interaction i;
  *i.mutable_occurred_at() = ToProtoTime(ev->occurred_at);
  AttributeFiller attrs(&i);
  EventRule rule;
  std::string label;  // event or page/screen name
  if (ev->type == MessageType::kTrack) {
    const Json& event = Get(msg, "event");
    if (event.is_null()) return Invalid("event: missing (track needs an event name)");
    if (!event.is_string()) return Invalid("event: is not a string");
    label = event.get<std::string>();
    OMNICTX_RETURN_IF_ERROR(internal::CheckName("event", label, Limits::kMaxNameBytes, true));
    std::optional<v1::ChannelKind> channel;
    for (const Json* c : {&Get(msg, "channel"), &context.Find("channel")}) {
      if (!channel && c->is_string()) channel = ParseChannelValue(c->get<std::string>());
    }
    rule = ctx.mapping->ForTrack(label, properties, channel);
    i.set_summary(label);
  } else {
    const Json& page = context.Find("page");
    const auto field = [&](const char* key) -> std::string {
      for (const Json* src : {&properties, &page}) {
        const Json& v = Get(*src, key);
        if (v.is_string() && !v.get<std::string>().empty()) return v.get<std::string>();
      }
      return "";
    };
    const Json& name = Get(msg, "name");
    label = name.is_string() ? name.get<std::string>() : field("name");
    const bool web = ev->type == MessageType::kPage;
    rule.channel = web ? v1::CHANNEL_KIND_WEB : v1::CHANNEL_KIND_MOBILE_APP;
    rule.kind = web ? "page_view" : "screen_view";
    const std::string_view prefix = ChannelName(rule.channel);
    const std::string path = web ? field("path") : "";
    rule.touchpoint = !label.empty()  ? MakeKey(prefix, Slug(label))
                      : !path.empty() ? MakeKey(prefix, PathSlug(path))
                                      : std::string(prefix);
    if (web) {
      for (const char* key : {"path", "url", "title", "referrer"}) {
        attrs.Add(StrCat("page.", key), field(key));
      }
    }
    const std::string title = web ? field("title") : "";
    const std::string& summary = !title.empty() ? title : !label.empty() ? label : path;
    if (internal::CheckText("summary", summary, Limits::kMaxSummaryBytes).ok()) {
      i.set_summary(summary);
    }
  }
  i.mutable_channel()->set_kind(rule.channel);
  i.mutable_channel()->set_provider(rule.provider);
  i.set_touchpoint(rule.touchpoint);
  i.set_kind(rule.kind);
  i.set_direction(rule.direction);
  i.set_journey_step(rule.journey_step);
  if (!rule.case_property.empty()) {
    OMNICTX_ASSIGN_OR_RETURN(int64_t case_id, ReadCaseId(properties, rule.case_property));
    i.set_case_id(case_id);
  }
  attrs.Add("event", label);
  const Json& source = Get(context.Find("integration"), "name");
  if (source.is_string()) attrs.Add("source", source.get<std::string>());
  if (properties.is_object()) {
    for (const auto& [key, value] : properties.items()) {  // sorted by key
      if (std::optional<std::string> text = ScalarText(value)) {
        attrs.Add(StrCat("properties.", key), *text);
      }
    }
  }
  OMNICTX_ASSIGN_OR_RETURN(std::string external_id, DedupKey(msg));
  i.set_external_id(std::move(external_id));
  ev->interaction = std::move(i);
  return absl::OkStatus();
}

}  // namespace

std::optional<MessageType> ParseMessageType(std::string_view name) {
  const std::string n = absl::AsciiStrToLower(internal::Absl(name));
  if (n == "identify") return MessageType::kIdentify;
  if (n == "track") return MessageType::kTrack;
  if (n == "page") return MessageType::kPage;
  if (n == "screen") return MessageType::kScreen;
  if (n == "group") return MessageType::kGroup;
  if (n == "alias") return MessageType::kAlias;
  return std::nullopt;
}

absl::StatusOr<MappedEvent> MapMessage(const Json& msg, const MapContext& ctx) {
  if (!msg.is_object()) return Invalid("message: not a JSON object");
  MappedEvent ev;
  OMNICTX_ASSIGN_OR_RETURN(ev.type, ReadType(msg, ctx.forced_type));
  OMNICTX_ASSIGN_OR_RETURN(const ContextView context, ReadContext(msg, ctx.envelope));
  const bool records = ev.type == MessageType::kTrack || ev.type == MessageType::kPage ||
                       ev.type == MessageType::kScreen;
  const Json* properties = nullptr;
  const Json* traits = nullptr;
  if (records) {
    OMNICTX_ASSIGN_OR_RETURN(properties, ReadObject(msg, "properties"));
  }
  if (ev.type == MessageType::kTrack && Get(msg, "event").is_null()) {
    return Invalid("event: missing (track needs an event name)");
  }
  if (ev.type == MessageType::kIdentify || ev.type == MessageType::kGroup) {
    OMNICTX_ASSIGN_OR_RETURN(traits, ReadObject(msg, "traits"));
  }

  OMNICTX_ASSIGN_OR_RETURN(std::string user_id, ReadId(msg, "userId", "user_id"));
  OMNICTX_ASSIGN_OR_RETURN(std::string anonymous_id, ReadId(msg, "anonymousId", "anonymous_id"));
  if (ev.type == MessageType::kAlias) {
    OMNICTX_ASSIGN_OR_RETURN(std::string previous, ReadId(msg, "previousId", "previous_id"));
    if (previous.empty()) return Invalid("previousId: missing (alias needs previousId and userId)");
    if (user_id.empty()) return Invalid("userId: missing (alias needs previousId and userId)");
    OMNICTX_ASSIGN_OR_RETURN(ev.previous_user_id,
                             MakeIdentity("previousId", UserId(previous), ctx.default_region));
    OMNICTX_ASSIGN_OR_RETURN(ev.previous_cookie,
                             MakeIdentity("previousId", Cookie(previous), ctx.default_region));
  } else if (user_id.empty() && anonymous_id.empty()) {
    return Invalid("userId/anonymousId: missing (a message needs userId or anonymousId)");
  }
  if (!user_id.empty()) {
    OMNICTX_ASSIGN_OR_RETURN(ev.user_id,
                             MakeIdentity("userId", UserId(user_id), ctx.default_region));
  }
  if (!anonymous_id.empty()) {
    OMNICTX_ASSIGN_OR_RETURN(ev.anonymous_id,
                             MakeIdentity("anonymousId", Cookie(anonymous_id), ctx.default_region));
  }
  if (ev.type == MessageType::kGroup) {
    OMNICTX_ASSIGN_OR_RETURN(ev.group_id, ReadId(msg, "groupId", "group_id"));
    if (ev.group_id.empty()) return Invalid("groupId: missing (group needs a groupId)");
    OMNICTX_RETURN_IF_ERROR(
        internal::CheckName("groupId", ev.group_id, Limits::kMaxAttributeValueBytes, true));
  }
  OMNICTX_RETURN_IF_ERROR(ReadTime(&ev, msg, ctx));

  if (ev.type == MessageType::kAlias) return ev;  // alias names ids only

  // Enrichment: identities and the display name.
  std::vector<TraitSource> sources;
  if (ev.type == MessageType::kIdentify && traits->is_object()) sources.push_back({traits, "traits"});
  const Json& context_traits = context.Find("traits");
  if (context_traits.is_object()) sources.push_back({&context_traits, "context.traits"});
  ReadExtras(&ev, sources, context, ctx.default_region);
  if (ev.type == MessageType::kIdentify) ReadDisplayName(&ev, sources);

  if (records) {
    static const Json kNoProperties = Json::object();
    OMNICTX_RETURN_IF_ERROR(BuildInteraction(&ev, msg, context,
                                             properties->is_object() ? *properties : kNoProperties,
                                             ctx));
  }
  return ev;
}

absl::StatusOr<std::string> DedupKey(const Json& message) {
  OMNICTX_ASSIGN_OR_RETURN(std::string id, ReadId(message, "messageId", "message_id"));
  if (!id.empty()) {
    if (id.size() > Limits::kMaxExternalIdBytes) return StrCat("msg:", Sha256Hex(id));
    OMNICTX_RETURN_IF_ERROR(
        internal::CheckName("messageId", id, Limits::kMaxExternalIdBytes, true));
    return id;
  }
  // The compact dump of the message without its delivery times, written
  // member by member rather than by dumping an edited copy (a copy of the
  // tree could fail half-way, see Dismantle); the text is the same.
  // nlohmann's object is a std::map, so the keys come out sorted.
  std::string canonical = "{";
  for (const auto& [key, value] : message.items()) {
    if (key == "sentAt" || key == "sent_at" || key == "receivedAt" || key == "received_at") {
      continue;
    }
    if (canonical.size() > 1) canonical += ',';
    canonical += Json(key).dump(-1, ' ', false, Json::error_handler_t::replace);
    canonical += ':';
    canonical += value.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  canonical += '}';
  return StrCat("sha:", Sha256Hex(canonical));
}

}  // namespace omnictx::ingest
