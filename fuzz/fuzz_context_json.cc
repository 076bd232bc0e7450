// SPDX-License-Identifier: Apache-2.0
//
// Context JSON as the doors read it. Input: JSON. Checks: a parse error is
// InvalidArgument; a parsed Context prints with ToJson (compact and pretty)
// and both re-parse to an equal message; ToFlatMap and ToText do not crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "google/protobuf/util/message_differencer.h"
#include "fuzz_util.h"
#include "omnictx/context_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using omnictx::fuzz::StatusText;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  auto ctx = omnictx::ContextFromJson(json);
  if (!ctx.ok()) {
    FUZZ_CHECK(ctx.status().code() == absl::StatusCode::kInvalidArgument,
               StatusText(ctx.status()));
    return 0;
  }
  for (bool pretty : {false, true}) {
    auto printed = omnictx::ToJson(*ctx, pretty);
    FUZZ_CHECK(printed.ok(), StatusText(printed.status()));
    auto again = omnictx::ContextFromJson(*printed);
    FUZZ_CHECK(again.ok(), StatusText(again.status()) + " for " + *printed);
    FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(*ctx, *again), *printed);
  }
  const auto flat = omnictx::ToFlatMap(*ctx);
  FUZZ_CHECK(flat.count("known") == 1, "flat map without 'known'");
  const std::string text = omnictx::ToText(*ctx);
  (void)text;
  return 0;
}
