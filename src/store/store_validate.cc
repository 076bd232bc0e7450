// SPDX-License-Identifier: Apache-2.0
//
// Boundary validation of every entity a caller hands the store. Messages
// name the field and the limit, never the value.
#include "absl/strings/ascii.h"
#include "util/strings.h"
#include "google/protobuf/descriptor.h"
#include "metrics/kpi.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/validate.h"

namespace omnictx::internal {
namespace {

// Lists an enum's values after UNSPECIFIED as lower-case names without the
// type prefix: "CONSENT_STATE_GRANTED" -> "granted".
std::string AllowedValues(const google::protobuf::EnumDescriptor* d) {
  const size_t prefix = d->value(0)->name().size() - std::string_view("UNSPECIFIED").size();
  std::string out;
  for (int i = 1; i < d->value_count(); ++i) {
    internal::StrAppend(&out, i > 1 ? ", " : "",
                        absl::AsciiStrToLower(d->value(i)->name().substr(prefix)));
  }
  return out;
}

// Returns InvalidArgument unless `value` is a defined number of `Enum`. The
// message lists what is allowed and never echoes the number.
template <typename Enum>
absl::Status CheckEnum(std::string_view field, int value, const google::protobuf::EnumDescriptor* d,
                       bool allow_unspecified) {
  if (d->FindValueByNumber(value) == nullptr || (!allow_unspecified && value == 0)) {
    return absl::InvalidArgumentError(
        internal::StrCat(field, ": unknown (allowed: ", AllowedValues(d), ")"));
  }
  return absl::OkStatus();
}

std::string AllowedChannels() {
  std::string out;
  const auto* d = v1::ChannelKind_descriptor();
  for (int i = 1; i < d->value_count(); ++i) {
    internal::StrAppend(&out, i > 1 ? ", " : "",
                    ChannelName(static_cast<v1::ChannelKind>(d->value(i)->number())));
  }
  return out;
}

}  // namespace

absl::Status ValidateCustomerId(std::string_view id) {
  return CheckName("customer_id", id, Limits::kMaxCustomerIdBytes, /*required=*/true);
}

absl::Status ValidateChannel(std::string_view field, const v1::Channel& channel) {
  int kind = channel.kind();
  if (kind == v1::CHANNEL_KIND_UNSPECIFIED || v1::ChannelKind_descriptor()->FindValueByNumber(kind) == nullptr) {
    return absl::InvalidArgumentError(
        internal::StrCat(field, ".kind: unknown (allowed: ", AllowedChannels(), ")"));
  }
  return CheckName(internal::StrCat(field, ".provider"), channel.provider(), Limits::kMaxTextBytes,
                   /*required=*/false);
}

absl::Status ValidateProfile(const Customer& c) {
  if (!c.id().empty()) {
    OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(c.id()));
    if (c.id().starts_with(kErasedIdPrefix)) {
      return absl::InvalidArgumentError(internal::StrCat(
          "customer_id: the prefix ", kErasedIdPrefix, " is reserved for erased customers"));
    }
  }
  OMNICTX_RETURN_IF_ERROR(CheckName("display_name", c.display_name(), Limits::kMaxNameBytes, false));
  OMNICTX_RETURN_IF_ERROR(CheckName("language", c.language(), 35, false));  // BCP 47 maximum
  OMNICTX_RETURN_IF_ERROR(CheckEnum<v1::ChannelKind>("preferred_channel", c.preferred_channel(),
                                                     v1::ChannelKind_descriptor(), true));
  OMNICTX_RETURN_IF_ERROR(CheckAttributes("attributes", c.attributes()));
  if (static_cast<size_t>(c.consents_size()) > Limits::kMaxConsents) {
    return absl::InvalidArgumentError(
        internal::StrCat("consents: more than ", Limits::kMaxConsents, " consents"));
  }
  for (const Consent& consent : c.consents()) {
    OMNICTX_RETURN_IF_ERROR(CheckKey("consents.purpose", consent.purpose(), true));
    OMNICTX_RETURN_IF_ERROR(CheckEnum<v1::ChannelKind>("consents.channel", consent.channel(),
                                                       v1::ChannelKind_descriptor(), true));
    OMNICTX_RETURN_IF_ERROR(CheckEnum<v1::ConsentState>("consents.state", consent.state(),
                                                        v1::ConsentState_descriptor(), false));
  }
  return absl::OkStatus();
}

absl::Status ValidateInteraction(const Interaction& i, absl::Time now) {
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(i.customer_id()));
  if (!i.has_occurred_at()) return absl::InvalidArgumentError("occurred_at: missing");
  const auto& ts = i.occurred_at();
  if (ts.nanos() < 0 || ts.nanos() > 999'999'999) {
    return absl::InvalidArgumentError("occurred_at: out of range");
  }
  OMNICTX_RETURN_IF_ERROR(CheckTime("occurred_at", FromProtoTime(ts), now));
  OMNICTX_RETURN_IF_ERROR(ValidateChannel("channel", i.channel()));
  OMNICTX_RETURN_IF_ERROR(CheckKey("touchpoint", i.touchpoint(), false));
  OMNICTX_RETURN_IF_ERROR(CheckKey("kind", i.kind(), false));
  OMNICTX_RETURN_IF_ERROR(CheckEnum<v1::Direction>("direction", i.direction(),
                                                   v1::Direction_descriptor(), true));
  if (i.journey_instance_id() < 0) return absl::InvalidArgumentError("journey_instance_id: negative");
  OMNICTX_RETURN_IF_ERROR(CheckKey("journey_step", i.journey_step(), false));
  if (i.case_id() < 0) return absl::InvalidArgumentError("case_id: negative");
  OMNICTX_RETURN_IF_ERROR(CheckName("agent_id", i.agent_id(), Limits::kMaxTextBytes, false));
  OMNICTX_RETURN_IF_ERROR(CheckName("outcome", i.outcome(), Limits::kMaxTextBytes, false));
  for (const auto* d : {&i.wait_time(), &i.handle_time()}) {
    if (d->seconds() < 0 || d->nanos() < 0 || d->nanos() > 999'999'999) {
      return absl::InvalidArgumentError(
          internal::StrCat(d == &i.wait_time() ? "wait_time" : "handle_time", ": negative or malformed"));
    }
  }
  OMNICTX_RETURN_IF_ERROR(CheckText("summary", i.summary(), Limits::kMaxSummaryBytes));
  OMNICTX_RETURN_IF_ERROR(CheckAttributes("attributes", i.attributes()));
  if (!i.external_id().empty()) {
    OMNICTX_RETURN_IF_ERROR(CheckName("external_id", i.external_id(), Limits::kMaxExternalIdBytes, true));
  }
  if (i.has_satisfaction() && !metrics::HasValidScore(i)) {
    return absl::InvalidArgumentError(
        metrics::IsNps(i) ? "satisfaction: NPS must be 0 to 10"
                          : "satisfaction: CSAT must be 1 to 5 (NPS 0 to 10 with attribute "
                            "satisfaction_scale=nps)");
  }
  return absl::OkStatus();
}

absl::Status ValidateTouchpoint(const Touchpoint& t) {
  OMNICTX_RETURN_IF_ERROR(CheckKey("touchpoint.key", t.key(), true));
  OMNICTX_RETURN_IF_ERROR(ValidateChannel("touchpoint.channel", t.channel()));
  OMNICTX_RETURN_IF_ERROR(CheckEnum<v1::Direction>("touchpoint.direction", t.direction(),
                                                   v1::Direction_descriptor(), true));
  return CheckText("touchpoint.description", t.description(), Limits::kMaxNameBytes);
}

absl::Status ValidateCase(const Case& c) {
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(c.customer_id()));
  OMNICTX_RETURN_IF_ERROR(CheckName("subject", c.subject(), Limits::kMaxNameBytes, true));
  OMNICTX_RETURN_IF_ERROR(CheckEnum<v1::CasePriority>("priority", c.priority(),
                                                      v1::CasePriority_descriptor(), true));
  OMNICTX_RETURN_IF_ERROR(CheckName("owner_agent", c.owner_agent(), Limits::kMaxTextBytes, false));
  OMNICTX_RETURN_IF_ERROR(CheckName("queue", c.queue(), Limits::kMaxTextBytes, false));
  if (c.journey_instance_id() < 0) return absl::InvalidArgumentError("journey_instance_id: negative");
  return absl::OkStatus();
}

}  // namespace omnictx::internal
