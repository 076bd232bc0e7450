// SPDX-License-Identifier: Apache-2.0
//
// The reads behind Store::Metrics: windows of interactions, instances and
// cases, each on its own index.
#include "storage/sqlite/queries.h"
#include "storage/sqlite/sqlite_repository.h"
#include "util/status_macros.h"

namespace omnictx::storage::sqlite {
namespace {

absl::StatusOr<std::vector<Interaction>> ReadInteractions(Statement& s) {
  std::vector<Interaction> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    OMNICTX_ASSIGN_OR_RETURN(Interaction i, ReadInteractionBody(s.ColumnInt(0), s.ColumnBlob(1)));
    out.push_back(std::move(i));
  }
  return out;
}

}  // namespace

absl::Status SqliteRepository::ForEachInteractionBetween(
    absl::Time start, absl::Time end,
    absl::FunctionRef<absl::Status(const InteractionRow&)> fn) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInteractionsBetween));
  s.BindInt(1, ToMicros(start));
  s.BindInt(2, ToMicros(end));
  InteractionRow row;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool more, s.Step());
    if (!more) break;
    row.customer_key = s.ColumnInt(0);
    OMNICTX_ASSIGN_OR_RETURN(row.interaction, ReadInteractionBody(s.ColumnInt(1), s.ColumnBlob(2)));
    OMNICTX_RETURN_IF_ERROR(fn(row));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Interaction>> SqliteRepository::ListInteractionsOfCase(
    int64_t case_id) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInteractionsOfCase));
  s.BindInt(1, case_id);
  return ReadInteractions(s);
}

absl::StatusOr<std::vector<Interaction>> SqliteRepository::ListInteractionsOfInstance(
    int64_t instance_id) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInteractionsOfInstance));
  s.BindInt(1, instance_id);
  return ReadInteractions(s);
}

absl::StatusOr<std::vector<InstanceRow>> SqliteRepository::ListInstancesStartedBetween(
    absl::Time start, absl::Time end, std::string_view journey_key) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInstancesStartedBetween));
  s.BindInt(1, ToMicros(start));
  s.BindInt(2, ToMicros(end));
  s.BindText(3, journey_key);
  std::vector<InstanceRow> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadInstance(s));
  }
  return out;
}

absl::StatusOr<std::vector<CaseRow>> SqliteRepository::ListCasesResolvedBetween(
    absl::Time start, absl::Time end) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kCasesResolvedBetween));
  s.BindInt(1, ToMicros(start));
  s.BindInt(2, ToMicros(end));
  std::vector<CaseRow> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    OMNICTX_ASSIGN_OR_RETURN(CaseRow c, ReadCase(s));
    out.push_back(std::move(c));
  }
  return out;
}

absl::StatusOr<int64_t> SqliteRepository::CountInboundBetween(int64_t customer_key,
                                                               absl::Time after,
                                                               absl::Time until) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kCountInboundBetween));
  s.BindInt(1, customer_key);
  s.BindInt(2, ToMicros(after));
  s.BindInt(3, ToMicros(until));
  OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return int64_t{0};
  return s.ColumnInt(0);
}

}  // namespace omnictx::storage::sqlite
