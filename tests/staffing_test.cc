// SPDX-License-Identifier: Apache-2.0
//
// Staffing math: Erlang C against the classic worked example and Erlang B
// table values, against a direct (factorial) evaluation for small teams;
// stability for thousands of agents; Erlang A against a discrete-event
// simulation of the same queue and its Erlang C limit; pooling; bad input.
#include <cmath>
#include <queue>
#include <random>

#include "omnictx/staffing.h"
#include "test_util.h"

namespace omnictx {
namespace {

using Catch::Detail::Approx;
using staffing::Demand;
using staffing::Target;

// 100 contacts per 30 minutes with a 180 s handle time: 10 erlangs.
Demand TenErlangs() {
  return {.contacts = 100, .interval = absl::Minutes(30), .handle_time = absl::Seconds(180)};
}

// Erlang C straight from its definition, in long double, for small teams.
long double DirectErlangC(int n, long double a) {
  long double sum = 0, term = 1;
  for (int k = 0; k < n; ++k) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const long double last = term * a / n * n / (n - a);  // A^N/N! * N/(N-A)
  return last / (sum + last);
}

TEST_CASE("Erlang C matches the classic worked example", "[staffing]") {
  // The textbook case: 10 erlangs at 80% in 20 s needs 14 agents; 13 give
  // just under 80%. Probabilities of waiting 0.682 (11), 0.449 (12),
  // 0.285 (13), 0.174 (14).
  const double expected_wait[] = {0.6821, 0.4494, 0.2853, 0.1741};
  for (int n = 11; n <= 14; ++n) {
    ASSIGN_OR_FAIL(staffing::Staffing s, staffing::Evaluate(TenErlangs(), n, absl::Seconds(20)));
    INFO("agents " << n);
    CHECK(s.traffic_erlangs == Approx(10.0));
    CHECK(s.probability_wait == Approx(expected_wait[n - 11]).margin(5e-4));
    CHECK(s.probability_wait == Approx(static_cast<double>(DirectErlangC(n, 10))).epsilon(1e-9));
    CHECK(s.occupancy == Approx(10.0 / n));
  }
  ASSIGN_OR_FAIL(staffing::Staffing s14, staffing::Evaluate(TenErlangs(), 14, absl::Seconds(20)));
  // 1 - 0.1741 * exp(-(14 - 10) * 20 / 180): 88.8% answered within 20 s.
  CHECK(s14.service_level == Approx(0.8884).margin(5e-4));
  CHECK(absl::ToDoubleSeconds(s14.asa) == Approx(0.1741 * 180 / 4).margin(0.05));
  ASSIGN_OR_FAIL(staffing::Staffing s13, staffing::Evaluate(TenErlangs(), 13, absl::Seconds(20)));
  CHECK(s13.service_level < 0.8);
  ASSIGN_OR_FAIL(staffing::Staffing need,
                 staffing::AgentsNeeded(TenErlangs(), {.service_level = 0.8,
                                                       .answer_within = absl::Seconds(20)}));
  CHECK(need.agents == 14);
  CHECK(need.service_level >= 0.8);
  // An occupancy cap can ask for more than the service level does.
  ASSIGN_OR_FAIL(staffing::Staffing capped,
                 staffing::AgentsNeeded(TenErlangs(), {.service_level = 0.8,
                                                       .answer_within = absl::Seconds(20),
                                                       .max_occupancy = 0.6}));
  CHECK(capped.agents == 17);
}

TEST_CASE("Erlang C is monotone and stable for thousands of agents", "[staffing]") {
  double last_sl = 0;
  for (int n = 11; n <= 30; ++n) {
    ASSIGN_OR_FAIL(staffing::Staffing s, staffing::Evaluate(TenErlangs(), n, absl::Seconds(20)));
    CHECK(s.service_level > last_sl);
    last_sl = s.service_level;
  }
  // 5,000 erlangs: factorials would overflow a double hundreds of times over.
  Demand big{.contacts = 100000, .interval = absl::Hours(1), .handle_time = absl::Seconds(180)};
  ASSIGN_OR_FAIL(staffing::Staffing s,
                 staffing::AgentsNeeded(big, {.service_level = 0.9,
                                              .answer_within = absl::Seconds(20)}));
  CHECK(std::isfinite(s.probability_wait));
  CHECK(s.agents > 5000);
  CHECK(s.agents < 5200);  // large teams run close to the load
  CHECK(s.service_level >= 0.9);
  // A team no larger than the load never catches up.
  ASSIGN_OR_FAIL(staffing::Staffing under, staffing::Evaluate(TenErlangs(), 10, absl::Seconds(20)));
  CHECK(under.probability_wait == 1.0);
  CHECK(under.service_level == 0.0);
  CHECK(under.asa == absl::InfiniteDuration());
}

// A discrete-event simulation of M/M/N+M: Poisson arrivals, exponential
// service and patience, first come first served.
struct Simulated {
  double service_level = 0, abandonment = 0, probability_wait = 0, asa_s = 0;
};
Simulated Simulate(int n, double lambda, double aht, double patience, double t, int customers) {
  std::mt19937_64 rng(42);
  std::exponential_distribution<double> gap(lambda), service(1 / aht), wait_limit(1 / patience);
  std::priority_queue<double, std::vector<double>, std::greater<>> busy_until;
  // Agents free at these times; a waiting customer takes the earliest one
  // unless their patience runs out first (FCFS among those still waiting).
  std::vector<double> agents(n, 0.0);
  std::priority_queue<double, std::vector<double>, std::greater<>> free_at(agents.begin(),
                                                                           agents.end());
  double now = 0;
  int within = 0, abandoned = 0, waited = 0, served = 0;
  double total_wait = 0;
  for (int c = 0; c < customers; ++c) {
    now += gap(rng);
    const double limit = wait_limit(rng);
    // FCFS with abandonment: the next free agent goes to this customer if
    // they are still there; abandoning customers never hold an agent.
    const double agent = free_at.top();
    const double start = std::max(now, agent);
    const double wait = start - now;
    if (wait > 0) ++waited;
    if (wait > limit) {
      ++abandoned;
      continue;
    }
    free_at.pop();
    free_at.push(start + service(rng));
    ++served;
    total_wait += wait;
    if (wait <= t) ++within;
  }
  return {static_cast<double>(within) / customers, static_cast<double>(abandoned) / customers,
          static_cast<double>(waited) / customers, total_wait / served};
}

TEST_CASE("Erlang A agrees with a simulation of the same queue", "[staffing]") {
  // 10 erlangs, 11 agents, customers wait 60 s on average before hanging up.
  Demand d = TenErlangs();
  d.patience = absl::Seconds(60);
  ASSIGN_OR_FAIL(staffing::Staffing a, staffing::Evaluate(d, 11, absl::Seconds(20)));
  CHECK(a.with_patience);
  const Simulated sim = Simulate(11, 100.0 / 1800, 180, 60, 20, 400000);
  CHECK(a.abandonment == Approx(sim.abandonment).margin(0.01));
  CHECK(a.service_level == Approx(sim.service_level).margin(0.01));
  CHECK(a.probability_wait == Approx(sim.probability_wait).margin(0.015));
  CHECK(absl::ToDoubleSeconds(a.asa) == Approx(sim.asa_s).margin(1.0));
  // Impatience helps those who stay: better than Erlang C with 11 agents.
  ASSIGN_OR_FAIL(staffing::Staffing c, staffing::Evaluate(TenErlangs(), 11, absl::Seconds(20)));
  CHECK(a.service_level > c.service_level);
  CHECK(a.asa < c.asa);
  // Fewer agents than the load is fine under Erlang A: customers leave.
  ASSIGN_OR_FAIL(staffing::Staffing few, staffing::Evaluate(d, 8, absl::Seconds(20)));
  CHECK(few.abandonment > 0.2);
  CHECK(few.abandonment < 1.0);
}

TEST_CASE("Erlang A tends to Erlang C as patience grows", "[staffing]") {
  Demand d = TenErlangs();
  d.patience = absl::Hours(24 * 365);
  ASSIGN_OR_FAIL(staffing::Staffing a, staffing::Evaluate(d, 14, absl::Seconds(20)));
  ASSIGN_OR_FAIL(staffing::Staffing c, staffing::Evaluate(TenErlangs(), 14, absl::Seconds(20)));
  CHECK(a.probability_wait == Approx(c.probability_wait).margin(1e-4));
  CHECK(a.service_level == Approx(c.service_level).margin(1e-4));
  CHECK(absl::ToDoubleSeconds(a.asa) == Approx(absl::ToDoubleSeconds(c.asa)).margin(0.01));
  CHECK(a.abandonment < 1e-3);
  // Hundreds of agents with patience stay finite.
  Demand big{.contacts = 20000, .interval = absl::Hours(1), .handle_time = absl::Seconds(180),
             .patience = absl::Seconds(90)};
  ASSIGN_OR_FAIL(staffing::Staffing s,
                 staffing::AgentsNeeded(big, {.service_level = 0.8,
                                              .answer_within = absl::Seconds(20)}));
  CHECK(s.agents > 900);
  CHECK(s.agents < 1100);
  CHECK(std::isfinite(s.abandonment));
}

TEST_CASE("one multi-skilled team needs fewer agents than one team per channel", "[staffing]") {
  std::vector<staffing::ChannelDemand> channels = {
      {.channel = "voice", .demand = TenErlangs(),
       .target = {.service_level = 0.8, .answer_within = absl::Seconds(20)}},
      {.channel = "chat",
       .demand = {.contacts = 30, .interval = absl::Minutes(30), .handle_time = absl::Seconds(300)},
       .target = {.service_level = 0.8, .answer_within = absl::Seconds(60)}},
      {.channel = "email",
       .demand = {.contacts = 20, .interval = absl::Hours(1), .handle_time = absl::Seconds(360)},
       .target = {.service_level = 0.9, .answer_within = absl::Hours(24), .max_occupancy = 0.9},
       .realtime = false},
  };
  ASSIGN_OR_FAIL(staffing::PoolingResult r, staffing::ComparePooling(channels));
  REQUIRE(r.channels.size() == 3);
  CHECK(r.channels[0].agents == 14);
  CHECK(r.channels[2].agents == 3);  // 2 erlangs of email at 90% occupancy
  CHECK(r.separate_agents == r.channels[0].agents + r.channels[1].agents + 3);
  CHECK(r.pooled_realtime.traffic_erlangs == Approx(15.0));
  CHECK(r.pooled_realtime_agents < r.channels[0].agents + r.channels[1].agents);
  CHECK(r.async_absorbed_erlangs > 0);
  CHECK(r.pooled_agents == r.pooled_realtime_agents + r.async_extra_agents);
  CHECK(r.saving == r.separate_agents - r.pooled_agents);
  CHECK(r.saving > 0);
  CHECK(r.saving_share == Approx(static_cast<double>(r.saving) / r.separate_agents));
}

TEST_CASE("staffing refuses bad input naming the field", "[staffing][bad_input]") {
  auto message = [](const absl::Status& s) {
    REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
    return std::string(s.message());
  };
  Demand d = TenErlangs();
  d.contacts = -1;
  CHECK_THAT(message(staffing::Evaluate(d, 10, absl::Seconds(20)).status()),
             Catch::StartsWith("contacts:"));
  d = TenErlangs();
  d.contacts = std::nan("");
  CHECK_THAT(message(staffing::Evaluate(d, 10, absl::Seconds(20)).status()),
             Catch::StartsWith("contacts:"));
  d = TenErlangs();
  d.interval = absl::ZeroDuration();
  CHECK_THAT(message(staffing::Evaluate(d, 10, absl::Seconds(20)).status()),
             Catch::StartsWith("interval:"));
  d = TenErlangs();
  d.handle_time = absl::Seconds(-3);
  CHECK_THAT(message(staffing::Evaluate(d, 10, absl::Seconds(20)).status()),
             Catch::StartsWith("handle_time:"));
  d = TenErlangs();
  d.patience = absl::ZeroDuration();
  CHECK_THAT(message(staffing::Evaluate(d, 10, absl::Seconds(20)).status()),
             Catch::StartsWith("patience:"));
  CHECK_THAT(message(staffing::Evaluate(TenErlangs(), 0, absl::Seconds(20)).status()),
             Catch::StartsWith("agents:"));
  CHECK_THAT(message(staffing::AgentsNeeded(TenErlangs(), {.service_level = 1.0}).status()),
             Catch::StartsWith("service_level:"));
  CHECK_THAT(message(staffing::AgentsNeeded(TenErlangs(), {.max_occupancy = 0}).status()),
             Catch::StartsWith("max_occupancy:"));
  CHECK_THAT(message(staffing::ComparePooling({}).status()), Catch::StartsWith("channels:"));
  std::vector<staffing::ChannelDemand> bad = {{.channel = "chat", .demand = {}, .target = {}}};
  CHECK_THAT(message(staffing::ComparePooling(bad).status()),
             Catch::StartsWith("channels[chat].handle_time:"));
  Demand huge{.contacts = 1e9, .interval = absl::Hours(1), .handle_time = absl::Seconds(180)};
  CHECK(staffing::AgentsNeeded(huge, {}).status().code() == absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace omnictx
