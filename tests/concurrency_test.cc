// SPDX-License-Identifier: Apache-2.0
//
// Many threads and several processes on one store: readers see one
// snapshot per call while a writer records, writers are serialized, two
// processes share the file through the busy timeout, and a lock held past
// the timeout surfaces as Unavailable with nothing written.
//
// Catch2 assertions are not thread-safe: worker threads only record
// failures in a Failures object, which the test thread checks after join.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::TempDir;
using testing::TempStore;
using testing::TestEpoch;

// Failures seen by worker threads; the first message is kept.
class Failures {
 public:
  void Add(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    if (count_++ == 0) first_ = what;
  }
  void Add(const std::string& what, const absl::Status& s) { Add(what + ": " + s.ToString()); }
  int count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return count_;
  }
  std::string first() const {
    std::lock_guard<std::mutex> lock(mu_);
    return first_;
  }

 private:
  mutable std::mutex mu_;
  int count_ = 0;
  std::string first_;
};

#define REQUIRE_NO_FAILURES(failures)  \
  do {                                 \
    INFO((failures).first());          \
    REQUIRE((failures).count() == 0);  \
  } while (false)

int64_t CountInteractions(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT count(*) FROM interactions", -1, &stmt, nullptr) ==
          SQLITE_OK);
  int rc = sqlite3_step(stmt);
  int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close_v2(db);
  REQUIRE(rc == SQLITE_ROW);
  return n;
}

// The writer's sequence number, carried in the external id "<prefix><n>".
int64_t Seq(const Interaction& i, const std::string& prefix) {
  int64_t n = -1;
  if (i.external_id().rfind(prefix, 0) != 0 ||
      !absl::SimpleAtoi(absl::string_view(i.external_id()).substr(prefix.size()), &n)) {
    return -1;
  }
  return n;
}

// Checks that `newest_first` is what one snapshot of a single writer that
// recorded sequence numbers 0, 1, 2 ... in order looks like: the newest
// `limit` numbers, contiguous, without duplicates. Returns the newest
// number (-1 when empty) or -2 after recording a failure.
int64_t CheckSnapshot(const std::vector<const Interaction*>& newest_first, size_t limit,
                      const std::string& what, Failures& failures) {
  if (newest_first.empty()) return -1;
  const int64_t top = Seq(*newest_first[0], "hot-");
  std::set<int64_t> ids;
  for (size_t k = 0; k < newest_first.size(); ++k) {
    ids.insert(newest_first[k]->id());
    if (Seq(*newest_first[k], "hot-") != top - static_cast<int64_t>(k)) {
      failures.Add(what + ": not contiguous at row " + std::to_string(k));
      return -2;
    }
  }
  if (ids.size() != newest_first.size()) {
    failures.Add(what + ": duplicate interaction ids");
    return -2;
  }
  const size_t expected = std::min<size_t>(limit, static_cast<size_t>(top + 1));
  if (newest_first.size() != expected) {
    failures.Add(what + ": " + std::to_string(newest_first.size()) + " rows, expected " +
                 std::to_string(expected));
    return -2;
  }
  return top;
}

TEST_CASE("Readers see one consistent snapshot while a writer records", "[concurrency]") {
  TempStore store;
  MakeCustomer(store.store(), "c-hot", "Hot");
  MakeCustomer(store.store(), "c-quiet", "Quiet");
  REQUIRE_OK(store->LinkIdentity("c-hot", Phone("06 12 34 56 78")));
  REQUIRE_OK(store->LinkIdentity("c-quiet", Phone("06 87 65 43 21")));
  // Every hot interaction is attached to this case: in one snapshot the
  // case's interaction count (cases table) matches the newest interaction
  // (interactions table), which Lookup reads with separate queries.
  Case hot_case;
  hot_case.set_customer_id("c-hot");
  hot_case.set_subject("Delivery");
  ASSIGN_OR_FAIL(Case opened, store->OpenCase(hot_case));
  for (int k = 0; k < 3; ++k) {
    REQUIRE_OK(store->Record(MakeInteraction("c-quiet", TestEpoch() - absl::Hours(2 - k),
                                             v1::CHANNEL_KIND_EMAIL, "email.in", "message")));
  }

  constexpr int kWrites = 1500;
  constexpr int kReaders = 8;
  constexpr int kMaxReadsPerThread = 100000;  // a bound, never reached in practice
  constexpr int kRecent = 20;
  constexpr int kPage = 50;
  const absl::Time base = TestEpoch() - absl::Hours(1);
  Failures failures;
  std::atomic<bool> writer_done{false};
  std::atomic<int> acknowledged{0};
  std::atomic<int64_t> reads{0};

  auto read_once = [&](int64_t* newest, size_t* count) {
    auto ctx = store->Lookup({.identity = Phone("+33612345678"), .channel = Channel::kIvr,
                              .recent_limit = kRecent});
    if (!ctx.ok()) return failures.Add("Lookup", ctx.status());
    if (!ctx->known() || ctx->customer().id() != "c-hot") return failures.Add("Lookup: unknown");
    std::vector<const Interaction*> recent;
    for (const Interaction& i : ctx->recent()) recent.push_back(&i);
    int64_t top = CheckSnapshot(recent, kRecent, "Lookup", failures);
    if (top == -2) return;
    if (ctx->open_cases_size() != 1 || ctx->open_cases(0).interaction_count() != top + 1) {
      return failures.Add("Lookup: case count and interactions from different snapshots");
    }
    if (top < *newest || recent.size() < *count) {
      return failures.Add("Lookup went back in time: newest " + std::to_string(top) + " after " +
                          std::to_string(*newest));
    }
    *newest = top;
    *count = recent.size();
    TimelineQuery q;
    q.page_size = kPage;
    auto page = store->Timeline("c-hot", q);
    if (!page.ok()) return failures.Add("Timeline", page.status());
    std::vector<const Interaction*> rows;
    for (const Interaction& i : page->interactions) rows.push_back(&i);
    int64_t page_top = CheckSnapshot(rows, kPage, "Timeline", failures);
    if (page_top == -2) return;
    if (page_top < *newest) return failures.Add("Timeline older than the previous Lookup");
    *newest = page_top;
    auto quiet = store->Lookup({.identity = Phone("+33687654321")});
    if (!quiet.ok()) return failures.Add("Lookup quiet", quiet.status());
    if (quiet->recent_size() != 3) return failures.Add("Lookup quiet: rows changed");
    reads.fetch_add(1);
  };

  std::vector<std::thread> readers;
  std::vector<int64_t> final_newest(kReaders, -1);
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      int64_t newest = -1;
      size_t count = 0;
      for (int n = 0; n < kMaxReadsPerThread && !writer_done.load(); ++n) {
        read_once(&newest, &count);
      }
      // Every acknowledged write is visible once the writer is done.
      read_once(&newest, &count);
      final_newest[r] = newest;
    });
  }
  std::thread writer([&] {
    for (int k = 0; k < kWrites; ++k) {
      Interaction i = MakeInteraction("c-hot", base + absl::Milliseconds(k), v1::CHANNEL_KIND_WEB,
                                      "web.page", "page_view");
      i.set_external_id("hot-" + std::to_string(k));
      i.set_case_id(opened.id());
      auto id = store->Record(i);
      if (!id.ok()) {
        failures.Add("Record", id.status());
        break;
      }
      acknowledged.fetch_add(1);
    }
    writer_done.store(true);
  });
  writer.join();
  for (std::thread& t : readers) t.join();

  REQUIRE_NO_FAILURES(failures);
  CHECK(acknowledged.load() == kWrites);
  CHECK(reads.load() >= kReaders);
  for (int r = 0; r < kReaders; ++r) CHECK(final_newest[r] == kWrites - 1);
  CHECK(CountInteractions(store.path()) == acknowledged.load() + 3);
}

TEST_CASE("Writers on many threads are serialized", "[concurrency]") {
  TempStore store;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  // Two customers: half the threads write to each.
  MakeCustomer(store.store(), "w-0", "Even");
  MakeCustomer(store.store(), "w-1", "Odd");
  Failures failures;
  std::mutex ids_mu;
  std::vector<int64_t> ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kPerThread; ++k) {
        Interaction i =
            MakeInteraction("w-" + std::to_string(t % 2), TestEpoch() - absl::Minutes(k),
                            v1::CHANNEL_KIND_CHAT, "chat.web", "message");
        i.set_external_id("t" + std::to_string(t) + "-" + std::to_string(k));
        auto id = store->Record(i);
        if (!id.ok()) return failures.Add("Record", id.status());
        std::lock_guard<std::mutex> lock(ids_mu);
        ids.push_back(*id);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  REQUIRE_NO_FAILURES(failures);
  REQUIRE(ids.size() == kThreads * kPerThread);
  CHECK(std::set<int64_t>(ids.begin(), ids.end()).size() == ids.size());
  CHECK(CountInteractions(store.path()) == kThreads * kPerThread);
  TimelineQuery q;
  q.page_size = 1000;
  ASSIGN_OR_FAIL(TimelinePage even, store->Timeline("w-0", q));
  ASSIGN_OR_FAIL(TimelinePage odd, store->Timeline("w-1", q));
  CHECK(even.interactions.size() == kThreads / 2 * kPerThread);
  CHECK(odd.interactions.size() == kThreads / 2 * kPerThread);
  REQUIRE_OK(store->Check());
}

// A file descriptor closed at scope exit, so a failing test never leaves
// the other process blocked on a pipe.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Waits for the child at scope exit unless already reaped.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child() {
    if (pid_ > 0) Wait();
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  int Wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

// Child exit codes.
enum : int {
  kChildOk = 0,
  kChildOpenFailed = 10,
  kChildUpsertFailed = 11,
  kChildBusy = 12,
  kChildRecordFailed = 13,
  kChildPipe = 14,
};

// Opens the store, creates `customer`, then records `n` interactions with
// external ids "<customer>-<k>". Returns the number of Unavailable errors
// through `busy` and the first other error as the status.
absl::Status OpenAndRecord(const std::string& path, const std::string& customer, int n,
                           int ready_fd, int go_fd, int* busy) {
  Options options;
  options.clock = std::make_shared<FakeClock>(TestEpoch());
  auto store = Store::Open(path, options);
  if (!store.ok()) return store.status();
  Customer c;
  c.set_id(customer);
  if (auto s = (*store)->UpsertCustomer(c); !s.ok()) return s.status();
  // Both processes are open before either writes, so the writes overlap.
  char byte = 'r';
  if (::write(ready_fd, &byte, 1) != 1 || ::read(go_fd, &byte, 1) != 1) {
    return absl::InternalError("pipe");
  }
  for (int k = 0; k < n; ++k) {
    Interaction i = MakeInteraction(customer, TestEpoch() - absl::Seconds(k),
                                    v1::CHANNEL_KIND_SMS, "sms.in", "message");
    i.set_external_id(customer + "-" + std::to_string(k));
    auto id = (*store)->Record(i);
    if (absl::IsUnavailable(id.status())) ++*busy;
    if (!id.ok()) return id.status();
  }
  return absl::OkStatus();
}

TEST_CASE("Two processes record into one file", "[concurrency]") {
  TempDir dir;
  const std::string path = dir.File("shared.db");
  constexpr int kPerProcess = 300;
  int to_parent[2];
  int to_child[2];
  REQUIRE(::pipe(to_parent) == 0);
  REQUIRE(::pipe(to_child) == 0);
  Fd parent_read(to_parent[0]), child_write(to_parent[1]);
  Fd child_read(to_child[0]), parent_write(to_child[1]);

  // Nothing is open on the file yet: both processes create and migrate it.
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    parent_read.Close();
    parent_write.Close();
    int busy = 0;
    absl::Status s = OpenAndRecord(path, "child", kPerProcess, child_write.get(),
                                   child_read.get(), &busy);
    int code = kChildOk;
    if (busy > 0) {
      code = kChildBusy;
    } else if (!s.ok()) {
      code = s.message() == "pipe" ? kChildPipe : kChildRecordFailed;
    }
    ::_exit(code);
  }
  Child child(pid);
  child_write.Close();
  child_read.Close();

  int busy = 0;
  absl::Status s = OpenAndRecord(path, "parent", kPerProcess, parent_write.get(),
                                 parent_read.get(), &busy);
  parent_write.Close();
  const int status = child.Wait();
  INFO(s);
  CHECK(s.ok());
  CHECK(busy == 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == kChildOk);

  CHECK(CountInteractions(path) == 2 * kPerProcess);
  Options options;
  options.clock = std::make_shared<FakeClock>(TestEpoch());
  ASSIGN_OR_FAIL(auto store, Store::Open(path, options));
  REQUIRE_OK(store->Check());
  TimelineQuery q;
  q.page_size = 1000;
  for (const char* who : {"parent", "child"}) {
    ASSIGN_OR_FAIL(TimelinePage page, store->Timeline(who, q));
    CHECK(page.interactions.size() == kPerProcess);
  }
}

TEST_CASE("A write lock held past busy_timeout makes writes Unavailable", "[concurrency]") {
  Options options;
  options.busy_timeout = absl::Milliseconds(200);
  TempStore store(options);
  MakeCustomer(store.store(), "c-1", "Ada");
  REQUIRE_OK(store->LinkIdentity("c-1", Phone("06 12 34 56 78")));
  Interaction first = MakeInteraction("c-1", TestEpoch(), v1::CHANNEL_KIND_WEB, "web.home",
                                      "page_view");
  REQUIRE_OK(store->Record(first));

  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open_v2(store.path().c_str(), &other, SQLITE_OPEN_READWRITE, nullptr) ==
          SQLITE_OK);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> other_guard(other, sqlite3_close_v2);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);

  Interaction second = MakeInteraction("c-1", TestEpoch(), v1::CHANNEL_KIND_VOICE, "ivr.main",
                                       "call");
  second.set_external_id("call-1");
  auto blocked = store->Record(second);
  CHECK(blocked.status().code() == absl::StatusCode::kUnavailable);
  CHECK_THAT(std::string(blocked.status().message()), Catch::Contains("database is locked"));
  Customer c2;
  c2.set_id("c-2");
  CHECK(store->UpsertCustomer(c2).status().code() == absl::StatusCode::kUnavailable);

  // Readers are not blocked by the writer, and see nothing of the failed calls.
  ASSIGN_OR_FAIL(Context ctx, store->Lookup({.identity = Phone("+33612345678")}));
  CHECK(ctx.recent_size() == 1);
  CHECK(store->GetCustomer("c-2").status().code() == absl::StatusCode::kNotFound);
  SECTION("another Store opens the file meanwhile") {
    ASSIGN_OR_FAIL(auto second_store, Store::Open(store.path(), store.options()));
    ASSIGN_OR_FAIL(TimelinePage page, second_store->Timeline("c-1"));
    CHECK(page.interactions.size() == 1);
  }

  REQUIRE(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(CountInteractions(store.path()) == 1);
  ASSIGN_OR_FAIL(int64_t id, store->Record(second));
  CHECK(id == 2);
  CHECK(CountInteractions(store.path()) == 2);
  REQUIRE_OK(store->UpsertCustomer(c2));
}

}  // namespace
}  // namespace omnictx
