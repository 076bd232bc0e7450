// SPDX-License-Identifier: Apache-2.0
//
// Sequences of Store calls decoded from the input, on a fresh store per
// input: upsert, link, unlink, record (with `via`, a journey step, a case,
// an external id), merge, unmerge, stitch, erase, start/advance/end a
// journey, open and move cases, set consent, lookup, purge, move the clock.
// Ids come from small pools so calls collide. After every step:
//  - every identity has at most one owner: Resolve agrees with the owner's
//    identity list, and the owner is active;
//  - a merged customer names its survivor, holds no identities, and Lookup
//    by its id follows the chain to an active (or erased) customer;
//  - every journey instance's current step is its last transition's target;
//  - no call answers with Internal, Unknown or DataLoss;
// and Check() passes every 16 steps and at the end.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fuzz_util.h"

namespace {

namespace v1 = omnictx::v1;
using omnictx::Identity;
using omnictx::Store;
using omnictx::fuzz::StatusText;

constexpr int kMaxSteps = 48;
constexpr const char* kCustomers[] = {"c0", "c1", "c2", "c3", "c4", "c5"};
constexpr const char* kSteps[] = {"start", "verify", "done", "lost", "nowhere"};

std::vector<Identity> IdentityPool() {
  return {omnictx::Phone("+33612345678"),  omnictx::Phone("06 12 34 56 79"),
          omnictx::Email("a@example.com"), omnictx::Email("B@Example.com"),
          omnictx::Cookie("ck-1"),         omnictx::Cookie("ck-2"),
          omnictx::Cookie("ck-3"),         omnictx::UserId("u-1"),
          omnictx::UserId("u-2"),          omnictx::CrmId("crm-1"),
          omnictx::Device("dev-1"),        omnictx::Social("twitter", "@bob")};
}

omnictx::Journey Onboarding() {
  omnictx::Journey j;
  j.set_key("onboarding");
  j.set_name("Onboarding");
  auto step = [&](const char* key, std::vector<const char*> next, v1::StepOutcome outcome) {
    omnictx::JourneyStep* s = j.add_steps();
    s->set_key(key);
    s->set_name(key);
    for (const char* n : next) s->add_next(n);
    s->set_outcome(outcome);
    *s->mutable_stall_after() = omnictx::ToProtoDuration(absl::Hours(1));
  };
  step("start", {"verify", "lost"}, v1::STEP_OUTCOME_UNSPECIFIED);
  step("verify", {"start", "done", "lost"}, v1::STEP_OUTCOME_UNSPECIFIED);
  step("done", {}, v1::STEP_OUTCOME_SUCCESS);
  step("lost", {}, v1::STEP_OUTCOME_FAILURE);
  return j;
}

// What the sequence made, so later steps can name it.
struct Made {
  std::vector<int64_t> merges;
  std::vector<int64_t> instances;
  std::vector<int64_t> cases;
  std::vector<int64_t> interactions;
};

template <typename T>
int64_t PickId(omnictx::fuzz::Bytes& in, const std::vector<T>& ids) {
  // Sometimes an id that does not exist.
  if (ids.empty() || in.Pick(8) == 0) return static_cast<int64_t>(in.Byte()) - 2;
  return ids[in.Pick(ids.size())];
}

void ExpectNoBug(const absl::Status& s, const char* call) {
  FUZZ_CHECK(!omnictx::fuzz::IsBugCode(s), absl::StrCat(call, ": ", StatusText(s)));
}
template <typename T>
void ExpectNoBug(const absl::StatusOr<T>& s, const char* call) {
  ExpectNoBug(s.status(), call);
}

bool SameIdentity(const Identity& a, const Identity& b) {
  return a.kind() == b.kind() && a.value() == b.value() && a.platform() == b.platform();
}

class Sequence {
 public:
  Sequence(Store& store, omnictx::FakeClock& clock)
      : store_(store), clock_(clock), pool_(IdentityPool()) {}

  void Step(omnictx::fuzz::Bytes& in) {
    const std::string c = kCustomers[in.Pick(std::size(kCustomers))];
    const std::string other = kCustomers[in.Pick(std::size(kCustomers))];
    const Identity& id = pool_[in.Pick(pool_.size())];
    switch (in.Pick(16)) {
      case 0: {
        omnictx::Customer customer;
        customer.set_id(c);
        customer.set_display_name(in.Bool() ? "Ada" : "");
        if (in.Bool()) {
          omnictx::SetAttribute(customer.mutable_attributes(), "tier", in.Bool() ? "gold" : "");
        }
        ExpectNoBug(store_.UpsertCustomer(customer), "UpsertCustomer");
        break;
      }
      case 1: {
        auto linked = store_.LinkIdentity(c, id, {.allow_erased = in.Bool()});
        ExpectNoBug(linked, "LinkIdentity");
        if (linked.ok()) {
          auto owner = store_.Resolve(*linked);
          FUZZ_CHECK(owner.ok() && *owner == c, "a linked identity resolves elsewhere");
        }
        break;
      }
      case 2: {
        absl::Status s = store_.UnlinkIdentity(id);
        ExpectNoBug(s, "UnlinkIdentity");
        if (s.ok()) {
          auto owner = store_.Resolve(id);
          FUZZ_CHECK(owner.ok() && !owner->has_value(), "an unlinked identity still resolves");
        }
        break;
      }
      case 3:
      case 4:
        Record(in, c, id);
        break;
      case 5: {
        omnictx::MergeRequest request{.survivor_id = c, .absorbed_id = other, .actor = "fuzz"};
        if (in.Bool()) request.policy.default_rule = omnictx::FieldRule::kNewestWins;
        if (in.Pick(4) == 0) {
          ExpectNoBug(store_.PreviewMerge(request), "PreviewMerge");
          break;
        }
        auto merge = store_.Merge(request);
        ExpectNoBug(merge, "Merge");
        if (merge.ok()) {
          made_.merges.push_back(merge->id());
          auto absorbed = store_.GetCustomer(other);
          FUZZ_CHECK(absorbed.ok() && absorbed->status() == v1::CUSTOMER_STATUS_MERGED &&
                         absorbed->merged_into() == c,
                     "the absorbed customer is not marked merged into the survivor");
        }
        break;
      }
      case 6: {
        auto undone = store_.Unmerge(PickId(in, made_.merges), "fuzz");
        ExpectNoBug(undone, "Unmerge");
        if (undone.ok()) {
          auto back = store_.GetCustomer(undone->absorbed_id());
          FUZZ_CHECK(back.ok() && back->status() == v1::CUSTOMER_STATUS_ACTIVE,
                     "an unmerged customer is not active again");
        }
        break;
      }
      case 7: {
        const Identity& known = pool_[in.Pick(pool_.size())];
        auto stitched = store_.Stitch(id, known, "fuzz");
        ExpectNoBug(stitched, "Stitch");
        if (stitched.ok() && stitched->has_value()) made_.merges.push_back((*stitched)->id());
        break;
      }
      case 8: {
        if (in.Pick(4) != 0) break;  // rare: erasing ends most sequences' interest
        auto before = store_.GetCustomer(c);
        auto receipt = store_.Erase(c, "fuzz");
        ExpectNoBug(receipt, "Erase");
        if (receipt.ok() && before.ok()) {
          for (const Identity& gone : before->identities()) {
            auto owner = store_.Resolve(gone);
            FUZZ_CHECK(owner.ok() && !owner->has_value(), "an erased identity still resolves");
          }
        }
        break;
      }
      case 9: {
        auto instance = store_.StartJourney(c, in.Pick(8) == 0 ? "nope" : "onboarding");
        ExpectNoBug(instance, "StartJourney");
        if (instance.ok()) {
          made_.instances.push_back(instance->id());
          FUZZ_CHECK(instance->current_step() == "start", instance->ShortDebugString());
        }
        break;
      }
      case 10:
      case 11: {
        const std::string to = kSteps[in.Pick(std::size(kSteps))];
        auto instance = store_.AdvanceJourney(PickId(in, made_.instances), to,
                                              in.Bool() ? PickId(in, made_.interactions) : 0);
        ExpectNoBug(instance, "AdvanceJourney");
        if (instance.ok()) {
          FUZZ_CHECK(instance->current_step() == to, instance->ShortDebugString());
        }
        break;
      }
      case 12: {
        const v1::JourneyStatus status =
            in.Bool() ? v1::JOURNEY_STATUS_ABANDONED : static_cast<v1::JourneyStatus>(in.Pick(6));
        ExpectNoBug(store_.EndJourney(PickId(in, made_.instances), status), "EndJourney");
        break;
      }
      case 13: {
        if (in.Bool()) {
          omnictx::Case kase;
          kase.set_customer_id(c);
          kase.set_subject("Card blocked");
          if (in.Bool()) kase.set_journey_instance_id(PickId(in, made_.instances));
          auto opened = store_.OpenCase(kase);
          ExpectNoBug(opened, "OpenCase");
          if (opened.ok()) made_.cases.push_back(opened->id());
        } else {
          ExpectNoBug(store_.SetCaseStatus(PickId(in, made_.cases),
                                           static_cast<v1::CaseStatus>(in.Pick(5))),
                      "SetCaseStatus");
        }
        break;
      }
      case 14: {
        omnictx::LookupRequest request;
        if (in.Bool()) {
          request.identity = id;
        } else {
          request.customer_id = c;
        }
        request.channel = omnictx::Channel::kIvr;
        ExpectNoBug(store_.Lookup(request), "Lookup");
        break;
      }
      default: {
        const uint8_t what = in.Byte();
        if (what < 200) {
          clock_.Advance(absl::Minutes(what));
        } else if (what < 230) {
          ExpectNoBug(store_.Purge(clock_.Now()), "Purge");
        } else {
          omnictx::Consent consent;
          consent.set_purpose("marketing");
          consent.set_state(static_cast<v1::ConsentState>(in.Pick(4)));
          ExpectNoBug(store_.SetConsent(c, consent, "fuzz"), "SetConsent");
        }
        break;
      }
    }
  }

  void CheckInvariants() {
    for (const Identity& raw : pool_) {
      auto owner = store_.Resolve(raw);
      FUZZ_CHECK(owner.ok(), StatusText(owner.status()));
      if (!owner->has_value()) continue;
      auto normalized = store_.Normalize(raw);
      FUZZ_CHECK(normalized.ok(), StatusText(normalized.status()));
      auto customer = store_.GetCustomer(**owner);
      FUZZ_CHECK(customer.ok(), "an identity's owner is missing: " + StatusText(customer.status()));
      FUZZ_CHECK(customer->status() == v1::CUSTOMER_STATUS_ACTIVE,
                 "an identity is owned by a merged or erased customer");
      bool listed = false;
      for (const Identity& i : customer->identities()) listed |= SameIdentity(i, *normalized);
      FUZZ_CHECK(listed, "the owner does not list the identity: " + customer->ShortDebugString());
    }
    for (const char* c : kCustomers) {
      auto customer = store_.GetCustomer(c);
      if (!customer.ok()) {
        FUZZ_CHECK(customer.status().code() == absl::StatusCode::kNotFound,
                   StatusText(customer.status()));
        continue;
      }
      if (customer->status() == v1::CUSTOMER_STATUS_ACTIVE) {
        for (const Identity& i : customer->identities()) {
          auto owner = store_.Resolve(i);
          FUZZ_CHECK(owner.ok() && owner->has_value() && **owner == c,
                     "an identity the customer lists resolves elsewhere");
        }
        CheckJourneys(c);
      } else if (customer->status() == v1::CUSTOMER_STATUS_MERGED) {
        CheckRedirect(*customer);
      }
    }
  }

  void CheckJourneys(const std::string& c) {
    auto instances = store_.ListJourneyInstances(c);
    FUZZ_CHECK(instances.ok(), StatusText(instances.status()));
    int active = 0;
    for (const omnictx::JourneyInstance& inst : *instances) {
      FUZZ_CHECK(inst.history_size() > 0, inst.ShortDebugString());
      FUZZ_CHECK(inst.current_step() == inst.history(inst.history_size() - 1).to_step(),
                 "current step is not the last transition: " + inst.ShortDebugString());
      if (inst.status() == v1::JOURNEY_STATUS_ACTIVE) ++active;
    }
    FUZZ_CHECK(active <= 1, "two active instances of one journey for one customer");
  }

  void CheckRedirect(const omnictx::Customer& merged) {
    FUZZ_CHECK(!merged.merged_into().empty(), merged.ShortDebugString());
    FUZZ_CHECK(merged.identities_size() == 0, "a merged customer keeps identities");
    std::string at = merged.merged_into();
    v1::CustomerStatus status = v1::CUSTOMER_STATUS_MERGED;
    for (size_t hops = 0; status == v1::CUSTOMER_STATUS_MERGED; ++hops) {
      FUZZ_CHECK(hops <= std::size(kCustomers), "merge chain loops");
      auto next = store_.GetCustomer(at);
      if (!next.ok()) {
        // An erased survivor has a new id: the chain ends there.
        FUZZ_CHECK(next.status().code() == absl::StatusCode::kNotFound,
                   StatusText(next.status()));
        return;
      }
      status = next->status();
      if (status == v1::CUSTOMER_STATUS_MERGED) at = next->merged_into();
    }
    auto ctx = store_.Lookup({.customer_id = merged.id()});
    FUZZ_CHECK(ctx.ok(), StatusText(ctx.status()));
    if (status == v1::CUSTOMER_STATUS_ACTIVE) {
      FUZZ_CHECK(ctx->customer().id() == at,
                 "lookup of a merged customer does not reach the survivor " + at);
    }
  }

 private:
  void Record(omnictx::fuzz::Bytes& in, const std::string& c, const Identity& via) {
    omnictx::Interaction i;
    i.set_customer_id(c);
    *i.mutable_occurred_at() =
        omnictx::ToProtoTime(clock_.Now() - absl::Minutes(in.Pick(120)));
    i.mutable_channel()->set_kind(static_cast<v1::ChannelKind>(1 + in.Pick(12)));
    i.set_kind(in.Bool() ? "call" : "page_view");
    i.set_direction(in.Bool() ? v1::DIRECTION_INBOUND : v1::DIRECTION_OUTBOUND);
    if (in.Bool()) *i.mutable_via() = via;
    if (in.Pick(4) == 0) i.set_external_id(absl::StrCat("ext-", in.Pick(4)));
    if (in.Pick(3) == 0) {
      i.set_journey_instance_id(PickId(in, made_.instances));
      i.set_journey_step(kSteps[in.Pick(std::size(kSteps))]);
    }
    if (in.Pick(4) == 0) i.set_case_id(PickId(in, made_.cases));
    auto recorded = store_.Record(i);
    ExpectNoBug(recorded, "Record");
    if (recorded.ok()) made_.interactions.push_back(*recorded);
  }

  Store& store_;
  omnictx::FakeClock& clock_;
  std::vector<Identity> pool_;
  Made made_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string* const path =
      new std::string((omnictx::fuzz::ScratchDir() / "api_sequence.db").string());
  omnictx::fuzz::RemoveStoreFiles(*path);
  auto clock = std::make_shared<omnictx::FakeClock>(omnictx::fuzz::FuzzEpoch());
  omnictx::Options options;
  options.clock = clock;
  options.default_region = "FR";
  options.max_readers = 1;
  auto opened = Store::Open(*path, options);
  FUZZ_CHECK(opened.ok(), StatusText(opened.status()));
  Store& store = **opened;
  auto journey = store.DefineJourney(Onboarding());
  FUZZ_CHECK(journey.ok(), StatusText(journey.status()));

  omnictx::fuzz::Bytes in(data, size);
  Sequence sequence(store, *clock);
  for (int step = 0; step < kMaxSteps && !in.empty(); ++step) {
    sequence.Step(in);
    sequence.CheckInvariants();
    if (step % 16 == 15) {
      absl::Status check = store.Check();
      FUZZ_CHECK(check.ok(), StatusText(check));
    }
  }
  absl::Status check = store.Check();
  FUZZ_CHECK(check.ok(), StatusText(check));
  return 0;
}
