// SPDX-License-Identifier: Apache-2.0
//
// import: Segment-spec JSON lines or batch envelopes, from a file or stdin.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "omnictx/ingest.h"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

// Largest input read at once; imports beyond it go in chunks of lines.
constexpr size_t kChunkBytes = 4 << 20;

absl::StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(internal::StrCat("import: cannot read ", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Progress(const Invocation& inv, int64_t lines, int64_t done, bool final) {
  if (!inv.stderr_is_terminal || inv.json) return;
  *inv.err << "\rimported " << done << " of " << lines << " lines" << (final ? "\n" : "")
           << std::flush;
}

}  // namespace

int CmdImport(Invocation& inv) {
  const auto& words = inv.args.positional();
  if (words.size() != 1) {
    return Fail(inv, absl::InvalidArgumentError("import: give FILE, or - for standard input"));
  }
  ImportOptions options;
  options.strict = inv.args.Has("strict");
  options.actor = inv.args.Get("actor").value_or("import");
  if (auto mapping = inv.args.Get("mapping")) {
    auto text = ReadAll(*mapping);
    if (!text.ok()) return Fail(inv, text.status());
    options.mapping_json = *std::move(text);
  }
  std::string input;
  if (words[0] == "-") {
    std::ostringstream s;
    s << std::cin.rdbuf();
    input = s.str();
  } else {
    auto text = ReadAll(words[0]);
    if (!text.ok()) return Fail(inv, text.status());
    input = *std::move(text);
  }
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());

  int64_t total_lines = std::count(input.begin(), input.end(), '\n') + 1;
  ImportReport total;
  if (options.strict) {
    // All or nothing needs one call.
    auto report = (*store)->Import(input, options);
    if (!report.ok()) return Fail(inv, report.status());
    total = *std::move(report);
  } else {
    // Chunks of whole lines, so progress shows and line numbers stay right.
    size_t start = 0;
    int64_t line_offset = 0;
    while (start < input.size()) {
      size_t end = std::min(input.size(), start + kChunkBytes);
      if (end < input.size()) {
        size_t nl = input.rfind('\n', end);
        end = (nl == std::string::npos || nl < start) ? input.size() : nl + 1;
      }
      std::string_view chunk(input.data() + start, end - start);
      auto report = (*store)->Import(chunk, options);
      if (!report.ok()) return Fail(inv, report.status());
      total.messages += report->messages;
      total.imported += report->imported;
      total.duplicates += report->duplicates;
      total.refused += report->refused;
      for (ImportError e : report->errors) {
        if (e.line > 0) e.line += line_offset;
        total.errors.push_back(std::move(e));
      }
      line_offset += std::count(chunk.begin(), chunk.end(), '\n');
      start = end;
      Progress(inv, total_lines, line_offset, false);
    }
    Progress(inv, total_lines, total_lines, true);
  }
  if (inv.json) {
    *inv.out << "{\"messages\":" << total.messages << ",\"imported\":" << total.imported
             << ",\"duplicates\":" << total.duplicates << ",\"refused\":" << total.refused
             << ",\"errors\":[";
    for (size_t i = 0; i < total.errors.size(); ++i) {
      const ImportError& e = total.errors[i];
      // Messages name fields and limits only; escape quotes and backslashes anyway.
      std::string msg;
      for (char c : e.message) {
        if (c == '"' || c == '\\') msg += '\\';
        msg += c;
      }
      *inv.out << (i ? "," : "") << "{\"line\":" << e.line << ",\"index\":" << e.index
               << ",\"message\":\"" << msg << "\"}";
    }
    *inv.out << "]}\n";
  } else {
    for (const ImportError& e : total.errors) {
      *inv.err << "line " << e.line;
      if (e.index >= 0) *inv.err << " [" << e.index << "]";
      *inv.err << ": " << e.message << "\n";
    }
    *inv.out << total.messages << " messages: " << total.imported << " imported, "
             << total.duplicates << " duplicates, " << total.refused << " refused"
             << (options.strict && total.refused > 0 ? " (strict: nothing written)" : "") << "\n";
  }
  return total.refused > 0 ? kExitRefused : kExitOk;
}

}  // namespace omnictx::cli
