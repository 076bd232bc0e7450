// SPDX-License-Identifier: Apache-2.0
//
// Command-line arguments for the omnictx tool: `--name value`,
// `--name=value` and bare `--flag`, plus positional words. Every option a
// command reads must be declared, so a typo is a usage error, not ignored.
// An option may be given once, unless it is declared repeatable (e.g.
// `--target voice=0.8/20s --target email=0.9/24h`).
#ifndef OMNICTX_CLI_ARGS_H_
#define OMNICTX_CLI_ARGS_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace omnictx::cli {

class Args {
 public:
  // Splits argv (after the subcommand). Returns InvalidArgument for an
  // option given twice (unless in `repeatable`) or a value missing.
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& argv,
                                    const std::set<std::string>& flags_without_value,
                                    const std::set<std::string>& repeatable = {});

  bool Has(const std::string& name) const { return options_.count(name) > 0; }
  // The value of an option (the first one of a repeatable option).
  std::optional<std::string> Get(const std::string& name) const;
  // Every value of an option, in command-line order; empty if not given.
  std::vector<std::string> GetAll(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

  // Returns InvalidArgument naming the first option not in `known`.
  absl::Status OnlyKnown(const std::set<std::string>& known) const;

 private:
  std::map<std::string, std::vector<std::string>> options_ = {};
  std::vector<std::string> positional_ = {};
};

// Parses "30m", "20s", "1h30m", "2d", "180" (seconds). Returns
// InvalidArgument naming `field` if malformed, negative or infinite.
absl::StatusOr<absl::Duration> ParseDurationFlag(const std::string& field, const std::string& text);

// Parses an RFC 3339 time ("2026-03-02T09:00:00Z"). Returns InvalidArgument
// naming `field` if malformed.
absl::StatusOr<absl::Time> ParseTimeFlag(const std::string& field, const std::string& text);

}  // namespace omnictx::cli

#endif  // OMNICTX_CLI_ARGS_H_
