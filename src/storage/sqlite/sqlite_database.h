// SPDX-License-Identifier: Apache-2.0
//
// The SQLite Database: one writer connection behind a mutex and a pool of
// reader connections, all on one WAL-mode file.
//
// A database belongs to the process that opened it: after fork(), every
// call in the child returns FailedPrecondition, and destroying it there
// leaves the parent's connections and locks alone.
#ifndef OMNICTX_STORAGE_SQLITE_SQLITE_DATABASE_H_
#define OMNICTX_STORAGE_SQLITE_SQLITE_DATABASE_H_

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "omnictx/options.h"
#include "storage/repository.h"
#include "storage/sqlite/connection.h"

namespace omnictx::storage::sqlite {

class SqliteDatabase final : public Database {
 public:
  // Checks the path, creates the file (mode 0600) if asked, switches it to
  // WAL and migrates it. Returns InvalidArgument for an empty path, a
  // "file:" URI or a symbolic link; NotFound if missing and not to be
  // created; FailedPrecondition if it is not an omnictx database or is
  // newer than this build; DataLoss if corrupt.
  static absl::StatusOr<std::unique_ptr<SqliteDatabase>> Open(std::string_view path,
                                                              const Options& options);
  ~SqliteDatabase() ABSL_NO_THREAD_SAFETY_ANALYSIS override;

  absl::Status Read(absl::FunctionRef<absl::Status(Repository&)> fn) override;
  absl::Status Write(absl::FunctionRef<absl::Status(Repository&)> fn) override;
  absl::Status CheckpointTruncate() override;

 private:
  SqliteDatabase(std::string path, ConnectionOptions reader_options, int max_readers,
                 int64_t wal_truncate_bytes);

  // Returns FailedPrecondition if called in a child after fork().
  absl::Status CheckProcess() const;
  // Checkpoints and truncates the WAL once it is over wal_truncate_bytes_.
  // Never fails the write that just committed.
  void MaybeTruncateWal() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // Leases a reader connection, opening one if the pool is not full.
  absl::StatusOr<std::unique_ptr<Connection>> AcquireReader();
  void ReleaseReader(std::unique_ptr<Connection> conn);

  const std::string path_;
  const ConnectionOptions reader_options_;
  const int max_readers_;
  const std::string wal_path_;
  const int64_t wal_truncate_bytes_;  // 0: no truncation policy
  const pid_t pid_;                   // the process that opened the file

  // Standard mutexes rather than absl::Mutex: ThreadSanitizer sees their
  // locking even when Abseil was not built with it (Debian's is not).
  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_ ABSL_GUARDED_BY(write_mu_);  // null if read-only
  // WAL size at which the next truncation is tried.
  int64_t wal_truncate_at_ ABSL_GUARDED_BY(write_mu_);

  std::mutex pool_mu_;
  std::condition_variable reader_released_;  // an idle reader or a free slot
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(pool_mu_);
  int open_readers_ ABSL_GUARDED_BY(pool_mu_) = 0;
};

}  // namespace omnictx::storage::sqlite

#endif  // OMNICTX_STORAGE_SQLITE_SQLITE_DATABASE_H_
