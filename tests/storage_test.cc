// SPDX-License-Identifier: Apache-2.0
//
// The SQLite layer under the Store: what Open accepts and refuses, the file
// it leaves on disk, corruption and read-only handling, bound values, the
// status mapping and the RAII transaction.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "storage/sqlite/connection.h"
#include "test_util.h"

namespace omnictx {
namespace {

using storage::sqlite::Connection;
using storage::sqlite::ConnectionOptions;
using storage::sqlite::SqliteStatus;
using storage::sqlite::Transaction;
using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::TempDir;
using testing::TempStore;
using testing::TestEpoch;

namespace fs = std::filesystem;

// A raw sqlite3 connection, for looking at the file from outside.
class RawDb {
 public:
  explicit RawDb(const std::string& path, int flags = SQLITE_OPEN_READWRITE) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    INFO(path << ": " << sqlite3_errstr(rc));
    REQUIRE(rc == SQLITE_OK);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  int Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  int64_t Int(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    int rc = sqlite3_step(stmt);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    INFO(sql);
    REQUIRE(rc == SQLITE_ROW);
    return v;
  }
  std::string Text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    int rc = sqlite3_step(stmt);
    std::string v;
    if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      v = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    INFO(sql);
    REQUIRE(rc == SQLITE_ROW);
    return v;
  }
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

std::vector<std::string> DirEntries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

int Mode(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 0777);
}

Options TestOptions() {
  Options o;
  o.clock = std::make_shared<FakeClock>(TestEpoch());
  o.default_region = "FR";
  return o;
}

// Restores the process umask when it goes out of scope.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

TEST_CASE("Open creates the file, its WAL and shared memory with mode 0600", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("cc.db");
  // With no umask to help, the 0600 must come from the library itself.
  ScopedUmask no_umask(0);
  ASSIGN_OR_FAIL(auto store, Store::Open(path, TestOptions()));
  CHECK(Mode(path) == 0600);
  MakeCustomer(*store, "c-1", "Ada");  // a commit writes the -wal file
  REQUIRE(fs::exists(path + "-wal"));
  CHECK(Mode(path + "-wal") == 0600);
  REQUIRE(fs::exists(path + "-shm"));
  CHECK(Mode(path + "-shm") == 0600);
}

TEST_CASE("Open refuses paths that are not plain files", "[storage]") {
  TempDir dir;
  SECTION("an empty path") {
    auto s = Store::Open("", TestOptions());
    CHECK(s.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(s.status().message() == "path: empty");
  }
  SECTION("a file: URI, absolute or relative, whatever its case") {
    for (const std::string& uri :
         {"file:" + dir.File("x.db") + "?nolock=1", "FILE:" + dir.File("x.db"),
          std::string("file:x.db?nolock=1")}) {
      INFO(uri);
      auto s = Store::Open(uri, TestOptions());
      CHECK(s.status().code() == absl::StatusCode::kInvalidArgument);
      CHECK_THAT(std::string(s.status().message()), Catch::Contains("URI"));
    }
    CHECK(DirEntries(dir.path()).empty());
    CHECK_FALSE(fs::exists("x.db"));
    CHECK_FALSE(fs::exists("file:x.db?nolock=1"));
  }
  SECTION("an in-memory database") {
    auto s = Store::Open(":memory:", TestOptions());
    CHECK(s.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(s.status().message()), Catch::Contains("in-memory"));
    CHECK_FALSE(fs::exists(":memory:"));
  }
  SECTION("a symbolic link to a store") {
    const std::string real = dir.File("real.db");
    { ASSIGN_OR_FAIL(auto store, Store::Open(real, TestOptions())); }
    fs::create_symlink(real, dir.File("link.db"));
    auto s = Store::Open(dir.File("link.db"), TestOptions());
    CHECK(s.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(s.status().message() == "path: symbolic links are refused");
  }
  SECTION("a dangling symbolic link, whose target is not created") {
    fs::create_symlink(dir.File("target.db"), dir.File("link.db"));
    auto s = Store::Open(dir.File("link.db"), TestOptions());
    CHECK(s.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_FALSE(fs::exists(dir.File("target.db")));
    CHECK(DirEntries(dir.path()) == std::vector<std::string>{"link.db"});
  }
  SECTION("a directory") {
    fs::create_directory(dir.File("sub"));
    auto s = Store::Open(dir.File("sub"), TestOptions());
    CHECK(s.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(s.status().message() == "path: not a regular file");
  }
}

TEST_CASE("Open of a missing file without create_if_missing is NotFound", "[storage]") {
  TempDir dir;
  Options options = TestOptions();
  SECTION("read-write") { options.create_if_missing = false; }
  SECTION("read-only") { options.read_only = true; }
  auto s = Store::Open(dir.File("missing.db"), options);
  CHECK(s.status().code() == absl::StatusCode::kNotFound);
  CHECK(DirEntries(dir.path()).empty());
}

TEST_CASE("Open refuses a file that is not an SQLite database and leaves it as it was",
          "[storage]") {
  TempDir dir;
  const std::string path = dir.File("notes.db");
  std::string bytes;
  SECTION("random bytes") {
    std::mt19937 rng(42);
    for (int i = 0; i < 8192; ++i) bytes.push_back(static_cast<char>(rng() & 0xff));
  }
  SECTION("a text file") { bytes = "name,phone\nAda,+33612345678\n"; }
  WriteBytes(path, bytes);
  auto s = Store::Open(path, TestOptions());
  CHECK(s.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(s.status().message()), Catch::Contains("not an SQLite database"));
  CHECK((ReadBytes(path) == bytes));
  CHECK(DirEntries(dir.path()) == std::vector<std::string>{"notes.db"});
}

TEST_CASE("Open refuses an SQLite file of another application and leaves it as it was",
          "[storage]") {
  TempDir dir;
  const std::string path = dir.File("other.db");
  // One file per variant (a generator, not sections: the loop below opens
  // the same file in both modes).
  const char* setup = GENERATE(
      // a table and no application id
      "CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('hi')",
      // another application id and no table
      "PRAGMA application_id=305419896",
      // another application id and our schema version
      "PRAGMA application_id=305419896; PRAGMA user_version=1; CREATE TABLE customers(x)");
  INFO("setup: " << setup);
  {
    RawDb raw(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    REQUIRE(raw.Exec(setup) == SQLITE_OK);
  }
  // Both modes on the same file: a refusal leaves it as it was.
  const std::string before = ReadBytes(path);
  for (bool read_only : {false, true}) {
    INFO("read_only: " << read_only);
    Options options = TestOptions();
    options.read_only = read_only;
    auto s = Store::Open(path, options);
    CHECK(s.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(s.status().message()), Catch::Contains("another application"));
    // Not even switched to WAL: another application's file is not ours to change.
    CHECK((ReadBytes(path) == before));
    CHECK(DirEntries(dir.path()) == std::vector<std::string>{"other.db"});
  }
}

TEST_CASE("A corrupt page is DataLoss, never a crash", "[storage]") {
  TempStore store;
  MakeCustomer(store.store(), "c-1", "Ada");
  MakeCustomer(store.store(), "c-2", "Grace");
  REQUIRE_OK(store->LinkIdentity("c-1", Phone("06 12 34 56 78")));
  for (int k = 0; k < 300; ++k) {
    Interaction i = MakeInteraction(k % 2 == 0 ? "c-1" : "c-2",
                                    TestEpoch() - absl::Minutes(300 - k), v1::CHANNEL_KIND_WEB,
                                    "web.page", "page_view");
    i.set_summary(std::string(400, static_cast<char>('a' + k % 26)));
    REQUIRE_OK(store->Record(i));
  }
  REQUIRE_OK(store->Check());
  store.Close();
  // Closing the last connection checkpoints the WAL into the main file.
  REQUIRE_FALSE(fs::exists(store.path() + "-wal"));

  std::string bytes = ReadBytes(store.path());
  const size_t page = 4096;
  REQUIRE(bytes.size() >= 20 * page);
  const size_t middle = (bytes.size() / page / 2) * page;
  for (size_t k = middle; k < middle + page; ++k) bytes[k] = static_cast<char>(0xA5 ^ (k & 0x3f));
  WriteBytes(store.path(), bytes);

  ASSIGN_OR_FAIL(auto reopened, Store::Open(store.path(), store.options()));
  absl::Status check = reopened->Check();
  CHECK(check.code() == absl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(check.message()), Catch::StartsWith("integrity check failed"));

  // Reads touching the damaged page fail cleanly or succeed; none crashes.
  for (const char* id : {"c-1", "c-2"}) {
    TimelineQuery q;
    q.page_size = 1000;
    auto page_or = reopened->Timeline(id, q);
    INFO(page_or.status());
    CHECK((page_or.ok() || absl::IsDataLoss(page_or.status())));
  }
  auto ctx = reopened->Lookup({.identity = Phone("+33612345678"), .channel = Channel::kIvr});
  INFO(ctx.status());
  CHECK((ctx.ok() || absl::IsDataLoss(ctx.status())));
}

Journey TwoStepJourney() {
  return ParseTextProto<Journey>(R"pb(
    key: "order"
    name: "Order"
    steps { key: "browse" name: "Browse" next: "pay" }
    steps { key: "pay" name: "Pay" next: "done" }
    steps { key: "done" name: "Done" outcome: STEP_OUTCOME_SUCCESS }
  )pb");
}

TEST_CASE("A read-only store reads and refuses every write", "[storage]") {
  TempStore rw;
  MakeCustomer(rw.store(), "c-1", "Ada");
  MakeCustomer(rw.store(), "c-anon", "");
  MakeCustomer(rw.store(), "c-gone", "Old account");
  REQUIRE_OK(rw->LinkIdentity("c-1", Phone("06 12 34 56 78")));
  REQUIRE_OK(rw->LinkIdentity("c-anon", Cookie("ck-anon")));
  REQUIRE_OK(rw->DefineJourney(TwoStepJourney()));
  ASSIGN_OR_FAIL(JourneyInstance inst, rw->StartJourney("c-1", "order"));
  Case c;
  c.set_customer_id("c-1");
  c.set_subject("Parcel lost");
  ASSIGN_OR_FAIL(Case opened, rw->OpenCase(c));
  ASSIGN_OR_FAIL(int64_t first, rw->Record(MakeInteraction("c-1", TestEpoch(), v1::CHANNEL_KIND_WEB,
                                                           "web.home", "page_view")));
  rw.Close();
  const std::string before = ReadBytes(rw.path());

  Options ro = rw.options();
  ro.read_only = true;
  ASSIGN_OR_FAIL(auto store, Store::Open(rw.path(), ro));

  // Reads work.
  ASSIGN_OR_FAIL(Customer got, store->GetCustomer("c-1"));
  CHECK(got.display_name() == "Ada");
  ASSIGN_OR_FAIL(auto owner, store->Resolve(Phone("+33612345678")));
  CHECK(owner == std::optional<std::string>("c-1"));
  ASSIGN_OR_FAIL(Context ctx, store->Lookup({.identity = Phone("+33612345678")}));
  CHECK(ctx.known());
  CHECK(ctx.recent_size() == 1);
  ASSIGN_OR_FAIL(TimelinePage page, store->Timeline("c-1"));
  REQUIRE(page.interactions.size() == 1);
  CHECK(page.interactions[0].id() == first);
  REQUIRE_OK(store->GetJourney("order"));
  REQUIRE_OK(store->GetJourneyInstance(inst.id()));
  REQUIRE_OK(store->GetCase(opened.id()));
  REQUIRE_OK(store->ListMerges("c-1"));
  REQUIRE_OK(store->ListAudit());
  REQUIRE_OK(store->Check());
  ASSIGN_OR_FAIL(int version, store->FileSchemaVersion());
  CHECK(version == SchemaVersion());

  // Every write is refused with FailedPrecondition.
  Customer other;
  other.set_id("c-2");
  Touchpoint tp;
  tp.set_key("web.home");
  tp.mutable_channel()->set_kind(v1::CHANNEL_KIND_WEB);
  Interaction i = MakeInteraction("c-1", TestEpoch(), v1::CHANNEL_KIND_SMS, "sms.in", "message");
  std::vector<Interaction> batch = {i, i};
  Consent consent;
  consent.set_purpose("marketing");
  consent.set_channel(v1::CHANNEL_KIND_EMAIL);
  consent.set_state(v1::CONSENT_STATE_GRANTED);
  const MergeRequest merge = {.survivor_id = "c-1", .absorbed_id = "c-gone", .actor = "ops"};
  std::vector<std::pair<std::string, absl::Status>> writes = {
      {"UpsertCustomer new", store->UpsertCustomer(other).status()},
      {"UpsertCustomer existing", store->UpsertCustomer(got).status()},
      {"LinkIdentity", store->LinkIdentity("c-1", Email("ada@example.com")).status()},
      {"UnlinkIdentity", store->UnlinkIdentity(Phone("+33612345678"))},
      {"RegisterTouchpoint", store->RegisterTouchpoint(tp)},
      {"Record", store->Record(i).status()},
      {"RecordBatch", store->RecordBatch(batch).status()},
      {"DefineJourney", store->DefineJourney(TwoStepJourney()).status()},
      {"AdvanceJourney", store->AdvanceJourney(inst.id(), "pay").status()},
      {"EndJourney", store->EndJourney(inst.id(), v1::JOURNEY_STATUS_ABANDONED).status()},
      {"OpenCase", store->OpenCase(c).status()},
      {"AssignCase", store->AssignCase(opened.id(), "agent-7").status()},
      {"SetCaseStatus", store->SetCaseStatus(opened.id(), v1::CASE_STATUS_CLOSED).status()},
      {"Merge", store->Merge(merge).status()},
      {"Stitch", store->Stitch(Cookie("ck-anon"), Email("ada@example.com"), "web").status()},
      {"Erase", store->Erase("c-gone", "ops").status()},
      {"SetConsent", store->SetConsent("c-1", consent, "ops").status()},
  };
  for (const auto& [name, status] : writes) {
    INFO(name << ": " << status);
    CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(status.message()), Catch::Contains("read-only"));
  }
  store.reset();
  CHECK((ReadBytes(rw.path()) == before));
}

TEST_CASE("The file is in WAL mode and connections enforce foreign keys", "[storage]") {
  TempStore store;
  MakeCustomer(store.store(), "c-1", "Ada");
  {
    RawDb raw(store.path());
    CHECK(raw.Text("PRAGMA journal_mode") == "wal");
  }
  ConnectionOptions copts;
  SECTION("normal durability") {}
  SECTION("full durability") { copts.synchronous_full = true; }
  ASSIGN_OR_FAIL(auto conn, Connection::Open(store.path(), copts));
  int fk = -1;
  REQUIRE(sqlite3_db_config(conn->raw(), SQLITE_DBCONFIG_ENABLE_FKEY, -1, &fk) == SQLITE_OK);
  CHECK(fk == 1);
  ASSIGN_OR_FAIL(int64_t sync, conn->QueryInt("PRAGMA synchronous", "synchronous"));
  CHECK(sync == (copts.synchronous_full ? 2 : 1));
  // An interaction of a customer that does not exist breaks a foreign key.
  absl::Status bad = conn->Exec(
      "INSERT INTO interactions(customer_key, occurred_us, id, channel, direction, body) "
      "VALUES (999, 0, 999, 1, 1, x'')",
      "orphan interaction");
  CHECK(bad.code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(bad.message()), Catch::Contains("FOREIGN KEY constraint failed"));
}

TEST_CASE("Values are bound, never spliced into SQL", "[storage]") {
  TempStore store;
  const std::string id = "x'); DROP TABLE customers;--";
  const std::string name = "Robert\"); DELETE FROM customers; --";
  const std::string crm = "crm' OR '1'='1";
  const std::string summary = "'); DROP TABLE interactions;-- \" ; SELECT * FROM identities";
  const std::string ext = "ext'; DELETE FROM interactions WHERE '1'='1";
  MakeCustomer(store.store(), id, name);
  REQUIRE_OK(store->LinkIdentity(id, CrmId(crm)));
  Interaction in = MakeInteraction(id, TestEpoch(), v1::CHANNEL_KIND_EMAIL, "email.in", "message");
  in.set_summary(summary);
  in.set_external_id(ext);
  SetAttribute(in.mutable_attributes(), "note", "' OR 1=1; --");
  ASSIGN_OR_FAIL(int64_t iid, store->Record(in));

  store.Reopen();
  ASSIGN_OR_FAIL(Customer got, store->GetCustomer(id));
  CHECK(got.id() == id);
  CHECK(got.display_name() == name);
  REQUIRE(got.identities_size() == 1);
  CHECK(got.identities(0).value() == crm);
  ASSIGN_OR_FAIL(auto owner, store->Resolve(CrmId(crm)));
  CHECK(owner == std::optional<std::string>(id));
  ASSIGN_OR_FAIL(Interaction back, store->GetInteraction(iid));
  CHECK(back.summary() == summary);
  CHECK(back.external_id() == ext);
  CHECK(FindAttribute(back.attributes(), "note") == "' OR 1=1; --");
  // Replaying the external id finds the same row.
  ASSIGN_OR_FAIL(int64_t again, store->Record(in));
  CHECK(again == iid);
  RawDb raw(store.path());
  CHECK(raw.Int("SELECT count(*) FROM customers") == 1);
  CHECK(raw.Int("SELECT count(*) FROM interactions") == 1);
  CHECK(raw.Int("SELECT count(*) FROM identities") == 1);
}

TEST_CASE("Check is OK on a healthy store and data survives close and reopen", "[storage]") {
  TempStore store;
  MakeCustomer(store.store(), "c-1", "Ada");
  REQUIRE_OK(store->LinkIdentity("c-1", Phone("06 12 34 56 78")));
  ASSIGN_OR_FAIL(int64_t iid, store->Record(MakeInteraction("c-1", TestEpoch(),
                                                            v1::CHANNEL_KIND_VOICE, "ivr.main",
                                                            "call")));
  REQUIRE_OK(store->Check());
  store.Reopen();
  REQUIRE_OK(store->Check());
  ASSIGN_OR_FAIL(Context ctx, store->Lookup({.identity = Phone("+33 6 12 34 56 78")}));
  REQUIRE(ctx.known());
  CHECK(ctx.customer().id() == "c-1");
  CHECK(ctx.customer().display_name() == "Ada");
  REQUIRE(ctx.recent_size() == 1);
  CHECK(ctx.recent(0).id() == iid);
  CHECK(ctx.recent(0).touchpoint() == "ivr.main");
}

TEST_CASE("SqliteStatus maps SQLite result codes to status codes", "[storage]") {
  struct Mapping {
    int code;
    absl::StatusCode want;
  };
  const Mapping cases[] = {
      {SQLITE_CONSTRAINT_UNIQUE, absl::StatusCode::kAlreadyExists},
      {SQLITE_CONSTRAINT_PRIMARYKEY, absl::StatusCode::kAlreadyExists},
      {SQLITE_CONSTRAINT_FOREIGNKEY, absl::StatusCode::kFailedPrecondition},
      {SQLITE_CONSTRAINT_NOTNULL, absl::StatusCode::kFailedPrecondition},
      {SQLITE_BUSY, absl::StatusCode::kUnavailable},
      {SQLITE_BUSY_SNAPSHOT, absl::StatusCode::kUnavailable},
      {SQLITE_LOCKED, absl::StatusCode::kUnavailable},
      {SQLITE_CORRUPT, absl::StatusCode::kDataLoss},
      {SQLITE_CORRUPT_INDEX, absl::StatusCode::kDataLoss},
      {SQLITE_NOTADB, absl::StatusCode::kDataLoss},
      {SQLITE_FULL, absl::StatusCode::kResourceExhausted},
      {SQLITE_READONLY, absl::StatusCode::kFailedPrecondition},
      {SQLITE_TOOBIG, absl::StatusCode::kInvalidArgument},
      {SQLITE_ERROR, absl::StatusCode::kInternal},
      {SQLITE_IOERR_WRITE, absl::StatusCode::kInternal},
  };
  for (const Mapping& c : cases) {
    absl::Status s = SqliteStatus(c.code, "InsertThing", nullptr);
    INFO(c.code << " -> " << s);
    CHECK(s.code() == c.want);
    CHECK(s.message() == "sqlite InsertThing: " + std::string(sqlite3_errstr(c.code)));
  }
}

constexpr storage::sqlite::Sql kInsertSecret{"InsertSecret", "INSERT INTO t(v) VALUES (?1)"};
constexpr storage::sqlite::Sql kCountRows{"CountRows", "SELECT count(*) FROM t"};

int64_t CountRows(Connection* conn) {
  auto stmt = conn->Prepare(kCountRows);
  REQUIRE_OK(stmt);
  auto row = stmt->Step();
  REQUIRE_OK(row);
  REQUIRE(*row);
  return stmt->ColumnInt(0);
}

absl::Status InsertSecret(Connection* conn, const std::string& v) {
  auto stmt = conn->Prepare(kInsertSecret);
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, v);
  return stmt->Run();
}

TEST_CASE("A statement error names the statement, never the bound value", "[storage]") {
  TempDir dir;
  ConnectionOptions copts;
  copts.create = true;
  ASSIGN_OR_FAIL(auto conn, Connection::Open(dir.File("t.db"), copts));
  REQUIRE_OK(conn->Exec("CREATE TABLE t(v TEXT UNIQUE) STRICT", "create"));
  const std::string secret = "+33612345678 jane.doe@example.com";
  REQUIRE_OK(InsertSecret(conn.get(), secret));
  absl::Status dup = InsertSecret(conn.get(), secret);
  CHECK(dup.code() == absl::StatusCode::kAlreadyExists);
  CHECK_THAT(std::string(dup.message()), Catch::StartsWith("sqlite InsertSecret: "));
  CHECK_THAT(std::string(dup.message()), !Catch::Contains("33612345678"));
  CHECK_THAT(std::string(dup.message()), !Catch::Contains("jane"));
  // The borrowed statement was reset: it runs again.
  REQUIRE_OK(InsertSecret(conn.get(), "other"));
  CHECK(CountRows(conn.get()) == 2);
}

TEST_CASE("A Transaction rolls back unless committed", "[storage]") {
  TempDir dir;
  ConnectionOptions copts;
  copts.create = true;
  copts.busy_timeout = absl::Milliseconds(50);
  const std::string path = dir.File("t.db");
  ASSIGN_OR_FAIL(auto conn, Connection::Open(path, copts));
  REQUIRE_OK(conn->Exec("PRAGMA journal_mode=WAL; CREATE TABLE t(v TEXT UNIQUE) STRICT", "create"));

  SECTION("dropped without Commit") {
    for (auto mode : {Transaction::Mode::kDeferred, Transaction::Mode::kImmediate}) {
      ASSIGN_OR_FAIL(Transaction tx, Transaction::Begin(conn.get(), mode));
      REQUIRE_OK(InsertSecret(conn.get(), "a"));
      CHECK(CountRows(conn.get()) == 1);
    }
    CHECK(CountRows(conn.get()) == 0);
    CHECK(sqlite3_get_autocommit(conn->raw()) != 0);
  }
  SECTION("moved, then dropped") {
    {
      ASSIGN_OR_FAIL(Transaction tx, Transaction::Begin(conn.get(), Transaction::Mode::kImmediate));
      REQUIRE_OK(InsertSecret(conn.get(), "a"));
      Transaction moved(std::move(tx));
    }
    CHECK(CountRows(conn.get()) == 0);
  }
  SECTION("after a failed statement") {
    REQUIRE_OK(InsertSecret(conn.get(), "a"));
    {
      ASSIGN_OR_FAIL(Transaction tx, Transaction::Begin(conn.get(), Transaction::Mode::kImmediate));
      REQUIRE_OK(InsertSecret(conn.get(), "b"));
      CHECK(InsertSecret(conn.get(), "a").code() == absl::StatusCode::kAlreadyExists);
    }
    CHECK(CountRows(conn.get()) == 1);
  }
  SECTION("committed") {
    {
      ASSIGN_OR_FAIL(Transaction tx, Transaction::Begin(conn.get(), Transaction::Mode::kImmediate));
      REQUIRE_OK(InsertSecret(conn.get(), "a"));
      REQUIRE_OK(tx.Commit());
    }
    CHECK(CountRows(conn.get()) == 1);
    RawDb raw(path);
    CHECK(raw.Int("SELECT count(*) FROM t") == 1);
  }
  SECTION("Begin IMMEDIATE while another connection writes is Unavailable") {
    RawDb other(path);
    REQUIRE(other.Exec("BEGIN IMMEDIATE") == SQLITE_OK);
    auto tx = Transaction::Begin(conn.get(), Transaction::Mode::kImmediate);
    CHECK(tx.status().code() == absl::StatusCode::kUnavailable);
    REQUIRE(other.Exec("ROLLBACK") == SQLITE_OK);
    ASSIGN_OR_FAIL(Transaction again,
                   Transaction::Begin(conn.get(), Transaction::Mode::kImmediate));
    REQUIRE_OK(again.Commit());
  }
}

TEST_CASE("Connection::Open without create on a missing file is NotFound", "[storage]") {
  TempDir dir;
  auto conn = Connection::Open(dir.File("missing.db"), ConnectionOptions{});
  CHECK(conn.status().code() == absl::StatusCode::kNotFound);
  CHECK(DirEntries(dir.path()).empty());
}

}  // namespace
}  // namespace omnictx
