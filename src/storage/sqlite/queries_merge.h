// SPDX-License-Identifier: Apache-2.0
//
// SQL for merges, erasure, tombstones, audit and retention (schema v2).
// Values are always bound, never spliced into the text.
#ifndef OMNICTX_STORAGE_SQLITE_QUERIES_MERGE_H_
#define OMNICTX_STORAGE_SQLITE_QUERIES_MERGE_H_

#include "storage/sqlite/connection.h"

namespace omnictx::storage::sqlite::queries {

inline constexpr Sql kSetCustomerStatus{"SetCustomerStatus", R"sql(
UPDATE customers SET status = ?2, merged_into = ?3, updated_us = ?4 WHERE key = ?1)sql"};
inline constexpr Sql kMoveIdentity{"MoveIdentity", R"sql(
UPDATE identities SET customer_key = ?4 WHERE kind = ?1 AND platform = ?2 AND value = ?3)sql"};
inline constexpr Sql kCountIdentities{"CountIdentities", R"sql(
SELECT count(*) FROM identities WHERE customer_key = ?1 AND kind = ?2 AND linked_us >= ?3)sql"};
inline constexpr Sql kListInteractionIds{"ListInteractionIds", R"sql(
SELECT id FROM interactions WHERE customer_key = ?1 ORDER BY occurred_us, id)sql"};
inline constexpr Sql kMoveInteraction{"MoveInteraction", R"sql(
UPDATE interactions SET customer_key = ?2 WHERE id = ?1)sql"};
inline constexpr Sql kMoveInstance{"MoveInstance", R"sql(
UPDATE journey_instances SET customer_key = ?2 WHERE id = ?1)sql"};
inline constexpr Sql kMoveCase{"MoveCase", R"sql(
UPDATE cases SET customer_key = ?2 WHERE id = ?1)sql"};

inline constexpr Sql kInsertMerge{"InsertMerge", R"sql(
INSERT INTO merges(survivor_key, absorbed_key, merged_us, record) VALUES (?1, ?2, ?3, ?4))sql"};
inline constexpr Sql kUpdateMerge{"UpdateMerge", R"sql(
UPDATE merges SET unmerged_us = ?2, record = ?3 WHERE id = ?1)sql"};
inline constexpr Sql kGetMerge{"GetMerge", R"sql(
SELECT record, survivor_key, absorbed_key FROM merges WHERE id = ?1)sql"};
inline constexpr Sql kListMerges{"ListMerges", R"sql(
SELECT id, record FROM merges WHERE survivor_key = ?1 OR absorbed_key = ?1 ORDER BY id DESC)sql"};
inline constexpr Sql kMergeThatAbsorbed{"MergeThatAbsorbed", R"sql(
SELECT id FROM merges WHERE absorbed_key = ?1 AND unmerged_us IS NULL ORDER BY id DESC LIMIT 1)sql"};
inline constexpr Sql kDeleteMerges{"DeleteMerges", R"sql(
DELETE FROM merges WHERE survivor_key = ?1 OR absorbed_key = ?1)sql"};

inline constexpr Sql kScrubInteraction{"ScrubInteraction", R"sql(
UPDATE interactions SET body = ?2, external_id = NULL WHERE id = ?1)sql"};
inline constexpr Sql kScrubCases{"ScrubCases", R"sql(
UPDATE cases SET subject = '' WHERE customer_key = ?1)sql"};
inline constexpr Sql kEraseCustomerRow{"EraseCustomerRow", R"sql(
UPDATE customers SET id = ?2, profile = x'', status = 3, merged_into = NULL, updated_us = ?3
WHERE key = ?1)sql"};

inline constexpr Sql kGetMeta{"GetMeta", "SELECT value FROM meta WHERE key = ?1"};
inline constexpr Sql kPutMeta{"PutMeta", "INSERT INTO meta(key, value) VALUES (?1, ?2)"};
inline constexpr Sql kInsertTombstone{"InsertTombstone", R"sql(
INSERT INTO tombstones(digest, erased_us) VALUES (?1, ?2)
ON CONFLICT(digest) DO UPDATE SET erased_us = excluded.erased_us)sql"};
inline constexpr Sql kHasTombstone{"HasTombstone",
                                   "SELECT 1 FROM tombstones WHERE digest = ?1"};
inline constexpr Sql kInsertAudit{"InsertAudit", R"sql(
INSERT INTO audit(at_us, actor, action, customer_key, detail) VALUES (?1, ?2, ?3, ?4, ?5))sql"};
inline constexpr Sql kListAudit{"ListAudit", R"sql(
SELECT id, at_us, actor, action, customer_key, detail FROM audit ORDER BY id DESC LIMIT ?1)sql"};

// Walks interactions_by_time, whose entries end with the primary key.
inline constexpr Sql kScanOldInteractions{"ScanOldInteractions", R"sql(
SELECT occurred_us, customer_key, id, channel, body FROM interactions
WHERE occurred_us < ?1 AND (occurred_us, customer_key, id) > (?2, ?3, ?4)
ORDER BY occurred_us, customer_key, id LIMIT ?5)sql"};
inline constexpr Sql kDeleteInteraction{"DeleteInteraction",
                                        "DELETE FROM interactions WHERE id = ?1"};

}  // namespace omnictx::storage::sqlite::queries

#endif  // OMNICTX_STORAGE_SQLITE_QUERIES_MERGE_H_
