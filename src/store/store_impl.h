// SPDX-License-Identifier: Apache-2.0
//
// The Store behind the public interface. Each public call validates its
// input first (nothing is written for bad input), then runs as one
// Database::Read or Database::Write transaction. The methods are split by
// concern across store_*.cc.
#ifndef OMNICTX_STORE_STORE_IMPL_H_
#define OMNICTX_STORE_STORE_IMPL_H_

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "journey/definition.h"
#include "omnictx/store.h"
#include "storage/repository.h"

namespace omnictx::internal {

class StoreImpl final : public Store {
 public:
  StoreImpl(Options options, std::unique_ptr<storage::Database> db);

  // Customers and identities (store_customers.cc).
  absl::StatusOr<Customer> UpsertCustomer(const Customer& customer) override;
  absl::StatusOr<Customer> GetCustomer(std::string_view customer_id) override;
  absl::StatusOr<Identity> LinkIdentity(std::string_view customer_id,
                                        const Identity& identity,
                                        const LinkOptions& options) override;
  absl::Status UnlinkIdentity(const Identity& identity) override;
  absl::StatusOr<std::optional<std::string>> Resolve(const Identity& identity) override;
  absl::StatusOr<Identity> Normalize(const Identity& identity) const override;
  absl::Status RegisterTouchpoint(const Touchpoint& touchpoint) override;
  absl::StatusOr<std::vector<Touchpoint>> ListTouchpoints() override;

  // Interactions (store_interactions.cc).
  absl::StatusOr<int64_t> Record(const Interaction& interaction) override;
  absl::StatusOr<std::vector<int64_t>> RecordBatch(
      std::span<const Interaction> interactions) override;
  absl::StatusOr<Interaction> GetInteraction(int64_t interaction_id) override;
  absl::StatusOr<TimelinePage> Timeline(std::string_view customer_id,
                                        const TimelineQuery& query) override;

  // Journeys (store_journeys.cc).
  absl::StatusOr<Journey> DefineJourney(const Journey& journey) override;
  absl::StatusOr<Journey> GetJourney(std::string_view key, int32_t version) override;
  absl::StatusOr<std::vector<Journey>> ListJourneys() override;
  absl::StatusOr<JourneyInstance> StartJourney(std::string_view customer_id,
                                               std::string_view journey_key,
                                               int64_t interaction_id) override;
  absl::StatusOr<JourneyInstance> AdvanceJourney(int64_t instance_id, std::string_view to_step,
                                                 int64_t interaction_id) override;
  absl::StatusOr<JourneyInstance> EndJourney(int64_t instance_id,
                                             v1::JourneyStatus status) override;
  absl::StatusOr<JourneyInstance> GetJourneyInstance(int64_t instance_id) override;
  absl::StatusOr<std::vector<JourneyInstance>> ListJourneyInstances(
      std::string_view customer_id) override;
  absl::StatusOr<std::vector<StalledJourney>> Stalled(absl::Time now) override;
  absl::StatusOr<std::vector<std::string>> FindCustomers(const FindCustomersQuery& query) override;

  // Cases (store_cases.cc).
  absl::StatusOr<Case> OpenCase(const Case& c) override;
  absl::StatusOr<Case> AssignCase(int64_t case_id, std::string_view owner_agent) override;
  absl::StatusOr<Case> SetCaseStatus(int64_t case_id, v1::CaseStatus status) override;
  absl::StatusOr<Case> GetCase(int64_t case_id) override;
  absl::StatusOr<std::vector<Case>> ListCases(std::string_view customer_id) override;

  // Context (store_lookup.cc).
  absl::StatusOr<Context> Lookup(const LookupRequest& request) override;

  // Merges (store_merge.cc, store_unmerge.cc).
  absl::StatusOr<MergeRecord> Merge(const MergeRequest& request) override;
  absl::StatusOr<MergeRecord> PreviewMerge(const MergeRequest& request) override;
  absl::StatusOr<MergeRecord> Unmerge(int64_t merge_id, std::string_view actor) override;
  absl::StatusOr<std::vector<MergeRecord>> ListMerges(std::string_view customer_id) override;
  absl::StatusOr<std::optional<MergeRecord>> Stitch(const Identity& anonymous,
                                                    const Identity& known,
                                                    std::string_view actor) override;

  // Erasure, retention and consent (store_erase.cc).
  absl::StatusOr<ErasureReceipt> Erase(std::string_view customer_id,
                                       std::string_view actor) override;
  absl::StatusOr<int64_t> Purge(absl::Time now) override;
  absl::StatusOr<Customer> SetConsent(std::string_view customer_id, const Consent& consent,
                                      std::string_view actor) override;
  absl::StatusOr<std::vector<AuditEntry>> ListAudit(int limit) override;

  // Ingest (store_ingest.cc).
  absl::StatusOr<ImportReport> Import(std::string_view json_lines,
                                      const ImportOptions& options) override;
  absl::StatusOr<ImportReport> ImportBody(std::string_view body, std::string_view route_type,
                                          const ImportOptions& options) override;

  // Metrics (store_metrics.cc).
  absl::StatusOr<MetricsReport> Metrics(const MetricsQuery& query) override;

  // Maintenance (store_impl.cc).
  absl::Status Check() override;
  absl::StatusOr<int> FileSchemaVersion() override;

  // ---- Shared helpers for the store_*.cc files ----

  absl::Time Now() const { return clock_->Now(); }
  const Options& options() const { return options_; }
  storage::Database& db() { return *db_; }

  // Returns the active customer row for `id`. Returns InvalidArgument for a
  // malformed id; NotFound if unknown or merged away (naming the
  // survivor); FailedPrecondition "customer erased".
  absl::StatusOr<storage::CustomerRow> ActiveCustomer(storage::Repository& repo,
                                                      std::string_view id);

  // Whether `id` names no row because its customer was erased (the id
  // survives only as a tombstone).
  absl::StatusOr<bool> IdWasErased(storage::Repository& repo, std::string_view id);

  // Picks a free "cus-<n>" for a new customer: neither a row's id nor the
  // tombstone of an erased customer's.
  absl::StatusOr<std::string> AssignCustomerId(storage::Repository& repo);

  // Returns the compiled definition of (key, version), reading it once.
  absl::StatusOr<std::shared_ptr<const journey::Definition>> Definition(
      storage::Repository& repo, const std::string& key, int32_t version);

  // Moves an instance to `to_step` at `at` (the transition check already
  // done by the caller) and records the transition.
  absl::Status ApplyTransition(storage::Repository& repo, const journey::Definition& def,
                               JourneyInstance* instance, std::string_view to_step,
                               absl::Time at, const v1::Channel& channel,
                               int64_t interaction_id);

  // When an interaction names a journey step (or happens at a touchpoint of
  // a step) that an active instance of the customer may move to, advances
  // that instance and sets interaction->journey_instance_id. A step that is
  // not an allowed move leaves the journey as it is: the interaction is
  // still history. Returns NotFound if a given instance does not belong to
  // the customer.
  absl::Status AdvanceFromInteraction(storage::Repository& repo, int64_t customer_key,
                                      Interaction* interaction);

  // Reads one side of a merge: NotFound if unknown or merged away,
  // FailedPrecondition if erased.
  absl::StatusOr<storage::CustomerRow> MergeSide(storage::Repository& repo, std::string_view id);

  // Guard "kind_limit": refuses when the customer (plus `other_key`'s
  // identities, or `adding` more of `adding_kind`) would exceed a limit of
  // IdentityPolicy::limits. UNSPECIFIED `adding_kind` checks every limit.
  absl::Status CheckKindLimits(storage::Repository& repo, int64_t customer_key,
                               int64_t other_key, v1::IdentityKind adding_kind, int adding);

  // Plans and (unless `dry_run`) applies a validated merge.
  absl::StatusOr<MergeRecord> MergeIn(storage::Repository& repo, const MergeRequest& request,
                                      bool dry_run);

  // Appends an audit entry (no personal data in `detail`).
  absl::Status Audit(storage::Repository& repo, std::string_view actor, std::string_view action,
                     int64_t customer_key, std::string_view detail);

  // Links a normalized identity inside a write transaction, applying the
  // guards (blocked_value, kind_limit, tombstones of erased customers).
  absl::Status LinkIn(storage::Repository& repo, std::string_view customer_id,
                      const Identity& id, const LinkOptions& options);

  // The keyed hash under which an erased identity is remembered.
  absl::StatusOr<std::string> TombstoneDigest(storage::Repository& repo, const Identity& id);

  // Records one validated interaction inside a write transaction.
  absl::StatusOr<int64_t> RecordIn(storage::Repository& repo, const Interaction& interaction);

 private:
  const Options options_;
  std::shared_ptr<Clock> clock_;
  std::unique_ptr<storage::Database> db_;

  // Definitions never change once stored, so the cache needs no
  // invalidation, even with other processes writing.
  absl::Mutex defs_mu_;
  std::map<std::pair<std::string, int32_t>,
                      std::shared_ptr<const journey::Definition>>
      defs_ ABSL_GUARDED_BY(defs_mu_);
};

// Erased rows are renamed "erased-<key>"; customer ids may not take the
// prefix, so an erased row never collides with a live customer.
inline constexpr std::string_view kErasedIdPrefix = "erased-";

// The pseudo-identity under which an erased customer's id is tombstoned.
Identity CustomerIdTombstone(std::string_view customer_id);

// Completes a customer row for output: identities (with customer_id) and
// the derived last-seen time and channel (store_customers.cc).
absl::Status FillCustomer(storage::Repository& repo, storage::CustomerRow* row);

// Validation shared by the store files (store_validate.cc).
absl::Status ValidateCustomerId(std::string_view id);
absl::Status ValidateProfile(const Customer& customer);
absl::Status ValidateInteraction(const Interaction& interaction, absl::Time now);
absl::Status ValidateTouchpoint(const Touchpoint& touchpoint);
absl::Status ValidateChannel(std::string_view field, const v1::Channel& channel);
absl::Status ValidateCase(const Case& c);

}  // namespace omnictx::internal

#endif  // OMNICTX_STORE_STORE_IMPL_H_
