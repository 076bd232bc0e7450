// SPDX-License-Identifier: Apache-2.0
#include "omnictx/staffing.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "metrics/erlang.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace omnictx {
namespace internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// log(e^a + e^b), without overflow.
double LogAddExp(double a, double b) {
  if (a < b) std::swap(a, b);
  if (b == -kInf) return a;
  return a + std::log1p(std::exp(b - a));
}

// log(1 / B(n, A)) by 1/B(k) = 1 + (k/A) / B(k-1): 1/B grows like n!/A^n,
// so it is carried as a logarithm.
double LogInverseErlangB(int n, double a) {
  double l = 0;
  for (int k = 1; k <= n; ++k) l = LogAddExp(0.0, std::log(k / a) + l);
  return l;
}

}  // namespace

double ErlangB(int agents, double erlangs) {
  double b = 1.0;
  for (int k = 1; k <= agents; ++k) b = erlangs * b / (k + erlangs * b);
  return b;
}

double ErlangC(int agents, double erlangs) {
  const double b = ErlangB(agents, erlangs);
  return agents * b / (agents - erlangs * (1 - b));
}

QueueFigures ErlangCFigures(int agents, double lambda, double aht, double within) {
  const double a = lambda * aht;
  if (a == 0) return {.service_level = 1};
  if (agents <= a) {
    return {.probability_wait = 1, .service_level = 0, .asa = kInf, .occupancy = 1};
  }
  const double c = ErlangC(agents, a);
  // The wait of a waiting contact is exponential with rate (N - A) / AHT.
  return {.probability_wait = c,
          .service_level = std::clamp(1 - c * std::exp(-(agents - a) * within / aht), 0.0, 1.0),
          .asa = c * aht / (agents - a),
          .abandonment = 0,
          .occupancy = a / agents};
}

// M/M/N+M. With state k = contacts present, an arrival (Poisson arrivals
// see time averages) finding k < N is answered at once; finding N + m it
// waits behind m others. Its queue moves up at rate N mu + (customers
// ahead) theta and it hangs up at rate theta, so, with E = N mu + (m+1) theta:
//  - P(answered | m) = N mu / E (the ratios of the m+1 moves telescope);
//  - its wait, given the outcome, is a sum of independent exponentials of
//    rates N mu + j theta, j = 1..m+1: mean H_m = sum 1 / (N mu + j theta);
//  - e^(-theta x) of that sum is Beta(N mu/theta + 1, m + 1) distributed
//    (compare Mellin transforms), so P(sum <= t) is the chance that a
//    negative binomial count with r = N mu/theta + 1 and p = e^(-theta t)
//    exceeds m. Its terms follow a ratio recursion, kept in log space.
// State weights relative to state N: the free-agent states sum to
// 1/B(N, A) - 1, and state N + m weighs prod_{j<=m} lambda / (N mu + j theta).
// The sums run in one pass, rescaled whenever a weight exceeds the
// reference, and stop once the (geometrically bounded) tail is negligible.
absl::StatusOr<QueueFigures> ErlangAFigures(int agents, double lambda, double aht,
                                            double patience, double within) {
  if (lambda == 0) return QueueFigures{.service_level = 1};
  const double a = lambda * aht;
  const double nmu = agents / aht;
  const double theta = 1 / patience;
  // An overloaded team's queue peaks near (lambda - N mu) / theta customers:
  // refuse at once rather than sum millions of states.
  if (lambda > nmu && (lambda - nmu) / theta > static_cast<double>(kMaxQueueStates) / 2) {
    return absl::ResourceExhaustedError(
        "patience: too long for this load (the queue does not settle); leave it unset for "
        "Erlang C");
  }
  const double log_lambda = std::log(lambda);
  const double inv_b = LogInverseErlangB(agents, a);
  const double log_free = inv_b + std::log(-std::expm1(-inv_b));
  const bool timed = within > 0;
  const double log_fail = timed ? std::log(-std::expm1(-theta * within)) : 0;
  const double r = nmu / theta + 1;
  double log_pmf = -(nmu + theta) * within;
  double cdf = timed ? std::exp(log_pmf) : 1.0;

  double ref = std::max(log_free, 0.0);
  double open = std::exp(log_free - ref);
  double waiting = 0, answered = 0, abandoned = 0, wait_sum = 0, in_time = 0;
  double log_w = 0, h = 0;
  for (long m = 0;; ++m) {
    if (m >= kMaxQueueStates) {
      return absl::ResourceExhaustedError(
          "patience: too long for this load (the queue does not settle); leave it unset for "
          "Erlang C");
    }
    if (m > 0) log_w += log_lambda - std::log(nmu + static_cast<double>(m) * theta);
    if (log_w > ref) {
      const double f = std::exp(ref - log_w);
      for (double* s : {&open, &waiting, &answered, &abandoned, &wait_sum, &in_time}) *s *= f;
      ref = log_w;
    }
    const double w = std::exp(log_w - ref);
    const double leave = nmu + static_cast<double>(m + 1) * theta;
    const double p_answer = nmu / leave;
    h += 1 / leave;
    waiting += w;
    answered += w * p_answer;
    abandoned += w * (static_cast<double>(m + 1) * theta / leave);
    wait_sum += w * p_answer * h;
    if (timed) {
      in_time += w * p_answer * std::max(0.0, 1 - cdf);
      log_pmf += log_fail + std::log(r + static_cast<double>(m)) - std::log(m + 1.0);
      cdf += std::exp(log_pmf);
    }
    const double next = lambda / leave;  // ratio of the next weight to this one
    if (next < 1 && w * next / (1 - next) <= 1e-17 * (open + waiting)) break;
  }
  const double total = open + waiting;
  QueueFigures out;
  out.probability_wait = waiting / total;
  out.abandonment = std::clamp(abandoned / total, 0.0, 1.0);
  out.service_level = std::clamp((open + in_time) / total, 0.0, 1.0);
  out.asa = wait_sum / (open + answered);
  out.occupancy = std::min(1.0, a * (open + answered) / total / agents);
  return out;
}

}  // namespace internal

namespace staffing {
namespace {

bool Finite(absl::Duration d) {
  return d != absl::InfiniteDuration() && d != -absl::InfiniteDuration();
}

absl::Status Bad(const std::string& where, std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(internal::StrCat(where, field, ": ", problem));
}

absl::Status CheckDemand(const Demand& d, const std::string& where) {
  if (!std::isfinite(d.contacts) || d.contacts < 0) {
    return Bad(where, "contacts", "must be a finite number, zero or more");
  }
  if (!Finite(d.interval) || d.interval <= absl::ZeroDuration()) {
    return Bad(where, "interval", "must be positive");
  }
  if (!Finite(d.handle_time) || d.handle_time <= absl::ZeroDuration()) {
    return Bad(where, "handle_time", "must be positive");
  }
  if (d.patience && (!Finite(*d.patience) || *d.patience <= absl::ZeroDuration())) {
    return Bad(where, "patience", "must be positive (leave it unset for Erlang C)");
  }
  const double load = d.contacts / absl::ToDoubleSeconds(d.interval) *
                      absl::ToDoubleSeconds(d.handle_time);
  if (!std::isfinite(load)) return Bad(where, "contacts", "too many for the interval");
  return absl::OkStatus();
}

absl::Status CheckTarget(const Target& t, const std::string& where) {
  if (!(t.service_level > 0 && t.service_level <= 1)) {
    return Bad(where, "service_level", "must be between 0 and 1 (more than 0, at most 1)");
  }
  if (!Finite(t.answer_within) || t.answer_within < absl::ZeroDuration()) {
    return Bad(where, "answer_within", "must be zero or positive");
  }
  if (!(t.max_occupancy > 0 && t.max_occupancy <= 1)) {
    return Bad(where, "max_occupancy", "must be between 0 and 1 (more than 0, at most 1)");
  }
  return absl::OkStatus();
}

double Rate(const Demand& d) { return d.contacts / absl::ToDoubleSeconds(d.interval); }

// Evaluate without the checks.
absl::StatusOr<Staffing> Compute(const Demand& d, int agents, absl::Duration within) {
  const double lambda = Rate(d);
  const double aht = absl::ToDoubleSeconds(d.handle_time);
  const double t = absl::ToDoubleSeconds(within);
  internal::QueueFigures q;
  if (d.patience) {
    OMNICTX_ASSIGN_OR_RETURN(
        q, internal::ErlangAFigures(agents, lambda, aht, absl::ToDoubleSeconds(*d.patience), t));
  } else {
    q = internal::ErlangCFigures(agents, lambda, aht, t);
  }
  return Staffing{.agents = agents,
                  .traffic_erlangs = lambda * aht,
                  .occupancy = q.occupancy,
                  .probability_wait = q.probability_wait,
                  .service_level = q.service_level,
                  .asa = std::isfinite(q.asa) ? absl::Seconds(q.asa) : absl::InfiniteDuration(),
                  .abandonment = q.abandonment,
                  .with_patience = d.patience.has_value()};
}

absl::Status TooMany() {
  return absl::ResourceExhaustedError(
      internal::StrCat("agents: more than ", kMaxAgents, " would be needed"));
}

}  // namespace

absl::StatusOr<Staffing> Evaluate(const Demand& demand, int agents, absl::Duration answer_within) {
  OMNICTX_RETURN_IF_ERROR(CheckDemand(demand, ""));
  if (agents < 1 || agents > kMaxAgents) {
    return Bad("", "agents", internal::StrCat("must be between 1 and ", kMaxAgents));
  }
  if (!Finite(answer_within) || answer_within < absl::ZeroDuration()) {
    return Bad("", "answer_within", "must be zero or positive");
  }
  return Compute(demand, agents, answer_within);
}

absl::StatusOr<Staffing> AgentsNeeded(const Demand& demand, const Target& target) {
  OMNICTX_RETURN_IF_ERROR(CheckDemand(demand, ""));
  OMNICTX_RETURN_IF_ERROR(CheckTarget(target, ""));
  const double a = Rate(demand) * absl::ToDoubleSeconds(demand.handle_time);
  if (a == 0) {
    return Staffing{.service_level = 1, .with_patience = demand.patience.has_value()};
  }
  // Every team below `lo` fails: Erlang C needs more agents than erlangs
  // and more than load / cap; under Erlang A the service level is at most
  // the carried load per offered erlang, N / A.
  const double bound = demand.patience ? std::floor(a * target.service_level)
                                       : std::max(std::floor(a) + 1,
                                                  std::ceil(a / target.max_occupancy - 1e-9));
  if (bound > kMaxAgents) return TooMany();
  int lo = std::max(1, static_cast<int>(bound));
  auto meets = [&](int n) -> absl::StatusOr<bool> {
    absl::StatusOr<Staffing> computed = Compute(demand, n, target.answer_within);
    // With patience so long that an overloaded team's queue cannot be
    // summed, that team waits for ever: it fails the target.
    if (absl::IsResourceExhausted(computed.status()) && n < a) return false;
    OMNICTX_ASSIGN_OR_RETURN(Staffing s, std::move(computed));
    return s.service_level >= target.service_level &&
           s.occupancy <= target.max_occupancy + 1e-12;
  };
  // Service level rises and occupancy falls with every agent added: gallop
  // up from `lo` to a team that meets the target, then bisect back.
  int hi = lo;
  for (int step = 1;; step *= 2) {
    OMNICTX_ASSIGN_OR_RETURN(bool ok, meets(hi));
    if (ok) break;
    if (hi == kMaxAgents) return TooMany();
    lo = hi + 1;
    hi = static_cast<int>(std::min<long>(kMaxAgents, static_cast<long>(hi) + step));
  }
  while (lo < hi) {
    const int mid = lo + (hi - lo) / 2;
    OMNICTX_ASSIGN_OR_RETURN(bool ok, meets(mid));
    if (ok) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return Compute(demand, hi, target.answer_within);
}

absl::StatusOr<PoolingResult> ComparePooling(const std::vector<ChannelDemand>& channels) {
  if (channels.empty()) return Bad("", "channels", "none given");
  PoolingResult out;
  double rt_rate = 0, rt_work = 0, patience_weighted = 0;
  bool all_patient = true, any_rt = false;
  Target strictest{.service_level = 0, .answer_within = absl::InfiniteDuration(),
                   .max_occupancy = 1.0};
  double cap = 1.0;  // the lowest occupancy cap of all channels
  std::set<std::string> seen;
  for (size_t i = 0; i < channels.size(); ++i) {
    const ChannelDemand& c = channels[i];
    const std::string where = internal::StrCat(
        "channels[", c.channel.empty() ? internal::StrCat(i) : c.channel, "].");
    if (!seen.insert(c.channel).second) {
      return Bad(where, "channel", "given twice");
    }
    OMNICTX_RETURN_IF_ERROR(CheckDemand(c.demand, where));
    OMNICTX_RETURN_IF_ERROR(CheckTarget(c.target, where));
    const double rate = Rate(c.demand);
    const double work = rate * absl::ToDoubleSeconds(c.demand.handle_time);
    PoolingResult::Channel row{.channel = c.channel, .realtime = c.realtime, .agents = 0,
                               .workload_erlangs = work};
    cap = std::min(cap, c.target.max_occupancy);
    if (c.realtime) {
      OMNICTX_ASSIGN_OR_RETURN(row.staffing, AgentsNeeded(c.demand, c.target));
      row.agents = row.staffing.agents;
      any_rt = true;
      rt_rate += rate;
      rt_work += work;
      if (c.demand.patience) {
        patience_weighted += rate * absl::ToDoubleSeconds(*c.demand.patience);
      } else {
        all_patient = false;
      }
      strictest.service_level = std::max(strictest.service_level, c.target.service_level);
      strictest.answer_within = std::min(strictest.answer_within, c.target.answer_within);
      strictest.max_occupancy = std::min(strictest.max_occupancy, c.target.max_occupancy);
    } else {
      row.agents = static_cast<int>(std::ceil(work / c.target.max_occupancy - 1e-9));
      out.async_workload_erlangs += work;
    }
    out.separate_agents += row.agents;
    out.channels.push_back(std::move(row));
  }
  if (any_rt && rt_rate > 0) {
    Demand pooled{.contacts = rt_rate * 3600, .interval = absl::Hours(1),
                  .handle_time = absl::Seconds(rt_work / rt_rate)};
    if (all_patient) pooled.patience = absl::Seconds(patience_weighted / rt_rate);
    OMNICTX_ASSIGN_OR_RETURN(out.pooled_realtime, AgentsNeeded(pooled, strictest));
    out.pooled_realtime_agents = out.pooled_realtime.agents;
  }
  // Busy time of the pooled team is its occupancy; idle time up to the cap
  // takes asynchronous work, agents are added for the rest.
  const double carried = out.pooled_realtime.occupancy * out.pooled_realtime_agents;
  out.pooled_idle_erlangs = std::max(0.0, cap * out.pooled_realtime_agents - carried);
  out.async_absorbed_erlangs = std::min(out.async_workload_erlangs, out.pooled_idle_erlangs);
  const double rest = out.async_workload_erlangs - out.async_absorbed_erlangs;
  out.async_extra_agents = static_cast<int>(std::ceil(rest / cap - 1e-9));
  out.pooled_agents = out.pooled_realtime_agents + out.async_extra_agents;
  out.saving = out.separate_agents - out.pooled_agents;
  if (out.separate_agents > 0) {
    out.saving_share = static_cast<double>(out.saving) / out.separate_agents;
  }
  return out;
}

}  // namespace staffing
}  // namespace omnictx
