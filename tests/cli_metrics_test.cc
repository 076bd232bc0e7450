// SPDX-License-Identifier: Apache-2.0
//
// `omnictx metrics` and `omnictx report`, driven in-process through
// cli::Run on a store written through the API.
#include <fstream>
#include <sstream>

#include "cli/cli.h"
#include "cli/report_html.h"
#include "google/protobuf/util/json_util.h"
#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::TempDir;
using testing::TestEpoch;

struct Result {
  int code;
  std::string out;
  std::string err;
};

class MetricsCli {
 public:
  MetricsCli() : clock_(std::make_shared<FakeClock>(TestEpoch())), db_(dir_.File("cc.db")) {
    Options options;
    options.clock = clock_;
    auto store = Store::Open(db_, options);
    REQUIRE(store.ok());
    MakeCustomer(**store, "c1", "Ann <script>");
    std::vector<Interaction> calls;
    for (int n = 0; n < 4; ++n) {
      Interaction i = MakeInteraction("c1", TestEpoch() + absl::Minutes(n), v1::CHANNEL_KIND_VOICE,
                                      "ivr.main_menu", "call");
      *i.mutable_wait_time() = ToProtoDuration(absl::Seconds(n < 3 ? 10 : 60));
      i.set_answered(true);
      *i.mutable_handle_time() = ToProtoDuration(absl::Minutes(3));
      calls.push_back(i);
    }
    REQUIRE((*store)->RecordBatch(calls).ok());
  }
  Result operator()(std::vector<std::string> argv) {
    std::ostringstream out, err;
    int code = cli::Run(argv, out, err, db_, "FR", clock_);
    return {code, out.str(), err.str()};
  }
  std::string File(const std::string& name) { return dir_.File(name); }
  FakeClock& clock() { return *clock_; }

 private:
  TempDir dir_;
  std::shared_ptr<FakeClock> clock_;
  std::string db_;
};

const std::vector<std::string> kWindow = {"--since", "2026-03-02T00:00:00Z", "--until",
                                          "2026-03-03T00:00:00Z"};

std::vector<std::string> With(std::vector<std::string> argv) {
  argv.insert(argv.end(), kWindow.begin(), kWindow.end());
  return argv;
}

TEST_CASE("omnictx metrics prints the KPI table and the report as JSON", "[cli][metrics]") {
  MetricsCli cli;
  Result r = cli(With({"metrics"}));
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("4 interactions"));
  // 3 of 4 answered within 20 s: 75% against voice's 80%.
  CHECK_THAT(r.out, Catch::Contains("75.0%") && Catch::Contains("BELOW target"));

  r = cli(With({"metrics", "--json"}));
  REQUIRE(r.code == 0);
  MetricsReport report;
  REQUIRE(google::protobuf::util::JsonStringToMessage(r.out, &report).ok());
  REQUIRE(report.channels_size() == 1);
  CHECK(report.channels(0).answered() == 4);
  CHECK(report.channels(0).service_level() == 0.75);

  r = cli(With({"metrics", "--by", "touchpoint", "--json"}));
  REQUIRE(r.code == 0);
  REQUIRE(google::protobuf::util::JsonStringToMessage(r.out, &report).ok());
  REQUIRE(report.channels_size() == 2);
  CHECK(report.channels(1).group() == "ivr.main_menu");
}

TEST_CASE("omnictx metrics refuses bad flags naming them", "[cli][metrics]") {
  MetricsCli cli;
  Result r = cli(With({"metrics", "--by", "weekday"}));
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--by: must be"));
  r = cli({"metrics", "--since", "yesterday"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("since"));
  r = cli({"metrics", "--since", "2026-03-03T00:00:00Z", "--until", "2026-03-02T00:00:00Z"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("end: must be after start"));
  r = cli(With({"metrics", "frobnicate"}));
  CHECK(r.code == cli::kExitUsage);
  r = cli(With({"report"}));
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--out: required"));
}

TEST_CASE("omnictx report writes one self-contained HTML page", "[cli][report]") {
  MetricsCli cli;
  const std::string path = cli.File("report.html");
  Result r = cli(With({"report", "--out", path}));
  INFO(r.err);
  REQUIRE(r.code == 0);
  std::ifstream in(path);
  std::stringstream html;
  html << in.rdbuf();
  const std::string page = html.str();
  CHECK_THAT(page, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(page, Catch::Contains("75.0%") && Catch::Contains("below"));
  CHECK_THAT(page, Catch::Contains("id=\"staffing\""));
  // Nothing is fetched: no script, no external reference.
  CHECK_THAT(page, !Catch::Contains("<script") && !Catch::Contains("http://") &&
                       !Catch::Contains("https://"));
}

TEST_CASE("omnictx metrics staffing answers Erlang C and Erlang A what-ifs", "[cli][staffing]") {
  MetricsCli cli;
  const std::vector<std::string> base = {"metrics", "staffing", "--volume", "100", "--interval",
                                         "30m", "--aht", "180s", "--target", "0.8",
                                         "--answer-within", "20s"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = base;
    argv.insert(argv.end(), extra.begin(), extra.end());
    return cli(argv);
  };
  Result r = with({"--json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("{\"agents\":14,\"traffic_erlangs\":10,"));
  CHECK_THAT(r.out, !Catch::Contains("abandonment"));
  r = with({});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("Needed: 14 agents") && Catch::Contains("88.8%"));
  r = with({"--patience", "60s", "--json"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"abandonment\":"));
  r = with({"--agents", "10", "--json"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"agents\":10") && Catch::Contains("\"asa_seconds\":null"));

  r = cli({"metrics", "staffing", "--interval", "30m", "--aht", "180s", "--answer-within", "20s"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--volume: required"));
  r = with({"--patience", "soon"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("patience"));
  std::vector<std::string> bad = base;
  bad[9] = "1.5";  // --target
  r = cli(bad);
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--target: must be between 0 and 1"));
  r = with({"--agents", "0"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--agents:"));
}

TEST_CASE("HtmlEscape escapes markup in names and keys", "[cli][report]") {
  CHECK(cli::HtmlEscape("<b>\"Ann\" & 'Bo'</b>") ==
        "&lt;b&gt;&quot;Ann&quot; &amp; &#39;Bo&#39;&lt;/b&gt;");
}

}  // namespace
}  // namespace omnictx
