// SPDX-License-Identifier: Apache-2.0
#include "omnictx/clock.h"

#include <memory>

#include "absl/time/clock.h"

namespace omnictx {
namespace {

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

std::shared_ptr<Clock> RealClock() {
  // Leaked on purpose: stores may outlive static destruction (a Store held in
  // a static, or a Python module torn down late), and the clock is stateless.
  static const auto* const kClock =
      new std::shared_ptr<Clock>(std::make_shared<SystemClock>());
  return *kClock;
}

}  // namespace omnictx
