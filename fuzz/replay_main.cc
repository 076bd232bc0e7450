// SPDX-License-Identifier: Apache-2.0
//
// Replays inputs through a fuzz target without libFuzzer, so any compiler
// (the GCC test build) runs the corpus and the kept crash inputs:
//
//   fuzz_replay_<name> DIR_OR_FILE...
//
// Each file is one input; directories are read in name order, without
// recursion. Exits 0 after every input ran (a target that finds a broken
// invariant aborts, which fails the test), 1 if a path cannot be read or
// no input was found.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool RunFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "replay: cannot read " << path << "\n";
    return false;
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int inputs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        if (!RunFile(file)) return 1;
        ++inputs;
      }
    } else if (std::filesystem::exists(arg, ec)) {
      if (!RunFile(arg)) return 1;
      ++inputs;
    } else {
      // A target without regressions yet has no directory: not an error.
      std::cerr << "replay: " << arg << " does not exist, skipped\n";
    }
  }
  std::cout << "replayed " << inputs << " inputs\n";
  if (inputs == 0) {
    std::cerr << "replay: no input found\n";
    return 1;
  }
  return 0;
}
