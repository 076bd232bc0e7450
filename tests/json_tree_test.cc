// SPDX-License-Identifier: Apache-2.0
//
// The importer's JSON trees are emptied leaves first before they are
// destroyed (nlohmann::json's destructor allocates for a non-empty array or
// object; see Dismantle), and nothing in the importer copies a tree. The
// oom harness (tests/reliability/oom.cc) checks that no allocation failure
// ends the process; these tests pin down what the teardown and the
// copy-free code compute.
#include <string>
#include <utility>

#include "catch2/catch.hpp"
#include "ingest/digest.h"
#include "ingest/json_limits.h"
#include "ingest/segment.h"
#include "omnictx/ingest.h"

namespace omnictx::ingest {
namespace {

Json Parsed(const std::string& text) {
  absl::StatusOr<ParsedJson> parsed = ParseJson("test", text);
  REQUIRE(parsed.ok());
  return std::move(parsed->value.get());
}

TEST_CASE("Dismantle empties a tree and keeps each container's type", "[ingest][json]") {
  Json tree = Parsed(R"({"a": [1, {"b": [[], {"c": "d"}]}], "e": {"f": null}, "g": "h"})");
  Json array = Parsed(R"([[1, [2, [3]]], {"x": {"y": {}}}])");
  Json scalar = Parsed(R"("text")");
  Dismantle(tree);
  Dismantle(array);
  Dismantle(scalar);
  CHECK(tree.is_object());
  CHECK(tree.empty());
  CHECK(array.is_array());
  CHECK(array.empty());
  CHECK(scalar == "text");  // a scalar owns no children: left as it is
}

TEST_CASE("Dismantle handles the deepest tree the parser accepts", "[ingest][json]") {
  std::string text;
  for (int k = 0; k < kMaxJsonDepth; ++k) text += k % 2 == 0 ? "[" : "{\"k\":";
  text += "0";
  for (int k = kMaxJsonDepth - 1; k >= 0; --k) text += k % 2 == 0 ? "]" : "}";
  JsonTree tree(Parsed(text));
  CHECK(tree.get().is_array());
  Dismantle(tree.get());
  CHECK(tree.get().empty());
}

TEST_CASE("JsonTree moves its tree and leaves the source empty", "[ingest][json]") {
  JsonTree a(Parsed(R"({"k": [1, 2, 3]})"));
  JsonTree b(std::move(a));
  CHECK(b.get()["k"].size() == 3);
  CHECK(a.get().is_null());  // what a moved-from tree holds
  JsonTree c(Parsed(R"([{"old": true}])"));
  c = std::move(b);  // the old tree is dismantled, then replaced
  CHECK(c.get()["k"].size() == 3);
}

TEST_CASE("a message's dedup hash is that of its dump without delivery times",
          "[ingest][json]") {
  // The hash is part of the stored data (re-sent messages must match
  // ones stored by earlier releases): it is the SHA-256 of the message's
  // compact dump with sentAt, sent_at, receivedAt and received_at removed.
  for (const std::string text : {
           R"({"type": "track", "event": "Quote Sent", "userId": "u-1"})",
           R"({"type": "page", "sentAt": "2026-01-01T00:00:00Z", "receivedAt": "x",
               "properties": {"path": "/a", "z": [1, 2.5, null, {"b": "é\n"}]}})",
           R"({"sent_at": 1, "received_at": 2, "type": "track", "event": "e",
               "anonymousId": "ck-1", "ünïcode": "\u0001"})",
           R"({"sentAt": "only times"})",
       }) {
    const Json message = Parsed(text);
    Json edited = message;
    for (const char* key : {"sentAt", "sent_at", "receivedAt", "received_at"}) {
      edited.erase(key);
    }
    const std::string expected =
        "sha:" + Sha256Hex(edited.dump(-1, ' ', false, Json::error_handler_t::replace));
    absl::StatusOr<std::string> key = DedupKey(message);
    REQUIRE(key.ok());
    CHECK(*key == expected);
  }
}

}  // namespace
}  // namespace omnictx::ingest
