// SPDX-License-Identifier: Apache-2.0
//
// The context lookup: every read in one snapshot, then pure assembly.
#include "util/strings.h"
#include "context/assemble.h"
#include "context/audience.h"
#include "identity/normalize.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/validate.h"

namespace omnictx::internal {
namespace {

// Merged customers point at their survivor; chains are short, but bound
// the walk so a damaged file cannot loop.
constexpr int kMaxMergeHops = 16;

absl::Status ValidateLookup(const LookupRequest& r) {
  const bool by_identity = r.identity.has_value();
  const bool by_id = !r.customer_id.empty();
  if (by_identity == by_id) {
    return absl::InvalidArgumentError("lookup: give exactly one of identity and customer_id");
  }
  if (by_id) OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(r.customer_id));
  if (!context::IsKnownAudience(r.audience)) {
    return absl::InvalidArgumentError("audience: unknown audience");
  }
  if (r.recent_limit < 0 || static_cast<size_t>(r.recent_limit) > Limits::kMaxRecent) {
    return absl::InvalidArgumentError(
        internal::StrCat("recent_limit: must be 0 to ", Limits::kMaxRecent));
  }
  if (r.available_agents) {
    if (r.available_agents->size() > 10000) {
      return absl::InvalidArgumentError("available_agents: more than 10000 agents");
    }
    for (const std::string& agent : *r.available_agents) {
      OMNICTX_RETURN_IF_ERROR(CheckName("available_agents", agent, Limits::kMaxTextBytes, true));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Context> StoreImpl::Lookup(const LookupRequest& request) {
  OMNICTX_RETURN_IF_ERROR(ValidateLookup(request));
  Identity matched;
  if (request.identity) {
    OMNICTX_ASSIGN_OR_RETURN(matched, identity::Normalize(*request.identity, options_.default_region));
  }
  const absl::Time now = Now();
  std::optional<context::Loaded> loaded;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    std::optional<storage::CustomerRow> row;
    if (request.identity) {
      OMNICTX_ASSIGN_OR_RETURN(std::optional<int64_t> owner, repo.FindIdentityOwner(matched));
      if (!owner) return absl::OkStatus();
      OMNICTX_ASSIGN_OR_RETURN(row, repo.FindCustomerByKey(*owner));
    } else {
      OMNICTX_ASSIGN_OR_RETURN(row, repo.FindCustomer(request.customer_id));
    }
    for (int hops = 0; row && row->customer.status() == v1::CUSTOMER_STATUS_MERGED; ++hops) {
      if (hops == kMaxMergeHops) return absl::DataLossError("lookup: merge chain too long");
      OMNICTX_ASSIGN_OR_RETURN(row, repo.FindCustomer(row->customer.merged_into()));
    }
    if (!row || row->customer.status() == v1::CUSTOMER_STATUS_ERASED) return absl::OkStatus();

    context::Loaded& l = loaded.emplace();
    const std::string& id = row->customer.id();
    l.matched = matched;
    if (request.identity) l.matched.set_customer_id(id);
    OMNICTX_ASSIGN_OR_RETURN(std::vector<Identity> ids, repo.ListIdentities(row->key));
    for (Identity& i : ids) {
      i.set_customer_id(id);
      *row->customer.add_identities() = std::move(i);
    }
    OMNICTX_ASSIGN_OR_RETURN(auto instances, repo.ListInstances(row->key, /*active_only=*/true));
    for (storage::InstanceRow& inst : instances) {
      context::LoadedJourney& lj = l.journeys.emplace_back();
      OMNICTX_ASSIGN_OR_RETURN(lj.definition, Definition(repo, inst.instance.journey_key(),
                                                         inst.instance.journey_version()));
      lj.instance = std::move(inst.instance);
      lj.instance.set_customer_id(id);
      OMNICTX_ASSIGN_OR_RETURN(auto history, repo.ListTransitions(lj.instance.id()));
      for (JourneyTransition& t : history) *lj.instance.add_history() = std::move(t);
      OMNICTX_ASSIGN_OR_RETURN(
          auto latest, repo.ListInteractions(row->key, absl::InfinitePast(), absl::InfiniteFuture(),
                                             std::nullopt, 0, lj.instance.id(), 1));
      if (!latest.empty()) lj.latest_interaction = std::move(latest.front());
      if (context::IsStalled(lj.instance, *lj.definition, now)) {
        OMNICTX_ASSIGN_OR_RETURN(
            auto outbound,
            repo.LastOutboundBefore(row->key, FromProtoTime(lj.instance.step_entered_at())));
        if (outbound) {
          outbound->set_customer_id(id);
          l.stalled_outbound.emplace(lj.instance.id(), *std::move(outbound));
        }
      }
    }
    OMNICTX_ASSIGN_OR_RETURN(auto cases, repo.ListCases(row->key, /*open_only=*/true));
    for (storage::CaseRow& c : cases) {
      c.kase.set_customer_id(id);
      l.open_cases.push_back(std::move(c.kase));
    }
    OMNICTX_ASSIGN_OR_RETURN(
        l.recent, repo.ListInteractions(row->key, absl::InfinitePast(), absl::InfiniteFuture(),
                                        std::nullopt, 0, 0, std::max(1, request.recent_limit)));
    for (Interaction& i : l.recent) i.set_customer_id(id);
    if (!l.recent.empty()) {
      l.latest = l.recent.front();
      *row->customer.mutable_last_seen_at() = l.latest->occurred_at();
      *row->customer.mutable_last_seen_channel() = l.latest->channel();
    }
    if (request.recent_limit == 0) l.recent.clear();
    l.customer = std::move(row->customer);
    return absl::OkStatus();
  }));
  if (!loaded) return context::AssembleUnknown(matched, request, options_.audiences, now);
  return context::Assemble(*loaded, request, options_.routing, options_.audiences, now);
}

}  // namespace omnictx::internal
