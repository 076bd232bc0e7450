// SPDX-License-Identifier: Apache-2.0
//
// Import conformance over the external corpus: real payloads of Segment's
// Go SDK, RudderStack's transformer test data, Apache Unomi and Amazon
// Connect (see the corpus MANIFEST.md). Every file is accounted for: small
// adapters below extract the Segment-spec messages each wrapping holds,
// Import/ImportBody take them, and the tests assert what went in, what was
// refused and why, what was a duplicate, and the resulting timelines.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace omnictx {
namespace {

using Json = nlohmann::json;
using testing::TempStore;

// The corpus sits beside the source tree unless the build (CMake's
// OMNICTX_FIXTURES_DIR) or the environment variable of the same name says
// otherwise. Missing, the suite fails: it never passes on nothing.
std::filesystem::path CorpusDir() {
  const char* env = std::getenv("OMNICTX_FIXTURES_DIR");
  const std::filesystem::path dir = env != nullptr && *env != '\0' ? env : OMNICTX_FIXTURES_DIR;
  if (!std::filesystem::is_directory(dir / "analytics-go")) {
    FAIL("the external event corpus is missing at " << dir.string()
         << " (expected <source>/../shared/fixtures/external with MANIFEST.md; "
            "configure -DOMNICTX_FIXTURES_DIR=<dir> or set that environment variable)");
  }
  return dir;
}

std::string ReadCorpus(const std::string& relative) {
  const std::filesystem::path path = CorpusDir() / relative;
  std::ifstream in(path, std::ios::binary);
  INFO(path.string());
  REQUIRE(in.good());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Json ParseCorpus(const std::string& relative) { return Json::parse(ReadCorpus(relative)); }

std::string ToLines(const std::vector<Json>& messages) {
  std::string out;
  for (const Json& m : messages) out += m.dump() + "\n";
  return out;
}

std::string Id(Store& store, const Identity& id) {
  auto owner = store.Resolve(id);
  INFO(testing::StatusText(owner.status()));
  REQUIRE(owner.ok());
  REQUIRE(owner->has_value());
  return **owner;
}

std::vector<Interaction> TimelineOf(Store& store, const std::string& customer_id) {
  auto page = store.Timeline(customer_id, {.page_size = 1000});
  INFO(testing::StatusText(page.status()));
  REQUIRE(page.ok());
  return page->interactions;
}

std::map<v1::ChannelKind, int> CountByChannel(const std::vector<Interaction>& timeline) {
  std::map<v1::ChannelKind, int> out;
  for (const Interaction& i : timeline) ++out[i.channel().kind()];
  return out;
}

const Interaction* FindKind(const std::vector<Interaction>& timeline, const std::string& kind) {
  for (const Interaction& i : timeline) {
    if (i.kind() == kind) return &i;
  }
  return nullptr;
}

std::vector<std::string> Messages(const std::vector<ImportError>& errors) {
  std::vector<std::string> out;
  for (const ImportError& e : errors) out.push_back(e.message);
  return out;
}

absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  REQUIRE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err));
  return t;
}

absl::Time OccurredAt(const Interaction& i) { return FromProtoTime(i.occurred_at()); }

// The files each test below takes care of. A file added to the corpus and
// not listed here fails the first test until it is given an adapter.
const std::set<std::string>& HandledFiles() {
  static const std::set<std::string> kFiles = {
      "analytics-go/test-context-track.json", "analytics-go/test-enqueue-alias.json",
      "analytics-go/test-enqueue-group.json", "analytics-go/test-enqueue-identify.json",
      "analytics-go/test-enqueue-page.json", "analytics-go/test-enqueue-screen.json",
      "analytics-go/test-enqueue-track.json", "analytics-go/test-integrations-track.json",
      "analytics-go/test-interval-track.json", "analytics-go/test-many-track.json",
      "analytics-go/test-messageid-track.json", "analytics-go/test-timestamp-track.json",
      "rudder-transformer/customerio_source_input.json",
      "rudder-transformer/customerio_source_output.json",
      "rudder-transformer/iterable_source_output.json", "rudder-transformer/mailjet_source.json",
      "rudder-transformer/olark_source.json", "rudder-transformer/segment_input.json",
      "rudder-transformer/webhook_input.json", "unomi/viewEvent.json",
      "unomi/eventcollector_valid.json", "unomi/contextRequest_valid.json",
      "unomi/eventcollector_invalidSessionId.json", "unomi/persona-with-sessions-payload.json",
      "unomi/process-events.json", "aws-lambda-go/connect-event.json"};
  return kFiles;
}

TEST_CASE("Conformance: every corpus file is covered by an adapter below",
          "[ingest][conformance]") {
  const std::filesystem::path dir = CorpusDir();
  std::set<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      found.insert(std::filesystem::relative(entry.path(), dir).generic_string());
    }
  }
  CHECK(found == HandledFiles());
}

// ---- analytics-go: the exact /v1/batch bodies of Segment's Go SDK ----

TEST_CASE("Conformance: analytics-go batch bodies, one store per file", "[ingest][conformance]") {
  TempStore store;
  const auto import = [&](const std::string& file) {
    auto report = store->ImportBody(ReadCorpus("analytics-go/" + file), "batch");
    INFO(file << ": " << testing::StatusText(report.status()));
    REQUIRE(report.ok());
    std::string errors;
    for (const ImportError& e : report->errors) errors += e.message + "\n";
    INFO(errors);
    CHECK(report->refused == 0);
    CHECK(report->warnings.empty());
    return *report;
  };

  SECTION("test-many-track: three messages share one messageId, one row stays (the first)") {
    ImportReport r = import("test-many-track.json");
    CHECK(r.messages == 3);
    CHECK(r.imported == 1);
    CHECK(r.duplicates == 2);
    const auto timeline = TimelineOf(store.store(), Id(store.store(), UserId("123456")));
    REQUIRE(timeline.size() == 1);
    CHECK(timeline[0].external_id() == "I'm unique");
    CHECK(FindAttribute(timeline[0].attributes(), "properties.version") == "0");
    CHECK(timeline[0].kind() == "download");
    CHECK(timeline[0].channel().kind() == v1::CHANNEL_KIND_WEB);
    CHECK(timeline[0].direction() == v1::DIRECTION_INBOUND);
  }
  SECTION("track files: one web interaction at the message's timestamp") {
    for (const std::string file : {"test-enqueue-track.json", "test-interval-track.json",
                                   "test-context-track.json", "test-integrations-track.json"}) {
      TempStore fresh;
      auto r = fresh->ImportBody(ReadCorpus("analytics-go/" + file), "batch");
      REQUIRE_OK(r);
      CHECK(r->imported == 1);
      const auto timeline = TimelineOf(fresh.store(), Id(fresh.store(), UserId("123456")));
      REQUIRE(timeline.size() == 1);
      CHECK(OccurredAt(timeline[0]) == At("2009-11-10T23:00:00Z"));
      CHECK(timeline[0].summary() == "Download");
      CHECK(FindAttribute(timeline[0].attributes(), "properties.application") == "Segment Desktop");
      CHECK(FindAttribute(timeline[0].attributes(), "properties.version") == "1.1.0");
      CHECK(timeline[0].via().kind() == v1::IDENTITY_KIND_USER_ID);
    }
  }
  SECTION("test-timestamp-track: the event time is timestamp, not the earlier sentAt") {
    import("test-timestamp-track.json");
    const auto timeline = TimelineOf(store.store(), Id(store.store(), UserId("123456")));
    REQUIRE(timeline.size() == 1);
    CHECK(OccurredAt(timeline[0]) == At("2015-07-10T23:00:00Z"));
  }
  SECTION("test-messageid-track: the message's own messageId, not the envelope's") {
    import("test-messageid-track.json");
    const auto timeline = TimelineOf(store.store(), Id(store.store(), UserId("123456")));
    REQUIRE(timeline.size() == 1);
    CHECK(timeline[0].external_id() == "abc");
  }
  SECTION("identify, group, alias: the customer, its attribute and the stitched id") {
    import("test-enqueue-identify.json");
    const std::string b = Id(store.store(), UserId("B"));
    import("test-enqueue-group.json");
    ImportReport alias = import("test-enqueue-alias.json");
    CHECK(alias.imported == 1);
    ASSIGN_OR_FAIL(Customer c, store->GetCustomer(b));
    CHECK(FindAttribute(c.attributes(), "group_id") == "A");
    CHECK(Id(store.store(), Cookie("A")) == b);  // previousId A now points at B
    CHECK(TimelineOf(store.store(), b).empty());  // none of the three records an interaction
  }
  SECTION("page and screen: a web page view and an app screen view named A") {
    import("test-enqueue-page.json");
    auto timeline = TimelineOf(store.store(), Id(store.store(), UserId("B")));
    REQUIRE(timeline.size() == 1);
    CHECK(timeline[0].channel().kind() == v1::CHANNEL_KIND_WEB);
    CHECK(timeline[0].kind() == "page_view");
    CHECK(timeline[0].touchpoint() == "web.a");
    TempStore fresh;
    REQUIRE_OK(fresh->ImportBody(ReadCorpus("analytics-go/test-enqueue-screen.json"), "batch"));
    timeline = TimelineOf(fresh.store(), Id(fresh.store(), UserId("B")));
    REQUIRE(timeline.size() == 1);
    CHECK(timeline[0].channel().kind() == v1::CHANNEL_KIND_MOBILE_APP);
    CHECK(timeline[0].kind() == "screen_view");
    CHECK(timeline[0].touchpoint() == "mobile_app.a");
  }
}

TEST_CASE("Conformance: analytics-go, all twelve bodies into one store share one messageId",
          "[ingest][conformance]") {
  // Every message reuses "I'm unique" except test-messageid-track's "abc":
  // deduplicating on messageId keeps the first interaction that carried it
  // (Segment does the same), whoever it belonged to. identify, group and
  // alias record no interaction and are always applied.
  TempStore store;
  ImportReport total;
  for (const std::string& file : HandledFiles()) {
    if (!file.starts_with("analytics-go/")) continue;  // the set is sorted by name
    ASSIGN_OR_FAIL(ImportReport r, store->ImportBody(ReadCorpus(file), "batch"));
    total.messages += r.messages;
    total.imported += r.imported;
    total.duplicates += r.duplicates;
    total.refused += r.refused;
  }
  CHECK(total.messages == 14);
  CHECK(total.imported == 5);     // context-track, alias, group, identify, messageid-track
  CHECK(total.duplicates == 9);   // page, screen, 3 tracks, many-track x3, timestamp-track
  CHECK(total.refused == 0);
  const auto timeline = TimelineOf(store.store(), Id(store.store(), UserId("123456")));
  REQUIRE(timeline.size() == 2);
  CHECK(timeline[0].external_id() == "abc");  // same time: the later row first
  CHECK(timeline[1].external_id() == "I'm unique");
  CHECK(TimelineOf(store.store(), Id(store.store(), UserId("B"))).empty());
}

// ---- rudder-transformer: RudderStack payloads in three wrappings ----

// [{destination, message}] -> the messages.
std::vector<Json> MessagesOf(const Json& cases) {
  std::vector<Json> out;
  for (const Json& c : cases) out.push_back(c.at("message"));
  return out;
}

TEST_CASE("Conformance: segment_input (RudderStack JS SDK messages)", "[ingest][conformance]") {
  TempStore store;
  ASSIGN_OR_FAIL(ImportReport r,
                 store->Import(ToLines(MessagesOf(ParseCorpus("rudder-transformer/segment_input.json")))));
  CHECK(r.messages == 5);
  CHECK(r.imported == 3);
  CHECK(r.duplicates == 2);  // messageIds 258b77c6-... and 584fde02-... come twice
  CHECK(r.refused == 0);
  CHECK(r.warnings.empty());

  const std::string user = Id(store.store(), UserId("user12345"));
  // The page without anonymousId and the others with it name one customer.
  CHECK(Id(store.store(), Cookie("ac7722c2-ccb6-4ae2-baf6-1effe861f4cd")) == user);
  CHECK(Id(store.store(), Email("testmp@rudderstack.com")) == user);
  CHECK(Id(store.store(), Email("testmp@email.com")) == user);
  ASSIGN_OR_FAIL(Customer c, store->GetCustomer(user));
  CHECK(c.display_name() == "Test Transformer");  // identify's context.traits.firstname

  const auto timeline = TimelineOf(store.store(), user);
  REQUIRE(timeline.size() == 2);
  const Interaction& track = timeline[0];
  const Interaction& page = timeline[1];
  // "+05:30" offsets: 20:25:31.381+05:30 is 14:55:31.381Z.
  CHECK(OccurredAt(page) == At("2020-04-17T14:55:31.381Z"));
  CHECK(page.touchpoint() == "web.home");
  CHECK(page.kind() == "page_view");
  CHECK(page.external_id() == "258b77c6-442d-4bdc-8729-f0e4cef41353");
  CHECK(FindAttribute(page.attributes(), "page.path") == "/tests/html/index4.html");
  CHECK(FindAttribute(page.attributes(), "page.url") == "http://localhost/tests/html/index4.html");
  CHECK(OccurredAt(track) == At("2020-04-17T14:55:31.401Z"));
  CHECK(track.channel().kind() == v1::CHANNEL_KIND_WEB);  // "channel": "web"
  CHECK(track.kind() == "test_track_with_property");
  CHECK(FindAttribute(track.attributes(), "properties.test_prop_2") == "1232");
  CHECK(track.via().kind() == v1::IDENTITY_KIND_COOKIE);
}

TEST_CASE("Conformance: webhook_input, 15 messages sharing one snake_case message_id",
          "[ingest][conformance]") {
  TempStore store;
  ASSIGN_OR_FAIL(ImportReport r,
                 store->Import(ToLines(MessagesOf(ParseCorpus("rudder-transformer/webhook_input.json")))));
  CHECK(r.messages == 15);
  CHECK(r.imported == 1);
  CHECK(r.duplicates == 14);
  CHECK(r.refused == 0);
  // No userId (it only appears inside properties): the anonymousId places it.
  const std::string anon = Id(store.store(), Cookie("c82cbdff-e5be-4009-ac78-cdeea09ab4b1"));
  ASSIGN_OR_FAIL(auto by_user, store->Resolve(UserId("c82cbdff-e5be-4009-ac78-cdeea09ab4b1")));
  CHECK_FALSE(by_user.has_value());
  const auto timeline = TimelineOf(store.store(), anon);
  REQUIRE(timeline.size() == 1);
  CHECK(timeline[0].external_id() == "a80f82be-9bdc-4a9f-b2a5-15621ee41df8");
  CHECK(timeline[0].kind() == "spin_result");
  CHECK(OccurredAt(timeline[0]) == At("2019-09-01T10:16:51.693229Z"));  // microseconds kept
  CHECK(FindAttribute(timeline[0].attributes(), "properties.coin_balance") == "9466052");
  CHECK(FindAttribute(timeline[0].attributes(), "properties.isLowEndDevice") == "False");
}

TEST_CASE("Conformance: customerio_source_output, Customer.io events as track messages",
          "[ingest][conformance]") {
  TempStore store;
  const Json messages = ParseCorpus("rudder-transformer/customerio_source_output.json");
  ASSIGN_OR_FAIL(ImportReport r,
                 store->Import(ToLines(std::vector<Json>(messages.begin(), messages.end()))));
  CHECK(r.messages == 23);
  // Elements 0 and 1 are the same message with no messageId and no time:
  // the content hash makes them one.
  CHECK(r.imported == 22);
  CHECK(r.duplicates == 1);
  CHECK(r.refused == 0);
  // Customer.io puts the recipient address, whatever it is, in "email".
  CHECK(Messages(r.warnings) ==
        std::vector<std::string>{
            "line 8: context.traits.email: linked to another customer; known customers are not "
            "merged by events",
            "line 9: context.traits.email: linked to another customer; known customers are not "
            "merged by events",
            "line 14: context.traits.email: malformed; not linked",
            "line 15: context.traits.email: malformed; not linked",
            "line 16: context.traits.email: malformed; not linked",
            "line 20: context.traits.email: malformed; not linked",
            "line 21: context.traits.email: malformed; not linked"});

  const std::string cio = Id(store.store(), UserId("0200102"));
  CHECK(Id(store.store(), Email("test@example.com")) == cio);
  const auto timeline = TimelineOf(store.store(), cio);
  REQUIRE(timeline.size() == 20);
  CHECK(CountByChannel(timeline) == std::map<v1::ChannelKind, int>{
                                        {v1::CHANNEL_KIND_WEB, 3},         // Customer (Un)subscribed
                                        {v1::CHANNEL_KIND_EMAIL, 3},       // Drafted, Bounced, Clicked
                                        {v1::CHANNEL_KIND_SMS, 2},         // Attempted, Link Clicked
                                        {v1::CHANNEL_KIND_MESSAGING, 3},   // Slack ...
                                        {v1::CHANNEL_KIND_MOBILE_APP, 4},  // Push ...
                                        {v1::CHANNEL_KIND_OTHER, 5}});     // Webhook ...
  const Interaction* bounced = FindKind(timeline, "email_bounced");
  REQUIRE(bounced != nullptr);
  CHECK(bounced->direction() == v1::DIRECTION_OUTBOUND);
  CHECK(OccurredAt(*bounced) == At("2009-02-13T23:31:30Z"));  // 1234567890 upstream
  CHECK(bounced->external_id().starts_with("sha:"));
  CHECK(FindAttribute(bounced->attributes(), "properties.emailSubject") == "Thanks for joining!");
  const Interaction* clicked = FindKind(timeline, "sms_clicked");
  REQUIRE(clicked != nullptr);
  CHECK(clicked->direction() == v1::DIRECTION_INBOUND);
  const Interaction* slack = FindKind(timeline, "slack_message_sent");
  REQUIRE(slack != nullptr);
  CHECK(slack->channel().provider() == "slack");
  // The two messages without any time (one row) took the store's clock.
  int at_now = 0;
  for (const Interaction& i : timeline) at_now += OccurredAt(i) == store.clock().Now();
  CHECK(at_now == 1);

  const auto other = TimelineOf(store.store(), Id(store.store(), UserId("user-123")));
  REQUIRE(other.size() == 2);
  CHECK(other[0].kind() == "email_delivered");
  CHECK(other[1].kind() == "email_sent");
  CHECK(other[1].direction() == v1::DIRECTION_OUTBOUND);
}

TEST_CASE("Conformance: customerio_source_input adapted with its raw timestamps and event ids",
          "[ingest][conformance]") {
  // Adapter: each raw Customer.io webhook is paired with the transformer's
  // output message; the adapter puts the raw `timestamp` back verbatim
  // (where upstream dropped "abc" and the string "1585250199") and uses the
  // raw event_id as messageId. So the importer sees the real-world values.
  const Json input = ParseCorpus("rudder-transformer/customerio_source_input.json");
  const Json output = ParseCorpus("rudder-transformer/customerio_source_output.json");
  REQUIRE(input.size() == output.size());
  std::vector<Json> messages;
  for (size_t i = 0; i < input.size(); ++i) {
    Json m = output[i];
    m["timestamp"] = input[i].at("timestamp");
    m["messageId"] = input[i].at("event_id");
    messages.push_back(std::move(m));
  }
  TempStore store;
  ASSIGN_OR_FAIL(ImportReport r, store->Import(ToLines(messages)));
  CHECK(r.messages == 23);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].line == 1);
  CHECK(r.errors[0].message == "line 1: timestamp: not a valid time");  // "abc"
  CHECK(r.errors[0].code == absl::StatusCode::kInvalidArgument);
  CHECK(r.refused == 1);
  CHECK(r.duplicates == 1);  // elements 1 and 2 share event_id 01E4C4CT6YDC7Y5M7FE1GWWPQJ
  CHECK(r.imported == 21);
  ASSIGN_OR_FAIL(auto rows, store->Timeline(Id(store.store(), UserId("0200102")), {}));
  const Interaction* subscribed = nullptr;
  for (const Interaction& i : rows.interactions) {
    if (i.external_id() == "01E4C4CT6YDC7Y5M7FE1GWWPQJ") subscribed = &i;
  }
  REQUIRE(subscribed != nullptr);
  // The numeric string "1585250199" read as epoch seconds.
  CHECK(OccurredAt(*subscribed) == At("2020-03-26T19:16:39Z"));
}

TEST_CASE("Conformance: iterable_source_output, 28 tracks and 2 error objects",
          "[ingest][conformance]") {
  TempStore store;
  const Json messages = ParseCorpus("rudder-transformer/iterable_source_output.json");
  ASSIGN_OR_FAIL(ImportReport r,
                 store->Import(ToLines(std::vector<Json>(messages.begin(), messages.end()))));
  CHECK(r.messages == 30);
  // The error objects {"message": "Unknwon event type from Iterable"} are
  // not events: refused for having no type, as Segment would.
  CHECK(Messages(r.errors) ==
        std::vector<std::string>{"line 2: type: missing", "line 3: type: missing"});
  CHECK(r.refused == 2);
  CHECK(r.duplicates == 1);  // elements 0 and 10 are the same emailSubscribe
  CHECK(r.imported == 27);
  CHECK(Messages(r.warnings) ==
        std::vector<std::string>{"line 13: context.traits.email: linked to another customer; "
                                 "known customers are not merged by events"});

  const std::string docs = Id(store.store(), UserId("0e13848b1c7e27eb5d88c5d35b70783e"));
  CHECK(Id(store.store(), Email("docs@iterable.com")) == docs);
  const auto timeline = TimelineOf(store.store(), docs);
  REQUIRE(timeline.size() == 22);
  CHECK(CountByChannel(timeline) == std::map<v1::ChannelKind, int>{
                                        {v1::CHANNEL_KIND_EMAIL, 6},
                                        {v1::CHANNEL_KIND_MOBILE_APP, 9},  // inApp x4, push x5
                                        {v1::CHANNEL_KIND_SMS, 5},
                                        {v1::CHANNEL_KIND_WEB, 2}});       // webPush x2
  const std::map<std::string, v1::Direction> expected = {
      {"email_clicked", v1::DIRECTION_INBOUND},   {"email_spam", v1::DIRECTION_INBOUND},
      {"email_opened", v1::DIRECTION_INBOUND},    {"email_unsubscribed", v1::DIRECTION_INBOUND},
      {"email_sent", v1::DIRECTION_OUTBOUND},     {"push_bounced", v1::DIRECTION_OUTBOUND},
      {"push_opened", v1::DIRECTION_INBOUND},     {"push_sent", v1::DIRECTION_OUTBOUND},
      {"sms_bounced", v1::DIRECTION_OUTBOUND},    {"sms_clicked", v1::DIRECTION_INBOUND},
      {"sms_received", v1::DIRECTION_INBOUND},    {"sms_sent", v1::DIRECTION_OUTBOUND},
      {"email_send_skip", v1::DIRECTION_UNSPECIFIED}, {"in_app_open", v1::DIRECTION_UNSPECIFIED}};
  for (const auto& [kind, direction] : expected) {
    const Interaction* i = FindKind(timeline, kind);
    INFO(kind);
    REQUIRE(i != nullptr);
    CHECK(i->direction() == direction);
  }
  // "1" is an ordinary user id; its email belongs to the customer above.
  const auto one = TimelineOf(store.store(), Id(store.store(), UserId("1")));
  REQUIRE(one.size() == 1);
  CHECK(one[0].kind() == "hosted_unsubscribe_click");
  CHECK(one[0].channel().kind() == v1::CHANNEL_KIND_WEB);
  // The element without timestamp took the store's clock.
  const auto first = TimelineOf(store.store(), Id(store.store(), UserId("5b6a3426dba2cb24e4f0aeec43bee9d7")));
  REQUIRE(first.size() == 3);
  CHECK(first[0].kind() == "in_app_send_skip");
  CHECK(OccurredAt(first[0]) == store.clock().Now());
  // Properties keep Iterable's non-ISO times as text; only message times are read.
  CHECK(FindAttribute(first[1].attributes(), "properties.createdAt") ==
        "2022-04-19 03:33:50 +00:00");
}

TEST_CASE("Conformance: mailjet_source, ids above 2^53 kept exact, vendor events mapped",
          "[ingest][conformance]") {
  // Adapter: the transformer's output.Message, with the raw MessageID
  // (an integer above 2^53) as messageId. Mailjet's own event names
  // ("open", "sent") are not standard, so a user mapping names them.
  const Json cases = ParseCorpus("rudder-transformer/mailjet_source.json");
  std::vector<Json> messages;
  std::vector<std::string> ids;
  for (const Json& c : cases) {
    Json m = c.at("output").at("Message");
    m["messageId"] = c.at("input").at("MessageID");
    REQUIRE(m["messageId"].is_number_unsigned());
    ids.push_back(m["messageId"].dump());
    messages.push_back(std::move(m));
  }
  CHECK(ids[0] == "94857068804950690");  // a double would read 94857068804950688
  TempStore store;
  ImportOptions options;
  options.mapping_json = R"({
    "open":   {"channel": "email", "kind": "email_opened", "direction": "inbound"},
    "sent":   {"channel": "email", "kind": "email_sent", "direction": "outbound"},
    "bounce": {"channel": "email", "kind": "email_bounced", "direction": "outbound",
               "provider": "mailjet"}})";
  ASSIGN_OR_FAIL(ImportReport r, store->Import(ToLines(messages), options));
  CHECK(r.imported == 4);
  CHECK(r.refused == 0);
  CHECK(r.warnings.empty());  // mailjetContactId names no identity kind: ignored
  const std::string user = Id(store.store(), UserId("5b6a3426dba2cb24e4f0aeec43bee9d7"));
  CHECK(Id(store.store(), Email("test@rudderstack.com")) == user);
  ASSIGN_OR_FAIL(Customer c, store->GetCustomer(user));
  CHECK(c.identities_size() == 2);
  const auto timeline = TimelineOf(store.store(), user);
  REQUIRE(timeline.size() == 4);
  std::set<std::string> stored;
  for (const Interaction& i : timeline) {
    stored.insert(i.external_id());
    CHECK(i.channel().kind() == v1::CHANNEL_KIND_EMAIL);
  }
  CHECK(stored == std::set<std::string>(ids.begin(), ids.end()));
  const Interaction* opened = FindKind(timeline, "email_opened");
  REQUIRE(opened != nullptr);
  CHECK(opened->external_id() == "94857068804950690");
  CHECK(OccurredAt(*opened) == At("2022-09-29T09:26:54Z"));
  CHECK(FindAttribute(opened->attributes(), "properties.mj_campaign_id") == "108760");
  CHECK(FindKind(timeline, "email_bounced")->channel().provider() == "mailjet");
}

TEST_CASE("Conformance: olark_source, chat conversations and a group", "[ingest][conformance]") {
  // Adapter: every element of each case's `output` array; a track takes
  // its last item's fractional epoch string ("1669285628.796693") as
  // timestamp, which upstream leaves out.
  const Json cases = ParseCorpus("rudder-transformer/olark_source.json");
  std::vector<Json> messages;
  for (const Json& c : cases) {
    for (Json m : c.at("output")) {
      if (m.at("type") == "track") m["timestamp"] = m["properties"]["items"].back()["timestamp"];
      messages.push_back(std::move(m));
    }
  }
  REQUIRE(messages.size() == 4);
  TempStore store;
  ImportOptions options;
  options.mapping_json = R"({"Conversation": {"channel": "chat", "kind": "chat_conversation"}})";
  ASSIGN_OR_FAIL(ImportReport r, store->Import(ToLines(messages), options));
  CHECK(r.imported == 4);
  CHECK(r.refused == 0);
  // "5555555555" is a placeholder number: the event goes in, the phone not.
  CHECK(Messages(r.warnings) == std::vector<std::string>{
                                    "line 2: context.traits.phone: blocked placeholder value; "
                                    "not linked"});
  const std::string visitor = Id(store.store(), UserId("45WjM9eMYwJ7cJMo103JU0JaForAA6Db"));
  CHECK(Id(store.store(), Email("ruddertest@gmail.com")) == visitor);
  CHECK(Id(store.store(), Email("rudder14@gmail.com")) == visitor);
  ASSIGN_OR_FAIL(Customer c, store->GetCustomer(visitor));
  CHECK(FindAttribute(c.attributes(), "group_id") == "ca77f4296fb7568909ad864aebf48201");
  const auto timeline = TimelineOf(store.store(), visitor);
  REQUIRE(timeline.size() == 2);
  CHECK(OccurredAt(timeline[0]) == At("2022-11-24T11:15:32.567071Z"));
  CHECK(OccurredAt(timeline[1]) == At("2022-11-24T10:27:08.796693Z"));
  for (const Interaction& i : timeline) {
    CHECK(i.channel().kind() == v1::CHANNEL_KIND_CHAT);
    CHECK(i.kind() == "chat_conversation");
    CHECK(FindAttribute(i.attributes(), "source") == "Olark");
  }
  const std::string operator_test = Id(store.store(), Email("support+integrationtest@olark.com"));
  CHECK(operator_test == Id(store.store(), UserId("NOTAREALVISITORIDS5LGl6QUrK2OaPP")));
}

// ---- Not Segment Spec: Apache Unomi and Amazon Connect ----

TEST_CASE("Conformance: Unomi requests are not Segment messages and are refused",
          "[ingest][conformance]") {
  // Unomi events ({eventType, scope, source, target}) inside {sessionId,
  // events}, a context request, an admin persona body and a GraphQL body:
  // none has a Segment "type", so each body is refused whole, naming the
  // field. No adapter: Unomi's profile model (sessions, scopes, personas)
  // has no faithful Segment counterpart. The <script> session id of the
  // invalid one is never echoed.
  for (const std::string file :
       {"unomi/viewEvent.json", "unomi/eventcollector_valid.json",
        "unomi/contextRequest_valid.json", "unomi/eventcollector_invalidSessionId.json",
        "unomi/persona-with-sessions-payload.json", "unomi/process-events.json"}) {
    TempStore store;
    ASSIGN_OR_FAIL(ImportReport r, store->ImportBody(ReadCorpus(file), ""));
    INFO(file);
    CHECK(r.messages == 1);
    CHECK(r.refused == 1);
    CHECK(Messages(r.errors) == std::vector<std::string>{"body: type: missing"});
    CHECK(r.errors[0].line == 0);
    ASSIGN_OR_FAIL(auto none, store->Resolve(UserId("test-persona-with-sessions")));
    CHECK_FALSE(none.has_value());
  }
  // Sent as JSON lines, the pretty-printed files fail line by line.
  TempStore store;
  ASSIGN_OR_FAIL(ImportReport r, store->Import(ReadCorpus("unomi/eventcollector_invalidSessionId.json")));
  CHECK(r.imported == 0);
  CHECK(r.errors.at(0).message == "line 1: invalid JSON at byte 1");
  for (const ImportError& e : r.errors) CHECK(e.message.find("script") == std::string::npos);
}

TEST_CASE("Conformance: Amazon Connect contact-flow event, raw and through an adapter",
          "[ingest][conformance]") {
  const Json event = ParseCorpus("aws-lambda-go/connect-event.json");
  TempStore store;
  SECTION("raw, it is not a Segment message") {
    ASSIGN_OR_FAIL(ImportReport r, store->ImportBody(ReadCorpus("aws-lambda-go/connect-event.json"), ""));
    CHECK(Messages(r.errors) == std::vector<std::string>{"body: type: missing"});
  }
  SECTION("the adapter makes it a voice track whose caller is CustomerEndpoint.Address") {
    // Adapter (documented here, not in the library): Connect names no
    // visitor, so the contact's InitialContactId stands in as anonymousId,
    // CustomerEndpoint.Address becomes context.traits.phone (linked as the
    // caller's phone), Channel becomes context.channel, ContactId the
    // messageId. The placeholder InitiationMethod is kept as a property.
    const Json& data = event.at("Details").at("ContactData");
    Json m = {{"type", "track"},
              {"event", "Contact Flow Execution"},
              {"anonymousId", data.at("InitialContactId")},
              {"messageId", data.at("ContactId")},
              {"context",
               {{"channel", data.at("Channel")},
                {"traits", {{"phone", data.at("CustomerEndpoint").at("Address")}}}}},
              {"properties",
               {{"queue", data.at("Queue").at("Name")},
                {"initiation_method", data.at("InitiationMethod")}}}};
    ASSIGN_OR_FAIL(ImportReport r, store->ImportBody(m.dump(), "track"));
    CHECK(r.imported == 1);
    CHECK(r.warnings.empty());
    ASSIGN_OR_FAIL(Context ctx, store->Lookup({.identity = Phone("+1 480-202-1091"),
                                               .channel = Channel::kIvr}));
    REQUIRE(ctx.known());
    const auto timeline = TimelineOf(store.store(), ctx.customer().id());
    REQUIRE(timeline.size() == 1);
    CHECK(timeline[0].channel().kind() == v1::CHANNEL_KIND_VOICE);
    CHECK(timeline[0].kind() == "contact_flow_execution");
    CHECK(timeline[0].external_id() == "ASDAcxcasDFSSDFs");
    CHECK(FindAttribute(timeline[0].attributes(), "properties.queue") == "PrimaryPhoneQueue");
    CHECK(OccurredAt(timeline[0]) == store.clock().Now());  // Connect sends no time
  }
}

}  // namespace
}  // namespace omnictx
