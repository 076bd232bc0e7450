// SPDX-License-Identifier: Apache-2.0
//
// The database schema as an ordered list of forward migrations. The file's
// version is PRAGMA user_version; Open applies each missing migration in
// its own IMMEDIATE transaction. A file with a newer version is refused.
#ifndef OMNICTX_STORAGE_SQLITE_SCHEMA_H_
#define OMNICTX_STORAGE_SQLITE_SCHEMA_H_

#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "storage/sqlite/connection.h"

namespace omnictx::storage::sqlite {

// Marks omnictx files (PRAGMA application_id): "OCTX".
inline constexpr int kApplicationId = 0x4f435458;

struct Migration {
  int version;               // the user_version after it runs
  std::string_view script;   // DDL, run as one script
};

// Returns every migration, oldest first; versions are 1, 2, 3, ...
std::span<const Migration> Migrations();

// Returns the newest version this build knows.
int LatestSchemaVersion();

// Brings the file to `target` (default: latest). Returns
// FailedPrecondition if the file belongs to another application or has a
// newer version than this build knows; DataLoss if it is not a database.
absl::Status Migrate(Connection* conn, int target = 0);

}  // namespace omnictx::storage::sqlite

#endif  // OMNICTX_STORAGE_SQLITE_SCHEMA_H_
