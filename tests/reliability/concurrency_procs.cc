// SPDX-License-Identifier: Apache-2.0
//
// Concurrency across processes: 4 reader processes x 4 threads look
// customers up while a writer process records interactions in pairs (one
// RecordBatch per pair, both attached to the customer's case). No error may
// reach a caller (busy or otherwise), and every lookup must show one
// snapshot: an even number of interactions, every pair whole, the case's
// interaction count equal to the interactions seen, and never fewer than
// the same thread saw before. At the end the rows in the file equal the
// acknowledgements. Then: a foreign SQLite connection holding the write
// lock past the busy timeout makes Store writes Unavailable and changes
// nothing; a Store used in a child after fork() refuses with
// FailedPrecondition naming fork, and leaves the parent's store working.
//
//   concurrency_procs [seconds]             all of the above (30 x OMNICTX_SOAK)
//   concurrency_procs --threads [seconds]   reader threads and a writer thread
//                                           in one process (the ThreadSanitizer
//                                           run; 10 x OMNICTX_SOAK)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <algorithm>
#include <cerrno>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "crash_util.h"
#include "omnictx/omnictx.h"

namespace omnictx::reliability {
namespace {

constexpr int kCustomers = 128;
constexpr int kRecent = 200;  // an even number: the newest pairs are whole
constexpr int kReaderProcesses = 4;
constexpr int kThreadsPerReader = 4;

using Clock = std::chrono::steady_clock;

Options StoreOptions() {
  Options o;
  o.clock = std::make_shared<FakeClock>(Epoch());
  o.default_region = "FR";
  return o;
}

std::string CustomerId(int k) { return absl::StrCat("p", k); }
Identity CustomerEmail(int k) { return Email(absl::StrCat("p", k, "@example.com")); }

// Creates the customers, each with an email and an open case. Returns the
// case ids by customer, or an empty vector on failure.
std::vector<int64_t> Setup(Store& store, Problems& problems) {
  std::vector<int64_t> cases;
  for (int k = 0; k < kCustomers; ++k) {
    Customer c;
    c.set_id(CustomerId(k));
    Case kase;
    kase.set_customer_id(CustomerId(k));
    kase.set_subject("Pairs");
    absl::StatusOr<Case> opened;
    if (absl::Status s = store.UpsertCustomer(c).status(); !s.ok()) {
      problems.Add("setup customer", s);
    } else if (s = store.LinkIdentity(CustomerId(k), CustomerEmail(k)).status(); !s.ok()) {
      problems.Add("setup identity", s);
    } else if (opened = store.OpenCase(kase); !opened.ok()) {
      problems.Add("setup case", opened.status());
    } else {
      cases.push_back(opened->id());
      continue;
    }
    return {};
  }
  return cases;
}

struct WriterResult {
  int64_t acknowledged = 0;  // batches (pairs) that returned OK
  int64_t unavailable = 0;
};

// Records pairs round the customers until `deadline`. A pair shares its
// time, so pairs never interleave in newest-first order.
WriterResult Writer(Store& store, const std::vector<int64_t>& cases, Clock::time_point deadline,
                    Problems& problems) {
  WriterResult r;
  std::mt19937 rng(7);
  for (int64_t n = 0; Clock::now() < deadline; ++n) {
    const int k = static_cast<int>(rng() % kCustomers);
    const absl::Time at = Epoch() - absl::Hours(24) + absl::Milliseconds(n);
    std::vector<Interaction> pair = {NewInteraction(CustomerId(k), absl::StrCat("w", n, "-a"), at),
                                     NewInteraction(CustomerId(k), absl::StrCat("w", n, "-b"), at)};
    for (Interaction& i : pair) i.set_case_id(cases[k]);
    auto ids = store.RecordBatch(pair);
    if (!ids.ok()) {
      if (absl::IsUnavailable(ids.status())) ++r.unavailable;
      problems.Add("RecordBatch", ids.status());
      if (problems.count() > 10) break;
      continue;
    }
    ++r.acknowledged;
  }
  return r;
}

// Looks one customer up and checks the answer is one snapshot. `seen` is
// the count this thread saw last time for each customer.
void LookupOnce(Store& store, int k, std::vector<int64_t>& seen, Problems& problems,
                std::atomic<int64_t>& unavailable) {
  auto ctx = store.Lookup({.identity = CustomerEmail(k), .channel = Channel::kIvr,
                           .recent_limit = kRecent});
  if (!ctx.ok()) {
    if (absl::IsUnavailable(ctx.status())) unavailable.fetch_add(1);
    return problems.Add("Lookup", ctx.status());
  }
  const std::string who = CustomerId(k);
  if (!ctx->known() || ctx->customer().id() != who || ctx->open_cases_size() != 1) {
    return problems.Add("Lookup " + who + ": wrong customer or case");
  }
  const int64_t count = ctx->open_cases(0).interaction_count();
  const int64_t shown = ctx->recent_size();
  if (count % 2 != 0) return problems.Add("Lookup " + who + ": odd interaction count");
  if (shown != std::min<int64_t>(count, kRecent)) {
    return problems.Add(absl::StrCat("Lookup ", who, ": case counts ", count, " interactions, ",
                                     shown, " shown"));
  }
  std::unordered_set<std::string> ids;
  for (const Interaction& i : ctx->recent()) ids.insert(i.external_id());
  for (const std::string& id : ids) {
    std::string partner = id;
    partner.back() = partner.back() == 'a' ? 'b' : 'a';
    if (ids.count(partner) == 0) return problems.Add("Lookup " + who + ": half a pair " + id);
  }
  if (count < seen[k]) {
    return problems.Add(absl::StrCat("Lookup ", who, " went back: ", count, " after ", seen[k]));
  }
  seen[k] = count;
}

struct ReaderCounts {
  std::atomic<int64_t> lookups{0};
  std::atomic<int64_t> unavailable{0};
};

// Runs `threads` lookup threads on `store` until `stop` is set.
void Readers(Store& store, int threads, const std::atomic<bool>& stop, ReaderCounts& counts,
             Problems& problems) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t * 7919 + ::getpid()));
      std::vector<int64_t> seen(kCustomers, 0);
      int64_t n = 0;
      while (!stop.load(std::memory_order_relaxed) && problems.count() < 10) {
        LookupOnce(store, static_cast<int>(rng() % kCustomers), seen, problems, counts.unavailable);
        ++n;
      }
      counts.lookups.fetch_add(n);
    });
  }
  for (std::thread& t : pool) t.join();
}

// Interactions in the file, read by a plain SQLite connection.
int64_t CountInteractions(const std::string& path) {
  RawDb db(path, SQLITE_OPEN_READONLY);
  return db.Int("SELECT count(*) FROM interactions");
}

// ---- Child processes report one line on a pipe ----

void Report(int fd, const std::string& line) {
  std::string text = line + "\n";
  if (::write(fd, text.data(), text.size()) < 0) ::_exit(3);
}

// Forks a child that runs `fn(report_fd)` and exits. Returns its pid and
// the read end of its pipe.
template <typename Fn>
std::pair<pid_t, int> Fork(Fn fn) {
  int fds[2];
  if (::pipe(fds) != 0) std::exit(2);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) std::exit(2);
  if (pid == 0) {
    ::close(fds[0]);
    fn(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  return {pid, fds[0]};
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// "key=value" fields of a report line.
int64_t Field(const std::string& line, const std::string& key) {
  for (absl::string_view f : absl::StrSplit(line, ' ')) {
    if (absl::StartsWith(f, key + "=")) {
      int64_t v = 0;
      if (absl::SimpleAtoi(f.substr(key.size() + 1), &v)) return v;
    }
  }
  return -1;
}

// The processes phase. Returns the acknowledged pairs.
void ProcessesPhase(const std::string& path, double seconds, Problems& problems) {
  std::vector<int64_t> cases;
  {
    auto store = Store::Open(path, StoreOptions());
    if (!store.ok()) return problems.Add("open", store.status());
    cases = Setup(**store, problems);
    if (cases.empty()) return;
  }  // closed: the children open the file themselves
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6));
  auto writer = Fork([&](int fd) {
    Problems mine;
    auto store = Store::Open(path, StoreOptions());
    if (!store.ok()) return Report(fd, "error open " + store.status().ToString());
    WriterResult r = Writer(**store, cases, deadline, mine);
    Report(fd, absl::StrCat("acked=", r.acknowledged, " unavailable=", r.unavailable,
                            " problems=", mine.count()));
    mine.Print("concurrency_procs writer");
  });
  std::vector<std::pair<pid_t, int>> readers;
  for (int p = 0; p < kReaderProcesses; ++p) {
    readers.push_back(Fork([&](int fd) {
      Problems mine;
      auto store = Store::Open(path, StoreOptions());
      if (!store.ok()) return Report(fd, "error open " + store.status().ToString());
      std::atomic<bool> stop{false};
      ReaderCounts counts;
      std::thread timer([&] {
        std::this_thread::sleep_until(deadline);
        stop.store(true);
      });
      Readers(**store, kThreadsPerReader, stop, counts, mine);
      timer.join();
      Report(fd, absl::StrCat("lookups=", counts.lookups.load(), " unavailable=",
                              counts.unavailable.load(), " problems=", mine.count()));
      mine.Print("concurrency_procs reader");
    }));
  }
  auto collect = [&](std::pair<pid_t, int> child, const char* who) {
    std::string line = ReadAll(child.second);
    int status = 0;
    ::waitpid(child.first, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || Field(line, "problems") != 0) {
      problems.Add(std::string(who) + " process: " + (line.empty() ? "no report" : line));
    }
    return line;
  };
  const std::string w = collect(writer, "writer");
  int64_t lookups = 0, unavailable = std::max<int64_t>(Field(w, "unavailable"), 0);
  for (auto& r : readers) {
    const std::string line = collect(r, "reader");
    lookups += std::max<int64_t>(Field(line, "lookups"), 0);
    unavailable += std::max<int64_t>(Field(line, "unavailable"), 0);
  }
  const int64_t acked = Field(w, "acked");
  const int64_t rows = CountInteractions(path);
  if (rows != 2 * acked) {
    problems.Add(absl::StrCat("interaction rows ", rows, " != 2 x ", acked, " acknowledged pairs"));
  }
  if (std::string bad = RawChecks(path); !bad.empty()) problems.Add(bad);
  std::printf(
      "concurrency_procs: %d reader processes x %d threads + 1 writer process for %.1f s: "
      "%lld lookups, %lld pairs acknowledged, %lld rows (%s), %lld busy/unavailable errors\n",
      kReaderProcesses, kThreadsPerReader, SecondsSince(start), static_cast<long long>(lookups),
      static_cast<long long>(acked), static_cast<long long>(rows),
      rows == 2 * acked ? "= 2 x acknowledged" : "MISMATCH", static_cast<long long>(unavailable));
}

// One process: reader threads and a writer thread on one Store.
void ThreadsPhase(const std::string& path, double seconds, Problems& problems) {
  auto store = Store::Open(path, StoreOptions());
  if (!store.ok()) return problems.Add("open", store.status());
  std::vector<int64_t> cases = Setup(**store, problems);
  if (cases.empty()) return;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6));
  std::atomic<bool> stop{false};
  ReaderCounts counts;
  WriterResult w;
  std::thread writer([&] {
    w = Writer(**store, cases, deadline, problems);
    stop.store(true);
  });
  Readers(**store, kThreadsPerReader, stop, counts, problems);
  writer.join();
  const int64_t rows = CountInteractions(path);
  if (rows != 2 * w.acknowledged) {
    problems.Add(absl::StrCat("interaction rows ", rows, " != 2 x ", w.acknowledged));
  }
  std::printf(
      "concurrency_procs --threads: %d reader threads + 1 writer thread for %.1f s: %lld lookups, "
      "%lld pairs acknowledged, %lld rows, %lld busy/unavailable errors\n",
      kThreadsPerReader, SecondsSince(start), static_cast<long long>(counts.lookups.load()),
      static_cast<long long>(w.acknowledged), static_cast<long long>(rows),
      static_cast<long long>(counts.unavailable.load() + w.unavailable));
}

// A plain SQLite connection holds the write lock (BEGIN IMMEDIATE) past
// the store's busy timeout: Store writes return Unavailable, write nothing,
// and go through once the lock is released.
void ForeignLockPhase(const std::string& path, Problems& problems) {
  Options options = StoreOptions();
  options.busy_timeout = absl::Milliseconds(100);
  auto store = Store::Open(path, options);
  if (!store.ok()) return problems.Add("open", store.status());
  const int64_t before = CountInteractions(path);
  RawDb other(path, SQLITE_OPEN_READWRITE);
  if (sqlite3_exec(other.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return problems.Add("BEGIN IMMEDIATE on the foreign connection failed");
  }
  Interaction i = NewInteraction(CustomerId(0), "foreign-1", Epoch());
  const auto t0 = Clock::now();
  absl::Status record = (*store)->Record(i).status();
  const double waited_ms = SecondsSince(t0) * 1000;
  std::vector<Interaction> pair = {NewInteraction(CustomerId(1), "foreign-2", Epoch()),
                                   NewInteraction(CustomerId(1), "foreign-3", Epoch())};
  absl::Status batch = (*store)->RecordBatch(pair).status();
  Customer c;
  c.set_id("foreign-customer");
  absl::Status upsert = (*store)->UpsertCustomer(c).status();
  for (const absl::Status& s : {record, batch, upsert}) {
    if (!absl::IsUnavailable(s)) problems.Add("write under a foreign lock: not Unavailable", s);
  }
  // Reads are not blocked by the foreign writer.
  if (auto ctx = (*store)->Lookup({.identity = CustomerEmail(0)}); !ctx.ok() || !ctx->known()) {
    problems.Add("Lookup under a foreign lock", ctx.status());
  }
  const int64_t during = CountInteractions(path);
  sqlite3_exec(other.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  if (during != before) problems.Add("a refused write changed the file");
  if (auto id = (*store)->Record(i); !id.ok()) problems.Add("Record after the lock", id.status());
  if (CountInteractions(path) != before + 1) problems.Add("Record after the lock: not one row");
  std::printf(
      "concurrency_procs: foreign BEGIN IMMEDIATE past a 100 ms busy timeout: Record %s after "
      "%.0f ms, RecordBatch %s, UpsertCustomer %s, rows unchanged %s\n",
      absl::StatusCodeToString(record.code()).c_str(), waited_ms,
      absl::StatusCodeToString(batch.code()).c_str(),
      absl::StatusCodeToString(upsert.code()).c_str(), during == before ? "yes" : "NO");
}

// A Store opened before fork() is refused in the child, and the child's
// exit (store destroyed) leaves the parent's store and WAL intact.
void ForkPhase(const std::string& path, Problems& problems) {
  auto store = Store::Open(path, StoreOptions());
  if (!store.ok()) return problems.Add("open", store.status());
  // Leave a reader connection in the pool and frames in the WAL.
  if (!(*store)->Lookup({.identity = CustomerEmail(2)}).ok() ||
      !(*store)->Record(NewInteraction(CustomerId(2), "fork-0", Epoch())).ok()) {
    return problems.Add("before fork: store not usable");
  }
  auto child = Fork([&](int fd) {
    absl::Status read = (*store)->Lookup({.identity = CustomerEmail(2)}).status();
    absl::Status write = (*store)->Record(NewInteraction(CustomerId(2), "fork-1", Epoch())).status();
    auto refused = [](const absl::Status& s) {
      return absl::IsFailedPrecondition(s) && absl::StrContains(s.message(), "fork");
    };
    Report(fd, absl::StrCat("read_refused=", refused(read), " write_refused=", refused(write),
                            " read=", absl::StatusCodeToString(read.code()),
                            " message=", absl::StrReplaceAll(read.message(), {{" ", "_"}})));
    store->reset();  // destroys the database in the child: must not close
  });
  std::string line = ReadAll(child.second);
  while (!line.empty() && line.back() == '\n') line.pop_back();
  int status = 0;
  ::waitpid(child.first, &status, 0);
  if (Field(line, "read_refused") != 1 || Field(line, "write_refused") != 1) {
    problems.Add("child after fork: not refused: " + line);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) problems.Add("fork child crashed");
  // The parent goes on as if nothing happened.
  if (auto id = (*store)->Record(NewInteraction(CustomerId(2), "fork-2", Epoch())); !id.ok()) {
    problems.Add("parent Record after the child exited", id.status());
  }
  if (auto ctx = (*store)->Lookup({.identity = CustomerEmail(2)}); !ctx.ok()) {
    problems.Add("parent Lookup after the child exited", ctx.status());
  }
  if (absl::Status s = (*store)->Check(); !s.ok()) problems.Add("parent Check after fork", s);
  std::printf("concurrency_procs: store used in a child after fork(): %s\n", line.c_str());
}

}  // namespace
}  // namespace omnictx::reliability

int main(int argc, char** argv) {
  using namespace omnictx::reliability;
  const bool threads_only = argc >= 2 && std::string(argv[1]) == "--threads";
  double seconds = 30 * Soak();
  if (threads_only) seconds = 10 * Soak();
  if (argc == (threads_only ? 3 : 2) && !absl::SimpleAtod(argv[argc - 1], &seconds)) {
    std::fprintf(stderr, "usage: concurrency_procs [--threads] [seconds]\n");
    return 2;
  }
  ScratchDir dir;
  Problems problems;
  if (threads_only) {
    ThreadsPhase(dir.File("threads.db"), seconds, problems);
  } else {
    const std::string path = dir.File("procs.db");
    ProcessesPhase(path, seconds, problems);
    if (problems.count() == 0) ForeignLockPhase(path, problems);
    if (problems.count() == 0) ForkPhase(path, problems);
  }
  std::printf("concurrency_procs: %lld problems\n", static_cast<long long>(problems.count()));
  problems.Print("concurrency_procs");
  return problems.count() == 0 ? 0 : 1;
}
