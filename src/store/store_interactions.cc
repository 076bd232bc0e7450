// SPDX-License-Identifier: Apache-2.0
//
// Recording interactions and reading timelines.
#include "absl/strings/numbers.h"
#include "util/strings.h"
#include "absl/strings/str_split.h"
#include "store/store_impl.h"
#include "util/status_macros.h"

namespace omnictx::internal {
namespace {

std::string PageToken(const Interaction& last) {
  return internal::StrCat(absl::ToUnixMicros(FromProtoTime(last.occurred_at())), ":", last.id());
}

absl::StatusOr<std::optional<storage::TimelineCursor>> ParsePageToken(std::string_view token) {
  if (token.empty()) return std::nullopt;
  std::vector<absl::string_view> parts = absl::StrSplit(Absl(token), ':');
  storage::TimelineCursor cursor;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &cursor.occurred_us) ||
      !absl::SimpleAtoi(parts[1], &cursor.id)) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  return cursor;
}

}  // namespace

absl::StatusOr<int64_t> StoreImpl::RecordIn(storage::Repository& repo, const Interaction& in) {
  OMNICTX_ASSIGN_OR_RETURN(storage::CustomerRow customer, ActiveCustomer(repo, in.customer_id()));
  if (!in.external_id().empty()) {
    OMNICTX_ASSIGN_OR_RETURN(auto seen, repo.FindInteractionByExternalId(in.external_id()));
    if (seen) {
      if (seen->second == customer.key) return seen->first;  // idempotent replay
      return absl::AlreadyExistsError(
          internal::StrCat("external_id: already used by interaction ", seen->first));
    }
  }
  Interaction row = in;
  if (row.has_via()) {
    absl::StatusOr<Identity> via = Normalize(row.via());
    if (!via.ok()) return absl::InvalidArgumentError(StrCat("via: ", via.status().message()));
    *row.mutable_via() = *std::move(via);
  }
  if (row.case_id() != 0) {
    OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CaseRow> c, repo.GetCase(row.case_id()));
    if (!c) return absl::NotFoundError(internal::StrCat("case_id: no such case ", row.case_id()));
    if (c->customer_key != customer.key) {
      return absl::FailedPreconditionError(
          internal::StrCat("case_id: case ", row.case_id(), " belongs to another customer"));
    }
  }
  OMNICTX_ASSIGN_OR_RETURN(int64_t id, repo.NextInteractionId());
  row.set_id(id);
  row.clear_recorded_at();
  *row.mutable_recorded_at() = ToProtoTime(Now());
  OMNICTX_RETURN_IF_ERROR(AdvanceFromInteraction(repo, customer.key, &row));
  OMNICTX_RETURN_IF_ERROR(repo.InsertInteraction(customer.key, row));
  if (row.case_id() != 0) {
    OMNICTX_RETURN_IF_ERROR(repo.TouchCase(row.case_id(), FromProtoTime(row.occurred_at())));
  }
  return id;
}

absl::StatusOr<int64_t> StoreImpl::Record(const Interaction& interaction) {
  OMNICTX_RETURN_IF_ERROR(ValidateInteraction(interaction, Now()));
  int64_t id = 0;
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(id, RecordIn(repo, interaction));
    return absl::OkStatus();
  }));
  return id;
}

absl::StatusOr<std::vector<int64_t>> StoreImpl::RecordBatch(
    std::span<const Interaction> interactions) {
  if (interactions.size() > Limits::kMaxBatchInteractions) {
    return absl::InvalidArgumentError(internal::StrCat("batch: ", interactions.size(),
                                                   " interactions > ",
                                                   Limits::kMaxBatchInteractions));
  }
  const absl::Time now = Now();
  for (size_t k = 0; k < interactions.size(); ++k) {
    absl::Status st = ValidateInteraction(interactions[k], now);
    if (!st.ok()) return absl::Status(st.code(), internal::StrCat("batch[", k, "]: ", st.message()));
  }
  std::vector<int64_t> ids;
  ids.reserve(interactions.size());
  OMNICTX_RETURN_IF_ERROR(db_->Write([&](storage::Repository& repo) -> absl::Status {
    for (size_t k = 0; k < interactions.size(); ++k) {
      absl::StatusOr<int64_t> id = RecordIn(repo, interactions[k]);
      if (!id.ok()) {
        ids.clear();
        return absl::Status(id.status().code(),
                            internal::StrCat("batch[", k, "]: ", id.status().message()));
      }
      ids.push_back(*id);
    }
    return absl::OkStatus();
  }));
  return ids;
}

absl::StatusOr<Interaction> StoreImpl::GetInteraction(int64_t interaction_id) {
  Interaction out;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::InteractionRow> row,
                             repo.GetInteraction(interaction_id));
    if (!row) return absl::NotFoundError("interaction_id: no such interaction");
    OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CustomerRow> owner,
                             repo.FindCustomerByKey(row->customer_key));
    out = std::move(row->interaction);
    if (owner) out.set_customer_id(owner->customer.id());
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<TimelinePage> StoreImpl::Timeline(std::string_view customer_id,
                                                 const TimelineQuery& query) {
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(customer_id));
  if (query.page_size < 1 || static_cast<size_t>(query.page_size) > Limits::kMaxTimelinePage) {
    return absl::InvalidArgumentError(
        internal::StrCat("page_size: must be 1 to ", Limits::kMaxTimelinePage));
  }
  if (query.since > query.until) return absl::InvalidArgumentError("since: after until");
  OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::TimelineCursor> cursor,
                           ParsePageToken(query.page_token));
  TimelinePage page;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CustomerRow> row,
                             repo.FindCustomer(customer_id));
    if (!row) return absl::NotFoundError("customer_id: no such customer");
    // One extra row tells whether another page follows.
    OMNICTX_ASSIGN_OR_RETURN(
        page.interactions,
        repo.ListInteractions(row->key, query.since, query.until, cursor, query.case_id,
                              query.journey_instance_id, query.page_size + 1));
    return absl::OkStatus();
  }));
  if (page.interactions.size() > static_cast<size_t>(query.page_size)) {
    page.interactions.resize(query.page_size);
    page.next_page_token = PageToken(page.interactions.back());
  }
  for (Interaction& i : page.interactions) i.set_customer_id(std::string(customer_id));
  return page;
}

}  // namespace omnictx::internal
