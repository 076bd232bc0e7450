// SPDX-License-Identifier: Apache-2.0
//
// Customers, identities, touchpoints, interactions, cases and maintenance.
// Journeys live in sqlite_repository_journeys.cc.
#include <sqlite3.h>

#include <algorithm>
#include <limits>

#include "util/strings.h"
#include "storage/sqlite/queries.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_repository.h"
#include "util/status_macros.h"

namespace omnictx::storage::sqlite {

int64_t ToMicros(absl::Time t) {
  if (t == absl::InfinitePast()) return std::numeric_limits<int64_t>::min();
  if (t == absl::InfiniteFuture()) return std::numeric_limits<int64_t>::max();
  return absl::ToUnixMicros(t);
}

absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

namespace {

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(internal::StrCat("stored ", what, " does not parse"));
}

// Attributes are stored in key order, so that every read returns them
// sorted whatever order the caller gave. Sorts the pointers; no entry moves.
void SortByKey(Attributes* list) {
  std::sort(list->pointer_begin(), list->pointer_end(),
            [](const Attribute* x, const Attribute* y) { return x->key() < y->key(); });
}

// The profile blob holds only the caller-writable profile fields; the rest
// are columns or derived.
std::string ProfileBlob(const Customer& c) {
  Customer p;
  p.set_display_name(c.display_name());
  p.set_language(c.language());
  p.set_preferred_channel(c.preferred_channel());
  *p.mutable_attributes() = c.attributes();
  SortByKey(p.mutable_attributes());
  *p.mutable_consents() = c.consents();
  return p.SerializeAsString();
}

absl::StatusOr<CustomerRow> ReadCustomer(const Statement& s) {
  CustomerRow row;
  std::string_view blob = s.ColumnBlob(6);
  if (!row.customer.ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
    return Corrupt("customer profile");
  }
  row.key = s.ColumnInt(0);
  row.customer.set_id(std::string(s.ColumnText(1)));
  row.customer.set_status(static_cast<v1::CustomerStatus>(s.ColumnInt(2)));
  *row.customer.mutable_created_at() = ToProtoTime(FromMicros(s.ColumnInt(4)));
  *row.customer.mutable_updated_at() = ToProtoTime(FromMicros(s.ColumnInt(5)));
  if (!s.ColumnIsNull(7)) row.customer.set_merged_into(std::string(s.ColumnText(7)));
  return row;
}

absl::StatusOr<std::optional<CustomerRow>> OneCustomer(Statement& s) {
  OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  OMNICTX_ASSIGN_OR_RETURN(CustomerRow c, ReadCustomer(s));
  return c;
}

// Binds an optional proto time: NULL when unset.
void BindTimeOrNull(Statement& s, int i, bool has, const google::protobuf::Timestamp& ts) {
  if (has) {
    s.BindInt(i, ToMicros(FromProtoTime(ts)));
  } else {
    s.BindNull(i);
  }
}

}  // namespace

absl::StatusOr<Interaction> ReadInteractionBody(int64_t id, std::string_view blob) {
  Interaction i;
  if (!i.ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
    return Corrupt("interaction");
  }
  i.set_id(id);
  return i;
}

absl::StatusOr<CaseRow> ReadCase(const Statement& s) {
  CaseRow row;
  Case& c = row.kase;
  c.set_id(s.ColumnInt(0));
  row.customer_key = s.ColumnInt(1);
  c.set_status(static_cast<v1::CaseStatus>(s.ColumnInt(2)));
  c.set_priority(static_cast<v1::CasePriority>(s.ColumnInt(3)));
  c.set_owner_agent(std::string(s.ColumnText(4)));
  c.set_queue(std::string(s.ColumnText(5)));
  c.set_subject(std::string(s.ColumnText(6)));
  c.set_journey_instance_id(s.ColumnInt(7));
  *c.mutable_opened_at() = ToProtoTime(FromMicros(s.ColumnInt(8)));
  *c.mutable_updated_at() = ToProtoTime(FromMicros(s.ColumnInt(9)));
  if (!s.ColumnIsNull(10)) *c.mutable_resolved_at() = ToProtoTime(FromMicros(s.ColumnInt(10)));
  if (!s.ColumnIsNull(11)) *c.mutable_closed_at() = ToProtoTime(FromMicros(s.ColumnInt(11)));
  c.set_interaction_count(static_cast<int32_t>(s.ColumnInt(12)));
  c.set_reopen_count(static_cast<int32_t>(s.ColumnInt(13)));
  return row;
}

// ---- Customers ----

absl::StatusOr<std::optional<CustomerRow>> SqliteRepository::FindCustomer(std::string_view id) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kFindCustomerById));
  s.BindText(1, id);
  return OneCustomer(s);
}

absl::StatusOr<std::optional<CustomerRow>> SqliteRepository::FindCustomerByKey(int64_t key) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kFindCustomerByKey));
  s.BindInt(1, key);
  return OneCustomer(s);
}

absl::StatusOr<int64_t> SqliteRepository::InsertCustomer(const Customer& customer,
                                                         absl::Time now) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInsertCustomer));
  s.BindText(1, customer.id());
  s.BindInt(2, ToMicros(now));
  s.BindBlob(3, ProfileBlob(customer));
  OMNICTX_RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(conn_->raw());
}

absl::Status SqliteRepository::UpdateCustomerProfile(int64_t key, const Customer& customer,
                                                     absl::Time now) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kUpdateCustomerProfile));
  s.BindInt(1, key);
  s.BindBlob(2, ProfileBlob(customer));
  s.BindInt(3, ToMicros(now));
  return s.Run();
}

absl::StatusOr<int64_t> SqliteRepository::MaxCustomerKey() {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kMaxCustomerKey));
  OMNICTX_RETURN_IF_ERROR(s.Step().status());
  return s.ColumnInt(0);
}

// ---- Identities ----

absl::StatusOr<std::optional<int64_t>> SqliteRepository::FindIdentityOwner(
    const Identity& identity) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kFindIdentityOwner));
  s.BindInt(1, identity.kind());
  s.BindText(2, identity.platform());
  s.BindText(3, identity.value());
  OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  return s.ColumnInt(0);
}

absl::Status SqliteRepository::InsertIdentity(int64_t customer_key, const Identity& identity,
                                              absl::Time now) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInsertIdentity));
  s.BindInt(1, identity.kind());
  s.BindText(2, identity.platform());
  s.BindText(3, identity.value());
  s.BindInt(4, customer_key);
  s.BindInt(5, ToMicros(now));
  return s.Run();
}

absl::StatusOr<bool> SqliteRepository::DeleteIdentity(const Identity& identity) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kDeleteIdentity));
  s.BindInt(1, identity.kind());
  s.BindText(2, identity.platform());
  s.BindText(3, identity.value());
  OMNICTX_RETURN_IF_ERROR(s.Run());
  return sqlite3_changes(conn_->raw()) > 0;
}

absl::StatusOr<std::vector<Identity>> SqliteRepository::ListIdentities(int64_t customer_key) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kListIdentities));
  s.BindInt(1, customer_key);
  std::vector<Identity> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    Identity& id = out.emplace_back();
    id.set_kind(static_cast<v1::IdentityKind>(s.ColumnInt(0)));
    id.set_platform(std::string(s.ColumnText(1)));
    id.set_value(std::string(s.ColumnText(2)));
    *id.mutable_linked_at() = ToProtoTime(FromMicros(s.ColumnInt(3)));
  }
  return out;
}

// ---- Touchpoints ----

absl::Status SqliteRepository::UpsertTouchpoint(const Touchpoint& touchpoint) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kUpsertTouchpoint));
  s.BindText(1, touchpoint.key());
  s.BindBlob(2, touchpoint.SerializeAsString());
  return s.Run();
}

absl::StatusOr<std::vector<Touchpoint>> SqliteRepository::ListTouchpoints() {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kListTouchpoints));
  std::vector<Touchpoint> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    std::string_view blob = s.ColumnBlob(0);
    if (!out.emplace_back().ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
      return Corrupt("touchpoint");
    }
  }
  return out;
}

// ---- Interactions ----

absl::StatusOr<std::optional<std::pair<int64_t, int64_t>>>
SqliteRepository::FindInteractionByExternalId(std::string_view external_id) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kFindInteractionByExternalId));
  s.BindText(1, external_id);
  OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  return std::make_pair(s.ColumnInt(0), s.ColumnInt(1));
}

absl::StatusOr<int64_t> SqliteRepository::NextInteractionId() {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kNextInteractionId));
  OMNICTX_RETURN_IF_ERROR(s.Step().status());
  return s.ColumnInt(0);
}

absl::Status SqliteRepository::InsertInteraction(int64_t customer_key,
                                                 const Interaction& interaction) {
  // The body leaves out what columns and the owner already say, so that a
  // merge can move rows by rewriting one column.
  Interaction body = interaction;
  body.clear_id();
  body.clear_customer_id();
  SortByKey(body.mutable_attributes());
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInsertInteraction));
  s.BindInt(1, customer_key);
  s.BindInt(2, ToMicros(FromProtoTime(interaction.occurred_at())));
  s.BindInt(3, interaction.id());
  s.BindInt(4, interaction.channel().kind());
  s.BindInt(5, interaction.direction());
  s.BindIntOrNull(6, interaction.case_id());
  s.BindIntOrNull(7, interaction.journey_instance_id());
  s.BindTextOrNull(8, interaction.external_id());
  s.BindBlob(9, body.SerializeAsString());
  return s.Run();
}

absl::StatusOr<std::optional<InteractionRow>> SqliteRepository::GetInteraction(int64_t id) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kGetInteraction));
  s.BindInt(1, id);
  OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  InteractionRow out;
  out.customer_key = s.ColumnInt(0);
  OMNICTX_ASSIGN_OR_RETURN(out.interaction, ReadInteractionBody(s.ColumnInt(1), s.ColumnBlob(2)));
  return out;
}

absl::StatusOr<std::vector<Interaction>> SqliteRepository::ListInteractions(
    int64_t customer_key, absl::Time since, absl::Time until,
    std::optional<TimelineCursor> cursor, int64_t case_id, int64_t journey_instance_id,
    int limit) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kListInteractions));
  s.BindInt(1, customer_key);
  s.BindInt(2, ToMicros(since));
  s.BindInt(3, ToMicros(until));
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  s.BindInt(4, cursor ? cursor->occurred_us : kMax);
  s.BindInt(5, cursor ? cursor->id : kMax);
  s.BindInt(6, case_id);
  s.BindInt(7, journey_instance_id);
  s.BindInt(8, limit);
  std::vector<Interaction> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    OMNICTX_ASSIGN_OR_RETURN(Interaction i, ReadInteractionBody(s.ColumnInt(0), s.ColumnBlob(1)));
    out.push_back(std::move(i));
  }
  return out;
}

absl::StatusOr<std::optional<Interaction>> SqliteRepository::LastOutboundBefore(
    int64_t customer_key, absl::Time at) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kLastOutboundBefore));
  s.BindInt(1, customer_key);
  s.BindInt(2, ToMicros(at));
  OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  OMNICTX_ASSIGN_OR_RETURN(Interaction i, ReadInteractionBody(s.ColumnInt(0), s.ColumnBlob(1)));
  return i;
}

// ---- Cases ----

absl::StatusOr<int64_t> SqliteRepository::InsertCase(int64_t customer_key, const Case& c) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kInsertCase));
  s.BindInt(1, customer_key);
  s.BindInt(2, c.status());
  s.BindInt(3, c.priority());
  s.BindText(4, c.owner_agent());
  s.BindText(5, c.queue());
  s.BindText(6, c.subject());
  s.BindIntOrNull(7, c.journey_instance_id());
  s.BindInt(8, ToMicros(FromProtoTime(c.opened_at())));
  OMNICTX_RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(conn_->raw());
}

absl::Status SqliteRepository::UpdateCase(const Case& c) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kUpdateCase));
  s.BindInt(1, c.id());
  s.BindInt(2, c.status());
  s.BindInt(3, c.priority());
  s.BindText(4, c.owner_agent());
  s.BindText(5, c.queue());
  s.BindText(6, c.subject());
  s.BindInt(7, ToMicros(FromProtoTime(c.updated_at())));
  BindTimeOrNull(s, 8, c.has_resolved_at(), c.resolved_at());
  BindTimeOrNull(s, 9, c.has_closed_at(), c.closed_at());
  s.BindInt(10, c.reopen_count());
  return s.Run();
}

absl::StatusOr<std::optional<CaseRow>> SqliteRepository::GetCase(int64_t id) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kGetCase));
  s.BindInt(1, id);
  OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  return ReadCase(s);
}

absl::Status SqliteRepository::TouchCase(int64_t id, absl::Time at) {
  OMNICTX_ASSIGN_OR_RETURN(Statement s, conn_->Prepare(queries::kTouchCase));
  s.BindInt(1, id);
  s.BindInt(2, ToMicros(at));
  return s.Run();
}

absl::StatusOr<std::vector<CaseRow>> SqliteRepository::ListCases(int64_t customer_key,
                                                                 bool open_only) {
  OMNICTX_ASSIGN_OR_RETURN(
      Statement s, conn_->Prepare(open_only ? queries::kListOpenCases : queries::kListCases));
  s.BindInt(1, customer_key);
  std::vector<CaseRow> out;
  while (true) {
    OMNICTX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    OMNICTX_ASSIGN_OR_RETURN(CaseRow c, ReadCase(s));
    out.push_back(std::move(c));
  }
  return out;
}

// ---- Maintenance ----

absl::Status SqliteRepository::CheckIntegrity() {
  sqlite3_stmt* raw = nullptr;
  // integrity_check returns "ok" or one row per problem.
  int rc = sqlite3_prepare_v2(conn_->raw(), "PRAGMA integrity_check(1)", -1, &raw, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, "integrity_check", conn_->raw());
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  rc = sqlite3_step(raw);
  if (rc != SQLITE_ROW) return SqliteStatus(rc, "integrity_check", conn_->raw());
  std::string result(reinterpret_cast<const char*>(sqlite3_column_text(raw, 0)));
  if (result != "ok") return absl::DataLossError("integrity check failed: " + result);
  OMNICTX_ASSIGN_OR_RETURN(
      int64_t fk_problems,
      conn_->QueryInt("SELECT count(*) FROM pragma_foreign_key_check", "foreign_key_check"));
  if (fk_problems != 0) {
    return absl::DataLossError(
        internal::StrCat("integrity check failed: ", fk_problems, " foreign key violations"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> SqliteRepository::SchemaVersion() {
  OMNICTX_ASSIGN_OR_RETURN(int64_t v, conn_->QueryInt("PRAGMA user_version", "schema version"));
  return static_cast<int>(v);
}

}  // namespace omnictx::storage::sqlite
