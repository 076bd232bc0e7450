// SPDX-License-Identifier: Apache-2.0
//
// Uses an installed omnictx: opens a store on the file given and prints the
// file's schema version. Fails if it differs from the library's.
#include <omnictx/omnictx.h>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer DATABASE\n";
    return 2;
  }
  auto store = omnictx::Store::Open(argv[1]);
  if (!store.ok()) {
    std::cerr << "consumer: Open: " << store.status() << "\n";
    return 1;
  }
  absl::StatusOr<int> version = (*store)->FileSchemaVersion();
  if (!version.ok()) {
    std::cerr << "consumer: FileSchemaVersion: " << version.status() << "\n";
    return 1;
  }
  // The generated data model classes link too.
  omnictx::Customer customer;
  customer.set_display_name("consumer");
  const std::string wire = customer.SerializeAsString();
  omnictx::Customer parsed;
  if (!parsed.ParseFromString(wire) || parsed.display_name() != "consumer") {
    std::cerr << "consumer: proto round trip failed\n";
    return 1;
  }
  std::cout << "omnictx " << omnictx::kVersionString << " schema version "
            << *version << "\n";
  if (*version != omnictx::SchemaVersion()) {
    std::cerr << "consumer: file schema " << *version << ", library schema "
              << omnictx::SchemaVersion() << "\n";
    return 1;
  }
  return 0;
}
