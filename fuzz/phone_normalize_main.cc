// SPDX-License-Identifier: Apache-2.0
//
// omnictx_phone_normalize: the phone normalizer as a filter, for
// phone_oracle.py. Reads lines "REGION<TAB>HEX" (REGION may be empty; HEX
// is the raw input, hex-encoded so any byte fits on a line) and writes, per
// line, "OK<TAB>+E164" or "ERR<TAB>message".
#include <iostream>
#include <string>

#include "identity/normalize.h"

namespace {

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      std::cout << "ERR\tbad request line\n";
      continue;
    }
    auto phone = omnictx::identity::NormalizePhone(FromHex(line.substr(tab + 1)), "",
                                                   line.substr(0, tab));
    if (phone.ok()) {
      std::cout << "OK\t" << *phone << "\n";
    } else {
      std::cout << "ERR\t" << phone.status().message() << "\n";
    }
  }
  return 0;
}
