// SPDX-License-Identifier: Apache-2.0
//
// I/O faults: for every write call of the API (and Store::Open of an
// existing and of a new file), the fault VFS fails the N-th write (with
// SQLITE_IOERR_WRITE, then SQLITE_FULL), sync, truncate or open, once and
// for ever, for N = 1, 2 ... until the call no longer reaches an N-th such
// operation. Each trial starts from a copy of the template and checks:
//   - an OK answer means the call's whole transaction is in the file;
//   - an error leaves the data as before the call (or, when the failure
//     came after the commit, fully committed): never half of it;
//   - after the fault clears, the same call on the same store succeeds;
//   - after closing, integrity_check, foreign_key_check and Store::Check
//     are clean and the content is what the store last reported.
// Two configurations: Durability::kFull with default checkpoints, and
// kNormal with a checkpoint and WAL truncation after every commit.
//
//   io_faults [max N]   (default 400: a call that never succeeds is a failure)
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "fault_util.h"
#include "fault_vfs.h"

namespace omnictx::reliability {
namespace {

bool Verbose() { return std::getenv("OMNICTX_FAULT_VERBOSE") != nullptr; }

struct Config {
  const char* name;
  Durability durability;
  int64_t wal_truncate_bytes;
  int wal_autocheckpoint_pages;
};

struct Kind {
  FaultOp op;
  int code;
  const char* label;
};

Options ConfigOptions(const Config& config) {
  Options o = FaultOptions(config.durability);
  if (config.wal_truncate_bytes >= 0) o.wal_truncate_bytes = config.wal_truncate_bytes;
  if (config.wal_autocheckpoint_pages > 0) {
    o.wal_autocheckpoint_pages = config.wal_autocheckpoint_pages;
  }
  return o;
}

struct Figures {
  int64_t trials = 0;
  int64_t injected = 0;  // trials in which the fault fired
  int64_t ok_despite_fault = 0;
  int64_t error_unchanged = 0;
  int64_t error_committed = 0;
  int64_t retries_ok = 0;
  std::map<std::string, int64_t> codes;
};

class Harness {
 public:
  Harness(FaultVfs& vfs, const FaultDir& dir, int64_t max_n)
      : vfs_(vfs), tmpl_(dir.File("template.db")), path_(dir.File("trial.db")), max_n_(max_n) {
    MakeTemplate(tmpl_);
  }

  // A call, or Store::Open when `open_mode` is 1 (existing file) or 2 (new file).
  void RunCall(const Config& config, const FaultCall& call, int open_mode) {
    const Options options = ConfigOptions(config);
    const std::string label = absl::StrCat(config.name, " ", call.name);
    // Reference run, no fault: the content before and after.
    std::unique_ptr<Store> store;
    Prepare(options, call, open_mode, &store);
    const Fingerprint before = TakeFingerprint(path_);
    absl::Status s = Run(options, call, open_mode, &store);
    if (!s.ok()) {
      problems_.Add(label + ": fails without a fault", s);
      return;
    }
    const Fingerprint after = TakeFingerprint(path_);
    store.reset();
    const Kind kinds[] = {
        {FaultOp::kWrite, SQLITE_IOERR_WRITE, "write(IOERR)"},
        {FaultOp::kWrite, SQLITE_FULL, "write(FULL)"},
        {FaultOp::kSync, SQLITE_IOERR_FSYNC, "sync"},
        {FaultOp::kTruncate, SQLITE_IOERR_TRUNCATE, "truncate"},
        {FaultOp::kOpen, SQLITE_CANTOPEN, "open"},
    };
    for (const Kind& kind : kinds) {
      for (bool forever : {false, true}) {
        const std::string where =
            absl::StrCat(label, " ", kind.label, forever ? " forever" : " once");
        for (int64_t n = 1;; ++n) {
          if (n > max_n_) {
            problems_.Add(absl::StrCat(where, ": still failing at N=", n));
            break;
          }
          if (!Trial(options, call, open_mode, kind, forever, n, before, after,
                     absl::StrCat(where, " N=", n))) {
            break;
          }
        }
      }
    }
  }

  const Figures& figures() const { return fig_; }
  const Problems& problems() const { return problems_; }

 private:
  void Prepare(const Options& options, const FaultCall& call, int open_mode,
               std::unique_ptr<Store>* store) {
    vfs_.Reset();
    store->reset();
    if (open_mode == 2) {
      RemoveDb(path_);
      return;
    }
    CopyDb(tmpl_, path_);
    if (open_mode == 1) return;
    auto opened = Store::Open(path_, options);
    Must(opened.status(), "open trial store");
    *store = *std::move(opened);
    Must(call.setup(**store), call.name + " setup");
  }

  absl::Status Run(const Options& options, const FaultCall& call, int open_mode,
                   std::unique_ptr<Store>* store) {
    if (open_mode == 0) return call.run(**store);
    auto opened = Store::Open(path_, options);
    if (!opened.ok()) return opened.status();
    *store = *std::move(opened);
    return absl::OkStatus();
  }

  // One trial at N. Returns false when the fault did not fire (the series ends).
  bool Trial(const Options& options, const FaultCall& call, int open_mode, const Kind& kind,
             bool forever, int64_t n, const Fingerprint& before, const Fingerprint& after,
             const std::string& where) {
    std::unique_ptr<Store> store;
    Prepare(options, call, open_mode, &store);
    const int64_t injected_before = vfs_.injected();
    vfs_.Arm({.op = kind.op, .nth = n, .forever = forever, .code = kind.code});
    absl::Status s = Run(options, call, open_mode, &store);
    vfs_.Disarm();
    const bool fired = vfs_.injected() > injected_before;
    ++fig_.trials;
    Fingerprint now = TakeFingerprint(path_);
    if (!fired) {
      if (!s.ok()) problems_.Add(where + ": failed with no fault injected", s);
      if (now != after) problems_.Add(where + ": unfaulted result differs: " + FingerprintDiff(after, now));
      return false;
    }
    ++fig_.injected;
    const bool unchanged = open_mode == 2 ? now != after : now == before;
    if (s.ok()) {
      ++fig_.ok_despite_fault;
      if (now != after) {
        problems_.Add(where + ": OK returned but the write is not in the file: " +
                      FingerprintDiff(after, now));
      }
    } else {
      ++fig_.codes[absl::StatusCodeToString(s.code())];
      if (now == after && !unchanged) {
        ++fig_.error_committed;
      } else if (unchanged) {
        ++fig_.error_unchanged;
      } else {
        problems_.Add(where + ": partial write after " + s.ToString() + ": " +
                      FingerprintDiff(before, now));
      }
      if (Verbose()) {
        std::fprintf(stderr, "%s: %s, %s\n", where.c_str(), s.ToString().c_str(),
                     unchanged ? "unchanged" : "committed");
      }
      // The fault has cleared: the same call must now succeed.
      if (unchanged) {
        absl::Status again = Run(options, call, open_mode, &store);
        now = TakeFingerprint(path_);
        if (!again.ok()) {
          problems_.Add(where + ": the call still fails after the fault cleared (first " +
                            s.ToString() + ")",
                        again);
        } else if (now != after) {
          problems_.Add(where + ": retry committed something else: " + FingerprintDiff(after, now));
        } else {
          ++fig_.retries_ok;
        }
      }
    }
    store.reset();
    std::string raw = PlainChecks(path_);
    if (!raw.empty()) problems_.Add(where + ": corrupt after closing: " + raw);
    auto reopened = Store::Open(path_, options);
    if (!reopened.ok()) {
      problems_.Add(where + ": reopen", reopened.status());
      return true;
    }
    absl::Status check = (*reopened)->Check();
    if (!check.ok()) problems_.Add(where + ": Store::Check", check);
    Fingerprint closed = TakeFingerprint(path_);
    if (closed != now) {
      problems_.Add(where + ": content changed across close and reopen: " +
                    FingerprintDiff(now, closed));
    }
    return true;
  }

  FaultVfs& vfs_;
  const std::string tmpl_;
  const std::string path_;
  const int64_t max_n_;
  Figures fig_;
  Problems problems_;
};

int Main(int argc, char** argv) {
  int64_t max_n = 400;
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &max_n)) {
    std::fprintf(stderr, "usage: io_faults [max N]\n");
    return 2;
  }
  FaultVfs& vfs = FaultVfs::Install();
  FaultDir dir;
  Harness harness(vfs, dir, max_n);
  const Config configs[] = {
      {"full", Durability::kFull, -1, 0},
      {"normal+truncate", Durability::kNormal, 1, 1},
  };
  std::vector<FaultCall> calls = WriteCalls();
  const FaultCall open_existing{"Store::Open(existing)", nullptr, nullptr};
  const FaultCall open_new{"Store::Open(new file)", nullptr, nullptr};  // run by Harness::Run
  const auto start = std::chrono::steady_clock::now();
  // OMNICTX_SOAK > 1 repeats the sweep (the faults are deterministic; the
  // repeats catch state that leaks from one trial into the next).
  const int64_t rounds = Scaled(1);
  for (int64_t round = 0; round < rounds; ++round) {
    for (const Config& config : configs) {
      for (const FaultCall& call : calls) harness.RunCall(config, call, 0);
      harness.RunCall(config, open_existing, 1);
      harness.RunCall(config, open_new, 2);
    }
  }
  const Figures& f = harness.figures();
  std::string codes;
  for (const auto& [code, count] : f.codes) {
    codes += absl::StrCat(codes.empty() ? "" : ", ", code, " ", count);
  }
  std::printf(
      "io_faults: %zu calls x 2 configurations x 5 fault kinds x once/forever: %lld trials, "
      "%lld faults injected; %lld answered OK (all committed), %lld errors with the store "
      "unchanged, %lld errors after the commit (fully committed), 0 partial writes allowed; "
      "%lld retries after the fault cleared succeeded; errors: %s; %lld problems; %.1f s\n",
      calls.size() + 2, static_cast<long long>(f.trials), static_cast<long long>(f.injected),
      static_cast<long long>(f.ok_despite_fault), static_cast<long long>(f.error_unchanged),
      static_cast<long long>(f.error_committed), static_cast<long long>(f.retries_ok),
      codes.c_str(), static_cast<long long>(harness.problems().count()), SecondsSince(start));
  harness.problems().Print("io_faults");
  return harness.problems().count() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace omnictx::reliability

int main(int argc, char** argv) { return omnictx::reliability::Main(argc, argv); }
