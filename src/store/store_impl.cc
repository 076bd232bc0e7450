// SPDX-License-Identifier: Apache-2.0
#include "store/store_impl.h"

#include "absl/strings/ascii.h"
#include "util/strings.h"
#include "storage/sqlite/sqlite_database.h"
#include "store/guarded_store.h"
#include "util/status_macros.h"

namespace omnictx {
namespace internal {

// Store::Open (guarded_store.cc) wraps this in the exception barrier.
absl::StatusOr<std::unique_ptr<Store>> OpenUnguarded(std::string_view path,
                                                     const Options& options) {
  if (!options.default_region.empty() &&
      (options.default_region.size() != 2 || !absl::ascii_isupper(options.default_region[0]) ||
       !absl::ascii_isupper(options.default_region[1]))) {
    return absl::InvalidArgumentError(
        "options.default_region: must be an ISO 3166 alpha-2 code such as FR");
  }
  OMNICTX_ASSIGN_OR_RETURN(auto db, storage::sqlite::SqliteDatabase::Open(path, options));
  return std::make_unique<StoreImpl>(options, std::move(db));
}

StoreImpl::StoreImpl(Options options, std::unique_ptr<storage::Database> db)
    : options_(std::move(options)),
      clock_(options_.clock ? options_.clock : RealClock()),
      db_(std::move(db)) {}

absl::StatusOr<storage::CustomerRow> StoreImpl::ActiveCustomer(storage::Repository& repo,
                                                               std::string_view id) {
  OMNICTX_RETURN_IF_ERROR(ValidateCustomerId(id));
  OMNICTX_ASSIGN_OR_RETURN(std::optional<storage::CustomerRow> row, repo.FindCustomer(id));
  if (!row) {
    OMNICTX_ASSIGN_OR_RETURN(bool erased, IdWasErased(repo, id));
    if (erased) return absl::FailedPreconditionError("customer_id: customer erased");
    return absl::NotFoundError("customer_id: no such customer");
  }
  switch (row->customer.status()) {
    case v1::CUSTOMER_STATUS_ERASED:
      return absl::FailedPreconditionError("customer_id: customer erased");
    case v1::CUSTOMER_STATUS_MERGED:
      return absl::NotFoundError(internal::StrCat("customer_id: merged into customer ",
                                              row->customer.merged_into()));
    default:
      return *std::move(row);
  }
}

absl::StatusOr<bool> StoreImpl::IdWasErased(storage::Repository& repo, std::string_view id) {
  OMNICTX_ASSIGN_OR_RETURN(std::string digest, TombstoneDigest(repo, CustomerIdTombstone(id)));
  return repo.HasTombstone(digest);
}

absl::StatusOr<std::string> StoreImpl::AssignCustomerId(storage::Repository& repo) {
  OMNICTX_ASSIGN_OR_RETURN(int64_t n, repo.MaxCustomerKey());
  while (true) {
    std::string id = StrCat("cus-", ++n);
    OMNICTX_ASSIGN_OR_RETURN(auto taken, repo.FindCustomer(id));
    if (taken) continue;  // a caller chose it
    OMNICTX_ASSIGN_OR_RETURN(bool erased, IdWasErased(repo, id));
    if (!erased) return id;
  }
}

Identity CustomerIdTombstone(std::string_view customer_id) {
  Identity id;
  id.set_platform("customer_id");
  id.set_value(std::string(customer_id));
  return id;
}

absl::StatusOr<std::shared_ptr<const journey::Definition>> StoreImpl::Definition(
    storage::Repository& repo, const std::string& key, int32_t version) {
  {
    absl::MutexLock lock(&defs_mu_);
    auto it = defs_.find(std::make_pair(key, version));
    if (it != defs_.end()) return it->second;
  }
  OMNICTX_ASSIGN_OR_RETURN(std::optional<Journey> stored, repo.GetJourney(key, version));
  if (!stored) return absl::NotFoundError("journey: no such journey definition");
  OMNICTX_ASSIGN_OR_RETURN(std::shared_ptr<const journey::Definition> def,
                           journey::Definition::Compile(*stored));
  absl::MutexLock lock(&defs_mu_);
  defs_.emplace(std::make_pair(key, stored->version()), def);
  return def;
}

absl::Status StoreImpl::Check() {
  return db_->Read([](storage::Repository& repo) { return repo.CheckIntegrity(); });
}

absl::StatusOr<int> StoreImpl::FileSchemaVersion() {
  int version = 0;
  OMNICTX_RETURN_IF_ERROR(db_->Read([&](storage::Repository& repo) -> absl::Status {
    OMNICTX_ASSIGN_OR_RETURN(version, repo.SchemaVersion());
    return absl::OkStatus();
  }));
  return version;
}

}  // namespace internal
}  // namespace omnictx
