// SPDX-License-Identifier: Apache-2.0
//
// The hand-written baseline lookup (see floor.h). Benchmark code only.
#include "floor.h"

#include <sqlite3.h>

#include <array>
#include <string>

namespace omnictx::bench {
namespace {

// Statement texts, in the order of FloorLookup::Stmt. They use the schema's
// indexes exactly as the library's statements do.
constexpr std::array<const char*, 8> kSql = {
    "BEGIN",
    "COMMIT",
    "SELECT customer_key FROM identities WHERE kind = 1 AND platform = '' AND value = ?1",
    "SELECT key, id, status, merged_into, created_us, updated_us, profile "
    "FROM customers WHERE key = ?1",
    "SELECT kind, platform, value, linked_us FROM identities WHERE customer_key = ?1 "
    "ORDER BY kind, platform, value",
    "SELECT id, journey_key, journey_version, status, current_step, started_us, "
    "step_entered_us, ended_us FROM journey_instances WHERE customer_key = ?1 AND status = 1",
    "SELECT id, status, priority, owner_agent, queue, subject, journey_instance_id, opened_us, "
    "updated_us, resolved_us, closed_us, interaction_count FROM cases "
    "WHERE customer_key = ?1 AND status IN (1, 2)",
    "SELECT id, body FROM interactions WHERE customer_key = ?1 "
    "ORDER BY occurred_us DESC, id DESC LIMIT ?2",
};

absl::Status Error(sqlite3* db, const char* what) {
  return absl::InternalError(std::string("floor ") + what + ": " + sqlite3_errmsg(db));
}

// Reads every column of the current row the way a caller copying it out
// would, and returns the bytes seen.
uint64_t TouchRow(sqlite3_stmt* s) {
  uint64_t bytes = 0;
  const int n = sqlite3_column_count(s);
  for (int c = 0; c < n; ++c) {
    switch (sqlite3_column_type(s, c)) {
      case SQLITE_INTEGER:
        bytes += static_cast<uint64_t>(sqlite3_column_int64(s, c) & 1) + 8;
        break;
      case SQLITE_TEXT:
        bytes += sqlite3_column_text(s, c) != nullptr
                     ? static_cast<uint64_t>(sqlite3_column_bytes(s, c))
                     : 0;
        break;
      case SQLITE_BLOB:
        bytes += sqlite3_column_blob(s, c) != nullptr
                     ? static_cast<uint64_t>(sqlite3_column_bytes(s, c))
                     : 0;
        break;
      default:
        break;
    }
  }
  return bytes;
}

// Steps `s` to the end, touching every row. Returns the row count or -1.
int Drain(sqlite3_stmt* s, uint64_t* bytes) {
  int rows = 0;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    *bytes += TouchRow(s);
    ++rows;
  }
  sqlite3_reset(s);
  return rc == SQLITE_DONE ? rows : -1;
}

}  // namespace

absl::StatusOr<std::unique_ptr<FloorLookup>> FloorLookup::Open(const std::string& path,
                                                               int64_t mmap_size) {
  std::unique_ptr<FloorLookup> f(new FloorLookup());
  int rc =
      sqlite3_open_v2(path.c_str(), &f->db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return Error(f->db_, "open");
  const std::string pragma = "PRAGMA mmap_size=" + std::to_string(mmap_size);
  if (sqlite3_exec(f->db_, pragma.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Error(f->db_, "mmap_size");
  }
  for (int k = 0; k < kCount; ++k) {
    rc = sqlite3_prepare_v3(f->db_, kSql[static_cast<size_t>(k)], -1, SQLITE_PREPARE_PERSISTENT,
                            &f->stmts_[k], nullptr);
    if (rc != SQLITE_OK) return Error(f->db_, kSql[static_cast<size_t>(k)]);
  }
  return f;
}

FloorLookup::~FloorLookup() {
  for (sqlite3_stmt* s : stmts_) sqlite3_finalize(s);
  sqlite3_close_v2(db_);
}

absl::StatusOr<FloorLookup::Result> FloorLookup::ByPhone(std::string_view e164, int recent_limit) {
  Result r;
  if (sqlite3_step(stmts_[kBegin]) != SQLITE_DONE) {
    sqlite3_reset(stmts_[kBegin]);
    return Error(db_, "begin");
  }
  sqlite3_reset(stmts_[kBegin]);
  absl::Status status = [&]() -> absl::Status {
    sqlite3_stmt* s = stmts_[kIdentity];
    sqlite3_bind_text(s, 1, e164.data(), static_cast<int>(e164.size()), SQLITE_STATIC);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
      sqlite3_reset(s);
      return absl::OkStatus();
    }
    if (rc != SQLITE_ROW) {
      sqlite3_reset(s);
      return Error(db_, "identity");
    }
    const int64_t key = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    r.known = true;
    for (Stmt k : {kCustomer, kIdentities, kJourneys, kCases, kRecent}) {
      sqlite3_bind_int64(stmts_[k], 1, key);
    }
    sqlite3_bind_int(stmts_[kRecent], 2, recent_limit);
    if (Drain(stmts_[kCustomer], &r.bytes) != 1) return Error(db_, "customer");
    if ((r.identities = Drain(stmts_[kIdentities], &r.bytes)) < 0) return Error(db_, "identities");
    if ((r.journeys = Drain(stmts_[kJourneys], &r.bytes)) < 0) return Error(db_, "journeys");
    if ((r.cases = Drain(stmts_[kCases], &r.bytes)) < 0) return Error(db_, "cases");
    if ((r.recent = Drain(stmts_[kRecent], &r.bytes)) < 0) return Error(db_, "recent");
    return absl::OkStatus();
  }();
  if (sqlite3_step(stmts_[kCommit]) != SQLITE_DONE && status.ok()) status = Error(db_, "commit");
  sqlite3_reset(stmts_[kCommit]);
  if (!status.ok()) {
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return status;
  }
  return r;
}

}  // namespace omnictx::bench
