// SPDX-License-Identifier: Apache-2.0
//
// Shared by the `metrics staffing` files: commands_staffing.cc (one
// channel, given or measured) and staffing_pool.cc (--pool).
#ifndef OMNICTX_CLI_STAFFING_CLI_H_
#define OMNICTX_CLI_STAFFING_CLI_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cli/cli.h"
#include "omnictx/staffing.h"

namespace omnictx::cli {

// A number option; `fallback` when absent, else InvalidArgument
// "--name: required". InvalidArgument "--name: not a number" if malformed.
absl::StatusOr<double> NumberFlag(const Invocation& inv, const std::string& name,
                                  std::optional<double> fallback);

// A duration option; InvalidArgument "--name: required" when absent.
absl::StatusOr<absl::Duration> DurationFlag(const Invocation& inv, const std::string& name);

// Renames the API field at the start of a staffing error to the CLI flag
// ("handle_time: ..." -> "--aht: ...").
absl::Status AsFlag(const absl::Status& st);

// The staffing figures as JSON object members, without braces:
// "agents":14,"traffic_erlangs":10,... ("abandonment" only with patience).
std::string StaffingJsonFields(const staffing::Staffing& s);

// `metrics staffing --pool ...` (staffing_pool.cc).
int CmdStaffingPool(Invocation& inv);

}  // namespace omnictx::cli

#endif  // OMNICTX_CLI_STAFFING_CLI_H_
