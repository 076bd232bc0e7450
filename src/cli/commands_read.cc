// SPDX-License-Identifier: Apache-2.0
//
// init, check, customer, lookup, timeline, stalled.
#include <ostream>
#include <vector>

#include "absl/strings/str_split.h"
#include "cli/cli.h"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

std::string When(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", FromProtoTime(ts), absl::UTCTimeZone());
}

void PrintInteraction(std::ostream& out, const Interaction& i) {
  out << When(i.occurred_at()) << "  #" << i.id() << "  " << ChannelName(i.channel().kind())
      << "  " << (i.touchpoint().empty() ? "-" : i.touchpoint()) << "  "
      << (i.kind().empty() ? "-" : i.kind());
  if (i.case_id() != 0) out << "  case " << i.case_id();
  if (!i.summary().empty()) out << "  " << i.summary();
  out << "\n";
}

}  // namespace

int CmdInit(Invocation& inv) {
  auto store = OpenStore(inv, /*create=*/true);
  if (!store.ok()) return Fail(inv, store.status());
  auto version = (*store)->FileSchemaVersion();
  if (!version.ok()) return Fail(inv, version.status());
  if (inv.json) {
    *inv.out << "{\"db\":\"" << inv.db << "\",\"schemaVersion\":" << *version << "}\n";
  } else {
    *inv.out << "initialized " << inv.db << " (schema " << *version << ")\n";
  }
  return kExitOk;
}

int CmdCheck(Invocation& inv) {
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  auto version = (*store)->FileSchemaVersion();
  if (!version.ok()) return Fail(inv, version.status());
  absl::Status st = (*store)->Check();
  if (inv.json) {
    *inv.out << "{\"schemaVersion\":" << *version << ",\"ok\":" << (st.ok() ? "true" : "false")
             << "}\n";
  } else if (st.ok()) {
    *inv.out << "ok: integrity and foreign keys clean, schema " << *version << "\n";
  }
  return st.ok() ? kExitOk : Fail(inv, st);
}

int CmdCustomer(Invocation& inv) {
  const auto& words = inv.args.positional();
  if (words.size() != 1 || (words[0] != "add" && words[0] != "show")) {
    return Fail(inv, absl::InvalidArgumentError("customer: say 'add' or 'show'"));
  }
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  std::string id;
  if (words[0] == "add") {
    Customer c;
    c.set_id(inv.args.Get("id").value_or(""));
    c.set_display_name(inv.args.Get("name").value_or(""));
    c.set_language(inv.args.Get("language").value_or(""));
    // --phone, --email and --cookie may all be given to add. A malformed
    // one is refused before anything is written.
    std::vector<Identity> identities;
    for (const char* name : {"phone", "email", "cookie"}) {
      auto v = inv.args.Get(name);
      if (!v) continue;
      Identity one = std::string(name) == "phone"   ? Phone(*v)
                     : std::string(name) == "email" ? Email(*v)
                                                    : Cookie(*v);
      auto normalized = (*store)->Normalize(one);
      if (!normalized.ok()) return Fail(inv, normalized.status());
      identities.push_back(*std::move(normalized));
    }
    auto stored = (*store)->UpsertCustomer(c);
    if (!stored.ok()) return Fail(inv, stored.status());
    id = stored->id();
    for (const Identity& one : identities) {
      auto linked = (*store)->LinkIdentity(id, one);
      if (!linked.ok()) return Fail(inv, linked.status());
    }
  } else {
    auto who = CustomerFrom(inv, **store);
    if (!who.ok()) return Fail(inv, who.status());
    id = *who;
  }
  auto customer = (*store)->GetCustomer(id);
  if (!customer.ok()) return Fail(inv, customer.status());
  if (inv.json) {
    absl::Status st = PrintJson(inv, *customer);
    return st.ok() ? kExitOk : Fail(inv, st);
  }
  *inv.out << customer->id() << "  " << customer->display_name() << "  ("
           << v1::CustomerStatus_Name(customer->status()) << ")\n";
  for (const Identity& i : customer->identities()) {
    *inv.out << "  " << IdentityKindName(i.kind()) << "  "
             << (i.platform().empty() ? "" : i.platform() + ":") << i.value() << "\n";
  }
  return kExitOk;
}

int CmdLookup(Invocation& inv) {
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  LookupRequest request;
  int given = 0;
  for (const char* name : {"customer", "phone", "email", "cookie"}) given += inv.args.Has(name);
  if (given != 1) {
    return Fail(inv, absl::InvalidArgumentError(
                         "lookup: give exactly one of --customer, --phone, --email, --cookie"));
  }
  if (auto id = inv.args.Get("customer")) {
    request.customer_id = *id;
  } else {
    request.identity = IdentityFrom(inv);
  }
  if (auto channel = inv.args.Get("channel")) {
    v1::ChannelKind kind;
    if (!ParseChannelName(*channel, &kind)) {
      return Fail(inv, absl::InvalidArgumentError("--channel: unknown channel"));
    }
    request.channel = FromProto(kind);
  }
  // The operator's tool reads the file itself, so it sees everything unless
  // told to show what another door would see.
  if (auto audience = inv.args.Get("audience")) {
    if (!ParseAudienceName(*audience, &request.audience)) {
      return Fail(inv, absl::InvalidArgumentError(
                           "--audience: unknown audience (allowed: agent, ivr, public_web)"));
    }
  }
  auto recent = IntFlag(inv, "recent", 20);
  if (!recent.ok()) return Fail(inv, recent.status());
  request.recent_limit = static_cast<int>(*recent);
  if (auto agents = inv.args.Get("agents")) {
    request.available_agents = absl::StrSplit(internal::Absl(*agents), ',', absl::SkipEmpty());
  }
  auto ctx = (*store)->Lookup(request);
  if (!ctx.ok()) return Fail(inv, ctx.status());
  if (inv.args.Has("flat")) {
    for (const auto& [key, value] : ToFlatMap(*ctx)) *inv.out << key << "=" << value << "\n";
  } else if (inv.json) {
    auto json = ToJson(*ctx);
    if (!json.ok()) return Fail(inv, json.status());
    *inv.out << *json << "\n";
  } else {
    *inv.out << ToText(*ctx);
  }
  return kExitOk;
}

int CmdTimeline(Invocation& inv) {
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  auto who = CustomerFrom(inv, **store);
  if (!who.ok()) return Fail(inv, who.status());
  TimelineQuery q;
  auto case_id = IntFlag(inv, "case", 0);
  auto limit = IntFlag(inv, "limit", 50);
  if (!case_id.ok()) return Fail(inv, case_id.status());
  if (!limit.ok()) return Fail(inv, limit.status());
  q.case_id = *case_id;
  q.page_size = static_cast<int>(*limit);
  for (const char* name : {"since", "until"}) {
    if (auto v = inv.args.Get(name)) {
      auto t = ParseTimeFlag(name, *v);
      if (!t.ok()) return Fail(inv, t.status());
      (std::string(name) == "since" ? q.since : q.until) = *t;
    }
  }
  auto page = (*store)->Timeline(*who, q);
  if (!page.ok()) return Fail(inv, page.status());
  for (const Interaction& i : page->interactions) {
    if (inv.json) {
      absl::Status st = PrintJson(inv, i);
      if (!st.ok()) return Fail(inv, st);
    } else {
      PrintInteraction(*inv.out, i);
    }
  }
  if (!inv.json && !page->next_page_token.empty()) {
    *inv.out << "(more: raise --limit or narrow --since/--until)\n";
  }
  return kExitOk;
}

int CmdStalled(Invocation& inv) {
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  absl::Time at = inv.clock ? inv.clock->Now() : absl::Now();
  if (auto v = inv.args.Get("at")) {
    auto t = ParseTimeFlag("at", *v);
    if (!t.ok()) return Fail(inv, t.status());
    at = *t;
  }
  auto stalled = (*store)->Stalled(at);
  if (!stalled.ok()) return Fail(inv, stalled.status());
  for (const StalledJourney& s : *stalled) {
    if (inv.json) {
      absl::Status st = PrintJson(inv, s);
      if (!st.ok()) return Fail(inv, st);
      continue;
    }
    *inv.out << s.instance().customer_id() << "  " << s.instance().journey_key() << "  at "
             << s.instance().current_step() << " for "
             << absl::FormatDuration(absl::Trunc(FromProtoDuration(s.time_in_step()), absl::Minutes(1)))
             << " (threshold " << absl::FormatDuration(FromProtoDuration(s.threshold())) << ")";
    if (s.has_last_outbound()) {
      *inv.out << "  after " << s.last_outbound().touchpoint() << " #" << s.last_outbound().id();
    }
    *inv.out << "\n";
  }
  if (!inv.json && stalled->empty()) *inv.out << "nobody is stalled\n";
  return kExitOk;
}

}  // namespace omnictx::cli
