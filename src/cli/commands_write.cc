// SPDX-License-Identifier: Apache-2.0
//
// journeys and cases.
#include <ostream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "cli/cli.h"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

absl::StatusOr<int64_t> IdWord(const Invocation& inv, size_t at, const char* what) {
  const auto& words = inv.args.positional();
  int64_t id = 0;
  if (words.size() <= at || !absl::SimpleAtoi(words[at], &id) || id <= 0) {
    return absl::InvalidArgumentError(internal::StrCat(what, ": give the id as a number"));
  }
  return id;
}

// Prints a proto as JSON, or `text` for people.
int Show(const Invocation& inv, const google::protobuf::Message& m, const std::string& text) {
  if (inv.json) {
    absl::Status st = PrintJson(inv, m);
    return st.ok() ? kExitOk : Fail(inv, st);
  }
  *inv.out << text << "\n";
  return kExitOk;
}

std::string InstanceLine(const JourneyInstance& i) {
  return internal::StrCat("instance ", i.id(), "  ", i.customer_id(), "  ", i.journey_key(), " v",
                          i.journey_version(), "  at ", i.current_step(), "  (",
                          absl::AsciiStrToLower(v1::JourneyStatus_Name(i.status()).substr(15)), ")");
}

std::string CaseLine(const Case& c) {
  return internal::StrCat("case ", c.id(), "  ", c.customer_id(), "  \"", c.subject(), "\"  ",
                          absl::AsciiStrToLower(v1::CaseStatus_Name(c.status()).substr(12)), ", ",
                          absl::AsciiStrToLower(v1::CasePriority_Name(c.priority()).substr(14)),
                          c.owner_agent().empty() ? ", unassigned" : ", owner " + c.owner_agent(),
                          c.queue().empty() ? "" : ", queue " + c.queue(), ", ",
                          c.interaction_count(), " interactions");
}

template <typename Enum>
absl::StatusOr<Enum> EnumFlag(const std::string& flag, const std::string& text, const char* prefix,
                              bool (*parse)(const std::string&, Enum*)) {
  Enum value;
  if (!parse(internal::StrCat(prefix, absl::AsciiStrToUpper(text)), &value) || value == 0) {
    return absl::InvalidArgumentError(internal::StrCat("--", flag, ": unknown value"));
  }
  return value;
}

}  // namespace

int CmdJourneys(Invocation& inv) {
  const auto& words = inv.args.positional();
  const std::string verb = words.empty() ? "" : words[0];
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  Store& s = **store;
  if (verb == "define") {
    if (words.size() != 2) return Fail(inv, absl::InvalidArgumentError("journeys define: give FILE"));
    auto journey = JourneyFromFile(words[1]);
    if (!journey.ok()) return Fail(inv, journey.status());
    auto stored = s.DefineJourney(*journey);
    if (!stored.ok()) return Fail(inv, stored.status());
    return Show(inv, *stored, internal::StrCat("defined ", stored->key(), " version ",
                                               stored->version(), " (", stored->steps_size(),
                                               " steps)"));
  }
  if (verb == "list") {
    auto all = s.ListJourneys();
    if (!all.ok()) return Fail(inv, all.status());
    for (const Journey& j : *all) {
      int rc = Show(inv, j, internal::StrCat(j.key(), " v", j.version(), "  ", j.name(), "  (",
                                             j.steps_size(), " steps)"));
      if (rc != kExitOk) return rc;
    }
    return kExitOk;
  }
  if (verb == "show") {
    if (words.size() != 2) return Fail(inv, absl::InvalidArgumentError("journeys show: give KEY"));
    auto version = IntFlag(inv, "version", 0);
    if (!version.ok()) return Fail(inv, version.status());
    auto j = s.GetJourney(words[1], static_cast<int32_t>(*version));
    if (!j.ok()) return Fail(inv, j.status());
    std::string text = internal::StrCat(j->key(), " v", j->version(), "  ", j->name());
    for (const JourneyStep& step : j->steps()) {
      internal::StrAppend(&text, "\n  ", step.key(), step.skill().empty() ? "" : " [" + step.skill() + "]",
                          step.outcome() ? " (terminal)" : "", " ->");
      for (const std::string& n : step.next()) internal::StrAppend(&text, " ", n);
    }
    return Show(inv, *j, text);
  }
  if (verb == "start") {
    auto who = CustomerFrom(inv, s);
    if (!who.ok()) return Fail(inv, who.status());
    auto inst = s.StartJourney(*who, inv.args.Get("journey").value_or(""));
    if (!inst.ok()) return Fail(inv, inst.status());
    return Show(inv, *inst, InstanceLine(*inst));
  }
  if (verb == "advance") {
    auto id = IntFlag(inv, "instance", 0);
    if (!id.ok()) return Fail(inv, id.status());
    auto inst = s.AdvanceJourney(*id, inv.args.Get("step").value_or(""));
    if (!inst.ok()) return Fail(inv, inst.status());
    return Show(inv, *inst, InstanceLine(*inst));
  }
  if (verb == "instances") {
    auto who = CustomerFrom(inv, s);
    if (!who.ok()) return Fail(inv, who.status());
    auto all = s.ListJourneyInstances(*who);
    if (!all.ok()) return Fail(inv, all.status());
    for (const JourneyInstance& i : *all) {
      int rc = Show(inv, i, InstanceLine(i));
      if (rc != kExitOk) return rc;
    }
    return kExitOk;
  }
  return Fail(inv, absl::InvalidArgumentError(
                       "journeys: say define, list, show, start, advance or instances"));
}

int CmdCases(Invocation& inv) {
  const auto& words = inv.args.positional();
  const std::string verb = words.empty() ? "" : words[0];
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  Store& s = **store;
  absl::StatusOr<Case> result = absl::InvalidArgumentError(
      "cases: say open, assign, status, show or list");
  if (verb == "open") {
    auto who = CustomerFrom(inv, s);
    if (!who.ok()) return Fail(inv, who.status());
    Case c;
    c.set_customer_id(*who);
    c.set_subject(inv.args.Get("subject").value_or(""));
    c.set_owner_agent(inv.args.Get("owner").value_or(""));
    c.set_queue(inv.args.Get("queue").value_or(""));
    if (auto p = inv.args.Get("priority")) {
      auto priority = EnumFlag<v1::CasePriority>("priority", *p, "CASE_PRIORITY_",
                                                 &v1::CasePriority_Parse);
      if (!priority.ok()) return Fail(inv, priority.status());
      c.set_priority(*priority);
    }
    result = s.OpenCase(c);
  } else if (verb == "assign" || verb == "status" || verb == "show") {
    auto id = IdWord(inv, 1, "cases");
    if (!id.ok()) return Fail(inv, id.status());
    if (verb == "assign") {
      result = s.AssignCase(*id, inv.args.Get("owner").value_or(""));
    } else if (verb == "status") {
      auto status = EnumFlag<v1::CaseStatus>("status", inv.args.Get("status").value_or(""),
                                             "CASE_STATUS_", &v1::CaseStatus_Parse);
      if (!status.ok()) return Fail(inv, status.status());
      result = s.SetCaseStatus(*id, *status);
    } else {
      result = s.GetCase(*id);
    }
  } else if (verb == "list") {
    auto who = CustomerFrom(inv, s);
    if (!who.ok()) return Fail(inv, who.status());
    auto all = s.ListCases(*who);
    if (!all.ok()) return Fail(inv, all.status());
    for (const Case& c : *all) {
      int rc = Show(inv, c, CaseLine(c));
      if (rc != kExitOk) return rc;
    }
    return kExitOk;
  }
  if (!result.ok()) return Fail(inv, result.status());
  return Show(inv, *result, CaseLine(*result));
}

}  // namespace omnictx::cli
