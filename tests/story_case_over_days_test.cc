// SPDX-License-Identifier: Apache-2.0
//
// Story 3: a case over several days. A support case opened by phone, then
// an email, then an SMS, all attached to it; whatever channel the customer
// comes back on, the context names the engineer in charge and routes to
// them, and the case reads as one timeline.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::TempStore;

SCENARIO("a support case spans phone, email and SMS over several days", "[story]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "cust-7", "Louis Bernard");
  REQUIRE_OK(store->LinkIdentity("cust-7", Phone("06 98 76 54 32")));
  REQUIRE_OK(store->LinkIdentity("cust-7", Email("louis.bernard@example.org")));

  GIVEN("a case opened during a phone call and assigned to eng-42") {
    Case opened;
    opened.set_customer_id("cust-7");
    opened.set_subject("Fibre drops every evening");
    opened.set_priority(v1::CASE_PRIORITY_HIGH);
    opened.set_queue("fibre-support");
    ASSIGN_OR_FAIL(Case kase, store->OpenCase(opened));
    Interaction call = MakeInteraction("cust-7", t0, v1::CHANNEL_KIND_VOICE, "voice.support",
                                       "call");
    call.set_case_id(kase.id());
    call.set_agent_id("agent-front-1");
    call.set_summary("Line drops around 8pm; case opened");
    ASSIGN_OR_FAIL(const int64_t call_id, store->Record(call));
    store.clock().Advance(absl::Minutes(10));
    ASSIGN_OR_FAIL(kase, store->AssignCase(kase.id(), "eng-42"));

    AND_GIVEN("two days later an email, then an SMS, both on the case") {
      store.clock().Advance(absl::Hours(48));
      Interaction mail = MakeInteraction("cust-7", store.clock().Now(), v1::CHANNEL_KIND_EMAIL,
                                         "email.support", "email_received");
      mail.set_case_id(kase.id());
      mail.set_summary("It dropped again last night");
      ASSIGN_OR_FAIL(const int64_t mail_id, store->Record(mail));
      store.clock().Advance(absl::Hours(3));
      Interaction sms = MakeInteraction("cust-7", store.clock().Now(), v1::CHANNEL_KIND_SMS,
                                        "sms.support", "sms_received");
      sms.set_case_id(kase.id());
      ASSIGN_OR_FAIL(const int64_t sms_id, store->Record(sms));
      const absl::Time last = store.clock().Now();
      // Something unrelated to the case in between.
      REQUIRE_OK(store->Record(MakeInteraction("cust-7", last - absl::Hours(1),
                                               v1::CHANNEL_KIND_WEB, "web.billing",
                                               "page_view")));
      store.clock().Advance(absl::Hours(1));
      const std::string owned = absl::StrCat("open case ", kase.id(), " owned by eng-42");

      THEN("the case counts all three and reads as one thread across channels") {
        ASSIGN_OR_FAIL(Case read, store->GetCase(kase.id()));
        CHECK(read.interaction_count() == 3);
        CHECK(FromProtoTime(read.updated_at()) == last);
        CHECK(read.owner_agent() == "eng-42");
        ASSIGN_OR_FAIL(TimelinePage thread, store->Timeline("cust-7", {.case_id = kase.id()}));
        std::vector<int64_t> ids;
        std::vector<v1::ChannelKind> channels;
        for (auto it = thread.interactions.rbegin(); it != thread.interactions.rend(); ++it) {
          ids.push_back(it->id());
          channels.push_back(it->channel().kind());
          CHECK(it->case_id() == kase.id());
        }
        CHECK(ids == std::vector<int64_t>{call_id, mail_id, sms_id});
        CHECK(channels == std::vector<v1::ChannelKind>{v1::CHANNEL_KIND_VOICE,
                                                       v1::CHANNEL_KIND_EMAIL,
                                                       v1::CHANNEL_KIND_SMS});
        CHECK(FromProtoTime(thread.interactions.back().occurred_at()) == t0);
        CHECK(thread.interactions[1].summary() == "It dropped again last night");
      }

      WHEN("the customer comes back, whatever the channel") {
        struct Door {
          const char* name;
          Identity identity;
          Channel channel;
        };
        const std::vector<Door> doors = {
            {"voice", Phone("+33 6 98 76 54 32"), Channel::kVoice},
            {"ivr", Phone("0698765432"), Channel::kIvr},
            {"email", Email("Louis.Bernard@example.org"), Channel::kEmail},
            {"sms", Phone("+33698765432"), Channel::kSms},
        };
        THEN("the context names the engineer in charge and routes to them") {
          for (const Door& door : doors) {
            INFO(door.name);
            ASSIGN_OR_FAIL(Context ctx,
                           store->Lookup({.identity = door.identity, .channel = door.channel}));
            REQUIRE(ctx.known());
            CHECK(ctx.customer().id() == "cust-7");
            REQUIRE(ctx.open_cases_size() == 1);
            CHECK(ctx.open_cases(0).id() == kase.id());
            CHECK(ctx.open_cases(0).owner_agent() == "eng-42");
            CHECK(ctx.open_cases(0).interaction_count() == 3);
            const RoutingHint& r = ctx.routing();
            CHECK(r.bypass_self_service());
            CHECK(r.target_kind() == v1::ROUTE_TARGET_KIND_AGENT);
            CHECK(r.target() == "eng-42");
            CHECK(r.rule() == "case_owner");
            CHECK(r.reason() == owned);
            CHECK(r.priority() == 3);  // a HIGH case
            CHECK(ToFlatMap(ctx)["case_owner"] == "eng-42");
          }
        }
        THEN("when eng-42 is not available the hint falls back to the case queue, and says so") {
          for (const Door& door : doors) {
            INFO(door.name);
            ASSIGN_OR_FAIL(Context ctx,
                           store->Lookup({.identity = door.identity,
                                          .channel = door.channel,
                                          .available_agents =
                                              std::vector<std::string>{"eng-7", "eng-9"}}));
            const RoutingHint& r = ctx.routing();
            CHECK(r.bypass_self_service());
            CHECK(r.target_kind() == v1::ROUTE_TARGET_KIND_QUEUE);
            CHECK(r.target() == "fibre-support");
            CHECK(r.rule() == "case_owner");
            CHECK(r.reason() == owned + ", who is not available: case queue fibre-support");
          }
          ASSIGN_OR_FAIL(Context here,
                         store->Lookup({.identity = Phone("+33698765432"),
                                        .channel = Channel::kVoice,
                                        .available_agents =
                                            std::vector<std::string>{"eng-7", "eng-42"}}));
          CHECK(here.routing().target() == "eng-42");
        }
      }

      WHEN("the case is resolved") {
        ASSIGN_OR_FAIL(Case resolved, store->SetCaseStatus(kase.id(), v1::CASE_STATUS_RESOLVED));
        REQUIRE(FromProtoTime(resolved.resolved_at()) == store.clock().Now());
        THEN("the routing no longer targets eng-42") {
          ASSIGN_OR_FAIL(Context ctx, store->Lookup({.identity = Phone("+33698765432"),
                                                     .channel = Channel::kIvr}));
          CHECK(ctx.open_cases_size() == 0);
          CHECK_FALSE(ctx.routing().bypass_self_service());
          CHECK(ctx.routing().target().empty());
          CHECK(ctx.routing().rule() == "self_service");
          CHECK(ctx.routing().priority() == 0);
        }
        THEN("its thread is still there") {
          ASSIGN_OR_FAIL(TimelinePage thread, store->Timeline("cust-7", {.case_id = kase.id()}));
          CHECK(thread.interactions.size() == 3);
        }
      }
    }
  }
}

}  // namespace
}  // namespace omnictx
