// SPDX-License-Identifier: Apache-2.0
//
// RAII over the SQLite C API: a Connection owns its sqlite3* and a cache of
// prepared statements, a Statement is borrowed from that cache and reset on
// return, a Transaction rolls back unless committed. Nothing throws.
//
// Thread safety: a Connection is used by one thread at a time (connections
// are opened with SQLITE_OPEN_NOMUTEX); the owner serializes access.
#ifndef OMNICTX_STORAGE_SQLITE_CONNECTION_H_
#define OMNICTX_STORAGE_SQLITE_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

struct sqlite3;
struct sqlite3_stmt;

namespace omnictx::storage::sqlite {

// One SQL statement with the name error messages use. Defined in queries.h.
struct Sql {
  std::string_view name;
  std::string_view text;
};

// Maps an SQLite result code to a status: UNIQUE -> AlreadyExists,
// BUSY/LOCKED -> Unavailable, CORRUPT/NOTADB -> DataLoss,
// FULL -> ResourceExhausted, READONLY -> FailedPrecondition, else Internal.
// The message names `what` (a statement or operation) and SQLite's error
// text, never bound values.
absl::Status SqliteStatus(int code, std::string_view what, sqlite3* db);

// A prepared statement borrowed from a Connection's cache. Reset and its
// bindings cleared when the borrow ends. Parameters are 1-based.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  void BindInt(int i, int64_t v);
  // Binds a copy of the text.
  void BindText(int i, std::string_view v);
  // Binds NULL for an empty string, else the text.
  void BindTextOrNull(int i, std::string_view v);
  // Binds NULL for 0, else the integer.
  void BindIntOrNull(int i, int64_t v);
  void BindBlob(int i, std::string_view v);
  void BindNull(int i);

  // Advances. Returns true if a row is ready, false when done. Bind errors
  // (out-of-range index, too big) surface here.
  [[nodiscard]] absl::StatusOr<bool> Step();
  // Steps a statement expected to return no rows.
  [[nodiscard]] absl::Status Run();

  int64_t ColumnInt(int i) const;
  bool ColumnIsNull(int i) const;
  // Views are valid until the next Step() or the end of the borrow.
  std::string_view ColumnText(int i) const;
  std::string_view ColumnBlob(int i) const;

  std::string_view name() const { return name_; }

 private:
  friend class Connection;
  Statement(sqlite3_stmt* stmt, sqlite3* db, std::string_view name, bool owned)
      : stmt_(stmt), db_(db), name_(name), owned_(owned) {}
  sqlite3_stmt* stmt_;
  sqlite3* db_;
  std::string_view name_;
  bool owned_;  // not cached: finalized when the borrow ends
  int bind_error_ = 0;
};

// How a connection opens the file.
struct ConnectionOptions {
  bool read_only = false;
  bool create = false;
  absl::Duration busy_timeout = absl::Seconds(5);
  bool synchronous_full = false;
  int64_t mmap_size = 0;
  int wal_autocheckpoint_pages = 1000;
  int statement_cache_size = 64;
};

class Connection {
 public:
  // Opens `path` (never as a URI) and applies the pragmas. Returns
  // NotFound if the file is missing and `create` is false; DataLoss or
  // FailedPrecondition if it is not an SQLite database.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& path, const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Borrows the cached prepared statement for `sql`, preparing it the first
  // time. Returns Internal if the SQL does not compile.
  [[nodiscard]] absl::StatusOr<Statement> Prepare(const Sql& sql);

  // Runs SQL text that takes no parameters and returns no rows we read
  // (pragmas, DDL). Used only by schema migration and maintenance.
  [[nodiscard]] absl::Status Exec(std::string_view sql, std::string_view what);

  // Returns the first column of the first row of a parameterless query.
  [[nodiscard]] absl::StatusOr<int64_t> QueryInt(std::string_view sql,
                                                 std::string_view what);

  sqlite3* raw() { return db_; }

 private:
  explicit Connection(sqlite3* db, int cache_size) : db_(db), cache_size_(cache_size) {}
  struct StmtDeleter {
    void operator()(sqlite3_stmt* s) const;
  };
  sqlite3* db_;
  int cache_size_;
  // Keyed by the address of the SQL text: every Sql is a constexpr constant.
  std::unordered_map<const char*, std::unique_ptr<sqlite3_stmt, StmtDeleter>> cache_;
};

// A transaction on one connection. Rolls back in its destructor unless
// Commit() succeeded.
class Transaction {
 public:
  enum class Mode { kDeferred, kImmediate };
  // Begins. Returns Unavailable if the write lock stays busy past the timeout.
  [[nodiscard]] static absl::StatusOr<Transaction> Begin(Connection* conn, Mode mode);
  Transaction(Transaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  [[nodiscard]] absl::Status Commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;
};

}  // namespace omnictx::storage::sqlite

#endif  // OMNICTX_STORAGE_SQLITE_CONNECTION_H_
