// SPDX-License-Identifier: Apache-2.0
//
// The omnictx command-line tool for operators. Run() is the whole program
// minus process plumbing, so tests drive it in-process.
#ifndef OMNICTX_CLI_CLI_H_
#define OMNICTX_CLI_CLI_H_

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/args.h"
#include "google/protobuf/message.h"
#include "omnictx/omnictx.h"

namespace omnictx::cli {

// Exit codes scripts can rely on.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,     // the operation failed (busy, conflict, I/O ...)
  kExitUsage = 2,      // bad arguments or bad input values
  kExitNotFound = 3,   // the customer, case, journey ... does not exist
  kExitRefused = 4,    // an import refused some messages (or all, with --strict)
  kExitDataLoss = 5,   // the database is corrupt (check)
};

// What a command gets: its arguments, where to write, and the environment.
struct Invocation {
  Args args = {};
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  bool json = false;
  std::string db = {};                // from --db or OMNICTX_DB
  std::shared_ptr<Clock> clock = {};  // null: the real clock
  std::string default_region = {};    // from --region or OMNICTX_REGION
  bool stderr_is_terminal = false;
};

// Runs `omnictx <argv...>` (argv without the program name). `env_db` and
// `env_region` stand for OMNICTX_DB and OMNICTX_REGION. Returns the exit code.
int Run(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err,
        const std::string& env_db = "", const std::string& env_region = "",
        std::shared_ptr<Clock> clock = nullptr, bool stderr_is_terminal = false);

// ---- Shared by the command files ----

// Maps a status to an exit code and prints "omnictx: <message>" on err.
int Fail(const Invocation& inv, const absl::Status& status);

// Opens the store named by --db/OMNICTX_DB. Only `init` creates files.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(const Invocation& inv, bool create = false);

// Resolves --customer, --phone, --email or --cookie to a customer id.
// Returns InvalidArgument if none or several are given; NotFound if nobody
// owns the identity.
absl::StatusOr<std::string> CustomerFrom(const Invocation& inv, Store& store);

// The identity named by --phone, --email or --cookie, if any.
std::optional<Identity> IdentityFrom(const Invocation& inv);

// Writes a proto as JSON (one document per line) or returns the error.
absl::Status PrintJson(const Invocation& inv, const google::protobuf::Message& m);

// Parses an integer option; InvalidArgument naming it if malformed.
absl::StatusOr<int64_t> IntFlag(const Invocation& inv, const std::string& name, int64_t fallback);

// The command table entries, one function per command file.
int CmdInit(Invocation& inv);
int CmdCheck(Invocation& inv);
int CmdCustomer(Invocation& inv);
int CmdLookup(Invocation& inv);
int CmdTimeline(Invocation& inv);
int CmdStalled(Invocation& inv);
int CmdJourneys(Invocation& inv);
int CmdCases(Invocation& inv);
int CmdMetrics(Invocation& inv);
int CmdReport(Invocation& inv);
// The window and grouping of `metrics` and `report`: --since/--until
// (default: the 7 days before now), --by, --journey, --recontact-window.
absl::StatusOr<MetricsQuery> MetricsQueryFrom(const Invocation& inv);
// `metrics staffing`: Erlang C / Erlang A what-ifs (commands_staffing.cc).
int CmdMetricsStaffing(Invocation& inv);
int CmdMerge(Invocation& inv);
int CmdUnmerge(Invocation& inv);
int CmdMerges(Invocation& inv);
int CmdErase(Invocation& inv);
int CmdImport(Invocation& inv);
int CmdServe(Invocation& inv);

}  // namespace omnictx::cli

#endif  // OMNICTX_CLI_CLI_H_
