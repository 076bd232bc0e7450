// SPDX-License-Identifier: Apache-2.0
//
// Helpers for the crash-family harnesses (crash.cmake): plain programs, no
// Catch2, that kill, starve and race real stores and print their figures.
// Each counts what went wrong in a Problems object and exits 1 if anything
// did.
#ifndef OMNICTX_TESTS_RELIABILITY_CRASH_UTIL_H_
#define OMNICTX_TESTS_RELIABILITY_CRASH_UTIL_H_

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "omnictx/omnictx.h"

namespace omnictx::reliability {

// The OMNICTX_SOAK multiplier (default 1): counts and durations scale with it.
inline double Soak() {
  const char* env = std::getenv("OMNICTX_SOAK");
  if (env == nullptr || *env == '\0') return 1.0;
  char* end = nullptr;
  double v = std::strtod(env, &end);
  if (end == env || *end != '\0' || !(v > 0)) {
    std::fprintf(stderr, "OMNICTX_SOAK=%s: not a positive number, using 1\n", env);
    return 1.0;
  }
  return v;
}

inline int64_t Scaled(int64_t base) {
  int64_t n = static_cast<int64_t>(static_cast<double>(base) * Soak() + 0.5);
  return n < 1 ? 1 : n;
}

// A fixed start for fake clocks: 2026-03-02 09:00:00 UTC.
inline absl::Time Epoch() { return absl::FromUnixSeconds(1772442000); }

// Seconds since `start` on the monotonic clock, for the figures printed.
inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What went wrong; safe from many threads. The first messages are kept.
class Problems {
 public:
  void Add(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    if (count_++ < kKept) first_.push_back(what);
  }
  void Add(const std::string& what, const absl::Status& s) { Add(what + ": " + s.ToString()); }
  int64_t count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return count_;
  }
  // Prints the kept messages to stderr.
  void Print(const char* harness) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& m : first_) std::fprintf(stderr, "%s: FAIL %s\n", harness, m.c_str());
    if (count_ > kKept) {
      std::fprintf(stderr, "%s: ... %lld problems in all\n", harness,
                   static_cast<long long>(count_));
    }
  }

 private:
  static constexpr int64_t kKept = 20;
  mutable std::mutex mu_;
  int64_t count_ = 0;
  std::vector<std::string> first_;
};

// A temporary directory removed at destruction (unless OMNICTX_KEEP_FILES
// is set, to inspect a failure).
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "omnictx-reliability-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) {
      std::perror("mkdtemp");
      std::exit(2);
    }
    path_ = buf.data();
  }
  ~ScratchDir() {
    if (std::getenv("OMNICTX_KEEP_FILES") != nullptr) {
      std::fprintf(stderr, "kept %s\n", path_.c_str());
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A raw SQLite connection beside the store, to look at the file the way
// any other program would.
class RawDb {
 public:
  RawDb(const std::string& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite3_open_v2(%s): %s\n", path.c_str(), sqlite3_errmsg(db_));
      std::exit(2);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  sqlite3* get() { return db_; }

  // Runs `sql`, calling fn(stmt) for each row. Returns false on an error.
  template <typename Fn>
  bool Query(const std::string& sql, Fn fn) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      error_ = sqlite3_errmsg(db_);
      return false;
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) fn(stmt);
    if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE;
  }
  // Returns the first column of the first row, or -1 on an error.
  int64_t Int(const std::string& sql) {
    int64_t v = -1;
    if (!Query(sql, [&](sqlite3_stmt* s) { v = sqlite3_column_int64(s, 0); })) return -1;
    return v;
  }
  // Returns the rows of a check pragma joined by "; " ("ok" when clean).
  std::string Text(const std::string& sql) {
    std::string out;
    bool ok = Query(sql, [&](sqlite3_stmt* s) {
      if (!out.empty()) out += "; ";
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        const unsigned char* t = sqlite3_column_text(s, c);
        if (c > 0) out += "|";
        out += t != nullptr ? reinterpret_cast<const char*>(t) : "NULL";
      }
    });
    return ok ? out : "error: " + error_;
  }
  const std::string& error() const { return error_; }

 private:
  sqlite3* db_ = nullptr;
  std::string error_;
};

// integrity_check and foreign_key_check through a read-only connection.
// Returns an empty string when both are clean, else what they said.
inline std::string RawChecks(const std::string& path) {
  RawDb db(path, SQLITE_OPEN_READONLY);
  std::string integrity = db.Text("PRAGMA integrity_check");
  std::string fk = db.Text("PRAGMA foreign_key_check");
  std::string out;
  if (integrity != "ok") out += "integrity_check: " + integrity;
  if (!fk.empty()) out += (out.empty() ? "" : " / ") + std::string("foreign_key_check: ") + fk;
  return out;
}

// Size of a file in bytes, 0 if missing.
inline int64_t FileSize(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(n);
}

// An interaction with the fields the harnesses need.
inline Interaction NewInteraction(const std::string& customer_id, const std::string& external_id,
                                  absl::Time at, v1::ChannelKind channel = v1::CHANNEL_KIND_WEB) {
  Interaction i;
  i.set_customer_id(customer_id);
  i.set_external_id(external_id);
  *i.mutable_occurred_at() = ToProtoTime(at);
  i.mutable_channel()->set_kind(channel);
  i.set_touchpoint("web.page");
  i.set_kind("page_view");
  i.set_direction(v1::DIRECTION_INBOUND);
  return i;
}

}  // namespace omnictx::reliability

#endif  // OMNICTX_TESTS_RELIABILITY_CRASH_UTIL_H_
