// SPDX-License-Identifier: Apache-2.0
#include "ingest/mapping.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "ingest/digest.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/validate.h"

namespace omnictx::ingest {
namespace {

using internal::StrCat;

constexpr size_t kMaxMappingBytes = size_t{1} << 20;

struct TableRow {
  std::string_view name;  // normalized
  v1::ChannelKind channel;
  std::string_view kind;
  v1::Direction direction;
};

constexpr v1::Direction kIn = v1::DIRECTION_INBOUND;
constexpr v1::Direction kOut = v1::DIRECTION_OUTBOUND;
constexpr v1::ChannelKind kEmail = v1::CHANNEL_KIND_EMAIL;
constexpr v1::ChannelKind kSms = v1::CHANNEL_KIND_SMS;
constexpr v1::ChannelKind kApp = v1::CHANNEL_KIND_MOBILE_APP;
constexpr v1::ChannelKind kChat = v1::CHANNEL_KIND_CHAT;

// The standard events (Segment's Email, Live Chat and mobile specs, and
// the names Customer.io, Iterable and similar sources send).
constexpr TableRow kTable[] = {
    {"emailsent", kEmail, "email_sent", kOut},
    {"emailsend", kEmail, "email_sent", kOut},
    {"emaildelivered", kEmail, "email_delivered", kOut},
    {"emailbounced", kEmail, "email_bounced", kOut},
    {"emailbounce", kEmail, "email_bounced", kOut},
    {"emailopened", kEmail, "email_opened", kIn},
    {"emailopen", kEmail, "email_opened", kIn},
    {"emaillinkclicked", kEmail, "email_clicked", kIn},
    {"emailclicked", kEmail, "email_clicked", kIn},
    {"emailclick", kEmail, "email_clicked", kIn},
    {"emailmarkedasspam", kEmail, "email_spam", kIn},
    {"emailcomplaint", kEmail, "email_spam", kIn},
    {"unsubscribed", kEmail, "email_unsubscribed", kIn},
    {"emailunsubscribed", kEmail, "email_unsubscribed", kIn},
    {"emailunsubscribe", kEmail, "email_unsubscribed", kIn},
    {"smssent", kSms, "sms_sent", kOut},
    {"smssend", kSms, "sms_sent", kOut},
    {"smsdelivered", kSms, "sms_delivered", kOut},
    {"smsbounced", kSms, "sms_bounced", kOut},
    {"smsbounce", kSms, "sms_bounced", kOut},
    {"smsfailed", kSms, "sms_bounced", kOut},
    {"smsreceived", kSms, "sms_received", kIn},
    {"smslinkclicked", kSms, "sms_clicked", kIn},
    {"smsclicked", kSms, "sms_clicked", kIn},
    {"smsclick", kSms, "sms_clicked", kIn},
    {"pushnotificationsent", kApp, "push_sent", kOut},
    {"pushsent", kApp, "push_sent", kOut},
    {"pushsend", kApp, "push_sent", kOut},
    {"pushnotificationdelivered", kApp, "push_delivered", kOut},
    {"pushdelivered", kApp, "push_delivered", kOut},
    {"pushnotificationreceived", kApp, "push_received", kOut},
    {"pushnotificationbounced", kApp, "push_bounced", kOut},
    {"pushbounced", kApp, "push_bounced", kOut},
    {"pushbounce", kApp, "push_bounced", kOut},
    {"pushnotificationtapped", kApp, "push_opened", kIn},
    {"pushnotificationopened", kApp, "push_opened", kIn},
    {"pushopened", kApp, "push_opened", kIn},
    {"pushopen", kApp, "push_opened", kIn},
    {"pushlinkclicked", kApp, "push_opened", kIn},
    {"pushclicked", kApp, "push_opened", kIn},
    {"livechatconversationstarted", kChat, "chat_started", kIn},
    {"livechatconversationended", kChat, "chat_ended", kIn},
    {"livechatmessagesent", kChat, "chat_message_sent", kIn},
    {"livechatmessagereceived", kChat, "chat_message_received", kOut},
};

struct PrefixRow {
  std::string_view prefix;  // normalized
  v1::ChannelKind channel;
  std::string_view provider;
};

// Longer prefixes first: "webpush" before anything shorter it shares.
constexpr PrefixRow kPrefixes[] = {
    {"webpush", v1::CHANNEL_KIND_WEB, ""},   {"livechat", kChat, ""},
    {"whatsapp", v1::CHANNEL_KIND_MESSAGING, "whatsapp"},
    {"webhook", v1::CHANNEL_KIND_OTHER, ""}, {"email", kEmail, ""},
    {"slack", v1::CHANNEL_KIND_MESSAGING, "slack"},
    {"inapp", kApp, ""},                     {"push", kApp, ""},
    {"chat", kChat, ""},                     {"sms", kSms, ""},
};

const Json& Member(const Json& object, const char* key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// How a mapping entry is named in messages: its event name when that is a
// printable single line (it is operator configuration, not customer data).
std::string EntryName(std::string_view name) {
  if (!internal::CheckName("mapping", name, Limits::kMaxNameBytes, true).ok()) {
    return "entry (name not shown)";
  }
  return StrCat("\"", name, "\"");
}

absl::StatusOr<RuleOverride> ParseEntry(std::string_view name, const Json& entry) {
  const std::string where = StrCat("mapping: ", EntryName(name));
  if (!entry.is_object()) return absl::InvalidArgumentError(StrCat(where, ": not a JSON object"));
  RuleOverride out;
  for (const auto& [field, value] : entry.items()) {
    const std::string at = StrCat(where, ".", ShowKey(field));
    if (!value.is_string()) return absl::InvalidArgumentError(StrCat(at, ": not a string"));
    const std::string& v = value.get_ref<const std::string&>();
    if (field == "channel") {
      out.channel = ParseChannelValue(v);
      if (!out.channel) return absl::InvalidArgumentError(StrCat(at, ": unknown channel"));
    } else if (field == "provider") {
      OMNICTX_RETURN_IF_ERROR(internal::CheckName(at, v, Limits::kMaxTextBytes, false));
      out.provider = absl::AsciiStrToLower(v);
    } else if (field == "touchpoint" || field == "kind" || field == "journey_step") {
      OMNICTX_RETURN_IF_ERROR(internal::CheckKey(at, v, true));
      (field == "touchpoint" ? out.touchpoint : field == "kind" ? out.kind : out.journey_step) = v;
    } else if (field == "direction") {
      if (v == "inbound") out.direction = v1::DIRECTION_INBOUND;
      else if (v == "outbound") out.direction = v1::DIRECTION_OUTBOUND;
      else if (v == "internal") out.direction = v1::DIRECTION_INTERNAL;
      else return absl::InvalidArgumentError(StrCat(at, ": unknown (allowed: inbound, outbound, internal)"));
    } else if (field == "case_property") {
      OMNICTX_RETURN_IF_ERROR(internal::CheckName(at, v, Limits::kMaxKeyBytes, true));
      out.case_property = v;
    } else {
      return absl::InvalidArgumentError(StrCat(where, ": unknown field ", ShowKey(field)));
    }
  }
  return out;
}

bool IsAsciiAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

}  // namespace

absl::StatusOr<EventMapping> EventMapping::Parse(std::string_view json_text) {
  EventMapping out;
  if (json_text.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;
  OMNICTX_RETURN_IF_ERROR(
      CheckJsonText("mapping", json_text, kMaxMappingBytes, kMaxMappingBytes, false));
  OMNICTX_ASSIGN_OR_RETURN(ParsedJson parsed, ParseJson("mapping", json_text));
  if (!parsed.duplicates.empty()) {
    return absl::InvalidArgumentError(StrCat("mapping: ", parsed.duplicates[0].problem));
  }
  const Json& root = parsed.value.get();
  if (!root.is_object()) return absl::InvalidArgumentError("mapping: not a JSON object");
  for (const auto& [name, entry] : root.items()) {
    OMNICTX_ASSIGN_OR_RETURN(RuleOverride rule, ParseEntry(name, entry));
    out.user_.emplace(name, std::move(rule));
  }
  return out;
}

EventRule EventMapping::ForTrack(std::string_view event, const Json& properties,
                                 std::optional<v1::ChannelKind> message_channel) const {
  EventRule rule;
  if (std::optional<EventRule> def = DefaultRule(event, properties)) {
    rule = *std::move(def);
  } else {
    rule.channel = message_channel.value_or(v1::CHANNEL_KIND_WEB);
    rule.kind = MakeKey("", Slug(event));
    rule.direction = v1::DIRECTION_INBOUND;
  }
  auto it = user_.find(event);
  if (it == user_.end()) return rule;
  const RuleOverride& o = it->second;
  if (o.channel) rule.channel = *o.channel;
  if (o.provider) rule.provider = *o.provider;
  if (o.touchpoint) rule.touchpoint = *o.touchpoint;
  if (o.kind) rule.kind = *o.kind;
  if (o.direction) rule.direction = *o.direction;
  if (o.journey_step) rule.journey_step = *o.journey_step;
  if (o.case_property) rule.case_property = *o.case_property;
  return rule;
}

std::optional<EventRule> DefaultRule(std::string_view event, const Json& properties) {
  const std::string name = NormalizeEventName(event);
  for (const TableRow& row : kTable) {
    if (row.name != name) continue;
    EventRule rule;
    rule.channel = row.channel;
    rule.kind = std::string(row.kind);
    rule.direction = row.direction;
    const Json& campaign = Member(properties, "campaign_name");
    if (campaign.is_string() && !campaign.get_ref<const std::string&>().empty()) {
      rule.touchpoint =
          MakeKey(ChannelName(row.channel), Slug(campaign.get_ref<const std::string&>()));
    }
    return rule;
  }
  for (const PrefixRow& row : kPrefixes) {
    if (!name.starts_with(row.prefix)) continue;
    EventRule rule;
    rule.channel = row.channel;
    rule.provider = std::string(row.provider);
    rule.kind = MakeKey("", Slug(event));
    rule.direction = v1::DIRECTION_UNSPECIFIED;
    return rule;
  }
  return std::nullopt;
}

std::string NormalizeEventName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (IsAsciiAlnum(c)) out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string Slug(std::string_view name) {
  std::string out;
  bool prev_lower = false;  // previous byte was a lower-case letter or a digit
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (absl::ascii_isupper(u)) {
      if (prev_lower) out.push_back('_');
      out.push_back(absl::ascii_tolower(u));
      prev_lower = false;
    } else if (absl::ascii_islower(u) || absl::ascii_isdigit(u)) {
      out.push_back(c);
      prev_lower = true;
    } else {
      if (!out.empty() && out.back() != '_') out.push_back('_');
      prev_lower = false;
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.empty() || out == "_") return Sha256Hex(name).substr(0, 8);
  return out;
}

std::string PathSlug(std::string_view path) {
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (!segment.empty()) {
      if (!out.empty()) out.push_back('.');
      out += Slug(segment);
    }
    start = end + 1;
  }
  return out.empty() ? "root" : out;
}

std::string MakeKey(std::string_view prefix, std::string_view slug) {
  std::string key = prefix.empty() ? std::string(slug) : StrCat(prefix, ".", slug);
  if (key.size() <= Limits::kMaxKeyBytes) return key;
  return StrCat(key.substr(0, Limits::kMaxKeyBytes - 9), "-", Sha256Hex(key).substr(0, 8));
}

std::optional<v1::ChannelKind> ParseChannelValue(std::string_view value) {
  const std::string v = absl::AsciiStrToLower(internal::Absl(value));
  v1::ChannelKind kind;
  if (ParseChannelName(v, &kind)) return kind;
  if (v == "mobile" || v == "ios" || v == "android" || v == "app") return kApp;
  if (v == "server" || v == "sources" || v == "cloud" || v == "backend") {
    return v1::CHANNEL_KIND_OTHER;
  }
  if (v == "phone" || v == "call") return v1::CHANNEL_KIND_VOICE;
  return std::nullopt;
}

std::optional<v1::IdentityKind> ExternalIdKind(std::string_view type) {
  const std::string t = NormalizeEventName(type);
  if (t == "crmid" || t == "crm" || t == "customerid") return v1::IDENTITY_KIND_CRM_ID;
  if (t == "account" || t == "accountid" || t == "accountnumber") return v1::IDENTITY_KIND_ACCOUNT;
  if (t == "userid") return v1::IDENTITY_KIND_USER_ID;
  if (t == "email") return v1::IDENTITY_KIND_EMAIL;
  if (t == "phone") return v1::IDENTITY_KIND_PHONE;
  if (t == "deviceid" || t == "idfa" || t == "idfv" || t == "adid" || t == "androidid" ||
      t == "iosid") {
    return v1::IDENTITY_KIND_DEVICE;
  }
  if (t == "anonymousid" || t == "cookie") return v1::IDENTITY_KIND_COOKIE;
  return std::nullopt;
}

}  // namespace omnictx::ingest
