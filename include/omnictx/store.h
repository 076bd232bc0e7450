// SPDX-License-Identifier: Apache-2.0
//
// Store: one tenant's cross-channel customer context in one SQLite file.
//
//   auto store = omnictx::Store::Open("contact-centre.db", {.default_region = "FR"});
//   if (!store.ok()) return store.status();
//   (*store)->LinkIdentity("c-42", omnictx::Phone("06 12 34 56 78"));
//   auto ctx = (*store)->Lookup({.identity = omnictx::Phone("+33612345678"),
//                                .channel = omnictx::Channel::kIvr});
//
// Every call is one transaction: a call that fails writes nothing. Error
// messages name the field and the problem, never the customer's data.
//
// Thread safety: a Store is safe to use from many threads at once. Reads run
// in parallel on a pool of connections, each in one snapshot; writes are
// serialized. Several processes may open the same file.
#ifndef OMNICTX_STORE_H_
#define OMNICTX_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "omnictx/ingest.h"
#include "omnictx/metrics.h"
#include "omnictx/options.h"
#include "omnictx/types.h"

namespace omnictx {

class Store {
 public:
  // Opens (and if needed creates and migrates) the database at `path`.
  // Returns InvalidArgument if the path is empty or a "file:" URI;
  // NotFound if the file is missing and create_if_missing is false;
  // FailedPrecondition if the file is not an omnictx database or was written
  // by a newer omnictx; DataLoss if the file is corrupt.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Store>> Open(
      std::string_view path, const Options& options = {});

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // ---- Customers ----

  // Creates or updates a customer's profile (display name, language,
  // preferred channel, attributes, consents). Output-only fields are ignored.
  // An empty id asks the store to assign one ("cus-<n>", never the id of
  // an erased customer). Ids starting "erased-" are reserved: Erase renames
  // the row "erased-<key>". Returns the stored customer.
  // Returns InvalidArgument if a field is malformed or over its limit, or
  // the id has the reserved prefix; FailedPrecondition if the customer was
  // erased (its old id included) or merged away.
  [[nodiscard]] virtual absl::StatusOr<Customer> UpsertCustomer(
      const Customer& customer) = 0;

  // Returns the customer with its identities.
  // Returns InvalidArgument if the id is empty; NotFound if unknown.
  [[nodiscard]] virtual absl::StatusOr<Customer> GetCustomer(
      std::string_view customer_id) = 0;

  // ---- Identities ----

  // Normalizes `identity` (E.164 phone, lower-case email ...) and links it
  // to the customer. Linking an identity the customer already has is OK.
  // Returns the normalized identity.
  // Returns InvalidArgument if the value is malformed; NotFound if the
  // customer is unknown; AlreadyExists (naming the owner's id) if another
  // customer owns the identity; FailedPrecondition naming the guard
  // ("blocked_value", "kind_limit") if a guard refuses it, or "erased" if
  // it belonged to an erased customer and options.allow_erased is false.
  [[nodiscard]] virtual absl::StatusOr<Identity> LinkIdentity(
      std::string_view customer_id, const Identity& identity,
      const LinkOptions& options = {}) = 0;

  // Removes an identity from whoever owns it.
  // Returns InvalidArgument if malformed; NotFound if nobody owns it.
  [[nodiscard]] virtual absl::Status UnlinkIdentity(const Identity& identity) = 0;

  // Returns the id of the customer the identity points at, or std::nullopt
  // if nobody owns it. Returns InvalidArgument if the value is malformed.
  [[nodiscard]] virtual absl::StatusOr<std::optional<std::string>> Resolve(
      const Identity& identity) = 0;

  // Normalizes an identity without touching the store (what Link would store).
  // Returns InvalidArgument if malformed.
  [[nodiscard]] virtual absl::StatusOr<Identity> Normalize(
      const Identity& identity) const = 0;

  // ---- Touchpoints ----

  // Registers or updates a named door. Returns InvalidArgument if the key or
  // channel is malformed.
  [[nodiscard]] virtual absl::Status RegisterTouchpoint(
      const Touchpoint& touchpoint) = 0;

  // Returns every registered touchpoint, ordered by key.
  [[nodiscard]] virtual absl::StatusOr<std::vector<Touchpoint>>
  ListTouchpoints() = 0;

  // ---- Interactions ----

  // Records one interaction, sets the customer's last seen, attaches it to
  // its case, and advances its journey when it names an allowed step.
  // Idempotent on external_id: the same key for the same customer returns
  // the first interaction's id and writes nothing. Returns the id.
  // Returns InvalidArgument if a field is malformed or over its limit;
  // NotFound if the customer, case or journey instance is unknown;
  // FailedPrecondition if the customer was erased; AlreadyExists if the
  // external id belongs to another customer's interaction.
  [[nodiscard]] virtual absl::StatusOr<int64_t> Record(
      const Interaction& interaction) = 0;

  // Records many interactions in one transaction: all or nothing. Returns
  // their ids in order. Errors are Record's, with the failing index in the
  // message; InvalidArgument also if the batch exceeds
  // Limits::kMaxBatchInteractions.
  [[nodiscard]] virtual absl::StatusOr<std::vector<int64_t>> RecordBatch(
      std::span<const Interaction> interactions) = 0;

  // Returns one interaction. Returns NotFound if unknown.
  [[nodiscard]] virtual absl::StatusOr<Interaction> GetInteraction(
      int64_t interaction_id) = 0;

  // Returns a page of a customer's interactions across all channels, newest
  // first. Returns InvalidArgument for a bad page size or token; NotFound if
  // the customer is unknown.
  [[nodiscard]] virtual absl::StatusOr<TimelinePage> Timeline(
      std::string_view customer_id, const TimelineQuery& query = {}) = 0;

  // ---- Journeys ----

  // Validates and stores a journey definition. Redefining an existing key
  // creates a new version; running instances keep theirs. Returns the
  // stored definition with its version. Returns InvalidArgument naming the
  // step for: duplicate keys, transitions to unknown steps, no terminal
  // step, unreachable steps, negative stall thresholds.
  [[nodiscard]] virtual absl::StatusOr<Journey> DefineJourney(
      const Journey& journey) = 0;

  // Returns a definition: `version` 0 means the latest.
  // Returns NotFound if unknown.
  [[nodiscard]] virtual absl::StatusOr<Journey> GetJourney(
      std::string_view key, int32_t version = 0) = 0;

  // Returns the latest version of every journey, ordered by key.
  [[nodiscard]] virtual absl::StatusOr<std::vector<Journey>> ListJourneys() = 0;

  // Starts the latest version of a journey for a customer at its entry
  // step. Returns the new instance.
  // Returns NotFound if the customer or journey is unknown;
  // AlreadyExists if the customer already runs an active instance of it.
  [[nodiscard]] virtual absl::StatusOr<JourneyInstance> StartJourney(
      std::string_view customer_id, std::string_view journey_key,
      int64_t interaction_id = 0) = 0;

  // Moves an active instance to `to_step`. Reaching a terminal step ends the
  // instance (completed or failed). Returns the updated instance.
  // Returns NotFound if the instance, step or interaction is unknown;
  // FailedPrecondition "transition a→c not allowed" if the definition
  // does not allow it, or if the instance is no longer active.
  [[nodiscard]] virtual absl::StatusOr<JourneyInstance> AdvanceJourney(
      int64_t instance_id, std::string_view to_step,
      int64_t interaction_id = 0) = 0;

  // Ends an active instance as failed or abandoned (`status` must be one of
  // those). Returns FailedPrecondition if it is no longer active.
  [[nodiscard]] virtual absl::StatusOr<JourneyInstance> EndJourney(
      int64_t instance_id, v1::JourneyStatus status) = 0;

  // Returns an instance with its history. Returns NotFound if unknown.
  [[nodiscard]] virtual absl::StatusOr<JourneyInstance> GetJourneyInstance(
      int64_t instance_id) = 0;

  // Returns a customer's journey instances, newest first.
  [[nodiscard]] virtual absl::StatusOr<std::vector<JourneyInstance>>
  ListJourneyInstances(std::string_view customer_id) = 0;

  // Returns every active instance past its step's stall threshold at `now`,
  // longest stalled first, with the last outbound interaction before the
  // step was entered.
  [[nodiscard]] virtual absl::StatusOr<std::vector<StalledJourney>> Stalled(
      absl::Time now) = 0;

  // Returns ids of customers whose journey state matches (campaign
  // suppression). Returns InvalidArgument if journey_key is empty.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::string>> FindCustomers(
      const FindCustomersQuery& query) = 0;

  // ---- Cases ----

  // Opens a case (subject, priority, owner, queue, journey instance).
  // Returns the stored case. Returns InvalidArgument if a field is
  // malformed; NotFound if the customer or journey instance is unknown.
  [[nodiscard]] virtual absl::StatusOr<Case> OpenCase(const Case& c) = 0;

  // Sets the case owner (empty unassigns). Returns NotFound if unknown.
  [[nodiscard]] virtual absl::StatusOr<Case> AssignCase(
      int64_t case_id, std::string_view owner_agent) = 0;

  // Changes a case's status (open, pending, resolved, closed); resolving
  // and closing stamp their times, reopening clears them.
  // Returns NotFound if unknown; InvalidArgument for UNSPECIFIED.
  [[nodiscard]] virtual absl::StatusOr<Case> SetCaseStatus(
      int64_t case_id, v1::CaseStatus status) = 0;

  // Returns one case. Returns NotFound if unknown.
  [[nodiscard]] virtual absl::StatusOr<Case> GetCase(int64_t case_id) = 0;

  // Returns a customer's cases, newest first.
  [[nodiscard]] virtual absl::StatusOr<std::vector<Case>> ListCases(
      std::string_view customer_id) = 0;

  // ---- Context ----

  // Assembles what a door should know about whoever is at it: customer,
  // active journeys, open cases, recent interactions, last contact,
  // consents, suggestions and a routing hint, from one snapshot. An unknown
  // identity is a normal answer with known() == false. The answer holds only
  // the parts request.audience may see (Options::audiences, audience.h).
  // Returns InvalidArgument if neither or both of identity and customer_id
  // are given, the identity is malformed or the audience is unknown.
  [[nodiscard]] virtual absl::StatusOr<Context> Lookup(
      const LookupRequest& request) = 0;

  // ---- Identity resolution: stitch, merge, unmerge ----

  // Moves everything of `request.absorbed_id` (identities, interactions,
  // journey instances, cases, attributes, consents) to the survivor in one
  // transaction, settles conflicting profile fields by the policy, marks
  // the absorbed customer MERGED and returns the merge record. Two active
  // instances of the same journey: the more advanced stays, the other ends
  // as MERGED.
  // Returns InvalidArgument if the ids are equal, empty or the actor is
  // missing; NotFound if either customer is unknown or already merged;
  // FailedPrecondition if either is erased or a guard ("kind_limit")
  // refuses; ResourceExhausted if it would move more than
  // Limits::kMaxMergeRows rows.
  [[nodiscard]] virtual absl::StatusOr<MergeRecord> Merge(const MergeRequest& request) = 0;

  // Returns what Merge would do (dry_run set, id 0) and writes nothing.
  // Returns Merge's errors.
  [[nodiscard]] virtual absl::StatusOr<MergeRecord> PreviewMerge(
      const MergeRequest& request) = 0;

  // Undoes a merge: the absorbed customer comes back with its identities,
  // its own interactions, journey instances, cases and profile; what was
  // recorded on the survivor after the merge stays there, except
  // interactions that came through (`via`) an identity given back.
  // Returns NotFound if unknown; FailedPrecondition if already undone, or
  // if a later merge depends on it (naming the merge to undo first).
  [[nodiscard]] virtual absl::StatusOr<MergeRecord> Unmerge(int64_t merge_id,
                                                           std::string_view actor) = 0;

  // Returns the merges a customer took part in (either side), newest first.
  [[nodiscard]] virtual absl::StatusOr<std::vector<MergeRecord>> ListMerges(
      std::string_view customer_id) = 0;

  // An anonymous visitor identified themselves: merges the customer that
  // owns `anonymous` (a cookie or device id) into the one that owns
  // `known`, keeping whichever holds the higher-priority identity kind
  // (IdentityPolicy::priority). When nobody owns `known` yet it is linked
  // to the anonymous customer instead. Returns the merge, or nullopt when
  // nothing had to be merged.
  // Returns NotFound if nobody owns `anonymous`; Merge's errors otherwise.
  [[nodiscard]] virtual absl::StatusOr<std::optional<MergeRecord>> Stitch(
      const Identity& anonymous, const Identity& known, std::string_view actor) = 0;

  // ---- Erasure, retention, consent ----

  // Erases a customer's personal data in one transaction: identities are
  // deleted (a keyed hash of each is kept as a tombstone), the profile is
  // emptied and the id replaced, interaction summaries, attributes,
  // external ids and agent ids and case subjects are scrubbed (anonymous
  // counts stay for metrics), merge records naming the customer are
  // forgotten, and the WAL is checkpointed so no copy stays in the file.
  // Returns NotFound if unknown; FailedPrecondition if already erased (by
  // its old id or its "erased-<key>" one) or merged away (erase the survivor).
  [[nodiscard]] virtual absl::StatusOr<ErasureReceipt> Erase(std::string_view customer_id,
                                                            std::string_view actor) = 0;

  // Deletes interactions older than the retention policy allows at `now`,
  // in batches of RetentionPolicy::batch_size rows per transaction.
  // Returns the number deleted.
  [[nodiscard]] virtual absl::StatusOr<int64_t> Purge(absl::Time now) = 0;

  // Records a consent decision (grant, deny, revoke) for a purpose and
  // channel, replacing the previous one, and audits it. Returns the customer.
  // Returns InvalidArgument for a bad purpose or state; NotFound if unknown.
  [[nodiscard]] virtual absl::StatusOr<Customer> SetConsent(std::string_view customer_id,
                                                           const Consent& consent,
                                                           std::string_view actor) = 0;

  // Returns audit entries, newest first (at most `limit`, 1 to 10000).
  [[nodiscard]] virtual absl::StatusOr<std::vector<AuditEntry>> ListAudit(int limit = 100) = 0;

  // ---- Ingest ----

  // Imports JSON lines: each line is one Segment-spec message or a batch
  // envelope {"batch":[...], "sentAt":...} (omnictx/ingest.h says what each
  // message becomes). Blank lines are skipped. A refused message is listed
  // in the report with its line (and batch index) while the rest goes in;
  // with options.strict nothing goes in.
  // Returns InvalidArgument if options.mapping_json or options.actor is
  // malformed; FailedPrecondition if the store is read-only; Unavailable,
  // DataLoss ... if the storage fails (without strict, the messages applied
  // before the failure stay written).
  [[nodiscard]] virtual absl::StatusOr<ImportReport> Import(
      std::string_view json_lines, const ImportOptions& options = {}) = 0;

  // Imports one HTTP request body as the Segment tracking API receives it;
  // `route_type` is "batch" (or "import"), or the type implied by the route
  // ("track" for /v1/track, ...), empty to read "type" from the message (a
  // body with a "batch" array is then a batch). Errors carry line 0.
  // Returns InvalidArgument if route_type is unknown; Import's errors.
  [[nodiscard]] virtual absl::StatusOr<ImportReport> ImportBody(
      std::string_view body, std::string_view route_type,
      const ImportOptions& options = {}) = 0;

  // ---- Metrics ----

  // Measures the window: per-channel KPIs against their targets,
  // first-contact resolution, journey funnels, channel outcomes and effort,
  // satisfaction (omnictx/metrics.h, proto/omnictx/v1/metrics.proto). Reads
  // one snapshot.
  // Returns InvalidArgument naming the field if the window is missing,
  // reversed or longer than Limits::kMaxMetricsWindowDays, or a target is
  // out of range; ResourceExhausted if more than query.max_case_rows cases
  // carry satisfaction scores.
  [[nodiscard]] virtual absl::StatusOr<MetricsReport> Metrics(const MetricsQuery& query) = 0;

  // ---- Maintenance ----

  // Runs SQLite's integrity and foreign-key checks. Returns DataLoss
  // describing the first problem found.
  [[nodiscard]] virtual absl::Status Check() = 0;

  // Returns the file's schema version.
  [[nodiscard]] virtual absl::StatusOr<int> FileSchemaVersion() = 0;

 protected:
  Store() = default;
};

}  // namespace omnictx

#endif  // OMNICTX_STORE_H_
