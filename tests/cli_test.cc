// SPDX-License-Identifier: Apache-2.0
//
// The omnictx command-line tool, driven in-process through cli::Run.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "cli/cli.h"
#include "cli/serve.h"
#include "test_util.h"

namespace omnictx {
namespace {

using testing::TempDir;
using testing::TestEpoch;

struct Result {
  int code;
  std::string out;
  std::string err;
};

class Cli {
 public:
  Cli() : clock_(std::make_shared<FakeClock>(TestEpoch())), db_(dir_.File("cc.db")) {}
  Result operator()(std::vector<std::string> argv) {
    std::ostringstream out, err;
    int code = cli::Run(argv, out, err, db_, "FR", clock_);
    return {code, out.str(), err.str()};
  }
  const std::string& db() const { return db_; }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_.File(name);
    std::ofstream(path) << text;
    return path;
  }
  FakeClock& clock() { return *clock_; }

 private:
  TempDir dir_;
  std::shared_ptr<FakeClock> clock_;
  std::string db_;
};

TEST_CASE("the CLI explains itself and refuses what it does not know", "[cli]") {
  Cli cli;
  Result r = cli({"--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("lookup") && Catch::Contains("exit codes"));
  r = cli({});
  CHECK(r.code == cli::kExitUsage);
  r = cli({"frobnicate"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("unknown command 'frobnicate'"));
  r = cli({"lookup", "--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("--channel"));
  r = cli({"lookup", "--phnoe", "0612345678"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--phnoe: unknown option"));
  r = cli({"lookup", "--phone"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--phone: needs a value"));
}

TEST_CASE("commands other than init need an existing database", "[cli]") {
  Cli cli;
  Result r = cli({"check"});
  CHECK(r.code == cli::kExitNotFound);
  CHECK_THAT(r.err, Catch::Contains("omnictx init"));
  r = cli({"init"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("initialized") && Catch::Contains("(schema "));
  r = cli({"check", "--json"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"ok\":true"));
}

TEST_CASE("an operator adds a customer, opens a case and looks the caller up", "[cli]") {
  Cli cli;
  REQUIRE(cli({"init"}).code == 0);
  Result r = cli({"customer", "add", "--id", "c-9", "--name", "Ana Lima", "--phone",
                  "06 12 34 56 78", "--email", "Ana@Example.org"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("phone  +33612345678") && Catch::Contains("email  ana@example.org"));

  r = cli({"cases", "open", "--phone", "+33612345678", "--subject", "Refund", "--priority", "high",
           "--owner", "eng-7"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("case 1  c-9  \"Refund\"  open, high, owner eng-7"));

  r = cli({"lookup", "--phone", "0612345678", "--channel", "ivr"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("Routing: agent eng-7"));

  r = cli({"lookup", "--phone", "0612345678", "--flat"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("route_target=eng-7\n") && Catch::Contains("known=1\n"));

  r = cli({"lookup", "--email", "ana@example.org", "--json"});
  REQUIRE(r.code == 0);
  auto ctx = ContextFromJson(r.out);
  REQUIRE_OK(ctx);
  CHECK(ctx->customer().id() == "c-9");

  r = cli({"cases", "status", "1", "--status", "resolved"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("resolved"));
  r = cli({"cases", "status", "1", "--status", "sideways"});
  CHECK(r.code == cli::kExitUsage);
  r = cli({"cases", "show", "99"});
  CHECK(r.code == cli::kExitNotFound);

  r = cli({"lookup", "--phone", "+33 7 00 00 00 01"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("Unknown caller"));
  r = cli({"lookup", "--phone", "1-800-FLOWERS"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("phone: letters not allowed"));
  r = cli({"timeline", "--phone", "+33 7 00 00 00 01"});
  CHECK(r.code == cli::kExitNotFound);
}

TEST_CASE("lookup shows what another door would see with --audience", "[cli][audience]") {
  Cli cli;
  REQUIRE(cli({"init"}).code == 0);
  REQUIRE(cli({"customer", "add", "--id", "c-9", "--name", "Ana Lima", "--phone", "06 12 34 56 78",
               "--email", "ana@example.org"})
              .code == 0);
  Result full = cli({"lookup", "--phone", "0612345678", "--json"});
  REQUIRE(full.code == 0);
  CHECK_THAT(full.out, Catch::Contains("ana@example.org") && Catch::Contains("+33612345678"));
  for (const char* audience : {"ivr", "public_web"}) {
    for (std::vector<std::string> format : {std::vector<std::string>{"--json"},
                                            std::vector<std::string>{"--flat"},
                                            std::vector<std::string>{}}) {
      std::vector<std::string> argv = {"lookup", "--phone", "0612345678", "--audience", audience};
      argv.insert(argv.end(), format.begin(), format.end());
      Result r = cli(argv);
      INFO(audience << "\n" << r.out);
      REQUIRE(r.code == 0);
      CHECK_THAT(r.out, Catch::Contains("Ana Lima"));
      CHECK_THAT(r.out, !Catch::Contains("ana@example.org") && !Catch::Contains("612345678"));
    }
  }
  Result r = cli({"lookup", "--phone", "0612345678", "--audience", "root"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--audience: unknown audience"));

  // serve's --audiences: the first is the default, names are checked.
  auto audiences = cli::ParseAudiences("ivr,agent,ivr");
  REQUIRE_OK(audiences);
  CHECK(*audiences == std::vector<Audience>{Audience::kIvr, Audience::kAgent});
  CHECK(cli::ParseAudiences("").status() == absl::InvalidArgumentError("--audiences: empty"));
  CHECK(absl::IsInvalidArgument(cli::ParseAudiences("ivr,root").status()));
}

TEST_CASE("the CLI's error messages never echo a personal value", "[cli][error_canary]") {
  Cli cli;
  REQUIRE(cli({"init"}).code == 0);
  REQUIRE(cli({"customer", "add", "--id", "c-1", "--name", "Ana", "--phone", "0612345678"}).code ==
          0);
  const std::string lines = cli.Write(
      "bad.jsonl",
      "{\"type\":\"identify\",\"userId\":\"zqk7\\u0001\"}\n"
      "{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"email\":\"zqk7@localhost\"}}\n"
      "{\"type\":\"track\",\"userId\":\"u2\",\"event\":\"E\",\"timestamp\":\"zqk7\"}\n"
      "zqk7 98765431\n");
  const std::vector<std::vector<std::string>> calls = {
      {"lookup", "--phone", "zqk7 98765431"},
      {"lookup", "--phone", "+33 6 98 76 54 31 ext. 2"},
      {"lookup", "--email", "zqk7@localhost"},
      {"lookup", "--customer", "zqk7\n"},
      {"customer", "show", "--customer", "zqk7-ghost"},
      {"customer", "show", "--email", "zqk7@example.com"},
      {"customer", "add", "--id", "zqk7\x01"},
      {"customer", "add", "--id", "c-2", "--name", "zqk7\x01"},
      {"customer", "add", "--id", "c-1", "--phone", "06 98 76 54 31", "--email", "zqk7@"},
      {"timeline", "--phone", "+33698765431"},
      {"cases", "open", "--customer", "zqk7-ghost", "--subject", "S"},
      {"cases", "open", "--customer", "c-1", "--subject", "zqk7\x01"},
      {"merge", "--survivor", "zqk7-a", "--absorbed", "c-1", "--actor", "ops"},
      {"merge", "--survivor", "c-1", "--absorbed", "zqk7-b", "--actor", "ops"},
      {"erase", "--customer", "zqk7-ghost", "--actor", "dpo", "--yes"},
      {"erase", "--phone", "+33698765431", "--actor", "dpo", "--yes"},
      {"journeys", "start", "--journey", "loan", "--customer", "zqk7-ghost"},
      {"import", lines},
      {"import", lines, "--strict"},
  };
  for (const auto& argv : calls) {
    Result r = cli(argv);
    INFO(argv[0] << " " << argv[1] << ": exit " << r.code << "\n" << r.err << r.out);
    CHECK(r.code != 0);
    CHECK_FALSE(r.err.empty());
    std::string all = r.err + r.out;
    std::transform(all.begin(), all.end(), all.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    CHECK(all.find("zqk7") == std::string::npos);
    CHECK(all.find("98765431") == std::string::npos);
    CHECK(all.find("98 76 54 31") == std::string::npos);
  }
}

TEST_CASE("journeys are defined from a file, run and found stalled", "[cli]") {
  Cli cli;
  REQUIRE(cli({"init"}).code == 0);
  std::string file = cli.Write("loan.textproto", R"pb(
    key: "loan"
    name: "Loan"
    steps { key: "apply" next: "sign" }
    steps { key: "sign" next: "done" skill: "closing" stall_after { seconds: 600 } }
    steps { key: "done" outcome: STEP_OUTCOME_SUCCESS }
  )pb");
  Result r = cli({"journeys", "define", file});
  REQUIRE(r.code == 0);
  CHECK(r.out == "defined loan version 1 (3 steps)\n");
  REQUIRE(cli({"customer", "add", "--id", "c-1", "--phone", "0611111111"}).code == 0);
  r = cli({"journeys", "start", "--journey", "loan", "--customer", "c-1"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("instance 1  c-1  loan v1  at apply  (active)"));
  r = cli({"journeys", "advance", "--instance", "1", "--step", "done"});
  CHECK(r.code == cli::kExitFailed);
  CHECK_THAT(r.err, Catch::Contains("not allowed"));
  REQUIRE(cli({"journeys", "advance", "--instance", "1", "--step", "sign"}).code == 0);
  cli.clock().Advance(absl::Minutes(30));
  r = cli({"stalled"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("c-1  loan  at sign for 30m"));
  r = cli({"journeys", "list", "--json"});
  CHECK_THAT(r.out, Catch::Contains("\"key\":\"loan\""));
}

TEST_CASE("merge, unmerge and erase from the command line", "[cli]") {
  Cli cli;
  REQUIRE(cli({"init"}).code == 0);
  REQUIRE(cli({"customer", "add", "--id", "a", "--phone", "0611111111"}).code == 0);
  REQUIRE(cli({"customer", "add", "--id", "b", "--email", "b@example.org"}).code == 0);
  Result r = cli({"merge", "--survivor", "a", "--absorbed", "b", "--actor", "ops", "--preview"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("would merge b into a (1 identities"));
  r = cli({"merge", "--survivor", "a", "--absorbed", "b"});
  CHECK(r.code == cli::kExitUsage);  // no actor
  r = cli({"merge", "--survivor", "a", "--absorbed", "b", "--actor", "ops"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("merge 1: b into a"));
  r = cli({"customer", "show", "--email", "b@example.org"});
  CHECK_THAT(r.out, Catch::StartsWith("a  "));
  REQUIRE(cli({"unmerge", "1", "--actor", "ops"}).code == 0);
  r = cli({"customer", "show", "--email", "b@example.org"});
  CHECK_THAT(r.out, Catch::StartsWith("b  "));
  r = cli({"erase", "--customer", "b", "--actor", "dpo"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--yes"));
  r = cli({"erase", "--customer", "b", "--actor", "dpo", "--yes"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("erased: 1 identities removed"));
  r = cli({"customer", "show", "--email", "b@example.org"});
  CHECK(r.code == cli::kExitNotFound);
}

}  // namespace
}  // namespace omnictx
