// SPDX-License-Identifier: Apache-2.0
//
// WAL growth under readers that never all stop: two plain SQLite
// connections hold read snapshots back to back (one begins before the other
// ends, so at no moment is there no reader), Store lookups run beside them,
// and a writer updates profiles and records interactions steadily. SQLite's own automatic checkpoint cannot
// restart the WAL then, so without the store's truncation policy
// (Options::wal_truncate_bytes) the -wal file grows without bound; with it
// the file must stay under 64 MiB.
//
// Two runs on two files: the policy switched off (wal_truncate_bytes = 0),
// which must pass 64 MiB (it stops as soon as it does, or fails after a
// cap); then the default policy for 60 s x OMNICTX_SOAK, which must not.
//
//   wal_growth [seconds]
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "crash_util.h"
#include "omnictx/omnictx.h"

namespace omnictx::reliability {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kBound = int64_t{64} << 20;
constexpr int kCustomers = 32;
constexpr auto kSnapshotHold = std::chrono::milliseconds(5);

double MiB(int64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

struct RunResult {
  int64_t peak = 0;          // largest -wal size sampled
  int64_t truncations = 0;   // times the sampled size dropped
  int64_t interactions = 0;  // recorded by the writer
  int64_t lookups = 0;
  int64_t snapshots = 0;     // read snapshots taken by the overlapping readers
  double seconds = 0;
};

// Two connections take read snapshots in turn; each ends its snapshot only
// once the other has begun one.
class OverlappingReaders {
 public:
  OverlappingReaders(const std::string& path, const std::atomic<bool>& stop, Problems& problems)
      : path_(path), stop_(stop), problems_(problems) {
    for (int me = 0; me < 2; ++me) threads_.emplace_back([this, me] { Loop(me); });
  }
  ~OverlappingReaders() { Join(); }
  void Join() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  int64_t snapshots() {
    std::lock_guard<std::mutex> lock(mu_);
    return begun_;
  }

 private:
  // Waits for `ready`, looking again now and then: `stop_` is set without
  // a notification.
  template <typename Pred>
  void Wait(std::unique_lock<std::mutex>& lock, Pred ready) {
    while (!ready()) cv_.wait_for(lock, std::chrono::milliseconds(10));
  }

  void Loop(int me) {
    RawDb db(path_, SQLITE_OPEN_READONLY);
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        Wait(lock, [&] { return done_ || begun_ % 2 == me; });
        if (done_) return;
      }
      // A read transaction holds its snapshot from its first read on.
      if (!db.Query("BEGIN", [](sqlite3_stmt*) {}) ||
          db.Int("SELECT count(*) FROM customers") < 0) {
        problems_.Add("overlapping reader: " + db.error());
        std::lock_guard<std::mutex> lock(mu_);
        done_ = true;
        cv_.notify_all();
        return;
      }
      int64_t mine;
      {
        std::lock_guard<std::mutex> lock(mu_);
        mine = ++begun_;
      }
      cv_.notify_all();
      std::this_thread::sleep_for(kSnapshotHold);
      {
        // Once stopping, the other may never begin again: let go then.
        std::unique_lock<std::mutex> lock(mu_);
        Wait(lock, [&] { return done_ || stop_.load() || begun_ > mine; });
      }
      db.Query("COMMIT", [](sqlite3_stmt*) {});
      if (stop_.load()) {
        std::lock_guard<std::mutex> lock(mu_);
        done_ = true;
        cv_.notify_all();
        return;
      }
    }
  }

  const std::string path_;
  const std::atomic<bool>& stop_;
  Problems& problems_;
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t begun_ = 0;  // snapshots begun; the parity says whose turn it is
  bool done_ = false;
  std::vector<std::thread> threads_;
};

// Runs the writer, a lookup thread and the overlapping readers until
// `seconds` have passed or (if `stop_past` > 0) the WAL passes it.
RunResult Run(const std::string& path, int64_t wal_truncate_bytes, double seconds,
              int64_t stop_past, Problems& problems) {
  RunResult r;
  Options options;
  options.clock = std::make_shared<FakeClock>(Epoch());
  options.wal_truncate_bytes = wal_truncate_bytes;
  auto opened = Store::Open(path, options);
  if (!opened.ok()) {
    problems.Add("open", opened.status());
    return r;
  }
  Store& store = **opened;
  for (int k = 0; k < kCustomers; ++k) {
    Customer c;
    c.set_id(absl::StrCat("g", k));
    if (absl::Status s = store.UpsertCustomer(c).status(); !s.ok()) {
      problems.Add("setup", s);
      return r;
    }
    if (absl::Status s = store.LinkIdentity(c.id(), Email(c.id() + "@example.com")).status();
        !s.ok()) {
      problems.Add("setup", s);
      return r;
    }
  }
  const std::string wal = path + "-wal";
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6));
  std::atomic<bool> stop{false};
  OverlappingReaders readers(path, stop, problems);
  std::thread sampler([&] {
    int64_t last = 0;
    while (!stop.load()) {
      const int64_t size = FileSize(wal);
      if (size > r.peak) r.peak = size;
      if (size < last) ++r.truncations;
      last = size;
      if (Clock::now() >= deadline || (stop_past > 0 && size > stop_past)) stop.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::thread lookups([&] {
    for (int64_t n = 0; !stop.load(); ++n) {
      auto ctx = store.Lookup({.identity = Email(absl::StrCat("g", n % kCustomers, "@example.com")),
                               .recent_limit = 20});
      if (!ctx.ok()) problems.Add("Lookup", ctx.status());
      ++r.lookups;
    }
  });
  // Each step rewrites a customer's profile (8 KB of attributes: pages
  // rewritten, so the WAL grows while the database stays small) and
  // records an interaction.
  const std::string filler(1000, 'a');
  for (int64_t n = 0; !stop.load(); ++n) {
    Customer c;
    c.set_id(absl::StrCat("g", n % kCustomers));
    for (int a = 0; a < 8; ++a) {
      SetAttribute(c.mutable_attributes(), absl::StrCat("a", a), filler);
    }
    SetAttribute(c.mutable_attributes(), "n", absl::StrCat(n));
    if (auto s = store.UpsertCustomer(c); !s.ok()) {
      problems.Add("UpsertCustomer", s.status());
      stop.store(true);
      break;
    }
    if (auto id = store.Record(NewInteraction(c.id(), absl::StrCat("x", n),
                                              Epoch() - absl::Hours(1) + absl::Milliseconds(n)));
        !id.ok()) {
      problems.Add("Record", id.status());
      stop.store(true);
      break;
    }
    ++r.interactions;
  }
  sampler.join();
  lookups.join();
  readers.Join();
  r.snapshots = readers.snapshots();
  r.seconds = SecondsSince(start);
  return r;
}

}  // namespace
}  // namespace omnictx::reliability

int main(int argc, char** argv) {
  using namespace omnictx::reliability;
  double seconds = 60 * Soak();
  if (argc == 2 && !absl::SimpleAtod(argv[1], &seconds)) {
    std::fprintf(stderr, "usage: wal_growth [seconds]\n");
    return 2;
  }
  ScratchDir dir;
  Problems problems;

  // Without the policy the bound must fall: that is what the policy is for.
  const double cap = std::max(120.0, seconds);
  RunResult off = Run(dir.File("off.db"), 0, cap, kBound, problems);
  std::printf(
      "wal_growth: policy off: WAL peak %.1f MiB after %.1f s (%lld interactions, %lld lookups, "
      "%lld overlapping snapshots, %lld WAL truncations)\n",
      MiB(off.peak), off.seconds, static_cast<long long>(off.interactions),
      static_cast<long long>(off.lookups), static_cast<long long>(off.snapshots),
      static_cast<long long>(off.truncations));
  if (off.peak <= kBound) {
    problems.Add(absl::StrCat("policy off: the WAL stayed under 64 MiB for ", off.seconds,
                              " s; the readers did not hold it back"));
  }

  RunResult on = Run(dir.File("on.db"), omnictx::Options{}.wal_truncate_bytes, seconds, 0, problems);
  std::printf(
      "wal_growth: policy on (wal_truncate_bytes %.0f MiB): WAL peak %.1f MiB over %.1f s "
      "(%lld interactions, %lld lookups, %lld overlapping snapshots, %lld WAL truncations), "
      "database %.1f MiB\n",
      MiB(omnictx::Options{}.wal_truncate_bytes), MiB(on.peak), on.seconds,
      static_cast<long long>(on.interactions), static_cast<long long>(on.lookups),
      static_cast<long long>(on.snapshots), static_cast<long long>(on.truncations),
      MiB(FileSize(dir.File("on.db"))));
  if (on.peak >= kBound) {
    problems.Add(absl::StrCat("policy on: WAL reached ", MiB(on.peak), " MiB"));
  }
  if (on.truncations == 0) problems.Add("policy on: the WAL was never truncated");
  std::printf("wal_growth: %lld problems\n", static_cast<long long>(problems.count()));
  problems.Print("wal_growth");
  return problems.count() == 0 ? 0 : 1;
}
