// SPDX-License-Identifier: Apache-2.0
//
// Support cases: one thread across days and channels.
#include "util/strings.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/validate.h"

namespace omnictx::internal {
namespace {

absl::Status NoCase(int64_t id) {
  return absl::NotFoundError(internal::StrCat("case_id: no such case ", id));
}

// Reads a case and sets its customer id.
absl::StatusOr<Case> FullCase(storage::Repository& repo, int64_t id) {
  OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CaseRow> row, repo.GetCase(id));
  if (!row) return NoCase(id);
  OMNICTX_ASSIGN_OR_RETURN(auto owner, repo.FindCustomerByKey(row->customer_key));
  if (owner) row->kase.set_customer_id(owner->customer.id());
  return std::move(row->kase);
}

}  // namespace

absl::StatusOr<Case> StoreImpl::OpenCase(const Case& in) {
  OMNICTX_RETURN_IF_ERROR(ValidateCase(in));
  Case out;
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(storage::CustomerRow customer, ActiveCustomer(repo, in.customer_id()));
    if (in.journey_instance_id() != 0) {
      OMNICTX_ASSIGN_OR_RETURN(auto inst, repo.GetInstance(in.journey_instance_id()));
      if (!inst || inst->customer_key != customer.key) {
        return absl::NotFoundError(internal::StrCat("journey_instance_id: no such journey instance ",
                                                in.journey_instance_id(), " for this customer"));
      }
    }
    Case c = in;
    c.set_status(v1::CASE_STATUS_OPEN);
    if (c.priority() == v1::CASE_PRIORITY_UNSPECIFIED) c.set_priority(v1::CASE_PRIORITY_NORMAL);
    *c.mutable_opened_at() = ToProtoTime(Now());
    OMNICTX_ASSIGN_OR_RETURN(int64_t id, repo.InsertCase(customer.key, c));
    OMNICTX_ASSIGN_OR_RETURN(out, FullCase(repo, id));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Case> StoreImpl::AssignCase(int64_t case_id, std::string_view owner_agent) {
  OMNICTX_RETURN_IF_ERROR(CheckName("owner_agent", owner_agent, Limits::kMaxTextBytes, false));
  Case out;
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(Case c, FullCase(repo, case_id));
    c.set_owner_agent(std::string(owner_agent));
    *c.mutable_updated_at() = ToProtoTime(Now());
    OMNICTX_RETURN_IF_ERROR(repo.UpdateCase(c));
    out = std::move(c);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Case> StoreImpl::SetCaseStatus(int64_t case_id, v1::CaseStatus status) {
  if (status == v1::CASE_STATUS_UNSPECIFIED ||
      v1::CaseStatus_descriptor()->FindValueByNumber(status) == nullptr) {
    return absl::InvalidArgumentError("status: must be open, pending, resolved or closed");
  }
  Case out;
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(Case c, FullCase(repo, case_id));
    const auto now = ToProtoTime(Now());
    const bool was_done =
        c.status() == v1::CASE_STATUS_RESOLVED || c.status() == v1::CASE_STATUS_CLOSED;
    c.set_status(status);
    *c.mutable_updated_at() = now;
    switch (status) {
      case v1::CASE_STATUS_RESOLVED:
        *c.mutable_resolved_at() = now;
        c.clear_closed_at();
        break;
      case v1::CASE_STATUS_CLOSED:
        *c.mutable_closed_at() = now;
        break;
      default:  // open or pending: when it was done, it is reopened
        if (was_done) c.set_reopen_count(c.reopen_count() + 1);
        c.clear_resolved_at();
        c.clear_closed_at();
        break;
    }
    OMNICTX_RETURN_IF_ERROR(repo.UpdateCase(c));
    out = std::move(c);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Case> StoreImpl::GetCase(int64_t case_id) {
  Case out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(out, FullCase(repo, case_id));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<Case>> StoreImpl::ListCases(std::string_view customer_id) {
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(customer_id));
  std::vector<Case> out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CustomerRow> customer,
                             repo.FindCustomer(customer_id));
    if (!customer) return absl::NotFoundError("customer_id: no such customer");
    OMNICTX_ASSIGN_OR_RETURN(auto rows, repo.ListCases(customer->key, false));
    for (storage::CaseRow& row : rows) {
      row.kase.set_customer_id(std::string(customer_id));
      out.push_back(std::move(row.kase));
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace omnictx::internal
