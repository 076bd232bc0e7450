// SPDX-License-Identifier: Apache-2.0
//
// Undoing merges, and stitching anonymous visitors to known customers.
#include <algorithm>

#include "absl/strings/match.h"
#include "identity/normalize.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/validate.h"

namespace omnictx::internal {
namespace {

bool SameIdentity(const Identity& a, const Identity& b) {
  return a.kind() == b.kind() && a.platform() == b.platform() && a.value() == b.value();
}

// Restores the survivor's profile fields that the merge changed, unless
// they were changed again since. Consent decisions made after the merge stay.
Customer RestoreSurvivor(const Customer& current, const MergeRecord& m) {
  Customer out = current;
  const Customer& before = m.survivor_before();
  for (const FieldChoice& f : m.fields()) {
    if (f.taken_from() == "survivor") continue;
    const std::string& field = f.field();
    if (field == "display_name" && current.display_name() == f.value()) {
      out.set_display_name(before.display_name());
    } else if (field == "language" && current.language() == f.value()) {
      out.set_language(before.language());
    } else if (field == "preferred_channel" &&
               ChannelName(current.preferred_channel()) == f.value()) {
      out.set_preferred_channel(before.preferred_channel());
    } else if (field.rfind("attributes.", 0) == 0) {
      const std::string key = field.substr(11);
      if (FindAttribute(current.attributes(), key) != f.value()) continue;
      if (const std::optional<std::string_view> was = FindAttribute(before.attributes(), key)) {
        SetAttribute(out.mutable_attributes(), key, *was);
      } else {
        EraseAttribute(out.mutable_attributes(), key);
      }
    }
  }
  out.clear_consents();
  *out.mutable_consents() = before.consents();
  const absl::Time merged = FromProtoTime(m.merged_at());
  for (const Consent& c : current.consents()) {
    if (FromProtoTime(c.updated_at()) <= merged) continue;
    auto* list = out.mutable_consents();
    auto same = std::find_if(list->begin(), list->end(), [&](const Consent& x) {
      return x.purpose() == c.purpose() && x.channel() == c.channel();
    });
    if (same == list->end()) {
      *out.add_consents() = c;
    } else {
      *same = c;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<MergeRecord> StoreImpl::Unmerge(int64_t merge_id, std::string_view actor) {
  OMNICTX_RETURN_IF_ERROR(CheckName("actor", actor, Limits::kMaxActorBytes, true));
  MergeRecord out;
  const absl::Time now = Now();
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(auto found, repo.GetMerge(merge_id));
    if (!found) return absl::NotFoundError(StrCat("merge_id: no such merge ", merge_id));
    auto& [m, s_key, a_key] = *found;
    if (m.has_unmerged_at()) {
      return absl::FailedPreconditionError(StrCat("merge ", merge_id, " was already undone"));
    }
    OMNICTX_ASSIGN_OR_RETURN(auto survivor, repo.FindCustomerByKey(s_key));
    OMNICTX_ASSIGN_OR_RETURN(auto absorbed, repo.FindCustomerByKey(a_key));
    if (!survivor || !absorbed) return absl::DataLossError("merge: a customer row is missing");
    if (survivor->customer.status() == v1::CUSTOMER_STATUS_MERGED) {
      OMNICTX_ASSIGN_OR_RETURN(auto later, repo.MergeThatAbsorbed(s_key));
      return absl::FailedPreconditionError(
          StrCat("merge ", merge_id, ": the survivor was merged again later; undo merge ",
                 later.value_or(0), " first"));
    }
    if (survivor->customer.status() == v1::CUSTOMER_STATUS_ERASED) {
      return absl::FailedPreconditionError("merge: customer erased");
    }
    // Give back what the merge moved and still sits with the survivor.
    std::vector<Identity> given_back;
    for (const Identity& id : m.identities_moved()) {
      OMNICTX_ASSIGN_OR_RETURN(std::optional<int64_t> owner, repo.FindIdentityOwner(id));
      if (owner != s_key) continue;
      OMNICTX_RETURN_IF_ERROR(repo.MoveIdentity(id, a_key));
      given_back.push_back(id);
    }
    for (int64_t id : m.interactions_moved()) {
      OMNICTX_ASSIGN_OR_RETURN(auto row, repo.GetInteraction(id));
      if (row && row->customer_key == s_key) OMNICTX_RETURN_IF_ERROR(repo.MoveInteraction(id, a_key));
    }
    // Interactions recorded since the merge through an identity given back
    // belong to the absorbed customer. "Since" is when the store recorded
    // them, not when they happened: a late event may predate the merge.
    const absl::Time merged_at = FromProtoTime(m.merged_at());
    OMNICTX_ASSIGN_OR_RETURN(
        auto since, repo.ListInteractions(s_key, absl::InfinitePast(), absl::InfiniteFuture(),
                                          std::nullopt, 0, 0,
                                          static_cast<int>(Limits::kMaxMergeRows)));
    for (const Interaction& i : since) {
      if (!i.has_via() || FromProtoTime(i.recorded_at()) < merged_at) continue;
      bool theirs = std::any_of(given_back.begin(), given_back.end(),
                                [&](const Identity& g) { return SameIdentity(g, i.via()); });
      if (theirs) OMNICTX_RETURN_IF_ERROR(repo.MoveInteraction(i.id(), a_key));
    }
    for (int64_t id : m.journey_instances_moved()) {
      OMNICTX_ASSIGN_OR_RETURN(auto row, repo.GetInstance(id));
      if (row && row->customer_key == s_key) OMNICTX_RETURN_IF_ERROR(repo.MoveInstance(id, a_key));
    }
    for (int64_t id : m.journey_instances_ended()) {
      OMNICTX_ASSIGN_OR_RETURN(auto row, repo.GetInstance(id));
      if (!row || row->instance.status() != v1::JOURNEY_STATUS_MERGED) continue;
      // Only if its owner has not started the same journey again since.
      OMNICTX_ASSIGN_OR_RETURN(auto active,
                               repo.FindActiveInstance(row->customer_key, row->instance.journey_key()));
      if (active) continue;
      row->instance.set_status(v1::JOURNEY_STATUS_ACTIVE);
      row->instance.clear_ended_at();
      OMNICTX_RETURN_IF_ERROR(repo.UpdateInstance(row->instance));
    }
    for (int64_t id : m.cases_moved()) {
      OMNICTX_ASSIGN_OR_RETURN(auto row, repo.GetCase(id));
      if (row && row->customer_key == s_key) OMNICTX_RETURN_IF_ERROR(repo.MoveCase(id, a_key));
    }
    OMNICTX_RETURN_IF_ERROR(repo.UpdateCustomerProfile(
        s_key, RestoreSurvivor(survivor->customer, m), now));
    OMNICTX_RETURN_IF_ERROR(repo.UpdateCustomerProfile(a_key, m.absorbed_before(), now));
    OMNICTX_RETURN_IF_ERROR(repo.SetCustomerStatus(a_key, v1::CUSTOMER_STATUS_ACTIVE, 0, now));
    *m.mutable_unmerged_at() = ToProtoTime(now);
    m.set_unmerged_by(std::string(actor));
    OMNICTX_RETURN_IF_ERROR(repo.UpdateMerge(merge_id, m));
    OMNICTX_RETURN_IF_ERROR(Audit(repo, actor, "unmerge", s_key,
                                  StrCat("unmerge ", merge_id, ": restored customer key ", a_key,
                                         ", ", given_back.size(), " identities")));
    out = m;
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::optional<MergeRecord>> StoreImpl::Stitch(const Identity& anonymous,
                                                             const Identity& known,
                                                             std::string_view actor) {
  OMNICTX_RETURN_IF_ERROR(CheckName("actor", actor, Limits::kMaxActorBytes, true));
  if (anonymous.kind() != v1::IDENTITY_KIND_COOKIE && anonymous.kind() != v1::IDENTITY_KIND_DEVICE) {
    return absl::InvalidArgumentError("anonymous: must be a cookie or device identity");
  }
  OMNICTX_ASSIGN_OR_RETURN(Identity anon, Normalize(anonymous));
  OMNICTX_ASSIGN_OR_RETURN(Identity id, Normalize(known));
  // Guard "blocked_value" also when the value was linked before it was
  // blocked: a shared number must not merge strangers.
  for (const std::string& blocked : options_.identity.blocked_values) {
    if (absl::EqualsIgnoreCase(Absl(blocked), Absl(id.value())) ||
        absl::EqualsIgnoreCase(Absl(blocked), Absl(anon.value()))) {
      return absl::FailedPreconditionError("guard blocked_value: this identity value never links");
    }
  }
  std::optional<MergeRecord> out;
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(std::optional<int64_t> anon_owner, repo.FindIdentityOwner(anon));
    if (!anon_owner) return absl::NotFoundError("anonymous: not linked to any customer");
    OMNICTX_ASSIGN_OR_RETURN(std::optional<int64_t> known_owner, repo.FindIdentityOwner(id));
    if (known_owner == anon_owner) return absl::OkStatus();
    OMNICTX_ASSIGN_OR_RETURN(auto anon_row, repo.FindCustomerByKey(*anon_owner));
    if (!known_owner) {
      // The visitor tells us who they are: the identity joins them.
      OMNICTX_RETURN_IF_ERROR(LinkIn(repo, anon_row->customer.id(), id, LinkOptions{}));
      return absl::OkStatus();
    }
    OMNICTX_ASSIGN_OR_RETURN(auto known_row, repo.FindCustomerByKey(*known_owner));
    // The customer holding the highest-priority identity kind survives.
    auto rank = [&](int64_t key) -> absl::StatusOr<size_t> {
      OMNICTX_ASSIGN_OR_RETURN(auto ids, repo.ListIdentities(key));
      const auto& prio = options_.identity.priority;
      size_t best = prio.size();
      for (const Identity& i : ids) {
        auto it = std::find(prio.begin(), prio.end(), i.kind());
        best = std::min(best, static_cast<size_t>(it - prio.begin()));
      }
      return best;
    };
    OMNICTX_ASSIGN_OR_RETURN(size_t anon_rank, rank(*anon_owner));
    OMNICTX_ASSIGN_OR_RETURN(size_t known_rank, rank(*known_owner));
    MergeRequest request;
    request.actor = std::string(actor);
    const bool anon_wins = anon_rank < known_rank;
    request.survivor_id = (anon_wins ? anon_row : known_row)->customer.id();
    request.absorbed_id = (anon_wins ? known_row : anon_row)->customer.id();
    OMNICTX_ASSIGN_OR_RETURN(out, MergeIn(repo, request, /*dry_run=*/false));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace omnictx::internal
