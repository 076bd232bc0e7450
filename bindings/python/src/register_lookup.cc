// SPDX-License-Identifier: Apache-2.0
//
// The context lookup.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings.h"

namespace omnictx::python {

void RegisterLookup(py::class_<PyStore>& cls) {
  cls.def(
      "lookup",
      [](PyStore& s, std::optional<std::string> identity, const std::string& customer_id,
         int channel, int recent_limit, std::optional<std::vector<std::string>> available_agents,
         const std::string& audience) {
        LookupRequest request;
        if (identity) request.identity = FromBytes<Identity>(*identity, "identity");
        request.customer_id = customer_id;
        request.channel = FromProto(static_cast<v1::ChannelKind>(channel));
        if (!ParseAudienceName(audience, &request.audience)) {
          ThrowIfError(absl::InvalidArgumentError(
              "audience: unknown (allowed: agent, ivr, public_web)"));
        }
        request.recent_limit = recent_limit;
        request.available_agents = std::move(available_agents);
        return ToBytes(ValueOrThrow(s.Get()->Lookup(request)));
      },
      py::arg("identity").none(true), py::arg("customer_id"), py::arg("channel"),
      py::arg("recent_limit"), py::arg("available_agents").none(true), py::arg("audience"),
      ReleaseGil(),
      "Returns the serialized Context for an identity or a customer id.");
}

}  // namespace omnictx::python
