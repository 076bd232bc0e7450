// SPDX-License-Identifier: Apache-2.0
//
// Staffing math: how many agents a channel needs to answer its contacts
// within target, and how many one multi-skilled team would need instead.
//
//   omnictx::staffing::Demand voice{.contacts = 100, .interval = absl::Minutes(30),
//                                   .handle_time = absl::Seconds(180)};
//   auto need = omnictx::staffing::AgentsNeeded(
//       voice, {.service_level = 0.8, .answer_within = absl::Seconds(20)});
//   // need->agents == 14, need->service_level 0.888, need->asa 7.8 s ...
//
// Models. Contacts arrive at random (Poisson) and handle times are
// exponential; one first-come-first-served queue feeds the agents.
// - Erlang C (M/M/N): nobody hangs up. A team no larger than the offered
//   load never catches up.
// - Erlang A (Palm's M/M/N+M), chosen by giving Demand::patience: each
//   waiting customer hangs up after an exponential time with that mean, so
//   the queue always settles and some contacts are abandoned.
// Both are computed with recursions and log-space sums, never factorials,
// so thousands of agents and thousands of erlangs stay finite.
//
// Service level is the share of ALL offered contacts answered within
// `answer_within`. Under Erlang A a contact that abandons counts as not
// answered in time, whenever it hangs up (short abandons are not excluded).
// ASA is the mean wait of answered contacts, zero waits included.
//
// All functions are pure and thread-safe.
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
  // Contacts arriving per `interval` (an average, so it may be fractional).
  double contacts = 0;
  absl::Duration interval = absl::Minutes(30);
  // Average handle time per contact (talk plus wrap-up).
  absl::Duration handle_time = absl::ZeroDuration();
  // Mean patience of a waiting customer. Set: Erlang A; unset: Erlang C.
  std::optional<absl::Duration> patience = std::nullopt;
};

// What the team must achieve.
struct Target {
  // Share of offered contacts to answer within `answer_within`, in (0, 1].
  double service_level = 0.8;
  absl::Duration answer_within = absl::Seconds(20);
  // Highest acceptable share of agents' time spent handling, in (0, 1].
  double max_occupancy = 1.0;
};

// How a team of `agents` copes with a demand.
struct Staffing {
  int agents = 0;
  // Offered load in erlangs: contacts per second x handle time.
  double traffic_erlangs = 0;
  // Share of agents' time spent handling contacts (answered ones only:
  // under Erlang A abandoned contacts take no agent time).
  double occupancy = 0;
  // Probability that a contact finds every agent busy and waits.
  double probability_wait = 0;
  // Share of offered contacts answered within the target time.
  double service_level = 0;
  // Average speed of answer: mean wait of answered contacts. Infinite
  // under Erlang C when the team is no larger than the load.
  absl::Duration asa = absl::ZeroDuration();
  // Share of offered contacts that hang up while waiting (Erlang A only).
  double abandonment = 0;
  // True when computed with Erlang A.
  bool with_patience = false;
};

// The most agents any calculation considers.
inline constexpr int kMaxAgents = 100000;

// Evaluates a team of `agents` against a demand: Erlang C, or Erlang A when
// the demand has a patience. Under Erlang C a team no larger than the
// offered load never catches up: probability_wait 1, service level 0,
// occupancy 1, ASA infinite.
// Returns InvalidArgument naming the field (contacts, interval,
// handle_time, patience, agents, answer_within) for a negative, non-finite
// or zero value where one is needed, or agents outside 1..kMaxAgents;
// ResourceExhausted if, under Erlang A, the patience is so long against an
// overloaded team that the queue would need millions of states.
absl::StatusOr<Staffing> Evaluate(const Demand& demand, int agents, absl::Duration answer_within);

// Returns the fewest agents meeting the target's service level and
// occupancy cap, with the figures for that team. No contacts need no
// agents (agents 0, service level 1).
// Returns InvalidArgument naming the field for a malformed demand or
// target; ResourceExhausted if more than kMaxAgents would be needed.
absl::StatusOr<Staffing> AgentsNeeded(const Demand& demand, const Target& target);

// One channel in a pooling comparison.
struct ChannelDemand {
  std::string channel;
  Demand demand;
  Target target;
  // Real-time channels (voice, chat, video) queue contacts and are sized
  // with Erlang C/A. Asynchronous ones (email, messages, back office) are
  // a workload: contacts x handle time, served whenever an agent is idle;
  // only their target's max_occupancy is used.
  bool realtime = true;
};

// Agents needed with one team per channel versus one multi-skilled team.
// Workloads are in erlangs, i.e. agent-hours of work per hour.
struct PoolingResult {
  struct Channel {
    std::string channel;
    bool realtime = true;
    // Its own team: AgentsNeeded (real-time) or workload / max_occupancy
    // rounded up (asynchronous).
    int agents = 0;
    double workload_erlangs = 0;
    // Real-time channels: the figures of its own team.
    Staffing staffing = {};
  };
  std::vector<Channel> channels;
  int separate_agents = 0;
  // The real-time channels as one team (see ComparePooling for the rule).
  int pooled_realtime_agents = 0;
  Staffing pooled_realtime = {};
  // Asynchronous workload, the pooled team's idle time up to the
  // occupancy cap, the part of the workload that idle time absorbs, and
  // the agents added for the rest.
  double async_workload_erlangs = 0;
  double pooled_idle_erlangs = 0;
  double async_absorbed_erlangs = 0;
  int async_extra_agents = 0;
  // pooled_realtime_agents + async_extra_agents.
  int pooled_agents = 0;
  // separate_agents - pooled_agents, and that as a share of separate_agents.
  int saving = 0;
  double saving_share = 0;
};

// Compares one team per channel with one multi-skilled team. The pooled
// team takes the real-time channels' contacts together: their contacts
// add up, the handle time is their volume-weighted mean, and the team is
// held to the strictest target among them (highest service level,
// shortest answer time, lowest occupancy cap) so that every channel's
// target is still met. Patience is pooled (volume-weighted) only when
// every real-time channel has one; otherwise the pooled team uses Erlang C,
// which can only understate the saving. Asynchronous work is assumed
// interruptible: it fills the pooled team's idle time up to the lowest
// occupancy cap of all channels, and agents are added only for the rest.
// Returns InvalidArgument naming the channel and field
// ("channels[email].handle_time: ...") for malformed input, when no
// channel is given or a channel name repeats; AgentsNeeded's errors.
absl::StatusOr<PoolingResult> ComparePooling(const std::vector<ChannelDemand>& channels);

}  // namespace omnictx::staffing

#endif  // OMNICTX_STAFFING_H_
