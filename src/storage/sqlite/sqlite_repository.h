// SPDX-License-Identifier: Apache-2.0
//
// The SQLite implementation of storage::Repository, bound to one connection
// inside one transaction.
#ifndef OMNICTX_STORAGE_SQLITE_SQLITE_REPOSITORY_H_
#define OMNICTX_STORAGE_SQLITE_SQLITE_REPOSITORY_H_

#include "storage/repository.h"
#include "storage/sqlite/connection.h"

namespace omnictx::storage::sqlite {

// Converts between absl::Time and the int64 microseconds stored in SQL.
int64_t ToMicros(absl::Time t);
absl::Time FromMicros(int64_t us);

// Row readers shared by the repository's files.
absl::StatusOr<Interaction> ReadInteractionBody(int64_t id, std::string_view blob);
absl::StatusOr<CaseRow> ReadCase(const Statement& s);
InstanceRow ReadInstance(const Statement& s);

class SqliteRepository final : public Repository {
 public:
  explicit SqliteRepository(Connection* conn) : conn_(conn) {}

  absl::StatusOr<std::optional<CustomerRow>> FindCustomer(std::string_view id) override;
  absl::StatusOr<std::optional<CustomerRow>> FindCustomerByKey(int64_t key) override;
  absl::StatusOr<int64_t> InsertCustomer(const Customer& customer, absl::Time now) override;
  absl::Status UpdateCustomerProfile(int64_t key, const Customer& customer,
                                     absl::Time now) override;
  absl::StatusOr<int64_t> MaxCustomerKey() override;

  absl::StatusOr<std::optional<int64_t>> FindIdentityOwner(const Identity& identity) override;
  absl::Status InsertIdentity(int64_t customer_key, const Identity& identity,
                              absl::Time now) override;
  absl::StatusOr<bool> DeleteIdentity(const Identity& identity) override;
  absl::StatusOr<std::vector<Identity>> ListIdentities(int64_t customer_key) override;

  absl::Status UpsertTouchpoint(const Touchpoint& touchpoint) override;
  absl::StatusOr<std::vector<Touchpoint>> ListTouchpoints() override;

  absl::StatusOr<std::optional<std::pair<int64_t, int64_t>>> FindInteractionByExternalId(
      std::string_view external_id) override;
  absl::StatusOr<int64_t> NextInteractionId() override;
  absl::Status InsertInteraction(int64_t customer_key, const Interaction& interaction) override;
  absl::StatusOr<std::optional<InteractionRow>> GetInteraction(int64_t id) override;
  absl::StatusOr<std::vector<Interaction>> ListInteractions(
      int64_t customer_key, absl::Time since, absl::Time until,
      std::optional<TimelineCursor> cursor, int64_t case_id, int64_t journey_instance_id,
      int limit) override;
  absl::StatusOr<std::optional<Interaction>> LastOutboundBefore(int64_t customer_key,
                                                                absl::Time at) override;

  absl::StatusOr<int32_t> MaxJourneyVersion(std::string_view key) override;
  absl::Status InsertJourney(const Journey& journey) override;
  absl::StatusOr<std::optional<Journey>> GetJourney(std::string_view key,
                                                    int32_t version) override;
  absl::StatusOr<std::vector<Journey>> ListLatestJourneys() override;
  absl::StatusOr<int64_t> InsertInstance(int64_t customer_key,
                                         const JourneyInstance& instance) override;
  absl::Status UpdateInstance(const JourneyInstance& instance) override;
  absl::StatusOr<std::optional<InstanceRow>> GetInstance(int64_t id) override;
  absl::StatusOr<std::vector<JourneyTransition>> ListTransitions(int64_t instance_id) override;
  absl::Status InsertTransition(int64_t instance_id, const JourneyTransition& t) override;
  absl::StatusOr<std::optional<InstanceRow>> FindActiveInstance(
      int64_t customer_key, std::string_view journey_key) override;
  absl::StatusOr<std::vector<InstanceRow>> ListInstances(int64_t customer_key,
                                                         bool active_only) override;
  absl::Status ForEachActiveInstance(absl::FunctionRef<void(const InstanceRow&)> fn) override;
  absl::StatusOr<std::vector<std::string>> FindCustomersByJourney(
      const FindCustomersQuery& query) override;

  absl::StatusOr<int64_t> InsertCase(int64_t customer_key, const Case& c) override;
  absl::Status UpdateCase(const Case& c) override;
  absl::StatusOr<std::optional<CaseRow>> GetCase(int64_t id) override;
  absl::Status TouchCase(int64_t id, absl::Time at) override;
  absl::StatusOr<std::vector<CaseRow>> ListCases(int64_t customer_key, bool open_only) override;

  // Metrics (sqlite_repository_metrics.cc).
  absl::Status ForEachInteractionBetween(
      absl::Time start, absl::Time end,
      absl::FunctionRef<absl::Status(const InteractionRow&)> fn) override;
  absl::StatusOr<std::vector<Interaction>> ListInteractionsOfCase(int64_t case_id) override;
  absl::StatusOr<std::vector<Interaction>> ListInteractionsOfInstance(
      int64_t instance_id) override;
  absl::StatusOr<std::vector<InstanceRow>> ListInstancesStartedBetween(
      absl::Time start, absl::Time end, std::string_view journey_key) override;
  absl::StatusOr<std::vector<CaseRow>> ListCasesResolvedBetween(absl::Time start,
                                                                absl::Time end) override;
  absl::StatusOr<int64_t> CountInboundBetween(int64_t customer_key, absl::Time after,
                                              absl::Time until) override;

  absl::Status SetCustomerStatus(int64_t key, v1::CustomerStatus status, int64_t merged_into,
                                 absl::Time now) override;
  absl::Status MoveIdentity(const Identity& identity, int64_t to_key) override;
  absl::StatusOr<int64_t> CountIdentities(int64_t customer_key, v1::IdentityKind kind,
                                          absl::Time since) override;
  absl::StatusOr<std::vector<int64_t>> ListInteractionIds(int64_t customer_key) override;
  absl::Status MoveInteraction(int64_t id, int64_t to_key) override;
  absl::Status MoveInstance(int64_t id, int64_t to_key) override;
  absl::Status MoveCase(int64_t id, int64_t to_key) override;
  absl::StatusOr<int64_t> InsertMerge(int64_t survivor_key, int64_t absorbed_key,
                                      const MergeRecord& record) override;
  absl::Status UpdateMerge(int64_t id, const MergeRecord& record) override;
  absl::StatusOr<std::optional<std::tuple<MergeRecord, int64_t, int64_t>>> GetMerge(
      int64_t id) override;
  absl::StatusOr<std::vector<MergeRecord>> ListMerges(int64_t customer_key) override;
  absl::StatusOr<std::optional<int64_t>> MergeThatAbsorbed(int64_t customer_key) override;
  absl::StatusOr<int64_t> DeleteMerges(int64_t customer_key) override;
  absl::Status ScrubInteraction(int64_t id, const Interaction& body) override;
  absl::StatusOr<int64_t> ScrubCases(int64_t customer_key) override;
  absl::Status EraseCustomerRow(int64_t key, std::string_view new_id, absl::Time now) override;
  absl::StatusOr<std::string> TombstoneSecret() override;
  absl::Status InsertTombstone(std::string_view digest, absl::Time now) override;
  absl::StatusOr<bool> HasTombstone(std::string_view digest) override;
  absl::StatusOr<int64_t> InsertAudit(const AuditEntry& entry) override;
  absl::StatusOr<std::vector<AuditEntry>> ListAudit(int limit) override;
  absl::StatusOr<std::vector<OldInteraction>> ScanOldInteractions(absl::Time before,
                                                                  const ScanPosition& after,
                                                                  int limit) override;
  absl::Status DeleteInteraction(int64_t id) override;

  absl::Status CheckIntegrity() override;
  absl::StatusOr<int> SchemaVersion() override;

 private:
  Connection* conn_;
};

}  // namespace omnictx::storage::sqlite

#endif  // OMNICTX_STORAGE_SQLITE_SQLITE_REPOSITORY_H_
