// SPDX-License-Identifier: Apache-2.0
//
// Staffing math (omnictx/staffing.h): Erlang C/A and the pooling
// comparison. Results cross as plain tuples, durations as microseconds in
// and seconds out; omnictx.Staffing and omnictx.PoolingResult name the
// fields.
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "omnictx/staffing.h"

namespace omnictx::python {
namespace {

// (agents, traffic_erlangs, occupancy, probability_wait, service_level,
//  asa seconds or None when infinite, abandonment, with_patience).
using StaffingTuple =
    std::tuple<int, double, double, double, double, std::optional<double>, double, bool>;
// (channel, contacts, interval_us, handle_time_us, patience_us,
//  service_level, answer_within_us, max_occupancy, realtime).
using ChannelTuple = std::tuple<std::string, double, int64_t, int64_t, std::optional<int64_t>,
                                double, int64_t, double, bool>;
// (channel, realtime, agents, workload_erlangs, staffing or None).
using PoolingChannelTuple =
    std::tuple<std::string, bool, int, double, std::optional<StaffingTuple>>;
// (channels, separate_agents, pooled_realtime_agents, pooled_realtime,
//  async_workload_erlangs, pooled_idle_erlangs, async_absorbed_erlangs,
//  async_extra_agents, pooled_agents, saving, saving_share).
using PoolingTuple = std::tuple<std::vector<PoolingChannelTuple>, int, int, StaffingTuple, double,
                                double, double, int, int, int, double>;

StaffingTuple ToTuple(const staffing::Staffing& s) {
  std::optional<double> asa;
  if (s.asa != absl::InfiniteDuration()) asa = absl::ToDoubleSeconds(s.asa);
  return {s.agents,        s.traffic_erlangs, s.occupancy,   s.probability_wait,
          s.service_level, asa,               s.abandonment, s.with_patience};
}

staffing::Demand MakeDemand(double contacts, int64_t interval_us, int64_t handle_time_us,
                            std::optional<int64_t> patience_us) {
  staffing::Demand d;
  d.contacts = contacts;
  d.interval = absl::Microseconds(interval_us);
  d.handle_time = absl::Microseconds(handle_time_us);
  if (patience_us) d.patience = absl::Microseconds(*patience_us);
  return d;
}

}  // namespace

void RegisterStaffing(py::module_& m) {
  m.def(
      "staffing_evaluate",
      [](double contacts, int64_t interval_us, int64_t handle_time_us,
         std::optional<int64_t> patience_us, int agents, int64_t answer_within_us) {
        return ToTuple(ValueOrThrow(
            staffing::Evaluate(MakeDemand(contacts, interval_us, handle_time_us, patience_us),
                               agents, absl::Microseconds(answer_within_us))));
      },
      py::arg("contacts"), py::arg("interval_us"), py::arg("handle_time_us"),
      py::arg("patience_us"), py::arg("agents"), py::arg("answer_within_us"), ReleaseGil(),
      "Returns the staffing tuple of a team of `agents` (Erlang C, or A with patience).");
  m.def(
      "staffing_agents_needed",
      [](double contacts, int64_t interval_us, int64_t handle_time_us,
         std::optional<int64_t> patience_us, double service_level, int64_t answer_within_us,
         double max_occupancy) {
        staffing::Target target;
        target.service_level = service_level;
        target.answer_within = absl::Microseconds(answer_within_us);
        target.max_occupancy = max_occupancy;
        return ToTuple(ValueOrThrow(staffing::AgentsNeeded(
            MakeDemand(contacts, interval_us, handle_time_us, patience_us), target)));
      },
      py::arg("contacts"), py::arg("interval_us"), py::arg("handle_time_us"),
      py::arg("patience_us"), py::arg("service_level"), py::arg("answer_within_us"),
      py::arg("max_occupancy"), ReleaseGil(),
      "Returns the staffing tuple of the fewest agents meeting the target.");
  m.def(
      "staffing_compare_pooling",
      [](const std::vector<ChannelTuple>& channels) {
        std::vector<staffing::ChannelDemand> demands;
        demands.reserve(channels.size());
        for (const auto& [name, contacts, interval_us, handle_us, patience_us, level, within_us,
                          occupancy, realtime] : channels) {
          staffing::ChannelDemand c;
          c.channel = name;
          c.demand = MakeDemand(contacts, interval_us, handle_us, patience_us);
          c.target.service_level = level;
          c.target.answer_within = absl::Microseconds(within_us);
          c.target.max_occupancy = occupancy;
          c.realtime = realtime;
          demands.push_back(std::move(c));
        }
        const staffing::PoolingResult r = ValueOrThrow(staffing::ComparePooling(demands));
        std::vector<PoolingChannelTuple> rows;
        for (const staffing::PoolingResult::Channel& c : r.channels) {
          std::optional<StaffingTuple> own;
          if (c.realtime) own = ToTuple(c.staffing);
          rows.emplace_back(c.channel, c.realtime, c.agents, c.workload_erlangs, own);
        }
        return PoolingTuple{rows,
                            r.separate_agents,
                            r.pooled_realtime_agents,
                            ToTuple(r.pooled_realtime),
                            r.async_workload_erlangs,
                            r.pooled_idle_erlangs,
                            r.async_absorbed_erlangs,
                            r.async_extra_agents,
                            r.pooled_agents,
                            r.saving,
                            r.saving_share};
      },
      py::arg("channels"), ReleaseGil(),
      "Returns the pooling tuple: one team per channel versus one multi-skilled team.");
}

}  // namespace omnictx::python
