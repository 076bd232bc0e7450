// SPDX-License-Identifier: Apache-2.0
//
// omnictx::FakeClock, for tests that move time by hand. Times cross as
// microseconds since the Unix epoch; omnictx.FakeClock converts datetimes.
#include <cstdint>
#include <memory>

#include "bindings.h"

namespace omnictx::python {

void RegisterClock(py::module_& m) {
  py::class_<FakeClock, std::shared_ptr<FakeClock>>(
      m, "FakeClock", "A clock that only moves when told to (times in Unix microseconds).")
      .def(py::init([](int64_t start_us) {
             return std::make_shared<FakeClock>(TimeFromMicros(start_us));
           }),
           py::arg("start_us"))
      .def(
          "now_us", [](const FakeClock& c) { return MicrosFromTime(c.Now()); },
          "Returns the current time in Unix microseconds.")
      .def(
          "advance_us", [](FakeClock& c, int64_t us) { c.Advance(absl::Microseconds(us)); },
          py::arg("us"), "Moves the clock by `us` microseconds (negative moves back).")
      .def(
          "set_us", [](FakeClock& c, int64_t us) { c.Set(TimeFromMicros(us)); }, py::arg("us"),
          "Sets the clock to `us` Unix microseconds.");
}

}  // namespace omnictx::python
