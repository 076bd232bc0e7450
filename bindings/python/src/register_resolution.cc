// SPDX-License-Identifier: Apache-2.0
//
// Identity resolution and data protection: merge, unmerge, stitch, erase,
// retention purge, consent and the audit trail.
#include <pybind11/stl.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"

namespace omnictx::python {
namespace {

FieldRule ParseFieldRule(const std::string& name, const char* field) {
  if (name == "keep_survivor") return FieldRule::kKeepSurvivor;
  if (name == "newest_wins") return FieldRule::kNewestWins;
  if (name == "explicit") return FieldRule::kExplicit;
  throw StatusError{
      static_cast<int>(absl::StatusCode::kInvalidArgument),
      std::string(field) + ": unknown rule (allowed: keep_survivor, newest_wins, explicit)"};
}

MergeRequest MakeMergeRequest(const std::string& survivor_id, const std::string& absorbed_id,
                              const std::string& actor, const std::string& default_rule,
                              const std::map<std::string, std::string>& rules,
                              const std::map<std::string, std::string>& explicit_values) {
  MergeRequest request;
  request.survivor_id = survivor_id;
  request.absorbed_id = absorbed_id;
  request.actor = actor;
  request.policy.default_rule = ParseFieldRule(default_rule, "default_rule");
  for (const auto& [field, rule] : rules) {
    request.policy.rules[field] = ParseFieldRule(rule, "rules");
  }
  request.policy.explicit_values = explicit_values;
  return request;
}

template <typename T>
std::vector<Bytes> AllToBytes(const std::vector<T>& messages) {
  std::vector<Bytes> out;
  out.reserve(messages.size());
  for (const T& m : messages) out.push_back(ToBytes(m));
  return out;
}

}  // namespace

void RegisterResolution(py::class_<PyStore>& cls) {
  for (const bool preview : {false, true}) {
    cls.def(
        preview ? "preview_merge" : "merge",
        [preview](PyStore& s, const std::string& survivor_id, const std::string& absorbed_id,
                  const std::string& actor, const std::string& default_rule,
                  const std::map<std::string, std::string>& rules,
                  const std::map<std::string, std::string>& explicit_values) {
          const MergeRequest request = MakeMergeRequest(survivor_id, absorbed_id, actor,
                                                        default_rule, rules, explicit_values);
          return ToBytes(
              ValueOrThrow(preview ? s.Get()->PreviewMerge(request) : s.Get()->Merge(request)));
        },
        py::arg("survivor_id"), py::arg("absorbed_id"), py::arg("actor"), py::arg("default_rule"),
        py::arg("rules"), py::arg("explicit_values"), ReleaseGil());
  }
  cls.def(
      "unmerge",
      [](PyStore& s, int64_t merge_id, const std::string& actor) {
        return ToBytes(ValueOrThrow(s.Get()->Unmerge(merge_id, actor)));
      },
      py::arg("merge_id"), py::arg("actor"), ReleaseGil());
  cls.def(
      "list_merges",
      [](PyStore& s, const std::string& customer_id) {
        return AllToBytes(ValueOrThrow(s.Get()->ListMerges(customer_id)));
      },
      py::arg("customer_id"), ReleaseGil());
  cls.def(
      "stitch",
      [](PyStore& s, const std::string& anonymous, const std::string& known,
         const std::string& actor) -> std::optional<Bytes> {
        std::optional<MergeRecord> merged =
            ValueOrThrow(s.Get()->Stitch(FromBytes<Identity>(anonymous, "anonymous"),
                                         FromBytes<Identity>(known, "known"), actor));
        if (!merged) return std::nullopt;
        return ToBytes(*merged);
      },
      py::arg("anonymous"), py::arg("known"), py::arg("actor"), ReleaseGil());
  cls.def(
      "erase",
      [](PyStore& s, const std::string& customer_id, const std::string& actor) {
        return ToBytes(ValueOrThrow(s.Get()->Erase(customer_id, actor)));
      },
      py::arg("customer_id"), py::arg("actor"), ReleaseGil());
  cls.def(
      "purge",
      [](PyStore& s, std::optional<int64_t> now_us) {
        return ValueOrThrow(s.Get()->Purge(now_us ? TimeFromMicros(*now_us) : s.Now()));
      },
      py::arg("now_us").none(true), ReleaseGil());
  cls.def(
      "set_consent",
      [](PyStore& s, const std::string& customer_id, const std::string& consent,
         const std::string& actor) {
        return ToBytes(ValueOrThrow(
            s.Get()->SetConsent(customer_id, FromBytes<Consent>(consent, "consent"), actor)));
      },
      py::arg("customer_id"), py::arg("consent"), py::arg("actor"), ReleaseGil());
  cls.def(
      "list_audit",
      [](PyStore& s, int limit) { return AllToBytes(ValueOrThrow(s.Get()->ListAudit(limit))); },
      py::arg("limit"), ReleaseGil());
}

}  // namespace omnictx::python
