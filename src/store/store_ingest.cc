// SPDX-License-Identifier: Apache-2.0
//
// Importing Segment-spec events: the pure ingest/ layer reads and maps
// every message first (so refusals that depend only on the message cost no
// transaction), then each mapped event is applied here through the same
// internals the public calls use: LinkIn's guards, MergeIn's plan, RecordIn.
#include <algorithm>
#include <tuple>
#include <utility>

#include "ingest/mapping.h"
#include "ingest/reader.h"
#include "ingest/segment.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/validate.h"

namespace omnictx::internal {
namespace {

using ingest::MappedEvent;
using ingest::MappedIdentity;
using ingest::MessageType;
using ingest::RawMessage;

enum class Applied { kImported, kDuplicate };

// Codes that mean "this message is refused"; anything else (Unavailable,
// DataLoss, Internal, ResourceExhausted from a full disk ...) is the
// storage failing, which stops the import.
bool IsRefusal(absl::StatusCode code) {
  return code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kNotFound ||
         code == absl::StatusCode::kFailedPrecondition ||
         code == absl::StatusCode::kAlreadyExists || code == absl::StatusCode::kOutOfRange;
}

// Refusals of a guard during a merge's planning, before it writes anything.
bool IsMergeGuard(absl::StatusCode code) {
  return code == absl::StatusCode::kFailedPrecondition ||
         code == absl::StatusCode::kResourceExhausted;
}

// A guard's message without the generic "identity: " lead, so that it
// reads after the message's field name.
std::string_view GuardText(absl::string_view text) {
  const std::string_view message(text.data(), text.size());
  constexpr std::string_view kLead = "identity: ";
  return message.starts_with(kLead) ? message.substr(kLead.size()) : message;
}

// Applies mapped events inside one write transaction.
class Applier {
 public:
  Applier(StoreImpl& store, storage::Repository& repo, const ImportOptions& options)
      : store_(store), repo_(repo), options_(options) {}

  absl::StatusOr<Applied> Apply(const MappedEvent& ev);

  // What the last Apply left out, and the merges it made.
  std::vector<std::pair<absl::StatusCode, std::string>> warnings;
  int64_t stitched = 0;

 private:
  absl::StatusOr<std::optional<int64_t>> Owner(const Identity& id) {
    return repo_.FindIdentityOwner(id);
  }
  absl::StatusOr<storage::CustomerRow> Row(int64_t key);
  absl::StatusOr<bool> OnlyAnonymous(int64_t key);
  absl::StatusOr<bool> HasUserId(int64_t key);
  absl::StatusOr<size_t> Rank(int64_t key);
  absl::StatusOr<int64_t> Create(std::string_view field);
  absl::StatusOr<int64_t> Merge(int64_t other, int64_t target);
  absl::Status Link(int64_t key, const MappedIdentity& id, bool required);
  absl::StatusOr<int64_t> Resolve(const MappedEvent& ev);
  absl::StatusOr<int64_t> ResolveAlias(const MappedEvent& ev);
  absl::Status UpdateProfile(int64_t key, const MappedEvent& ev);
  void Warn(absl::StatusCode code, std::string_view field, std::string_view problem) {
    warnings.emplace_back(code, StrCat(field, ": ", problem));
  }

  StoreImpl& store_;
  storage::Repository& repo_;
  const ImportOptions& options_;
};

absl::StatusOr<storage::CustomerRow> Applier::Row(int64_t key) {
  OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CustomerRow> row, repo_.FindCustomerByKey(key));
  if (!row) return absl::InternalError("import: customer vanished inside its transaction");
  return *std::move(row);
}

absl::StatusOr<bool> Applier::OnlyAnonymous(int64_t key) {
  OMNICTX_ASSIGN_OR_RETURN(std::vector<Identity> ids, repo_.ListIdentities(key));
  return std::all_of(ids.begin(), ids.end(), [](const Identity& i) {
    return i.kind() == v1::IDENTITY_KIND_COOKIE || i.kind() == v1::IDENTITY_KIND_DEVICE;
  });
}

absl::StatusOr<bool> Applier::HasUserId(int64_t key) {
  OMNICTX_ASSIGN_OR_RETURN(std::vector<Identity> ids, repo_.ListIdentities(key));
  return std::any_of(ids.begin(), ids.end(),
                     [](const Identity& i) { return i.kind() == v1::IDENTITY_KIND_USER_ID; });
}

// Stitch's survivor rule: the best (lowest) position in
// IdentityPolicy::priority among the customer's identities.
absl::StatusOr<size_t> Applier::Rank(int64_t key) {
  OMNICTX_ASSIGN_OR_RETURN(std::vector<Identity> ids, repo_.ListIdentities(key));
  const auto& prio = store_.options().identity.priority;
  size_t best = prio.size();
  for (const Identity& i : ids) {
    best = std::min(best, static_cast<size_t>(std::find(prio.begin(), prio.end(), i.kind()) -
                                              prio.begin()));
  }
  return best;
}

absl::StatusOr<int64_t> Applier::Create(std::string_view field) {
  if (!options_.create_customers) {
    return absl::NotFoundError(
        StrCat(field, ": no such customer (ImportOptions.create_customers is false)"));
  }
  Customer c;
  OMNICTX_ASSIGN_OR_RETURN(std::string id, store_.AssignCustomerId(repo_));
  c.set_id(std::move(id));
  return repo_.InsertCustomer(c, store_.Now());
}

absl::StatusOr<int64_t> Applier::Merge(int64_t other, int64_t target) {
  OMNICTX_ASSIGN_OR_RETURN(size_t other_rank, Rank(other));
  OMNICTX_ASSIGN_OR_RETURN(size_t target_rank, Rank(target));
  const bool other_wins = other_rank < target_rank;
  OMNICTX_ASSIGN_OR_RETURN(storage::CustomerRow survivor, Row(other_wins ? other : target));
  OMNICTX_ASSIGN_OR_RETURN(storage::CustomerRow absorbed, Row(other_wins ? target : other));
  MergeRequest request;
  request.survivor_id = survivor.customer.id();
  request.absorbed_id = absorbed.customer.id();
  request.actor = options_.actor;
  OMNICTX_RETURN_IF_ERROR(store_.MergeIn(repo_, request, /*dry_run=*/false).status());
  ++stitched;
  return survivor.key;
}

absl::Status Applier::Link(int64_t key, const MappedIdentity& id, bool required) {
  OMNICTX_ASSIGN_OR_RETURN(storage::CustomerRow row, Row(key));
  absl::Status st = store_.LinkIn(repo_, row.customer.id(), id.identity, LinkOptions{});
  if (st.ok()) return st;
  if (required || !IsRefusal(st.code())) {
    return absl::Status(st.code(), StrCat(id.field, ": ", GuardText(st.message())));
  }
  Warn(st.code(), id.field, StrCat(GuardText(st.message()), "; not linked"));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Applier::Resolve(const MappedEvent& ev) {
  // The identity that places the event: userId, else anonymousId.
  const MappedIdentity& key_id = ev.user_id ? *ev.user_id : *ev.anonymous_id;
  std::vector<const MappedIdentity*> others;
  if (ev.user_id && ev.anonymous_id) others.push_back(&*ev.anonymous_id);
  for (const MappedIdentity& e : ev.extra) others.push_back(&e);

  OMNICTX_ASSIGN_OR_RETURN(std::optional<int64_t> target, Owner(key_id.identity));
  if (!target) {
    // A new userId joins whoever the other identities point at, unless
    // that customer already has another user id (a shared browser).
    for (const MappedIdentity* o : others) {
      OMNICTX_ASSIGN_OR_RETURN(std::optional<int64_t> owner, Owner(o->identity));
      if (!owner) continue;
      if (ev.user_id) {
        OMNICTX_ASSIGN_OR_RETURN(bool taken, HasUserId(*owner));
        if (taken) continue;
      }
      target = owner;
      break;
    }
  }
  if (!target) {
    OMNICTX_ASSIGN_OR_RETURN(target, Create(key_id.field));
  }
  OMNICTX_RETURN_IF_ERROR(Link(*target, key_id, /*required=*/true));
  for (const MappedIdentity* o : others) {
    OMNICTX_ASSIGN_OR_RETURN(std::optional<int64_t> owner, Owner(o->identity));
    if (owner == target) continue;
    if (!owner) {
      OMNICTX_RETURN_IF_ERROR(Link(*target, *o, /*required=*/false));
      continue;
    }
    OMNICTX_ASSIGN_OR_RETURN(bool owner_anonymous, OnlyAnonymous(*owner));
    OMNICTX_ASSIGN_OR_RETURN(bool target_anonymous, OnlyAnonymous(*target));
    if (!owner_anonymous && !target_anonymous) {
      Warn(absl::StatusCode::kAlreadyExists, o->field,
           "linked to another customer; known customers are not merged by events");
      continue;
    }
    absl::StatusOr<int64_t> survivor = Merge(*owner, *target);
    if (survivor.ok()) {
      target = *survivor;
    } else if (IsMergeGuard(survivor.status().code())) {
      Warn(survivor.status().code(), o->field,
           StrCat("linked to another customer; not merged (", survivor.status().message(), ")"));
    } else {
      return survivor.status();
    }
  }
  return *target;
}

absl::StatusOr<int64_t> Applier::ResolveAlias(const MappedEvent& ev) {
  const MappedIdentity& user = *ev.user_id;
  const bool same = ev.previous_user_id->identity.value() == user.identity.value();
  OMNICTX_ASSIGN_OR_RETURN(std::optional<int64_t> known, Owner(user.identity));
  OMNICTX_ASSIGN_OR_RETURN(std::optional<int64_t> previous, Owner(ev.previous_user_id->identity));
  if (!previous) {
    OMNICTX_ASSIGN_OR_RETURN(previous, Owner(ev.previous_cookie->identity));
  }
  if (previous && known && *previous != *known) {
    // alias asks for the merge: a guard refusing it refuses the message.
    return Merge(*previous, *known);
  }
  if (previous && !known) {
    OMNICTX_RETURN_IF_ERROR(Link(*previous, user, /*required=*/true));
    return *previous;
  }
  if (!known) {
    OMNICTX_ASSIGN_OR_RETURN(known, Create(user.field));
    OMNICTX_RETURN_IF_ERROR(Link(*known, user, /*required=*/true));
  }
  if (!previous && !same) {
    OMNICTX_RETURN_IF_ERROR(Link(*known, *ev.previous_cookie, /*required=*/false));
  }
  return *known;
}

absl::Status Applier::UpdateProfile(int64_t key, const MappedEvent& ev) {
  if (ev.display_name.empty() && ev.group_id.empty()) return absl::OkStatus();
  OMNICTX_ASSIGN_OR_RETURN(storage::CustomerRow row, Row(key));
  Customer profile = row.customer;
  bool changed = false;
  if (!ev.display_name.empty() && profile.display_name() != ev.display_name) {
    profile.set_display_name(ev.display_name);
    changed = true;
  }
  if (!ev.group_id.empty()) {
    if (FindAttribute(profile.attributes(), "group_id") != ev.group_id) {
      SetAttribute(profile.mutable_attributes(), "group_id", ev.group_id);
      changed = true;
    }
  }
  if (!changed) return absl::OkStatus();
  OMNICTX_RETURN_IF_ERROR(ValidateProfile(profile));
  return repo_.UpdateCustomerProfile(key, profile, store_.Now());
}

absl::StatusOr<Applied> Applier::Apply(const MappedEvent& ev) {
  warnings.clear();
  stitched = 0;
  if (ev.interaction) {
    OMNICTX_ASSIGN_OR_RETURN(auto seen,
                             repo_.FindInteractionByExternalId(ev.interaction->external_id()));
    if (seen) return Applied::kDuplicate;
  }
  int64_t target = 0;
  if (ev.type == MessageType::kAlias) {
    OMNICTX_ASSIGN_OR_RETURN(target, ResolveAlias(ev));
  } else {
    OMNICTX_ASSIGN_OR_RETURN(target, Resolve(ev));
  }
  OMNICTX_RETURN_IF_ERROR(UpdateProfile(target, ev));
  if (!ev.interaction) return Applied::kImported;
  OMNICTX_ASSIGN_OR_RETURN(storage::CustomerRow row, Row(target));
  Interaction i = *ev.interaction;
  i.set_customer_id(row.customer.id());
  // The door it came through: the browser (cookie) when known.
  *i.mutable_via() = ev.anonymous_id ? ev.anonymous_id->identity : ev.user_id->identity;
  OMNICTX_RETURN_IF_ERROR(ValidateInteraction(i, store_.Now()));
  OMNICTX_RETURN_IF_ERROR(store_.RecordIn(repo_, i).status());
  return Applied::kImported;
}

struct Pending {
  const RawMessage* raw;
  MappedEvent event;
};

void AddError(std::vector<ImportError>* list, const RawMessage& raw, absl::StatusCode code,
              std::string message) {
  ImportError e;
  e.line = raw.line;
  e.index = raw.index;
  e.message = std::move(message);
  e.code = code;
  list->push_back(std::move(e));
}

void AddWarnings(ImportReport* report, const Pending& p, const Applier& applier) {
  for (const std::string& w : p.event.warnings) {
    AddError(&report->warnings, *p.raw, absl::StatusCode::kInvalidArgument,
             StrCat(p.raw->where, ": ", w));
  }
  for (const auto& [code, w] : applier.warnings) {
    AddError(&report->warnings, *p.raw, code, StrCat(p.raw->where, ": ", w));
  }
}

void Count(ImportReport* report, Applied applied) {
  ++(applied == Applied::kImported ? report->imported : report->duplicates);
}

absl::Status ApplyStrict(StoreImpl& store, std::vector<Pending>& pending,
                         const ImportOptions& options, ImportReport* report) {
  bool refused = false;
  absl::Status st = store.db().Write([&](storage::Repository& repo) -> absl::Status {
    Applier applier(store, repo, options);
    for (Pending& p : pending) {
      absl::StatusOr<Applied> applied = applier.Apply(p.event);
      if (!applied.ok()) {
        if (!IsRefusal(applied.status().code())) return applied.status();
        AddError(&report->errors, *p.raw, applied.status().code(),
                 StrCat(p.raw->where, ": ", applied.status().message()));
        ++report->refused;
        refused = true;
        return absl::AbortedError("import: a refused message rolls back a strict import");
      }
      Count(report, *applied);
      report->stitched += applier.stitched;
      AddWarnings(report, p, applier);
    }
    return absl::OkStatus();
  });
  if (refused) return absl::OkStatus();
  return st;
}

absl::Status ApplyEach(StoreImpl& store, std::vector<Pending>& pending,
                       const ImportOptions& options, ImportReport* report) {
  for (Pending& p : pending) {
    bool ran = false;
    absl::StatusOr<Applied> applied = absl::UnknownError("not applied");
    std::optional<Applier> done;
    absl::Status st = store.db().Write([&](storage::Repository& repo) -> absl::Status {
      ran = true;
      done.emplace(store, repo, options);
      applied = done->Apply(p.event);
      return applied.status();
    });
    if (!ran || (!st.ok() && (applied.ok() || !IsRefusal(st.code())))) return st;
    if (!st.ok()) {
      AddError(&report->errors, *p.raw, st.code(), StrCat(p.raw->where, ": ", st.message()));
      ++report->refused;
      continue;
    }
    Count(report, *applied);
    report->stitched += done->stitched;
    AddWarnings(report, p, *done);
  }
  return absl::OkStatus();
}

absl::StatusOr<ImportReport> RunImport(StoreImpl& store, std::vector<RawMessage> raws,
                                       std::string_view forced_type,
                                       const ImportOptions& options) {
  OMNICTX_RETURN_IF_ERROR(CheckName("actor", options.actor, Limits::kMaxActorBytes, true));
  OMNICTX_ASSIGN_OR_RETURN(ingest::EventMapping mapping,
                           ingest::EventMapping::Parse(options.mapping_json));
  const absl::Time now = store.Now();
  ImportReport report;
  std::vector<Pending> pending;
  for (const RawMessage& raw : raws) {
    report.messages += raw.count;
    if (!raw.error.ok()) {
      AddError(&report.errors, raw, raw.error.code(), std::string(raw.error.message()));
      report.refused += raw.count;
      continue;
    }
    ingest::MapContext ctx;
    ctx.mapping = &mapping;
    ctx.now = now;
    ctx.default_region = store.options().default_region;
    ctx.forced_type = forced_type;
    ctx.envelope = raw.envelope != nullptr ? &raw.envelope->get() : nullptr;
    absl::StatusOr<MappedEvent> event = ingest::MapMessage(raw.message.get(), ctx);
    if (!event.ok()) {
      AddError(&report.errors, raw, event.status().code(),
               StrCat(raw.where, ": ", event.status().message()));
      ++report.refused;
      continue;
    }
    pending.push_back({&raw, *std::move(event)});
  }
  // Refusals found while reading come before those found while writing:
  // list both in input order.
  const auto by_position = [](const ImportError& a, const ImportError& b) {
    return std::tie(a.line, a.index) < std::tie(b.line, b.index);
  };
  if (options.strict) {
    if (report.refused == 0) {
      OMNICTX_RETURN_IF_ERROR(ApplyStrict(store, pending, options, &report));
    }
    if (report.refused > 0) {
      report.rolled_back = true;
      report.imported = report.duplicates = report.stitched = 0;
      report.warnings.clear();
    }
  } else {
    OMNICTX_RETURN_IF_ERROR(ApplyEach(store, pending, options, &report));
  }
  std::stable_sort(report.errors.begin(), report.errors.end(), by_position);
  std::stable_sort(report.warnings.begin(), report.warnings.end(), by_position);
  return report;
}

}  // namespace

absl::StatusOr<ImportReport> StoreImpl::Import(std::string_view json_lines,
                                               const ImportOptions& options) {
  return RunImport(*this, ingest::ReadLines(json_lines), "", options);
}

absl::StatusOr<ImportReport> StoreImpl::ImportBody(std::string_view body,
                                                   std::string_view route_type,
                                                   const ImportOptions& options) {
  ingest::BodyKind kind = ingest::BodyKind::kEither;
  std::string_view forced;
  if (route_type == "batch" || route_type == "import") {
    kind = ingest::BodyKind::kBatch;
  } else if (!route_type.empty()) {
    if (!ingest::ParseMessageType(route_type)) {
      return absl::InvalidArgumentError(
          "route_type: unknown (allowed: batch, import, identify, track, page, screen, group, "
          "alias, or empty)");
    }
    kind = ingest::BodyKind::kMessage;
    forced = route_type;
  }
  return RunImport(*this, ingest::ReadBody(body, kind), forced, options);
}

}  // namespace omnictx::internal
