// SPDX-License-Identifier: Apache-2.0
//
// omnictx_demo: plays the stories of a contact centre on an embedded SQLite
// file and prints the context each door sees.
//
//   omnictx_demo contact-centre.db          human-readable
//   omnictx_demo contact-centre.db --json   one JSON document per door
//
// The clock is a FakeClock so the output reads the same on every run: the
// demo moves time forward as the stories unfold.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "omnictx/omnictx.h"

namespace {

using omnictx::Context;
using omnictx::Interaction;
using omnictx::Store;
namespace v1 = omnictx::v1;

bool g_json = false;

// Stops the demo with the error, as a program linking omnictx would.
template <typename T>
T Must(absl::StatusOr<T> v, const char* what) {
  if (!v.ok()) {
    std::cerr << "omnictx_demo: " << what << ": " << v.status() << "\n";
    std::exit(1);
  }
  return *std::move(v);
}

void Say(const std::string& line) {
  if (!g_json) std::cout << line << "\n";
}

// Prints what a door sees: text for people, JSON with --json.
void Show(const std::string& story, const std::string& door, const Context& ctx) {
  if (g_json) {
    std::string json = Must(omnictx::ToJson(ctx), "to json");
    std::cout << "{\"story\":\"" << story << "\",\"door\":\"" << door
              << "\",\"context\":" << json << "}\n";
    return;
  }
  std::cout << "\n--- " << door << " sees ---\n" << omnictx::ToText(ctx) << "\n";
}

Interaction Make(const std::string& customer, absl::Time at, v1::ChannelKind channel,
                 const std::string& touchpoint, const std::string& kind, v1::Direction dir,
                 const std::string& summary) {
  Interaction i;
  i.set_customer_id(customer);
  *i.mutable_occurred_at() = omnictx::ToProtoTime(at);
  i.mutable_channel()->set_kind(channel);
  i.set_touchpoint(touchpoint);
  i.set_kind(kind);
  i.set_direction(dir);
  i.set_summary(summary);
  return i;
}

v1::JourneyStep* AddStep(omnictx::Journey* j, const std::string& key, const std::string& name,
                         std::initializer_list<const char*> next, const std::string& skill = "") {
  v1::JourneyStep* s = j->add_steps();
  s->set_key(key);
  s->set_name(name);
  for (const char* n : next) s->add_next(n);
  s->set_skill(skill);
  return s;
}

// Story 1: on the web in the home loan journey, then a phone call.
void WebThenCall(Store& store, omnictx::FakeClock& clock) {
  Say("=== Story 1: web, then a call ===");
  omnictx::Journey j;
  j.set_key("home_loan");
  j.set_name("Home loan");
  AddStep(&j, "simulate", "Simulate the loan", {"upload_documents"})->add_touchpoints("web.loan_simulator");
  v1::JourneyStep* up = AddStep(&j, "upload_documents", "Upload documents", {"review"}, "documents");
  up->add_touchpoints("web.upload");
  up->add_needs("payslip");
  up->add_needs("id_card");
  up->mutable_stall_after()->set_seconds(24 * 3600);
  AddStep(&j, "review", "Review", {"approved", "declined"}, "loan_advisor");
  AddStep(&j, "approved", "Approved", {})->set_outcome(v1::STEP_OUTCOME_SUCCESS);
  AddStep(&j, "declined", "Declined", {})->set_outcome(v1::STEP_OUTCOME_FAILURE);
  Must(store.DefineJourney(j), "define home_loan");

  omnictx::Customer c;
  c.set_id("cust-camille");
  c.set_display_name("Camille Martin");
  c.set_language("fr-FR");
  Must(store.UpsertCustomer(c), "upsert customer");
  Must(store.LinkIdentity(c.id(), omnictx::Phone("06 12 34 56 78")), "link phone");
  Must(store.LinkIdentity(c.id(), omnictx::Cookie("ck-5f1c9e")), "link cookie");

  Must(store.Record(Make(c.id(), clock.Now(), v1::CHANNEL_KIND_WEB, "web.loan_simulator",
                         "page_view", v1::DIRECTION_INBOUND, "Simulated a 200k loan over 20 years")),
       "record");
  Must(store.StartJourney(c.id(), "home_loan"), "start journey");
  clock.Advance(absl::Minutes(6));
  Must(store.Record(Make(c.id(), clock.Now(), v1::CHANNEL_KIND_WEB, "web.upload", "page_view",
                         v1::DIRECTION_INBOUND, "Opened the document upload page")),
       "record");
  Say("Camille simulates a loan on the web and reaches the upload page; 4 minutes later she calls.");
  clock.Advance(absl::Minutes(4));
  Show("web_then_call", "IVR (caller id 06 12 34 56 78)",
       Must(store.Lookup({.identity = omnictx::Phone("+33612345678"),
                          .channel = omnictx::Channel::kIvr}),
            "lookup"));
}

// Story 2: a renewal email, a click, then stuck on the web.
void EmailThenStuck(Store& store, omnictx::FakeClock& clock) {
  Say("\n=== Story 2: email, then stuck on the web ===");
  omnictx::Journey j;
  j.set_key("renewal");
  j.set_name("Contract renewal");
  AddStep(&j, "notified", "Renewal notice sent", {"choose_offer"});
  v1::JourneyStep* choose = AddStep(&j, "choose_offer", "Choose an offer", {"renewed", "lapsed"}, "retention");
  choose->add_touchpoints("web.renewal_offers");
  choose->mutable_stall_after()->set_seconds(15 * 60);
  AddStep(&j, "renewed", "Renewed", {})->set_outcome(v1::STEP_OUTCOME_SUCCESS);
  AddStep(&j, "lapsed", "Lapsed", {})->set_outcome(v1::STEP_OUTCOME_FAILURE);
  Must(store.DefineJourney(j), "define renewal");

  omnictx::Customer c;
  c.set_id("cust-noah");
  c.set_display_name("Noah Bernard");
  Must(store.UpsertCustomer(c), "upsert customer");
  Must(store.LinkIdentity(c.id(), omnictx::Email("  Noah.Bernard@Example.org ")), "link email");
  Must(store.LinkIdentity(c.id(), omnictx::Cookie("ck-88d2aa")), "link cookie");
  Must(store.Record(Make(c.id(), clock.Now(), v1::CHANNEL_KIND_EMAIL, "email.renewal_notice",
                         "email_sent", v1::DIRECTION_OUTBOUND,
                         "Your contract ends on 31 March: choose your renewal offer")),
       "record email");
  Must(store.StartJourney(c.id(), "renewal"), "start renewal");
  clock.Advance(absl::Hours(2));
  Must(store.Record(Make(c.id(), clock.Now(), v1::CHANNEL_KIND_WEB, "web.renewal_offers",
                         "email_link_clicked", v1::DIRECTION_INBOUND,
                         "Clicked the renewal link, opened the offers page")),
       "record click");
  Say("Noah gets the renewal email, clicks it two hours later, then sits on the offers page.");
  clock.Advance(absl::Minutes(40));
  auto stalled = Must(store.Stalled(clock.Now()), "stalled");
  for (const auto& s : stalled) {
    Say("Stalled: " + s.instance().customer_id() + " at step " + s.instance().current_step() +
        " for " + absl::FormatDuration(omnictx::FromProtoDuration(s.time_in_step())) +
        (s.has_last_outbound() ? " after " + s.last_outbound().touchpoint() : ""));
  }
  Show("email_then_stuck", "web chat widget (cookie ck-88d2aa)",
       Must(store.Lookup({.identity = omnictx::Cookie("ck-88d2aa"),
                          .channel = omnictx::Channel::kWeb}),
            "lookup"));
}

// Story 3: a case over several days and channels.
void CaseOverDays(Store& store, omnictx::FakeClock& clock) {
  Say("\n=== Story 3: a case over several days ===");
  omnictx::Customer c;
  c.set_id("cust-lea");
  c.set_display_name("Léa Dubois");
  Must(store.UpsertCustomer(c), "upsert customer");
  Must(store.LinkIdentity(c.id(), omnictx::Phone("+33 7 81 22 33 44")), "link phone");
  Must(store.LinkIdentity(c.id(), omnictx::Email("lea.dubois@example.net")), "link email");
  omnictx::Case k;
  k.set_customer_id(c.id());
  k.set_subject("Fibre box drops the connection every evening");
  k.set_priority(v1::CASE_PRIORITY_HIGH);
  k.set_queue("tier2_network");
  k = Must(store.OpenCase(k), "open case");
  Must(store.AssignCase(k.id(), "eng-42"), "assign case");
  Interaction call = Make(c.id(), clock.Now(), v1::CHANNEL_KIND_VOICE, "voice.support",
                          "call", v1::DIRECTION_INBOUND, "Reported evening drop-outs; line test OK");
  call.set_case_id(k.id());
  call.set_agent_id("eng-42");
  Must(store.Record(call), "record call");
  clock.Advance(absl::Hours(48));
  Interaction mail = Make(c.id(), clock.Now(), v1::CHANNEL_KIND_EMAIL, "email.support",
                          "email_received", v1::DIRECTION_INBOUND, "Sent router logs as asked");
  mail.set_case_id(k.id());
  Must(store.Record(mail), "record email");
  clock.Advance(absl::Hours(20));
  Interaction sms = Make(c.id(), clock.Now(), v1::CHANNEL_KIND_SMS, "sms.support",
                         "sms_received", v1::DIRECTION_INBOUND, "Still dropping tonight");
  sms.set_case_id(k.id());
  Must(store.Record(sms), "record sms");
  Say("Léa's case is opened by phone, then she emails two days later and texts the next evening.");
  Show("case_over_days", "SMS gateway (from +33781223344)",
       Must(store.Lookup({.identity = omnictx::Phone("+33781223344"),
                          .channel = omnictx::Channel::kSms}),
            "lookup"));
  auto thread = Must(store.Timeline(c.id(), {.case_id = k.id()}), "case timeline");
  Say("Case " + std::to_string(k.id()) + " reads as one thread:");
  for (auto it = thread.interactions.rbegin(); it != thread.interactions.rend(); ++it) {
    Say("  " + absl::FormatTime("%Y-%m-%d %H:%M", omnictx::FromProtoTime(it->occurred_at()),
                                absl::UTCTimeZone()) +
        "  " + std::string(omnictx::ChannelName(it->channel().kind())) + "  " + it->summary());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = "omnictx-demo.db";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) {
      g_json = true;
    } else if (std::strcmp(argv[i], "--help") == 0) {
      std::cout << "usage: omnictx_demo [DB_FILE] [--json]\n";
      return 0;
    } else {
      path = argv[i];
    }
  }
  auto clock = std::make_shared<omnictx::FakeClock>(absl::FromCivil(
      absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone()));
  auto store = Must(Store::Open(path, {.clock = clock, .default_region = "FR"}), "open");
  Say("omnictx " + std::string(omnictx::kVersionString) + " on " + path + " (schema " +
      std::to_string(Must(store->FileSchemaVersion(), "schema")) + ")\n");
  WebThenCall(*store, *clock);
  EmailThenStuck(*store, *clock);
  CaseOverDays(*store, *clock);
  return 0;
}
