// SPDX-License-Identifier: Apache-2.0
//
// The narrow, typed interface between omnictx's logic and its storage. Only
// implementations of these classes speak SQL; everything above them speaks
// proto messages and Abseil types. A PostgreSQL backend would implement the
// same two classes.
//
// Customers have a caller-visible string id and an internal integer key;
// rows reference the key so that a merge or an id change touches one row.
#ifndef OMNICTX_STORAGE_REPOSITORY_H_
#define OMNICTX_STORAGE_REPOSITORY_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "omnictx/options.h"
#include "omnictx/types.h"

namespace omnictx::storage {

// A customer row: the profile plus its internal key.
struct CustomerRow {
  int64_t key = 0;
  // id, profile fields, status, created/updated, merged_into filled; not
  // identities or last seen (derived, see LastInteraction).
  Customer customer;
};

// An interaction together with its owner's key.
struct InteractionRow {
  int64_t customer_key = 0;
  Interaction interaction;  // id set; customer_id empty (callers know it)
};

// A journey instance row without its history.
struct InstanceRow {
  int64_t customer_key = 0;
  JourneyInstance instance;  // customer_id empty; history empty
};

// A case row.
struct CaseRow {
  int64_t customer_key = 0;
  Case kase;  // customer_id empty
};

// Where a timeline page starts: strictly older than (occurred_us, id).
struct TimelineCursor {
  int64_t occurred_us = 0;
  int64_t id = 0;
};

// Where a retention scan stands, in (time, customer, id) order.
struct ScanPosition {
  int64_t occurred_us = std::numeric_limits<int64_t>::min();
  int64_t customer_key = 0;
  int64_t id = 0;
};

// What retention needs to know of an old interaction.
struct OldInteraction {
  ScanPosition position;
  v1::ChannelKind channel = v1::CHANNEL_KIND_UNSPECIFIED;
  std::string kind;
};

// Typed reads and writes. Every method runs inside the transaction the
// Database opened; a Repository is only valid inside Read/Write callbacks.
class Repository {
 public:
  virtual ~Repository() = default;

  // ---- Customers ----
  virtual absl::StatusOr<std::optional<CustomerRow>> FindCustomer(std::string_view id) = 0;
  virtual absl::StatusOr<std::optional<CustomerRow>> FindCustomerByKey(int64_t key) = 0;
  // Inserts; returns the new key. AlreadyExists if the id is taken.
  virtual absl::StatusOr<int64_t> InsertCustomer(const Customer& customer, absl::Time now) = 0;
  // Replaces the profile fields (display name, language, preferred channel,
  // attributes, consents) and stamps updated_at.
  virtual absl::Status UpdateCustomerProfile(int64_t key, const Customer& customer,
                                             absl::Time now) = 0;
  // Returns the highest key in use (for generating ids).
  virtual absl::StatusOr<int64_t> MaxCustomerKey() = 0;

  // ---- Identities (values already normalized) ----
  // Returns the owner's key, or nullopt.
  virtual absl::StatusOr<std::optional<int64_t>> FindIdentityOwner(const Identity& identity) = 0;
  virtual absl::Status InsertIdentity(int64_t customer_key, const Identity& identity,
                                      absl::Time now) = 0;
  // Returns false if there was no such identity.
  virtual absl::StatusOr<bool> DeleteIdentity(const Identity& identity) = 0;
  virtual absl::StatusOr<std::vector<Identity>> ListIdentities(int64_t customer_key) = 0;

  // ---- Touchpoints ----
  virtual absl::Status UpsertTouchpoint(const Touchpoint& touchpoint) = 0;
  virtual absl::StatusOr<std::vector<Touchpoint>> ListTouchpoints() = 0;

  // ---- Interactions ----
  // Returns the id and owner key of the interaction with this external id.
  virtual absl::StatusOr<std::optional<std::pair<int64_t, int64_t>>>
  FindInteractionByExternalId(std::string_view external_id) = 0;
  // Returns the id the next inserted interaction should take.
  virtual absl::StatusOr<int64_t> NextInteractionId() = 0;
  // Inserts with interaction.id() already set.
  virtual absl::Status InsertInteraction(int64_t customer_key,
                                         const Interaction& interaction) = 0;
  virtual absl::StatusOr<std::optional<InteractionRow>> GetInteraction(int64_t id) = 0;
  // Newest first, strictly before `cursor` when given, within
  // [since, until), optionally only one case or journey instance.
  virtual absl::StatusOr<std::vector<Interaction>> ListInteractions(
      int64_t customer_key, absl::Time since, absl::Time until,
      std::optional<TimelineCursor> cursor, int64_t case_id,
      int64_t journey_instance_id, int limit) = 0;
  // The last outbound interaction at or before `at`, if any.
  virtual absl::StatusOr<std::optional<Interaction>> LastOutboundBefore(
      int64_t customer_key, absl::Time at) = 0;

  // ---- Journeys ----
  // Returns the highest version of a key, 0 if none.
  virtual absl::StatusOr<int32_t> MaxJourneyVersion(std::string_view key) = 0;
  virtual absl::Status InsertJourney(const Journey& journey) = 0;
  // `version` 0 reads the latest.
  virtual absl::StatusOr<std::optional<Journey>> GetJourney(std::string_view key,
                                                            int32_t version) = 0;
  virtual absl::StatusOr<std::vector<Journey>> ListLatestJourneys() = 0;

  virtual absl::StatusOr<int64_t> InsertInstance(int64_t customer_key,
                                                 const JourneyInstance& instance) = 0;
  // Writes status, current step, step_entered_at and ended_at.
  virtual absl::Status UpdateInstance(const JourneyInstance& instance) = 0;
  virtual absl::StatusOr<std::optional<InstanceRow>> GetInstance(int64_t id) = 0;
  virtual absl::StatusOr<std::vector<JourneyTransition>> ListTransitions(int64_t instance_id) = 0;
  virtual absl::Status InsertTransition(int64_t instance_id, const JourneyTransition& t) = 0;
  // Active instance of `journey_key` for the customer, if any.
  virtual absl::StatusOr<std::optional<InstanceRow>> FindActiveInstance(
      int64_t customer_key, std::string_view journey_key) = 0;
  // All instances of a customer, newest first; only active ones if asked.
  virtual absl::StatusOr<std::vector<InstanceRow>> ListInstances(int64_t customer_key,
                                                                 bool active_only) = 0;
  // Calls `fn` for every active instance in the store.
  virtual absl::Status ForEachActiveInstance(
      absl::FunctionRef<void(const InstanceRow&)> fn) = 0;
  // Customer ids with an instance matching the query.
  virtual absl::StatusOr<std::vector<std::string>> FindCustomersByJourney(
      const FindCustomersQuery& query) = 0;

  // ---- Cases ----
  virtual absl::StatusOr<int64_t> InsertCase(int64_t customer_key, const Case& c) = 0;
  // Writes status, priority, owner, queue, subject and all times.
  virtual absl::Status UpdateCase(const Case& c) = 0;
  virtual absl::StatusOr<std::optional<CaseRow>> GetCase(int64_t id) = 0;
  // Bumps interaction_count and updated_at.
  virtual absl::Status TouchCase(int64_t id, absl::Time at) = 0;
  // Newest first; only open and pending ones if asked.
  virtual absl::StatusOr<std::vector<CaseRow>> ListCases(int64_t customer_key,
                                                         bool open_only) = 0;

  // ---- Metrics ----
  // Calls `fn` for every interaction that occurred in [start, end), oldest
  // first; stops at the first error `fn` returns.
  virtual absl::Status ForEachInteractionBetween(
      absl::Time start, absl::Time end,
      absl::FunctionRef<absl::Status(const InteractionRow&)> fn) = 0;
  // Interactions of a case or of a journey instance, oldest first.
  virtual absl::StatusOr<std::vector<Interaction>> ListInteractionsOfCase(int64_t case_id) = 0;
  virtual absl::StatusOr<std::vector<Interaction>> ListInteractionsOfInstance(
      int64_t instance_id) = 0;
  // Instances started in [start, end), of one journey unless the key is empty.
  virtual absl::StatusOr<std::vector<InstanceRow>> ListInstancesStartedBetween(
      absl::Time start, absl::Time end, std::string_view journey_key) = 0;
  // Cases resolved in [start, end) (resolved, or closed after resolution).
  virtual absl::StatusOr<std::vector<CaseRow>> ListCasesResolvedBetween(absl::Time start,
                                                                        absl::Time end) = 0;
  // Inbound interactions of the customer in (after, until].
  virtual absl::StatusOr<int64_t> CountInboundBetween(int64_t customer_key, absl::Time after,
                                                      absl::Time until) = 0;

  // ---- Merges, erasure, audit (sqlite_repository_merge.cc) ----
  // Sets status and merged_into (0: none) and stamps updated_at.
  virtual absl::Status SetCustomerStatus(int64_t key, v1::CustomerStatus status,
                                         int64_t merged_into, absl::Time now) = 0;
  virtual absl::Status MoveIdentity(const Identity& identity, int64_t to_key) = 0;
  // Identities of `kind` linked to the customer at or after `since`.
  virtual absl::StatusOr<int64_t> CountIdentities(int64_t customer_key, v1::IdentityKind kind,
                                                  absl::Time since) = 0;
  virtual absl::StatusOr<std::vector<int64_t>> ListInteractionIds(int64_t customer_key) = 0;
  virtual absl::Status MoveInteraction(int64_t id, int64_t to_key) = 0;
  virtual absl::Status MoveInstance(int64_t id, int64_t to_key) = 0;
  virtual absl::Status MoveCase(int64_t id, int64_t to_key) = 0;
  // Stores a merge record; returns its id.
  virtual absl::StatusOr<int64_t> InsertMerge(int64_t survivor_key, int64_t absorbed_key,
                                              const MergeRecord& record) = 0;
  virtual absl::Status UpdateMerge(int64_t id, const MergeRecord& record) = 0;
  // Returns a merge with its survivor and absorbed keys.
  virtual absl::StatusOr<std::optional<std::tuple<MergeRecord, int64_t, int64_t>>> GetMerge(
      int64_t id) = 0;
  // Merges naming the customer on either side, newest first.
  virtual absl::StatusOr<std::vector<MergeRecord>> ListMerges(int64_t customer_key) = 0;
  // The id of the merge (not undone) that absorbed this customer, if any.
  virtual absl::StatusOr<std::optional<int64_t>> MergeThatAbsorbed(int64_t customer_key) = 0;
  // Deletes every merge record naming the customer; returns how many.
  virtual absl::StatusOr<int64_t> DeleteMerges(int64_t customer_key) = 0;
  // Replaces an interaction's body and clears its external id.
  virtual absl::Status ScrubInteraction(int64_t id, const Interaction& body) = 0;
  // Empties the subject of every case of the customer; returns how many.
  virtual absl::StatusOr<int64_t> ScrubCases(int64_t customer_key) = 0;
  // Replaces id and profile of an erased customer.
  virtual absl::Status EraseCustomerRow(int64_t key, std::string_view new_id, absl::Time now) = 0;
  // The per-file secret that keys tombstone hashes (created on first use).
  virtual absl::StatusOr<std::string> TombstoneSecret() = 0;
  virtual absl::Status InsertTombstone(std::string_view digest, absl::Time now) = 0;
  virtual absl::StatusOr<bool> HasTombstone(std::string_view digest) = 0;
  virtual absl::StatusOr<int64_t> InsertAudit(const AuditEntry& entry) = 0;
  virtual absl::StatusOr<std::vector<AuditEntry>> ListAudit(int limit) = 0;
  // Up to `limit` interactions older than `before`, oldest first, strictly
  // after `after` (for the first batch, a default ScanPosition).
  virtual absl::StatusOr<std::vector<OldInteraction>> ScanOldInteractions(
      absl::Time before, const ScanPosition& after, int limit) = 0;
  virtual absl::Status DeleteInteraction(int64_t id) = 0;

  // ---- Maintenance ----
  virtual absl::Status CheckIntegrity() = 0;
  virtual absl::StatusOr<int> SchemaVersion() = 0;
};

// Opens transactions and hands out a Repository bound to them.
//
// Thread safety: Read may run on many threads at once (each on its own
// connection, in one snapshot); Write calls are serialized.
class Database {
 public:
  virtual ~Database() = default;
  // Runs `fn` in one read transaction (one snapshot).
  virtual absl::Status Read(absl::FunctionRef<absl::Status(Repository&)> fn) = 0;
  // Runs `fn` in one write transaction, committed only if `fn` returns OK.
  // Returns FailedPrecondition if the database was opened read-only.
  virtual absl::Status Write(absl::FunctionRef<absl::Status(Repository&)> fn) = 0;
  // Copies the WAL into the database and truncates it, so data deleted by
  // committed transactions leaves no copy in the -wal file. Returns
  // Unavailable if readers kept it from completing.
  virtual absl::Status CheckpointTruncate() = 0;
};

}  // namespace omnictx::storage

#endif  // OMNICTX_STORAGE_REPOSITORY_H_
