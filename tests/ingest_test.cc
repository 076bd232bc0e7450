// SPDX-License-Identifier: Apache-2.0
//
// Importing Segment-spec events: input limits (bad-inputs rows 15, 17,
// 24-28), times, the event mapping, identity stitching, strict mode,
// deduplication, and that no error or warning ever carries customer data.
#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "ingest/digest.h"
#include "ingest/json_limits.h"
#include "ingest/mapping.h"
#include "ingest/timestamps.h"
#include "test_util.h"

namespace omnictx {
namespace {

using testing::TempStore;

std::string ReadData(const std::string& name) {
  std::ifstream in(std::string(OMNICTX_SOURCE_DIR) + "/tests/data/ingest/" + name,
                   std::ios::binary);
  REQUIRE(in.good());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int64_t Count(const std::string& path, const std::string& table) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + table).c_str(), -1, &stmt, nullptr) ==
          SQLITE_OK);
  const int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close_v2(db);
  return n;
}

std::vector<std::string> Messages(const std::vector<ImportError>& errors) {
  std::vector<std::string> out;
  for (const ImportError& e : errors) out.push_back(e.message);
  return out;
}

ImportReport MustImport(Store& store, std::string_view lines, const ImportOptions& options = {}) {
  auto report = store.Import(lines, options);
  INFO(testing::StatusText(report.status()));
  REQUIRE(report.ok());
  return *std::move(report);
}

// The one error of importing `line` alone.
std::string ErrorOf(Store& store, std::string_view line) {
  ImportReport r = MustImport(store, line);
  INFO(line.substr(0, 200));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.refused == 1);
  CHECK(r.imported == 0);
  return r.errors[0].message;
}

std::string Id(Store& store, const Identity& id) {
  auto owner = store.Resolve(id);
  REQUIRE(owner.ok());
  REQUIRE(owner->has_value());
  return **owner;
}

std::vector<Interaction> TimelineOf(Store& store, const std::string& customer_id) {
  auto page = store.Timeline(customer_id, {.page_size = 1000});
  REQUIRE(page.ok());
  return page->interactions;
}

absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  REQUIRE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err));
  return t;
}

// A track message of `user` with `extra` fields (each starting with ',').
std::string Track(const std::string& extra, const std::string& user = "u-1",
                  const std::string& event = "Signed Up") {
  return R"({"type":"track","userId":")" + user + R"(","event":")" + event + "\"" + extra + "}";
}

// ---- Limits (bad-inputs rows 24-28) ----

TEST_CASE("The nesting pre-scan refuses 20,000 '[' after 33 bytes, before any parser",
          "[ingest]") {
  const std::string deep(20000, '[');
  // By construction: the scan stops at the first container past the limit.
  const ingest::PreScan scan = ingest::ScanJson(deep, kMaxJsonDepth);
  CHECK(scan.too_deep);
  CHECK(scan.bytes_scanned == kMaxJsonDepth + 1);
  TempStore store;
  CHECK(ErrorOf(store.store(), deep) == "line 1: nesting too deep");
  // Invalid JSON after the 33rd '[' is never reached: the pre-scan, not a
  // parser, answered.
  CHECK(ErrorOf(store.store(), std::string(33, '[') + "}}} not json") ==
        "line 1: nesting too deep");
  // 32 levels pass the pre-scan (and then are not a message), brackets
  // inside strings do not count, and the envelope's levels count.
  CHECK(ErrorOf(store.store(), std::string(32, '[') + std::string(32, ']')) ==
        "line 1: message: not a JSON object");
  const ingest::PreScan strings = ingest::ScanJson(R"({"a":"[[[[[[[[\"[[[["})", 2);
  CHECK_FALSE(strings.too_deep);
  CHECK(ingest::ScanJson(R"({"x":1, "batch" : []})", 32).has_batch_key);
  CHECK_FALSE(ingest::ScanJson(R"({"x":{"batch":[]}})", 32).has_batch_key);
  CHECK_FALSE(ingest::ScanJson(R"(["batch", 1])", 32).has_batch_key);
  CHECK_FALSE(ingest::ScanJson(R"({"x":"batch"})", 32).has_batch_key);
  CHECK(Count(store.path(), "customers") == 0);
  CHECK(MustImport(store.store(), Track(R"(,"properties":{"p":")" + std::string(100, '[') + "\"}"))
            .imported == 1);
}

TEST_CASE("Lines and batches over the size and count limits are refused, the rest goes in",
          "[ingest]") {
  TempStore store;
  SECTION("a 40123-byte message line (row 24)") {
    const std::string head = R"({"type":"track","userId":"u-1","event":"E","properties":{"p":")";
    const std::string line = head + std::string(40123 - head.size() - 3, 'p') + "\"}}";
    REQUIRE(line.size() == 40123);
    CHECK(ErrorOf(store.store(), line) == "line 1: 40123 bytes > 32768");
  }
  SECTION("a batch envelope may hold 500 KB, each of its messages 32 KB") {
    std::string batch = R"({"batch":[)";
    for (int i = 0; i < 4; ++i) {
      const std::string pad(i == 2 ? 33000 : 20000, 'p');
      batch += (i ? "," : "") + std::string(R"({"type":"track","userId":"u-)") +
               std::to_string(i) + R"(","event":"E","properties":{"pad":")" + pad + "\"}}";
    }
    batch += "]}";
    REQUIRE(batch.size() > kMaxMessageBytes);
    ImportReport r = MustImport(store.store(), "\n" + batch);
    CHECK(r.messages == 4);
    CHECK(r.imported == 3);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].message == "line 2: batch[2]: 33067 bytes > 32768");
    CHECK(r.errors[0].line == 2);
    CHECK(r.errors[0].index == 2);
  }
  SECTION("an envelope over 500 KB, or with 2,501 messages, writes nothing (row 28)") {
    const std::string big = R"({"batch":[{"type":"track","userId":"u","event":")" +
                            std::string(520000, 'e') + "\"}]}";
    CHECK(ErrorOf(store.store(), big) ==
          "line 1: " + std::to_string(big.size()) + " bytes > 512000");
    std::string many = R"({"batch":[)";
    for (int i = 0; i <= 2500; ++i) {
      many += (i ? "," : "") + std::string(R"({"type":"track","userId":"u)") +
              std::to_string(i) + R"(","event":"E"})";
    }
    many += "]}";
    ImportReport r = MustImport(store.store(), many);
    CHECK(r.messages == 2501);
    CHECK(r.refused == 2501);
    CHECK(Messages(r.errors) == std::vector<std::string>{"line 1: batch: 2501 messages > 2500"});
    CHECK(Count(store.path(), "customers") == 0);
    ASSIGN_OR_FAIL(ImportReport body, store->ImportBody(many, "batch"));
    CHECK(Messages(body.errors) == std::vector<std::string>{"body: batch: 2501 messages > 2500"});
  }
  SECTION("HTTP bodies: a message route allows 32 KB, a batch route needs a batch") {
    const std::string line = Track(R"(,"properties":{"pad":")" + std::string(33000, 'p') + "\"}");
    ASSIGN_OR_FAIL(ImportReport r, store->ImportBody(line, "track"));
    CHECK(Messages(r.errors) ==
          std::vector<std::string>{"body: " + std::to_string(line.size()) + " bytes > 32768"});
    CHECK(r.errors[0].line == 0);
    ASSIGN_OR_FAIL(r, store->ImportBody(Track(""), "batch"));
    CHECK(Messages(r.errors) == std::vector<std::string>{"body: batch: missing"});
    // A typed route sets the type; an empty route reads it, or the batch.
    ASSIGN_OR_FAIL(r, store->ImportBody(R"({"type":"page","userId":"u-7","event":"E"})", "track"));
    CHECK(r.imported == 1);
    CHECK(TimelineOf(store.store(), Id(store.store(), UserId("u-7")))[0].kind() == "e");
    ASSIGN_OR_FAIL(r, store->ImportBody(R"({"batch":[)" + Track("") + "]}", ""));
    CHECK(r.imported == 1);
    ASSIGN_OR_FAIL(r, store->ImportBody(R"({"batch":[)" + Track("") + "]}", "import"));
    CHECK(r.duplicates == 1);  // the same content again
    CHECK(store->ImportBody(Track(""), "fax").status() ==
          absl::InvalidArgumentError("route_type: unknown (allowed: batch, import, identify, "
                                     "track, page, screen, group, alias, or empty)"));
  }
}

TEST_CASE("Malformed JSON is refused with its line, byte and problem", "[ingest]") {
  TempStore store;
  // Row 26: a duplicate key is never silently last-wins.
  CHECK(ErrorOf(store.store(), R"({"type":"track","userId":"a","userId":"b","event":"E"})") ==
        "line 1: duplicate key userId");
  CHECK(ErrorOf(store.store(), Track(R"(,"properties":{"x@y.com":1,"x@y.com":2})")) ==
        "line 1: duplicate key (not shown)");
  ImportReport r = MustImport(
      store.store(),
      R"({"batch":[{"type":"track","userId":"u","event":"E"},{"type":"track","userId":"a","event":"E","event":"F"}]})");
  CHECK(r.imported == 1);
  CHECK(Messages(r.errors) == std::vector<std::string>{"line 1: batch[1]: duplicate key event"});
  CHECK(ErrorOf(store.store(), R"({"batch":[],"batch":[]})") == "line 1: duplicate key batch");
  CHECK(ErrorOf(store.store(), R"({"type":"track",)") == "line 1: invalid JSON at byte 16");
  CHECK(ErrorOf(store.store(), "\n\n  not json") == "line 3: invalid JSON at byte 3");
  // The lexer reads "tra" as the start of "true" and stops at the 'a'.
  CHECK(ErrorOf(store.store(), Track("} trailing")) == "line 1: invalid JSON at byte 54");
  // Row 15: invalid UTF-8 anywhere in the line.
  CHECK(ErrorOf(store.store(), Track(",\"properties\":{\"p\":\"\xC3\x28\"}")) ==
        "line 1: invalid UTF-8 at byte 70");
  // Row 17: numbers no double holds, in a time field and elsewhere.
  CHECK(ErrorOf(store.store(), Track(R"(,"timestamp":1e400)")) ==
        "line 1: occurred_at: out of range");
  CHECK(ErrorOf(store.store(), Track(R"(,"sentAt":NaN)")) == "line 1: occurred_at: out of range");
  CHECK(ErrorOf(store.store(), Track(R"(,"properties":{"n":-1e999})")) ==
        "line 1: number out of range at byte 69");
}

TEST_CASE("Semantic errors are refused with Segment's reasons (row 27)", "[ingest]") {
  TempStore store;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"type":"track","event":"E"})",
       "userId/anonymousId: missing (a message needs userId or anonymousId)"},
      {R"({"type":"track","userId":"","anonymousId":null,"event":"E"})",
       "userId/anonymousId: missing (a message needs userId or anonymousId)"},
      {R"({"type":"track","userId":"u"})", "event: missing (track needs an event name)"},
      {R"({"type":"track","userId":"u","event":42})", "event: is not a string"},
      {R"({"type":"track","userId":"u","event":" "})", "event: empty"},
      {R"({"type":"track","userId":"u","event":"E","properties":[1]})",
       "properties: is not an object"},
      {R"({"type":"identify","userId":"u","traits":"x"})", "traits: is not an object"},
      {R"({"type":"track","userId":"u","event":"E","context":7})", "context: is not an object"},
      {R"({"userId":"u","event":"E"})", "type: missing"},
      {R"({"type":"fax","userId":"u"})",
       "type: unknown (allowed: identify, track, page, screen, group, alias)"},
      {R"({"type":"alias","userId":"u"})", "previousId: missing (alias needs previousId and userId)"},
      {R"({"type":"alias","previousId":"p"})", "userId: missing (alias needs previousId and userId)"},
      {R"({"type":"group","userId":"u"})", "groupId: missing (group needs a groupId)"},
      {R"({"type":"identify","userId":true})", "userId: is not a string"},
      {R"({"type":"identify","userId":"null"})", "userId: blocked placeholder value"},
      {R"({"type":"identify","anonymousId":"a\u0000b"})", "anonymousId: control character"},
      {R"({"type":"page","userId":"u","messageId":"m\u0007"})", "messageId: control character"},
      {R"({"type":"page","userId":"u","messageId":{"id":1}})", "messageId: is not a string"},
      {"[]", "message: not a JSON object"},
  };
  for (const auto& [line, reason] : cases) {
    CHECK(ErrorOf(store.store(), line) == "line 1: " + reason);
  }
  CHECK(Count(store.path(), "customers") == 0);
}

// ---- Times (row 17) ----

TEST_CASE("Times: RFC 3339, its real-world relatives and epoch numbers", "[ingest]") {
  const std::vector<std::pair<std::string, absl::Time>> good = {
      {"2009-11-10T23:00:00Z", At("2009-11-10T23:00:00Z")},
      {"2020-04-17T20:25:31.381+05:30", At("2020-04-17T14:55:31.381Z")},
      {"2020-04-17T14:55:31.37Z", At("2020-04-17T14:55:31.37Z")},
      {"2019-09-01T15:46:51.693229+05:30", At("2019-09-01T10:16:51.693229Z")},
      {"2022-04-19 03:33:50 +00:00", At("2022-04-19T03:33:50Z")},
      {"2022-04-19T03:33:50+0000", At("2022-04-19T03:33:50Z")},
      {"2022-04-19T03:33:50-08", At("2022-04-19T11:33:50Z")},
      {"2022-04-19t03:33:50.123456789z", At("2022-04-19T03:33:50.123456789Z")},
      {"2022-04-19 03:33:50 UTC", At("2022-04-19T03:33:50Z")},
      {"2022-04-19T03:33:50", At("2022-04-19T03:33:50Z")},
      {"2022-04-19T03:33Z", At("2022-04-19T03:33:00Z")},
      {"2022-04-19T03:33:50,5Z", At("2022-04-19T03:33:50.5Z")},
      {"2016-12-31T23:59:60Z", At("2017-01-01T00:00:00Z")},
      {"2024-02-29T00:00:00Z", At("2024-02-29T00:00:00Z")},
      {"1585250199", At("2020-03-26T19:16:39Z")},
      {"1669285628.796693", At("2022-11-24T10:27:08.796693Z")},
      {"1585250199000", At("2020-03-26T19:16:39Z")},
      {"1585250199000.5", At("2020-03-26T19:16:39.0005Z")},
      {"-1", At("1969-12-31T23:59:59Z")},
  };
  for (const auto& [text, want] : good) {
    INFO(text);
    auto t = ingest::ParseTimeString("timestamp", text);
    REQUIRE_OK(t);
    CHECK(*t == want);
  }
  for (const std::string bad :
       {"abc", "", " 2022-04-19T03:33:50Z", "2022-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
        "2022-13-01T00:00:00Z", "2022-04-19T24:00:00Z", "2022-04-19", "2022-04-19T03:33:50+25:00",
        "2022-04-19T03:33:50.Z", "2022-04-19T03:33:50.1234567891Z", "2022-04-19T03:33:50 PST",
        "1585250199.", "12a", "0x10", "NaN", "Infinity", "2022-04-19T03:33:50Zjunk"}) {
    INFO(bad);
    CHECK(ingest::ParseTimeString("originalTimestamp", bad).status() ==
          absl::InvalidArgumentError("originalTimestamp: not a valid time"));
  }
  using ingest::Json;
  CHECK(*ingest::ParseTime("t", Json(1585250199)) == At("2020-03-26T19:16:39Z"));
  CHECK(*ingest::ParseTime("t", Json(1585250199123)) == At("2020-03-26T19:16:39.123Z"));
  CHECK(*ingest::ParseTime("t", Json(1669285628.796693)) == At("2022-11-24T10:27:08.796693Z"));
  CHECK(*ingest::ParseTime("t", Json(uint64_t{18446744073709551615u})) == absl::InfiniteFuture());
  CHECK(*ingest::ParseTime("t", Json(-5)) == At("1969-12-31T23:59:55Z"));
  CHECK(ingest::ParseTime("t", Json(true)).status() ==
        absl::InvalidArgumentError("t: not a valid time"));
  CHECK(ingest::ParseTime("t", Json::object()).status() ==
        absl::InvalidArgumentError("t: not a valid time"));
}

TEST_CASE("Times: the event time's precedence and its range", "[ingest]") {
  TempStore store;
  const absl::Time now = store.clock().Now();
  const auto recorded = [&](const std::string& external_id) {
    for (const Interaction& i : TimelineOf(store.store(), Id(store.store(), UserId("u-1")))) {
      if (i.external_id() == external_id) return FromProtoTime(i.occurred_at());
    }
    FAIL("not recorded");
    return absl::Time();
  };
  int n = 0;
  const auto time_of = [&](const std::string& fields) {
    const std::string id = "t-" + std::to_string(++n);
    REQUIRE(MustImport(store.store(), Track(",\"messageId\":\"" + id + "\"" + fields)).imported == 1);
    return recorded(id);
  };
  CHECK(time_of(R"(,"timestamp":"2026-03-01T01:00:00Z","originalTimestamp":"2026-03-01T02:00:00Z")") ==
        At("2026-03-01T01:00:00Z"));
  CHECK(time_of(R"(,"original_timestamp":"2026-03-01T02:00:00Z","receivedAt":"2026-03-01T03:00:00Z")") ==
        At("2026-03-01T02:00:00Z"));
  CHECK(time_of(R"(,"sentAt":"2026-03-01T04:00:00Z","receivedAt":"2026-03-01T03:00:00Z")") ==
        At("2026-03-01T03:00:00Z"));
  CHECK(time_of(R"(,"sent_at":1772326800)") == At("2026-03-01T01:00:00Z"));
  CHECK(time_of(",\"x\":1") == now);
  CHECK(time_of(R"(,"timestamp":"2026-03-03T08:59:59Z")") == now + absl::Hours(24) - absl::Seconds(1));
  ImportReport batch = MustImport(
      store.store(),
      R"({"batch":[{"type":"track","userId":"u-1","event":"B","messageId":"b"}],"sentAt":"2026-03-01T05:00:00Z"})");
  CHECK(batch.imported == 1);
  CHECK(recorded("b") == At("2026-03-01T05:00:00Z"));
  // Row 17: more than 24 h ahead, before 1970; a malformed field refuses
  // even when another field would have been used.
  CHECK(ErrorOf(store.store(), Track(R"(,"timestamp":"2026-03-03T09:00:01Z")")) ==
        "line 1: occurred_at: out of range");
  CHECK(ErrorOf(store.store(), Track(R"(,"timestamp":"1969-12-31T23:59:59Z")")) ==
        "line 1: occurred_at: out of range");
  CHECK(ErrorOf(store.store(), Track(R"(,"timestamp":-1)")) == "line 1: occurred_at: out of range");
  CHECK(ErrorOf(store.store(), Track(R"(,"timestamp":"2026-03-01T01:00:00Z","sentAt":"abc")")) ==
        "line 1: sentAt: not a valid time");
  CHECK(ErrorOf(store.store(), R"({"batch":[{"type":"track","userId":"u","event":"E"}],"sentAt":"x"})") ==
        "line 1: batch[0]: batch.sentAt: not a valid time");
}

// ---- Mapping ----

TEST_CASE("Mapping: documented defaults for standard events, names and channels", "[ingest]") {
  const ingest::Json none;
  const auto rule = [&](const std::string& event) {
    std::optional<ingest::EventRule> r = ingest::DefaultRule(event, none);
    INFO(event);
    REQUIRE(r.has_value());
    return *r;
  };
  struct Want { std::string event; v1::ChannelKind channel; std::string kind; v1::Direction dir; };
  for (const Want& w : std::vector<Want>{
           {"Email Sent", v1::CHANNEL_KIND_EMAIL, "email_sent", v1::DIRECTION_OUTBOUND},
           {"Email Delivered", v1::CHANNEL_KIND_EMAIL, "email_delivered", v1::DIRECTION_OUTBOUND},
           {"Email Bounced", v1::CHANNEL_KIND_EMAIL, "email_bounced", v1::DIRECTION_OUTBOUND},
           {"Email Opened", v1::CHANNEL_KIND_EMAIL, "email_opened", v1::DIRECTION_INBOUND},
           {"email_link_clicked", v1::CHANNEL_KIND_EMAIL, "email_clicked", v1::DIRECTION_INBOUND},
           {"Email Marked as Spam", v1::CHANNEL_KIND_EMAIL, "email_spam", v1::DIRECTION_INBOUND},
           {"Unsubscribed", v1::CHANNEL_KIND_EMAIL, "email_unsubscribed", v1::DIRECTION_INBOUND},
           {"SMS Sent", v1::CHANNEL_KIND_SMS, "sms_sent", v1::DIRECTION_OUTBOUND},
           {"SMS Received", v1::CHANNEL_KIND_SMS, "sms_received", v1::DIRECTION_INBOUND},
           {"Push Notification Received", v1::CHANNEL_KIND_MOBILE_APP, "push_received",
            v1::DIRECTION_OUTBOUND},
           {"Push Notification Tapped", v1::CHANNEL_KIND_MOBILE_APP, "push_opened",
            v1::DIRECTION_INBOUND},
           {"Live Chat Conversation Started", v1::CHANNEL_KIND_CHAT, "chat_started",
            v1::DIRECTION_INBOUND},
           {"Live Chat Conversation Ended", v1::CHANNEL_KIND_CHAT, "chat_ended",
            v1::DIRECTION_INBOUND},
           {"Live Chat Message Sent", v1::CHANNEL_KIND_CHAT, "chat_message_sent",
            v1::DIRECTION_INBOUND},
           {"Live Chat Message Received", v1::CHANNEL_KIND_CHAT, "chat_message_received",
            v1::DIRECTION_OUTBOUND},
           {"Email Drafted", v1::CHANNEL_KIND_EMAIL, "email_drafted", v1::DIRECTION_UNSPECIFIED},
           {"webPushSend", v1::CHANNEL_KIND_WEB, "web_push_send", v1::DIRECTION_UNSPECIFIED},
           {"Webhook Message Sent", v1::CHANNEL_KIND_OTHER, "webhook_message_sent",
            v1::DIRECTION_UNSPECIFIED}}) {
    const ingest::EventRule r = rule(w.event);
    CHECK(r.channel == w.channel);
    CHECK(r.kind == w.kind);
    CHECK(r.direction == w.dir);
    CHECK(r.touchpoint.empty());
  }
  CHECK(rule("WhatsApp Message Sent").provider == "whatsapp");
  CHECK(ingest::DefaultRule("Email Opened", ingest::Json{{"campaign_name", "Renewal notice"}})
            ->touchpoint == "email.renewal_notice");
  CHECK_FALSE(ingest::DefaultRule("Order Completed", none).has_value());

  ASSIGN_OR_FAIL(ingest::EventMapping mapping, ingest::EventMapping::Parse(""));
  ingest::EventRule plain = mapping.ForTrack("Order Completed", none, std::nullopt);
  CHECK(plain.channel == v1::CHANNEL_KIND_WEB);
  CHECK(plain.kind == "order_completed");
  CHECK(plain.direction == v1::DIRECTION_INBOUND);
  CHECK(mapping.ForTrack("X", none, ingest::ParseChannelValue("Mobile")).channel ==
        v1::CHANNEL_KIND_MOBILE_APP);
  CHECK(ingest::ParseChannelValue("server") == v1::CHANNEL_KIND_OTHER);
  CHECK(ingest::ParseChannelValue("ivr") == v1::CHANNEL_KIND_IVR);
  CHECK_FALSE(ingest::ParseChannelValue("fax").has_value());

  CHECK(ingest::Slug("emailSendSkip") == "email_send_skip");
  CHECK(ingest::Slug("  SMS -- Sent! ") == "sms_sent");
  CHECK(ingest::Slug("注文") == ingest::Sha256Hex("注文").substr(0, 8));
  CHECK(ingest::PathSlug("/loans/upload-documents/") == "loans.upload_documents");
  CHECK(ingest::PathSlug("/") == "root");
  const std::string long_a = ingest::MakeKey("web", std::string(80, 'a'));
  const std::string long_b = ingest::MakeKey("web", std::string(81, 'a'));
  CHECK(long_a.size() == 64);
  CHECK(long_a.starts_with("web.aaaa"));
  CHECK(long_a != long_b);
  CHECK(long_a == "web." + std::string(51, 'a') + "-" +
                      ingest::Sha256Hex("web." + std::string(80, 'a')).substr(0, 8));
  CHECK(ingest::ExternalIdKind("crm_id") == v1::IDENTITY_KIND_CRM_ID);
  CHECK(ingest::ExternalIdKind("Account-Number") == v1::IDENTITY_KIND_ACCOUNT);
  CHECK(ingest::ExternalIdKind("idfa") == v1::IDENTITY_KIND_DEVICE);
  CHECK_FALSE(ingest::ExternalIdKind("mailjetContactId").has_value());
}

TEST_CASE("Mapping: a user mapping overrides the defaults, and bad ones are refused",
          "[ingest]") {
  TempStore store;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"[1]", "mapping: not a JSON object"},
      {R"({"A": 1})", "mapping: \"A\": not a JSON object"},
      {R"({"A": {"chanel": "web"}})", "mapping: \"A\": unknown field chanel"},
      {R"({"A": {"channel": "fax"}})", "mapping: \"A\".channel: unknown channel"},
      {R"({"A": {"direction": "up"}})",
       "mapping: \"A\".direction: unknown (allowed: inbound, outbound, internal)"},
      {R"({"A": {"kind": "no spaces"}})",
       "mapping: \"A\".kind: bad key (allowed: letters, digits, _ . : -)"},
      {R"({"A": {"kind": 3}})", "mapping: \"A\".kind: not a string"},
      {R"({"A": {}, "A": {}})", "mapping: duplicate key A"},
      {R"({"A B": {}, "A B": {}})", "mapping: duplicate key (not shown)"},
      {R"({"A": )", "mapping: invalid JSON at byte 6"},
  };
  for (const auto& [json, message] : bad) {
    CHECK(store->Import(Track(""), {.mapping_json = json}).status() ==
          absl::InvalidArgumentError(message));
  }
  CHECK(store->Import(Track(""), {.actor = ""}).status() ==
        absl::InvalidArgumentError("actor: empty"));
  CHECK(Count(store.path(), "customers") == 0);

  // journey_step advances a journey; case_property attaches to a case.
  REQUIRE_OK(store->Import(R"({"type":"identify","userId":"u-1"})"));
  const std::string c = Id(store.store(), UserId("u-1"));
  REQUIRE_OK(store->DefineJourney(testing::ParseTextProto<Journey>(R"pb(
    key: "renewal" name: "Renewal"
    steps { key: "sent" name: "Sent" next: "read" }
    steps { key: "read" name: "Read" next: "done" }
    steps { key: "done" name: "Done" outcome: STEP_OUTCOME_SUCCESS })pb")));
  ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney(c, "renewal"));
  ASSIGN_OR_FAIL(Case kase, store->OpenCase(testing::ParseTextProto<Case>(
                                "customer_id: '" + c + "' subject: 'Renewal question'")));
  const ImportOptions options = {.mapping_json = R"({
      "Renewal Read": {"channel": "email", "touchpoint": "email.renewal", "kind": "renewal_read",
                       "direction": "inbound", "journey_step": "read"},
      "Email Opened": {"case_property": "case_id", "provider": "Mailjet"}})"};
  ImportReport r = MustImport(
      store.store(),
      R"({"type":"track","userId":"u-1","event":"Renewal Read","messageId":"r-1"})"
      "\n" R"({"type":"track","userId":"u-1","event":"Email Opened","messageId":"r-2","properties":{"case_id":")" +
          std::to_string(kase.id()) + "\"}}\n" +
          R"({"type":"track","userId":"u-1","event":"Email Opened","messageId":"r-3","properties":{"case_id":999}})"
          "\n" R"({"type":"track","userId":"u-1","event":"Email Opened","messageId":"r-4","properties":{"case_id":"x"}})",
      options);
  CHECK(r.imported == 2);
  CHECK(Messages(r.errors) == std::vector<std::string>{"line 3: case_id: no such case 999",
                                                      "line 4: properties.case_id: not a case id"});
  CHECK(r.errors[0].code == absl::StatusCode::kNotFound);
  ASSIGN_OR_FAIL(JourneyInstance moved, store->GetJourneyInstance(inst.id()));
  CHECK(moved.current_step() == "read");
  const auto timeline = TimelineOf(store.store(), c);
  REQUIRE(timeline.size() == 2);
  const Interaction& read = timeline[0].external_id() == "r-1" ? timeline[0] : timeline[1];
  const Interaction& opened = timeline[0].external_id() == "r-2" ? timeline[0] : timeline[1];
  CHECK(read.channel().kind() == v1::CHANNEL_KIND_EMAIL);
  CHECK(read.touchpoint() == "email.renewal");
  CHECK(read.kind() == "renewal_read");
  CHECK(read.journey_instance_id() == inst.id());
  CHECK(opened.case_id() == kase.id());
  CHECK(opened.kind() == "email_opened");  // the default's, kept
  CHECK(opened.channel().provider() == "mailjet");
}

// ---- Identities ----

TEST_CASE("An anonymous visitor who identifies keeps their history under one customer",
          "[ingest]") {
  TempStore store;
  ImportReport r = MustImport(store.store(), ReadData("web_visitor_identifies.jsonl"));
  CHECK(r.imported == 5);
  CHECK(r.stitched == 0);  // the new identities joined the visitor: nothing to merge
  CHECK(r.warnings.empty());
  const std::string c = Id(store.store(), Cookie("ck-3f9a"));
  CHECK(Id(store.store(), UserId("u-camille")) == c);
  CHECK(Id(store.store(), Email("camille.martin@example.com")) == c);
  CHECK(Id(store.store(), Phone("+33 6 12 34 56 78")) == c);
  CHECK(Id(store.store(), CrmId("CRM-0042")) == c);
  ASSIGN_OR_FAIL(Customer customer, store->GetCustomer(c));
  CHECK(customer.display_name() == "Camille Martin");
  CHECK(customer.identities_size() == 5);  // the mailjetContactId is not an identity
  const auto timeline = TimelineOf(store.store(), c);
  REQUIRE(timeline.size() == 4);
  CHECK(timeline[0].kind() == "email_opened");
  CHECK(timeline[0].touchpoint() == "email.renewal_notice");
  CHECK(FindAttribute(timeline[0].attributes(), "properties.email_subject") == "Your renewal");
  CHECK(FromProtoTime(timeline[0].occurred_at()) == At("2026-03-01T10:11:40Z"));
  CHECK(timeline[1].kind() == "document_uploaded");
  CHECK(timeline[2].touchpoint() == "web.loans.upload_documents");
  CHECK(FromProtoTime(timeline[2].occurred_at()) == At("2026-03-01T10:05:00.25Z"));
  CHECK(timeline[3].touchpoint() == "web.home_loan_simulator");
  CHECK(timeline[3].summary() == "Simulate your loan");
  CHECK(FindAttribute(timeline[3].attributes(), "page.title") == "Simulate your loan");

  SECTION("a second browser's anonymous history merges in when the user shows up") {
    store.clock().Advance(absl::Hours(1));
    REQUIRE(MustImport(store.store(), R"({"type":"page","anonymousId":"ck-77","name":"Pricing"})")
                .imported == 1);
    const std::string anon = Id(store.store(), Cookie("ck-77"));
    CHECK(anon != c);
    ImportReport s = MustImport(
        store.store(),
        R"({"type":"track","userId":"u-camille","anonymousId":"ck-77","event":"Quote Requested"})",
        {.actor = "segment-import"});
    CHECK(s.stitched == 1);
    CHECK(Id(store.store(), Cookie("ck-77")) == c);
    CHECK(TimelineOf(store.store(), c).size() == 6);
    ASSIGN_OR_FAIL(auto merges, store->ListMerges(c));
    REQUIRE(merges.size() == 1);
    CHECK(merges[0].absorbed_id() == anon);
    CHECK(merges[0].actor() == "segment-import");
  }
  SECTION("two known customers are never merged by an event") {
    REQUIRE_OK(store->Import(R"({"type":"identify","userId":"u-other","traits":{"email":"o@example.com"}})"));
    ImportReport s = MustImport(
        store.store(),
        R"({"type":"identify","userId":"u-camille","traits":{"email":"o@example.com"}})");
    CHECK(s.imported == 1);
    CHECK(s.stitched == 0);
    CHECK(Messages(s.warnings) ==
          std::vector<std::string>{"line 1: traits.email: linked to another customer; known "
                                   "customers are not merged by events"});
    CHECK(Id(store.store(), Email("o@example.com")) == Id(store.store(), UserId("u-other")));
  }
  SECTION("a shared browser: a new user id gets its own customer, the cookie stays") {
    ImportReport s = MustImport(
        store.store(), R"({"type":"track","userId":"u-lou","anonymousId":"ck-3f9a","event":"Login"})");
    CHECK(s.imported == 1);
    const std::string lou = Id(store.store(), UserId("u-lou"));
    CHECK(lou != c);
    CHECK(Id(store.store(), Cookie("ck-3f9a")) == c);
    CHECK(TimelineOf(store.store(), lou).size() == 1);
    CHECK(Messages(s.warnings) ==
          std::vector<std::string>{"line 1: anonymousId: linked to another customer; known "
                                   "customers are not merged by events"});
  }
}

TEST_CASE("alias stitches previousId to userId through the merge guards", "[ingest]") {
  TempStore store;
  REQUIRE_OK(store->Import(R"({"type":"page","anonymousId":"anon-1","name":"Home"})"));
  const std::string anon = Id(store.store(), Cookie("anon-1"));
  ImportReport r = MustImport(store.store(), R"({"type":"alias","previousId":"anon-1","userId":"u-9"})");
  CHECK(r.imported == 1);
  CHECK(Id(store.store(), UserId("u-9")) == anon);  // the user id joined the visitor
  REQUIRE_OK(store->Import(R"({"type":"identify","userId":"u-10"})"));
  const std::string ten = Id(store.store(), UserId("u-10"));
  // Both sides hold a user id: the kind_limit guard refuses the merge, and
  // with it the alias.
  r = MustImport(store.store(), R"({"type":"alias","previousId":"u-9","userId":"u-10"})");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message ==
        "line 1: guard kind_limit: more than 1 user_id identities for one customer");
  CHECK(r.errors[0].code == absl::StatusCode::kFailedPrecondition);
  CHECK(Id(store.store(), UserId("u-10")) == ten);
  // Neither known: one new customer holds both.
  r = MustImport(store.store(), R"({"type":"alias","previousId":"anon-5","userId":"u-5"})");
  CHECK(r.imported == 1);
  CHECK(Id(store.store(), Cookie("anon-5")) == Id(store.store(), UserId("u-5")));
  // Anonymous previous customer, known user: merged into the known one.
  REQUIRE_OK(store->Import(R"({"type":"page","anonymousId":"anon-6","name":"Home"})"));
  r = MustImport(store.store(), R"({"type":"alias","previousId":"anon-6","userId":"u-10"})");
  CHECK(r.stitched == 1);
  CHECK(Id(store.store(), Cookie("anon-6")) == ten);
  CHECK(TimelineOf(store.store(), ten).size() == 1);
}

TEST_CASE("Erased customers and create_customers=false refuse instead of creating", "[ingest]") {
  TempStore store;
  testing::MakeCustomer(store.store(), "c-gone", "Gone");
  REQUIRE_OK(store->LinkIdentity("c-gone", UserId("u-gone")));
  REQUIRE_OK(store->Erase("c-gone", "dpo"));
  const int64_t before = Count(store.path(), "customers");
  ImportReport r = MustImport(store.store(), Track("", "u-gone"));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message ==
        "line 1: userId: belongs to an erased customer (LinkOptions.allow_erased re-creates)");
  CHECK(r.errors[0].code == absl::StatusCode::kFailedPrecondition);
  CHECK(Count(store.path(), "customers") == before);
  r = MustImport(store.store(), Track(""), {.create_customers = false});
  CHECK(Messages(r.errors) == std::vector<std::string>{
                                  "line 1: userId: no such customer "
                                  "(ImportOptions.create_customers is false)"});
  CHECK(r.errors[0].code == absl::StatusCode::kNotFound);
  CHECK(Count(store.path(), "customers") == before);
  Options read_only = store.options();
  read_only.read_only = true;
  ASSIGN_OR_FAIL(auto reader, Store::Open(store.path(), read_only));
  CHECK(reader->Import(Track("")).status() ==
        absl::FailedPreconditionError("store: opened read-only"));
}

// ---- Strict mode and deduplication ----

TEST_CASE("Non-strict imports what it can; strict writes nothing on any refusal (row 28)",
          "[ingest]") {
  const std::string input = ReadData("mixed.jsonl");
  SECTION("non-strict") {
    TempStore store;
    ImportReport r = MustImport(store.store(), input);
    CHECK(r.messages == 6);
    CHECK(r.imported == 4);
    CHECK(r.refused == 2);
    CHECK_FALSE(r.rolled_back);
    CHECK(Messages(r.errors) ==
          std::vector<std::string>{
              "line 3: batch[1]: userId/anonymousId: missing (a message needs userId or anonymousId)",
              "line 5: invalid JSON at byte 1"});
    CHECK(r.errors[0].line == 3);
    CHECK(r.errors[0].index == 1);
    CHECK(r.errors[1].index == -1);
    const auto two = TimelineOf(store.store(), Id(store.store(), UserId("u-2")));
    REQUIRE(two.size() == 2);
    CHECK(FromProtoTime(two[0].occurred_at()) == At("2026-03-01T09:30:00Z"));  // batch sentAt
    ASSIGN_OR_FAIL(Customer lou, store->GetCustomer(Id(store.store(), UserId("u-3"))));
    CHECK(lou.display_name() == "Lou Durand");
  }
  SECTION("strict: refusals found while reading") {
    TempStore store;
    ImportReport r = MustImport(store.store(), input, {.strict = true});
    CHECK(r.rolled_back);
    CHECK(r.imported == 0);
    CHECK(r.refused == 2);
    CHECK(r.errors.size() == 2);
    CHECK(Count(store.path(), "customers") == 0);
    CHECK(Count(store.path(), "interactions") == 0);
  }
  SECTION("strict: a refusal found while writing undoes the messages before it") {
    TempStore store;
    testing::MakeCustomer(store.store(), "c-gone", "Gone");
    REQUIRE_OK(store->LinkIdentity("c-gone", UserId("u-gone")));
    REQUIRE_OK(store->Erase("c-gone", "dpo"));
    const int64_t customers = Count(store.path(), "customers");
    const std::string lines = Track(R"(,"messageId":"ok-1")") + "\n" +
                              Track(R"(,"messageId":"ok-1")") + "\n" +
                              Track("", "u-gone");
    ImportReport r = MustImport(store.store(), lines, {.strict = true});
    CHECK(r.rolled_back);
    CHECK(r.imported == 0);
    CHECK(r.duplicates == 0);
    CHECK(Messages(r.errors) == std::vector<std::string>{
                                    "line 3: userId: belongs to an erased customer "
                                    "(LinkOptions.allow_erased re-creates)"});
    CHECK(Count(store.path(), "customers") == customers);
    CHECK(Count(store.path(), "interactions") == 0);
    // Without the bad line, strict imports all, duplicates seen inside the
    // one transaction.
    r = MustImport(store.store(), lines.substr(0, lines.rfind('\n')), {.strict = true});
    CHECK_FALSE(r.rolled_back);
    CHECK(r.imported == 1);
    CHECK(r.duplicates == 1);
  }
}

TEST_CASE("Deduplication on messageId, its hash, or the message's content hash", "[ingest]") {
  TempStore store;
  ImportReport r = MustImport(store.store(), Track(R"(,"messageId":"d-1")") + "\n" +
                                                 Track(R"(,"messageId":"d-1","properties":{"v":2})"));
  CHECK(r.imported == 1);
  CHECK(r.duplicates == 1);
  // Segment deduplicates on messageId alone: another customer's message
  // with a used id is a duplicate too, and creates nobody.
  r = MustImport(store.store(), R"({"type":"track","userId":"u-2","event":"E","messageId":"d-1"})");
  CHECK(r.duplicates == 1);
  ASSIGN_OR_FAIL(auto nobody, store->Resolve(UserId("u-2")));
  CHECK_FALSE(nobody.has_value());
  // Over 100 bytes: stored as its SHA-256.
  const std::string long_id(150, 'x');
  REQUIRE(MustImport(store.store(), Track(R"(,"message_id":")" + long_id + "\"")).imported == 1);
  // Without one: the content hash, blind to sentAt and receivedAt.
  const std::string body =
      R"({"type":"track","userId":"u-h","event":"Signed Up","properties":{"seats":3,"plan":"pro"})";
  r = MustImport(store.store(), body + R"(,"sentAt":"2026-03-01T00:00:00Z"})" + "\n" + body +
                                    R"(,"receivedAt":"2026-03-01T00:00:01Z"})");
  CHECK(r.imported == 1);
  CHECK(r.duplicates == 1);
  const auto hashed = TimelineOf(store.store(), Id(store.store(), UserId("u-h")));
  REQUIRE(hashed.size() == 1);
  CHECK(hashed[0].external_id() ==
        "sha:5155bb39e60a2ae2c26c4c8e9aaf90b9f508b2d982ff6c220929c04db8675d0f");
  const auto mine = TimelineOf(store.store(), Id(store.store(), UserId("u-1")));
  REQUIRE(mine.size() == 2);
  CHECK(mine[0].external_id() ==
        "msg:a09244d54a7ed6e9f75c3f431270b7467ffbd133f4f9950931d0aa80ce4667e6");
  CHECK(!FindAttribute(mine[1].attributes(), "properties.v"));  // the first one stayed
  // A whole file again: interactions are duplicates, identify is reapplied.
  const std::string file = ReadData("web_visitor_identifies.jsonl");
  REQUIRE(MustImport(store.store(), file).imported == 5);
  r = MustImport(store.store(), file);
  CHECK(r.imported == 1);
  CHECK(r.duplicates == 4);
}

// ---- No customer data in any message ----

TEST_CASE("Canary: no error or warning message carries a value from the input", "[ingest]") {
  TempStore store;
  REQUIRE_OK(store->Import(R"({"type":"identify","userId":"k-1","traits":{"email":"k1@example.com"}})"));
  REQUIRE_OK(store->Import(R"({"type":"identify","userId":"k-2"})"));
  const std::string c = "CANARY-7x9";  // appears in every bad value below
  const std::string lines[] = {
      R"({"type":"identify","userId":")" + c + R"(\n"})",
      Track(R"(,"timestamp":")" + c + "\""),
      Track(R"(,"originalTimestamp":")" + c + " 2026-03-01\""),
      R"({"type":"identify","userId":"k-2","traits":{"email":")" + c + R"(","phone":")" + c +
          R"(","name":")" + c + std::string(300, 'n') + "\"}}",
      R"({"type":"identify","userId":"k-2","traits":{"email":"k1@example.com"}})",
      Track(R"(,"properties":{")" + c + R"(@x.com":1,")" + c + R"(@x.com":2})"),
      R"({"type":"track","userId":")" + c + R"(",)",
      R"({"type":")" + c + R"(","userId":"u"})",
      Track("", "u-1", std::string(300, 'e') + c),
      Track(R"(,"pad":")" + c + std::string(40000, 'p') + "\""),
      Track(R"(,"p":")" + c + "\xff\""),
      R"({"type":"identify","userId":"k-2","context":{"externalId":[{"type":"email","id":")" + c +
          R"("},{"type":"phone"}]}})",
      Track(R"(,"messageId":")" + c + R"(\u0001")"),
      R"({"type":"alias","previousId":"k-1","userId":"k-2"})",
      R"({"type":"group","userId":"u","groupId":")" + c + std::string(1100, 'g') + "\"}",
      Track(R"(,"properties":{")" + c + R"(":1e999})"),
      Track(R"(,"properties":{"case_id":")" + c + "\"}"),
      Track(R"(,"timestamp":1e999,"x":")" + c + "\""),
      R"({"type":"identify","anonymousId":")" + c + std::string(300, 'a') + "\"}",
      R"({"type":"identify","userId":")" + c + R"(\q"})",
  };
  std::string input;
  for (const std::string& l : lines) input += l + "\n";
  ImportReport r = MustImport(
      store.store(), input, {.mapping_json = R"({"Signed Up": {"case_property": "case_id"}})"});
  CHECK(r.refused == 17);
  CHECK(r.warnings.size() == 6);
  std::vector<ImportError> all = r.errors;
  all.insert(all.end(), r.warnings.begin(), r.warnings.end());
  for (const ImportError& e : all) {
    INFO(e.message);
    CHECK(e.message.find("CANARY") == std::string::npos);
    CHECK(e.message.find("7x9") == std::string::npos);
    CHECK(e.message.find("k1@example.com") == std::string::npos);
    CHECK(e.message.starts_with("line " + std::to_string(e.line) + ": "));
  }
  ASSIGN_OR_FAIL(ImportReport body, store->ImportBody(R"({"userId":")" + c + "\"}", "track"));
  CHECK(Messages(body.errors) ==
        std::vector<std::string>{"body: event: missing (track needs an event name)"});
}

}  // namespace
}  // namespace omnictx
