// SPDX-License-Identifier: Apache-2.0
//
// Every SQL statement omnictx runs against SQLite, one named constant each.
// Values are always bound (?N), never spliced into the text.
#ifndef OMNICTX_STORAGE_SQLITE_QUERIES_H_
#define OMNICTX_STORAGE_SQLITE_QUERIES_H_

#include "storage/sqlite/connection.h"

namespace omnictx::storage::sqlite::queries {

// ---- Customers ----
inline constexpr Sql kFindCustomerById{"FindCustomerById", R"sql(
SELECT key, id, status, merged_into, created_us, updated_us, profile,
       (SELECT m.id FROM customers m WHERE m.key = customers.merged_into)
FROM customers WHERE id = ?1)sql"};
inline constexpr Sql kFindCustomerByKey{"FindCustomerByKey", R"sql(
SELECT key, id, status, merged_into, created_us, updated_us, profile,
       (SELECT m.id FROM customers m WHERE m.key = customers.merged_into)
FROM customers WHERE key = ?1)sql"};
inline constexpr Sql kInsertCustomer{"InsertCustomer", R"sql(
INSERT INTO customers(id, status, created_us, updated_us, profile)
VALUES (?1, 1, ?2, ?2, ?3))sql"};
inline constexpr Sql kUpdateCustomerProfile{"UpdateCustomerProfile", R"sql(
UPDATE customers SET profile = ?2, updated_us = ?3 WHERE key = ?1)sql"};
inline constexpr Sql kMaxCustomerKey{"MaxCustomerKey",
                                     "SELECT coalesce(max(key), 0) FROM customers"};

// ---- Identities ----
inline constexpr Sql kFindIdentityOwner{"FindIdentityOwner", R"sql(
SELECT customer_key FROM identities WHERE kind = ?1 AND platform = ?2 AND value = ?3)sql"};
inline constexpr Sql kInsertIdentity{"InsertIdentity", R"sql(
INSERT INTO identities(kind, platform, value, customer_key, linked_us)
VALUES (?1, ?2, ?3, ?4, ?5))sql"};
inline constexpr Sql kDeleteIdentity{"DeleteIdentity", R"sql(
DELETE FROM identities WHERE kind = ?1 AND platform = ?2 AND value = ?3)sql"};
inline constexpr Sql kListIdentities{"ListIdentities", R"sql(
SELECT kind, platform, value, linked_us FROM identities WHERE customer_key = ?1
ORDER BY kind, platform, value)sql"};

// ---- Touchpoints ----
inline constexpr Sql kUpsertTouchpoint{"UpsertTouchpoint", R"sql(
INSERT INTO touchpoints(key, body) VALUES (?1, ?2)
ON CONFLICT(key) DO UPDATE SET body = excluded.body)sql"};
inline constexpr Sql kListTouchpoints{"ListTouchpoints",
                                      "SELECT body FROM touchpoints ORDER BY key"};

// ---- Interactions ----
inline constexpr Sql kFindInteractionByExternalId{"FindInteractionByExternalId", R"sql(
SELECT id, customer_key FROM interactions WHERE external_id = ?1)sql"};
inline constexpr Sql kNextInteractionId{"NextInteractionId",
                                        "SELECT coalesce(max(id), 0) + 1 FROM interactions"};
inline constexpr Sql kInsertInteraction{"InsertInteraction", R"sql(
INSERT INTO interactions(customer_key, occurred_us, id, channel, direction, case_id,
                         journey_instance_id, external_id, body)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9))sql"};
inline constexpr Sql kGetInteraction{"GetInteraction", R"sql(
SELECT customer_key, id, body FROM interactions WHERE id = ?1)sql"};
// ?2/?3: [since, until); ?4/?5: cursor (occurred_us, id), rows strictly
// older; ?6 case filter (0: any); ?7 journey instance filter (0: any).
inline constexpr Sql kListInteractions{"ListInteractions", R"sql(
SELECT id, body FROM interactions
WHERE customer_key = ?1 AND occurred_us >= ?2 AND occurred_us < ?3
  AND (occurred_us, id) < (?4, ?5)
  AND (?6 = 0 OR case_id = ?6)
  AND (?7 = 0 OR journey_instance_id = ?7)
ORDER BY occurred_us DESC, id DESC LIMIT ?8)sql"};
// Direction 2 is DIRECTION_OUTBOUND.
inline constexpr Sql kLastOutboundBefore{"LastOutboundBefore", R"sql(
SELECT id, body FROM interactions
WHERE customer_key = ?1 AND occurred_us <= ?2 AND direction = 2
ORDER BY occurred_us DESC, id DESC LIMIT 1)sql"};

// ---- Journeys ----
inline constexpr Sql kMaxJourneyVersion{"MaxJourneyVersion", R"sql(
SELECT coalesce(max(version), 0) FROM journeys WHERE key = ?1)sql"};
inline constexpr Sql kInsertJourney{"InsertJourney", R"sql(
INSERT INTO journeys(key, version, defined_us, body) VALUES (?1, ?2, ?3, ?4))sql"};
inline constexpr Sql kGetJourney{"GetJourney", R"sql(
SELECT body FROM journeys WHERE key = ?1 AND version = ?2)sql"};
inline constexpr Sql kGetLatestJourney{"GetLatestJourney", R"sql(
SELECT body FROM journeys WHERE key = ?1 ORDER BY version DESC LIMIT 1)sql"};
inline constexpr Sql kListLatestJourneys{"ListLatestJourneys", R"sql(
SELECT j.body FROM journeys j
WHERE j.version = (SELECT max(version) FROM journeys k WHERE k.key = j.key)
ORDER BY j.key)sql"};

inline constexpr Sql kInsertInstance{"InsertInstance", R"sql(
INSERT INTO journey_instances(customer_key, journey_key, journey_version, status,
                              current_step, started_us, step_entered_us, ended_us)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql"};
inline constexpr Sql kUpdateInstance{"UpdateInstance", R"sql(
UPDATE journey_instances SET status = ?2, current_step = ?3, step_entered_us = ?4,
                             ended_us = ?5
WHERE id = ?1)sql"};
#define OMNICTX_INSTANCE_COLUMNS                                                \
  "id, customer_key, journey_key, journey_version, status, current_step, " \
  "started_us, step_entered_us, ended_us"
inline constexpr Sql kGetInstance{"GetInstance",
    "SELECT " OMNICTX_INSTANCE_COLUMNS " FROM journey_instances WHERE id = ?1"};
inline constexpr Sql kFindActiveInstance{"FindActiveInstance",
    "SELECT " OMNICTX_INSTANCE_COLUMNS " FROM journey_instances "
    "WHERE customer_key = ?1 AND journey_key = ?2 AND status = 1"};
inline constexpr Sql kListInstances{"ListInstances",
    "SELECT " OMNICTX_INSTANCE_COLUMNS " FROM journey_instances "
    "WHERE customer_key = ?1 ORDER BY id DESC"};
inline constexpr Sql kListActiveInstances{"ListActiveInstances",
    "SELECT " OMNICTX_INSTANCE_COLUMNS " FROM journey_instances "
    "WHERE customer_key = ?1 AND status = 1 ORDER BY id DESC"};
inline constexpr Sql kAllActiveInstances{"AllActiveInstances",
    "SELECT " OMNICTX_INSTANCE_COLUMNS " FROM journey_instances "
    "WHERE status = 1 ORDER BY id"};
// ?3: journey key ('' any).
inline constexpr Sql kInstancesStartedBetween{"InstancesStartedBetween",
    "SELECT " OMNICTX_INSTANCE_COLUMNS " FROM journey_instances "
    "WHERE started_us >= ?1 AND started_us < ?2 AND (?3 = '' OR journey_key = ?3) "
    "ORDER BY id"};
#undef OMNICTX_INSTANCE_COLUMNS
// ?2 step ('' any), ?3 status (0 any), ?4 since: started_us, or ended_us
// for ended instances.
inline constexpr Sql kFindCustomersByJourney{"FindCustomersByJourney", R"sql(
SELECT DISTINCT c.id FROM journey_instances i JOIN customers c ON c.key = i.customer_key
WHERE i.journey_key = ?1 AND (?2 = '' OR i.current_step = ?2)
  AND (?3 = 0 OR i.status = ?3)
  AND coalesce(i.ended_us, i.started_us) >= ?4
  AND c.status = 1
ORDER BY c.id LIMIT ?5)sql"};
inline constexpr Sql kListTransitions{"ListTransitions", R"sql(
SELECT from_step, to_step, at_us, channel, provider, interaction_id
FROM journey_transitions WHERE instance_id = ?1 ORDER BY seq)sql"};
inline constexpr Sql kInsertTransition{"InsertTransition", R"sql(
INSERT INTO journey_transitions(instance_id, seq, from_step, to_step, at_us, channel,
                                provider, interaction_id)
VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM journey_transitions WHERE instance_id = ?1),
        ?2, ?3, ?4, ?5, ?6, ?7))sql"};

// ---- Cases ----
#define OMNICTX_CASE_COLUMNS                                                    \
  "id, customer_key, status, priority, owner_agent, queue, subject, "          \
  "journey_instance_id, opened_us, updated_us, resolved_us, closed_us, "       \
  "interaction_count, reopen_count"
inline constexpr Sql kInsertCase{"InsertCase", R"sql(
INSERT INTO cases(customer_key, status, priority, owner_agent, queue, subject,
                  journey_instance_id, opened_us, updated_us, interaction_count)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, 0))sql"};
inline constexpr Sql kUpdateCase{"UpdateCase", R"sql(
UPDATE cases SET status = ?2, priority = ?3, owner_agent = ?4, queue = ?5, subject = ?6,
                 updated_us = ?7, resolved_us = ?8, closed_us = ?9, reopen_count = ?10
WHERE id = ?1)sql"};
inline constexpr Sql kGetCase{"GetCase",
    "SELECT " OMNICTX_CASE_COLUMNS " FROM cases WHERE id = ?1"};
inline constexpr Sql kTouchCase{"TouchCase", R"sql(
UPDATE cases SET interaction_count = interaction_count + 1,
                 updated_us = max(updated_us, ?2)
WHERE id = ?1)sql"};
inline constexpr Sql kListCases{"ListCases",
    "SELECT " OMNICTX_CASE_COLUMNS " FROM cases WHERE customer_key = ?1 ORDER BY id DESC"};
// Status 1 open, 2 pending.
inline constexpr Sql kListOpenCases{"ListOpenCases",
    "SELECT " OMNICTX_CASE_COLUMNS " FROM cases "
    "WHERE customer_key = ?1 AND status IN (1, 2) ORDER BY priority DESC, id DESC"};
inline constexpr Sql kCasesResolvedBetween{"CasesResolvedBetween",
    "SELECT " OMNICTX_CASE_COLUMNS " FROM cases "
    "WHERE resolved_us >= ?1 AND resolved_us < ?2 ORDER BY id"};
#undef OMNICTX_CASE_COLUMNS

// ---- Metrics ----
inline constexpr Sql kInteractionsBetween{"InteractionsBetween", R"sql(
SELECT customer_key, id, body FROM interactions
WHERE occurred_us >= ?1 AND occurred_us < ?2 ORDER BY occurred_us, id)sql"};
inline constexpr Sql kInteractionsOfCase{"InteractionsOfCase", R"sql(
SELECT id, body FROM interactions WHERE case_id = ?1 ORDER BY occurred_us, id)sql"};
inline constexpr Sql kInteractionsOfInstance{"InteractionsOfInstance", R"sql(
SELECT id, body FROM interactions WHERE journey_instance_id = ?1 ORDER BY occurred_us, id)sql"};
// Direction 1 is DIRECTION_INBOUND.
inline constexpr Sql kCountInboundBetween{"CountInboundBetween", R"sql(
SELECT count(*) FROM interactions
WHERE customer_key = ?1 AND occurred_us > ?2 AND occurred_us <= ?3 AND direction = 1)sql"};

}  // namespace omnictx::storage::sqlite::queries

#endif  // OMNICTX_STORAGE_SQLITE_QUERIES_H_
