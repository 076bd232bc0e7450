// SPDX-License-Identifier: Apache-2.0
#include "omnictx/journey_format.h"

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"
#include "util/proto_json.h"
#include "util/status_macros.h"

namespace omnictx {
namespace {

// The text parser's messages quote the token it stopped at ("Expected
// string, got: foo", "Couldn't parse integer: 12x", "Unknown enumeration
// value of \"FOO\" for field ..."). Messages never echo input, so the quote
// goes; the line and column say where to look.
std::string WithoutToken(std::string message) {
  for (std::string_view cut : {", got: ", ": "}) {
    const size_t at = message.find(cut);
    if (at != std::string::npos) {
      message.erase(at);
      break;
    }
  }
  constexpr std::string_view kValueOf = "value of \"";
  const size_t value = message.find(kValueOf);
  if (value != std::string::npos) {
    const size_t end = message.find('"', value + kValueOf.size());
    if (end != std::string::npos) message.erase(value + 5, end + 1 - (value + 5));
  }
  const size_t paren = message.find(" (");  // "Integer out of range (123)"
  if (paren != std::string::npos) message.erase(paren);
  return message;
}

// Keeps the first error only: later ones are usually knock-on effects of it.
class FirstErrorCollector final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!error_.empty()) return;
    // The parser counts from zero; editors count from one.
    error_ = absl::StrCat("line ", line + 1, " column ", column + 1, ": ",
                          WithoutToken(message));
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

absl::Status CheckSize(absl::string_view what, size_t size) {
  if (size <= kMaxJourneyTextBytes) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": ", size, " bytes > ", kMaxJourneyTextBytes));
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// Reads at most kMaxJourneyTextBytes + 1 bytes: enough to tell an oversized
// file without reading all of it.
absl::StatusOr<std::string> ReadBounded(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  }
  std::string content(kMaxJourneyTextBytes + 1, '\0');
  const size_t n = std::fread(content.data(), 1, content.size(), file.get());
  // A directory opens fine but fails on the first read.
  if (std::ferror(file.get())) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot read"));
  }
  if (n > kMaxJourneyTextBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": more than ", kMaxJourneyTextBytes, " bytes"));
  }
  content.resize(n);
  return content;
}

}  // namespace

absl::StatusOr<Journey> JourneyFromText(std::string_view text) {
  OMNICTX_RETURN_IF_ERROR(CheckSize("journey text", text.size()));
  google::protobuf::io::ArrayInputStream input(text.data(),
                                               static_cast<int>(text.size()));
  FirstErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  Journey journey;
  if (!parser.Parse(&input, &journey)) {
    return absl::InvalidArgumentError(
        absl::StrCat("journey text: ",
                     errors.error().empty() ? "parse error" : errors.error()));
  }
  return journey;
}

absl::StatusOr<Journey> JourneyFromJson(std::string_view json) {
  OMNICTX_RETURN_IF_ERROR(CheckSize("journey json", json.size()));
  Journey journey;
  OMNICTX_RETURN_IF_ERROR(internal::JsonToMessage(
      json, "journey json", /*ignore_unknown=*/false, &journey));
  return journey;
}

absl::StatusOr<Journey> JourneyFromFile(const std::string& path) {
  OMNICTX_ASSIGN_OR_RETURN(const std::string content, ReadBounded(path));
  absl::StatusOr<Journey> journey = absl::EndsWith(path, ".json")
                                        ? JourneyFromJson(content)
                                        : JourneyFromText(content);
  if (!journey.ok()) {
    // The operator loading a file wants to know which one failed.
    return absl::Status(journey.status().code(),
                        absl::StrCat(path, ": ", journey.status().message()));
  }
  return journey;
}

absl::StatusOr<std::string> JourneyToJson(const Journey& journey, bool pretty) {
  return internal::MessageToJson(journey, pretty);
}

}  // namespace omnictx
