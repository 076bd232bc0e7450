// SPDX-License-Identifier: Apache-2.0
#include "omnictx/types.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "catch2/catch.hpp"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "omnictx/clock.h"
#include "util/proto_json.h"

namespace omnictx {
namespace {

struct ChannelCase {
  Channel channel;
  v1::ChannelKind kind;
  std::string name;
  bool real_time;
};

// Written out by hand rather than derived, so a reordered enum on either
// side fails here.
const std::vector<ChannelCase>& AllChannels() {
  static const auto* const kAll = new std::vector<ChannelCase>{
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
  };
  return *kAll;
}

// The name every enum value should print: its proto name, less the prefix,
// lower-cased ("CHANNEL_KIND_MOBILE_APP" -> "mobile_app").
std::string ExpectedName(const std::string& proto_name,
                         const std::string& prefix) {
  REQUIRE(absl::StartsWith(proto_name, prefix));
  return absl::AsciiStrToLower(proto_name.substr(prefix.size()));
}

}  // namespace

TEST_CASE("Channel maps to ChannelKind and back for every value", "[types]") {
  SECTION("every listed channel both ways") {
    for (const ChannelCase& c : AllChannels()) {
      INFO(c.name);
      CHECK(ToProto(c.channel) == c.kind);
      CHECK(FromProto(c.kind) == c.channel);
      CHECK(std::string(ChannelName(c.kind)) == c.name);
      CHECK(IsRealTime(c.kind) == c.real_time);
      v1::ChannelKind parsed = v1::CHANNEL_KIND_UNSPECIFIED;
      REQUIRE(ParseChannelName(c.name, &parsed));
      CHECK(parsed == c.kind);
    }
  }
  SECTION("unspecified maps to unspecified") {
    CHECK(ToProto(Channel::kUnspecified) == v1::CHANNEL_KIND_UNSPECIFIED);
    CHECK(FromProto(v1::CHANNEL_KIND_UNSPECIFIED) == Channel::kUnspecified);
    CHECK(ChannelName(v1::CHANNEL_KIND_UNSPECIFIED) == "unspecified");
    CHECK_FALSE(IsRealTime(v1::CHANNEL_KIND_UNSPECIFIED));
  }
  SECTION("the mapping is one-to-one") {
    std::set<int> kinds;
    std::set<int> channels;
    for (const ChannelCase& c : AllChannels()) {
      kinds.insert(ToProto(c.channel));
      channels.insert(static_cast<int>(FromProto(c.kind)));
    }
    CHECK(kinds.size() == AllChannels().size());
    CHECK(channels.size() == AllChannels().size());
  }
  SECTION("every value in the proto descriptor has a name that parses back") {
    const auto* descriptor = v1::ChannelKind_descriptor();
    // Unspecified plus the twelve listed: a new proto value must be added
    // to the C++ enum and to the table above.
    REQUIRE(descriptor->value_count() ==
            static_cast<int>(AllChannels().size()) + 1);
    for (int i = 0; i < descriptor->value_count(); ++i) {
      const auto kind =
          static_cast<v1::ChannelKind>(descriptor->value(i)->number());
      INFO(descriptor->value(i)->name());
      CHECK(std::string(ChannelName(kind)) ==
            ExpectedName(descriptor->value(i)->name(), "CHANNEL_KIND_"));
      CHECK(ToProto(FromProto(kind)) == kind);
      if (kind == v1::CHANNEL_KIND_UNSPECIFIED) continue;
      v1::ChannelKind parsed = v1::CHANNEL_KIND_UNSPECIFIED;
      REQUIRE(ParseChannelName(ChannelName(kind), &parsed));
      CHECK(parsed == kind);
    }
  }
  SECTION("a value this build does not know reads as unspecified") {
    const auto unknown = static_cast<v1::ChannelKind>(99);
    CHECK(FromProto(unknown) == Channel::kUnspecified);
    CHECK(ChannelName(unknown) == "unspecified");
    CHECK_FALSE(IsRealTime(unknown));
    CHECK(ToProto(static_cast<Channel>(99)) == v1::CHANNEL_KIND_UNSPECIFIED);
  }
}

TEST_CASE("ParseChannelName refuses anything but an exact name", "[types]") {
  for (const char* bad : {"", "unspecified", "Voice", "IVR", " ivr", "ivr ",
                          "mobile-app", "mobileapp", "CHANNEL_KIND_WEB", "3"}) {
    INFO(bad);
    v1::ChannelKind kind = v1::CHANNEL_KIND_EMAIL;
    CHECK_FALSE(ParseChannelName(bad, &kind));
    CHECK(kind == v1::CHANNEL_KIND_EMAIL);  // left untouched
  }
}

TEST_CASE("identity kind names cover every IdentityKind value", "[types]") {
  const auto* descriptor = v1::IdentityKind_descriptor();
  REQUIRE(descriptor->value_count() == 10);
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const auto kind =
        static_cast<v1::IdentityKind>(descriptor->value(i)->number());
    INFO(descriptor->value(i)->name());
    CHECK(std::string(IdentityKindName(kind)) ==
          ExpectedName(descriptor->value(i)->name(), "IDENTITY_KIND_"));
    v1::IdentityKind parsed = v1::IDENTITY_KIND_UNSPECIFIED;
    if (kind == v1::IDENTITY_KIND_UNSPECIFIED) {
      CHECK_FALSE(ParseIdentityKindName("unspecified", &parsed));
      continue;
    }
    REQUIRE(ParseIdentityKindName(IdentityKindName(kind), &parsed));
    CHECK(parsed == kind);
  }
  SECTION("spot checks and refusals") {
    CHECK(IdentityKindName(v1::IDENTITY_KIND_CRM_ID) == "crm_id");
    CHECK(IdentityKindName(v1::IDENTITY_KIND_USER_ID) == "user_id");
    CHECK(IdentityKindName(static_cast<v1::IdentityKind>(42)) == "unspecified");
    v1::IdentityKind kind = v1::IDENTITY_KIND_PHONE;
    CHECK_FALSE(ParseIdentityKindName("Phone", &kind));
    CHECK_FALSE(ParseIdentityKindName("crm-id", &kind));
    CHECK_FALSE(ParseIdentityKindName("", &kind));
    CHECK(kind == v1::IDENTITY_KIND_PHONE);
  }
}

TEST_CASE("identity builders fill kind, raw value, platform and region only",
          "[types]") {
  struct Row {
    Identity identity;
    v1::IdentityKind kind;
    std::string value;
    std::string platform;
    std::string region;
  };
  const std::vector<Row> rows = {
      {Phone("06 12 34 56 78", "FR"), v1::IDENTITY_KIND_PHONE, "06 12 34 56 78",
       "", "FR"},
      {Phone("+33612345678"), v1::IDENTITY_KIND_PHONE, "+33612345678", "", ""},
      {Email(" Jane.Doe@Example.COM "), v1::IDENTITY_KIND_EMAIL,
       " Jane.Doe@Example.COM ", "", ""},
      {Cookie("ajs-123"), v1::IDENTITY_KIND_COOKIE, "ajs-123", "", ""},
      {Device("idfa-9"), v1::IDENTITY_KIND_DEVICE, "idfa-9", "", ""},
      {CrmId("C-42"), v1::IDENTITY_KIND_CRM_ID, "C-42", "", ""},
      {Account("ACC 0001"), v1::IDENTITY_KIND_ACCOUNT, "ACC 0001", "", ""},
      {UserId("jdoe"), v1::IDENTITY_KIND_USER_ID, "jdoe", "", ""},
      {Social("twitter", "@JaneDoe"), v1::IDENTITY_KIND_SOCIAL, "@JaneDoe",
       "twitter", ""},
      {Messaging("whatsapp", "+33612345678"), v1::IDENTITY_KIND_MESSAGING,
       "+33612345678", "whatsapp", ""},
  };
  for (const Row& row : rows) {
    INFO(row.value);
    CHECK(row.identity.kind() == row.kind);
    CHECK(row.identity.value() == row.value);  // raw: not normalized here
    CHECK(row.identity.platform() == row.platform);
    CHECK(row.identity.region() == row.region);
    CHECK(row.identity.customer_id().empty());
    CHECK_FALSE(row.identity.has_linked_at());
  }
}

TEST_CASE("times convert to Timestamp at microsecond precision", "[types]") {
  SECTION("round trip keeps microseconds and drops nanoseconds") {
    const absl::Time t = absl::FromUnixMicros(1714558000123456);
    const google::protobuf::Timestamp ts = ToProtoTime(t);
    CHECK(ts.seconds() == 1714558000);
    CHECK(ts.nanos() == 123456000);
    CHECK(FromProtoTime(ts) == t);
    CHECK(ToProtoTime(t + absl::Nanoseconds(999)).nanos() == 123456000);
  }
  SECTION("the epoch is zero") {
    const google::protobuf::Timestamp ts = ToProtoTime(absl::UnixEpoch());
    CHECK(ts.seconds() == 0);
    CHECK(ts.nanos() == 0);
  }
  SECTION("times before 1970 keep nanos non-negative") {
    const google::protobuf::Timestamp ts =
        ToProtoTime(absl::FromUnixMicros(-1));
    CHECK(ts.seconds() == -1);
    CHECK(ts.nanos() == 999999000);
    CHECK(FromProtoTime(ts) == absl::FromUnixMicros(-1));
    // Sub-microsecond parts floor, like absl::ToUnixMicros.
    CHECK(ToProtoTime(absl::FromUnixNanos(-1)).nanos() == 999999000);
  }
  SECTION("infinite times clamp to the Timestamp range") {
    const google::protobuf::Timestamp past = ToProtoTime(absl::InfinitePast());
    CHECK(past.seconds() == -62135596800);  // 0001-01-01T00:00:00Z
    CHECK(past.nanos() == 0);
    const google::protobuf::Timestamp future =
        ToProtoTime(absl::InfiniteFuture());
    CHECK(future.seconds() == 253402300799);  // 9999-12-31T23:59:59Z
    CHECK(future.nanos() == 999999000);
    // Clamped values stay printable as JSON, which refuses out-of-range ones.
    CHECK(internal::MessageToJson(past, false).value() ==
          "\"0001-01-01T00:00:00Z\"");
    CHECK(internal::MessageToJson(future, false).value() ==
          "\"9999-12-31T23:59:59.999999Z\"");
    CHECK(FromProtoTime(future) == absl::FromUnixMicros(253402300799999999));
  }
  SECTION("out-of-range Timestamps read as the nearest valid time") {
    google::protobuf::Timestamp ts;
    ts.set_seconds(INT64_MAX);
    ts.set_nanos(2000000000);
    CHECK(FromProtoTime(ts) ==
          FromProtoTime(ToProtoTime(absl::InfiniteFuture())));
    ts.set_seconds(INT64_MIN);
    ts.set_nanos(-5);
    CHECK(FromProtoTime(ts) ==
          FromProtoTime(ToProtoTime(absl::InfinitePast())));
  }
}

TEST_CASE("durations convert to Duration at microsecond precision", "[types]") {
  SECTION("positive") {
    const auto d = ToProtoDuration(absl::Seconds(90) + absl::Microseconds(250));
    CHECK(d.seconds() == 90);
    CHECK(d.nanos() == 250000);
    CHECK(FromProtoDuration(d) == absl::Seconds(90) + absl::Microseconds(250));
  }
  SECTION("negative values keep seconds and nanos of one sign") {
    const auto d = ToProtoDuration(absl::Milliseconds(-1500));
    CHECK(d.seconds() == -1);
    CHECK(d.nanos() == -500000000);
    CHECK(FromProtoDuration(d) == absl::Milliseconds(-1500));
    const auto small = ToProtoDuration(absl::Nanoseconds(-1500));
    CHECK(small.seconds() == 0);
    CHECK(small.nanos() == -1000);  // truncated toward zero
  }
  SECTION("infinite durations clamp to +-10,000 years") {
    const auto max = ToProtoDuration(absl::InfiniteDuration());
    CHECK(max.seconds() == 315576000000);
    CHECK(max.nanos() == 999999000);
    const auto min = ToProtoDuration(-absl::InfiniteDuration());
    CHECK(min.seconds() == -315576000000);
    CHECK(min.nanos() == -999999000);
    CHECK(internal::MessageToJson(max, false).ok());
    CHECK(internal::MessageToJson(min, false).ok());
  }
  SECTION("zero and unset") {
    CHECK(FromProtoDuration(google::protobuf::Duration()) ==
          absl::ZeroDuration());
    CHECK(ToProtoDuration(absl::ZeroDuration()).seconds() == 0);
  }
}

TEST_CASE("RealClock is one shared clock reading the system time", "[types]") {
  const std::shared_ptr<Clock> clock = RealClock();
  REQUIRE(clock != nullptr);
  CHECK(clock.get() == RealClock().get());
  const absl::Time before = absl::Now();
  const absl::Time now = clock->Now();
  const absl::Time after = absl::Now();
  CHECK(before <= now);
  CHECK(now <= after);
}

TEST_CASE("attributes are found, set and erased by key", "[types]") {
  Customer c;
  CHECK(FindAttribute(c.attributes(), "tier") == std::nullopt);
  SetAttribute(c.mutable_attributes(), "tier", "gold");
  SetAttribute(c.mutable_attributes(), "segment", "retail");
  CHECK(FindAttribute(c.attributes(), "tier") == "gold");
  CHECK(FindAttribute(c.attributes(), "segment") == "retail");
  CHECK(FindAttribute(c.attributes(), "tie") == std::nullopt);  // whole keys only

  SetAttribute(c.mutable_attributes(), "tier", "silver");  // replaced, not added
  REQUIRE(c.attributes_size() == 2);
  CHECK(c.attributes(0).key() == "tier");
  CHECK(c.attributes(0).value() == "silver");

  SetAttribute(c.mutable_attributes(), "empty", "");  // an empty value is a value
  CHECK(FindAttribute(c.attributes(), "empty") == "");

  CHECK(EraseAttribute(c.mutable_attributes(), "tier"));
  CHECK_FALSE(EraseAttribute(c.mutable_attributes(), "tier"));
  REQUIRE(c.attributes_size() == 2);
  CHECK(c.attributes(0).key() == "segment");  // the others keep their order
  CHECK(c.attributes(1).key() == "empty");
}

// Earlier releases declared attributes as map<string, string>; profiles and
// interactions stored by them must read the same. The old declaration is
// rebuilt here from its descriptor, so the bytes come from protobuf's map
// code and not from a hand-written encoding.
TEST_CASE("the attribute list reads and writes the encoding of a string map", "[types]") {
  google::protobuf::FileDescriptorProto file;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(R"pb(
    name: "legacy.proto"
    package: "legacy"
    syntax: "proto3"
    message_type {
      name: "Customer"
      field {
        name: "attributes" number: 5 label: LABEL_REPEATED type: TYPE_MESSAGE
        type_name: ".legacy.Customer.AttributesEntry"
      }
      nested_type {
        name: "AttributesEntry"
        field { name: "key" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
        field { name: "value" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING }
        options { map_entry: true }
      }
    }
  )pb", &file));
  google::protobuf::DescriptorPool pool;
  const google::protobuf::FileDescriptor* fd = pool.BuildFile(file);
  REQUIRE(fd != nullptr);
  const google::protobuf::Descriptor* legacy = fd->FindMessageTypeByName("Customer");
  REQUIRE(legacy != nullptr);
  const google::protobuf::FieldDescriptor* map_field = legacy->FindFieldByName("attributes");
  REQUIRE(map_field->is_map());
  google::protobuf::DynamicMessageFactory factory(&pool);

  std::unique_ptr<google::protobuf::Message> old(factory.GetPrototype(legacy)->New());
  const google::protobuf::Reflection* r = old->GetReflection();
  for (const auto& [key, value] : {std::pair{"segment", "retail"}, std::pair{"tier", "gold"}}) {
    google::protobuf::Message* entry = r->AddMessage(old.get(), map_field);
    entry->GetReflection()->SetString(entry, entry->GetDescriptor()->FindFieldByNumber(1), key);
    entry->GetReflection()->SetString(entry, entry->GetDescriptor()->FindFieldByNumber(2), value);
  }
  Customer now;
  REQUIRE(now.ParseFromString(old->SerializeAsString()));
  CHECK(FindAttribute(now.attributes(), "segment") == "retail");
  CHECK(FindAttribute(now.attributes(), "tier") == "gold");
  CHECK(now.attributes_size() == 2);

  // And back: what this release writes, the old declaration reads as a map.
  SetAttribute(now.mutable_attributes(), "tier", "platinum");
  std::unique_ptr<google::protobuf::Message> back(factory.GetPrototype(legacy)->New());
  REQUIRE(back->ParseFromString(now.SerializeAsString()));
  std::string text;
  REQUIRE(google::protobuf::TextFormat::PrintToString(*back, &text));
  CHECK(absl::StrContains(text, R"(key: "tier")"));
  CHECK(absl::StrContains(text, R"(value: "platinum")"));
  CHECK(back->GetReflection()->FieldSize(*back, map_field) == 2);
}

}  // namespace omnictx
