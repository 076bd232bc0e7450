// SPDX-License-Identifier: Apache-2.0
//
// `omnictx metrics staffing`, driven in-process through cli::Run: the
// figures it prints agree with the staffing API (one channel, several
// pooled with --pool, one measured in a database with --channel), and bad
// flags are usage errors naming the flag.
#include <sstream>

#include "cli/cli.h"
#include "omnictx/staffing.h"
#include "test_util.h"
#include "util/strings.h"

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
      {{"--target", "0.8", "--target", "0.9"}, "--target: given twice"},
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

Run Cli(const std::vector<std::string>& argv, const std::string& db = "") {
  std::ostringstream out, err;
  const int code = cli::Run(argv, out, err, db);
  return {code, out.str(), err.str()};
}

std::vector<std::string> Pool(std::vector<std::string> extra) {
  std::vector<std::string> argv = {"metrics", "staffing"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// The number after "\"key\":" at or after `from` in a JSON line.
double JsonNumberAfter(const std::string& json, const std::string& from, const std::string& key) {
  const size_t at = json.find(from);
  REQUIRE(at != std::string::npos);
  return JsonNumber(json.substr(at), key);
}

TEST_CASE("metrics staffing --pool compares one team per channel with one team",
          "[cli][staffing]") {
  const std::vector<std::string> pools = {
      "--pool", "voice=100/30m/180s/0.8/20s", "--pool", "chat=30/30m/5m/0.8/60s",
      "--pool", "email=20/1h/360s/async", "--max-occupancy", "0.9"};
  std::vector<std::string> json = pools;
  json.push_back("--json");
  Run r = Cli(Pool(json));
  INFO(r.err);
  REQUIRE(r.code == 0);
  // The same comparison through the API.
  std::vector<staffing::ChannelDemand> channels = {
      {.channel = "voice",
       .demand = {.contacts = 100, .interval = absl::Minutes(30), .handle_time = absl::Seconds(180)},
       .target = {.service_level = 0.8, .answer_within = absl::Seconds(20), .max_occupancy = 0.9}},
      {.channel = "chat",
       .demand = {.contacts = 30, .interval = absl::Minutes(30), .handle_time = absl::Seconds(300)},
       .target = {.service_level = 0.8, .answer_within = absl::Seconds(60), .max_occupancy = 0.9}},
      {.channel = "email",
       .demand = {.contacts = 20, .interval = absl::Hours(1), .handle_time = absl::Seconds(360)},
       .target = {.max_occupancy = 0.9}, .realtime = false},
  };
  ASSIGN_OR_FAIL(staffing::PoolingResult want, staffing::ComparePooling(channels));
  CHECK(JsonNumber(r.out, "separate_agents") == want.separate_agents);
  CHECK(JsonNumber(r.out, "pooled_realtime_agents") == want.pooled_realtime_agents);
  CHECK(JsonNumber(r.out, "pooled_agents") == want.pooled_agents);
  CHECK(JsonNumber(r.out, "async_extra_agents") == want.async_extra_agents);
  CHECK(JsonNumber(r.out, "saving") == want.saving);
  CHECK(JsonNumber(r.out, "saving_share") == Approx(want.saving_share).epsilon(1e-5));
  CHECK(JsonNumber(r.out, "async_workload_erlangs") == Approx(2.0));
  CHECK(JsonNumber(r.out, "pooled_idle_erlangs") == Approx(want.pooled_idle_erlangs).epsilon(1e-5));
  CHECK(JsonNumber(r.out, "async_absorbed_erlangs") ==
        Approx(want.async_absorbed_erlangs).epsilon(1e-5));
  CHECK(want.saving > 0);
  // Per channel: voice's own team, email's workload.
  CHECK(JsonNumberAfter(r.out, "\"channel\":\"voice\"", "agents") == want.channels[0].agents);
  CHECK(JsonNumberAfter(r.out, "\"channel\":\"email\"", "agents") == 3);  // 2 erlangs at 90%
  CHECK(JsonNumberAfter(r.out, "\"channel\":\"email\"", "workload_erlangs") == Approx(2.0));
  CHECK_THAT(r.out, Catch::Contains("\"pooled_model\":\"erlang_c\""));
  CHECK_THAT(r.out, !Catch::Contains("abandonment"));

  // As a table.
  r = Cli(Pool(pools));
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains(internal::StrCat("One team per channel:    ",
                                                     want.separate_agents, " agents")));
  CHECK_THAT(r.out, Catch::Contains(internal::StrCat("One multi-skilled team:  ",
                                                     want.pooled_agents, " agents")));
  CHECK_THAT(r.out, Catch::Contains(internal::StrCat("Saving:                  ", want.saving,
                                                     " agent")));
  CHECK_THAT(r.out, Catch::Contains("email        async") && Catch::Contains("Erlang C"));

  // A patience on every real-time channel: the pooled team uses Erlang A.
  r = Cli(Pool({"--pool", "voice=100/30m/180s/0.8/20s/60s", "--pool",
                "chat=30/30m/5m/0.8/60s/2m", "--json"}));
  REQUIRE(r.code == 0);
  channels[0].demand.patience = absl::Seconds(60);
  channels[1].demand.patience = absl::Seconds(120);
  channels.pop_back();
  for (auto& c : channels) c.target.max_occupancy = 1.0;
  ASSIGN_OR_FAIL(staffing::PoolingResult patient, staffing::ComparePooling(channels));
  CHECK(JsonNumber(r.out, "pooled_agents") == patient.pooled_agents);
  CHECK(JsonNumber(r.out, "separate_agents") == patient.separate_agents);
  CHECK_THAT(r.out, Catch::Contains("\"pooled_model\":\"erlang_a\""));
  CHECK(JsonNumberAfter(r.out, "\"pooled_realtime\"", "abandonment") ==
        Approx(patient.pooled_realtime.abandonment).epsilon(1e-5));
}

TEST_CASE("metrics staffing --pool refuses bad entries naming them", "[cli][staffing]") {
  struct Bad {
    std::vector<std::string> argv;
    std::string message;
  };
  const Bad cases[] = {
      {{"--pool", "voice"}, "--pool voice: not NAME=VOLUME/INTERVAL/AHT/LEVEL/WITHIN"},
      {{"--pool", "voice=100/30m/180s"}, "--pool voice=100/30m/180s: not NAME="},
      {{"--pool", "voice=100/30m/180s/0.8/20s/60s/9"}, "not NAME="},
      {{"--pool", "email=40/30m/600s/asynch"}, "--pool email=40/30m/600s/asynch: not NAME="},
      {{"--pool", "=100/30m/180s/0.8/20s"}, "NAME must be"},
      {{"--pool", "vo ice=100/30m/180s/0.8/20s"}, "NAME must be"},
      {{"--pool", "voice=lots/30m/180s/0.8/20s"}, "VOLUME 'lots' must be a number"},
      {{"--pool", "voice=-1/30m/180s/0.8/20s"}, "VOLUME '-1' must be a number, 0 or more"},
      {{"--pool", "voice=100/0s/180s/0.8/20s"}, "INTERVAL must be positive"},
      {{"--pool", "voice=100/30m/soon/0.8/20s"}, "AHT 'soon' is not a duration"},
      {{"--pool", "voice=100/30m/0s/0.8/20s"}, "--pool voice=100/30m/0s/0.8/20s: AHT must be positive"},
      {{"--pool", "voice=100/30m/180s/80%/20s"}, "LEVEL '80%' must be a share"},
      {{"--pool", "voice=100/30m/180s/1.5/20s"}, "LEVEL '1.5' must be a share"},
      {{"--pool", "voice=100/30m/180s/0/20s"}, "LEVEL '0' must be a share"},
      {{"--pool", "voice=100/30m/180s/0.8/-5s"}, "WITHIN '-5s' is negative"},
      {{"--pool", "voice=100/30m/180s/0.8/20s/0s"}, "PATIENCE must be positive"},
      {{"--pool", "voice=100/30m/180s/0.8/20s", "--pool", "voice=10/30m/180s/0.8/20s"},
       "voice is given twice"},
      {{"--pool", "voice=100/30m/180s/0.8/20s", "--volume", "100"}, "--volume: not used with --pool"},
      {{"--pool", "voice=100/30m/180s/0.8/20s", "--target", "0.8"}, "--target: not used with --pool"},
      {{"--pool", "voice=100/30m/180s/0.8/20s", "--channel", "voice"},
       "--channel: not used with --pool"},
      {{"--pool", "voice=100/30m/180s/0.8/20s", "--max-occupancy", "0"}, "--max-occupancy:"},
      {{"--pool", "voice=100/30m/180s/0.8/20s", "--max-occupancy", "high"},
       "--max-occupancy: not a number"},
  };
  for (const Bad& c : cases) {
    const Run r = Cli(Pool(c.argv));
    INFO(c.argv[1] << " -> " << r.err);
    CHECK(r.code == cli::kExitUsage);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK(r.out.empty());
  }
  // Too much work: the library's refusal names the entry.
  const Run r = Cli(Pool({"--pool", "voice=1e9/1h/180s/0.8/20s"}));
  CHECK(r.code == cli::kExitFailed);
  CHECK_THAT(r.err, Catch::Contains("more than 100000"));
}

// A day of voice calls: at 09:00-10:00, 20 answered after 10 s and 4
// abandoned after 40 s; at 14:00-15:00, 5 answered at once. Answered calls
// take 5 minutes. Chat has nothing.
class MeasuredDb {
 public:
  MeasuredDb() {
    std::vector<Interaction> calls;
    auto call = [&](absl::Time at, int wait_s, bool answered) {
      Interaction i = testing::MakeInteraction("c1", at, v1::CHANNEL_KIND_VOICE, "ivr", "call");
      *i.mutable_wait_time() = ToProtoDuration(absl::Seconds(wait_s));
      i.set_answered(answered);
      i.set_abandoned(!answered);
      if (answered) *i.mutable_handle_time() = ToProtoDuration(absl::Minutes(5));
      calls.push_back(i);
    };
    const absl::Time t0 = testing::TestEpoch();  // 2026-03-02 09:00 UTC
    for (int n = 0; n < 24; ++n) call(t0 + absl::Minutes(2 * n), n < 20 ? 10 : 40, n < 20);
    for (int n = 0; n < 5; ++n) call(t0 + absl::Hours(5) + absl::Minutes(n), 0, true);
    testing::MakeCustomer(store_.store(), "c1", "Ann");
    REQUIRE(store_->RecordBatch(calls).ok());
    store_.Close();
  }
  Run operator()(std::vector<std::string> extra) {
    std::vector<std::string> argv = {"metrics", "staffing", "--since", "2026-03-02T00:00:00Z",
                                     "--until", "2026-03-03T00:00:00Z"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return Cli(argv, store_.path());
  }

 private:
  testing::TempStore store_;
};

TEST_CASE("metrics staffing --channel sizes the busiest hour measured in the database",
          "[cli][staffing]") {
  MeasuredDb db;
  Run r = db({"--channel", "voice", "--json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  // The 09:00 hour: 24 offered in one day; AHT 5 min; voice's 80% in 20 s.
  CHECK_THAT(r.out, Catch::StartsWith("{\"channel\":\"voice\",\"busiest_hour\":\"09\","));
  CHECK(JsonNumber(r.out, "contacts_per_hour") == 24);
  CHECK(JsonNumber(r.out, "aht_seconds") == 300);
  CHECK_THAT(r.out, Catch::Contains("\"aht_measured\":true") && !Catch::Contains("patience"));
  staffing::Demand d{.contacts = 24, .interval = absl::Hours(1), .handle_time = absl::Minutes(5)};
  ASSIGN_OR_FAIL(staffing::Staffing need,
                 staffing::AgentsNeeded(d, {.service_level = 0.8,
                                            .answer_within = absl::Seconds(20)}));
  CHECK(JsonNumber(r.out, "agents") == need.agents);
  CHECK(JsonNumber(r.out, "service_level") == Approx(need.service_level).epsilon(1e-5));

  // The measured patience: 360 s of waiting over 4 abandons, 90 s.
  r = db({"--channel", "voice", "--patience", "measured", "--json"});
  REQUIRE(r.code == 0);
  CHECK(JsonNumber(r.out, "patience_seconds") == Approx(90));
  d.patience = absl::Seconds(90);
  ASSIGN_OR_FAIL(staffing::Staffing patient,
                 staffing::AgentsNeeded(d, {.service_level = 0.8,
                                            .answer_within = absl::Seconds(20)}));
  CHECK(JsonNumber(r.out, "agents") == patient.agents);
  CHECK(JsonNumber(r.out, "abandonment") == Approx(patient.abandonment).epsilon(1e-5));

  // Another target, as a table.
  r = db({"--channel", "voice", "--target", "0.9", "--answer-within", "30s"});
  REQUIRE(r.code == 0);
  d.patience.reset();
  ASSIGN_OR_FAIL(staffing::Staffing strict,
                 staffing::AgentsNeeded(d, {.service_level = 0.9,
                                            .answer_within = absl::Seconds(30)}));
  CHECK_THAT(r.out, Catch::Contains("voice, busiest hour 09:00 UTC") &&
                        Catch::Contains("24.0 contacts per hour") &&
                        Catch::Contains("AHT 5m (measured)") &&
                        Catch::Contains(internal::StrCat("Needed: ", strict.agents, " agents")) &&
                        Catch::Contains("(target 90%)"));

  // Abandons under 45 s are short: 20 offered at 09:00, nothing to measure patience from.
  r = db({"--channel", "voice", "--short-abandon", "voice=45s", "--json"});
  REQUIRE(r.code == 0);
  CHECK(JsonNumber(r.out, "contacts_per_hour") == 20);
  r = db({"--channel", "voice", "--short-abandon", "voice=45s", "--patience", "measured"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--patience: no voice contact was abandoned"));
}

TEST_CASE("metrics staffing --channel refuses what it cannot measure", "[cli][staffing]") {
  MeasuredDb db;
  struct Bad {
    std::vector<std::string> extra;
    int code;
    std::string message;
  };
  const Bad cases[] = {
      {{"--channel", "pigeon"}, cli::kExitUsage, "--channel: unknown channel 'pigeon'"},
      {{"--channel", "email"}, cli::kExitUsage, "--channel: email is asynchronous"},
      {{"--channel", "chat"}, cli::kExitNotFound, "--channel: no chat contacts were offered"},
      {{"--channel", "voice", "--volume", "10"}, cli::kExitUsage,
       "--volume: not used with --channel"},
      {{"--channel", "voice", "--interval", "1h"}, cli::kExitUsage,
       "--interval: not used with --channel"},
      {{"--channel", "voice", "--short-abandon", "voice"}, cli::kExitUsage,
       "--short-abandon voice: not CHANNEL=DURATION"},
      {{"--channel", "voice", "--by", "hour"}, cli::kExitUsage,
       "--by: not an option of metrics staffing"},
      {{"--channel", "voice", "--target", "0.8", "--target", "0.9"}, cli::kExitUsage,
       "--target: given twice"},
      {{"--channel", "voice", "--patience", "soon"}, cli::kExitUsage, "--patience:"},
  };
  for (const Bad& c : cases) {
    const Run r = db(c.extra);
    INFO(c.extra[1] << " -> " << r.err);
    CHECK(r.code == c.code);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK(r.out.empty());
  }
  // The window flags need --channel.
  Run r = Staffing({"--since", "2026-03-02T00:00:00Z"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--since: not an option of metrics staffing without --channel"));
  r = Staffing({"--short-abandon", "voice=5s"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--short-abandon: not an option"));
}

}  // namespace
}  // namespace omnictx
