// SPDX-License-Identifier: Apache-2.0
#include "omnictx/staffing.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/strings.h"

namespace omnictx::staffing {
namespace {

bool Finite(absl::Duration d) {
  return d != absl::InfiniteDuration() && d != -absl::InfiniteDuration();
}

absl::Status CheckDemand(const Demand& d, const std::string& where) {
  if (!std::isfinite(d.contacts) || d.contacts < 0) {
    return absl::InvalidArgumentError(
        internal::StrCat(where, "contacts: must be a finite number, zero or more"));
  }
  if (!Finite(d.interval) || d.interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(internal::StrCat(where, "interval: must be positive"));
  }
  if (!Finite(d.handle_time) || d.handle_time <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(internal::StrCat(where, "handle_time: must be positive"));
  }
  if (d.patience && (!Finite(*d.patience) || *d.patience <= absl::ZeroDuration())) {
    return absl::InvalidArgumentError(internal::StrCat(where, "patience: must be positive"));
  }
  return absl::OkStatus();
}

absl::Status CheckTarget(const Target& t, const std::string& where) {
  if (!(t.service_level > 0 && t.service_level < 1)) {
    return absl::InvalidArgumentError(
        internal::StrCat(where, "service_level: must be between 0 and 1 (exclusive)"));
  }
  if (!Finite(t.answer_within) || t.answer_within < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        internal::StrCat(where, "answer_within: must be zero or positive"));
  }
  if (!(t.max_occupancy > 0 && t.max_occupancy <= 1)) {
    return absl::InvalidArgumentError(
        internal::StrCat(where, "max_occupancy: must be in (0, 1]"));
  }
  return absl::OkStatus();
}

// Erlang B by its recursion B(k) = A B(k-1) / (k + A B(k-1)): every term
// stays in [0, 1].
double ErlangB(int agents, double a) {
  double b = 1.0;
  for (int k = 1; k <= agents; ++k) b = a * b / (k + a * b);
  return b;
}

Staffing ErlangC(int n, double lambda, double aht_s, double t_s) {
  Staffing s;
  s.agents = n;
  const double a = lambda * aht_s;
  s.traffic_erlangs = a;
  if (a == 0) {
    s.service_level = 1;
    return s;
  }
  if (n <= a) {  // the queue grows without bound
    s.occupancy = 1;
    s.probability_wait = 1;
    s.asa = absl::InfiniteDuration();
    return s;
  }
  const double b = ErlangB(n, a);
  const double c = n * b / (n - a * (1 - b));
  s.occupancy = a / n;
  s.probability_wait = c;
  s.service_level = std::clamp(1 - c * std::exp(-(n - a) * t_s / aht_s), 0.0, 1.0);
  s.asa = absl::Seconds(c * aht_s / (n - a));
  return s;
}

// Erlang A (M/M/N+M). The stationary distribution is built from ratios of
// consecutive states, rescaled whenever it grows large, and the queue is
// truncated once its tail is negligible. A customer arriving behind j
// others reaches an agent after j + 1 moves up the queue, each at rate
// N mu + (customers ahead) theta, unless their own patience (rate theta)
// runs out first.
absl::StatusOr<Staffing> ErlangA(int n, double lambda, double aht_s, double patience_s,
                                 double t_s) {
  Staffing s;
  s.agents = n;
  s.with_patience = true;
  const double mu = 1 / aht_s;
  const double theta = 1 / patience_s;
  s.traffic_erlangs = lambda * aht_s;
  if (lambda == 0) {
    s.service_level = 1;
    return s;
  }
  // Unnormalized weights: w[k] for k = 0..N (busy agents), q[j] for j >= 1
  // waiting customers. Kept as doubles with a common scale.
  std::vector<double> w(static_cast<size_t>(n) + 1);
  w[0] = 1;
  double scale_guard = 1e250;
  for (int k = 1; k <= n; ++k) {
    w[k] = w[k - 1] * lambda / (k * mu);
    if (w[k] > scale_guard) {
      for (int i = 0; i <= k; ++i) w[i] /= scale_guard;
    }
  }
  std::vector<double> q;  // q[j-1] = weight of N + j in system
  double prev = w[n];
  double qsum = 0;
  constexpr size_t kMaxQueue = 2'000'000;
  for (size_t j = 1;; ++j) {
    prev = prev * lambda / (n * mu + static_cast<double>(j) * theta);
    q.push_back(prev);
    qsum += prev;
    const bool decreasing = lambda < n * mu + static_cast<double>(j) * theta;
    if (decreasing && prev <= qsum * 1e-17) break;
    if (q.size() >= kMaxQueue) {
      return absl::ResourceExhaustedError("staffing: the queue does not settle (patience too long)");
    }
  }
  double below = 0;  // fewer customers than agents: served at once
  for (int k = 0; k < n; ++k) below += w[k];
  const double total = below + w[n] + qsum;

  // Per arrival position i = j + 1 (j customers ahead): probability of
  // being served, and expected wait counted only when served.
  const size_t positions = q.size() + 1;  // an arrival may find N + q.size() - 1 ahead... + at N
  std::vector<double> served(positions + 1), wait_if_served(positions + 1);
  served[0] = 1;
  wait_if_served[0] = 0;
  for (size_t i = 1; i <= positions; ++i) {
    const double r = n * mu + static_cast<double>(i - 1) * theta;
    const double move = r / (r + theta);
    served[i] = move * served[i - 1];
    wait_if_served[i] = move * (served[i - 1] / (r + theta) + wait_if_served[i - 1]);
  }
  // Arrivals finding N + j (j = 0 at w[n], then q[j-1]).
  double p_served = below / total;
  double waited = 0;
  double p_wait = 0;
  auto arrival_mass = [&](size_t j) { return (j == 0 ? w[n] : q[j - 1]) / total; };
  for (size_t j = 0; j + 1 <= positions; ++j) {
    const double m = arrival_mass(j);
    p_wait += m;
    p_served += m * served[j + 1];
    waited += m * wait_if_served[j + 1];
  }

  // Service level: served within t. Uniformization of the queue ahead
  // with the arrival's own abandonment as a way out.
  double within = below / total;
  if (t_s > 0) {
    const double top = n * mu + static_cast<double>(positions) * theta + theta;
    const double lt = top * t_s;
    const auto steps = static_cast<size_t>(std::ceil(lt + 12 * std::sqrt(lt) + 20));
    if (steps * positions > 400'000'000) {
      return absl::ResourceExhaustedError("staffing: answer_within is too long for Erlang A");
    }
    // h[i] = P(served within k uniformized steps | position i).
    std::vector<double> h(positions + 1, 0.0), next(positions + 1, 0.0);
    h[0] = 1;
    // Poisson(k; lt) weights, computed in log space to stay finite.
    std::vector<double> acc(positions + 1, 0.0);
    for (size_t k = 0; k <= steps; ++k) {
      const double log_p = -lt + static_cast<double>(k) * std::log(lt) -
                           std::lgamma(static_cast<double>(k) + 1);
      const double p = std::exp(log_p);
      for (size_t i = 1; i <= positions; ++i) acc[i] += p * h[i];
      next[0] = 1;
      for (size_t i = 1; i <= positions; ++i) {
        const double r = n * mu + static_cast<double>(i - 1) * theta;
        next[i] = (r / top) * h[i - 1] + (1 - (r + theta) / top) * h[i];
      }
      std::swap(h, next);
    }
    for (size_t j = 0; j + 1 <= positions; ++j) within += arrival_mass(j) * acc[j + 1];
  } 
  s.probability_wait = p_wait;
  s.abandonment = std::clamp(1 - p_served, 0.0, 1.0);
  s.service_level = std::clamp(within, 0.0, 1.0);
  s.asa = p_served > 0 ? absl::Seconds(waited / p_served) : absl::ZeroDuration();
  s.occupancy = std::min(1.0, lambda * p_served * aht_s / n);
  return s;
}

absl::StatusOr<Staffing> EvaluateChecked(const Demand& d, int agents, absl::Duration within) {
  const double lambda = d.contacts / absl::ToDoubleSeconds(d.interval);
  const double aht = absl::ToDoubleSeconds(d.handle_time);
  const double t = absl::ToDoubleSeconds(within);
  if (d.patience) return ErlangA(agents, lambda, aht, absl::ToDoubleSeconds(*d.patience), t);
  return ErlangC(agents, lambda, aht, t);
}

}  // namespace

absl::StatusOr<Staffing> Evaluate(const Demand& demand, int agents, absl::Duration answer_within) {
  if (absl::Status st = CheckDemand(demand, ""); !st.ok()) return st;
  if (agents < 1 || agents > kMaxAgents) {
    return absl::InvalidArgumentError(
        internal::StrCat("agents: must be between 1 and ", kMaxAgents));
  }
  if (!Finite(answer_within) || answer_within < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("answer_within: must be zero or positive");
  }
  return EvaluateChecked(demand, agents, answer_within);
}

absl::StatusOr<Staffing> AgentsNeeded(const Demand& demand, const Target& target) {
  if (absl::Status st = CheckDemand(demand, ""); !st.ok()) return st;
  if (absl::Status st = CheckTarget(target, ""); !st.ok()) return st;
  const double a = demand.contacts / absl::ToDoubleSeconds(demand.interval) *
                   absl::ToDoubleSeconds(demand.handle_time);
  if (a / target.max_occupancy > kMaxAgents) {
    return absl::ResourceExhaustedError(
        internal::StrCat("staffing: more than ", kMaxAgents, " agents would be needed"));
  }
  // Start where occupancy allows (and, without patience, where the queue is
  // stable), then add agents one at a time: service level rises with them.
  int n = std::max(1, static_cast<int>(std::ceil(a / target.max_occupancy - 1e-9)));
  if (!demand.patience) n = std::max(n, static_cast<int>(std::floor(a)) + 1);
  for (; n <= kMaxAgents; ++n) {
    auto s = EvaluateChecked(demand, n, target.answer_within);
    if (!s.ok()) return s.status();
    if (s->service_level >= target.service_level && s->occupancy <= target.max_occupancy + 1e-12) {
      return s;
    }
  }
  return absl::ResourceExhaustedError(
      internal::StrCat("staffing: more than ", kMaxAgents, " agents would be needed"));
}

absl::StatusOr<PoolingResult> ComparePooling(const std::vector<ChannelDemand>& channels) {
  if (channels.empty()) return absl::InvalidArgumentError("channels: none given");
  PoolingResult out;
  double rt_lambda = 0, rt_work = 0, async_work = 0;
  Target strictest{.service_level = 0, .answer_within = absl::InfiniteDuration(),
                   .max_occupancy = 1.0};
  double async_cap = 1.0;
  bool any_rt = false;
  for (const ChannelDemand& c : channels) {
    const std::string where = internal::StrCat("channels[", c.channel, "].");
    if (absl::Status st = CheckDemand(c.demand, where); !st.ok()) return st;
    if (absl::Status st = CheckTarget(c.target, where); !st.ok()) return st;
    const double lambda = c.demand.contacts / absl::ToDoubleSeconds(c.demand.interval);
    const double work = lambda * absl::ToDoubleSeconds(c.demand.handle_time);
    PoolingResult::Channel row{.channel = c.channel, .realtime = c.realtime, .agents = 0,
                               .workload_erlangs = work};
    if (c.realtime) {
      if (c.demand.patience) {
        return absl::InvalidArgumentError(
            internal::StrCat(where, "patience: pooling compares Erlang C teams; leave it unset"));
      }
      auto need = AgentsNeeded(c.demand, c.target);
      if (!need.ok()) return need.status();
      row.agents = need->agents;
      any_rt = true;
      rt_lambda += lambda;
      rt_work += work;
      strictest.service_level = std::max(strictest.service_level, c.target.service_level);
      strictest.answer_within = std::min(strictest.answer_within, c.target.answer_within);
      strictest.max_occupancy = std::min(strictest.max_occupancy, c.target.max_occupancy);
    } else {
      row.agents = static_cast<int>(std::ceil(work / c.target.max_occupancy - 1e-9));
      async_work += work;
      async_cap = std::min(async_cap, c.target.max_occupancy);
    }
    out.separate_agents += row.agents;
    out.channels.push_back(std::move(row));
  }
  int pooled = 0;
  if (any_rt) {
    Demand combined;
    combined.contacts = rt_lambda * 3600;
    combined.interval = absl::Hours(1);
    combined.handle_time = absl::Seconds(rt_work / rt_lambda);
    if (rt_lambda == 0) combined.handle_time = absl::Seconds(1);
    auto need = AgentsNeeded(combined, strictest);
    if (!need.ok()) return need.status();
    out.pooled_realtime = *need;
    out.pooled_realtime_agents = need->agents;
    pooled = need->agents;
  }
  // Idle time of the pooled team, up to the async occupancy cap, takes the
  // asynchronous work; the rest needs more agents.
  const double idle = std::max(0.0, async_cap * pooled - rt_work);
  out.async_absorbed_erlangs = std::min(async_work, idle);
  const double rest = async_work - out.async_absorbed_erlangs;
  out.async_extra_agents = static_cast<int>(std::ceil(rest / async_cap - 1e-9));
  out.pooled_agents = pooled + out.async_extra_agents;
  out.saving = out.separate_agents - out.pooled_agents;
  if (out.separate_agents > 0) {
    out.saving_share = static_cast<double>(out.saving) / out.separate_agents;
  }
  return out;
}

}  // namespace omnictx::staffing
