// SPDX-License-Identifier: Apache-2.0
//
// Story 1: web, then a call. The caller who was on the website a few
// minutes ago skips the IVR menu and reaches the skill that helps at the
// step they were on.
#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::TempStore;

Journey HomeLoan() {
  return ParseTextProto<Journey>(R"pb(
    key: "home_loan"
    name: "Home loan"
    steps {
      key: "simulate"
      name: "Simulate"
      next: "upload_documents"
      touchpoints: "web.simulator"
    }
    steps {
      key: "upload_documents"
      name: "Upload documents"
      next: "review"
      touchpoints: "web.upload"
      skill: "documents"
      needs: "payslip"
      needs: "id_card"
      stall_after { seconds: 86400 }
    }
    steps {
      key: "review"
      name: "Review"
      next: "approved"
      next: "rejected"
      skill: "loan_advisor"
    }
    steps { key: "approved" name: "Approved" outcome: STEP_OUTCOME_SUCCESS }
    steps { key: "rejected" name: "Rejected" outcome: STEP_OUTCOME_FAILURE }
  )pb");
}

SCENARIO("a customer on the web calls and skips self-service", "[story]") {
  TempStore store;
  const absl::Time t0 = store.clock().Now();
  GIVEN(
      "a customer in the home loan journey at step upload_documents on the "
      "web") {
    MakeCustomer(store.store(), "cust-1", "Camille Martin");
    REQUIRE_OK(store->LinkIdentity("cust-1", Phone("06 12 34 56 78")));
    REQUIRE_OK(store->LinkIdentity("cust-1", Cookie("ck-7f3a")));
    REQUIRE_OK(store->DefineJourney(HomeLoan()));
    ASSIGN_OR_FAIL(JourneyInstance inst,
                   store->StartJourney("cust-1", "home_loan"));
    REQUIRE(inst.current_step() == "simulate");
    store.clock().Advance(absl::Minutes(10));
    // The page view at the upload page moves the journey (its touchpoint
    // belongs to the next step).
    REQUIRE_OK(store->Record(MakeInteraction("cust-1", store.clock().Now(),
                                             v1::CHANNEL_KIND_WEB, "web.upload",
                                             "page_view")));

    WHEN("they call four minutes later and the IVR looks up their number") {
      store.clock().Advance(absl::Minutes(4));
      ASSIGN_OR_FAIL(Context ctx,
                     store->Lookup({.identity = Phone("+33 6 12 34 56 78"),
                                    .channel = Channel::kIvr}));

      THEN("the IVR learns who it is and where they are") {
        REQUIRE(ctx.known());
        CHECK(ctx.customer().id() == "cust-1");
        CHECK(ctx.customer().display_name() == "Camille Martin");
        CHECK(ctx.matched_identity().kind() == v1::IDENTITY_KIND_PHONE);
        CHECK(ctx.matched_identity().value() == "+33612345678");
        REQUIRE(ctx.journeys_size() == 1);
        const v1::ActiveJourney& j = ctx.journeys(0);
        CHECK(j.journey_key() == "home_loan");
        CHECK(j.journey_version() == 1);
        CHECK(j.current_step() == "upload_documents");
        CHECK(FromProtoDuration(j.time_in_step()) == absl::Minutes(4));
        CHECK_FALSE(j.stalled());
        CHECK(j.skill() == "documents");
        CHECK(std::vector<std::string>(j.needs().begin(), j.needs().end()) ==
              std::vector<std::string>{"payslip", "id_card"});
        CHECK(ctx.last_contact().channel().kind() == v1::CHANNEL_KIND_WEB);
        CHECK(ctx.last_contact().touchpoint() == "web.upload");
        CHECK(FromProtoDuration(ctx.last_contact().ago()) == absl::Minutes(4));
      }
      THEN(
          "the routing hint bypasses self-service to the documents skill, and "
          "says why") {
        const RoutingHint& r = ctx.routing();
        CHECK(r.bypass_self_service());
        CHECK(r.target_kind() == v1::ROUTE_TARGET_KIND_SKILL);
        CHECK(r.target() == "documents");
        CHECK(r.rule() == "recent_journey_activity");
        CHECK(r.reason() ==
              "on web 4 minutes ago at step upload_documents of home_loan");
      }
      THEN("the IVR's flat map carries the same answer") {
        auto flat = ToFlatMap(ctx);
        CHECK(flat["known"] == "1");
        CHECK(flat["route_bypass"] == "1");
        CHECK(flat["route_kind"] == "skill");
        CHECK(flat["route_target"] == "documents");
        CHECK(flat["journey_step"] == "upload_documents");
      }
    }

    WHEN("they call an hour later, outside the recent-activity window") {
      store.clock().Advance(absl::Hours(1));
      ASSIGN_OR_FAIL(Context ctx,
                     store->Lookup({.identity = Phone("0612345678"),
                                    .channel = Channel::kIvr}));
      THEN("self-service is allowed") {
        CHECK(ctx.known());
        CHECK_FALSE(ctx.routing().bypass_self_service());
        CHECK(ctx.routing().target().empty());
        CHECK(ctx.routing().rule() == "self_service");
      }
    }

    WHEN("the web itself asks for context") {
      store.clock().Advance(absl::Minutes(4));
      ASSIGN_OR_FAIL(Context ctx, store->Lookup({.identity = Cookie("ck-7f3a"),
                                                 .channel = Channel::kWeb}));
      THEN("activity on the same door does not count as another channel") {
        CHECK(ctx.known());
        CHECK_FALSE(ctx.routing().bypass_self_service());
      }
    }
  }

  GIVEN("a number nobody owns"){WHEN("the IVR looks it up"){ASSIGN_OR_FAIL(
      Context ctx, store->Lookup({.identity = Phone("+33 7 98 76 54 32"),
                                  .channel = Channel::kIvr}));
  THEN("the answer is a normal 'unknown caller', not an error") {
    CHECK_FALSE(ctx.known());
    CHECK(ctx.matched_identity().value() == "+33798765432");
    CHECK_FALSE(ctx.routing().bypass_self_service());
    CHECK(ctx.routing().rule() == "unknown_caller");
  }
}
}  // namespace
(void)t0;
}  // namespace omnictx

}  // namespace
}  // namespace omnictx
