// SPDX-License-Identifier: Apache-2.0
//
// `omnictx metrics` and `omnictx report`, driven in-process through
// cli::Run on a store written through the API.
#include <fstream>
#include <sstream>

#include "cli/cli.h"
#include "cli/report_html.h"
#include "google/protobuf/util/json_util.h"
#include "omnictx/staffing.h"
#include "test_util.h"
#include "util/strings.h"

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
  // Records more interactions in the same database.
  void Record(const std::vector<Interaction>& more) {
    Options options;
    options.clock = clock_;
    auto store = Store::Open(db_, options);
    REQUIRE(store.ok());
    REQUIRE((*store)->RecordBatch(more).ok());
  }
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
  CHECK_THAT(r.out, Catch::Contains("75.0%") && Catch::Contains("BELOW target") &&
                        Catch::Contains("80% in 20s"));
  // The waits and the occupancy inputs, in a second table: waits of 10,
  // 10, 10 and 60 s average 22.5 s, p90 60 s; 4 x 3 min of handling over
  // the day is 0.01 erlangs.
  CHECK_THAT(r.out, Catch::Contains("avg wait") && Catch::Contains("p90 wait") &&
                        Catch::Contains("handle time") && Catch::Contains("agents") &&
                        Catch::Contains("erlangs"));
  const size_t waits = r.out.find("Waits and workload:");
  REQUIRE(waits != std::string::npos);
  const size_t row = r.out.find("\nvoice", waits);
  REQUIRE(row != std::string::npos);
  const std::string voice = r.out.substr(row + 1, r.out.find('\n', row + 1) - row - 1);
  CHECK_THAT(voice, Catch::Matches(R"(voice\s+23s\s+1m\s+23s\s+3m\s+12m\s+0\s+0\.01)"));

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

// Two voice calls abandoned after 8 s, and email handled by two agents.
std::vector<Interaction> AbandonsAndEmail() {
  std::vector<Interaction> more;
  for (int n = 0; n < 2; ++n) {
    Interaction i = MakeInteraction("c1", TestEpoch() + absl::Minutes(10 + n),
                                    v1::CHANNEL_KIND_VOICE, "ivr.main_menu", "call");
    *i.mutable_wait_time() = ToProtoDuration(absl::Seconds(8));
    i.set_abandoned(true);
    more.push_back(i);
  }
  for (int n = 0; n < 3; ++n) {
    Interaction i = MakeInteraction("c1", TestEpoch() + absl::Hours(n), v1::CHANNEL_KIND_EMAIL,
                                    "support.inbox", "email");
    *i.mutable_handle_time() = ToProtoDuration(absl::Minutes(10));
    i.set_agent_id(n == 0 ? "a1" : "a2");
    more.push_back(i);
  }
  return more;
}

TEST_CASE("omnictx metrics takes per-channel targets and short abandons", "[cli][metrics]") {
  MetricsCli cli;
  cli.Record(AbandonsAndEmail());
  MetricsReport report;
  auto voice = [&](std::vector<std::string> argv) {
    argv.push_back("--json");
    Result r = cli(With(argv));
    INFO(r.err);
    REQUIRE(r.code == 0);
    REQUIRE(google::protobuf::util::JsonStringToMessage(r.out, &report).ok());
    REQUIRE(report.channels_size() == 2);
    REQUIRE(report.channels(0).channel() == v1::CHANNEL_KIND_VOICE);
    return report.channels(0);
  };
  // Voice's default short abandon is 5 s: the 8 s abandons are offered,
  // 3 of 6 answered within 20 s.
  ChannelKpi k = voice({"metrics"});
  CHECK(k.offered() == 6);
  CHECK(k.service_level() == Approx(0.5));
  // Under 10 s they are short: 3 of 4.
  k = voice({"metrics", "--short-abandon", "voice=10s"});
  CHECK(k.offered() == 4);
  CHECK(k.short_abandoned() == 2);
  CHECK(k.service_level() == Approx(0.75));
  CHECK_FALSE(k.meets_target());
  // 70% in 20 s is met; the short abandon keeps its flag's value.
  k = voice({"metrics", "--target", "voice=0.7/20s", "--short-abandon", "voice=10s"});
  CHECK(k.target().service_level() == Approx(0.7));
  CHECK(FromProtoDuration(k.target().answer_within()) == absl::Seconds(20));
  CHECK(FromProtoDuration(k.target().short_abandon()) == absl::Seconds(10));
  CHECK(k.meets_target());
  // A target alone keeps voice's default short abandon (5 s); 4 of 6
  // within a minute, 66.7% against 60%; email's own target too.
  k = voice({"metrics", "--target", "voice=0.6/1m", "--target", "email=0.95/4h"});
  CHECK(FromProtoDuration(k.target().short_abandon()) == absl::Seconds(5));
  CHECK(k.service_level() == Approx(4.0 / 6));
  CHECK(k.meets_target());
  const ChannelKpi& email = report.channels(1);
  CHECK(email.channel() == v1::CHANNEL_KIND_EMAIL);
  CHECK(email.target().service_level() == Approx(0.95));
  CHECK(FromProtoDuration(email.target().answer_within()) == absl::Hours(4));
  // Email's occupancy inputs: 30 min of work by 2 agents.
  CHECK(email.agents() == 2);
  CHECK(FromProtoDuration(email.handle_time_total()) == absl::Minutes(30));

  // The table names them.
  Result r = cli(With({"metrics", "--target", "voice=0.7/20s", "--short-abandon", "voice=10s"}));
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("70% in 20s") && Catch::Contains("meets target") &&
                        Catch::Contains("(short: abandoned quicker"));
  // And so does the report.
  const std::string path = cli.File("targets.html");
  r = cli(With({"report", "--out", path, "--target", "voice=0.7/20s", "--target",
                "email=0.95/4h"}));
  INFO(r.err);
  REQUIRE(r.code == 0);
  std::ifstream in(path);
  std::stringstream html;
  html << in.rdbuf();
  CHECK_THAT(html.str(), Catch::Contains("70% in 20s") && Catch::Contains("95% in 4h"));
}

TEST_CASE("omnictx metrics refuses malformed targets naming the flag", "[cli][metrics]") {
  MetricsCli cli;
  struct Bad {
    std::vector<std::string> argv;
    std::string message;
  };
  const Bad cases[] = {
      {{"--target", "voice"}, "--target voice: not CHANNEL=LEVEL/WITHIN (e.g. voice=0.8/20s)"},
      {{"--target", "voice=0.8"}, "--target voice=0.8: not CHANNEL=LEVEL/WITHIN"},
      {{"--target", "=0.8/20s"}, "--target =0.8/20s: not CHANNEL=LEVEL/WITHIN"},
      {{"--target", "pigeon=0.8/20s"}, "--target pigeon=0.8/20s: unknown channel 'pigeon' (one of voice, ivr"},
      {{"--target", "unspecified=0.8/20s"}, "unknown channel 'unspecified'"},
      {{"--target", "voice=80%/20s"}, "--target voice=80%/20s: LEVEL '80%' must be a share more than 0 and at most 1"},
      {{"--target", "voice=1.5/20s"}, "LEVEL '1.5' must be a share"},
      {{"--target", "voice=0/20s"}, "LEVEL '0' must be a share"},
      {{"--target", "voice=0.8/soon"}, "--target voice=0.8/soon: WITHIN 'soon' is not a duration"},
      {{"--target", "voice=0.8/0s"}, "--target voice=0.8/0s: WITHIN must be positive"},
      {{"--target", "voice=0.8/-20s"}, "WITHIN '-20s' is negative"},
      {{"--target", "voice=0.8/20s", "--target", "voice=0.9/20s"},
       "--target voice=0.9/20s: voice is given twice"},
      {{"--short-abandon", "voice"}, "--short-abandon voice: not CHANNEL=DURATION (e.g. voice=5s)"},
      {{"--short-abandon", "fax=5s"}, "--short-abandon fax=5s: unknown channel 'fax'"},
      {{"--short-abandon", "voice=-5s"}, "--short-abandon voice=-5s: DURATION '-5s' is negative"},
      {{"--short-abandon", "voice=quick"}, "DURATION 'quick' is not a duration"},
      {{"--short-abandon", "voice=5s", "--short-abandon", "voice=3s"}, "voice is given twice"},
      {{"--volume", "100"}, "--volume: an option of 'metrics staffing', not of 'metrics'"},
      {{"--pool", "voice=1/1h/1s/0.8/20s"}, "--pool: an option of 'metrics staffing'"},
  };
  for (const Bad& c : cases) {
    std::vector<std::string> argv = {"metrics"};
    argv.insert(argv.end(), c.argv.begin(), c.argv.end());
    Result r = cli(With(argv));
    INFO(c.argv[1] << " -> " << r.err);
    CHECK(r.code == cli::kExitUsage);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK(r.out.empty());
    argv[0] = "report";
    if (c.argv[0] == "--volume" || c.argv[0] == "--pool") continue;
    argv.push_back("--out");
    argv.push_back(cli.File("bad.html"));
    r = cli(With(argv));
    CHECK(r.code == cli::kExitUsage);
    CHECK_THAT(r.err, Catch::Contains(c.message));
  }
  // Other commands do not repeat options.
  Result r = cli({"timeline", "--customer", "c1", "--limit", "5", "--limit", "6"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--limit: given twice"));
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
  // No abandons: no patience to measure, so Erlang C, and the page says why.
  CHECK_THAT(page, Catch::Contains("Model: <b>Erlang C</b>") &&
                       Catch::Contains("no measured patience for voice"));
  CHECK_THAT(page, Catch::Contains("One team per channel") &&
                       Catch::Contains("One multi-skilled team") && Catch::Contains("Saving"));
  CHECK_THAT(page, !Catch::Contains("id=\"async\""));
  // Nothing is fetched: no script, no external reference.
  CHECK_THAT(page, !Catch::Contains("<script") && !Catch::Contains("http://") &&
                       !Catch::Contains("https://"));
}

TEST_CASE("omnictx report pools asynchronous work and uses Erlang A with measured patience",
          "[cli][report]") {
  MetricsCli cli;
  cli.Record(AbandonsAndEmail());
  const std::string path = cli.File("report.html");
  Result r = cli(With({"report", "--out", path}));
  INFO(r.err);
  REQUIRE(r.code == 0);
  std::ifstream in(path);
  std::stringstream html;
  html << in.rdbuf();
  const std::string page = html.str();
  // Voice: 6 offered at 09:00, AHT 3 min; patience: 106 s of waiting
  // (10 + 10 + 10 + 60 + 8 + 8) over 2 abandons, 53 s. Email: 3 handled,
  // 10 min each, 0.02 erlangs over the day.
  CHECK_THAT(page, Catch::Contains("Model: <b>Erlang A</b>"));
  CHECK_THAT(page, Catch::Contains("<td>voice</td><td>09:00 UTC</td><td>6.0</td><td>3m</td>"
                                   "<td>53s</td>"));
  CHECK_THAT(page, Catch::Contains("id=\"async\"") &&
                       Catch::Contains("<td>email</td><td>3</td><td>10m</td><td>0.02</td><td>1</td>"));
  staffing::ChannelDemand voice{
      .channel = "voice",
      .demand = {.contacts = 6, .interval = absl::Hours(1), .handle_time = absl::Minutes(3),
                 .patience = absl::Seconds(53)},
      .target = {.service_level = 0.8, .answer_within = absl::Seconds(20)}};
  staffing::ChannelDemand email{
      .channel = "email",
      .demand = {.contacts = 3, .interval = absl::Hours(24), .handle_time = absl::Minutes(10)},
      .target = {.service_level = 0.9, .answer_within = absl::Hours(24)},
      .realtime = false};
  auto pooled = staffing::ComparePooling({voice, email});
  REQUIRE(pooled.ok());
  CHECK_THAT(page, Catch::Contains(internal::StrCat("<td>One team per channel</td><td>",
                                                    pooled->separate_agents, " agents</td>")));
  CHECK_THAT(page, Catch::Contains(internal::StrCat("<td>One multi-skilled team</td><td>",
                                                    pooled->pooled_agents, " agents</td>")));
  CHECK_THAT(page, Catch::Contains(internal::StrCat("<td>Saving</td><td>", pooled->saving,
                                                    " agent (")));
  CHECK(pooled->saving == 1);  // email's agent is absorbed
  // With voice's abandons short, there is no patience: Erlang C.
  r = cli(With({"report", "--out", path, "--short-abandon", "voice=10s"}));
  REQUIRE(r.code == 0);
  std::ifstream again(path);
  std::stringstream html2;
  html2 << again.rdbuf();
  CHECK_THAT(html2.str(), Catch::Contains("Model: <b>Erlang C</b>"));
  // --aht must be positive.
  r = cli(With({"report", "--out", path, "--aht", "0s"}));
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--aht: must be positive"));
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
