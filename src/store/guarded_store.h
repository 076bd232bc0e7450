// SPDX-License-Identifier: Apache-2.0
//
// The exception barrier at the API boundary. Store::Open returns a
// GuardedStore wrapping the StoreImpl: every call is forwarded inside a
// try block, so an exception raised below it (std::bad_alloc from any
// allocation, or anything a dependency throws) becomes a status instead of
// escaping into the caller: ResourceExhausted "<call>: out of memory" for
// std::bad_alloc, Internal for anything else. The write transaction the
// exception interrupted has already rolled back (Transaction's destructor
// runs during unwinding), so the call wrote nothing.
#ifndef OMNICTX_STORE_GUARDED_STORE_H_
#define OMNICTX_STORE_GUARDED_STORE_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "omnictx/store.h"

namespace omnictx::internal {

// Opens the StoreImpl without the barrier (store_impl.cc); Store::Open
// (guarded_store.cc) calls it under the barrier and wraps the result.
absl::StatusOr<std::unique_ptr<Store>> OpenUnguarded(std::string_view path,
                                                     const Options& options);

class GuardedStore final : public Store {
 public:
  explicit GuardedStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}

  absl::StatusOr<Customer> UpsertCustomer(const Customer& customer) override;
  absl::StatusOr<Customer> GetCustomer(std::string_view customer_id) override;
  absl::StatusOr<Identity> LinkIdentity(std::string_view customer_id, const Identity& identity,
                                        const LinkOptions& options) override;
  absl::Status UnlinkIdentity(const Identity& identity) override;
  absl::StatusOr<std::optional<std::string>> Resolve(const Identity& identity) override;
  absl::StatusOr<Identity> Normalize(const Identity& identity) const override;
  absl::Status RegisterTouchpoint(const Touchpoint& touchpoint) override;
  absl::StatusOr<std::vector<Touchpoint>> ListTouchpoints() override;

  absl::StatusOr<int64_t> Record(const Interaction& interaction) override;
  absl::StatusOr<std::vector<int64_t>> RecordBatch(
      std::span<const Interaction> interactions) override;
  absl::StatusOr<Interaction> GetInteraction(int64_t interaction_id) override;
  absl::StatusOr<TimelinePage> Timeline(std::string_view customer_id,
                                        const TimelineQuery& query) override;

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

  absl::StatusOr<Case> OpenCase(const Case& c) override;
  absl::StatusOr<Case> AssignCase(int64_t case_id, std::string_view owner_agent) override;
  absl::StatusOr<Case> SetCaseStatus(int64_t case_id, v1::CaseStatus status) override;
  absl::StatusOr<Case> GetCase(int64_t case_id) override;
  absl::StatusOr<std::vector<Case>> ListCases(std::string_view customer_id) override;

  absl::StatusOr<Context> Lookup(const LookupRequest& request) override;

  absl::StatusOr<MergeRecord> Merge(const MergeRequest& request) override;
  absl::StatusOr<MergeRecord> PreviewMerge(const MergeRequest& request) override;
  absl::StatusOr<MergeRecord> Unmerge(int64_t merge_id, std::string_view actor) override;
  absl::StatusOr<std::vector<MergeRecord>> ListMerges(std::string_view customer_id) override;
  absl::StatusOr<std::optional<MergeRecord>> Stitch(const Identity& anonymous,
                                                    const Identity& known,
                                                    std::string_view actor) override;

  absl::StatusOr<ErasureReceipt> Erase(std::string_view customer_id,
                                       std::string_view actor) override;
  absl::StatusOr<int64_t> Purge(absl::Time now) override;
  absl::StatusOr<Customer> SetConsent(std::string_view customer_id, const Consent& consent,
                                      std::string_view actor) override;
  absl::StatusOr<std::vector<AuditEntry>> ListAudit(int limit) override;

  absl::StatusOr<ImportReport> Import(std::string_view json_lines,
                                      const ImportOptions& options) override;
  absl::StatusOr<ImportReport> ImportBody(std::string_view body, std::string_view route_type,
                                          const ImportOptions& options) override;

  absl::StatusOr<MetricsReport> Metrics(const MetricsQuery& query) override;

  absl::Status Check() override;
  absl::StatusOr<int> FileSchemaVersion() override;

 private:
  std::unique_ptr<Store> inner_;
};

}  // namespace omnictx::internal

#endif  // OMNICTX_STORE_GUARDED_STORE_H_
