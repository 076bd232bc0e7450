// SPDX-License-Identifier: Apache-2.0
#include "storage/sqlite/sqlite_database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/match.h"
#include "util/strings.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_repository.h"
#include "util/status_macros.h"

namespace omnictx::storage::sqlite {
namespace {

// Refuses paths SQLite would read as something other than a plain file.
// Debian's SQLite parses "file:" names as URIs even without
// SQLITE_OPEN_URI, which would let a path carry nolock=1 or vfs=.
absl::Status CheckPath(const std::string& path, bool create) {
  if (path.empty()) return absl::InvalidArgumentError("path: empty");
  if (path.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("path: control character");
  }
  if (absl::StartsWithIgnoreCase(path, "file:")) {
    return absl::InvalidArgumentError("path: URI file names (file:...) are not accepted");
  }
  if (path == ":memory:" || path.front() == ':') {
    return absl::InvalidArgumentError("path: in-memory databases are not supported (WAL needs a file)");
  }
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) return absl::InvalidArgumentError("path: symbolic links are refused");
    if (!S_ISREG(st.st_mode)) return absl::InvalidArgumentError("path: not a regular file");
    return absl::OkStatus();
  }
  if (errno != ENOENT) return absl::FailedPreconditionError("path: cannot be inspected");
  if (!create) return absl::NotFoundError("open: database file does not exist");
  // Create it ourselves so the file (and the -wal/-shm SQLite derives from
  // it) is readable by its owner only.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 && errno != EEXIST) {
    return absl::FailedPreconditionError("open: cannot create the database file");
  }
  if (fd >= 0) ::close(fd);
  return absl::OkStatus();
}

// How long one try of the WAL truncation waits for readers.
constexpr absl::Duration kTruncateTry = absl::Milliseconds(20);

// Turns "not a database" into the error Open documents.
absl::Status OpenError(absl::Status status) {
  if (absl::IsDataLoss(status) && absl::StrContains(status.message(), "not a database")) {
    return absl::FailedPreconditionError("open: the file is not an SQLite database");
  }
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(std::string_view path_view,
                                                                     const Options& options) {
  std::string path(path_view);
  if (options.max_readers < 1 || options.max_readers > 64) {
    return absl::InvalidArgumentError("options.max_readers: must be 1 to 64");
  }
  if (options.busy_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("options.busy_timeout: negative");
  }
  if (options.wal_truncate_bytes < 0) {
    return absl::InvalidArgumentError("options.wal_truncate_bytes: negative");
  }
  OMNICTX_RETURN_IF_ERROR(CheckPath(path, options.create_if_missing && !options.read_only));

  ConnectionOptions copts;
  copts.busy_timeout = options.busy_timeout;
  copts.synchronous_full = options.durability == Durability::kFull;
  copts.mmap_size = options.mmap_size;
  copts.wal_autocheckpoint_pages = options.wal_autocheckpoint_pages;
  copts.statement_cache_size = options.statement_cache_size;

  ConnectionOptions reader = copts;
  reader.read_only = true;
  std::unique_ptr<SqliteDatabase> db(
      new SqliteDatabase(path, reader, options.max_readers, options.wal_truncate_bytes));

  if (!options.read_only) {
    ConnectionOptions writer = copts;
    writer.create = options.create_if_missing;
    auto conn = Connection::Open(path, writer);
    if (!conn.ok()) return OpenError(conn.status());
    // Migrate first: it refuses another application's file (or a newer
    // one) before anything is written; switching to WAL rewrites the header.
    absl::Status st = Migrate(conn->get());
    if (st.ok()) st = (*conn)->Exec("PRAGMA journal_mode=WAL", "enable WAL");
    if (!st.ok()) return OpenError(st);
    std::lock_guard<std::mutex> lock(db->write_mu_);
    db->writer_ = *std::move(conn);
  } else {
    // A read-only store cannot migrate: the file must already be current.
    auto conn = db->AcquireReader();
    if (!conn.ok()) return OpenError(conn.status());
    auto version = (*conn)->QueryInt("PRAGMA user_version", "schema version");
    if (!version.ok()) return OpenError(version.status());
    auto app_id = (*conn)->QueryInt("PRAGMA application_id", "application id");
    if (!app_id.ok()) return OpenError(app_id.status());
    // As Migrate does: unmarked is fine only for an empty database.
    auto tables = (*conn)->QueryInt("SELECT count(*) FROM sqlite_schema", "inspect schema");
    if (!tables.ok()) return OpenError(tables.status());
    if (*app_id != kApplicationId && (*app_id != 0 || *version != 0 || *tables != 0)) {
      return absl::FailedPreconditionError(
          "open: the file is an SQLite database of another application");
    }
    if (*version == 0) {
      // Unmarked: foreign, or never initialized; read-only cannot tell more
      // nor initialize it.
      return absl::FailedPreconditionError(
          "open: the file is an SQLite database of another application, or an empty one "
          "(a read-only store cannot initialize it)");
    }
    if (*version > LatestSchemaVersion()) {
      return absl::FailedPreconditionError(
          internal::StrCat("open: schema version ", *version,
                           " was written by a newer omnictx (this build reads up to ",
                           LatestSchemaVersion(), ")"));
    }
    if (*version != LatestSchemaVersion()) {
      return absl::FailedPreconditionError(internal::StrCat(
          "open: read-only file has schema version ", *version, ", this build needs ",
          LatestSchemaVersion()));
    }
    db->ReleaseReader(*std::move(conn));
  }
  return db;
}

SqliteDatabase::SqliteDatabase(std::string path, ConnectionOptions reader_options,
                               int max_readers, int64_t wal_truncate_bytes)
    : path_(std::move(path)),
      reader_options_(reader_options),
      max_readers_(max_readers),
      wal_path_(path_ + "-wal"),
      wal_truncate_bytes_(wal_truncate_bytes),
      pid_(::getpid()),
      wal_truncate_at_(wal_truncate_bytes) {
  // Never grows later: returning a reader cannot fail for lack of memory.
  idle_.reserve(static_cast<size_t>(max_readers));
}

// In a child after fork() the connections are copies of the parent's:
// closing them could checkpoint and delete the WAL the parent is using, or
// drop locks SQLite believes it holds. They are left unclosed (the memory
// goes with the child), and no mutex is taken: a parent thread may have
// held one at the fork.
SqliteDatabase::~SqliteDatabase() {
  if (::getpid() == pid_) return;
  static_cast<void>(writer_.release());
  for (std::unique_ptr<Connection>& conn : idle_) static_cast<void>(conn.release());
}

absl::Status SqliteDatabase::CheckProcess() const {
  if (::getpid() == pid_) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "store: used in a child process after fork(); open the store again in the child");
}

absl::StatusOr<std::unique_ptr<Connection>> SqliteDatabase::AcquireReader() {
  {
    std::unique_lock<std::mutex> lock(pool_mu_);
    reader_released_.wait(lock, [this] { return !idle_.empty() || open_readers_ < max_readers_; });
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_readers_;  // reserve the slot, open outside the lock
  }
  auto free_slot = [this] {
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      --open_readers_;
    }
    reader_released_.notify_one();
  };
  absl::StatusOr<std::unique_ptr<Connection>> conn;
  try {
    conn = Connection::Open(path_, reader_options_);
  } catch (...) {  // std::bad_alloc: the slot must not stay taken
    free_slot();
    throw;
  }
  if (!conn.ok()) free_slot();
  return conn;
}

void SqliteDatabase::ReleaseReader(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    idle_.push_back(std::move(conn));
  }
  reader_released_.notify_one();
}

absl::Status SqliteDatabase::Read(absl::FunctionRef<absl::Status(Repository&)> fn) {
  OMNICTX_RETURN_IF_ERROR(CheckProcess());
  OMNICTX_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, AcquireReader());
  // The connection goes back to the pool however the read ends: a callback
  // that throws (std::bad_alloc) must not keep its slot for ever, or the
  // next reads would wait for it. The transaction has rolled back by then.
  struct Lease {
    SqliteDatabase& db;
    std::unique_ptr<Connection> conn;
    ~Lease() { db.ReleaseReader(std::move(conn)); }
  } lease{*this, std::move(conn)};
  // One deferred transaction: every read of the call sees one snapshot.
  OMNICTX_ASSIGN_OR_RETURN(Transaction tx,
                           Transaction::Begin(lease.conn.get(), Transaction::Mode::kDeferred));
  SqliteRepository repo(lease.conn.get());
  OMNICTX_RETURN_IF_ERROR(fn(repo));
  return tx.Commit();
}

absl::Status SqliteDatabase::Write(absl::FunctionRef<absl::Status(Repository&)> fn) {
  OMNICTX_RETURN_IF_ERROR(CheckProcess());
  std::lock_guard<std::mutex> lock(write_mu_);
  if (writer_ == nullptr) {
    return absl::FailedPreconditionError("store: opened read-only");
  }
  // IMMEDIATE takes the write lock up front: a deferred transaction that
  // reads and then writes can fail with SQLITE_BUSY at once under WAL.
  OMNICTX_ASSIGN_OR_RETURN(Transaction tx,
                           Transaction::Begin(writer_.get(), Transaction::Mode::kImmediate));
  SqliteRepository repo(writer_.get());
  OMNICTX_RETURN_IF_ERROR(fn(repo));
  OMNICTX_RETURN_IF_ERROR(tx.Commit());
  MaybeTruncateWal();
  return absl::OkStatus();
}

// SQLite's automatic checkpoint is PASSIVE: it copies only the frames no
// reader still needs, and the WAL restarts from its beginning only at a
// moment when no reader uses it. Readers that always overlap deny it that
// moment and the WAL grows without bound. A TRUNCATE checkpoint instead
// waits for the readers of older snapshots to finish (readers that start
// meanwhile are not blocked), copies everything and empties the file.
//
// It is run as many short tries rather than one long wait: a try waits for
// the reader slot it first saw holding an old snapshot, and readers that
// keep taking turns on that slot (now at the newest snapshot) can hold it
// for ever; a new try sees the slot is current and moves on. The tries
// stop after busy_timeout.
//
// The size is the file's: it only drops when the WAL is truncated.
void SqliteDatabase::MaybeTruncateWal() {
  if (wal_truncate_bytes_ <= 0) return;
  struct stat st;
  if (::stat(wal_path_.c_str(), &st) != 0 || st.st_size < wal_truncate_at_) return;
  sqlite3* db = writer_->raw();
  const absl::Duration timeout = reader_options_.busy_timeout;
  const absl::Time give_up = absl::Now() + timeout;
  sqlite3_busy_timeout(db, static_cast<int>(absl::ToInt64Milliseconds(
                               std::min(kTruncateTry, timeout))));
  int rc;
  do {
    rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  } while ((rc & 0xff) == SQLITE_BUSY && absl::Now() < give_up);
  sqlite3_busy_timeout(db, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  // A reader that outlasted the wait must not make every later write wait
  // too: try again once the WAL has grown by the threshold once more.
  wal_truncate_at_ =
      rc == SQLITE_OK ? wal_truncate_bytes_ : static_cast<int64_t>(st.st_size) + wal_truncate_bytes_;
}

absl::Status SqliteDatabase::CheckpointTruncate() {
  OMNICTX_RETURN_IF_ERROR(CheckProcess());
  std::lock_guard<std::mutex> lock(write_mu_);
  if (writer_ == nullptr) return absl::FailedPreconditionError("store: opened read-only");
  int rc = sqlite3_wal_checkpoint_v2(writer_->raw(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                     nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, "wal_checkpoint(TRUNCATE)", writer_->raw());
  return absl::OkStatus();
}

}  // namespace omnictx::storage::sqlite
