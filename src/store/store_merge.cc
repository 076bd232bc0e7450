// SPDX-License-Identifier: Apache-2.0
//
// Merging customers: a plan is read first (what moves, which journey
// instance wins, how each conflicting field is settled), then applied in
// the same transaction. PreviewMerge stops after the plan.
#include <algorithm>
#include <vector>
#include <string>
#include <tuple>

#include "identity/normalize.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/validate.h"

namespace omnictx::internal {
namespace {

// Everything a merge will do, read before anything is written.
struct MergePlan {
  storage::CustomerRow survivor;
  storage::CustomerRow absorbed;
  std::vector<Identity> identities;
  std::vector<int64_t> interactions;
  std::vector<int64_t> instances;
  std::vector<int64_t> ended;  // active instances that lose to the other side
  std::vector<int64_t> cases;
  Customer merged_profile;
  std::vector<FieldChoice> fields;
};

absl::Status ValidateMergeRequest(const MergeRequest& r) {
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(r.survivor_id));
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(r.absorbed_id));
  if (r.survivor_id == r.absorbed_id) {
    return absl::InvalidArgumentError("merge: survivor and absorbed are the same customer");
  }
  OMNICTX_RETURN_IF_ERROR(CheckName("actor", r.actor, Limits::kMaxActorBytes, true));
  for (const auto& [field, value] : r.policy.explicit_values) {
    OMNICTX_RETURN_IF_ERROR(CheckName("policy.explicit_values", field, Limits::kMaxKeyBytes + 11, true));
    OMNICTX_RETURN_IF_ERROR(CheckText("policy.explicit_values", value, Limits::kMaxAttributeValueBytes));
  }
  return absl::OkStatus();
}

std::string_view RuleName(FieldRule rule) {
  switch (rule) {
    case FieldRule::kKeepSurvivor: return "keep_survivor";
    case FieldRule::kNewestWins: return "newest_wins";
    case FieldRule::kExplicit: return "explicit";
  }
  return "keep_survivor";
}

FieldRule RuleFor(const MergePolicy& policy, const std::string& field) {
  auto it = policy.rules.find(field);
  if (it != policy.rules.end()) return it->second;
  if (field.rfind("attributes.", 0) == 0) {
    it = policy.rules.find("attributes");
    if (it != policy.rules.end()) return it->second;
  }
  return policy.default_rule;
}

// Settles one string field. Returns the value to keep and records the
// choice when both sides had a different non-empty value.
std::string Settle(const std::string& field, const std::string& mine, const std::string& theirs,
                   bool theirs_newer, const MergePolicy& policy,
                   std::vector<FieldChoice>* choices) {
  if (theirs.empty() || mine == theirs) return mine;
  FieldChoice& c = choices->emplace_back();
  c.set_field(field);
  if (mine.empty()) {
    c.set_taken_from("absorbed");
    c.set_rule("survivor_empty");
    c.set_value(theirs);
    return theirs;
  }
  FieldRule rule = RuleFor(policy, field);
  c.set_rule(std::string(RuleName(rule)));
  std::string value = mine;
  c.set_taken_from("survivor");
  if (rule == FieldRule::kNewestWins && theirs_newer) {
    value = theirs;
    c.set_taken_from("absorbed");
  } else if (rule == FieldRule::kExplicit) {
    auto it = policy.explicit_values.find(field);
    if (it != policy.explicit_values.end()) {
      value = it->second;
      c.set_taken_from("explicit");
    }
  }
  c.set_value(value);
  return value;
}

Customer MergeProfiles(const Customer& s, const Customer& a, const MergePolicy& policy,
                       std::vector<FieldChoice>* choices) {
  const bool a_newer = FromProtoTime(a.updated_at()) > FromProtoTime(s.updated_at());
  Customer out = s;
  out.set_display_name(Settle("display_name", s.display_name(), a.display_name(), a_newer,
                              policy, choices));
  out.set_language(Settle("language", s.language(), a.language(), a_newer, policy, choices));
  std::string channel = Settle(
      "preferred_channel",
      s.preferred_channel() ? std::string(ChannelName(s.preferred_channel())) : "",
      a.preferred_channel() ? std::string(ChannelName(a.preferred_channel())) : "", a_newer,
      policy, choices);
  v1::ChannelKind kind = v1::CHANNEL_KIND_UNSPECIFIED;
  ParseChannelName(channel, &kind);
  out.set_preferred_channel(kind);
  // In key order, so that the record does not depend on the list's order.
  std::vector<const Attribute*> absorbed;
  absorbed.reserve(static_cast<size_t>(a.attributes_size()));
  for (const Attribute& attr : a.attributes()) absorbed.push_back(&attr);
  std::sort(absorbed.begin(), absorbed.end(),
            [](const Attribute* x, const Attribute* y) { return x->key() < y->key(); });
  for (const Attribute* attr : absorbed) {
    const std::string current(FindAttribute(s.attributes(), attr->key()).value_or(""));
    SetAttribute(out.mutable_attributes(), attr->key(),
                 Settle(StrCat("attributes.", attr->key()), current, attr->value(), a_newer,
                        policy, choices));
  }
  // Consents: for each (purpose, channel), the newest decision wins.
  for (const Consent& theirs : a.consents()) {
    auto* list = out.mutable_consents();
    auto same = std::find_if(list->begin(), list->end(), [&](const Consent& c) {
      return c.purpose() == theirs.purpose() && c.channel() == theirs.channel();
    });
    if (same == list->end()) {
      *out.add_consents() = theirs;
    } else if (FromProtoTime(theirs.updated_at()) > FromProtoTime(same->updated_at())) {
      *same = theirs;
    }
  }
  return out;
}

// How far an instance got: the position of its current step, then the
// number of moves.
std::pair<int, int> Progress(const JourneyInstance& inst, const journey::Definition& def,
                             int transitions) {
  return {def.StepIndex(inst.current_step()), transitions};
}

}  // namespace

absl::StatusOr<storage::CustomerRow> StoreImpl::MergeSide(storage::Repository& repo,
                                                          std::string_view id) {
  OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CustomerRow> row, repo.FindCustomer(id));
  // MergeIn puts the field (survivor_id, absorbed_id) in front; the id
  // itself is not repeated, as messages never echo what they were given.
  if (!row) {
    OMNICTX_ASSIGN_OR_RETURN(bool erased, IdWasErased(repo, id));
    if (erased) return absl::FailedPreconditionError("customer erased");
    return absl::NotFoundError("no such customer");
  }
  if (row->customer.status() == v1::CUSTOMER_STATUS_ERASED) {
    return absl::FailedPreconditionError("customer erased");
  }
  if (row->customer.status() == v1::CUSTOMER_STATUS_MERGED) {
    return absl::NotFoundError(StrCat("merged into customer ", row->customer.merged_into()));
  }
  return *std::move(row);
}

absl::Status StoreImpl::CheckKindLimits(storage::Repository& repo, int64_t customer_key,
                                        int64_t other_key, v1::IdentityKind adding_kind,
                                        int adding) {
  const absl::Time now = Now();
  for (const IdentityKindLimit& limit : options_.identity.limits) {
    if (adding_kind != v1::IDENTITY_KIND_UNSPECIFIED && limit.kind != adding_kind) continue;
    absl::Time since = limit.window == absl::InfiniteDuration() ? absl::InfinitePast()
                                                                : now - limit.window;
    OMNICTX_ASSIGN_OR_RETURN(int64_t count, repo.CountIdentities(customer_key, limit.kind, since));
    if (other_key != 0) {
      OMNICTX_ASSIGN_OR_RETURN(int64_t theirs, repo.CountIdentities(other_key, limit.kind, since));
      count += theirs;
    } else {
      count += adding;
    }
    if (count > limit.max_count) {
      return absl::FailedPreconditionError(
          StrCat("guard kind_limit: more than ", limit.max_count, " ",
                 IdentityKindName(limit.kind), " identities for one customer",
                 limit.window == absl::InfiniteDuration()
                     ? std::string()
                     : StrCat(" within ", absl::FormatDuration(limit.window))));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<MergeRecord> StoreImpl::MergeIn(storage::Repository& repo,
                                               const MergeRequest& request, bool dry_run) {
  MergePlan plan;
  for (auto [field, id, side] : {std::tuple{"survivor_id", &request.survivor_id, &plan.survivor},
                                 std::tuple{"absorbed_id", &request.absorbed_id, &plan.absorbed}}) {
    absl::StatusOr<storage::CustomerRow> row = MergeSide(repo, *id);
    if (absl::IsNotFound(row.status()) || absl::IsFailedPrecondition(row.status())) {
      return absl::Status(row.status().code(), StrCat(field, ": ", row.status().message()));
    }
    OMNICTX_RETURN_IF_ERROR(row.status());
    *side = *std::move(row);
  }
  const int64_t s_key = plan.survivor.key, a_key = plan.absorbed.key;
  OMNICTX_RETURN_IF_ERROR(CheckKindLimits(repo, s_key, a_key, v1::IDENTITY_KIND_UNSPECIFIED, 0));

  OMNICTX_ASSIGN_OR_RETURN(plan.identities, repo.ListIdentities(a_key));
  OMNICTX_ASSIGN_OR_RETURN(plan.interactions, repo.ListInteractionIds(a_key));
  OMNICTX_ASSIGN_OR_RETURN(auto theirs, repo.ListInstances(a_key, false));
  OMNICTX_ASSIGN_OR_RETURN(auto cases, repo.ListCases(a_key, false));
  const size_t rows =
      plan.identities.size() + plan.interactions.size() + theirs.size() + cases.size();
  if (rows > Limits::kMaxMergeRows) {
    return absl::ResourceExhaustedError(
        StrCat("merge: ", rows, " rows to move > ", Limits::kMaxMergeRows));
  }
  for (const auto& c : cases) plan.cases.push_back(c.kase.id());

  // Two active instances of one journey: the more advanced one stays.
  const absl::Time now = Now();
  for (const storage::InstanceRow& t : theirs) {
    plan.instances.push_back(t.instance.id());
    if (t.instance.status() != v1::JOURNEY_STATUS_ACTIVE) continue;
    OMNICTX_ASSIGN_OR_RETURN(auto mine, repo.FindActiveInstance(s_key, t.instance.journey_key()));
    if (!mine) continue;
    OMNICTX_ASSIGN_OR_RETURN(auto def_t, Definition(repo, t.instance.journey_key(),
                                                    t.instance.journey_version()));
    OMNICTX_ASSIGN_OR_RETURN(auto def_m, Definition(repo, mine->instance.journey_key(),
                                                    mine->instance.journey_version()));
    OMNICTX_ASSIGN_OR_RETURN(auto hist_t, repo.ListTransitions(t.instance.id()));
    OMNICTX_ASSIGN_OR_RETURN(auto hist_m, repo.ListTransitions(mine->instance.id()));
    bool theirs_ahead = Progress(t.instance, *def_t, static_cast<int>(hist_t.size())) >
                        Progress(mine->instance, *def_m, static_cast<int>(hist_m.size()));
    plan.ended.push_back(theirs_ahead ? mine->instance.id() : t.instance.id());
  }
  plan.merged_profile = MergeProfiles(plan.survivor.customer, plan.absorbed.customer,
                                      request.policy, &plan.fields);

  MergeRecord record;
  record.set_survivor_id(plan.survivor.customer.id());
  record.set_absorbed_id(plan.absorbed.customer.id());
  *record.mutable_merged_at() = ToProtoTime(now);
  record.set_actor(request.actor);
  for (Identity& id : plan.identities) *record.add_identities_moved() = id;
  for (int64_t id : plan.interactions) record.add_interactions_moved(id);
  for (int64_t id : plan.instances) record.add_journey_instances_moved(id);
  for (int64_t id : plan.ended) record.add_journey_instances_ended(id);
  for (int64_t id : plan.cases) record.add_cases_moved(id);
  for (FieldChoice& f : plan.fields) *record.add_fields() = f;
  *record.mutable_survivor_before() = plan.survivor.customer;
  *record.mutable_absorbed_before() = plan.absorbed.customer;
  if (dry_run) {
    record.set_dry_run(true);
    return record;
  }

  // Apply. Ending the losing instances first keeps "one active instance per
  // journey" true at every statement.
  for (int64_t id : plan.ended) {
    OMNICTX_ASSIGN_OR_RETURN(auto row, repo.GetInstance(id));
    if (!row) return absl::InternalError("merge: instance vanished");
    row->instance.set_status(v1::JOURNEY_STATUS_MERGED);
    *row->instance.mutable_ended_at() = ToProtoTime(now);
    OMNICTX_RETURN_IF_ERROR(repo.UpdateInstance(row->instance));
  }
  for (const Identity& id : plan.identities) OMNICTX_RETURN_IF_ERROR(repo.MoveIdentity(id, s_key));
  for (int64_t id : plan.interactions) OMNICTX_RETURN_IF_ERROR(repo.MoveInteraction(id, s_key));
  for (int64_t id : plan.instances) OMNICTX_RETURN_IF_ERROR(repo.MoveInstance(id, s_key));
  for (int64_t id : plan.cases) OMNICTX_RETURN_IF_ERROR(repo.MoveCase(id, s_key));
  OMNICTX_RETURN_IF_ERROR(repo.UpdateCustomerProfile(s_key, plan.merged_profile, now));
  OMNICTX_RETURN_IF_ERROR(
      repo.SetCustomerStatus(a_key, v1::CUSTOMER_STATUS_MERGED, s_key, now));
  OMNICTX_ASSIGN_OR_RETURN(int64_t merge_id, repo.InsertMerge(s_key, a_key, record));
  record.set_id(merge_id);
  OMNICTX_RETURN_IF_ERROR(Audit(repo, request.actor, "merge", s_key,
                                StrCat("merge ", merge_id, ": absorbed customer key ", a_key, ", ",
                                       plan.identities.size(), " identities, ",
                                       plan.interactions.size(), " interactions, ",
                                       plan.instances.size(), " journey instances, ",
                                       plan.cases.size(), " cases")));
  return record;
}

absl::Status StoreImpl::Audit(storage::Repository& repo, std::string_view actor,
                              std::string_view action, int64_t customer_key,
                              std::string_view detail) {
  AuditEntry e;
  *e.mutable_at() = ToProtoTime(Now());
  e.set_actor(std::string(actor));
  e.set_action(std::string(action));
  e.set_customer_key(customer_key);
  e.set_detail(std::string(detail));
  return repo.InsertAudit(e).status();
}

absl::StatusOr<MergeRecord> StoreImpl::Merge(const MergeRequest& request) {
  OMNICTX_RETURN_IF_ERROR(ValidateMergeRequest(request));
  MergeRecord out;
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(out, MergeIn(repo, request, /*dry_run=*/false));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<MergeRecord> StoreImpl::PreviewMerge(const MergeRequest& request) {
  OMNICTX_RETURN_IF_ERROR(ValidateMergeRequest(request));
  MergeRecord out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(out, MergeIn(repo, request, /*dry_run=*/true));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<MergeRecord>> StoreImpl::ListMerges(std::string_view customer_id) {
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(customer_id));
  std::vector<MergeRecord> out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(auto row, repo.FindCustomer(customer_id));
    if (!row) return absl::NotFoundError("customer_id: no such customer");
    OMNICTX_ASSIGN_OR_RETURN(out, repo.ListMerges(row->key));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace omnictx::internal
