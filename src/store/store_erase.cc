// SPDX-License-Identifier: Apache-2.0
//
// Erasure (the right to be forgotten), retention, consent and the audit
// trail.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/validate.h"

namespace omnictx::internal {
namespace {

// Keeps what metrics count and drops what identifies or describes the
// person: summaries, attributes, external ids, agent ids and the identity
// used.
Interaction Anonymized(const Interaction& i) {
  Interaction out;
  *out.mutable_occurred_at() = i.occurred_at();
  *out.mutable_channel() = i.channel();
  out.set_touchpoint(i.touchpoint());
  out.set_kind(i.kind());
  out.set_direction(i.direction());
  out.set_journey_instance_id(i.journey_instance_id());
  out.set_journey_step(i.journey_step());
  out.set_case_id(i.case_id());
  out.set_outcome(i.outcome());
  *out.mutable_wait_time() = i.wait_time();
  *out.mutable_handle_time() = i.handle_time();
  *out.mutable_recorded_at() = i.recorded_at();
  out.set_answered(i.answered());
  out.set_abandoned(i.abandoned());
  if (i.has_satisfaction()) out.set_satisfaction(i.satisfaction());
  return out;
}

// The checkpoint fails while a reader holds an old snapshot; readers are
// short, so a few tries a few milliseconds apart nearly always succeed.
constexpr int kCheckpointTries = 20;

}  // namespace

absl::StatusOr<std::string> StoreImpl::TombstoneDigest(storage::Repository& repo,
                                                       const Identity& id) {
  OMNICTX_ASSIGN_OR_RETURN(std::string secret, repo.TombstoneSecret());
  std::string message = StrCat(static_cast<int>(id.kind()), "\x1f", id.platform(), "\x1f", id.value());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), out,
           &len) == nullptr) {
    return absl::InternalError("tombstone: HMAC failed");
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

absl::StatusOr<ErasureReceipt> StoreImpl::Erase(std::string_view customer_id,
                                                std::string_view actor) {
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(customer_id));
  OMNICTX_RETURN_IF_ERROR(CheckName("actor", actor, Limits::kMaxActorBytes, true));
  ErasureReceipt receipt;
  const absl::Time now = Now();
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(auto row, repo.FindCustomer(customer_id));
    if (!row) {
      OMNICTX_ASSIGN_OR_RETURN(bool erased, IdWasErased(repo, customer_id));
      if (erased) return absl::FailedPreconditionError("customer_id: customer erased");
      return absl::NotFoundError("customer_id: no such customer");
    }
    if (row->customer.status() == v1::CUSTOMER_STATUS_ERASED) {
      return absl::FailedPreconditionError("customer_id: customer erased");
    }
    if (row->customer.status() == v1::CUSTOMER_STATUS_MERGED) {
      return absl::FailedPreconditionError(StrCat(
          "customer_id: merged into customer ", row->customer.merged_into(), "; erase that customer"));
    }
    // Customers merged into this one keep a row with their old profile, and
    // so do the customers merged into those (A absorbed B, then C absorbed A).
    std::vector<int64_t> keys = {row->key};
    for (size_t k = 0; k < keys.size(); ++k) {
      OMNICTX_ASSIGN_OR_RETURN(auto merges, repo.ListMerges(keys[k]));
      for (const MergeRecord& m : merges) {
        OMNICTX_ASSIGN_OR_RETURN(auto found, repo.GetMerge(m.id()));
        if (found && std::get<1>(*found) == keys[k] && !m.has_unmerged_at() &&
            std::find(keys.begin(), keys.end(), std::get<2>(*found)) == keys.end()) {
          keys.push_back(std::get<2>(*found));
        }
      }
    }
    for (int64_t key : keys) {
      OMNICTX_ASSIGN_OR_RETURN(auto ids, repo.ListIdentities(key));
      for (const Identity& id : ids) {
        OMNICTX_ASSIGN_OR_RETURN(std::string digest, TombstoneDigest(repo, id));
        OMNICTX_RETURN_IF_ERROR(repo.InsertTombstone(digest, now));
        OMNICTX_RETURN_IF_ERROR(repo.DeleteIdentity(id).status());
        receipt.set_identities_removed(receipt.identities_removed() + 1);
        receipt.set_tombstones_written(receipt.tombstones_written() + 1);
      }
      OMNICTX_ASSIGN_OR_RETURN(auto interaction_ids, repo.ListInteractionIds(key));
      for (int64_t id : interaction_ids) {
        OMNICTX_ASSIGN_OR_RETURN(auto i, repo.GetInteraction(id));
        if (!i) continue;
        OMNICTX_RETURN_IF_ERROR(repo.ScrubInteraction(id, Anonymized(i->interaction)));
        receipt.set_interactions_scrubbed(receipt.interactions_scrubbed() + 1);
      }
      OMNICTX_ASSIGN_OR_RETURN(int64_t cases, repo.ScrubCases(key));
      receipt.set_cases_scrubbed(receipt.cases_scrubbed() + static_cast<int32_t>(cases));
      OMNICTX_ASSIGN_OR_RETURN(int64_t forgotten, repo.DeleteMerges(key));
      receipt.set_merges_forgotten(receipt.merges_forgotten() + static_cast<int32_t>(forgotten));
      // The old id is remembered only as a keyed hash, so calls naming it
      // get "customer erased" rather than a silent re-creation.
      OMNICTX_ASSIGN_OR_RETURN(auto erased_row, repo.FindCustomerByKey(key));
      if (erased_row) {
        OMNICTX_ASSIGN_OR_RETURN(std::string id_digest,
                                 TombstoneDigest(repo, CustomerIdTombstone(erased_row->customer.id())));
        OMNICTX_RETURN_IF_ERROR(repo.InsertTombstone(id_digest, now));
      }
      OMNICTX_RETURN_IF_ERROR(repo.EraseCustomerRow(key, StrCat(kErasedIdPrefix, key), now));
    }
    AuditEntry e;
    *e.mutable_at() = ToProtoTime(now);
    e.set_actor(std::string(actor));
    e.set_action("erase");
    e.set_customer_key(row->key);
    e.set_detail(StrCat("erased ", receipt.identities_removed(), " identities, scrubbed ",
                        receipt.interactions_scrubbed(), " interactions and ",
                        receipt.cases_scrubbed(), " cases"));
    OMNICTX_ASSIGN_OR_RETURN(int64_t audit_id, repo.InsertAudit(e));
    receipt.set_audit_id(audit_id);
    return absl::OkStatus();
  }));
  // secure_delete zeroed the deleted cells in the database pages; the WAL
  // still holds the old pages until it is checkpointed and truncated.
  for (int i = 0; i < kCheckpointTries && !receipt.checkpointed(); ++i) {
    if (db_->CheckpointTruncate().ok()) {
      receipt.set_checkpointed(true);
    } else {
      absl::SleepFor(absl::Milliseconds(5));
    }
  }
  return receipt;
}

absl::StatusOr<int64_t> StoreImpl::Purge(absl::Time now) {
  const RetentionPolicy& policy = options_.retention;
  if (policy.batch_size < 1 || policy.batch_size > 100000) {
    return absl::InvalidArgumentError("retention.batch_size: must be 1 to 100000");
  }
  absl::Duration shortest = absl::InfiniteDuration();
  for (const auto& [channel, age] : policy.max_age_by_channel) shortest = std::min(shortest, age);
  for (const auto& [kind, age] : policy.max_age_by_kind) shortest = std::min(shortest, age);
  if (shortest == absl::InfiniteDuration()) return 0;
  auto max_age = [&](v1::ChannelKind channel, const std::string& kind) {
    if (auto k = policy.max_age_by_kind.find(kind); k != policy.max_age_by_kind.end()) return k->second;
    if (auto c = policy.max_age_by_channel.find(channel); c != policy.max_age_by_channel.end()) {
      return c->second;
    }
    return absl::InfiniteDuration();
  };
  int64_t deleted = 0;
  storage::ScanPosition position;
  while (true) {
    // Each batch is its own short write transaction so lookups and other
    // writers interleave.
    bool done = false;
    OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
      OMNICTX_ASSIGN_OR_RETURN(auto batch,
                               repo.ScanOldInteractions(now - shortest, position, policy.batch_size));
      done = static_cast<int>(batch.size()) < policy.batch_size;
      for (const storage::OldInteraction& o : batch) {
        position = o.position;
        absl::Duration age = max_age(o.channel, o.kind);
        if (age == absl::InfiniteDuration() ||
            absl::FromUnixMicros(o.position.occurred_us) >= now - age) {
          continue;
        }
        OMNICTX_RETURN_IF_ERROR(repo.DeleteInteraction(o.position.id));
        ++deleted;
      }
      return absl::OkStatus();
    }));
    if (done) break;
  }
  if (deleted > 0) {
    OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) {
      return Audit(repo, "retention", "purge", 0, StrCat("purged ", deleted, " interactions"));
    }));
  }
  return deleted;
}

absl::StatusOr<Customer> StoreImpl::SetConsent(std::string_view customer_id, const Consent& consent,
                                               std::string_view actor) {
  OMNICTX_RETURN_IF_ERROR(CheckName("actor", actor, Limits::kMaxActorBytes, true));
  Customer probe;
  *probe.add_consents() = consent;
  OMNICTX_RETURN_IF_ERROR(ValidateProfile(probe));
  storage::CustomerRow out;
  const absl::Time now = Now();
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(out, ActiveCustomer(repo, customer_id));
    Consent c = consent;
    if (!c.has_updated_at()) *c.mutable_updated_at() = ToProtoTime(now);
    auto* list = out.customer.mutable_consents();
    auto same = std::find_if(list->begin(), list->end(), [&](const Consent& x) {
      return x.purpose() == c.purpose() && x.channel() == c.channel();
    });
    if (same == list->end()) {
      if (static_cast<size_t>(list->size()) >= Limits::kMaxConsents) {
        return absl::InvalidArgumentError(
            StrCat("consents: more than ", Limits::kMaxConsents, " consents"));
      }
      *out.customer.add_consents() = c;
    } else {
      *same = c;
    }
    OMNICTX_RETURN_IF_ERROR(repo.UpdateCustomerProfile(out.key, out.customer, now));
    OMNICTX_RETURN_IF_ERROR(Audit(repo, actor, "consent", out.key,
                                  StrCat(c.purpose(), " on ", ChannelName(c.channel()), ": ",
                                         v1::ConsentState_Name(c.state()))));
    return FillCustomer(repo, &out);
  }));
  return out.customer;
}

absl::StatusOr<std::vector<AuditEntry>> StoreImpl::ListAudit(int limit) {
  if (limit < 1 || limit > 10000) return absl::InvalidArgumentError("limit: must be 1 to 10000");
  std::vector<AuditEntry> out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(out, repo.ListAudit(limit));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace omnictx::internal
