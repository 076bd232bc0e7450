// SPDX-License-Identifier: Apache-2.0
//
// A placeholder demo: opens (creating if needed) a store and prints the
// schema version of its file. The full demo replaces it.
//
//   omnictx_demo DATABASE [--json]
#include <iostream>
#include <string_view>

#include "omnictx/omnictx.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: omnictx_demo DATABASE [--json]\n";
    return 2;
  }
  bool json = false;
  for (int i = 2; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--json") {
      json = true;
    } else {
      std::cerr << "omnictx_demo: unknown argument " << argv[i] << "\n";
      return 2;
    }
  }

  auto store = omnictx::Store::Open(argv[1]);
  if (!store.ok()) {
    std::cerr << "omnictx_demo: " << store.status() << "\n";
    return 1;
  }
  absl::StatusOr<int> version = (*store)->FileSchemaVersion();
  if (!version.ok()) {
    std::cerr << "omnictx_demo: " << version.status() << "\n";
    return 1;
  }
  if (json) {
    std::cout << "{\"omnictxVersion\": \"" << omnictx::kVersionString
              << "\", \"schemaVersion\": " << *version << "}\n";
  } else {
    std::cout << "omnictx " << omnictx::kVersionString << ": opened "
              << argv[1] << ", schema version " << *version << "\n";
  }
  return 0;
}
