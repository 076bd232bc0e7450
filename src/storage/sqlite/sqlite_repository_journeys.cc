// SPDX-License-Identifier: Apache-2.0
//
// Journey definitions, instances and transitions.
#include <sqlite3.h>

#include "util/strings.h"
#include "storage/sqlite/queries.h"
#include "storage/sqlite/sqlite_repository.h"
#include "util/status_macros.h"

namespace omnictx::storage::sqlite {

InstanceRow ReadInstance(const Statement& s) {
  InstanceRow row;
  JourneyInstance& i = row.instance;
  i.set_id(s.ColumnInt(0));
  row.customer_key = s.ColumnInt(1);
  i.set_journey_key(std::string(s.ColumnText(2)));
  i.set_journey_version(static_cast<int32_t>(s.ColumnInt(3)));
  i.set_status(static_cast<v1::JourneyStatus>(s.ColumnInt(4)));
  i.set_current_step(std::string(s.ColumnText(5)));
  *i.mutable_started_at() = ToProtoTime(FromMicros(s.ColumnInt(6)));
  *i.mutable_step_entered_at() = ToProtoTime(FromMicros(s.ColumnInt(7)));
  if (!s.ColumnIsNull(8)) *i.mutable_ended_at() = ToProtoTime(FromMicros(s.ColumnInt(8)));
  return row;
}

namespace {

absl::StatusOr<Journey> ParseJourney(std::string_view blob) {
  Journey j;
  if (!j.ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
    return absl::DataLossError("stored journey definition does not parse");
  }
  return j;
}

absl::StatusOr<std::optional<InstanceRow>> OneInstance(Statement& s) {
  OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  return ReadInstance(s);
}

absl::StatusOr<std::vector<InstanceRow>> AllInstances(Statement& s) {
  std::vector<InstanceRow> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadInstance(s));
  }
  return out;
}

}  // namespace

absl::StatusOr<int32_t> SqliteRepository::MaxJourneyVersion(std::string_view key) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kMaxJourneyVersion));
  s.BindText(1, key);
  OMNICTX_RETURN_IF_ERROR(s.Step().status());
  return static_cast<int32_t>(s.ColumnInt(0));
}

absl::Status SqliteRepository::InsertJourney(const Journey& journey) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInsertJourney));
  s.BindText(1, journey.key());
  s.BindInt(2, journey.version());
  s.BindInt(3, ToMicros(FromProtoTime(journey.defined_at())));
  s.BindBlob(4, journey.SerializeAsString());
  return s.Run();
}

absl::StatusOr<std::optional<Journey>> SqliteRepository::GetJourney(std::string_view key,
                                                                    int32_t version) {
  OMNICTX_ASSIGN_OR_RETURN(
      Statement s,
      conn_->Prepare(version == 0 ? queries::kGetLatestJourney : queries::kGetJourney));
  s.BindText(1, key);
  if (version != 0) s.BindInt(2, version);
  OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  OMNICTX_ASSIGN_OR_RETURN(Journey j, ParseJourney(s.ColumnBlob(0)));
  return j;
}

absl::StatusOr<std::vector<Journey>> SqliteRepository::ListLatestJourneys() {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kListLatestJourneys));
  std::vector<Journey> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    OMNICTX_ASSIGN_OR_RETURN(Journey j, ParseJourney(s.ColumnBlob(0)));
    out.push_back(std::move(j));
  }
  return out;
}

absl::StatusOr<int64_t> SqliteRepository::InsertInstance(int64_t customer_key,
                                                         const JourneyInstance& instance) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInsertInstance));
  s.BindInt(1, customer_key);
  s.BindText(2, instance.journey_key());
  s.BindInt(3, instance.journey_version());
  s.BindInt(4, instance.status());
  s.BindText(5, instance.current_step());
  s.BindInt(6, ToMicros(FromProtoTime(instance.started_at())));
  s.BindInt(7, ToMicros(FromProtoTime(instance.step_entered_at())));
  if (instance.has_ended_at()) {
    s.BindInt(8, ToMicros(FromProtoTime(instance.ended_at())));
  } else {
    s.BindNull(8);
  }
  OMNICTX_RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(conn_->raw());
}

absl::Status SqliteRepository::UpdateInstance(const JourneyInstance& instance) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kUpdateInstance));
  s.BindInt(1, instance.id());
  s.BindInt(2, instance.status());
  s.BindText(3, instance.current_step());
  s.BindInt(4, ToMicros(FromProtoTime(instance.step_entered_at())));
  if (instance.has_ended_at()) {
    s.BindInt(5, ToMicros(FromProtoTime(instance.ended_at())));
  } else {
    s.BindNull(5);
  }
  return s.Run();
}

absl::StatusOr<std::optional<InstanceRow>> SqliteRepository::GetInstance(int64_t id) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kGetInstance));
  s.BindInt(1, id);
  return OneInstance(s);
}

absl::StatusOr<std::vector<JourneyTransition>> SqliteRepository::ListTransitions(
    int64_t instance_id) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kListTransitions));
  s.BindInt(1, instance_id);
  std::vector<JourneyTransition> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    JourneyTransition& t = out.emplace_back();
    t.set_from_step(std::string(s.ColumnText(0)));
    t.set_to_step(std::string(s.ColumnText(1)));
    *t.mutable_at() = ToProtoTime(FromMicros(s.ColumnInt(2)));
    t.mutable_channel()->set_kind(static_cast<v1::ChannelKind>(s.ColumnInt(3)));
    t.mutable_channel()->set_provider(std::string(s.ColumnText(4)));
    t.set_interaction_id(s.ColumnInt(5));
  }
  return out;
}

absl::Status SqliteRepository::InsertTransition(int64_t instance_id,
                                                const JourneyTransition& t) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInsertTransition));
  s.BindInt(1, instance_id);
  s.BindText(2, t.from_step());
  s.BindText(3, t.to_step());
  s.BindInt(4, ToMicros(FromProtoTime(t.at())));
  s.BindInt(5, t.channel().kind());
  s.BindText(6, t.channel().provider());
  s.BindIntOrNull(7, t.interaction_id());
  return s.Run();
}

absl::StatusOr<std::optional<InstanceRow>> SqliteRepository::FindActiveInstance(
    int64_t customer_key, std::string_view journey_key) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kFindActiveInstance));
  s.BindInt(1, customer_key);
  s.BindText(2, journey_key);
  return OneInstance(s);
}

absl::StatusOr<std::vector<InstanceRow>> SqliteRepository::ListInstances(int64_t customer_key,
                                                                         bool active_only) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(active_only ? queries::kListActiveInstances
                                                                   : queries::kListInstances));
  s.BindInt(1, customer_key);
  return AllInstances(s);
}

absl::Status SqliteRepository::ForEachActiveInstance(
    absl::FunctionRef<void(const InstanceRow&)> fn) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kAllActiveInstances));
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    fn(ReadInstance(s));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SqliteRepository::FindCustomersByJourney(
    const FindCustomersQuery& query) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kFindCustomersByJourney));
  s.BindText(1, query.journey_key);
  s.BindText(2, query.step);
  s.BindInt(3, query.status);
  s.BindInt(4, ToMicros(query.since));
  s.BindInt(5, query.limit);
  std::vector<std::string> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.emplace_back(s.ColumnText(0));
  }
  return out;
}

}  // namespace omnictx::storage::sqlite
