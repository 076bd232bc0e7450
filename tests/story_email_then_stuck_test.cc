// SPDX-License-Identifier: Apache-2.0
//
// Story 2: email, then stuck on the web. The business sends a renewal
// email; the customer clicks the link and then sits on the same web step
// far longer than the step's stall threshold. A stall query finds them, the
// web door's context offers help, and the agent who takes the chat sees
// the original email in the timeline.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::TempStore;

Journey Renewal() {
  return ParseTextProto<Journey>(R"pb(
    key: "renewal"
    name: "Contract renewal"
    steps {
      key: "notice_sent"
      name: "Renewal notice sent"
      next: "review_offer"
      touchpoints: "email.renewal_notice"
    }
    steps {
      key: "review_offer"
      name: "Review the renewal offer"
      next: "renewed"
      next: "declined"
      touchpoints: "web.renewal_offer"
      stall_after { seconds: 900 }
      skill: "renewals"
      needs: "payment_method"
    }
    steps {
      key: "renewed"
      outcome: STEP_OUTCOME_SUCCESS
      touchpoints: "web.renewal_done"
    }
    steps { key: "declined" outcome: STEP_OUTCOME_FAILURE }
  )pb");
}

SCENARIO("a customer clicks a renewal email, gets stuck on the web and is offered help",
         "[story]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  MakeCustomer(store.store(), "cust-9", "Jeanne Moreau");
  REQUIRE_OK(store->LinkIdentity("cust-9", Email("jeanne.moreau@example.com")));
  REQUIRE_OK(store->LinkIdentity("cust-9", Cookie("ck-renew-55")));
  REQUIRE_OK(store->DefineJourney(Renewal()));

  GIVEN("the business sent a renewal email that started the renewal journey") {
    Interaction email = MakeInteraction("cust-9", t0, v1::CHANNEL_KIND_EMAIL,
                                        "email.renewal_notice", "email_sent",
                                        v1::DIRECTION_OUTBOUND);
    email.set_external_id("mailjet-msg-1001");
    email.set_summary("Your contract renews on April 1st");
    ASSIGN_OR_FAIL(const int64_t email_id, store->Record(email));
    ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("cust-9", "renewal", email_id));
    REQUIRE(inst.current_step() == "notice_sent");
    REQUIRE(inst.history(0).channel().kind() == v1::CHANNEL_KIND_EMAIL);
    REQUIRE(inst.history(0).interaction_id() == email_id);

    AND_GIVEN("two hours later they click the link and land on the offer page") {
      store.clock().Advance(absl::Hours(2));
      const absl::Time clicked = store.clock().Now();
      ASSIGN_OR_FAIL(const int64_t click_id,
                     store->Record(MakeInteraction("cust-9", clicked, v1::CHANNEL_KIND_EMAIL,
                                                   "email.renewal_notice", "email_clicked")));
      store.clock().Advance(absl::Seconds(5));
      const absl::Time landed = store.clock().Now();
      ASSIGN_OR_FAIL(const int64_t view_id,
                     store->Record(MakeInteraction("cust-9", landed, v1::CHANNEL_KIND_WEB,
                                                   "web.renewal_offer", "page_view")));

      THEN("the click counts as journey activity and the page view moves the journey") {
        ASSIGN_OR_FAIL(Interaction click, store->GetInteraction(click_id));
        CHECK(click.journey_instance_id() == inst.id());
        ASSIGN_OR_FAIL(JourneyInstance now, store->GetJourneyInstance(inst.id()));
        CHECK(now.current_step() == "review_offer");
        CHECK(FromProtoTime(now.step_entered_at()) == landed);
        REQUIRE(now.history_size() == 2);
        CHECK(now.history(1).from_step() == "notice_sent");
        CHECK(now.history(1).channel().kind() == v1::CHANNEL_KIND_WEB);
        CHECK(now.history(1).interaction_id() == view_id);
      }

      WHEN("they have sat on the step for 14 minutes") {
        store.clock().Advance(absl::Minutes(14));
        THEN("nobody is stalled yet") {
          ASSIGN_OR_FAIL(auto stalled, store->Stalled(store.clock().Now()));
          CHECK(stalled.empty());
          ASSIGN_OR_FAIL(Context ctx, store->Lookup({.identity = Cookie("ck-renew-55"),
                                                     .channel = Channel::kWeb}));
          CHECK(ctx.suggestions_size() == 0);
        }
      }

      WHEN("they have sat on the step for 20 minutes, past its 15-minute threshold") {
        store.clock().Advance(absl::Minutes(20));
        const absl::Time now = store.clock().Now();

        THEN("the stall query finds them, with the email that brought them") {
          ASSIGN_OR_FAIL(std::vector<StalledJourney> stalled, store->Stalled(now));
          REQUIRE(stalled.size() == 1);
          const StalledJourney& s = stalled[0];
          CHECK(s.instance().id() == inst.id());
          CHECK(s.instance().customer_id() == "cust-9");
          CHECK(s.instance().current_step() == "review_offer");
          CHECK(FromProtoDuration(s.time_in_step()) == absl::Minutes(20));
          CHECK(FromProtoDuration(s.threshold()) == absl::Minutes(15));
          CHECK(s.last_outbound().id() == email_id);
          CHECK(s.last_outbound().customer_id() == "cust-9");
          CHECK(s.last_outbound().touchpoint() == "email.renewal_notice");
          CHECK(s.last_outbound().external_id() == "mailjet-msg-1001");
        }

        THEN("the web door's context offers help at that step, naming the email") {
          ASSIGN_OR_FAIL(Context ctx, store->Lookup({.identity = Cookie("ck-renew-55"),
                                                     .channel = Channel::kWeb}));
          REQUIRE(ctx.known());
          CHECK(ctx.customer().id() == "cust-9");
          REQUIRE(ctx.journeys_size() == 1);
          CHECK(ctx.journeys(0).current_step() == "review_offer");
          CHECK(ctx.journeys(0).step_name() == "Review the renewal offer");
          CHECK(ctx.journeys(0).stalled());
          CHECK(ctx.journeys(0).skill() == "renewals");
          CHECK(FromProtoDuration(ctx.journeys(0).time_in_step()) == absl::Minutes(20));
          REQUIRE(ctx.suggestions_size() == 1);
          const Suggestion& help = ctx.suggestions(0);
          CHECK(help.kind() == v1::SUGGESTION_KIND_OFFER_HELP);
          CHECK(help.journey_instance_id() == inst.id());
          CHECK(help.step() == "review_offer");
          CHECK(help.interaction_id() == email_id);
          CHECK(help.text() ==
                "offer help: stuck for 20 minutes at step review_offer of renewal after "
                "email.renewal_notice");
          CHECK(ToFlatMap(ctx)["suggestion"] == help.text());
        }

        AND_WHEN("an agent takes the chat the web door offered") {
          Interaction chat = MakeInteraction("cust-9", now, v1::CHANNEL_KIND_CHAT,
                                             "chat.web_widget", "chat");
          chat.set_agent_id("agent-renewals-3");
          chat.set_answered(true);
          ASSIGN_OR_FAIL(const int64_t chat_id, store->Record(chat));

          THEN("the agent's timeline shows the original email, across channels") {
            ASSIGN_OR_FAIL(TimelinePage page, store->Timeline("cust-9"));
            std::vector<int64_t> ids;
            for (const Interaction& i : page.interactions) ids.push_back(i.id());
            CHECK(ids == std::vector<int64_t>{chat_id, view_id, click_id, email_id});
            const Interaction& original = page.interactions.back();
            CHECK(original.channel().kind() == v1::CHANNEL_KIND_EMAIL);
            CHECK(original.direction() == v1::DIRECTION_OUTBOUND);
            CHECK(original.touchpoint() == "email.renewal_notice");
            CHECK(original.summary() == "Your contract renews on April 1st");
            CHECK(FromProtoTime(original.occurred_at()) == t0);
          }
          THEN("the journey is still where the customer got stuck") {
            ASSIGN_OR_FAIL(JourneyInstance still, store->GetJourneyInstance(inst.id()));
            CHECK(still.current_step() == "review_offer");
            CHECK(still.history_size() == 2);
          }
        }

        AND_WHEN("the customer renews after all") {
          REQUIRE_OK(store->Record(MakeInteraction("cust-9", now, v1::CHANNEL_KIND_WEB,
                                                   "web.renewal_done", "page_view")));
          THEN("they are no longer stalled, and suppression finds them as renewed") {
            ASSIGN_OR_FAIL(auto stalled, store->Stalled(now + absl::Hours(1)));
            CHECK(stalled.empty());
            ASSIGN_OR_FAIL(auto renewed,
                           store->FindCustomers({.journey_key = "renewal",
                                                 .status = v1::JOURNEY_STATUS_COMPLETED}));
            CHECK(renewed == std::vector<std::string>{"cust-9"});
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace omnictx
