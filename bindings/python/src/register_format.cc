// SPDX-License-Identifier: Apache-2.0
//
// Formatting and parsing that needs no store: JSON for every entity
// (protobuf's JSON mapping, the same writer the C++ API uses), the IVR flat
// map and text rendering of a Context, and journey definitions from text,
// JSON or a file.
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "bindings.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "util/proto_json.h"

namespace omnictx::python {
namespace {

// Returns an empty message of an omnictx.v1 type named by its full name.
// Throws InvalidArgument for any other name.
std::unique_ptr<google::protobuf::Message> NewMessage(const std::string& full_name) {
  const google::protobuf::Descriptor* d =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(full_name);
  if (d == nullptr || !absl::StartsWith(full_name, "omnictx.v1.")) {
    throw StatusError{static_cast<int>(absl::StatusCode::kInvalidArgument),
                      "message type: not an omnictx.v1 message"};
  }
  return std::unique_ptr<google::protobuf::Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(d)->New());
}

std::string MessageToJson(const std::string& full_name, const std::string& data, bool pretty) {
  std::unique_ptr<google::protobuf::Message> message = NewMessage(full_name);
  if (!message->ParseFromString(data)) {
    throw StatusError{static_cast<int>(absl::StatusCode::kInvalidArgument),
                      full_name + ": malformed proto bytes"};
  }
  return ValueOrThrow(internal::MessageToJson(*message, pretty));
}

Bytes MessageFromJson(const std::string& full_name, const std::string& json) {
  std::unique_ptr<google::protobuf::Message> message = NewMessage(full_name);
  ThrowIfError(internal::JsonToMessage(json, full_name, /*ignore_unknown=*/false, message.get()));
  return ToBytes(*message);
}

}  // namespace

void RegisterFormat(py::module_& m) {
  m.def("message_to_json", &MessageToJson, py::arg("full_name"), py::arg("data"),
        py::arg("pretty") = false,
        "Returns serialized omnictx.v1 message `data` of type `full_name` as JSON.");
  m.def("message_from_json", &MessageFromJson, py::arg("full_name"), py::arg("json"),
        "Parses JSON into an omnictx.v1 message of type `full_name`; returns its bytes.");
  m.def(
      "context_flat",
      [](const std::string& data) { return ToFlatMap(FromBytes<Context>(data, "context")); },
      py::arg("data"), "Returns the IVR flat map of a serialized Context.");
  m.def(
      "context_text",
      [](const std::string& data) { return ToText(FromBytes<Context>(data, "context")); },
      py::arg("data"), "Returns the human-readable rendering of a serialized Context.");
  m.def(
      "journey_from_text",
      [](const std::string& text) { return ToBytes(ValueOrThrow(JourneyFromText(text))); },
      py::arg("text"), "Parses a text-format Journey; returns its bytes.");
  m.def(
      "journey_from_json",
      [](const std::string& json) { return ToBytes(ValueOrThrow(JourneyFromJson(json))); },
      py::arg("json"), "Parses a JSON Journey; returns its bytes.");
  m.def(
      "journey_from_file",
      [](const std::string& path) { return ToBytes(ValueOrThrow(JourneyFromFile(path))); },
      py::arg("path"), "Reads a Journey from a .json or text-format file; returns its bytes.");
}

}  // namespace omnictx::python
