// SPDX-License-Identifier: Apache-2.0
//
// The schema and its forward migrations. Each migration is tested from the
// previous schema version with rows in it: rows are written in the shape
// of that version by a seeder (raw SQL), the file is migrated to the latest
// version, and the rows are read back through the Store.
//
// Adding migration N: if it changes a table the version-1 seeder writes,
// add a seeder for version N-1 to Seeders(); the loop below picks the
// newest seeder at or below each starting version.
#include <sqlite3.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "storage/sqlite/connection.h"
#include "storage/sqlite/schema.h"
#include "test_util.h"

namespace omnictx {
namespace {

using storage::sqlite::Connection;
using storage::sqlite::ConnectionOptions;
using storage::sqlite::kApplicationId;
using storage::sqlite::LatestSchemaVersion;
using storage::sqlite::Migrate;
using storage::sqlite::Migrations;
using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::ProtoEquals;
using testing::TempDir;
using testing::TempStore;
using testing::TestEpoch;

// ---- Raw SQLite helpers ----

struct Blob {
  std::string bytes;
};
using Value = std::variant<std::nullptr_t, int64_t, std::string, Blob>;

// Runs one statement with bound values, failing the test on error.
void Run(sqlite3* db, const std::string& sql, const std::vector<Value>& values) {
  sqlite3_stmt* stmt = nullptr;
  INFO(sql << ": " << sqlite3_errmsg(db));
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  for (size_t k = 0; k < values.size(); ++k) {
    const int i = static_cast<int>(k + 1);
    const Value& v = values[k];
    if (std::holds_alternative<int64_t>(v)) {
      sqlite3_bind_int64(stmt, i, std::get<int64_t>(v));
    } else if (std::holds_alternative<std::string>(v)) {
      const std::string& s = std::get<std::string>(v);
      sqlite3_bind_text(stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    } else if (std::holds_alternative<Blob>(v)) {
      const std::string& b = std::get<Blob>(v).bytes;
      sqlite3_bind_blob(stmt, i, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(stmt, i);
    }
  }
  int rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  INFO(sqlite3_errmsg(db));
  REQUIRE(rc == SQLITE_DONE);
}

int64_t QueryInt(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  INFO(sql);
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  int rc = sqlite3_step(stmt);
  int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  REQUIRE(rc == SQLITE_ROW);
  return v;
}

std::string SchemaSql(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT type, name, sql FROM sqlite_schema ORDER BY name", -1,
                             &stmt, nullptr) == SQLITE_OK);
  std::string out;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    for (int c = 0; c < 3; ++c) {
      const unsigned char* t = sqlite3_column_text(stmt, c);
      out += t == nullptr ? "NULL" : reinterpret_cast<const char*>(t);
      out += c == 2 ? "\n" : " ";
    }
  }
  sqlite3_finalize(stmt);
  return out;
}

// Opens the file with the sqlite3 C API (not through omnictx).
class RawDb {
 public:
  explicit RawDb(const std::string& path, int flags = SQLITE_OPEN_READWRITE) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) == SQLITE_OK);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::unique_ptr<Connection> OpenConnection(const std::string& path) {
  ConnectionOptions copts;
  copts.create = true;
  auto conn = Connection::Open(path, copts);
  INFO(conn.status());
  REQUIRE(conn.ok());
  return *std::move(conn);
}

Options TestOptions() {
  Options o;
  o.clock = std::make_shared<FakeClock>(TestEpoch() + absl::Hours(1));
  o.default_region = "FR";
  return o;
}

// ---- Seeders: representative rows in the shape of one schema version ----

int64_t Us(absl::Duration after_epoch) { return absl::ToUnixMicros(TestEpoch() + after_epoch); }

Journey CheckoutJourney() {
  return ParseTextProto<Journey>(R"pb(
    key: "checkout"
    name: "Checkout"
    steps { key: "browse" name: "Browse" next: "pay" touchpoints: "web.shop" }
    steps { key: "pay" name: "Pay" next: "done" next: "failed" skill: "payments" }
    steps { key: "done" name: "Done" outcome: STEP_OUTCOME_SUCCESS }
    steps { key: "failed" name: "Failed" outcome: STEP_OUTCOME_FAILURE }
  )pb");
}

// Interaction body as stored: the row's columns say id and owner.
Blob InteractionBody(Interaction i) {
  i.clear_id();
  i.clear_customer_id();
  return Blob{i.SerializeAsString()};
}

// Schema version 1: two customers, identities, a touchpoint, a journey
// with a running instance, an open case and two interactions.
void SeedV1(sqlite3* db) {
  Customer profile;
  profile.set_display_name("Seed Customer");
  profile.set_language("fr");
  SetAttribute(profile.mutable_attributes(), "tier", "gold");
  const std::string kCustomer =
      "INSERT INTO customers(key, id, status, merged_into, created_us, updated_us, profile) "
      "VALUES (?1, ?2, 1, NULL, ?3, ?3, ?4)";
  Run(db, kCustomer, {int64_t{1}, std::string("cust-seed"), Us(absl::ZeroDuration()),
                      Blob{profile.SerializeAsString()}});
  profile.Clear();
  profile.set_display_name("Other Customer");
  Run(db, kCustomer, {int64_t{2}, std::string("cust-other"), Us(absl::ZeroDuration()),
                      Blob{profile.SerializeAsString()}});

  const std::string kIdentity =
      "INSERT INTO identities(kind, platform, value, customer_key, linked_us) "
      "VALUES (?1, ?2, ?3, ?4, ?5)";
  Run(db, kIdentity, {int64_t{v1::IDENTITY_KIND_PHONE}, std::string(), std::string("+33612345678"),
                      int64_t{1}, Us(absl::ZeroDuration())});
  Run(db, kIdentity, {int64_t{v1::IDENTITY_KIND_EMAIL}, std::string(),
                      std::string("seed@example.com"), int64_t{1}, Us(absl::ZeroDuration())});
  Run(db, kIdentity, {int64_t{v1::IDENTITY_KIND_PHONE}, std::string(), std::string("+33687654321"),
                      int64_t{2}, Us(absl::ZeroDuration())});

  Touchpoint tp;
  tp.set_key("web.shop");
  tp.mutable_channel()->set_kind(v1::CHANNEL_KIND_WEB);
  tp.set_description("The shop");
  Run(db, "INSERT INTO touchpoints(key, body) VALUES (?1, ?2)",
      {std::string("web.shop"), Blob{tp.SerializeAsString()}});

  Journey j = CheckoutJourney();
  j.set_version(1);
  *j.mutable_defined_at() = ToProtoTime(TestEpoch());
  Run(db, "INSERT INTO journeys(key, version, defined_us, body) VALUES (?1, 1, ?2, ?3)",
      {std::string("checkout"), Us(absl::ZeroDuration()), Blob{j.SerializeAsString()}});
  Run(db,
      "INSERT INTO journey_instances(id, customer_key, journey_key, journey_version, status, "
      "current_step, started_us, step_entered_us, ended_us) "
      "VALUES (1, 1, 'checkout', 1, 1, 'pay', ?1, ?2, NULL)",
      {Us(absl::ZeroDuration()), Us(absl::Minutes(1))});
  const std::string kTransition =
      "INSERT INTO journey_transitions(instance_id, seq, from_step, to_step, at_us, channel, "
      "provider, interaction_id) VALUES (1, ?1, ?2, ?3, ?4, ?5, '', ?6)";
  Run(db, kTransition, {int64_t{1}, std::string(), std::string("browse"), Us(absl::ZeroDuration()),
                        int64_t{0}, nullptr});
  Run(db, kTransition, {int64_t{2}, std::string("browse"), std::string("pay"),
                        Us(absl::Minutes(1)), int64_t{v1::CHANNEL_KIND_WEB}, int64_t{1}});

  Run(db,
      "INSERT INTO cases(id, customer_key, status, priority, owner_agent, queue, subject, "
      "journey_instance_id, opened_us, updated_us, resolved_us, closed_us, interaction_count) "
      "VALUES (1, 1, 1, 3, 'agent-7', 'support', 'Card blocked', NULL, ?1, ?2, NULL, NULL, 1)",
      {Us(absl::ZeroDuration()), Us(absl::Minutes(2))});

  const std::string kInteraction =
      "INSERT INTO interactions(customer_key, occurred_us, id, channel, direction, case_id, "
      "journey_instance_id, external_id, body) VALUES (1, ?1, ?2, ?3, 1, ?4, ?5, ?6, ?7)";
  Interaction web = MakeInteraction("cust-seed", TestEpoch() + absl::Minutes(1),
                                    v1::CHANNEL_KIND_WEB, "web.shop", "page_view");
  web.set_journey_step("pay");
  web.set_journey_instance_id(1);
  web.set_external_id("ext-1");
  *web.mutable_recorded_at() = ToProtoTime(TestEpoch() + absl::Minutes(1));
  Run(db, kInteraction, {Us(absl::Minutes(1)), int64_t{1}, int64_t{v1::CHANNEL_KIND_WEB}, nullptr,
                         int64_t{1}, std::string("ext-1"), InteractionBody(web)});
  Interaction call = MakeInteraction("cust-seed", TestEpoch() + absl::Minutes(2),
                                     v1::CHANNEL_KIND_VOICE, "ivr.main", "call");
  call.set_case_id(1);
  call.set_agent_id("agent-7");
  call.set_summary("card blocked");
  *call.mutable_recorded_at() = ToProtoTime(TestEpoch() + absl::Minutes(2));
  Run(db, kInteraction, {Us(absl::Minutes(2)), int64_t{2}, int64_t{v1::CHANNEL_KIND_VOICE},
                         int64_t{1}, nullptr, nullptr, InteractionBody(call)});
}

using Seeder = std::function<void(sqlite3*)>;

// Seeders by the schema version whose shape they write.
const std::map<int, Seeder>& Seeders() {
  static const auto* seeders = new std::map<int, Seeder>{{1, SeedV1}};
  return *seeders;
}

const char* const kSeededTables[] = {"customers", "identities",        "touchpoints",
                                     "journeys",  "journey_instances", "journey_transitions",
                                     "cases",     "interactions"};

std::map<std::string, int64_t> RowCounts(sqlite3* db) {
  std::map<std::string, int64_t> counts;
  for (const char* table : kSeededTables) {
    counts[table] = QueryInt(db, std::string("SELECT count(*) FROM ") + table);
  }
  return counts;
}

// Reads the seeded rows back through the public API.
void ExpectSeededRows(Store& store) {
  ASSIGN_OR_FAIL(Customer c, store.GetCustomer("cust-seed"));
  CHECK(c.display_name() == "Seed Customer");
  CHECK(c.language() == "fr");
  CHECK(FindAttribute(c.attributes(), "tier") == "gold");
  CHECK(c.status() == v1::CUSTOMER_STATUS_ACTIVE);
  CHECK(FromProtoTime(c.created_at()) == TestEpoch());
  REQUIRE(c.identities_size() == 2);
  CHECK(c.identities(0).value() == "+33612345678");
  CHECK(c.identities(1).value() == "seed@example.com");
  ASSIGN_OR_FAIL(auto by_email, store.Resolve(Email("Seed@Example.com")));
  CHECK(by_email == std::optional<std::string>("cust-seed"));
  ASSIGN_OR_FAIL(auto other, store.Resolve(Phone("06 87 65 43 21")));
  CHECK(other == std::optional<std::string>("cust-other"));

  ASSIGN_OR_FAIL(auto touchpoints, store.ListTouchpoints());
  REQUIRE(touchpoints.size() == 1);
  CHECK(touchpoints[0].description() == "The shop");

  ASSIGN_OR_FAIL(Journey j, store.GetJourney("checkout"));
  CHECK(j.version() == 1);
  CHECK(j.steps_size() == 4);
  ASSIGN_OR_FAIL(JourneyInstance inst, store.GetJourneyInstance(1));
  CHECK(inst.customer_id() == "cust-seed");
  CHECK(inst.current_step() == "pay");
  CHECK(inst.status() == v1::JOURNEY_STATUS_ACTIVE);
  REQUIRE(inst.history_size() == 2);
  CHECK(inst.history(1).from_step() == "browse");
  CHECK(inst.history(1).interaction_id() == 1);

  ASSIGN_OR_FAIL(Case kase, store.GetCase(1));
  CHECK(kase.customer_id() == "cust-seed");
  CHECK(kase.subject() == "Card blocked");
  CHECK(kase.owner_agent() == "agent-7");
  CHECK(kase.priority() == v1::CASE_PRIORITY_HIGH);
  CHECK(kase.status() == v1::CASE_STATUS_OPEN);
  CHECK(kase.interaction_count() == 1);

  ASSIGN_OR_FAIL(TimelinePage page, store.Timeline("cust-seed"));
  REQUIRE(page.interactions.size() == 2);
  CHECK(page.interactions[0].id() == 2);
  CHECK(page.interactions[0].summary() == "card blocked");
  CHECK(page.interactions[0].case_id() == 1);
  CHECK(page.interactions[1].id() == 1);
  CHECK(page.interactions[1].external_id() == "ext-1");
  CHECK(page.interactions[1].journey_instance_id() == 1);

  ASSIGN_OR_FAIL(Context ctx, store.Lookup({.identity = Phone("+33612345678"),
                                            .channel = Channel::kIvr}));
  REQUIRE(ctx.known());
  CHECK(ctx.customer().id() == "cust-seed");
  CHECK(ctx.journeys_size() == 1);
  CHECK(ctx.open_cases_size() == 1);
  CHECK(ctx.recent_size() == 2);
  REQUIRE_OK(store.Check());

  // The migrated file takes writes: a replayed key, a new row, a step.
  Interaction replay = MakeInteraction("cust-seed", TestEpoch() + absl::Minutes(1),
                                       v1::CHANNEL_KIND_WEB, "web.shop", "page_view");
  replay.set_external_id("ext-1");
  ASSIGN_OR_FAIL(int64_t replayed, store.Record(replay));
  CHECK(replayed == 1);
  ASSIGN_OR_FAIL(int64_t fresh, store.Record(MakeInteraction(
                                    "cust-seed", TestEpoch() + absl::Minutes(3),
                                    v1::CHANNEL_KIND_SMS, "sms.in", "message")));
  CHECK(fresh == 3);
  ASSIGN_OR_FAIL(JourneyInstance done, store.AdvanceJourney(1, "done"));
  CHECK(done.status() == v1::JOURNEY_STATUS_COMPLETED);
  REQUIRE_OK(store.Check());
}

// Seeds a file at schema version `from` (the newest seeder at or below it,
// then migrations up to `from`), migrates it to the latest version and
// checks the rows.
void MigrateWithRowsFrom(int from) {
  INFO("starting from schema version " << from);
  auto seeder = Seeders().upper_bound(from);
  REQUIRE(seeder != Seeders().begin());
  --seeder;
  TempDir dir;
  const std::string path = dir.File("old.db");
  {
    auto conn = OpenConnection(path);
    REQUIRE_OK(Migrate(conn.get(), seeder->first));
    REQUIRE(QueryInt(conn->raw(), "PRAGMA user_version") == seeder->first);
    seeder->second(conn->raw());
    REQUIRE_OK(Migrate(conn.get(), from));
    REQUIRE(QueryInt(conn->raw(), "PRAGMA user_version") == from);
    const auto before = RowCounts(conn->raw());
    REQUIRE_OK(Migrate(conn.get()));
    CHECK(QueryInt(conn->raw(), "PRAGMA user_version") == LatestSchemaVersion());
    CHECK(RowCounts(conn->raw()) == before);
  }
  ASSIGN_OR_FAIL(auto store, Store::Open(path, TestOptions()));
  ASSIGN_OR_FAIL(int version, store->FileSchemaVersion());
  CHECK(version == LatestSchemaVersion());
  {
    // The seeded file used a rollback journal; Open switched it to WAL.
    RawDb raw(path);
    CHECK(QueryInt(raw.get(), "SELECT journal_mode = 'wal' FROM pragma_journal_mode") == 1);
  }
  ExpectSeededRows(*store);
}

TEST_CASE("Migrations are numbered 1, 2, 3 ... and the latest is the last", "[migration]") {
  auto migrations = Migrations();
  REQUIRE_FALSE(migrations.empty());
  for (size_t k = 0; k < migrations.size(); ++k) {
    CHECK(migrations[k].version == static_cast<int>(k + 1));
    CHECK_FALSE(migrations[k].script.empty());
  }
  CHECK(LatestSchemaVersion() == migrations.back().version);
  CHECK(SchemaVersion() == LatestSchemaVersion());
}

TEST_CASE("A fresh file is migrated to the latest version and marked as ours", "[migration]") {
  TempStore store;
  ASSIGN_OR_FAIL(int version, store->FileSchemaVersion());
  CHECK(version == LatestSchemaVersion());
  RawDb raw(store.path());
  CHECK(QueryInt(raw.get(), "PRAGMA user_version") == LatestSchemaVersion());
  CHECK(QueryInt(raw.get(), "PRAGMA application_id") == 0x4f435458);
  CHECK(kApplicationId == 0x4f435458);
  for (const char* table : kSeededTables) {
    INFO(table);
    CHECK(QueryInt(raw.get(), std::string("SELECT count(*) FROM sqlite_schema "
                                          "WHERE type = 'table' AND name = '") +
                                  table + "'") == 1);
  }
}

TEST_CASE("A file written by a newer omnictx is refused and left as it was", "[migration]") {
  TempDir dir;
  const std::string path = dir.File("newer.db");
  {
    RawDb raw(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const std::string sql = "PRAGMA application_id=" + std::to_string(kApplicationId) +
                            "; PRAGMA user_version=" + std::to_string(LatestSchemaVersion() + 1) +
                            "; CREATE TABLE future_things(x INTEGER);";
    REQUIRE(sqlite3_exec(raw.get(), sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  const std::string before = ReadBytes(path);
  SECTION("Store::Open") {
    auto s = Store::Open(path, TestOptions());
    CHECK(s.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(s.status().message()), Catch::Contains("newer"));
  }
  SECTION("Store::Open read-only") {
    Options options = TestOptions();
    options.read_only = true;
    auto s = Store::Open(path, options);
    CHECK(s.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(s.status().message()), Catch::Contains("newer"));
  }
  SECTION("Migrate") {
    auto conn = OpenConnection(path);
    absl::Status s = Migrate(conn.get());
    CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(s.message()), Catch::Contains("newer"));
  }
  CHECK((ReadBytes(path) == before));
}

TEST_CASE("Every migration applies to a file of the previous version with rows in it",
          "[migration]") {
  for (const auto& m : Migrations()) {
    if (m.version <= 1) continue;
    DYNAMIC_SECTION("migration " << m.version) { MigrateWithRowsFrom(m.version - 1); }
  }
}

TEST_CASE("A version-1 file with rows opens with Store::Open", "[migration]") {
  // The oldest file a user may have goes through every migration at once;
  // with a single migration this is also what checks the seeder itself.
  MigrateWithRowsFrom(1);
}

TEST_CASE("An empty file migrated to version 1 opens, and Migrate again is a no-op",
          "[migration]") {
  TempDir dir;
  const std::string path = dir.File("v1.db");
  {
    auto conn = OpenConnection(path);
    REQUIRE_OK(Migrate(conn.get(), 1));
    CHECK(QueryInt(conn->raw(), "PRAGMA user_version") == 1);
    CHECK(QueryInt(conn->raw(), "PRAGMA application_id") == kApplicationId);
    REQUIRE_OK(Migrate(conn.get()));
    const std::string schema = SchemaSql(conn->raw());
    const std::string bytes = ReadBytes(path);
    const int changes = sqlite3_total_changes(conn->raw());
    REQUIRE_OK(Migrate(conn.get()));
    REQUIRE_OK(Migrate(conn.get(), 1));
    CHECK(sqlite3_total_changes(conn->raw()) == changes);
    CHECK(SchemaSql(conn->raw()) == schema);
    CHECK((ReadBytes(path) == bytes));
    CHECK(QueryInt(conn->raw(), "PRAGMA user_version") == LatestSchemaVersion());
  }
  ASSIGN_OR_FAIL(auto store, Store::Open(path, TestOptions()));
  ASSIGN_OR_FAIL(int version, store->FileSchemaVersion());
  CHECK(version == LatestSchemaVersion());
  MakeCustomer(*store, "c-1", "Ada");
  REQUIRE_OK(store->Check());
}

TEST_CASE("A file written by the current Store reopens with all its rows", "[migration]") {
  TempStore store;
  MakeCustomer(store.store(), "c-1", "Ada");
  MakeCustomer(store.store(), "c-2", "Grace");
  REQUIRE_OK(store->LinkIdentity("c-1", Phone("06 12 34 56 78")));
  REQUIRE_OK(store->LinkIdentity("c-1", Email("ada@example.com")));
  REQUIRE_OK(store->LinkIdentity("c-2", Cookie("ck-1")));
  Touchpoint tp;
  tp.set_key("web.shop");
  tp.mutable_channel()->set_kind(v1::CHANNEL_KIND_WEB);
  REQUIRE_OK(store->RegisterTouchpoint(tp));
  REQUIRE_OK(store->DefineJourney(CheckoutJourney()));
  ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("c-1", "checkout"));
  Case c;
  c.set_customer_id("c-1");
  c.set_subject("Card blocked");
  c.set_owner_agent("agent-7");
  ASSIGN_OR_FAIL(Case opened, store->OpenCase(c));
  store.clock().Advance(absl::Minutes(5));
  Interaction web = MakeInteraction("c-1", store.clock().Now(), v1::CHANNEL_KIND_WEB, "web.shop",
                                    "page_view");
  web.set_journey_step("pay");
  REQUIRE_OK(store->Record(web));
  Interaction call = MakeInteraction("c-1", store.clock().Now(), v1::CHANNEL_KIND_VOICE,
                                     "ivr.main", "call");
  call.set_case_id(opened.id());
  call.set_external_id("call-1");
  REQUIRE_OK(store->Record(call));
  REQUIRE_OK(store->Record(MakeInteraction("c-2", store.clock().Now(), v1::CHANNEL_KIND_CHAT,
                                           "chat.web", "message")));

  ASSIGN_OR_FAIL(Customer c1, store->GetCustomer("c-1"));
  ASSIGN_OR_FAIL(Customer c2, store->GetCustomer("c-2"));
  ASSIGN_OR_FAIL(TimelinePage t1, store->Timeline("c-1"));
  ASSIGN_OR_FAIL(TimelinePage t2, store->Timeline("c-2"));
  ASSIGN_OR_FAIL(JourneyInstance i1, store->GetJourneyInstance(inst.id()));
  ASSIGN_OR_FAIL(Case k1, store->GetCase(opened.id()));
  ASSIGN_OR_FAIL(Journey j1, store->GetJourney("checkout"));
  REQUIRE(t1.interactions.size() == 2);
  CHECK(i1.current_step() == "pay");
  CHECK(k1.interaction_count() == 1);

  store.Reopen();
  REQUIRE_OK(store->Check());
  ASSIGN_OR_FAIL(Customer c1b, store->GetCustomer("c-1"));
  CHECK_THAT(c1b, ProtoEquals(c1));
  ASSIGN_OR_FAIL(Customer c2b, store->GetCustomer("c-2"));
  CHECK_THAT(c2b, ProtoEquals(c2));
  ASSIGN_OR_FAIL(TimelinePage t1b, store->Timeline("c-1"));
  REQUIRE(t1b.interactions.size() == t1.interactions.size());
  for (size_t k = 0; k < t1.interactions.size(); ++k) {
    CHECK_THAT(t1b.interactions[k], ProtoEquals(t1.interactions[k]));
  }
  ASSIGN_OR_FAIL(TimelinePage t2b, store->Timeline("c-2"));
  REQUIRE(t2b.interactions.size() == 1);
  CHECK_THAT(t2b.interactions[0], ProtoEquals(t2.interactions[0]));
  ASSIGN_OR_FAIL(JourneyInstance i1b, store->GetJourneyInstance(inst.id()));
  CHECK_THAT(i1b, ProtoEquals(i1));
  ASSIGN_OR_FAIL(Case k1b, store->GetCase(opened.id()));
  CHECK_THAT(k1b, ProtoEquals(k1));
  ASSIGN_OR_FAIL(Journey j1b, store->GetJourney("checkout"));
  CHECK_THAT(j1b, ProtoEquals(j1));
  ASSIGN_OR_FAIL(auto touchpoints, store->ListTouchpoints());
  REQUIRE(touchpoints.size() == 1);
  CHECK_THAT(touchpoints[0], ProtoEquals(tp));
}

}  // namespace
}  // namespace omnictx
