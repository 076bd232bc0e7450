// SPDX-License-Identifier: Apache-2.0
//
// The entity types (generated from proto/omnictx/v1), call-site enums and
// identity builders, and the documented limits every input is checked
// against.
#ifndef OMNICTX_TYPES_H_
#define OMNICTX_TYPES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "omnictx/v1/context.pb.h"
#include "omnictx/v1/journey.pb.h"
#include "omnictx/v1/merge.pb.h"
#include "omnictx/v1/model.pb.h"

namespace omnictx {

// Entity types are the generated proto classes; there are no mirror structs.
using Customer = v1::Customer;
using Identity = v1::Identity;
using Consent = v1::Consent;
using Touchpoint = v1::Touchpoint;
using Interaction = v1::Interaction;
using Journey = v1::Journey;
using JourneyStep = v1::JourneyStep;
using JourneyInstance = v1::JourneyInstance;
using JourneyTransition = v1::JourneyTransition;
using Case = v1::Case;
using Context = v1::Context;
using RoutingHint = v1::RoutingHint;
using Suggestion = v1::Suggestion;
using StalledJourney = v1::StalledJourney;
using MergeRecord = v1::MergeRecord;
using FieldChoice = v1::FieldChoice;
using AuditEntry = v1::AuditEntry;
using ErasureReceipt = v1::ErasureReceipt;
using Attribute = v1::Attribute;
// The attribute list of a Customer or an Interaction.
using Attributes = google::protobuf::RepeatedPtrField<v1::Attribute>;

// Channel kinds for call sites: `.channel = omnictx::Channel::kIvr`.
enum class Channel {
  kUnspecified,
  kVoice,
  kIvr,
  kWeb,
  kChat,
  kEmail,
  kSms,
  kMessaging,
  kSocial,
  kMobileApp,
  kStore,
  kVideo,
  kOther,
};

// Maps the call-site enum to the proto enum and back (a total bijection).
v1::ChannelKind ToProto(Channel channel);
Channel FromProto(v1::ChannelKind kind);

// Returns the lower-case name of a channel kind ("ivr", "mobile_app"), or
// "unspecified".
std::string_view ChannelName(v1::ChannelKind kind);
// Parses a channel name as ChannelName prints it. Returns false if unknown.
bool ParseChannelName(std::string_view name, v1::ChannelKind* kind);
// Returns true for channels where the customer waits on the line (voice, ivr,
// chat, video); false for asynchronous ones (email, sms, social, ...).
bool IsRealTime(v1::ChannelKind kind);

// Returns the lower-case name of an identity kind ("phone", "crm_id").
std::string_view IdentityKindName(v1::IdentityKind kind);
// Parses an identity kind name. Returns false if unknown.
bool ParseIdentityKindName(std::string_view name, v1::IdentityKind* kind);

// Builders for identities. Values are raw; the store normalizes them.
// `region` (ISO 3166 alpha-2, e.g. "FR") reads national phone numbers.
Identity Phone(std::string_view raw, std::string_view region = {});
Identity Email(std::string_view raw);
Identity Cookie(std::string_view id);
Identity Device(std::string_view id);
Identity CrmId(std::string_view id);
Identity Account(std::string_view number);
Identity UserId(std::string_view id);
Identity Social(std::string_view platform, std::string_view handle);
Identity Messaging(std::string_view platform, std::string_view handle);

// Attributes by key. The list holds each key at most once (the store refuses
// a repeated key), so the first match is the only one:
//   omnictx::SetAttribute(customer.mutable_attributes(), "tier", "gold");
//   if (omnictx::FindAttribute(customer.attributes(), "tier") == "gold") ...
// FindAttribute returns nullopt if the key is absent; the view points into
// the list and is valid until it changes.
std::optional<std::string_view> FindAttribute(const Attributes& attributes,
                                              std::string_view key);
// Sets the value of `key`, replacing it if present, else appending it.
void SetAttribute(Attributes* attributes, std::string_view key,
                  std::string_view value);
// Removes `key`. Returns false if it was absent.
bool EraseAttribute(Attributes* attributes, std::string_view key);

// Converts between absl::Time and the proto Timestamp (microsecond precision).
google::protobuf::Timestamp ToProtoTime(absl::Time t);
absl::Time FromProtoTime(const google::protobuf::Timestamp& ts);
google::protobuf::Duration ToProtoDuration(absl::Duration d);
absl::Duration FromProtoDuration(const google::protobuf::Duration& d);

// Limits enforced on every input. A value over a limit is refused with
// InvalidArgument naming the field and the limit; nothing is truncated.
struct Limits {
  static constexpr size_t kMaxCustomerIdBytes = 128;
  static constexpr size_t kMaxPhoneInputBytes = 64;    // checked before parsing
  static constexpr size_t kMaxPhoneDigits = 15;         // E.164
  static constexpr size_t kMaxEmailBytes = 254;
  static constexpr size_t kMaxEmailLocalBytes = 64;
  static constexpr size_t kMaxIdentityBytes = 256;      // other identity kinds
  static constexpr size_t kMaxPlatformBytes = 32;
  static constexpr size_t kMaxNameBytes = 256;          // display names, subjects
  static constexpr size_t kMaxKeyBytes = 64;            // touchpoint, kind, step, journey keys
  static constexpr size_t kMaxTextBytes = 256;          // agent ids, outcomes, providers
  static constexpr size_t kMaxSummaryBytes = 4096;
  static constexpr size_t kMaxAttributes = 64;
  static constexpr size_t kMaxAttributeKeyBytes = 64;   // [A-Za-z0-9_.-]
  static constexpr size_t kMaxAttributeValueBytes = 1024;
  static constexpr size_t kMaxConsents = 64;
  static constexpr size_t kMaxExternalIdBytes = 100;
  static constexpr size_t kMaxBatchInteractions = 10000;
  static constexpr size_t kMaxJourneySteps = 100;
  static constexpr int kMaxMetricsWindowDays = 400;  // Store::Metrics window
  static constexpr size_t kMaxRecent = 200;              // LookupRequest::recent_limit
  static constexpr size_t kMaxTimelinePage = 1000;
  // Rows one merge may move (identities + interactions + instances + cases);
  // a larger merge is refused with ResourceExhausted.
  static constexpr size_t kMaxMergeRows = 100000;
  static constexpr size_t kMaxActorBytes = 128;
  // How far in the future an occurred_at may be (clock skew allowance).
  static constexpr absl::Duration kMaxFutureSkew = absl::Hours(24);
};

}  // namespace omnictx

#endif  // OMNICTX_TYPES_H_
