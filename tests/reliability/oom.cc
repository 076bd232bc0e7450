// SPDX-License-Identifier: Apache-2.0
//
// Out of memory: for every call of the API (the write calls of
// fault_util.h, Store::Open and a few reads), fail the N-th allocation for
// N = 1, 2 ... until the call succeeds, in two ways:
//   sqlite: SQLite's allocator (SQLITE_CONFIG_MALLOC, set before SQLite
//           initializes) returns NULL at the N-th malloc or realloc;
//   new:    this program's global operator new throws std::bad_alloc at the
//           N-th allocation of the calling thread.
// Each failed call must return ResourceExhausted (never let an exception
// out), leave the data as before (or, failing after the commit, fully
// committed), and leave the store usable: the next N runs on the same
// store, and the series ends with the unfaulted call succeeding there.
//
//   oom [max N [sqlite|new]]   (default 20000 x OMNICTX_SOAK, both modes)
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "fault_util.h"

namespace {

// ---- operator new that fails on request ----
thread_local bool t_new_armed = false;
thread_local int64_t t_new_seen = 0;
thread_local int64_t t_new_target = 0;
thread_local bool t_new_fired = false;

void* Allocate(std::size_t n) {
  if (t_new_armed && ++t_new_seen == t_new_target) {
    t_new_fired = true;
    throw std::bad_alloc();
  }
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* AllocateAligned(std::size_t n, std::align_val_t align) {
  if (t_new_armed && ++t_new_seen == t_new_target) {
    t_new_fired = true;
    throw std::bad_alloc();
  }
  const std::size_t a = static_cast<std::size_t>(align);
  void* p = std::aligned_alloc(a, (n + a - 1) / a * a);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

// ---- SQLite's allocator, failing on request ----
sqlite3_mem_methods g_real_mem;
bool g_sql_armed = false;
int64_t g_sql_seen = 0;
int64_t g_sql_target = 0;
bool g_sql_fired = false;

bool SqlFail() {
  if (g_sql_armed && ++g_sql_seen == g_sql_target) {
    g_sql_fired = true;
    return true;
  }
  return false;
}
void* SqlMalloc(int n) { return SqlFail() ? nullptr : g_real_mem.xMalloc(n); }
void* SqlRealloc(void* p, int n) { return SqlFail() ? nullptr : g_real_mem.xRealloc(p, n); }

}  // namespace

void* operator new(std::size_t n) { return Allocate(n); }
void* operator new[](std::size_t n) { return Allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return Allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return Allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t n, std::align_val_t a) { return AllocateAligned(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return AllocateAligned(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace omnictx::reliability {
namespace {

enum class Mode { kSqlite, kNew };

void Arm(Mode mode, int64_t n) {
  if (mode == Mode::kSqlite) {
    g_sql_seen = 0;
    g_sql_target = n;
    g_sql_fired = false;
    g_sql_armed = true;
  } else {
    t_new_seen = 0;
    t_new_target = n;
    t_new_fired = false;
    t_new_armed = true;
  }
}

// Disarms; returns whether the allocation failed.
bool Disarm(Mode mode) {
  g_sql_armed = false;
  t_new_armed = false;
  return mode == Mode::kSqlite ? g_sql_fired : t_new_fired;
}

struct Figures {
  int64_t points = 0;  // N at which an allocation failed
  int64_t unchanged = 0;
  int64_t committed_with_error = 0;
  int64_t ok_despite = 0;
  int64_t series = 0;
  std::map<std::string, int64_t> codes;
};

class Harness {
 public:
  Harness(const FaultDir& dir, int64_t max_n, std::string modes)
      : tmpl_(dir.File("template.db")), path_(dir.File("oom.db")), max_n_(max_n),
        modes_(std::move(modes)) {
    MakeTemplate(tmpl_);
  }

  void RunCall(const FaultCall& call) {
    const Options options = FaultOptions(Durability::kNormal);
    std::unique_ptr<Store> store = Prepare(options, call);
    const Fingerprint before = TakeFingerprint(path_);
    absl::Status s = call.run(*store);
    if (!s.ok()) {
      problems_.Add(call.name + ": fails without a fault", s);
      return;
    }
    const Fingerprint after = TakeFingerprint(path_);
    for (Mode mode : {Mode::kSqlite, Mode::kNew}) {
      if (!modes_.empty() && modes_ != (mode == Mode::kSqlite ? "sqlite" : "new")) continue;
      Figures& fig = figures_[mode == Mode::kSqlite ? 0 : 1];
      ++fig.series;
      const std::string label =
          absl::StrCat(call.name, mode == Mode::kSqlite ? " [sqlite]" : " [new]");
      store = Prepare(options, call);
      for (int64_t n = 1;; ++n) {
        if (n > max_n_) {
          problems_.Add(absl::StrCat(label, ": still failing at N=", n));
          break;
        }
        const std::string where = absl::StrCat(label, " N=", n);
        absl::Status st;
        BoundCall bound = call.bind(*store);
        Arm(mode, n);
        try {
          st = bound();
        } catch (const std::exception& e) {
          Disarm(mode);
          problems_.Add(where + ": exception escaped the API: " + e.what());
          st = absl::InternalError("exception");
        } catch (...) {
          Disarm(mode);
          problems_.Add(where + ": exception escaped the API");
          st = absl::InternalError("exception");
        }
        const bool fired = Disarm(mode);
        Fingerprint now = TakeFingerprint(path_);
        if (!fired) {
          if (!st.ok()) problems_.Add(where + ": fails after the fault series", st);
          if (now != after) {
            problems_.Add(where + ": unfaulted result differs: " + FingerprintDiff(after, now));
          }
          break;
        }
        ++fig.points;
        if (st.ok()) {
          ++fig.ok_despite;
          if (now != after) {
            problems_.Add(where + ": OK returned but the write is not in the file: " +
                          FingerprintDiff(after, now));
          }
          store = Prepare(options, call);
          continue;
        }
        ++fig.codes[absl::StatusCodeToString(st.code())];
        if (!absl::IsResourceExhausted(st)) {
          problems_.Add(where + ": out of memory is not ResourceExhausted", st);
        }
        if (now == before) {
          ++fig.unchanged;
        } else if (now == after) {
          ++fig.committed_with_error;
          store = Prepare(options, call);
        } else {
          problems_.Add(where + ": partial write after " + st.ToString() + ": " +
                        FingerprintDiff(before, now));
          store = Prepare(options, call);
        }
      }
      absl::Status check = store->Check();
      if (!check.ok()) problems_.Add(label + ": Store::Check", check);
      store.reset();
      std::string raw = PlainChecks(path_);
      if (!raw.empty()) problems_.Add(label + ": corrupt: " + raw);
    }
  }

  const std::string& path() const { return path_; }
  const Figures& figures(int k) const { return figures_[k]; }
  const Problems& problems() const { return problems_; }

 private:
  std::unique_ptr<Store> Prepare(const Options& options, const FaultCall& call) {
    CopyDb(tmpl_, path_);
    auto opened = Store::Open(path_, options);
    Must(opened.status(), "open");
    Must(call.setup(**opened), call.name + " setup");
    return *std::move(opened);
  }

  const std::string tmpl_;
  const std::string path_;
  const int64_t max_n_;
  const std::string modes_;  // "sqlite", "new" or empty for both
  Figures figures_[2];
  Problems problems_;
};

int Main(int argc, char** argv) {
  // SQLite's allocator can only be replaced before SQLite initializes; the
  // library never initializes it explicitly (sqlite3_open_v2 does).
  if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &g_real_mem) != SQLITE_OK) {
    std::fprintf(stderr, "oom: SQLITE_CONFIG_GETMALLOC failed\n");
    return 2;
  }
  static sqlite3_mem_methods wrapped = g_real_mem;
  wrapped.xMalloc = SqlMalloc;
  wrapped.xRealloc = SqlRealloc;
  if (sqlite3_config(SQLITE_CONFIG_MALLOC, &wrapped) != SQLITE_OK ||
      sqlite3_initialize() != SQLITE_OK) {
    std::fprintf(stderr, "oom: cannot install the failing allocator\n");
    return 2;
  }
  int64_t max_n = Scaled(20000);
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &max_n)) {
    std::fprintf(stderr, "usage: oom [max N [sqlite|new]]\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  FaultDir dir;
  Harness harness(dir, max_n, argc > 2 ? argv[2] : "");
  std::vector<FaultCall> calls = WriteCalls();
  const std::string path = harness.path();
  calls.push_back({"Store::Open(existing)", NoSetup, [path](Store&) -> BoundCall {
                     // Built before the fault is armed: only the call may fail.
                     auto options = std::make_shared<Options>(FaultOptions(Durability::kNormal));
                     return [path, options] { return Store::Open(path, *options).status(); };
                   }});
  calls.push_back({"Lookup", NoSetup, [](Store& s) -> BoundCall {
                     auto request = std::make_shared<LookupRequest>(LookupRequest{
                         .identity = Email("c1@example.com"), .channel = Channel::kWeb});
                     return [&s, request] { return s.Lookup(*request).status(); };
                   }});
  calls.push_back({"Timeline", NoSetup, [](Store& s) -> BoundCall {
                     return [&s] { return s.Timeline("c0", {}).status(); };
                   }});
  calls.push_back({"GetCustomer", NoSetup, [](Store& s) -> BoundCall {
                     return [&s] { return s.GetCustomer("c2").status(); };
                   }});
  for (const FaultCall& call : calls) harness.RunCall(call);
  for (int k = 0; k < 2; ++k) {
    const Figures& f = harness.figures(k);
    if (f.series == 0) continue;  // mode not asked for
    std::string codes;
    for (const auto& [code, count] : f.codes) {
      codes += absl::StrCat(codes.empty() ? "" : ", ", code, " ", count);
    }
    std::printf(
        "oom[%s]: %lld calls, %lld allocation failure points; %lld errors with the store "
        "unchanged, %lld errors after the commit (fully committed), %lld answered OK (committed), "
        "0 partial writes allowed, 0 escaped exceptions allowed; errors: %s\n",
        k == 0 ? "sqlite" : "new", static_cast<long long>(f.series),
        static_cast<long long>(f.points), static_cast<long long>(f.unchanged),
        static_cast<long long>(f.committed_with_error), static_cast<long long>(f.ok_despite),
        codes.c_str());
  }
  std::printf("oom: %lld problems; %.1f s\n", static_cast<long long>(harness.problems().count()),
              SecondsSince(start));
  harness.problems().Print("oom");
  return harness.problems().count() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace omnictx::reliability

int main(int argc, char** argv) { return omnictx::reliability::Main(argc, argv); }
