// SPDX-License-Identifier: Apache-2.0
//
// The omnictx command line: Args::Parse, the duration and time flags, and
// cli::Run with fuzzed argv on a scratch database. Input: one byte picks a
// command (or leaves the first word as it is), the rest is the words,
// separated by '\n' or NUL. Commands that listen (serve), write files
// (report --out) or read files or standard input (import, journeys define,
// --mapping) are swapped for harmless ones, and --db always names the
// scratch database. Checks: no crash or sanitizer report; Run returns one
// of the documented exit codes; Parse either fails with InvalidArgument or
// keeps a leading option; the duration flag is never negative.
#include <cstddef>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.h"
#include "cli/cli.h"
#include "fuzz_util.h"

namespace {

using omnictx::fuzz::StatusText;

constexpr std::string_view kCommands[] = {
    "check",  "customer", "lookup",  "timeline", "stalled", "journeys", "cases",  "merge",
    "unmerge", "merges",  "erase",   "metrics",  "init",    "--help",   "help",   "--version"};
// Options whose value is a path the command would open, create or listen on.
const std::set<std::string> kDropped = {"db", "out", "mapping", "write-key-file", "listen"};
const std::set<std::string> kUnsafeCommands = {"serve", "report", "import"};

std::vector<std::string> Split(std::string_view text) {
  std::vector<std::string> words;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n' || text[i] == '\0') {
      if (i > start || i < text.size()) words.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return words;
}

std::string OptionName(const std::string& word) {
  if (word.size() < 3 || word.rfind("--", 0) != 0) return {};
  return word.substr(2, word.find('=') == std::string::npos ? std::string::npos
                                                            : word.find('=') - 2);
}

void FuzzParse(const std::vector<std::string>& words) {
  const std::set<std::string> flags = {"json", "flat", "strict", "yes", "preview", "help"};
  auto args = omnictx::cli::Args::Parse(words, flags);
  if (!args.ok()) {
    FUZZ_CHECK(args.status().code() == absl::StatusCode::kInvalidArgument,
               StatusText(args.status()));
    return;
  }
  // The first word cannot be another option's value.
  const std::string first = words.empty() ? std::string() : OptionName(words[0]);
  if (!first.empty()) FUZZ_CHECK(args->Has(first) && args->Get(first).has_value(), words[0]);
  FUZZ_CHECK(args->positional().size() <= words.size(), "more positionals than words");
  (void)args->OnlyKnown(flags);
}

void FuzzFlags(const std::vector<std::string>& words) {
  for (const std::string& word : words) {
    auto d = omnictx::cli::ParseDurationFlag("--window", word);
    if (d.ok()) {
      FUZZ_CHECK(*d >= absl::ZeroDuration(), word);
    } else {
      FUZZ_CHECK(d.status().code() == absl::StatusCode::kInvalidArgument, StatusText(d.status()));
    }
    auto t = omnictx::cli::ParseTimeFlag("--at", word);
    if (!t.ok()) {
      FUZZ_CHECK(t.status().code() == absl::StatusCode::kInvalidArgument, StatusText(t.status()));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string* const db =
      new std::string((omnictx::fuzz::ScratchDir() / "cli.db").string());
  static auto* clock = new std::shared_ptr<omnictx::FakeClock>(
      std::make_shared<omnictx::FakeClock>(omnictx::fuzz::FuzzEpoch()));
  static int runs = 0;
  if (runs++ % 1000 == 0) {
    omnictx::fuzz::RemoveStoreFiles(*db);
    std::ostringstream out, err;
    const int code = omnictx::cli::Run({"init", "--db", *db}, out, err, "", "", *clock);
    FUZZ_CHECK(code == 0, err.str());
  }

  omnictx::fuzz::Bytes in(data, size);
  const uint8_t choice = in.Byte();
  std::vector<std::string> words = Split(in.Rest());
  FuzzParse(words);
  FuzzFlags(words);

  // Run: a known command first unless the choice keeps the words as they are.
  if (choice < 0xF0) {
    words.insert(words.begin(), std::string(kCommands[choice % std::size(kCommands)]));
  }
  if (words.empty() || kUnsafeCommands.count(words[0]) > 0) return 0;
  std::vector<std::string> argv;
  for (size_t i = 0; i < words.size(); ++i) {
    if (kDropped.count(OptionName(words[i])) > 0) continue;
    if (words[0] == "journeys" && words[i] == "define") continue;
    argv.push_back(words[i]);
  }
  argv.push_back("--db=" + *db);
  std::ostringstream out, err;
  const int code = omnictx::cli::Run(argv, out, err, "", "", *clock);
  FUZZ_CHECK(code >= 0 && code <= 5, "exit code " + std::to_string(code));
  return 0;
}
