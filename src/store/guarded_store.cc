// SPDX-License-Identifier: Apache-2.0
#include "store/guarded_store.h"

#include <new>
#include <string>
#include <utility>

#include "util/status_macros.h"
#include "util/strings.h"

namespace omnictx {
namespace internal {
namespace {

// Built at load time, so reporting an exhausted heap never needs the heap.
// Never destroyed: a call may still be returning it during exit.
const absl::Status* const kOutOfMemory =
    new absl::Status(absl::ResourceExhaustedError("store: out of memory"));
const absl::Status* const kUnexpected =
    new absl::Status(absl::InternalError("store: unexpected exception"));

// Names the call when the message can be built, else the preallocated one.
absl::Status CaughtStatus(std::string_view call, bool out_of_memory) noexcept {
  try {
    if (out_of_memory) {
      return absl::ResourceExhaustedError(internal::StrCat(call, ": out of memory"));
    }
    // The exception's text is not copied: it might carry customer data.
    return absl::InternalError(internal::StrCat(call, ": unexpected exception"));
  } catch (...) {
    return out_of_memory ? *kOutOfMemory : *kUnexpected;
  }
}

// Runs `fn` (returning a Status or StatusOr) and turns an exception into a
// status. Converting a non-OK Status into a StatusOr only copies a pointer.
template <typename Fn>
auto Guard(std::string_view call, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return CaughtStatus(call, true);
  } catch (...) {
    return CaughtStatus(call, false);
  }
}

}  // namespace

absl::StatusOr<Customer> GuardedStore::UpsertCustomer(const Customer& customer) {
  return Guard("UpsertCustomer", [&] { return inner_->UpsertCustomer(customer); });
}

absl::StatusOr<Customer> GuardedStore::GetCustomer(std::string_view customer_id) {
  return Guard("GetCustomer", [&] { return inner_->GetCustomer(customer_id); });
}

absl::StatusOr<Identity> GuardedStore::LinkIdentity(std::string_view customer_id,
                                                    const Identity& identity,
                                                    const LinkOptions& options) {
  return Guard("LinkIdentity",
               [&] { return inner_->LinkIdentity(customer_id, identity, options); });
}

absl::Status GuardedStore::UnlinkIdentity(const Identity& identity) {
  return Guard("UnlinkIdentity", [&] { return inner_->UnlinkIdentity(identity); });
}

absl::StatusOr<std::optional<std::string>> GuardedStore::Resolve(const Identity& identity) {
  return Guard("Resolve", [&] { return inner_->Resolve(identity); });
}

absl::StatusOr<Identity> GuardedStore::Normalize(const Identity& identity) const {
  return Guard("Normalize", [&] { return inner_->Normalize(identity); });
}

absl::Status GuardedStore::RegisterTouchpoint(const Touchpoint& touchpoint) {
  return Guard("RegisterTouchpoint", [&] { return inner_->RegisterTouchpoint(touchpoint); });
}

absl::StatusOr<std::vector<Touchpoint>> GuardedStore::ListTouchpoints() {
  return Guard("ListTouchpoints", [&] { return inner_->ListTouchpoints(); });
}

absl::StatusOr<int64_t> GuardedStore::Record(const Interaction& interaction) {
  return Guard("Record", [&] { return inner_->Record(interaction); });
}

absl::StatusOr<std::vector<int64_t>> GuardedStore::RecordBatch(
    std::span<const Interaction> interactions) {
  return Guard("RecordBatch", [&] { return inner_->RecordBatch(interactions); });
}

absl::StatusOr<Interaction> GuardedStore::GetInteraction(int64_t interaction_id) {
  return Guard("GetInteraction", [&] { return inner_->GetInteraction(interaction_id); });
}

absl::StatusOr<TimelinePage> GuardedStore::Timeline(std::string_view customer_id,
                                                    const TimelineQuery& query) {
  return Guard("Timeline", [&] { return inner_->Timeline(customer_id, query); });
}

absl::StatusOr<Journey> GuardedStore::DefineJourney(const Journey& journey) {
  return Guard("DefineJourney", [&] { return inner_->DefineJourney(journey); });
}

absl::StatusOr<Journey> GuardedStore::GetJourney(std::string_view key, int32_t version) {
  return Guard("GetJourney", [&] { return inner_->GetJourney(key, version); });
}

absl::StatusOr<std::vector<Journey>> GuardedStore::ListJourneys() {
  return Guard("ListJourneys", [&] { return inner_->ListJourneys(); });
}

absl::StatusOr<JourneyInstance> GuardedStore::StartJourney(std::string_view customer_id,
                                                           std::string_view journey_key,
                                                           int64_t interaction_id) {
  return Guard("StartJourney",
               [&] { return inner_->StartJourney(customer_id, journey_key, interaction_id); });
}

absl::StatusOr<JourneyInstance> GuardedStore::AdvanceJourney(int64_t instance_id,
                                                             std::string_view to_step,
                                                             int64_t interaction_id) {
  return Guard("AdvanceJourney",
               [&] { return inner_->AdvanceJourney(instance_id, to_step, interaction_id); });
}

absl::StatusOr<JourneyInstance> GuardedStore::EndJourney(int64_t instance_id,
                                                         v1::JourneyStatus status) {
  return Guard("EndJourney", [&] { return inner_->EndJourney(instance_id, status); });
}

absl::StatusOr<JourneyInstance> GuardedStore::GetJourneyInstance(int64_t instance_id) {
  return Guard("GetJourneyInstance", [&] { return inner_->GetJourneyInstance(instance_id); });
}

absl::StatusOr<std::vector<JourneyInstance>> GuardedStore::ListJourneyInstances(
    std::string_view customer_id) {
  return Guard("ListJourneyInstances", [&] { return inner_->ListJourneyInstances(customer_id); });
}

absl::StatusOr<std::vector<StalledJourney>> GuardedStore::Stalled(absl::Time now) {
  return Guard("Stalled", [&] { return inner_->Stalled(now); });
}

absl::StatusOr<std::vector<std::string>> GuardedStore::FindCustomers(
    const FindCustomersQuery& query) {
  return Guard("FindCustomers", [&] { return inner_->FindCustomers(query); });
}

absl::StatusOr<Case> GuardedStore::OpenCase(const Case& c) {
  return Guard("OpenCase", [&] { return inner_->OpenCase(c); });
}

absl::StatusOr<Case> GuardedStore::AssignCase(int64_t case_id, std::string_view owner_agent) {
  return Guard("AssignCase", [&] { return inner_->AssignCase(case_id, owner_agent); });
}

absl::StatusOr<Case> GuardedStore::SetCaseStatus(int64_t case_id, v1::CaseStatus status) {
  return Guard("SetCaseStatus", [&] { return inner_->SetCaseStatus(case_id, status); });
}

absl::StatusOr<Case> GuardedStore::GetCase(int64_t case_id) {
  return Guard("GetCase", [&] { return inner_->GetCase(case_id); });
}

absl::StatusOr<std::vector<Case>> GuardedStore::ListCases(std::string_view customer_id) {
  return Guard("ListCases", [&] { return inner_->ListCases(customer_id); });
}

absl::StatusOr<Context> GuardedStore::Lookup(const LookupRequest& request) {
  return Guard("Lookup", [&] { return inner_->Lookup(request); });
}

absl::StatusOr<MergeRecord> GuardedStore::Merge(const MergeRequest& request) {
  return Guard("Merge", [&] { return inner_->Merge(request); });
}

absl::StatusOr<MergeRecord> GuardedStore::PreviewMerge(const MergeRequest& request) {
  return Guard("PreviewMerge", [&] { return inner_->PreviewMerge(request); });
}

absl::StatusOr<MergeRecord> GuardedStore::Unmerge(int64_t merge_id, std::string_view actor) {
  return Guard("Unmerge", [&] { return inner_->Unmerge(merge_id, actor); });
}

absl::StatusOr<std::vector<MergeRecord>> GuardedStore::ListMerges(std::string_view customer_id) {
  return Guard("ListMerges", [&] { return inner_->ListMerges(customer_id); });
}

absl::StatusOr<std::optional<MergeRecord>> GuardedStore::Stitch(const Identity& anonymous,
                                                                const Identity& known,
                                                                std::string_view actor) {
  return Guard("Stitch", [&] { return inner_->Stitch(anonymous, known, actor); });
}

absl::StatusOr<ErasureReceipt> GuardedStore::Erase(std::string_view customer_id,
                                                   std::string_view actor) {
  return Guard("Erase", [&] { return inner_->Erase(customer_id, actor); });
}

absl::StatusOr<int64_t> GuardedStore::Purge(absl::Time now) {
  return Guard("Purge", [&] { return inner_->Purge(now); });
}

absl::StatusOr<Customer> GuardedStore::SetConsent(std::string_view customer_id,
                                                  const Consent& consent, std::string_view actor) {
  return Guard("SetConsent", [&] { return inner_->SetConsent(customer_id, consent, actor); });
}

absl::StatusOr<std::vector<AuditEntry>> GuardedStore::ListAudit(int limit) {
  return Guard("ListAudit", [&] { return inner_->ListAudit(limit); });
}

absl::StatusOr<ImportReport> GuardedStore::Import(std::string_view json_lines,
                                                  const ImportOptions& options) {
  return Guard("Import", [&] { return inner_->Import(json_lines, options); });
}

absl::StatusOr<ImportReport> GuardedStore::ImportBody(std::string_view body,
                                                      std::string_view route_type,
                                                      const ImportOptions& options) {
  return Guard("ImportBody", [&] { return inner_->ImportBody(body, route_type, options); });
}

absl::StatusOr<MetricsReport> GuardedStore::Metrics(const MetricsQuery& query) {
  return Guard("Metrics", [&] { return inner_->Metrics(query); });
}

absl::Status GuardedStore::Check() {
  return Guard("Check", [&] { return inner_->Check(); });
}

absl::StatusOr<int> GuardedStore::FileSchemaVersion() {
  return Guard("FileSchemaVersion", [&] { return inner_->FileSchemaVersion(); });
}

}  // namespace internal

absl::StatusOr<std::unique_ptr<Store>> Store::Open(std::string_view path, const Options& options) {
  return internal::Guard("Open", [&]() -> absl::StatusOr<std::unique_ptr<Store>> {
    OMNICTX_ASSIGN_OR_RETURN(std::unique_ptr<Store> inner, internal::OpenUnguarded(path, options));
    return std::unique_ptr<Store>(std::make_unique<internal::GuardedStore>(std::move(inner)));
  });
}

}  // namespace omnictx
