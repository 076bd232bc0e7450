// SPDX-License-Identifier: Apache-2.0
//
// Journey definitions and the step state machine.
#include <algorithm>

#include "util/strings.h"
#include "context/assemble.h"
#include "google/protobuf/util/message_differencer.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/validate.h"

namespace omnictx::internal {
namespace {

absl::Status NoInstance(int64_t id) {
  return absl::NotFoundError(internal::StrCat("instance_id: no such journey instance ", id));
}

absl::Status NotActive(const JourneyInstance& i) {
  return absl::FailedPreconditionError(
      internal::StrCat("journey instance ", i.id(), " is no longer active (",
                   v1::JourneyStatus_Name(i.status()), ")"));
}

// Reads an interaction a journey call refers to; it must be the customer's.
absl::StatusOr<Interaction> CausingInteraction(storage::Repository& repo, int64_t id,
                                               int64_t customer_key) {
  OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::InteractionRow> row, repo.GetInteraction(id));
  if (!row) return absl::NotFoundError(internal::StrCat("interaction_id: no such interaction ", id));
  if (row->customer_key != customer_key) {
    return absl::FailedPreconditionError(
        internal::StrCat("interaction_id: interaction ", id, " belongs to another customer"));
  }
  return std::move(row->interaction);
}

absl::Status LoadHistory(storage::Repository& repo, JourneyInstance* inst) {
  OMNICTX_ASSIGN_OR_RETURN(std::vector<JourneyTransition> history,
                           repo.ListTransitions(inst->id()));
  inst->clear_history();
  for (JourneyTransition& t : history) *inst->add_history() = std::move(t);
  return absl::OkStatus();
}

// Reads an instance with its history and owner id.
absl::StatusOr<JourneyInstance> FullInstance(storage::Repository& repo, storage::InstanceRow row) {
  JourneyInstance inst = std::move(row.instance);
  OMNICTX_RETURN_IF_ERROR(LoadHistory(repo, &inst));
  OMNICTX_ASSIGN_OR_RETURN(auto owner, repo.FindCustomerByKey(row.customer_key));
  if (owner) inst.set_customer_id(owner->customer.id());
  return inst;
}

// Two definitions say the same thing when they differ only in output fields.
bool SameDefinition(const Journey& a, const Journey& b) {
  Journey x = a, y = b;
  for (Journey* j : {&x, &y}) {
    j->clear_version();
    j->clear_defined_at();
  }
  return google::protobuf::util::MessageDifferencer::Equals(x, y);
}

}  // namespace

absl::Status StoreImpl::ApplyTransition(storage::Repository& repo, const journey::Definition& def,
                                        JourneyInstance* instance, std::string_view to_step,
                                        absl::Time at, const v1::Channel& channel,
                                        int64_t interaction_id) {
  // Late-arriving events never move a step's entry time backwards.
  at = std::max(at, FromProtoTime(instance->step_entered_at()));
  JourneyTransition t;
  t.set_from_step(instance->current_step());
  t.set_to_step(std::string(to_step));
  *t.mutable_at() = ToProtoTime(at);
  *t.mutable_channel() = channel;
  t.set_interaction_id(interaction_id);
  instance->set_current_step(std::string(to_step));
  *instance->mutable_step_entered_at() = ToProtoTime(at);
  const JourneyStep* step = def.FindStep(to_step);
  if (step != nullptr && step->outcome() != v1::STEP_OUTCOME_UNSPECIFIED) {
    instance->set_status(step->outcome() == v1::STEP_OUTCOME_SUCCESS
                             ? v1::JOURNEY_STATUS_COMPLETED
                             : v1::JOURNEY_STATUS_FAILED);
    *instance->mutable_ended_at() = ToProtoTime(at);
  }
  OMNICTX_RETURN_IF_ERROR(repo.UpdateInstance(*instance));
  OMNICTX_RETURN_IF_ERROR(repo.InsertTransition(instance->id(), t));
  *instance->add_history() = std::move(t);
  return absl::OkStatus();
}

absl::Status StoreImpl::AdvanceFromInteraction(storage::Repository& repo, int64_t customer_key,
                                               Interaction* interaction) {
  std::vector<storage::InstanceRow> candidates;
  if (interaction->journey_instance_id() != 0) {
    OMNICTX_ASSIGN_OR_RETURN(auto row, repo.GetInstance(interaction->journey_instance_id()));
    if (!row || row->customer_key != customer_key) {
      return absl::NotFoundError(internal::StrCat("journey_instance_id: no such journey instance ",
                                              interaction->journey_instance_id(),
                                              " for this customer"));
    }
    if (row->instance.status() == v1::JOURNEY_STATUS_ACTIVE) candidates.push_back(*row);
  } else if (!interaction->journey_step().empty() || !interaction->touchpoint().empty()) {
    OMNICTX_ASSIGN_OR_RETURN(candidates, repo.ListInstances(customer_key, /*active_only=*/true));
  }
  for (storage::InstanceRow& c : candidates) {
    JourneyInstance& inst = c.instance;
    OMNICTX_ASSIGN_OR_RETURN(auto def, Definition(repo, inst.journey_key(), inst.journey_version()));
    std::string to = interaction->journey_step();
    if (to.empty()) {
      // No step named: a step whose touchpoints include this one.
      for (const std::string& next : def->FindStep(inst.current_step())->next()) {
        const JourneyStep* s = def->FindStep(next);
        if (std::find(s->touchpoints().begin(), s->touchpoints().end(),
                      interaction->touchpoint()) != s->touchpoints().end()) {
          to = next;
          break;
        }
      }
      // Or the current step's own touchpoint (the click on the email that
      // started the journey): activity in the journey, without a move.
      const JourneyStep* here = def->FindStep(inst.current_step());
      if (to.empty() && std::find(here->touchpoints().begin(), here->touchpoints().end(),
                                  interaction->touchpoint()) != here->touchpoints().end()) {
        to = inst.current_step();
      }
    }
    if (to.empty() || def->FindStep(to) == nullptr) continue;
    if (to == inst.current_step()) {
      interaction->set_journey_instance_id(inst.id());  // activity at the same step
      return absl::OkStatus();
    }
    if (!def->Allows(inst.current_step(), to)) continue;
    interaction->set_journey_instance_id(inst.id());
    return ApplyTransition(repo, *def, &inst, to, FromProtoTime(interaction->occurred_at()),
                           interaction->channel(), interaction->id());
  }
  return absl::OkStatus();
}

absl::StatusOr<Journey> StoreImpl::DefineJourney(const Journey& in) {
  OMNICTX_RETURN_IF_ERROR(journey::Validate(in));
  Journey out = in;
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(std::optional<Journey> latest, repo.GetJourney(in.key(), 0));
    if (latest && SameDefinition(*latest, in)) {
      out = *std::move(latest);  // an identical redefinition is not a new version
      return absl::OkStatus();
    }
    out.set_version(latest ? latest->version() + 1 : 1);
    *out.mutable_defined_at() = ToProtoTime(Now());
    return repo.InsertJourney(out);
  }));
  return out;
}

absl::StatusOr<Journey> StoreImpl::GetJourney(std::string_view key, int32_t version) {
  OMNICTX_RETURN_IF_ERROR(CheckKey("journey_key", key, true));
  if (version < 0) return absl::InvalidArgumentError("version: negative");
  std::optional<Journey> out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(out, repo.GetJourney(key, version));
    return absl::OkStatus();
  }));
  if (!out) return absl::NotFoundError("journey_key: no such journey (or version)");
  return *std::move(out);
}

absl::StatusOr<std::vector<Journey>> StoreImpl::ListJourneys() {
  std::vector<Journey> out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(out, repo.ListLatestJourneys());
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<JourneyInstance> StoreImpl::StartJourney(std::string_view customer_id,
                                                        std::string_view journey_key,
                                                        int64_t interaction_id) {
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(customer_id));
  OMNICTX_RETURN_IF_ERROR(CheckKey("journey_key", journey_key, true));
  if (interaction_id < 0) return absl::InvalidArgumentError("interaction_id: negative");
  JourneyInstance inst;
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(storage::CustomerRow customer, ActiveCustomer(repo, customer_id));
    OMNICTX_ASSIGN_OR_RETURN(std::optional<Journey> latest, repo.GetJourney(journey_key, 0));
    if (!latest) return absl::NotFoundError("journey_key: no such journey");
    OMNICTX_ASSIGN_OR_RETURN(auto active, repo.FindActiveInstance(customer.key, journey_key));
    if (active) {
      return absl::AlreadyExistsError(internal::StrCat(
          "journey_key: the customer already runs active instance ", active->instance.id()));
    }
    OMNICTX_ASSIGN_OR_RETURN(auto def, Definition(repo, latest->key(), latest->version()));
    absl::Time at = Now();
    v1::Channel channel;
    if (interaction_id != 0) {
      OMNICTX_ASSIGN_OR_RETURN(Interaction cause,
                               CausingInteraction(repo, interaction_id, customer.key));
      at = FromProtoTime(cause.occurred_at());
      channel = cause.channel();
    }
    inst.set_journey_key(std::string(journey_key));
    inst.set_journey_version(def->version());
    inst.set_status(v1::JOURNEY_STATUS_ACTIVE);
    inst.set_current_step(def->entry().key());
    *inst.mutable_started_at() = ToProtoTime(at);
    *inst.mutable_step_entered_at() = ToProtoTime(at);
    OMNICTX_ASSIGN_OR_RETURN(int64_t id, repo.InsertInstance(customer.key, inst));
    inst.set_id(id);
    JourneyTransition* t = inst.add_history();
    t->set_to_step(def->entry().key());
    *t->mutable_at() = ToProtoTime(at);
    *t->mutable_channel() = channel;
    t->set_interaction_id(interaction_id);
    return repo.InsertTransition(id, *t);
  }));
  inst.set_customer_id(std::string(customer_id));
  return inst;
}

absl::StatusOr<JourneyInstance> StoreImpl::AdvanceJourney(int64_t instance_id,
                                                          std::string_view to_step,
                                                          int64_t interaction_id) {
  OMNICTX_RETURN_IF_ERROR(CheckKey("to_step", to_step, true));
  if (interaction_id < 0) return absl::InvalidArgumentError("interaction_id: negative");
  JourneyInstance inst;
  std::string customer_id;
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(auto row, repo.GetInstance(instance_id));
    if (!row) return NoInstance(instance_id);
    inst = std::move(row->instance);
    if (inst.status() != v1::JOURNEY_STATUS_ACTIVE) return NotActive(inst);
    OMNICTX_ASSIGN_OR_RETURN(auto def, Definition(repo, inst.journey_key(), inst.journey_version()));
    if (def->FindStep(to_step) == nullptr) {
      return absl::NotFoundError(internal::StrCat("to_step: journey ", inst.journey_key(),
                                              " has no step ", to_step));
    }
    if (!def->Allows(inst.current_step(), to_step)) {
      return absl::FailedPreconditionError(
          internal::StrCat("transition ", inst.current_step(), "\u2192", to_step, " not allowed"));
    }
    absl::Time at = Now();
    v1::Channel channel;
    if (interaction_id != 0) {
      OMNICTX_ASSIGN_OR_RETURN(Interaction cause,
                               CausingInteraction(repo, interaction_id, row->customer_key));
      at = FromProtoTime(cause.occurred_at());
      channel = cause.channel();
    }
    OMNICTX_RETURN_IF_ERROR(LoadHistory(repo, &inst));
    OMNICTX_ASSIGN_OR_RETURN(auto owner, repo.FindCustomerByKey(row->customer_key));
    if (owner) customer_id = owner->customer.id();
    return ApplyTransition(repo, *def, &inst, to_step, at, channel, interaction_id);
  }));
  inst.set_customer_id(customer_id);
  return inst;
}

absl::StatusOr<JourneyInstance> StoreImpl::EndJourney(int64_t instance_id,
                                                      v1::JourneyStatus status) {
  if (status != v1::JOURNEY_STATUS_FAILED && status != v1::JOURNEY_STATUS_ABANDONED) {
    return absl::InvalidArgumentError("status: must be FAILED or ABANDONED");
  }
  JourneyInstance inst;
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(auto row, repo.GetInstance(instance_id));
    if (!row) return NoInstance(instance_id);
    if (row->instance.status() != v1::JOURNEY_STATUS_ACTIVE) return NotActive(row->instance);
    row->instance.set_status(status);
    *row->instance.mutable_ended_at() = ToProtoTime(Now());
    OMNICTX_RETURN_IF_ERROR(repo.UpdateInstance(row->instance));
    OMNICTX_ASSIGN_OR_RETURN(inst, FullInstance(repo, *std::move(row)));
    return absl::OkStatus();
  }));
  return inst;
}

absl::StatusOr<JourneyInstance> StoreImpl::GetJourneyInstance(int64_t instance_id) {
  JourneyInstance inst;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(auto row, repo.GetInstance(instance_id));
    if (!row) return NoInstance(instance_id);
    OMNICTX_ASSIGN_OR_RETURN(inst, FullInstance(repo, *std::move(row)));
    return absl::OkStatus();
  }));
  return inst;
}

absl::StatusOr<std::vector<JourneyInstance>> StoreImpl::ListJourneyInstances(
    std::string_view customer_id) {
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(customer_id));
  std::vector<JourneyInstance> out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CustomerRow> customer,
                             repo.FindCustomer(customer_id));
    if (!customer) return absl::NotFoundError("customer_id: no such customer");
    OMNICTX_ASSIGN_OR_RETURN(auto rows, repo.ListInstances(customer->key, false));
    for (storage::InstanceRow& row : rows) {
      OMNICTX_ASSIGN_OR_RETURN(JourneyInstance inst, FullInstance(repo, std::move(row)));
      out.push_back(std::move(inst));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<StalledJourney>> StoreImpl::Stalled(absl::Time now) {
  std::vector<StalledJourney> out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    std::vector<storage::InstanceRow> active;
    OMNICTX_RETURN_IF_ERROR(repo.ForEachActiveInstance(
        [&](const storage::InstanceRow& row) { active.push_back(row); }));
    for (storage::InstanceRow& row : active) {
      OMNICTX_ASSIGN_OR_RETURN(
          auto def, Definition(repo, row.instance.journey_key(), row.instance.journey_version()));
      if (!context::IsStalled(row.instance, *def, now)) continue;
      StalledJourney& s = out.emplace_back();
      absl::Time entered = FromProtoTime(row.instance.step_entered_at());
      *s.mutable_time_in_step() = ToProtoDuration(now - entered);
      *s.mutable_threshold() = ToProtoDuration(def->StallAfter(row.instance.current_step()));
      OMNICTX_ASSIGN_OR_RETURN(auto outbound, repo.LastOutboundBefore(row.customer_key, entered));
      OMNICTX_ASSIGN_OR_RETURN(*s.mutable_instance(), FullInstance(repo, std::move(row)));
      if (outbound) {
        outbound->set_customer_id(s.instance().customer_id());
        *s.mutable_last_outbound() = *std::move(outbound);
      }
    }
    return absl::OkStatus();
  }));
  std::stable_sort(out.begin(), out.end(), [](const StalledJourney& a, const StalledJourney& b) {
    return FromProtoDuration(a.time_in_step()) > FromProtoDuration(b.time_in_step());
  });
  return out;
}

absl::StatusOr<std::vector<std::string>> StoreImpl::FindCustomers(const FindCustomersQuery& query) {
  OMNICTX_RETURN_IF_ERROR(CheckKey("journey_key", query.journey_key, true));
  OMNICTX_RETURN_IF_ERROR(CheckKey("step", query.step, false));
  if (v1::JourneyStatus_descriptor()->FindValueByNumber(query.status) == nullptr) {
    return absl::InvalidArgumentError("status: unknown value");
  }
  if (query.limit < 1 || query.limit > 100000) {
    return absl::InvalidArgumentError("limit: must be 1 to 100000");
  }
  std::vector<std::string> out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(out, repo.FindCustomersByJourney(query));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace omnictx::internal
