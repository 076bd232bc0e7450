// SPDX-License-Identifier: Apache-2.0
#include "omnictx/types.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace omnictx {
namespace {

// One row per channel. Both enums list the kinds in the same order, but the
// mapping goes through this table so a reordering of either cannot silently
// shift every channel by one (the exhaustive test checks the table).
struct ChannelRow {
  Channel channel;
  v1::ChannelKind kind;
  std::string_view name;
  bool real_time;
};

constexpr std::array<ChannelRow, 13> kChannels = {{
    {Channel::kUnspecified, v1::CHANNEL_KIND_UNSPECIFIED, "unspecified", false},
    {Channel::kVoice, v1::CHANNEL_KIND_VOICE, "voice", true},
    {Channel::kIvr, v1::CHANNEL_KIND_IVR, "ivr", true},
    {Channel::kWeb, v1::CHANNEL_KIND_WEB, "web", false},
    {Channel::kChat, v1::CHANNEL_KIND_CHAT, "chat", true},
    {Channel::kEmail, v1::CHANNEL_KIND_EMAIL, "email", false},
    {Channel::kSms, v1::CHANNEL_KIND_SMS, "sms", false},
    {Channel::kMessaging, v1::CHANNEL_KIND_MESSAGING, "messaging", false},
    {Channel::kSocial, v1::CHANNEL_KIND_SOCIAL, "social", false},
    {Channel::kMobileApp, v1::CHANNEL_KIND_MOBILE_APP, "mobile_app", false},
    {Channel::kStore, v1::CHANNEL_KIND_STORE, "store", false},
    {Channel::kVideo, v1::CHANNEL_KIND_VIDEO, "video", true},
    {Channel::kOther, v1::CHANNEL_KIND_OTHER, "other", false},
}};

struct IdentityKindRow {
  v1::IdentityKind kind;
  std::string_view name;
};

constexpr std::array<IdentityKindRow, 10> kIdentityKinds = {{
    {v1::IDENTITY_KIND_UNSPECIFIED, "unspecified"},
    {v1::IDENTITY_KIND_PHONE, "phone"},
    {v1::IDENTITY_KIND_EMAIL, "email"},
    {v1::IDENTITY_KIND_COOKIE, "cookie"},
    {v1::IDENTITY_KIND_DEVICE, "device"},
    {v1::IDENTITY_KIND_CRM_ID, "crm_id"},
    {v1::IDENTITY_KIND_ACCOUNT, "account"},
    {v1::IDENTITY_KIND_SOCIAL, "social"},
    {v1::IDENTITY_KIND_MESSAGING, "messaging"},
    {v1::IDENTITY_KIND_USER_ID, "user_id"},
}};

// Proto3 enums are open: a parsed message may carry a value this build does
// not know, so every lookup falls back to the UNSPECIFIED row.
const ChannelRow& RowFor(v1::ChannelKind kind) {
  for (const ChannelRow& row : kChannels) {
    if (row.kind == kind) return row;
  }
  return kChannels[0];
}

// The bounds of google.protobuf.Timestamp (0001-01-01 to 9999-12-31) and
// Duration (+-10,000 years). Values outside them fail JSON serialization,
// so conversions clamp instead of producing an unprintable message.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;
constexpr int64_t kMaxDurationSeconds = 315576000000;
constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int32_t kNanosPerMicro = 1000;

Identity MakeIdentity(v1::IdentityKind kind, std::string_view value) {
  Identity identity;
  identity.set_kind(kind);
  identity.set_value(std::string(value));
  return identity;
}

}  // namespace

v1::ChannelKind ToProto(Channel channel) {
  for (const ChannelRow& row : kChannels) {
    if (row.channel == channel) return row.kind;
  }
  return v1::CHANNEL_KIND_UNSPECIFIED;
}

Channel FromProto(v1::ChannelKind kind) { return RowFor(kind).channel; }

std::string_view ChannelName(v1::ChannelKind kind) { return RowFor(kind).name; }

bool ParseChannelName(std::string_view name, v1::ChannelKind* kind) {
  // "unspecified" is printed but never accepted: a caller naming a channel
  // must name a real one.
  for (const ChannelRow& row : kChannels) {
    if (row.kind != v1::CHANNEL_KIND_UNSPECIFIED && row.name == name) {
      *kind = row.kind;
      return true;
    }
  }
  return false;
}

bool IsRealTime(v1::ChannelKind kind) { return RowFor(kind).real_time; }

std::string_view IdentityKindName(v1::IdentityKind kind) {
  for (const IdentityKindRow& row : kIdentityKinds) {
    if (row.kind == kind) return row.name;
  }
  return kIdentityKinds[0].name;
}

bool ParseIdentityKindName(std::string_view name, v1::IdentityKind* kind) {
  for (const IdentityKindRow& row : kIdentityKinds) {
    if (row.kind != v1::IDENTITY_KIND_UNSPECIFIED && row.name == name) {
      *kind = row.kind;
      return true;
    }
  }
  return false;
}

Identity Phone(std::string_view raw, std::string_view region) {
  Identity identity = MakeIdentity(v1::IDENTITY_KIND_PHONE, raw);
  identity.set_region(std::string(region));
  return identity;
}

Identity Email(std::string_view raw) {
  return MakeIdentity(v1::IDENTITY_KIND_EMAIL, raw);
}

Identity Cookie(std::string_view id) {
  return MakeIdentity(v1::IDENTITY_KIND_COOKIE, id);
}

Identity Device(std::string_view id) {
  return MakeIdentity(v1::IDENTITY_KIND_DEVICE, id);
}

Identity CrmId(std::string_view id) {
  return MakeIdentity(v1::IDENTITY_KIND_CRM_ID, id);
}

Identity Account(std::string_view number) {
  return MakeIdentity(v1::IDENTITY_KIND_ACCOUNT, number);
}

Identity UserId(std::string_view id) {
  return MakeIdentity(v1::IDENTITY_KIND_USER_ID, id);
}

Identity Social(std::string_view platform, std::string_view handle) {
  Identity identity = MakeIdentity(v1::IDENTITY_KIND_SOCIAL, handle);
  identity.set_platform(std::string(platform));
  return identity;
}

Identity Messaging(std::string_view platform, std::string_view handle) {
  Identity identity = MakeIdentity(v1::IDENTITY_KIND_MESSAGING, handle);
  identity.set_platform(std::string(platform));
  return identity;
}

google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  const absl::Time min = absl::FromUnixSeconds(kMinTimestampSeconds);
  const absl::Time max = absl::FromUnixSeconds(kMaxTimestampSeconds) +
                         absl::Microseconds(kMicrosPerSecond - 1);
  // Clamping first also turns InfinitePast/InfiniteFuture into finite values,
  // so ToUnixMicros cannot saturate.
  const int64_t micros = absl::ToUnixMicros(std::clamp(t, min, max));
  // Floor division: a time before 1970 keeps non-negative nanos, as the
  // Timestamp contract requires.
  int64_t seconds = micros / kMicrosPerSecond;
  int64_t rem = micros % kMicrosPerSecond;
  if (rem < 0) {
    rem += kMicrosPerSecond;
    --seconds;
  }
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rem) * kNanosPerMicro);
  return ts;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& ts) {
  // A message decoded from the wire can hold anything; read it as the
  // nearest valid timestamp.
  const int64_t seconds =
      std::clamp(ts.seconds(), kMinTimestampSeconds, kMaxTimestampSeconds);
  const int32_t nanos = std::clamp(ts.nanos(), 0, 999999999);
  return absl::FromUnixSeconds(seconds) +
         absl::Microseconds(nanos / kNanosPerMicro);
}

google::protobuf::Duration ToProtoDuration(absl::Duration d) {
  const absl::Duration max = absl::Seconds(kMaxDurationSeconds) +
                             absl::Microseconds(kMicrosPerSecond - 1);
  const int64_t micros = absl::ToInt64Microseconds(std::clamp(d, -max, max));
  // Truncating division keeps seconds and nanos of the same sign, as the
  // Duration contract requires.
  google::protobuf::Duration out;
  out.set_seconds(micros / kMicrosPerSecond);
  out.set_nanos(static_cast<int32_t>(micros % kMicrosPerSecond) *
                kNanosPerMicro);
  return out;
}

absl::Duration FromProtoDuration(const google::protobuf::Duration& d) {
  const int64_t seconds =
      std::clamp(d.seconds(), -kMaxDurationSeconds, kMaxDurationSeconds);
  const int32_t nanos = std::clamp(d.nanos(), -999999999, 999999999);
  return absl::Seconds(seconds) + absl::Microseconds(nanos / kNanosPerMicro);
}

std::optional<std::string_view> FindAttribute(const Attributes& attributes,
                                              std::string_view key) {
  for (const Attribute& a : attributes) {
    if (a.key() == key) return std::string_view(a.value());
  }
  return std::nullopt;
}

void SetAttribute(Attributes* attributes, std::string_view key, std::string_view value) {
  for (Attribute& a : *attributes) {
    if (a.key() == key) {
      a.set_value(std::string(value));
      return;
    }
  }
  // Built aside and then moved in, so a failed allocation leaves the list
  // as it was rather than holding a half-set entry.
  Attribute added;
  added.set_key(std::string(key));
  added.set_value(std::string(value));
  *attributes->Add() = std::move(added);
}

bool EraseAttribute(Attributes* attributes, std::string_view key) {
  for (int k = 0; k < attributes->size(); ++k) {
    if (attributes->Get(k).key() == key) {
      attributes->erase(attributes->begin() + k);
      return true;
    }
  }
  return false;
}

}  // namespace omnictx
