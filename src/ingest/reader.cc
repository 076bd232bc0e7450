// SPDX-License-Identifier: Apache-2.0
#include "ingest/reader.h"

#include <utility>

#include "omnictx/ingest.h"
#include "util/strings.h"

namespace omnictx::ingest {
namespace {

using internal::StrCat;

void Refuse(std::vector<RawMessage>* out, int64_t line, int64_t index, std::string where,
            absl::Status error, int64_t count = 1) {
  RawMessage m;
  m.line = line;
  m.index = index;
  m.where = std::move(where);
  m.error = std::move(error);
  m.count = count;
  out->push_back(std::move(m));
}

void Refuse(std::vector<RawMessage>* out, int64_t line, int64_t index, const std::string& where,
            std::string_view problem, int64_t count = 1) {
  Refuse(out, line, index, where, absl::InvalidArgumentError(StrCat(where, ": ", problem)), count);
}

// Reads one JSON document (a line or a body).
void ReadDocument(std::string_view text, int64_t line, const std::string& where, BodyKind kind,
                  std::vector<RawMessage>* out) {
  absl::Status pre =
      CheckJsonText(where, text, kMaxMessageBytes, kMaxBatchBytes, kind != BodyKind::kMessage);
  if (!pre.ok()) return Refuse(out, line, -1, where, std::move(pre));
  absl::StatusOr<ParsedJson> parsed = ParseJson(where, text);
  if (!parsed.ok()) return Refuse(out, line, -1, where, parsed.status());
  Json& root = parsed->value.get();
  const bool is_batch = kind == BodyKind::kBatch ||
                        (kind == BodyKind::kEither && root.is_object() && root.contains("batch"));
  for (const DuplicateKey& d : parsed->duplicates) {
    if (d.batch_index < 0 || !is_batch) return Refuse(out, line, -1, where, d.problem);
  }
  if (!is_batch) {
    RawMessage m;
    m.line = line;
    m.where = where;
    m.message = JsonTree(std::move(root));
    out->push_back(std::move(m));
    return;
  }
  if (!root.is_object()) return Refuse(out, line, -1, where, "not a JSON object");
  if (!root.contains("batch")) return Refuse(out, line, -1, where, "batch: missing");
  JsonTree batch_tree(std::move(root["batch"]));
  Json& batch = batch_tree.get();
  root.erase("batch");  // a null left by the move: destroying it allocates nothing
  if (!batch.is_array()) return Refuse(out, line, -1, where, "batch: is not an array");
  if (batch.size() > kMaxBatchMessages) {
    return Refuse(out, line, -1, where,
                  StrCat("batch: ", batch.size(), " messages > ", kMaxBatchMessages),
                  static_cast<int64_t>(batch.size()));
  }
  auto envelope = std::make_shared<const JsonTree>(std::move(root));
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto index = static_cast<int64_t>(i);
    const std::string at = StrCat(where, ": batch[", i, "]");
    bool duplicate = false;
    for (const DuplicateKey& d : parsed->duplicates) {
      if (d.batch_index == index) {
        Refuse(out, line, index, at, d.problem);
        duplicate = true;
      }
    }
    if (duplicate) continue;
    if (!batch[i].is_object()) {
      Refuse(out, line, index, at, "not a JSON object");
      continue;
    }
    const size_t size = batch[i].dump(-1, ' ', false, Json::error_handler_t::replace).size();
    if (size > kMaxMessageBytes) {
      Refuse(out, line, index, at, StrCat(size, " bytes > ", kMaxMessageBytes));
      continue;
    }
    RawMessage m;
    m.line = line;
    m.index = index;
    m.where = at;
    m.message = JsonTree(std::move(batch[i]));
    m.envelope = envelope;
    out->push_back(std::move(m));
  }
}

}  // namespace

std::vector<RawMessage> ReadLines(std::string_view text) {
  std::vector<RawMessage> out;
  int64_t line = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    if (content.find_first_not_of(" \t") == std::string_view::npos) continue;
    ReadDocument(content, line, StrCat("line ", line), BodyKind::kEither, &out);
  }
  return out;
}

std::vector<RawMessage> ReadBody(std::string_view body, BodyKind kind) {
  std::vector<RawMessage> out;
  ReadDocument(body, 0, "body", kind, &out);
  return out;
}

}  // namespace omnictx::ingest
