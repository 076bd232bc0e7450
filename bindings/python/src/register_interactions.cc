// SPDX-License-Identifier: Apache-2.0
//
// Recording interactions and reading timelines.
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "bindings.h"

namespace omnictx::python {

void RegisterInteractions(py::class_<PyStore>& cls) {
  cls.def(
      "record",
      [](PyStore& s, const std::string& interaction) {
        return ValueOrThrow(s.Get()->Record(FromBytes<Interaction>(interaction, "interaction")));
      },
      py::arg("interaction"), ReleaseGil());
  cls.def(
      "record_batch",
      [](PyStore& s, const std::vector<std::string>& batch) {
        std::vector<Interaction> interactions;
        interactions.reserve(batch.size());
        for (const std::string& data : batch) {
          interactions.push_back(FromBytes<Interaction>(data, "batch"));
        }
        return ValueOrThrow(s.Get()->RecordBatch(interactions));
      },
      py::arg("interactions"), ReleaseGil());
  cls.def(
      "get_interaction",
      [](PyStore& s, int64_t id) { return ToBytes(ValueOrThrow(s.Get()->GetInteraction(id))); },
      py::arg("interaction_id"), ReleaseGil());
  cls.def(
      "timeline",
      [](PyStore& s, const std::string& customer_id, std::optional<int64_t> since_us,
         std::optional<int64_t> until_us, int64_t case_id, int64_t journey_instance_id,
         int page_size, const std::string& page_token) {
        TimelineQuery query;
        if (since_us) query.since = TimeFromMicros(*since_us);
        if (until_us) query.until = TimeFromMicros(*until_us);
        query.case_id = case_id;
        query.journey_instance_id = journey_instance_id;
        query.page_size = page_size;
        query.page_token = page_token;
        TimelinePage page = ValueOrThrow(s.Get()->Timeline(customer_id, query));
        std::vector<Bytes> out;
        out.reserve(page.interactions.size());
        for (const Interaction& i : page.interactions) out.push_back(ToBytes(i));
        return std::make_tuple(std::move(out), std::move(page.next_page_token));
      },
      py::arg("customer_id"), py::arg("since_us").none(true), py::arg("until_us").none(true),
      py::arg("case_id"), py::arg("journey_instance_id"), py::arg("page_size"),
      py::arg("page_token"), ReleaseGil(),
      "Returns one page: (serialized interactions newest first, next page token or \"\").");
}

}  // namespace omnictx::python
