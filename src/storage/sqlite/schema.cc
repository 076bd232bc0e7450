// SPDX-License-Identifier: Apache-2.0
#include "storage/sqlite/schema.h"

#include "util/strings.h"
#include "omnictx/version.h"
#include "util/status_macros.h"

namespace omnictx::storage::sqlite {
namespace {

// Version 1: the core model. Times are int64 microseconds since the epoch.
// Protos are stored whole in `body`/`profile` blobs; columns hold what
// queries filter, join or order on. Interactions are clustered by
// (customer, time) so a customer's recent history sits on a few pages.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE customers(
  key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  status INTEGER NOT NULL,
  merged_into INTEGER REFERENCES customers(key),
  created_us INTEGER NOT NULL,
  updated_us INTEGER NOT NULL,
  profile BLOB NOT NULL
) STRICT;

CREATE TABLE identities(
  kind INTEGER NOT NULL,
  platform TEXT NOT NULL,
  value TEXT NOT NULL,
  customer_key INTEGER NOT NULL REFERENCES customers(key),
  linked_us INTEGER NOT NULL,
  PRIMARY KEY(kind, platform, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX identities_by_customer ON identities(customer_key);

CREATE TABLE touchpoints(
  key TEXT PRIMARY KEY,
  body BLOB NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE journeys(
  key TEXT NOT NULL,
  version INTEGER NOT NULL,
  defined_us INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY(key, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE journey_instances(
  id INTEGER PRIMARY KEY,
  customer_key INTEGER NOT NULL REFERENCES customers(key),
  journey_key TEXT NOT NULL,
  journey_version INTEGER NOT NULL,
  status INTEGER NOT NULL,
  current_step TEXT NOT NULL,
  started_us INTEGER NOT NULL,
  step_entered_us INTEGER NOT NULL,
  ended_us INTEGER,
  FOREIGN KEY(journey_key, journey_version) REFERENCES journeys(key, version)
) STRICT;
CREATE INDEX journey_instances_by_customer ON journey_instances(customer_key, status);
CREATE UNIQUE INDEX journey_instances_one_active
  ON journey_instances(customer_key, journey_key) WHERE status = 1;
CREATE INDEX journey_instances_by_journey
  ON journey_instances(journey_key, status, current_step);

CREATE TABLE journey_transitions(
  instance_id INTEGER NOT NULL REFERENCES journey_instances(id),
  seq INTEGER NOT NULL,
  from_step TEXT NOT NULL,
  to_step TEXT NOT NULL,
  at_us INTEGER NOT NULL,
  channel INTEGER NOT NULL,
  provider TEXT NOT NULL,
  interaction_id INTEGER,
  PRIMARY KEY(instance_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE cases(
  id INTEGER PRIMARY KEY,
  customer_key INTEGER NOT NULL REFERENCES customers(key),
  status INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  owner_agent TEXT NOT NULL,
  queue TEXT NOT NULL,
  subject TEXT NOT NULL,
  journey_instance_id INTEGER REFERENCES journey_instances(id),
  opened_us INTEGER NOT NULL,
  updated_us INTEGER NOT NULL,
  resolved_us INTEGER,
  closed_us INTEGER,
  interaction_count INTEGER NOT NULL
) STRICT;
CREATE INDEX cases_by_customer ON cases(customer_key, status);
CREATE INDEX cases_by_journey_instance ON cases(journey_instance_id)
  WHERE journey_instance_id IS NOT NULL;

CREATE TABLE interactions(
  customer_key INTEGER NOT NULL REFERENCES customers(key),
  occurred_us INTEGER NOT NULL,
  id INTEGER NOT NULL,
  channel INTEGER NOT NULL,
  direction INTEGER NOT NULL,
  case_id INTEGER REFERENCES cases(id),
  journey_instance_id INTEGER REFERENCES journey_instances(id),
  external_id TEXT,
  body BLOB NOT NULL,
  PRIMARY KEY(customer_key, occurred_us, id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX interactions_by_id ON interactions(id);
CREATE UNIQUE INDEX interactions_by_external_id ON interactions(external_id)
  WHERE external_id IS NOT NULL;
CREATE INDEX interactions_by_case ON interactions(case_id)
  WHERE case_id IS NOT NULL;
CREATE INDEX interactions_by_journey_instance ON interactions(journey_instance_id)
  WHERE journey_instance_id IS NOT NULL;
)sql";

// Version 2: identity resolution. Merge records keep what Unmerge needs;
// tombstones are keyed hashes of erased identities; the audit trail holds
// no personal data (customers by key only, no foreign key so it outlives
// erasure).
constexpr std::string_view kV2 = R"sql(
CREATE TABLE merges(
  id INTEGER PRIMARY KEY,
  survivor_key INTEGER NOT NULL REFERENCES customers(key),
  absorbed_key INTEGER NOT NULL REFERENCES customers(key),
  merged_us INTEGER NOT NULL,
  unmerged_us INTEGER,
  record BLOB NOT NULL
) STRICT;
CREATE INDEX merges_by_survivor ON merges(survivor_key);
CREATE INDEX merges_by_absorbed ON merges(absorbed_key);

CREATE TABLE tombstones(
  digest BLOB PRIMARY KEY,
  erased_us INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE audit(
  id INTEGER PRIMARY KEY,
  at_us INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  customer_key INTEGER NOT NULL,
  detail TEXT NOT NULL
) STRICT;

CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX interactions_by_time ON interactions(occurred_us);
)sql";

// Version 3: metrics. Cases count their reopenings (first-contact
// resolution), and the windows Metrics reads are indexed.
constexpr std::string_view kV3 = R"sql(
ALTER TABLE cases ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_by_resolved ON cases(resolved_us) WHERE resolved_us IS NOT NULL;
CREATE INDEX journey_instances_by_start ON journey_instances(started_us);
)sql";

constexpr Migration kMigrations[] = {
    {1, kV1},
    {2, kV2},
    {3, kV3},
};

absl::StatusOr<int> ReadVersion(Connection* conn) {
  OMNICTX_ASSIGN_OR_RETURN(int64_t v, conn->QueryInt("PRAGMA user_version", "read schema version"));
  return static_cast<int>(v);
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

absl::Status Migrate(Connection* conn, int target) {
  if (target == 0) target = LatestSchemaVersion();
  // Reading the header is what detects a file that is not a database.
  OMNICTX_ASSIGN_OR_RETURN(int64_t app_id,
                           conn->QueryInt("PRAGMA application_id", "read application id"));
  OMNICTX_ASSIGN_OR_RETURN(int version, ReadVersion(conn));
  if (version == 0 && app_id == 0) {
    OMNICTX_ASSIGN_OR_RETURN(
        int64_t tables,
        conn->QueryInt("SELECT count(*) FROM sqlite_schema", "inspect schema"));
    if (tables != 0) {
      return absl::FailedPreconditionError(
          "open: the file is an SQLite database of another application");
    }
  } else if (app_id != kApplicationId) {
    return absl::FailedPreconditionError(
        "open: the file is an SQLite database of another application");
  }
  if (version > LatestSchemaVersion()) {
    return absl::FailedPreconditionError(internal::StrCat(
        "open: schema version ", version, " was written by a newer omnictx (this build reads up to ",
        LatestSchemaVersion(), ")"));
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= version || m.version > target) continue;
    OMNICTX_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn, Transaction::Mode::kImmediate));
    // Another process may have migrated while we waited for the lock.
    OMNICTX_ASSIGN_OR_RETURN(int now_version, ReadVersion(conn));
    if (now_version >= m.version) continue;
    OMNICTX_RETURN_IF_ERROR(conn->Exec(m.script, internal::StrCat("migration ", m.version)));
    OMNICTX_RETURN_IF_ERROR(conn->Exec(
        internal::StrCat("PRAGMA application_id=", kApplicationId, ";PRAGMA user_version=", m.version),
        "set schema version"));
    OMNICTX_RETURN_IF_ERROR(tx.Commit());
  }
  return absl::OkStatus();
}

}  // namespace omnictx::storage::sqlite

namespace omnictx {
int SchemaVersion() { return storage::sqlite::LatestSchemaVersion(); }
}  // namespace omnictx
