// SPDX-License-Identifier: Apache-2.0
//
// Staffing math: how many agents a channel needs to answer its contacts
// within target, and how many one multi-skilled team would need instead.
//
//   omnictx::staffing::Demand voice{.contacts = 100, .interval = absl::Minutes(30),
//                                   .handle_time = absl::Seconds(180)};
//   auto need = omnictx::staffing::AgentsNeeded(
//       voice, {.service_level = 0.8, .answer_within = absl::Seconds(20)});
//   // need->agents == 14, need->service_level, need->asa ...
//
// Erlang C models a queue where nobody hangs up; Erlang A (Palm's M/M/N+M)
// adds customers' patience, so some abandon while waiting. Both are
// computed with recursions that stay finite for thousands of agents (no
// factorials).
#ifndef OMNICTX_STAFFING_H_
#define OMNICTX_STAFFING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace omnictx::staffing {

// The work offered to a team.
struct Demand {
  // Contacts arriving per `interval` (may be fractional: an average).
  double contacts = 0;
  absl::Duration interval = absl::Minutes(30);
  // Average handle time per contact.
  absl::Duration handle_time = absl::ZeroDuration();
  // Mean patience of a waiting customer (exponential). Set: Erlang A;
  // unset: Erlang C (nobody abandons).
  std::optional<absl::Duration> patience = std::nullopt;
};

// What the team must achieve.
struct Target {
  // Share of contacts to answer within `answer_within`, in (0, 1).
  double service_level = 0.8;
  absl::Duration answer_within = absl::Seconds(20);
  // Highest acceptable agent occupancy, in (0, 1].
  double max_occupancy = 1.0;
};

// How a team of `agents` copes with a demand.
struct Staffing {
  int agents = 0;
  // Offered load: contacts per second x handle time.
  double traffic_erlangs = 0;
  // Share of agents' time spent handling contacts (answered ones only
  // under Erlang A).
  double occupancy = 0;
  // Probability that a contact waits at all.
  double probability_wait = 0;
  // Share of all contacts answered within the target time (under Erlang A
  // a contact that abandons is not answered).
  double service_level = 0;
  // Average speed of answer: mean wait of answered contacts.
  absl::Duration asa = absl::ZeroDuration();
  // Share of contacts that abandon (Erlang A; 0 under Erlang C).
  double abandonment = 0;
  bool with_patience = false;
};

// The most agents any calculation considers.
inline constexpr int kMaxAgents = 100000;

// Evaluates a team of `agents` against a demand: Erlang C, or Erlang A when
// the demand has a patience. Under Erlang C a team no larger than the
// offered load never catches up: probability_wait 1, service level 0, ASA
// infinite.
// Returns InvalidArgument naming the field for a negative, non-finite or
// zero value where one is needed, or agents outside 1..kMaxAgents.
absl::StatusOr<Staffing> Evaluate(const Demand& demand, int agents,
                                  absl::Duration answer_within);

// The fewest agents meeting the target's service level and occupancy cap.
// Returns InvalidArgument naming the field for a malformed demand or
// target; ResourceExhausted if more than kMaxAgents would be needed.
absl::StatusOr<Staffing> AgentsNeeded(const Demand& demand, const Target& target);

// One channel in a pooling comparison.
struct ChannelDemand {
  std::string channel;
  Demand demand;
  Target target;
  // Real-time channels (voice, chat, video) queue contacts; asynchronous
  // ones (email, social posts) are a workload any idle agent can take.
  bool realtime = true;
};

// Agents needed with one team per channel vs one multi-skilled team.
struct PoolingResult {
  struct Channel {
    std::string channel;
    bool realtime = true;
    // Its own team: Erlang sized (real-time) or workload / occupancy cap
    // (asynchronous).
    int agents = 0;
    double workload_erlangs = 0;
  };
  std::vector<Channel> channels;
  int separate_agents = 0;
  // The real-time channels as one team: combined contacts, handle time
  // averaged by volume, held to the strictest target among them (highest
  // service level, shortest answer time, lowest occupancy cap).
  int pooled_realtime_agents = 0;
  Staffing pooled_realtime;
  // Asynchronous workload (erlangs) absorbed by the pooled team's idle
  // time up to its occupancy cap, and the agents added for the rest.
  double async_absorbed_erlangs = 0;
  int async_extra_agents = 0;
  int pooled_agents = 0;
  // separate_agents - pooled_agents, and as a share of separate_agents.
  int saving = 0;
  double saving_share = 0;
};

// Compares separate teams with one multi-skilled team. Asynchronous
// channels use their target's max_occupancy as the cap on busy time (1.0
// means agents may be fully busy).
// Returns InvalidArgument naming the channel and field for malformed input
// or when no channel is given; AgentsNeeded's errors.
absl::StatusOr<PoolingResult> ComparePooling(const std::vector<ChannelDemand>& channels);

}  // namespace omnictx::staffing

#endif  // OMNICTX_STAFFING_H_
