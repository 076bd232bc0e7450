// SPDX-License-Identifier: Apache-2.0
//
// Merges, erasure, tombstones, audit and retention scans.
#include <sqlite3.h>

#include "storage/sqlite/queries_merge.h"
#include "storage/sqlite/sqlite_repository.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace omnictx::storage::sqlite {
namespace {

absl::StatusOr<MergeRecord> ParseMerge(int64_t id, std::string_view blob) {
  MergeRecord r;
  if (!r.ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
    return absl::DataLossError("stored merge record does not parse");
  }
  r.set_id(id);
  return r;
}

// Runs a statement that binds one key and changes rows; returns how many.
absl::StatusOr<int64_t> ChangeByKey(Connection* conn, const Sql& sql, int64_t key) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn->Prepare(sql));
  s.BindInt(1, key);
  OMNICTX_RETURN_IF_ERROR(s.Run());
  return sqlite3_changes64(conn->raw());
}

absl::Status MoveById(Connection* conn, const Sql& sql, int64_t id, int64_t to_key) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn->Prepare(sql));
  s.BindInt(1, id);
  s.BindInt(2, to_key);
  return s.Run();
}

}  // namespace

absl::Status SqliteRepository::SetCustomerStatus(int64_t key, v1::CustomerStatus status,
                                                 int64_t merged_into, absl::Time now) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kSetCustomerStatus));
  s.BindInt(1, key);
  s.BindInt(2, status);
  s.BindIntOrNull(3, merged_into);
  s.BindInt(4, ToMicros(now));
  return s.Run();
}

absl::Status SqliteRepository::MoveIdentity(const Identity& identity, int64_t to_key) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kMoveIdentity));
  s.BindInt(1, identity.kind());
  s.BindText(2, identity.platform());
  s.BindText(3, identity.value());
  s.BindInt(4, to_key);
  return s.Run();
}

absl::StatusOr<int64_t> SqliteRepository::CountIdentities(int64_t customer_key,
                                                          v1::IdentityKind kind,
                                                          absl::Time since) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kCountIdentities));
  s.BindInt(1, customer_key);
  s.BindInt(2, kind);
  s.BindInt(3, ToMicros(since));
  OMNICTX_RETURN_IF_ERROR(s.Step().status());
  return s.ColumnInt(0);
}

absl::StatusOr<std::vector<int64_t>> SqliteRepository::ListInteractionIds(int64_t customer_key) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kListInteractionIds));
  s.BindInt(1, customer_key);
  std::vector<int64_t> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(s.ColumnInt(0));
  }
  return out;
}

absl::Status SqliteRepository::MoveInteraction(int64_t id, int64_t to_key) {
  return MoveById(conn_, queries::kMoveInteraction, id, to_key);
}

absl::Status SqliteRepository::MoveInstance(int64_t id, int64_t to_key) {
  return MoveById(conn_, queries::kMoveInstance, id, to_key);
}

absl::Status SqliteRepository::MoveCase(int64_t id, int64_t to_key) {
  return MoveById(conn_, queries::kMoveCase, id, to_key);
}

absl::StatusOr<int64_t> SqliteRepository::InsertMerge(int64_t survivor_key, int64_t absorbed_key,
                                                      const MergeRecord& record) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInsertMerge));
  s.BindInt(1, survivor_key);
  s.BindInt(2, absorbed_key);
  s.BindInt(3, ToMicros(FromProtoTime(record.merged_at())));
  s.BindBlob(4, record.SerializeAsString());
  OMNICTX_RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(conn_->raw());
}

absl::Status SqliteRepository::UpdateMerge(int64_t id, const MergeRecord& record) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kUpdateMerge));
  s.BindInt(1, id);
  if (record.has_unmerged_at()) {
    s.BindInt(2, ToMicros(FromProtoTime(record.unmerged_at())));
  } else {
    s.BindNull(2);
  }
  s.BindBlob(3, record.SerializeAsString());
  return s.Run();
}

absl::StatusOr<std::optional<std::tuple<MergeRecord, int64_t, int64_t>>>
SqliteRepository::GetMerge(int64_t id) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kGetMerge));
  s.BindInt(1, id);
  OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  OMNICTX_ASSIGN_OR_RETURN(MergeRecord r, ParseMerge(id, s.ColumnBlob(0)));
  return std::make_tuple(std::move(r), s.ColumnInt(1), s.ColumnInt(2));
}

absl::StatusOr<std::vector<MergeRecord>> SqliteRepository::ListMerges(int64_t customer_key) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kListMerges));
  s.BindInt(1, customer_key);
  std::vector<MergeRecord> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    OMNICTX_ASSIGN_OR_RETURN(MergeRecord r, ParseMerge(s.ColumnInt(0), s.ColumnBlob(1)));
    out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<std::optional<int64_t>> SqliteRepository::MergeThatAbsorbed(int64_t customer_key) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kMergeThatAbsorbed));
  s.BindInt(1, customer_key);
  OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  return s.ColumnInt(0);
}

absl::StatusOr<int64_t> SqliteRepository::DeleteMerges(int64_t customer_key) {
  return ChangeByKey(conn_, queries::kDeleteMerges, customer_key);
}

absl::Status SqliteRepository::ScrubInteraction(int64_t id, const Interaction& body) {
  Interaction b = body;
  b.clear_id();
  b.clear_customer_id();
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kScrubInteraction));
  s.BindInt(1, id);
  s.BindBlob(2, b.SerializeAsString());
  return s.Run();
}

absl::StatusOr<int64_t> SqliteRepository::ScrubCases(int64_t customer_key) {
  return ChangeByKey(conn_, queries::kScrubCases, customer_key);
}

absl::Status SqliteRepository::EraseCustomerRow(int64_t key, std::string_view new_id,
                                                absl::Time now) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kEraseCustomerRow));
  s.BindInt(1, key);
  s.BindText(2, new_id);
  s.BindInt(3, ToMicros(now));
  return s.Run();
}

absl::StatusOr<std::string> SqliteRepository::TombstoneSecret() {
  constexpr std::string_view kKey = "tombstone_secret";
  {
    OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kGetMeta));
    s.BindText(1, kKey);
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) return std::string(s.ColumnBlob(0));
  }
  std::string secret(32, '\0');
  sqlite3_randomness(static_cast<int>(secret.size()), secret.data());
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kPutMeta));
  s.BindText(1, kKey);
  s.BindBlob(2, secret);
  OMNICTX_RETURN_IF_ERROR(s.Run());
  return secret;
}

absl::Status SqliteRepository::InsertTombstone(std::string_view digest, absl::Time now) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInsertTombstone));
  s.BindBlob(1, digest);
  s.BindInt(2, ToMicros(now));
  return s.Run();
}

absl::StatusOr<bool> SqliteRepository::HasTombstone(std::string_view digest) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kHasTombstone));
  s.BindBlob(1, digest);
  return s.Step();
}

absl::StatusOr<int64_t> SqliteRepository::InsertAudit(const AuditEntry& e) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInsertAudit));
  s.BindInt(1, ToMicros(FromProtoTime(e.at())));
  s.BindText(2, e.actor());
  s.BindText(3, e.action());
  s.BindInt(4, e.customer_key());
  s.BindText(5, e.detail());
  OMNICTX_RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(conn_->raw());
}

absl::StatusOr<std::vector<AuditEntry>> SqliteRepository::ListAudit(int limit) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kListAudit));
  s.BindInt(1, limit);
  std::vector<AuditEntry> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    AuditEntry& e = out.emplace_back();
    e.set_id(s.ColumnInt(0));
    *e.mutable_at() = ToProtoTime(FromMicros(s.ColumnInt(1)));
    e.set_actor(std::string(s.ColumnText(2)));
    e.set_action(std::string(s.ColumnText(3)));
    e.set_customer_key(s.ColumnInt(4));
    e.set_detail(std::string(s.ColumnText(5)));
  }
  return out;
}

absl::StatusOr<std::vector<OldInteraction>> SqliteRepository::ScanOldInteractions(
    absl::Time before, const ScanPosition& after, int limit) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kScanOldInteractions));
  s.BindInt(1, ToMicros(before));
  s.BindInt(2, after.occurred_us);
  s.BindInt(3, after.customer_key);
  s.BindInt(4, after.id);
  s.BindInt(5, limit);
  std::vector<OldInteraction> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    OldInteraction& o = out.emplace_back();
    o.position = {s.ColumnInt(0), s.ColumnInt(1), s.ColumnInt(2)};
    o.channel = static_cast<v1::ChannelKind>(s.ColumnInt(3));
    Interaction body;
    std::string_view blob = s.ColumnBlob(4);
    if (!body.ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
      return absl::DataLossError("stored interaction does not parse");
    }
    o.kind = body.kind();
  }
  return out;
}

absl::Status SqliteRepository::DeleteInteraction(int64_t id) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kDeleteInteraction));
  s.BindInt(1, id);
  return s.Run();
}

}  // namespace omnictx::storage::sqlite
