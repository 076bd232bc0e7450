// SPDX-License-Identifier: Apache-2.0
#include "storage/sqlite/connection.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "util/strings.h"

namespace omnictx::storage::sqlite {

namespace {

// The errno behind the last failed I/O: SQLite records it for errors
// raised while a statement runs, not for a failed COMMIT, so the WAL's
// (or, in rollback mode, the journal's) and then the main file's own last
// errno are asked too.
int LastFileErrno(sqlite3* db) {
  if (int err = sqlite3_system_errno(db); err != 0) return err;
  int err = 0;
  sqlite3_file* journal = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &journal) == SQLITE_OK &&
      journal != nullptr && journal->pMethods != nullptr &&
      journal->pMethods->xFileControl(journal, SQLITE_FCNTL_LAST_ERRNO, &err) == SQLITE_OK &&
      err != 0) {
    return err;
  }
  err = 0;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &err);
  return err;
}

}  // namespace

absl::Status SqliteStatus(int code, std::string_view what, sqlite3* db) {
  // sqlite3_errmsg names tables, columns and constraints, never bound values.
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  std::string msg = internal::StrCat("sqlite ", what, ": ", detail);
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(msg);
      }
      return absl::FailedPreconditionError(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(msg);
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return absl::ResourceExhaustedError(msg);
    case SQLITE_IOERR:
      // A full disk or file-size limit reaches SQLite as a failed write
      // (EFBIG under RLIMIT_FSIZE is IOERR_WRITE, not FULL), and an
      // allocation failure inside the VFS as IOERR_NOMEM.
      if (code == SQLITE_IOERR_NOMEM) return absl::ResourceExhaustedError(msg);
      if (db != nullptr) {
        const int err = LastFileErrno(db);
        if (err == ENOSPC || err == EFBIG || err == EDQUOT) {
          return absl::ResourceExhaustedError(msg);
        }
      }
      return absl::InternalError(msg);
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
      return absl::FailedPreconditionError(msg);
    case SQLITE_TOOBIG:
      return absl::InvalidArgumentError(msg);
    default:
      return absl::InternalError(msg);
  }
}

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : stmt_(other.stmt_), db_(other.db_), name_(other.name_),
      owned_(other.owned_), bind_error_(other.bind_error_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::BindInt(int i, int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, i, v);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindText(int i, std::string_view v) {
  int rc = sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindTextOrNull(int i, std::string_view v) {
  if (v.empty()) {
    BindNull(i);
  } else {
    BindText(i, v);
  }
}

void Statement::BindIntOrNull(int i, int64_t v) {
  if (v == 0) {
    BindNull(i);
  } else {
    BindInt(i, v);
  }
}

void Statement::BindBlob(int i, std::string_view v) {
  // A zero-length blob must still be non-NULL: bind through zeroblob.
  int rc = v.empty() ? sqlite3_bind_zeroblob(stmt_, i, 0)
                     : sqlite3_bind_blob64(stmt_, i, v.data(), v.size(),
                                           SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindNull(int i) {
  int rc = sqlite3_bind_null(stmt_, i);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

absl::StatusOr<bool> Statement::Step() {
  if (bind_error_ != 0) return SqliteStatus(bind_error_, name_, nullptr);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(sqlite3_extended_errcode(db_), name_, db_);
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  return absl::OkStatus();
}

int64_t Statement::ColumnInt(int i) const { return sqlite3_column_int64(stmt_, i); }

bool Statement::ColumnIsNull(int i) const {
  return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}

std::string_view Statement::ColumnText(int i) const {
  const unsigned char* p = sqlite3_column_text(stmt_, i);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, i))};
}

std::string_view Statement::ColumnBlob(int i) const {
  const void* p = sqlite3_column_blob(stmt_, i);
  if (p == nullptr) return {};
  return {static_cast<const char*>(p),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, i))};
}

// ---- Connection ----

void Connection::StmtDeleter::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const std::string& path, const ConnectionOptions& options) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (options.create) flags |= SQLITE_OPEN_CREATE;
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteStatus(rc, "open", db);
    sqlite3_close_v2(db);
    // Only a missing file is NotFound: CANTOPEN also covers a failed open
    // of a file that is there (out of descriptors, an I/O error).
    if ((rc & 0xff) == SQLITE_CANTOPEN && !options.create &&
        ::access(path.c_str(), F_OK) != 0 && errno == ENOENT) {
      return absl::NotFoundError("open: database file does not exist");
    }
    return status;
  }
  std::unique_ptr<Connection> conn(new Connection(db, options.statement_cache_size));
  // Sized once so that Prepare never rehashes on the hot path. (A std
  // container, not Abseil's: a std::bad_alloc while an Abseil 20220623
  // table grows leaves it corrupt; a std one is left as it was.)
  conn->cache_.reserve(static_cast<size_t>(std::max(options.statement_cache_size, 0)));
  // Nothing the API exposes loads extensions, but make sure of it, and
  // refuse SQL that could corrupt the file even if one slipped through.
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));
  std::string pragmas = internal::StrCat(
      "PRAGMA foreign_keys=ON;",
      "PRAGMA synchronous=", options.synchronous_full ? "FULL;" : "NORMAL;",
      "PRAGMA mmap_size=", options.mmap_size, ";",
      "PRAGMA secure_delete=ON;");
  if (!options.read_only) {
    internal::StrAppend(&pragmas, "PRAGMA wal_autocheckpoint=",
                    options.wal_autocheckpoint_pages, ";",
                    // After a checkpoint resets the WAL, shrink it back.
                    "PRAGMA journal_size_limit=67108864;");
  }
  absl::Status status = conn->Exec(pragmas, "pragmas");
  if (!status.ok()) return status;
  return conn;
}

Connection::~Connection() {
  cache_.clear();  // finalize every statement before closing
  sqlite3_close_v2(db_);
}

absl::StatusOr<Statement> Connection::Prepare(const Sql& sql) {
  auto it = cache_.find(sql.text.data());
  if (it != cache_.end()) return Statement(it->second.get(), db_, sql.name, false);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.text.data(), static_cast<int>(sql.text.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteStatus(rc, sql.name, db_);
    sqlite3_finalize(stmt);
    return status;
  }
  // The set of statements is fixed and small; past the cache size a
  // statement is prepared per borrow (slower, never wrong).
  if (static_cast<int>(cache_.size()) >= cache_size_) {
    return Statement(stmt, db_, sql.name, true);
  }
  cache_.emplace(sql.text.data(), stmt);
  return Statement(stmt, db_, sql.name, false);
}

absl::Status Connection::Exec(std::string_view sql, std::string_view what) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(sqlite3_extended_errcode(db_), what, db_);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Connection::QueryInt(std::string_view sql, std::string_view what) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteStatus(rc, what, db_);
    sqlite3_finalize(stmt);
    return status;
  }
  std::unique_ptr<sqlite3_stmt, StmtDeleter> guard(stmt);
  rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) return sqlite3_column_int64(stmt, 0);
  if (rc == SQLITE_DONE) return absl::NotFoundError(internal::StrCat(what, ": no row"));
  return SqliteStatus(sqlite3_extended_errcode(db_), what, db_);
}

// ---- Transaction ----

absl::StatusOr<Transaction> Transaction::Begin(Connection* conn, Mode mode) {
  absl::Status status = conn->Exec(
      mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", "begin");
  if (!status.ok()) return status;
  return Transaction(conn);
}

Transaction::~Transaction() {
  if (conn_ == nullptr) return;
  // A failed statement may already have rolled the transaction back.
  if (sqlite3_get_autocommit(conn_->raw()) == 0) {
    sqlite3_exec(conn_->raw(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

absl::Status Transaction::Commit() {
  absl::Status status = conn_->Exec("COMMIT", "commit");
  if (status.ok()) conn_ = nullptr;
  return status;
}

}  // namespace omnictx::storage::sqlite
