// SPDX-License-Identifier: Apache-2.0
//
// Recording interactions (single, batched, idempotent) and reading
// timelines through the public Store API.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::ProtoEquals;
using testing::TempStore;

constexpr char kRecordedAt[] = "omnictx.v1.Interaction.recorded_at";

std::string Msg(const absl::Status& status) { return std::string(status.message()); }

template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

std::vector<int64_t> Ids(const std::vector<Interaction>& interactions) {
  std::vector<int64_t> ids;
  for (const Interaction& i : interactions) ids.push_back(i.id());
  return ids;
}

// Reads a whole timeline page by page; fails on an error or a runaway loop.
std::vector<int64_t> AllPages(Store& store, const std::string& customer_id, TimelineQuery query,
                              std::vector<size_t>* page_sizes = nullptr) {
  std::vector<int64_t> ids;
  for (int guard = 0; guard < 1000; ++guard) {
    ASSIGN_OR_FAIL(TimelinePage page, store.Timeline(customer_id, query));
    if (page_sizes != nullptr) page_sizes->push_back(page.interactions.size());
    for (const Interaction& i : page.interactions) ids.push_back(i.id());
    if (page.next_page_token.empty()) return ids;
    query.page_token = page.next_page_token;
  }
  FAIL("the timeline never ran out of pages");
  return ids;
}

size_t TimelineSize(Store& store, const std::string& customer_id) {
  TimelineQuery all;
  all.page_size = static_cast<int>(Limits::kMaxTimelinePage);
  ASSIGN_OR_FAIL(TimelinePage page, store.Timeline(customer_id, all));
  return page.interactions.size();
}

TEST_CASE("Record accepts every channel kind and the timeline interleaves them newest first",
          "[interactions]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c-1", "Ada");
  const auto* kinds = v1::ChannelKind_descriptor();
  REQUIRE(kinds->value_count() == 13);
  std::vector<int64_t> newest_first;
  // Kind k happened k minutes ago, recorded from oldest to newest channel
  // number so that recording order and time order disagree.
  for (int k = 1; k < kinds->value_count(); ++k) {
    const auto kind = static_cast<v1::ChannelKind>(kinds->value(k)->number());
    INFO(ChannelName(kind));
    ASSIGN_OR_FAIL(int64_t id, store->Record(MakeInteraction("c-1", t0 - absl::Minutes(k), kind,
                                                             "door", "contact")));
    ASSIGN_OR_FAIL(Interaction got, store->GetInteraction(id));
    CHECK(got.channel().kind() == kind);
    CHECK(FromProtoTime(got.occurred_at()) == t0 - absl::Minutes(k));
    newest_first.push_back(id);
  }
  ASSIGN_OR_FAIL(TimelinePage page, store->Timeline("c-1"));
  CHECK(page.next_page_token.empty());
  REQUIRE(page.interactions.size() == 12);
  CHECK(Ids(page.interactions) == newest_first);
  CHECK(page.interactions.front().channel().kind() == v1::CHANNEL_KIND_VOICE);
  CHECK(page.interactions.back().channel().kind() == v1::CHANNEL_KIND_OTHER);
  for (const Interaction& i : page.interactions) CHECK(i.customer_id() == "c-1");
}

TEST_CASE("Timeline pages run to the end without duplicates or gaps", "[interactions]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c-1", "Ada");
  MakeCustomer(store.store(), "c-2", "Grace");
  // 25 interactions, three per timestamp, recorded out of time order, with
  // another customer's rows in between.
  struct Row {
    absl::Time at;
    int64_t id;
  };
  std::vector<Row> rows;
  const v1::ChannelKind kinds[] = {v1::CHANNEL_KIND_WEB, v1::CHANNEL_KIND_VOICE,
                                   v1::CHANNEL_KIND_EMAIL, v1::CHANNEL_KIND_SMS};
  for (int n = 0; n < 25; ++n) {
    const absl::Time at = t0 - absl::Minutes((n * 7 % 25) / 3);
    ASSIGN_OR_FAIL(int64_t id, store->Record(MakeInteraction("c-1", at, kinds[n % 4], "door",
                                                             "contact")));
    rows.push_back({at, id});
    REQUIRE_OK(store->Record(MakeInteraction("c-2", at, v1::CHANNEL_KIND_CHAT, "door", "chat")));
  }
  // Newest first; ties at one time by id, highest first.
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.at != b.at ? a.at > b.at : a.id > b.id;
  });
  std::vector<int64_t> expected;
  for (const Row& r : rows) expected.push_back(r.id);

  for (int page_size : {1, 3, 4, 5, 24, 25, 26, 1000}) {
    INFO("page_size " << page_size);
    TimelineQuery query;
    query.page_size = page_size;
    std::vector<size_t> sizes;
    const std::vector<int64_t> ids = AllPages(store.store(), "c-1", query, &sizes);
    CHECK(ids == expected);
    CHECK(std::set<int64_t>(ids.begin(), ids.end()).size() == ids.size());
    // Every page but the last is full, and the last is never empty.
    const size_t pages = (25 + page_size - 1) / page_size;
    REQUIRE(sizes.size() == pages);
    for (size_t p = 0; p + 1 < sizes.size(); ++p) CHECK(sizes[p] == size_t(page_size));
    CHECK(sizes.back() == 25 - (pages - 1) * page_size);
  }
}

TEST_CASE("Timeline windows are [since, until) and filters narrow them", "[interactions]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c-1", "Ada");
  std::vector<int64_t> ids;  // ids[h] happened h hours ago
  for (int h = 0; h < 5; ++h) {
    ASSIGN_OR_FAIL(int64_t id, store->Record(MakeInteraction(
                                   "c-1", t0 - absl::Hours(h), v1::CHANNEL_KIND_WEB, "web.home",
                                   "page_view")));
    ids.push_back(id);
  }

  SECTION("since is inclusive, until exclusive") {
    TimelineQuery window;
    window.since = t0 - absl::Hours(3);
    window.until = t0 - absl::Hours(1);
    ASSIGN_OR_FAIL(TimelinePage page, store->Timeline("c-1", window));
    CHECK(Ids(page.interactions) == std::vector<int64_t>{ids[2], ids[3]});
    window.until = t0 - absl::Hours(1) + absl::Microseconds(1);
    ASSIGN_OR_FAIL(TimelinePage wider, store->Timeline("c-1", window));
    CHECK(Ids(wider.interactions) == std::vector<int64_t>{ids[1], ids[2], ids[3]});
    window.since = window.until = t0;
    ASSIGN_OR_FAIL(TimelinePage empty, store->Timeline("c-1", window));
    CHECK(empty.interactions.empty());
    CHECK(empty.next_page_token.empty());
  }
  SECTION("paging inside a window stays inside it") {
    TimelineQuery window;
    window.since = t0 - absl::Hours(4);
    window.until = t0;
    window.page_size = 2;
    CHECK(AllPages(store.store(), "c-1", window) ==
          std::vector<int64_t>{ids[1], ids[2], ids[3], ids[4]});
  }
  SECTION("a case filter keeps the case's interactions only") {
    Case c;
    c.set_customer_id("c-1");
    c.set_subject("Broken router");
    ASSIGN_OR_FAIL(Case opened, store->OpenCase(c));
    std::vector<int64_t> attached;
    for (int m : {30, 90, 150}) {
      Interaction i = MakeInteraction("c-1", t0 - absl::Minutes(m), v1::CHANNEL_KIND_EMAIL,
                                      "email.support", "email_received");
      i.set_case_id(opened.id());
      ASSIGN_OR_FAIL(int64_t id, store->Record(i));
      attached.push_back(id);
    }
    TimelineQuery only_case;
    only_case.case_id = opened.id();
    ASSIGN_OR_FAIL(TimelinePage page, store->Timeline("c-1", only_case));
    CHECK(Ids(page.interactions) == attached);
    for (const Interaction& i : page.interactions) CHECK(i.case_id() == opened.id());
    only_case.page_size = 1;
    CHECK(AllPages(store.store(), "c-1", only_case) == attached);
    only_case.case_id = opened.id() + 1;
    ASSIGN_OR_FAIL(TimelinePage none, store->Timeline("c-1", only_case));
    CHECK(none.interactions.empty());
    CHECK(TimelineSize(store.store(), "c-1") == 8);
  }
  SECTION("bad queries are refused") {
    TimelineQuery bad;
    bad.page_size = 0;
    absl::Status zero = StatusOf(store->Timeline("c-1", bad));
    CHECK(zero.code() == absl::StatusCode::kInvalidArgument);
    CHECK(Msg(zero) == "page_size: must be 1 to 1000");
    bad.page_size = 1001;
    CHECK(Msg(StatusOf(store->Timeline("c-1", bad))) == "page_size: must be 1 to 1000");
    bad.page_size = 10;
    bad.page_token = "not-a-token";
    absl::Status token = StatusOf(store->Timeline("c-1", bad));
    CHECK(token.code() == absl::StatusCode::kInvalidArgument);
    CHECK(Msg(token) == "page_token: malformed");
    TimelineQuery backwards;
    backwards.since = t0;
    backwards.until = t0 - absl::Hours(1);
    CHECK(Msg(StatusOf(store->Timeline("c-1", backwards))) == "since: after until");
    absl::Status unknown = StatusOf(store->Timeline("nobody"));
    CHECK(unknown.code() == absl::StatusCode::kNotFound);
    CHECK(Msg(unknown) == "customer_id: no such customer");
  }
}

TEST_CASE("Record is idempotent on external_id", "[interactions]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c-1", "Ada");
  MakeCustomer(store.store(), "c-2", "Grace");
  Interaction first = MakeInteraction("c-1", t0, v1::CHANNEL_KIND_SMS, "sms.inbound", "sms");
  first.set_external_id("twilio:SM123");
  first.set_summary("first delivery");
  ASSIGN_OR_FAIL(int64_t id, store->Record(first));

  SECTION("the same key for the same customer returns the first id and writes nothing") {
    Interaction replay = first;
    replay.set_summary("second delivery");
    store.clock().Advance(absl::Minutes(1));
    ASSIGN_OR_FAIL(int64_t again, store->Record(replay));
    CHECK(again == id);
    CHECK(TimelineSize(store.store(), "c-1") == 1);
    ASSIGN_OR_FAIL(Interaction stored, store->GetInteraction(id));
    CHECK(stored.summary() == "first delivery");
    CHECK(FromProtoTime(stored.recorded_at()) == t0);
  }
  SECTION("the same key for another customer is AlreadyExists naming the interaction") {
    Interaction stolen = first;
    stolen.set_customer_id("c-2");
    absl::Status status = StatusOf(store->Record(stolen));
    CHECK(status.code() == absl::StatusCode::kAlreadyExists);
    CHECK(Msg(status) == "external_id: already used by interaction " + std::to_string(id));
    CHECK(TimelineSize(store.store(), "c-2") == 0);
    CHECK(TimelineSize(store.store(), "c-1") == 1);
  }
  SECTION("inside a batch a repeated key maps to one interaction") {
    Interaction other = MakeInteraction("c-1", t0, v1::CHANNEL_KIND_SMS, "sms.inbound", "sms");
    other.set_external_id("twilio:SM456");
    std::vector<Interaction> batch = {other, first, other};
    ASSIGN_OR_FAIL(std::vector<int64_t> ids, store->RecordBatch(batch));
    REQUIRE(ids.size() == 3);
    CHECK(ids[0] == id + 1);
    CHECK(ids[1] == id);
    CHECK(ids[2] == id + 1);
    CHECK(TimelineSize(store.store(), "c-1") == 2);
  }
}

TEST_CASE("RecordBatch is all or nothing", "[interactions]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c-1", "Ada");
  std::vector<Interaction> batch;
  for (int k = 0; k < 5; ++k) {
    batch.push_back(MakeInteraction("c-1", t0 - absl::Minutes(k), v1::CHANNEL_KIND_WEB,
                                    "web.page", "page_view"));
  }

  SECTION("a good batch returns ids in order") {
    ASSIGN_OR_FAIL(std::vector<int64_t> ids, store->RecordBatch(batch));
    CHECK(ids == std::vector<int64_t>{1, 2, 3, 4, 5});
    ASSIGN_OR_FAIL(TimelinePage page, store->Timeline("c-1"));
    CHECK(Ids(page.interactions) == ids);  // batch order is newest first too
    ASSIGN_OR_FAIL(std::vector<int64_t> none, store->RecordBatch({}));
    CHECK(none.empty());
  }
  SECTION("a malformed element names its index and nothing is written") {
    batch[3].set_touchpoint("web page");
    absl::Status status = StatusOf(store->RecordBatch(batch));
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK(Msg(status) == "batch[3]: touchpoint: bad key (allowed: letters, digits, _ . : -)");
    CHECK(TimelineSize(store.store(), "c-1") == 0);
  }
  SECTION("an element failing inside the transaction rolls back the ones before it") {
    batch[2].set_customer_id("nobody");
    absl::Status status = StatusOf(store->RecordBatch(batch));
    CHECK(status.code() == absl::StatusCode::kNotFound);
    CHECK(Msg(status) == "batch[2]: customer_id: no such customer");
    CHECK(TimelineSize(store.store(), "c-1") == 0);
    // Ids are not consumed either.
    ASSIGN_OR_FAIL(int64_t id, store->Record(batch[0]));
    CHECK(id == 1);
  }
  SECTION("an external id owned by another customer fails the whole batch") {
    MakeCustomer(store.store(), "c-2", "Grace");
    Interaction theirs = MakeInteraction("c-2", t0, v1::CHANNEL_KIND_EMAIL, "email.in", "email");
    theirs.set_external_id("msg-1");
    ASSIGN_OR_FAIL(int64_t their_id, store->Record(theirs));
    batch[4].set_external_id("msg-1");
    absl::Status status = StatusOf(store->RecordBatch(batch));
    CHECK(status.code() == absl::StatusCode::kAlreadyExists);
    CHECK(Msg(status) ==
          "batch[4]: external_id: already used by interaction " + std::to_string(their_id));
    CHECK(TimelineSize(store.store(), "c-1") == 0);
  }
  SECTION("more than Limits::kMaxBatchInteractions is refused before anything else") {
    std::vector<Interaction> huge(Limits::kMaxBatchInteractions + 1, batch[0]);
    absl::Status status = StatusOf(store->RecordBatch(huge));
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK(Msg(status) == "batch: 10001 interactions > 10000");
    CHECK(TimelineSize(store.store(), "c-1") == 0);
  }
}

TEST_CASE("GetInteraction round-trips every field", "[interactions]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c-1", "Ada");
  REQUIRE_OK(store->DefineJourney(ParseTextProto<Journey>(R"pb(
    key: "claim"
    steps { key: "declare" next: "done" }
    steps { key: "done" outcome: STEP_OUTCOME_SUCCESS }
  )pb")));
  ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("c-1", "claim"));
  Case c;
  c.set_customer_id("c-1");
  c.set_subject("Water damage");
  ASSIGN_OR_FAIL(Case kase, store->OpenCase(c));

  Interaction in = ParseTextProto<Interaction>(R"pb(
    customer_id: "c-1"
    occurred_at { seconds: 1772438400 nanos: 123456000 }
    channel { kind: CHANNEL_KIND_MESSAGING provider: "whatsapp" }
    touchpoint: "wa.support"
    kind: "message_received"
    direction: DIRECTION_INBOUND
    journey_step: "declare"
    agent_id: "agent-17"
    outcome: "answered"
    wait_time { seconds: 42 nanos: 500000000 }
    handle_time { seconds: 300 }
    summary: "Customer sent photos of the damage.\nAsked for an expert visit."
    attributes { key: "lang" value: "fr" }
    attributes { key: "photos" value: "3" }
    attributes { key: "satisfaction_scale" value: "nps" }
    external_id: "wamid.HBgL"
    answered: true
    abandoned: false
    satisfaction: 9
    recorded_at { seconds: 1 }
  )pb");
  in.set_journey_instance_id(inst.id());
  in.set_case_id(kase.id());
  store.clock().Advance(absl::Seconds(90));
  ASSIGN_OR_FAIL(int64_t id, store->Record(in));

  ASSIGN_OR_FAIL(Interaction out, store->GetInteraction(id));
  Interaction expected = in;
  expected.set_id(id);
  CHECK_THAT(out, ProtoEquals(expected, {kRecordedAt}));
  // recorded_at comes from the clock, whatever the caller sent.
  CHECK(FromProtoTime(out.recorded_at()) == t0 + absl::Seconds(90));

  ASSIGN_OR_FAIL(TimelinePage page, store->Timeline("c-1"));
  REQUIRE(page.interactions.size() == 1);
  CHECK_THAT(page.interactions[0], ProtoEquals(out));

  absl::Status missing = StatusOf(store->GetInteraction(id + 1));
  CHECK(missing.code() == absl::StatusCode::kNotFound);
  CHECK(Msg(missing) == "interaction_id: no such interaction");
}

TEST_CASE("Attaching an interaction to a case counts it and bumps the case", "[interactions]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "c-1", "Ada");
  MakeCustomer(store.store(), "c-2", "Grace");
  Case c;
  c.set_customer_id("c-1");
  c.set_subject("Invoice dispute");
  ASSIGN_OR_FAIL(Case opened, store->OpenCase(c));
  CHECK(opened.interaction_count() == 0);
  CHECK(FromProtoTime(opened.updated_at()) == t0);

  store.clock().Advance(absl::Minutes(10));
  Interaction call = MakeInteraction("c-1", store.clock().Now(), v1::CHANNEL_KIND_VOICE,
                                     "ivr.billing", "call");
  call.set_case_id(opened.id());
  REQUIRE_OK(store->Record(call));
  ASSIGN_OR_FAIL(Case after_call, store->GetCase(opened.id()));
  CHECK(after_call.interaction_count() == 1);
  CHECK(FromProtoTime(after_call.updated_at()) == t0 + absl::Minutes(10));
  CHECK(FromProtoTime(after_call.opened_at()) == t0);

  store.clock().Advance(absl::Hours(1));
  Interaction email = MakeInteraction("c-1", store.clock().Now(), v1::CHANNEL_KIND_EMAIL,
                                      "email.billing", "email_received");
  email.set_case_id(opened.id());
  Interaction sms = email;
  sms.mutable_channel()->set_kind(v1::CHANNEL_KIND_SMS);
  REQUIRE_OK(store->RecordBatch(std::vector<Interaction>{email, sms}));
  ASSIGN_OR_FAIL(Case after_batch, store->GetCase(opened.id()));
  CHECK(after_batch.interaction_count() == 3);
  CHECK(FromProtoTime(after_batch.updated_at()) == t0 + absl::Minutes(70));

  SECTION("an interaction without a case leaves it alone") {
    REQUIRE_OK(store->Record(MakeInteraction("c-1", store.clock().Now(), v1::CHANNEL_KIND_WEB,
                                             "web.home", "page_view")));
    ASSIGN_OR_FAIL(Case same, store->GetCase(opened.id()));
    CHECK_THAT(same, ProtoEquals(after_batch));
  }
  SECTION("another customer's case or an unknown case is refused and counts nothing") {
    Interaction theirs = call;
    theirs.set_customer_id("c-2");
    absl::Status wrong = StatusOf(store->Record(theirs));
    CHECK(wrong.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(Msg(wrong) ==
          "case_id: case " + std::to_string(opened.id()) + " belongs to another customer");
    Interaction unknown = call;
    unknown.set_case_id(opened.id() + 100);
    absl::Status missing = StatusOf(store->Record(unknown));
    CHECK(missing.code() == absl::StatusCode::kNotFound);
    CHECK(Msg(missing).starts_with("case_id: no such case"));
    ASSIGN_OR_FAIL(Case same, store->GetCase(opened.id()));
    CHECK_THAT(same, ProtoEquals(after_batch));
    CHECK(TimelineSize(store.store(), "c-2") == 0);
    CHECK(TimelineSize(store.store(), "c-1") == 3);
  }
}

}  // namespace
}  // namespace omnictx
