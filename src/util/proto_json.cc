// SPDX-License-Identifier: Apache-2.0
#include "util/proto_json.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/util/json_util.h"
#include "util/strings.h"

namespace omnictx::internal {
namespace {

// protobuf 3.21 refuses nesting beyond 100 only after a slow descent (40 KB
// of "[" takes seconds), so deeper input is refused before the parser runs.
// No omnictx message nests anywhere near this deep.
constexpr int kMaxJsonDepth = 64;

// Returns true if `json` opens more than kMaxJsonDepth objects or arrays at
// once. Brackets inside strings do not count.
bool TooDeep(std::string_view json) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : json) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return true;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

std::string ToString(const google::protobuf::util::Status& status) {
  const auto message = status.message();
  return std::string(message.data(), message.size());
}

// The parser's messages quote the input: syntax errors append the text
// around the error on further lines, and type errors read "invalid value
// <value> for type <type>". The input may be customer data, which must not
// reach a log, so both quotes are dropped.
std::string WithoutInput(std::string message) {
  message.erase(std::min(message.find('\n'), message.size()));
  constexpr std::string_view kInvalid = "invalid value ";
  constexpr std::string_view kForType = " for type ";
  const size_t value = message.find(kInvalid);
  const size_t type = message.rfind(kForType);
  if (value != std::string::npos && type != std::string::npos && type > value) {
    const size_t start = value + kInvalid.size() - 1;  // keep "invalid value"
    message.erase(start, type - start);
  }
  return message;
}

}  // namespace

absl::StatusOr<std::string> MessageToJson(
    const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.always_print_primitive_fields = false;
  options.preserve_proto_field_names = false;
  std::string out;
  const google::protobuf::util::Status status =
      google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) {
    // Both libraries number their codes after google.rpc.Code, so the value
    // carries over unchanged.
    return absl::Status(static_cast<absl::StatusCode>(status.code()),
                        absl::StrCat(message.GetDescriptor()->full_name(),
                                     " to JSON: ", ToString(status)));
  }
  return out;
}

absl::Status JsonToMessage(std::string_view json, std::string_view what,
                           bool ignore_unknown,
                           google::protobuf::Message* message) {
  const absl::string_view label = Absl(what);
  message->Clear();
  if (TooDeep(json)) {
    return absl::InvalidArgumentError(
        absl::StrCat(label, ": nested deeper than ", kMaxJsonDepth, " levels"));
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = ignore_unknown;
  const google::protobuf::util::Status status =
      google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(json.data(), json.size()), message,
          options);
  if (!status.ok()) {
    // A half-filled message must not leak out to a caller that ignores the
    // status.
    message->Clear();
    return absl::InvalidArgumentError(
        absl::StrCat(label, ": ", WithoutInput(ToString(status))));
  }
  return absl::OkStatus();
}

}  // namespace omnictx::internal
