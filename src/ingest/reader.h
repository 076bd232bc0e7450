// SPDX-License-Identifier: Apache-2.0
//
// Splits an import's input into messages: JSON lines (each a message or a
// batch envelope) or one HTTP body. Every size, depth, UTF-8, syntax and
// duplicate-key refusal happens here, per line or per batch element, so
// one bad message never hides the others. Pure: no store access.
#ifndef OMNICTX_INGEST_READER_H_
#define OMNICTX_INGEST_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "ingest/json_limits.h"

namespace omnictx::ingest {

// One message of the input, or one refusal.
struct RawMessage {
  int64_t line = 0;    // 1-based; 0 for an HTTP body
  int64_t index = -1;  // index in the batch envelope, -1 outside one
  std::string where;   // "line 3", "line 3: batch[2]", "body", "body: batch[2]"
  JsonTree message;    // when error is OK
  absl::Status error;  // a refusal, its message already starting with `where`
  // Messages this entry stands for: a batch refused whole counts its
  // elements when they are known.
  int64_t count = 1;
  // The batch envelope without its "batch" array (sentAt, context), or null.
  std::shared_ptr<const JsonTree> envelope;
};

// Reads JSON lines ('\n' separated, a trailing '\r' dropped, blank lines
// skipped).
std::vector<RawMessage> ReadLines(std::string_view text);

// What a body holds.
enum class BodyKind {
  kBatch,    // a batch envelope ({"batch": [...]}), up to kMaxBatchBytes
  kMessage,  // one message, up to kMaxMessageBytes
  kEither,   // a batch when it has a top-level "batch" key, else a message
};

// Reads one HTTP request body.
std::vector<RawMessage> ReadBody(std::string_view body, BodyKind kind);

}  // namespace omnictx::ingest

#endif  // OMNICTX_INGEST_READER_H_
