// SPDX-License-Identifier: Apache-2.0
//
// agent_timeline: what an agent reads when a customer is on the line: the
// customer's whole cross-channel history, grouped by support case and by
// journey, oldest first inside each group.
//
//   agent_timeline --db FILE [--region FR] (--customer ID | --phone NUMBER | --email ADDRESS)
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "omnictx/omnictx.h"

namespace {

std::string When(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%a %d %b %H:%M", omnictx::FromProtoTime(ts), absl::UTCTimeZone());
}

void PrintLine(const omnictx::Interaction& i) {
  std::cout << "  " << When(i.occurred_at()) << "  " << omnictx::ChannelName(i.channel().kind())
            << (i.direction() == omnictx::v1::DIRECTION_OUTBOUND ? " (out)" : "") << "  "
            << i.touchpoint() << "  " << i.summary() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  if (args["--db"].empty()) {
    std::cerr << "usage: agent_timeline --db FILE [--region CC] (--customer ID | --phone P | --email E)\n";
    return 2;
  }
  auto store = omnictx::Store::Open(
      args["--db"], {.create_if_missing = false, .default_region = args["--region"]});
  if (!store.ok()) {
    std::cerr << "agent_timeline: " << store.status().message() << "\n";
    return 1;
  }
  std::string id = args["--customer"];
  if (id.empty()) {
    auto who = (*store)->Resolve(args.count("--phone") ? omnictx::Phone(args["--phone"])
                                                       : omnictx::Email(args["--email"]));
    if (!who.ok() || !who->has_value()) {
      std::cerr << "agent_timeline: no customer with that identity\n";
      return 3;
    }
    id = **who;
  }
  auto customer = (*store)->GetCustomer(id);
  if (!customer.ok()) {
    std::cerr << "agent_timeline: " << customer.status().message() << "\n";
    return 3;
  }
  // Read every page: newest first from the store, grouped and reversed here.
  std::vector<omnictx::Interaction> all;
  omnictx::TimelineQuery query{.page_size = 500};
  do {
    auto page = (*store)->Timeline(id, query);
    if (!page.ok()) {
      std::cerr << "agent_timeline: " << page.status().message() << "\n";
      return 1;
    }
    all.insert(all.end(), page->interactions.begin(), page->interactions.end());
    query.page_token = page->next_page_token;
  } while (!query.page_token.empty());

  std::cout << customer->display_name() << " (" << customer->id() << "), " << all.size()
            << " interactions\n";
  std::map<int64_t, std::vector<omnictx::Interaction>> by_case, by_journey;
  std::vector<omnictx::Interaction> other;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->case_id() != 0) {
      by_case[it->case_id()].push_back(*it);
    } else if (it->journey_instance_id() != 0) {
      by_journey[it->journey_instance_id()].push_back(*it);
    } else {
      other.push_back(*it);
    }
  }
  for (const auto& [case_id, lines] : by_case) {
    auto c = (*store)->GetCase(case_id);
    std::cout << "\nCase " << case_id;
    if (c.ok()) {
      std::cout << " \"" << c->subject() << "\", owner "
                << (c->owner_agent().empty() ? "none" : c->owner_agent());
    }
    std::cout << "\n";
    for (const auto& i : lines) PrintLine(i);
  }
  for (const auto& [instance_id, lines] : by_journey) {
    auto j = (*store)->GetJourneyInstance(instance_id);
    std::cout << "\nJourney ";
    if (j.ok()) std::cout << j->journey_key() << ", now at " << j->current_step();
    std::cout << "\n";
    for (const auto& i : lines) PrintLine(i);
  }
  if (!other.empty()) {
    std::cout << "\nOther contacts\n";
    for (const auto& i : other) PrintLine(i);
  }
  return 0;
}
