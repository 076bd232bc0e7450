// SPDX-License-Identifier: Apache-2.0
#include "context/assemble.h"

#include <algorithm>

#include "util/strings.h"
#include "context/audience.h"
#include "context/routing.h"

namespace omnictx::context {
namespace {

v1::ActiveJourney MakeActive(const LoadedJourney& lj, absl::Time now) {
  const JourneyInstance& inst = lj.instance;
  v1::ActiveJourney a;
  a.set_instance_id(inst.id());
  a.set_journey_key(inst.journey_key());
  a.set_journey_version(inst.journey_version());
  a.set_current_step(inst.current_step());
  a.set_stalled(IsStalled(inst, *lj.definition, now));
  *a.mutable_time_in_step() =
      ToProtoDuration(std::max(absl::ZeroDuration(), now - FromProtoTime(inst.step_entered_at())));
  if (const JourneyStep* step = lj.definition->FindStep(inst.current_step())) {
    a.set_step_name(step->name());
    a.set_skill(step->skill());
    *a.mutable_needs() = step->needs();
  }
  return a;
}

// The latest activity in a journey: its last transition, or a later
// interaction recorded against the instance.
void LastActivity(const LoadedJourney& lj, JourneyView* view) {
  const JourneyInstance& inst = lj.instance;
  view->last_activity = FromProtoTime(inst.step_entered_at());
  if (inst.history_size() > 0) view->last_channel = inst.history(inst.history_size() - 1).channel();
  if (const std::optional<Interaction>& i = lj.latest_interaction) {
    absl::Time t = FromProtoTime(i->occurred_at());
    if (t >= view->last_activity) {
      view->last_activity = t;
      view->last_channel = i->channel();
    }
  }
}

void AddSuggestions(const Loaded& loaded, const Context& ctx, Context* out) {
  for (const v1::ActiveJourney& a : ctx.journeys()) {
    if (!a.stalled()) continue;
    Suggestion* s = out->add_suggestions();
    s->set_kind(v1::SUGGESTION_KIND_OFFER_HELP);
    s->set_journey_instance_id(a.instance_id());
    s->set_step(a.current_step());
    std::string text = internal::StrCat("offer help: stuck for ",
                                    HumanDuration(FromProtoDuration(a.time_in_step())),
                                    " at step ", a.current_step(), " of ", a.journey_key());
    auto it = loaded.stalled_outbound.find(a.instance_id());
    if (it != loaded.stalled_outbound.end()) {
      s->set_interaction_id(it->second.id());
      internal::StrAppend(&text, " after ",
                          it->second.touchpoint().empty() ? it->second.kind()
                                                          : it->second.touchpoint());
    }
    s->set_text(text);
  }
  for (const Case& c : ctx.open_cases()) {
    if (c.status() != v1::CASE_STATUS_PENDING) continue;
    Suggestion* s = out->add_suggestions();
    s->set_kind(v1::SUGGESTION_KIND_FOLLOW_UP_CASE);
    s->set_case_id(c.id());
    s->set_text(internal::StrCat("case ", c.id(), " is pending: ask for the update it waits on"));
  }
}

}  // namespace

bool IsStalled(const JourneyInstance& instance, const journey::Definition& def, absl::Time now) {
  if (instance.status() != v1::JOURNEY_STATUS_ACTIVE) return false;
  absl::Duration threshold = def.StallAfter(instance.current_step());
  if (threshold <= absl::ZeroDuration()) return false;
  return now - FromProtoTime(instance.step_entered_at()) > threshold;
}

Context Assemble(const Loaded& loaded, const LookupRequest& request,
                 const RoutingPolicy& policy, const AudiencePolicy& audiences, absl::Time now) {
  Context ctx;
  ctx.set_known(true);
  *ctx.mutable_customer() = loaded.customer;
  if (loaded.matched.kind() != v1::IDENTITY_KIND_UNSPECIFIED) {
    *ctx.mutable_matched_identity() = loaded.matched;
  }
  ctx.mutable_asked_from()->set_kind(ToProto(request.channel));
  *ctx.mutable_as_of() = ToProtoTime(now);
  *ctx.mutable_consents() = loaded.customer.consents();
  for (const LoadedJourney& lj : loaded.journeys) *ctx.add_journeys() = MakeActive(lj, now);
  for (const Case& c : loaded.open_cases) *ctx.add_open_cases() = c;
  for (const Interaction& i : loaded.recent) *ctx.add_recent() = i;
  if (loaded.latest) {
    v1::LastContact* last = ctx.mutable_last_contact();
    *last->mutable_channel() = loaded.latest->channel();
    last->set_touchpoint(loaded.latest->touchpoint());
    *last->mutable_at() = loaded.latest->occurred_at();
    *last->mutable_ago() = ToProtoDuration(
        std::max(absl::ZeroDuration(), now - FromProtoTime(loaded.latest->occurred_at())));
  }
  AddSuggestions(loaded, ctx, &ctx);

  RoutingInput in;
  in.customer = &loaded.customer;
  in.open_cases = &loaded.open_cases;
  in.asking = ToProto(request.channel);
  in.available_agents = &request.available_agents;
  in.now = now;
  for (int k = 0; k < ctx.journeys_size(); ++k) {
    const LoadedJourney& lj = loaded.journeys[k];
    JourneyView& view = in.journeys.emplace_back();
    view.journey = &ctx.journeys(k);
    if (const JourneyStep* step = lj.definition->FindStep(lj.instance.current_step())) {
      view.step_priority = step->priority();
    }
    LastActivity(lj, &view);
  }
  for (const Case& c : loaded.open_cases) {
    for (int k = 0; k < ctx.journeys_size(); ++k) {
      if (ctx.journeys(k).instance_id() == c.journey_instance_id()) {
        in.case_skills.emplace_back(c.id(), ctx.journeys(k).skill());
      }
    }
  }
  *ctx.mutable_routing() = Route(in, policy);
  RedactFor(audiences, request.audience, &ctx);
  return ctx;
}

Context AssembleUnknown(const Identity& matched, const LookupRequest& request,
                        const AudiencePolicy& audiences, absl::Time now) {
  Context ctx;
  ctx.set_known(false);
  if (matched.kind() != v1::IDENTITY_KIND_UNSPECIFIED) *ctx.mutable_matched_identity() = matched;
  ctx.mutable_asked_from()->set_kind(ToProto(request.channel));
  *ctx.mutable_as_of() = ToProtoTime(now);
  *ctx.mutable_routing() = RouteUnknown();
  RedactFor(audiences, request.audience, &ctx);
  return ctx;
}

}  // namespace omnictx::context
