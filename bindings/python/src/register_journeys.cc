// SPDX-License-Identifier: Apache-2.0
//
// Journey definitions, instances, stall detection and journey-state search.
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"

namespace omnictx::python {
namespace {

template <typename T>
std::vector<Bytes> AllToBytes(const std::vector<T>& messages) {
  std::vector<Bytes> out;
  out.reserve(messages.size());
  for (const T& m : messages) out.push_back(ToBytes(m));
  return out;
}

}  // namespace

void RegisterJourneys(py::class_<PyStore>& cls) {
  cls.def(
      "define_journey",
      [](PyStore& s, const std::string& journey) {
        return ToBytes(
            ValueOrThrow(s.Get()->DefineJourney(FromBytes<Journey>(journey, "journey"))));
      },
      py::arg("journey"), ReleaseGil());
  cls.def(
      "get_journey",
      [](PyStore& s, const std::string& key, int32_t version) {
        return ToBytes(ValueOrThrow(s.Get()->GetJourney(key, version)));
      },
      py::arg("key"), py::arg("version"), ReleaseGil());
  cls.def(
      "list_journeys", [](PyStore& s) { return AllToBytes(ValueOrThrow(s.Get()->ListJourneys())); },
      ReleaseGil());
  cls.def(
      "start_journey",
      [](PyStore& s, const std::string& customer_id, const std::string& key,
         int64_t interaction_id) {
        return ToBytes(ValueOrThrow(s.Get()->StartJourney(customer_id, key, interaction_id)));
      },
      py::arg("customer_id"), py::arg("journey_key"), py::arg("interaction_id"), ReleaseGil());
  cls.def(
      "advance_journey",
      [](PyStore& s, int64_t instance_id, const std::string& to_step, int64_t interaction_id) {
        return ToBytes(ValueOrThrow(s.Get()->AdvanceJourney(instance_id, to_step, interaction_id)));
      },
      py::arg("instance_id"), py::arg("to_step"), py::arg("interaction_id"), ReleaseGil());
  cls.def(
      "end_journey",
      [](PyStore& s, int64_t instance_id, int status) {
        return ToBytes(
            ValueOrThrow(s.Get()->EndJourney(instance_id, static_cast<v1::JourneyStatus>(status))));
      },
      py::arg("instance_id"), py::arg("status"), ReleaseGil());
  cls.def(
      "get_journey_instance",
      [](PyStore& s, int64_t instance_id) {
        return ToBytes(ValueOrThrow(s.Get()->GetJourneyInstance(instance_id)));
      },
      py::arg("instance_id"), ReleaseGil());
  cls.def(
      "list_journey_instances",
      [](PyStore& s, const std::string& customer_id) {
        return AllToBytes(ValueOrThrow(s.Get()->ListJourneyInstances(customer_id)));
      },
      py::arg("customer_id"), ReleaseGil());
  cls.def(
      "stalled",
      [](PyStore& s, std::optional<int64_t> now_us) {
        const absl::Time now = now_us ? TimeFromMicros(*now_us) : s.Now();
        return AllToBytes(ValueOrThrow(s.Get()->Stalled(now)));
      },
      py::arg("now_us").none(true), ReleaseGil());
  cls.def(
      "find_customers",
      [](PyStore& s, const std::string& journey_key, const std::string& step, int status,
         std::optional<int64_t> since_us, int limit) {
        FindCustomersQuery query;
        query.journey_key = journey_key;
        query.step = step;
        query.status = static_cast<v1::JourneyStatus>(status);
        if (since_us) query.since = TimeFromMicros(*since_us);
        query.limit = limit;
        return ValueOrThrow(s.Get()->FindCustomers(query));
      },
      py::arg("journey_key"), py::arg("step"), py::arg("status"), py::arg("since_us").none(true),
      py::arg("limit"), ReleaseGil());
}

}  // namespace omnictx::python
