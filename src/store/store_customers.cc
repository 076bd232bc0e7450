// SPDX-License-Identifier: Apache-2.0
//
// Customers, identities and touchpoints.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/strings.h"
#include "absl/strings/match.h"
#include "identity/normalize.h"
#include "store/store_impl.h"
#include "util/status_macros.h"

namespace omnictx::internal {

absl::Status FillCustomer(storage::Repository& repo, storage::CustomerRow* row) {
  OMNICTX_ASSIGN_OR_RETURN(std::vector<Identity> ids, repo.ListIdentities(row->key));
  row->customer.clear_identities();
  for (Identity& id : ids) {
    id.set_customer_id(row->customer.id());
    *row->customer.add_identities() = std::move(id);
  }
  // Last seen is derived from the newest interaction rather than written
  // on every Record: one index seek here saves a row update per write.
  OMNICTX_ASSIGN_OR_RETURN(
      std::vector<Interaction> latest,
      repo.ListInteractions(row->key, absl::InfinitePast(), absl::InfiniteFuture(),
                            std::nullopt, 0, 0, 1));
  if (!latest.empty()) {
    *row->customer.mutable_last_seen_at() = latest[0].occurred_at();
    *row->customer.mutable_last_seen_channel() = latest[0].channel();
  }
  return absl::OkStatus();
}

namespace {

// Consent decisions by "purpose on channel".
std::map<std::string, v1::ConsentState> ConsentStates(
    const google::protobuf::RepeatedPtrField<Consent>& consents) {
  std::map<std::string, v1::ConsentState> out;
  for (const Consent& c : consents) {
    out[internal::StrCat(c.purpose(), " on ", ChannelName(c.channel()))] = c.state();
  }
  return out;
}

// The audit details of what a profile write changes in its consents: a
// profile written with consents changes them as SetConsent does, so each
// change is audited the same way ("marketing on email: CONSENT_STATE_DENIED",
// or ": removed").
std::vector<std::string> ConsentChanges(const google::protobuf::RepeatedPtrField<Consent>& before,
                                        const google::protobuf::RepeatedPtrField<Consent>& after) {
  const auto old_states = ConsentStates(before);
  const auto new_states = ConsentStates(after);
  std::vector<std::string> out;
  for (const auto& [what, state] : new_states) {
    auto it = old_states.find(what);
    if (it != old_states.end() && it->second == state) continue;
    out.push_back(internal::StrCat(what, ": ", v1::ConsentState_Name(state)));
  }
  for (const auto& [what, state] : old_states) {
    if (!new_states.count(what)) out.push_back(internal::StrCat(what, ": removed"));
  }
  return out;
}

// UpsertCustomer names no actor: its consent entries name the call.
constexpr std::string_view kUpsertActor = "upsert_customer";

}  // namespace

absl::StatusOr<Customer> StoreImpl::UpsertCustomer(const Customer& in) {
  OMNICTX_RETURN_IF_ERROR(ValidateProfile(in));
  const absl::Time now = Now();
  Customer profile = in;
  for (Consent& c : *profile.mutable_consents()) {
    if (!c.has_updated_at()) *c.mutable_updated_at() = ToProtoTime(now);
  }
  storage::CustomerRow out;
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    if (profile.id().empty()) {
      OMNICTX_ASSIGN_OR_RETURN(std::string id, AssignCustomerId(repo));
      profile.set_id(std::move(id));
    }
    OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CustomerRow> existing,
                             repo.FindCustomer(profile.id()));
    if (existing) {
      if (existing->customer.status() == v1::CUSTOMER_STATUS_ERASED) {
        return absl::FailedPreconditionError("customer_id: customer erased");
      }
      if (existing->customer.status() == v1::CUSTOMER_STATUS_MERGED) {
        return absl::FailedPreconditionError(internal::StrCat(
            "customer_id: merged into customer ", existing->customer.merged_into()));
      }
      OMNICTX_RETURN_IF_ERROR(repo.UpdateCustomerProfile(existing->key, profile, now));
      for (const std::string& change :
           ConsentChanges(existing->customer.consents(), profile.consents())) {
        OMNICTX_RETURN_IF_ERROR(Audit(repo, kUpsertActor, "consent", existing->key, change));
      }
    } else {
      OMNICTX_ASSIGN_OR_RETURN(bool erased, IdWasErased(repo, profile.id()));
      if (erased) return absl::FailedPreconditionError("customer_id: customer erased");
      OMNICTX_ASSIGN_OR_RETURN(int64_t key, repo.InsertCustomer(profile, now));
      for (const std::string& change : ConsentChanges({}, profile.consents())) {
        OMNICTX_RETURN_IF_ERROR(Audit(repo, kUpsertActor, "consent", key, change));
      }
    }
    OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CustomerRow> row,
                             repo.FindCustomer(profile.id()));
    if (!row) return absl::InternalError("customer vanished inside its transaction");
    out = *std::move(row);
    return FillCustomer(repo, &out);
  }));
  return out.customer;
}

absl::StatusOr<Customer> StoreImpl::GetCustomer(std::string_view customer_id) {
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(customer_id));
  storage::CustomerRow out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CustomerRow> row,
                             repo.FindCustomer(customer_id));
    if (!row) return absl::NotFoundError("customer_id: no such customer");
    out = *std::move(row);
    return FillCustomer(repo, &out);
  }));
  return out.customer;
}

absl::StatusOr<Identity> StoreImpl::Normalize(const Identity& identity) const {
  return identity::Normalize(identity, options_.default_region);
}

absl::Status StoreImpl::LinkIn(storage::Repository& repo, std::string_view customer_id,
                              const Identity& id, const LinkOptions& options) {
  OMNICTX_ASSIGN_OR_RETURN(storage::CustomerRow row, ActiveCustomer(repo, customer_id));
  OMNICTX_ASSIGN_OR_RETURN(std::optional<int64_t> owner, repo.FindIdentityOwner(id));
  if (owner) {
    if (*owner == row.key) return absl::OkStatus();
    OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CustomerRow> other,
                             repo.FindCustomerByKey(*owner));
    return absl::AlreadyExistsError(StrCat("identity: already linked to customer ",
                                           other ? other->customer.id() : "?"));
  }
  for (const std::string& blocked : options_.identity.blocked_values) {
    if (absl::EqualsIgnoreCase(Absl(blocked), Absl(id.value()))) {
      return absl::FailedPreconditionError("guard blocked_value: this identity value never links");
    }
  }
  OMNICTX_RETURN_IF_ERROR(CheckKindLimits(repo, row.key, 0, id.kind(), 1));
  if (!options.allow_erased) {
    OMNICTX_ASSIGN_OR_RETURN(std::string digest, TombstoneDigest(repo, id));
    OMNICTX_ASSIGN_OR_RETURN(bool erased, repo.HasTombstone(digest));
    if (erased) {
      return absl::FailedPreconditionError(
          "identity: belongs to an erased customer (LinkOptions.allow_erased re-creates)");
    }
  }
  return repo.InsertIdentity(row.key, id, Now());
}

absl::StatusOr<Identity> StoreImpl::LinkIdentity(std::string_view customer_id,
                                                 const Identity& identity,
                                                 const LinkOptions& options) {
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(customer_id));
  OMNICTX_ASSIGN_OR_RETURN(Identity id, Normalize(identity));
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) {
    return LinkIn(repo, customer_id, id, options);
  }));
  id.set_customer_id(std::string(customer_id));
  return id;
}

absl::Status StoreImpl::UnlinkIdentity(const Identity& identity) {
  OMNICTX_ASSIGN_OR_RETURN(Identity id, Normalize(identity));
  return db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(bool deleted, repo.DeleteIdentity(id));
    if (!deleted) return absl::NotFoundError("identity: not linked to any customer");
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<std::string>> StoreImpl::Resolve(const Identity& identity) {
  OMNICTX_ASSIGN_OR_RETURN(Identity id, Normalize(identity));
  std::optional<std::string> out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(std::optional<int64_t> owner, repo.FindIdentityOwner(id));
    if (!owner) return absl::OkStatus();
    OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CustomerRow> row,
                             repo.FindCustomerByKey(*owner));
    if (row) out = row->customer.id();
    return absl::OkStatus();
  }));
  return out;
}

absl::Status StoreImpl::RegisterTouchpoint(const Touchpoint& touchpoint) {
  OMNICTX_RETURN_IF_ERROR(ValidateTouchpoint(touchpoint));
  return db_->Write(
      [&](storage::Repository& repo) { return repo.UpsertTouchpoint(touchpoint); });
}

absl::StatusOr<std::vector<Touchpoint>> StoreImpl::ListTouchpoints() {
  std::vector<Touchpoint> out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(out, repo.ListTouchpoints());
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace omnictx::internal
