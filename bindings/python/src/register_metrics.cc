// SPDX-License-Identifier: Apache-2.0
//
// Store::Metrics.
#include <pybind11/stl.h>

#include <map>
#include <string>
#include <tuple>

#include "bindings.h"

namespace omnictx::python {

void RegisterMetrics(py::class_<PyStore>& cls) {
  cls.def(
      "metrics",
      [](PyStore& s, int64_t start_us, int64_t end_us, int group_by,
         const std::map<int, std::tuple<double, int64_t, int64_t>>& targets,
         int64_t recontact_us, const std::string& journey_key, int max_case_rows) {
        MetricsQuery q;
        q.start = TimeFromMicros(start_us);
        q.end = TimeFromMicros(end_us);
        if (group_by < static_cast<int>(MetricsGroup::kNone) ||
            group_by > static_cast<int>(MetricsGroup::kHour)) {
          ThrowIfError(absl::InvalidArgumentError("group_by: unknown grouping"));
        }
        q.group_by = static_cast<MetricsGroup>(group_by);
        for (const auto& [channel, t] : targets) {
          q.targets[static_cast<v1::ChannelKind>(channel)] = {
              .service_level = std::get<0>(t),
              .answer_within = absl::Microseconds(std::get<1>(t)),
              .short_abandon = absl::Microseconds(std::get<2>(t))};
        }
        q.recontact_window = absl::Microseconds(recontact_us);
        q.journey_key = journey_key;
        q.max_case_rows = max_case_rows;
        return ToBytes(ValueOrThrow(s.Get()->Metrics(q)));
      },
      py::arg("start_us"), py::arg("end_us"), py::arg("group_by"), py::arg("targets"),
      py::arg("recontact_us"), py::arg("journey_key"), py::arg("max_case_rows"), ReleaseGil(),
      "Returns the serialized MetricsReport of a window. targets: {channel kind number: "
      "(service level, answer within us, short abandon us)}; group_by: 0 none, 1 touchpoint, "
      "2 agent, 3 journey, 4 priority, 5 hour.");
}

}  // namespace omnictx::python
