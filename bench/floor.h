// SPDX-License-Identifier: Apache-2.0
//
// The floor: the context lookup written by hand against the same SQLite file
// with the sqlite3 C API. It exists only as the comparison baseline of the
// benchmarks (library time / floor time); the library never uses it.
//
// It runs what a careful hand-written lookup needs and nothing else: in one
// read transaction, identity -> customer row -> identities -> active journey
// instances -> open cases -> the 20 most recent interactions, each a cached
// prepared statement on the schema's own indexes. It reads every column the
// library reads but decodes no blob (no protobuf parsing) and builds no
// answer, and takes the phone number already in E.164 (no parsing).
#ifndef OMNICTX_BENCH_FLOOR_H_
#define OMNICTX_BENCH_FLOOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

struct sqlite3;
struct sqlite3_stmt;

namespace omnictx::bench {

// One read-only connection with its prepared statements. Use from one
// thread at a time.
class FloorLookup {
 public:
  // Opens `path` read-only with the library's default connection settings
  // that matter for reads (mmap_size).
  static absl::StatusOr<std::unique_ptr<FloorLookup>> Open(const std::string& path,
                                                           int64_t mmap_size);
  ~FloorLookup();
  FloorLookup(const FloorLookup&) = delete;
  FloorLookup& operator=(const FloorLookup&) = delete;

  struct Result {
    bool known = false;
    int identities = 0;
    int journeys = 0;
    int cases = 0;
    int recent = 0;
    uint64_t bytes = 0;  // column bytes touched, so nothing is optimized out
  };
  // Looks up the customer owning the E.164 phone number.
  absl::StatusOr<Result> ByPhone(std::string_view e164, int recent_limit = 20);

 private:
  FloorLookup() = default;
  sqlite3* db_ = nullptr;
  enum Stmt {
    kBegin,
    kCommit,
    kIdentity,
    kCustomer,
    kIdentities,
    kJourneys,
    kCases,
    kRecent,
    kCount
  };
  sqlite3_stmt* stmts_[kCount] = {};
};

}  // namespace omnictx::bench

#endif  // OMNICTX_BENCH_FLOOR_H_
