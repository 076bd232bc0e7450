// SPDX-License-Identifier: Apache-2.0
//
// crm_sync: loads customers and their open cases from a CRM's CSV export.
//
//   crm_sync --db FILE [--region FR] export.csv
//
// The first line names the columns; these are read (others are ignored):
//   crm_id, name, language, phone, email, case_subject, case_priority,
//   case_owner, case_queue
// Running it again is safe: customers are upserted by CRM id, identities
// already linked stay, and a case is opened only if the customer has no
// case with that subject yet.
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "omnictx/omnictx.h"

namespace {

// Splits one CSV record (RFC 4180: quoted fields may hold commas, newlines
// and doubled quotes). Reads more lines while a quote is open.
bool ReadRecord(std::istream& in, std::vector<std::string>* fields) {
  fields->clear();
  std::string line;
  if (!std::getline(in, line)) return false;
  std::string field;
  bool quoted = false;
  for (size_t i = 0;; ++i) {
    if (i == line.size()) {
      if (quoted && std::getline(in, line)) {
        field += '\n';
        i = static_cast<size_t>(-1);
        continue;
      }
      break;
    }
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields->push_back(field);
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  fields->push_back(field);
  return true;
}

omnictx::v1::CasePriority Priority(const std::string& text) {
  if (text == "low") return omnictx::v1::CASE_PRIORITY_LOW;
  if (text == "high") return omnictx::v1::CASE_PRIORITY_HIGH;
  if (text == "urgent") return omnictx::v1::CASE_PRIORITY_URGENT;
  return omnictx::v1::CASE_PRIORITY_NORMAL;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, region, path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--db" && i + 1 < argc) {
      db = argv[++i];
    } else if (arg == "--region" && i + 1 < argc) {
      region = argv[++i];
    } else {
      path = arg;
    }
  }
  std::ifstream in(path);
  if (db.empty() || !in) {
    std::cerr << "usage: crm_sync --db FILE [--region CC] export.csv\n";
    return 2;
  }
  auto opened = omnictx::Store::Open(db, {.default_region = region});
  if (!opened.ok()) {
    std::cerr << "crm_sync: " << opened.status().message() << "\n";
    return 1;
  }
  omnictx::Store& store = **opened;
  std::vector<std::string> header, row;
  ReadRecord(in, &header);
  int line = 1, failed = 0;
  while (ReadRecord(in, &row)) {
    ++line;
    std::map<std::string, std::string> col;
    for (size_t i = 0; i < header.size() && i < row.size(); ++i) col[header[i]] = row[i];
    // Each row stands alone: a bad row is reported and the rest goes on.
    auto report = [&](const absl::Status& s) {
      std::cout << "line " << line << ": " << s.message() << "\n";
      ++failed;
    };
    omnictx::Customer c;
    c.set_id(col["crm_id"]);
    c.set_display_name(col["name"]);
    c.set_language(col["language"]);
    auto customer = store.UpsertCustomer(c);
    if (!customer.ok()) {
      report(customer.status());
      continue;
    }
    std::cout << "customer " << customer->id() << " (" << customer->display_name() << ")";
    for (auto identity : {omnictx::CrmId(col["crm_id"]), omnictx::Phone(col["phone"]),
                          omnictx::Email(col["email"])}) {
      if (identity.value().empty()) continue;
      auto linked = store.LinkIdentity(customer->id(), identity);
      if (linked.ok()) {
        std::cout << ", " << omnictx::IdentityKindName(linked->kind()) << " " << linked->value();
      } else {
        std::cout << ", " << linked.status().message();
      }
    }
    std::cout << "\n";
    if (col["case_subject"].empty()) continue;
    auto cases = store.ListCases(customer->id());
    bool known = false;
    for (const omnictx::Case& k : cases.ok() ? *cases : std::vector<omnictx::Case>{}) {
      known = known || k.subject() == col["case_subject"];
    }
    if (known) {
      std::cout << "  case already open: " << col["case_subject"] << "\n";
      continue;
    }
    omnictx::Case k;
    k.set_customer_id(customer->id());
    k.set_subject(col["case_subject"]);
    k.set_priority(Priority(col["case_priority"]));
    k.set_owner_agent(col["case_owner"]);
    k.set_queue(col["case_queue"]);
    auto opened_case = store.OpenCase(k);
    if (!opened_case.ok()) {
      report(opened_case.status());
      continue;
    }
    std::cout << "  opened case " << opened_case->id() << ": " << k.subject()
              << (k.owner_agent().empty() ? "" : ", owner " + k.owner_agent()) << "\n";
  }
  std::cout << (line - 1) << " rows, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}
