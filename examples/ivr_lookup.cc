// SPDX-License-Identifier: Apache-2.0
//
// ivr_lookup: an Asterisk AGI program. Asterisk starts it from the dialplan
//   exten => _X.,1,AGI(ivr_lookup,--db,/var/lib/omnictx/contact-centre.db,--region,FR)
// and sends the agi_* variables on standard input, one "name: value" per
// line, ended by a blank line. The program looks the caller up and answers
// with SET VARIABLE commands the dialplan routes on:
//   OMNICTX_KNOWN          1 or 0
//   OMNICTX_BYPASS         1 to skip the self-service menu
//   OMNICTX_ROUTE_KIND     agent, skill, queue or empty
//   OMNICTX_ROUTE_TARGET   the agent id, skill or queue
//   OMNICTX_REASON         why, for the agent's screen pop
//   OMNICTX_CUSTOMER       customer id
//   OMNICTX_CASE, OMNICTX_CASE_OWNER   the most urgent open case, if any
#include <iostream>
#include <map>
#include <string>

#include "omnictx/omnictx.h"

namespace {

// AGI arguments are double-quoted; quotes and backslashes are escaped.
std::string Quote(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n' || c == '\r') c = ' ';
    out += c;
  }
  return out + "\"";
}

// Sends one command and reads Asterisk's "200 result=..." answer (absent
// when the input is a recorded header block: end of input is fine).
void SetVariable(const std::string& name, const std::string& value) {
  std::cout << "SET VARIABLE " << name << " " << Quote(value) << "\n" << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
}

std::map<std::string, std::string> ReadAgiHeader() {
  std::map<std::string, std::string> vars;
  std::string line;
  while (std::getline(std::cin, line) && !line.empty()) {
    size_t colon = line.find(": ");
    if (colon == std::string::npos) continue;
    vars[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return vars;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, region;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--db") db = argv[i + 1];
    if (flag == "--region") region = argv[i + 1];
  }
  if (db.empty()) {
    std::cerr << "usage: ivr_lookup --db FILE [--region CC] < agi header\n";
    return 2;
  }
  std::map<std::string, std::string> agi = ReadAgiHeader();
  auto store = omnictx::Store::Open(db, {.create_if_missing = false, .default_region = region});
  if (!store.ok()) {
    // Never leave the caller in silence: the dialplan falls back to the menu.
    std::cerr << "ivr_lookup: " << store.status().message() << "\n";
    SetVariable("OMNICTX_KNOWN", "0");
    return 0;
  }
  // The IVR audience: routing, journeys and cases, no contact details.
  auto ctx = (*store)->Lookup({.identity = omnictx::Phone(agi["agi_callerid"]),
                               .channel = omnictx::Channel::kIvr,
                               .audience = omnictx::Audience::kIvr});
  if (!ctx.ok()) {
    // Withheld or malformed numbers ("anonymous", "unknown") are not errors
    // for the caller: route them as unknown.
    SetVariable("OMNICTX_KNOWN", "0");
    SetVariable("OMNICTX_REASON", std::string(ctx.status().message()));
    return 0;
  }
  std::map<std::string, std::string> flat = omnictx::ToFlatMap(*ctx);
  SetVariable("OMNICTX_KNOWN", flat["known"]);
  SetVariable("OMNICTX_BYPASS", flat["route_bypass"]);
  SetVariable("OMNICTX_ROUTE_KIND", flat["route_kind"]);
  SetVariable("OMNICTX_ROUTE_TARGET", flat["route_target"]);
  SetVariable("OMNICTX_REASON", flat["route_reason"]);
  if (ctx->known()) SetVariable("OMNICTX_CUSTOMER", flat["customer_id"]);
  if (!flat["case_id"].empty() && flat["case_id"] != "0") {
    SetVariable("OMNICTX_CASE", flat["case_id"]);
    SetVariable("OMNICTX_CASE_OWNER", flat["case_owner"]);
  }
  return 0;
}
