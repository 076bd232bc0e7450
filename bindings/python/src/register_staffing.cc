// SPDX-License-Identifier: Apache-2.0
//
// The staffing math (omnictx/staffing.h). Durations cross as microseconds
// (-1: none); results as tuples the pure-Python omnictx.staffing wraps.
#include <pybind11/stl.h>

#include <string>
#include <tuple>
#include <vector>

#include "bindings.h"
#include "omnictx/staffing.h"

namespace omnictx::python {
namespace {

// (agents, traffic_erlangs, occupancy, probability_wait, service_level,
//  asa_us (-1: unbounded), abandonment, with_patience)
using StaffingTuple = std::tuple<int, double, double, double, double, int64_t, double, bool>;

StaffingTuple ToTuple(const staffing::Staffing& s) {
  const int64_t asa = s.asa == absl::InfiniteDuration() ? -1 : absl::ToInt64Microseconds(s.asa);
  return {s.agents, s.traffic_erlangs, s.occupancy, s.probability_wait,
          s.service_level, asa, s.abandonment, s.with_patience};
}

staffing::Demand MakeDemand(double contacts, int64_t interval_us, int64_t handle_us,
                            int64_t patience_us) {
  staffing::Demand d;
  d.contacts = contacts;
  d.interval = absl::Microseconds(interval_us);
  d.handle_time = absl::Microseconds(handle_us);
  if (patience_us >= 0) d.patience = absl::Microseconds(patience_us);
  return d;
}

}  // namespace

void RegisterStaffing(py::module_& m) {
  m.def(
      "staffing_evaluate",
      [](double contacts, int64_t interval_us, int64_t handle_us, int64_t patience_us, int agents,
         int64_t within_us) {
        return ToTuple(ValueOrThrow(staffing::Evaluate(
            MakeDemand(contacts, interval_us, handle_us, patience_us), agents,
            absl::Microseconds(within_us))));
      },
      py::arg("contacts"), py::arg("interval_us"), py::arg("handle_us"), py::arg("patience_us"),
      py::arg("agents"), py::arg("within_us"), ReleaseGil(),
      "Erlang C (Erlang A with a patience) for a given number of agents.");
  m.def(
      "staffing_agents_needed",
      [](double contacts, int64_t interval_us, int64_t handle_us, int64_t patience_us,
         double service_level, int64_t within_us, double max_occupancy) {
        staffing::Target t{.service_level = service_level,
                           .answer_within = absl::Microseconds(within_us),
                           .max_occupancy = max_occupancy};
        return ToTuple(ValueOrThrow(staffing::AgentsNeeded(
            MakeDemand(contacts, interval_us, handle_us, patience_us), t)));
      },
      py::arg("contacts"), py::arg("interval_us"), py::arg("handle_us"), py::arg("patience_us"),
      py::arg("service_level"), py::arg("within_us"), py::arg("max_occupancy"), ReleaseGil(),
      "The fewest agents meeting a service level and an occupancy cap.");
  m.def(
      "staffing_compare_pooling",
      [](const std::vector<std::tuple<std::string, double, int64_t, int64_t, double, int64_t,
                                      double, bool>>& channels) {
        std::vector<staffing::ChannelDemand> in;
        for (const auto& [name, contacts, interval_us, handle_us, level, within_us, occupancy,
                          realtime] : channels) {
          in.push_back({.channel = name,
                        .demand = MakeDemand(contacts, interval_us, handle_us, -1),
                        .target = {.service_level = level,
                                   .answer_within = absl::Microseconds(within_us),
                                   .max_occupancy = occupancy},
                        .realtime = realtime});
        }
        staffing::PoolingResult r = ValueOrThrow(staffing::ComparePooling(in));
        std::vector<std::tuple<std::string, bool, int, double>> rows;
        for (const auto& c : r.channels) {
          rows.emplace_back(c.channel, c.realtime, c.agents, c.workload_erlangs);
        }
        return std::make_tuple(rows, r.separate_agents, r.pooled_realtime_agents,
                               ToTuple(r.pooled_realtime), r.async_absorbed_erlangs,
                               r.async_extra_agents, r.pooled_agents, r.saving, r.saving_share);
      },
      py::arg("channels"), ReleaseGil(),
      "Separate teams vs one multi-skilled team. channels: (name, contacts, interval_us, "
      "handle_us, service_level, within_us, max_occupancy, realtime).");
}

}  // namespace omnictx::python
