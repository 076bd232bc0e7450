// SPDX-License-Identifier: Apache-2.0
//
// Protobuf 3.21's JSON functions return protobuf's own status type; these
// helpers are the one place it is converted to absl::Status.
#ifndef OMNICTX_UTIL_PROTO_JSON_H_
#define OMNICTX_UTIL_PROTO_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace omnictx::internal {

// Writes `message` as JSON (protobuf's JSON mapping, lowerCamelCase names,
// fields with default values omitted). `pretty` indents.
absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message,
                                          bool pretty);

// Parses JSON into `message` (cleared first). Unknown fields are refused
// unless `ignore_unknown`. Returns InvalidArgument "<what>: <parser message>".
absl::Status JsonToMessage(std::string_view json, std::string_view what,
                           bool ignore_unknown,
                           google::protobuf::Message* message);

}  // namespace omnictx::internal

#endif  // OMNICTX_UTIL_PROTO_JSON_H_
