// SPDX-License-Identifier: Apache-2.0
#include "journey/definition.h"

#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "catch2/catch.hpp"
#include "google/protobuf/util/message_differencer.h"
#include "omnictx/journey_format.h"
#include "test_util.h"

namespace omnictx::journey {
namespace {

using ::omnictx::testing::TempDir;

// Returns the differences between two messages, empty when equal, so a
// failing CHECK prints what differs.
std::string ProtoDiff(const google::protobuf::Message& expected,
                      const google::protobuf::Message& actual) {
  std::string report;
  bool same = false;
  {
    // The reporter flushes into `report` when the differencer goes away.
    google::protobuf::util::MessageDifferencer diff;
    diff.ReportDifferencesToString(&report);
    same = diff.Compare(expected, actual);
  }
  return same ? "" : report;
}

// The "home loan" journey of the first DESIGN story, with a loop back from
// review to upload_documents.
constexpr char kHomeLoanText[] = R"pb(
  key: "home_loan"
  name: "Home loan"
  steps { key: "start" next: "upload_documents" touchpoints: "web.home_loan" }
  steps {
    key: "upload_documents"
    name: "Upload documents"
    next: "review"
    touchpoints: "web.upload"
    stall_after { seconds: 900 }
    skill: "documents"
    needs: "payslip"
    needs: "id_card"
    priority: 2
  }
  steps {
    key: "review"
    next: "approved"
    next: "rejected"
    next: "upload_documents"
  }
  steps { key: "approved" outcome: STEP_OUTCOME_SUCCESS }
  steps { key: "rejected" outcome: STEP_OUTCOME_FAILURE }
)pb";

Journey HomeLoan() {
  absl::StatusOr<Journey> journey = JourneyFromText(kHomeLoanText);
  REQUIRE_OK(journey);
  return *journey;
}

JourneyStep& Step(Journey& j, const std::string& key) {
  for (JourneyStep& step : *j.mutable_steps()) {
    if (step.key() == key) return step;
  }
  FAIL("no step " << key);
  return *j.mutable_steps(0);
}

// A straight line of `n` steps s0 -> s1 -> ... whose last step succeeds.
Journey Chain(int n) {
  Journey j;
  j.set_key("chain");
  for (int i = 0; i < n; ++i) {
    JourneyStep* step = j.add_steps();
    step->set_key(absl::StrCat("s", i));
    if (i + 1 < n) {
      step->add_next(absl::StrCat("s", i + 1));
    } else {
      step->set_outcome(v1::STEP_OUTCOME_SUCCESS);
    }
  }
  return j;
}

constexpr char kBadKey[] = "bad key (allowed: letters, digits, _ . : -)";

// Writes `content` to `name` in `dir` and returns the path.
std::string WriteFile(const TempDir& dir, const std::string& name,
                      const std::string& content) {
  const std::string path = dir.File(name);
  std::ofstream out(path, std::ios::binary);
  out << content;
  out.close();
  REQUIRE(out.good());
  return path;
}

}  // namespace

TEST_CASE("a valid journey compiles into an indexed definition", "[journey]") {
  const Journey proto = HomeLoan();
  REQUIRE_OK(Validate(proto));
  absl::StatusOr<std::shared_ptr<const Definition>> compiled =
      Definition::Compile(proto);
  REQUIRE_OK(compiled);
  const Definition& def = **compiled;

  SECTION("accessors") {
    CHECK(def.key() == "home_loan");
    CHECK(def.entry().key() == "start");
    CHECK(ProtoDiff(proto, def.proto()) == "");
  }
  SECTION("steps are found by key in definition order") {
    const std::vector<std::string> keys = {"start", "upload_documents",
                                           "review", "approved", "rejected"};
    for (size_t i = 0; i < keys.size(); ++i) {
      CHECK(def.StepIndex(keys[i]) == static_cast<int>(i));
      REQUIRE(def.FindStep(keys[i]) != nullptr);
      CHECK(def.FindStep(keys[i])->key() == keys[i]);
    }
    CHECK(def.StepIndex("sign_contract") == -1);
    CHECK(def.FindStep("") == nullptr);
    CHECK(def.FindStep("Start") == nullptr);
    CHECK(def.FindStep("upload_documents")->skill() == "documents");
  }
  SECTION("stall thresholds") {
    CHECK(def.StallAfter("upload_documents") == absl::Minutes(15));
    CHECK(def.StallAfter("review") == absl::ZeroDuration());
    CHECK(def.StallAfter("nowhere") == absl::ZeroDuration());
  }
  SECTION("the definition owns a copy of the proto") {
    Journey changed = proto;
    auto copy = Definition::Compile(changed);
    REQUIRE_OK(copy);
    changed.mutable_steps(0)->set_key("moved");
    CHECK((*copy)->entry().key() == "start");
    CHECK((*copy)->StepIndex("start") == 0);
  }
}

TEST_CASE("Definition::Allows follows the declared transitions only",
          "[journey]") {
  auto def = Definition::Compile(HomeLoan());
  REQUIRE_OK(def);
  struct Row {
    const char* from;
    const char* to;
    bool allowed;
  };
  const Row rows[] = {
      {"start", "upload_documents", true},
      {"start", "review", false},  // no skipping ahead
      {"start", "start", false},   // no implicit self-loop
      {"upload_documents", "review", true},
      {"upload_documents", "start", false},
      {"review", "approved", true},
      {"review", "rejected", true},
      {"review", "upload_documents", true},  // the declared loop back
      {"approved", "review", false},         // terminal steps go nowhere
      {"rejected", "start", false},
      {"upload_documents", "sign_contract", false},
      {"sign_contract", "review", false},
      {"", "start", false},
      {"Start", "upload_documents", false},
  };
  for (const Row& row : rows) {
    INFO(row.from << " -> " << row.to);
    CHECK((*def)->Allows(row.from, row.to) == row.allowed);
  }
}

TEST_CASE("Validate refuses each broken definition with a message naming it",
          "[journey]") {
  struct Row {
    const char* what;
    std::function<void(Journey&)> mutate;
    std::string message;
  };
  const std::string long_name(Limits::kMaxNameBytes + 1, 'n');
  const std::vector<Row> rows = {
      {"empty journey key", [](Journey& j) { j.clear_key(); },
       "journey.key: empty"},
      {"bad journey key", [](Journey& j) { j.set_key("home loan"); },
       absl::StrCat("journey.key: ", kBadKey)},
      {"long journey key", [](Journey& j) { j.set_key(std::string(65, 'k')); },
       "journey.key: 65 bytes > 64"},
      {"long journey name", [&](Journey& j) { j.set_name(long_name); },
       "journey.name: 257 bytes > 256"},
      {"control in journey name", [](Journey& j) { j.set_name("Home\nloan"); },
       "journey.name: control character"},
      {"long description",
       [](Journey& j) { j.set_description(std::string(4097, 'd')); },
       "journey.description: 4097 bytes > 4096"},
      {"no steps", [](Journey& j) { j.clear_steps(); }, "journey.steps: empty"},
      {"too many steps", [](Journey& j) { j = Chain(101); },
       "journey.steps: more than 100 steps"},
      {"empty step key", [](Journey& j) { j.mutable_steps(1)->clear_key(); },
       "journey.steps[1].key: empty"},
      {"bad step key",
       [](Journey& j) { j.mutable_steps(2)->set_key("re view"); },
       absl::StrCat("journey.steps[2].key: ", kBadKey)},
      {"duplicate step key",
       [](Journey& j) { j.mutable_steps(2)->set_key("start"); },
       "step start: duplicate key"},
      {"long step name",
       [&](Journey& j) { Step(j, "review").set_name(long_name); },
       "step review: name: 257 bytes > 256"},
      {"control in step name",
       [](Journey& j) { Step(j, "start").set_name("a\tb"); },
       "step start: name: control character"},
      {"bad skill",
       [](Journey& j) { Step(j, "upload_documents").set_skill("doc uments"); },
       absl::StrCat("step upload_documents: skill: ", kBadKey)},
      {"bad need",
       [](Journey& j) { Step(j, "upload_documents").set_needs(1, "id card"); },
       absl::StrCat("step upload_documents: needs[1]: ", kBadKey)},
      {"empty touchpoint",
       [](Journey& j) { Step(j, "start").set_touchpoints(0, ""); },
       "step start: touchpoints[0]: empty"},
      {"bad next key",
       [](Journey& j) { Step(j, "start").set_next(0, "upload documents"); },
       absl::StrCat("step start: next[0]: ", kBadKey)},
      {"unknown next step",
       [](Journey& j) {
         Step(j, "upload_documents").set_next(0, "sign_contract");
       },
       "step upload_documents: transition to unknown step sign_contract"},
      {"negative stall threshold",
       [](Journey& j) {
         Step(j, "upload_documents").mutable_stall_after()->set_seconds(-1);
       },
       "step upload_documents: negative stall threshold"},
      {"negative sub-second stall threshold",
       [](Journey& j) {
         auto* d = Step(j, "upload_documents").mutable_stall_after();
         d->set_seconds(0);
         d->set_nanos(-1);
       },
       "step upload_documents: negative stall threshold"},
      {"stall nanos out of range",
       [](Journey& j) {
         Step(j, "upload_documents")
             .mutable_stall_after()
             ->set_nanos(1000000000);
       },
       "step upload_documents: invalid stall threshold"},
      {"stall seconds and nanos of different signs",
       [](Journey& j) {
         Step(j, "upload_documents").mutable_stall_after()->set_nanos(-1);
       },
       "step upload_documents: invalid stall threshold"},
      {"unknown outcome",
       [](Journey& j) {
         Step(j, "approved").set_outcome(static_cast<v1::StepOutcome>(7));
       },
       "step approved: unknown outcome 7"},
      {"terminal step with next",
       [](Journey& j) { Step(j, "approved").add_next("start"); },
       "step approved: terminal step has next steps"},
      {"dead end", [](Journey& j) { Step(j, "review").clear_next(); },
       "step review: dead end (not terminal and no next step)"},
      {"no terminal step",
       [](Journey& j) {
         for (const char* key : {"approved", "rejected"}) {
           Step(j, key).clear_outcome();
           Step(j, key).add_next("start");
         }
       },
       "journey home_loan: no terminal step"},
      {"unreachable step",
       [](Journey& j) {
         JourneyStep* orphan = j.add_steps();
         orphan->set_key("orphan");
         orphan->add_next("approved");
       },
       "step orphan: unreachable from entry step start"},
      {"step reachable only backwards",
       [](Journey& j) {
         Step(j, "start").set_next(0, "review");
         Step(j, "review").mutable_next()->RemoveLast();  // upload_documents
       },
       "step upload_documents: unreachable from entry step start"},
  };
  for (const Row& row : rows) {
    INFO(row.what);
    Journey journey = HomeLoan();
    row.mutate(journey);
    const absl::Status status = Validate(journey);
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(status.message()) == row.message);
    // Compile reports exactly what Validate does.
    CHECK(Definition::Compile(journey).status() == status);
  }
}

TEST_CASE("Validate accepts the edge cases a definition may use", "[journey]") {
  SECTION("exactly the step limit") {
    CHECK(Validate(Chain(static_cast<int>(Limits::kMaxJourneySteps))).ok());
  }
  SECTION("a single terminal entry step") { CHECK(Validate(Chain(1)).ok()); }
  SECTION("output-only fields are ignored") {
    Journey j = HomeLoan();
    j.set_version(7);
    j.mutable_defined_at()->set_seconds(-5);  // even a nonsense value
    CHECK(Validate(j).ok());
  }
  SECTION("keys may use the whole key alphabet") {
    Journey j = Chain(2);
    j.set_key("Home-Loan.v2:fr");
    j.mutable_steps(0)->set_skill("documents:fr");
    CHECK(Validate(j).ok());
  }
  SECTION("a zero stall threshold means never stalled") {
    Journey j = HomeLoan();
    Step(j, "upload_documents").mutable_stall_after()->set_seconds(0);
    auto def = Definition::Compile(j);
    REQUIRE_OK(def);
    CHECK((*def)->StallAfter("upload_documents") == absl::ZeroDuration());
  }
}

TEST_CASE("journeys load from text format", "[journey][format]") {
  SECTION("a good definition") {
    const Journey j = HomeLoan();
    CHECK(j.key() == "home_loan");
    REQUIRE(j.steps_size() == 5);
    CHECK(j.steps(1).stall_after().seconds() == 900);
    CHECK(j.steps(1).needs_size() == 2);
    CHECK(j.steps(3).outcome() == v1::STEP_OUTCOME_SUCCESS);
  }
  SECTION("an unknown field names its line") {
    auto j = JourneyFromText("key: \"a\"\nsteps {\n  kee: \"x\"\n}\n");
    CHECK(j.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(
        absl::StartsWith(j.status().message(), "journey text: line 3 column "));
    CHECK(absl::StrContains(j.status().message(), "no field named \"kee\""));
  }
  SECTION("a syntax error names its line") {
    auto j = JourneyFromText("key: \"a\"\n\nsteps {\n  key: \"x\"\n");
    CHECK(j.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StartsWith(j.status().message(), "journey text: line 5 "));
  }
  SECTION("a wrong type names its line") {
    auto j = JourneyFromText("name: \"x\"\nkey: 3\n");
    CHECK(absl::StartsWith(j.status().message(),
                           "journey text: line 2 column 6: "));
  }
  SECTION("text over the size limit is refused before parsing") {
    const std::string big(kMaxJourneyTextBytes + 1, ' ');
    auto j = JourneyFromText(big);
    CHECK(j.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(j.status().message() == "journey text: 262145 bytes > 262144");
    CHECK(JourneyFromText(std::string(kMaxJourneyTextBytes, ' ')).ok());
  }
  SECTION("parsing does not validate") {
    auto j = JourneyFromText("key: \"no steps at all\"");
    REQUIRE_OK(j);
    CHECK_FALSE(Validate(*j).ok());
  }
}

TEST_CASE("journeys load from JSON and print back", "[journey][format]") {
  SECTION("round trip through JSON") {
    const Journey j = HomeLoan();
    auto json = JourneyToJson(j);
    REQUIRE_OK(json);
    CHECK(absl::StrContains(*json, "\"stallAfter\":\"900s\""));
    CHECK(absl::StrContains(*json, "\"outcome\":\"STEP_OUTCOME_SUCCESS\""));
    auto back = JourneyFromJson(*json);
    REQUIRE_OK(back);
    CHECK(ProtoDiff(j, *back) == "");
    auto pretty = JourneyToJson(j, /*pretty=*/true);
    REQUIRE_OK(pretty);
    CHECK(absl::StrContains(*pretty, "\n"));
  }
  SECTION("the proto field names are accepted too") {
    auto j = JourneyFromJson(
        R"({"key":"k","steps":[{"key":"s","stall_after":"60s"}]})");
    REQUIRE_OK(j);
    CHECK(j->steps(0).stall_after().seconds() == 60);
  }
  SECTION("unknown fields are refused") {
    auto j = JourneyFromJson(R"({"key":"k","colour":"blue"})");
    CHECK(j.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StartsWith(j.status().message(), "journey json: "));
    CHECK(absl::StrContains(j.status().message(), "colour"));
  }
  SECTION("malformed JSON") {
    auto j = JourneyFromJson("{\"key\": \"k\"");
    CHECK(j.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StartsWith(j.status().message(), "journey json: "));
    CHECK_FALSE(absl::StrContains(j.status().message(), "\n"));
  }
  SECTION("a bad enum value names the field") {
    auto j = JourneyFromJson(R"({"steps":[{"outcome":"DONE"}]})");
    CHECK(j.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StrContains(j.status().message(), "steps[0].outcome"));
  }
  SECTION("JSON over the size limit is refused before parsing") {
    auto j = JourneyFromJson(std::string(kMaxJourneyTextBytes + 1, ' '));
    CHECK(j.status().message() == "journey json: 262145 bytes > 262144");
  }
}

TEST_CASE("journeys load from files by extension", "[journey][format]") {
  SECTION("text format") {
    TempDir dir;
    const std::string path =
        WriteFile(dir, "home_loan.textproto", kHomeLoanText);
    auto j = JourneyFromFile(path);
    REQUIRE_OK(j);
    CHECK(ProtoDiff(HomeLoan(), *j) == "");
  }
  SECTION("JSON") {
    TempDir dir;
    const std::string path =
        WriteFile(dir, "home_loan.json", JourneyToJson(HomeLoan()).value());
    auto j = JourneyFromFile(path);
    REQUIRE_OK(j);
    CHECK(ProtoDiff(HomeLoan(), *j) == "");
  }
  SECTION("JSON content in a text-format file is a text-format error") {
    TempDir dir;
    const std::string path =
        WriteFile(dir, "home_loan.pbtxt", JourneyToJson(HomeLoan()).value());
    auto j = JourneyFromFile(path);
    CHECK(j.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StartsWith(j.status().message(),
                           absl::StrCat(path, ": journey text: line 1")));
  }
  SECTION("a missing file is NotFound") {
    TempDir dir;
    auto j = JourneyFromFile(dir.File("missing.json"));
    CHECK(j.status().code() == absl::StatusCode::kNotFound);
    CHECK(j.status().message() ==
          absl::StrCat(dir.File("missing.json"), ": cannot open"));
  }
  SECTION("a directory is NotFound") {
    TempDir dir;
    auto j = JourneyFromFile(dir.path().string());
    CHECK(j.status().code() == absl::StatusCode::kNotFound);
  }
  SECTION("a file over the size limit is refused") {
    TempDir dir;
    const std::string path = WriteFile(
        dir, "big.textproto", std::string(kMaxJourneyTextBytes + 1, ' '));
    auto j = JourneyFromFile(path);
    CHECK(j.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StrContains(j.status().message(), "more than 262144 bytes"));
  }
}

}  // namespace omnictx::journey
