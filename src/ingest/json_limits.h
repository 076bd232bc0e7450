// SPDX-License-Identifier: Apache-2.0
//
// The guards every JSON text passes before and while it is parsed: size
// limits, a linear nesting pre-scan (no parser has run when it refuses),
// UTF-8, and a parser that reports duplicate keys instead of letting the
// last one win. nlohmann::json keeps integers exact (int64/uint64), unlike
// protobuf's Struct, which turns every number into a double.
#ifndef OMNICTX_INGEST_JSON_LIMITS_H_
#define OMNICTX_INGEST_JSON_LIMITS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace omnictx::ingest {

using Json = nlohmann::json;

// Empties `value` from the leaves up, allocating nothing. nlohmann::json's
// destructor (3.11) allocates a work stack for a non-empty array or object,
// and an allocation that throws inside a destructor ends the process; a
// tree emptied first is destroyed without allocating, so running out of
// memory while importing stays a ResourceExhausted status. Recursion is
// bounded by kMaxJsonDepth, which every parsed text was checked against.
void Dismantle(Json& value) noexcept;

// Owns a parsed JSON tree and dismantles it before it is destroyed or
// replaced. Every tree the importer keeps lives in one.
class JsonTree {
 public:
  JsonTree() = default;
  explicit JsonTree(Json&& value) noexcept : value_(std::move(value)) {}
  JsonTree(JsonTree&& other) noexcept : value_(std::move(other.value_)) {}
  JsonTree& operator=(JsonTree&& other) noexcept {
    Dismantle(value_);
    value_ = std::move(other.value_);
    return *this;
  }
  JsonTree(const JsonTree&) = delete;
  JsonTree& operator=(const JsonTree&) = delete;
  ~JsonTree() { Dismantle(value_); }

  Json& get() { return value_; }
  const Json& get() const { return value_; }

 private:
  Json value_;
};

// What the pre-scan learned about a JSON text.
struct PreScan {
  // Some container nests deeper than the limit.
  bool too_deep = false;
  // Bytes examined: the scan stops at the first '[' or '{' past the limit,
  // so 20,000 '[' cost max_depth + 1 bytes.
  size_t bytes_scanned = 0;
  // The top-level object has a key spelled exactly "batch" (a batch
  // envelope may be larger than one message).
  bool has_batch_key = false;
};

// Scans `text` once, left to right, tracking only string/escape state and
// the container depth. Allocates nothing and never recurses.
PreScan ScanJson(std::string_view text, int max_depth);

// Checks a JSON text before parsing, in this order: larger than
// `max_batch` bytes; nesting deeper than kMaxJsonDepth; larger than
// `max_message` bytes unless `allow_batch` and the pre-scan found a
// top-level "batch" key; invalid UTF-8. `where` ("line 3", "body") starts
// the message: "<where>: 40123 bytes > 32768", "<where>: nesting too deep",
// "<where>: invalid UTF-8 at byte K". Returns InvalidArgument.
absl::Status CheckJsonText(std::string_view where, std::string_view text,
                           size_t max_message, size_t max_batch, bool allow_batch);

// A duplicate key found while parsing.
struct DuplicateKey {
  // Index of the element of a top-level "batch" array it was found in, or
  // -1 when it is outside any batch element.
  int64_t batch_index = -1;
  // "duplicate key userId" (the key only when ShowKey allows it).
  std::string problem;
};

// A parsed JSON text.
struct ParsedJson {
  JsonTree value;
  // Duplicate keys, at most one per batch element plus one outside.
  std::vector<DuplicateKey> duplicates;
};

// Parses one JSON text strictly (nothing may follow the value).
// Returns InvalidArgument "<where>: invalid JSON at byte K" (K the 0-based
// offset where the parser stopped), "<where>: occurred_at: out of range"
// when a time field holds a number no double can represent (1e400) or NaN /
// Infinity, "<where>: number out of range at byte K" (K where the number
// starts) for other such numbers.
absl::StatusOr<ParsedJson> ParseJson(std::string_view where, std::string_view text);

// Returns `key` if it may appear in a message: an identifier
// ([A-Za-z_][A-Za-z0-9_]{0,63}), which cannot hold an email, a phone number
// or a name with spaces. Otherwise "(not shown)".
std::string ShowKey(std::string_view key);

// Returns true for the field names that carry a message's times.
bool IsTimeField(std::string_view key);

}  // namespace omnictx::ingest

#endif  // OMNICTX_INGEST_JSON_LIMITS_H_
