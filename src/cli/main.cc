// SPDX-License-Identifier: Apache-2.0
//
// omnictx: the operators' command-line tool. See `omnictx --help`.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* db = std::getenv("OMNICTX_DB");
  const char* region = std::getenv("OMNICTX_REGION");
  return omnictx::cli::Run(args, std::cout, std::cerr, db ? db : "", region ? region : "",
                           nullptr, isatty(STDERR_FILENO) == 1);
}
