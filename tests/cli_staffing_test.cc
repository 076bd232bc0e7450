// SPDX-License-Identifier: Apache-2.0
//
// `omnictx metrics staffing`, driven in-process through cli::Run: the
// figures it prints agree with the staffing API, and bad flags are usage
// errors naming the flag. No database is involved.
#include <sstream>

#include "cli/cli.h"
#include "omnictx/staffing.h"
#include "test_util.h"

namespace omnictx {
namespace {

struct Run {
  int code = 0;
  std::string out;
  std::string err;
};

// The classic example (100 contacts per 30 min, AHT 180 s, 80% in 20 s)
// with the flags in `change` replacing or adding to it (a flag without a
// leading "--" is a positional word).
Run Staffing(std::vector<std::string> change) {
  const std::vector<std::string> base = {"--volume", "100", "--interval", "30m", "--aht",
                                         "180s", "--target", "0.8", "--answer-within", "20s"};
  std::vector<std::string> argv = {"metrics", "staffing"};
  for (size_t i = 0; i < base.size(); i += 2) {
    bool replaced = false;
    for (const std::string& c : change) replaced = replaced || c == base[i];
    if (replaced) continue;
    argv.push_back(base[i]);
    argv.push_back(base[i + 1]);
  }
  argv.insert(argv.end(), change.begin(), change.end());
  std::ostringstream out, err;
  const int code = cli::Run(argv, out, err);
  return {code, out.str(), err.str()};
}

// The number after "\"key\":" in a one-line JSON object.
double JsonNumber(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const size_t at = json.find(needle);
  REQUIRE(at != std::string::npos);
  return std::stod(json.substr(at + needle.size()));
}

TEST_CASE("metrics staffing prints the Erlang A figures the API computes", "[cli][staffing]") {
  Run r = Staffing({"--patience", "60s", "--json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  staffing::Demand d{.contacts = 100, .interval = absl::Minutes(30),
                     .handle_time = absl::Seconds(180), .patience = absl::Seconds(60)};
  ASSIGN_OR_FAIL(staffing::Staffing need,
                 staffing::AgentsNeeded(d, {.service_level = 0.8,
                                            .answer_within = absl::Seconds(20)}));
  CHECK(JsonNumber(r.out, "agents") == need.agents);
  CHECK(JsonNumber(r.out, "service_level") == Approx(need.service_level).epsilon(1e-5));
  CHECK(JsonNumber(r.out, "probability_wait") == Approx(need.probability_wait).epsilon(1e-5));
  CHECK(JsonNumber(r.out, "abandonment") == Approx(need.abandonment).epsilon(1e-5));
  CHECK(JsonNumber(r.out, "asa_seconds") ==
        Approx(absl::ToDoubleSeconds(need.asa)).epsilon(1e-5));
  CHECK(JsonNumber(r.out, "occupancy") == Approx(need.occupancy).epsilon(1e-5));

  // A given team, as a table.
  r = Staffing({"--patience", "60s", "--agents", "12"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("With 12 agents") && Catch::Contains("abandonment"));
  // An occupancy cap raises the answer (17 agents at 60%, see staffing_test).
  r = Staffing({"--max-occupancy", "0.6", "--json"});
  REQUIRE(r.code == 0);
  CHECK(JsonNumber(r.out, "agents") == 17);
  // Durations in other spellings: 3 minutes is 180 s, half an hour 1800 s.
  std::ostringstream out, err;
  REQUIRE(cli::Run({"metrics", "staffing", "--volume", "100", "--interval", "1800", "--aht", "3m",
                    "--answer-within", "20", "--json"},
                   out, err) == 0);
  CHECK(JsonNumber(out.str(), "agents") == 14);
}

TEST_CASE("metrics staffing refuses bad flags naming them", "[cli][staffing]") {
  struct Bad {
    std::vector<std::string> extra;
    std::string message;
  };
  const Bad cases[] = {
      {{"--volume", "lots"}, "--volume: not a number"},
      {{"--volume", "-5"}, "--volume:"},
      {{"--volume", "nan"}, "--volume:"},
      {{"--aht", "0s"}, "--aht: must be positive"},
      {{"--aht", "soon"}, "--aht: not a duration"},
      {{"--interval", "0"}, "--interval: must be positive"},
      {{"--interval", "-30m"}, "--interval:"},
      {{"--target", "0"}, "--target:"},
      {{"--target", "80%"}, "--target: not a number"},
      {{"--answer-within", "soon"}, "--answer-within:"},
      {{"--patience", "0s"}, "--patience:"},
      {{"--max-occupancy", "1.2"}, "--max-occupancy:"},
      {{"--agents", "many"}, "--agents:"},
      {{"--agents", "-1"}, "--agents:"},
      {{"--since", "2026-03-02T09:00:00Z"}, "--since: not an option of metrics staffing"},
      {{"--frobnicate", "1"}, "--frobnicate: unknown option"},
      {{"extra"}, "unexpected argument 'extra'"},
  };
  for (const Bad& c : cases) {
    const Run r = Staffing(c.extra);
    INFO(c.extra[0] << " -> " << r.err);
    CHECK(r.code == cli::kExitUsage);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK(r.out.empty());
  }
  // Missing required flags.
  std::ostringstream out, err;
  CHECK(cli::Run({"metrics", "staffing", "--volume", "100", "--interval", "30m",
                  "--answer-within", "20s"},
                 out, err) == cli::kExitUsage);
  CHECK_THAT(err.str(), Catch::Contains("--aht: required"));
  // More agents than any calculation considers: a failure, not a usage error.
  const Run r = Staffing({"--volume", "1e9"});
  CHECK(r.code == cli::kExitFailed);
  CHECK_THAT(r.err, Catch::Contains("agents: more than 100000"));
}

}  // namespace
}  // namespace omnictx
