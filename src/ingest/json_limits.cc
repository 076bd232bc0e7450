// SPDX-License-Identifier: Apache-2.0
#include "ingest/json_limits.h"

#include <functional>
#include <new>
#include <set>
#include <string>
#include <utility>

#include "omnictx/ingest.h"
#include "util/strings.h"
#include "util/validate.h"

namespace omnictx::ingest {
namespace {

using internal::StrCat;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Builds a Json value from SAX events, remembering the keys of every open
// object so that a repeated key is reported rather than overwritten. Only
// the open containers are referenced: an array grows only after its open
// child has closed, so the pointers on the stack stay valid.
class Builder final : public nlohmann::json_sax<Json> {
 public:
  Builder() = default;
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;
  // A parse cut short by std::bad_alloc leaves a partial tree.
  ~Builder() override { Dismantle(root_); }

  bool null() override { return Add(Json(nullptr)); }
  bool boolean(bool v) override { return Add(Json(v)); }
  bool number_integer(number_integer_t v) override { return Add(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Add(Json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return Add(Json(v)); }
  bool string(string_t& v) override { return Add(Json(std::move(v))); }
  bool binary(binary_t&) override { return false; }  // not produced by JSON text
  bool start_object(std::size_t) override { return Open(Json::object()); }
  bool start_array(std::size_t) override { return Open(Json::array()); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool key(string_t& k) override {
    Frame& f = stack_.back();
    if (!f.keys.insert(k).second) NoteDuplicate(k);
    f.key = std::move(k);
    return true;
  }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) override {
    error_position_ = position;
    token_size_ = last_token.size();
    // The token is read only to classify the error; it is never shown.
    // 406 is nlohmann's "number overflow" (1e400); NaN and Infinity are not
    // JSON, and the lexer stops on their first letter (the token it reports
    // may start earlier, at the ':').
    const bool overflow = ex.id == 406;
    const bool non_finite =
        !last_token.empty() && (last_token.back() == 'N' || last_token.back() == 'I');
    const bool in_time_field = !stack_.empty() && stack_.back().value->is_object() &&
                               IsTimeField(stack_.back().key);
    number_error_ = overflow;
    time_field_error_ = in_time_field && (overflow || non_finite);
    return false;
  }

  Json& root() { return root_; }
  std::vector<DuplicateKey>& duplicates() { return duplicates_; }
  size_t error_position() const { return error_position_; }
  size_t token_size() const { return token_size_; }
  bool number_error() const { return number_error_; }
  bool time_field_error() const { return time_field_error_; }

 private:
  struct Frame {
    Json* value = nullptr;
    std::set<std::string, std::less<>> keys;
    std::string key;  // the key whose value comes next (objects)
  };

  Json* Place(Json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Frame& top = stack_.back();
    if (top.value->is_array()) {
      top.value->push_back(std::move(v));
      return &top.value->back();
    }
    Json& slot = (*top.value)[top.key];
    slot = std::move(v);
    return &slot;
  }
  bool Add(Json v) {
    Place(std::move(v));
    return true;
  }
  bool Open(Json v) {
    Json* placed = Place(std::move(v));
    stack_.push_back(Frame{placed, {}, {}});
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  // Index of the batch element being built, or -1 outside "batch": [...].
  int64_t BatchIndex() const {
    if (stack_.size() < 3 || !stack_[0].value->is_object() || stack_[0].key != "batch" ||
        !stack_[1].value->is_array()) {
      return -1;
    }
    return static_cast<int64_t>(stack_[1].value->size()) - 1;
  }

  void NoteDuplicate(const std::string& k) {
    const int64_t index = BatchIndex();
    for (const DuplicateKey& d : duplicates_) {
      if (d.batch_index == index) return;  // the first one per element says enough
    }
    duplicates_.push_back({index, StrCat("duplicate key ", ShowKey(k))});
  }

  Json root_;
  std::vector<Frame> stack_;
  std::vector<DuplicateKey> duplicates_;
  size_t error_position_ = 0;
  size_t token_size_ = 0;
  bool number_error_ = false;
  bool time_field_error_ = false;
};

}  // namespace

void Dismantle(Json& value) noexcept {
  if (value.is_array()) {
    Json::array_t& items = value.get_ref<Json::array_t&>();
    for (Json& item : items) Dismantle(item);
    items.clear();  // only scalars and empty containers are left
  } else if (value.is_object()) {
    Json::object_t& members = value.get_ref<Json::object_t&>();
    for (auto& member : members) Dismantle(member.second);
    members.clear();
  }
}

PreScan ScanJson(std::string_view text, int max_depth) {
  PreScan out;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  size_t string_start = 0;   // first byte after the opening quote
  bool pending_key = false;  // a depth-1 string was just closed
  bool pending_batch = false;
  bool root_is_object = false;
  bool seen_container = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
        if (depth == 1 && root_is_object) {
          pending_key = true;
          pending_batch = text.substr(string_start, i - string_start) == "batch";
        }
      }
      continue;
    }
    if (IsSpace(c)) continue;
    // A string at depth 1 followed by ':' is a key of the top-level object.
    if (pending_key && c == ':' && pending_batch) out.has_batch_key = true;
    pending_key = false;
    if (c == '"') {
      in_string = true;
      string_start = i + 1;
    } else if (c == '[' || c == '{') {
      if (!seen_container) root_is_object = c == '{';
      seen_container = true;
      if (++depth > max_depth) {
        out.too_deep = true;
        out.bytes_scanned = i + 1;
        return out;
      }
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    }
  }
  out.bytes_scanned = text.size();
  return out;
}

absl::Status CheckJsonText(std::string_view where, std::string_view text,
                           size_t max_message, size_t max_batch, bool allow_batch) {
  const size_t limit = allow_batch ? max_batch : max_message;
  if (text.size() > limit) {
    return absl::InvalidArgumentError(StrCat(where, ": ", text.size(), " bytes > ", limit));
  }
  const PreScan scan = ScanJson(text, kMaxJsonDepth);
  if (scan.too_deep) return absl::InvalidArgumentError(StrCat(where, ": nesting too deep"));
  if (text.size() > max_message && !(allow_batch && scan.has_batch_key)) {
    return absl::InvalidArgumentError(
        StrCat(where, ": ", text.size(), " bytes > ", max_message));
  }
  return internal::CheckUtf8(where, text);
}

absl::StatusOr<ParsedJson> ParseJson(std::string_view where, std::string_view text) {
  Builder builder;
  bool ok = false;
  try {
    ok = Json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const std::bad_alloc&) {
    throw;  // out of memory is not bad JSON: the caller's guard reports it
  } catch (const std::exception&) {
    ok = false;  // a lexer exception the SAX interface did not route
  }
  if (!ok) {
    const size_t at = builder.error_position() > 0 ? builder.error_position() - 1 : 0;
    if (builder.time_field_error()) {
      return absl::InvalidArgumentError(StrCat(where, ": occurred_at: out of range"));
    }
    if (builder.number_error()) {  // where the number starts
      const size_t start = builder.error_position() >= builder.token_size()
                               ? builder.error_position() - builder.token_size()
                               : 0;
      return absl::InvalidArgumentError(StrCat(where, ": number out of range at byte ", start));
    }
    return absl::InvalidArgumentError(StrCat(where, ": invalid JSON at byte ", at));
  }
  ParsedJson out;
  out.value = JsonTree(std::move(builder.root()));
  out.duplicates = std::move(builder.duplicates());
  return out;
}

std::string ShowKey(std::string_view key) {
  const auto ident = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
  };
  if (key.empty() || key.size() > 64) return "(not shown)";
  for (size_t i = 0; i < key.size(); ++i) {
    if (!ident(key[i], i == 0)) return "(not shown)";
  }
  return std::string(key);
}

bool IsTimeField(std::string_view key) {
  return key == "timestamp" || key == "originalTimestamp" || key == "original_timestamp" ||
         key == "sentAt" || key == "sent_at" || key == "receivedAt" || key == "received_at";
}

}  // namespace omnictx::ingest
