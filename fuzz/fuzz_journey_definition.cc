// SPDX-License-Identifier: Apache-2.0
//
// Journey definitions as files hold them: text-format or JSON. Input: one
// byte picks the format, the rest is the definition. Checks: parse errors
// are InvalidArgument; a parsed definition validates or not without
// crashing; a valid one compiles, every step it names is found, Allows()
// agrees with the `next` lists, and its JSON re-parses to an equal message
// (so what DefineJourney stores prints faithfully); DefineJourney on a
// reused store accepts exactly what Validate accepts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "google/protobuf/util/message_differencer.h"
#include "fuzz_util.h"
#include "journey/definition.h"
#include "omnictx/journey_format.h"

namespace {

using omnictx::fuzz::StatusText;

void CheckCompiled(const omnictx::Journey& journey) {
  auto def = omnictx::journey::Definition::Compile(journey);
  FUZZ_CHECK(def.ok(), StatusText(def.status()));
  const omnictx::journey::Definition& d = **def;
  for (int i = 0; i < journey.steps_size(); ++i) {
    const omnictx::JourneyStep& step = journey.steps(i);
    FUZZ_CHECK(d.FindStep(step.key()) != nullptr, step.key());
    FUZZ_CHECK(d.StepIndex(step.key()) == i, step.key());
    FUZZ_CHECK(d.StallAfter(step.key()) >= absl::ZeroDuration(), step.key());
    for (const std::string& next : step.next()) {
      FUZZ_CHECK(d.Allows(step.key(), next), step.key() + " -> " + next);
    }
  }
  FUZZ_CHECK(d.FindStep("no such step \x01") == nullptr, "unknown step found");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* store = new omnictx::fuzz::ReusedStore("journey_definition.db");
  omnictx::fuzz::Bytes in(data, size);
  const bool json = in.Bool();
  const std::string_view text = in.Rest();

  auto journey = json ? omnictx::JourneyFromJson(text) : omnictx::JourneyFromText(text);
  if (!journey.ok()) {
    FUZZ_CHECK(journey.status().code() == absl::StatusCode::kInvalidArgument,
               StatusText(journey.status()));
    return 0;
  }
  absl::Status valid = omnictx::journey::Validate(*journey);
  if (!valid.ok()) {
    FUZZ_CHECK(valid.code() == absl::StatusCode::kInvalidArgument, StatusText(valid));
    // Printing what parsed but is invalid must not crash; it need not
    // round-trip (protobuf drops invalid UTF-8 from JSON output).
    (void)omnictx::JourneyToJson(*journey);
  } else {
    CheckCompiled(*journey);
    // A valid definition prints and comes back the same.
    auto printed = omnictx::JourneyToJson(*journey);
    FUZZ_CHECK(printed.ok(), StatusText(printed.status()));
    auto reparsed = omnictx::JourneyFromJson(*printed);
    FUZZ_CHECK(reparsed.ok(), StatusText(reparsed.status()) + " for " + *printed);
    FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(*journey, *reparsed), *printed);
  }

  auto defined = store->Get().DefineJourney(*journey);
  if (valid.ok()) {
    FUZZ_CHECK(defined.ok(), StatusText(defined.status()));
  } else {
    FUZZ_CHECK(!defined.ok() && defined.status().code() == absl::StatusCode::kInvalidArgument,
               defined.ok() ? "DefineJourney accepted an invalid journey" : StatusText(defined.status()));
  }
  return 0;
}
