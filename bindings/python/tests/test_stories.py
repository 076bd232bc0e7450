# SPDX-License-Identifier: Apache-2.0
"""The four DESIGN.md stories, driven from Python on a FakeClock."""

from __future__ import annotations

import datetime as dt

import omnictx
from conftest import HOME_LOAN, T0

MIN = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)


# ---- Story 1: web, then a call ----

def _on_the_web(store: omnictx.Store, clock: omnictx.FakeClock) -> None:
    store.upsert_customer("cust-1", display_name="Camille Martin")
    store.link_identity("cust-1", phone="06 12 34 56 78")
    store.link_identity("cust-1", cookie="ck-7f3a")
    store.define_journey(HOME_LOAN)
    inst = store.start_journey("cust-1", "home_loan")
    assert inst.current_step == "simulate"
    clock.advance(10 * MIN)
    # The page view at the upload page moves the journey: its touchpoint
    # belongs to the next step.
    store.record(customer_id="cust-1", occurred_at=clock.now(), channel="web",
                 touchpoint="web.upload", kind="page_view")


def test_web_then_call_routes_to_the_step_skill_and_says_why(store, clock):
    _on_the_web(store, clock)
    clock.advance(4 * MIN)

    ctx = store.lookup(phone="+33 6 12 34 56 78", channel="ivr")

    assert ctx.known is True
    assert ctx.customer.id == "cust-1"
    assert ctx.customer.display_name == "Camille Martin"
    assert ctx.matched_identity.kind == "phone"
    assert ctx.matched_identity.value == "+33612345678"
    assert ctx.asked_from.kind == "ivr"
    assert ctx.as_of == T0 + 14 * MIN
    [journey] = ctx.journeys
    assert journey.journey_key == "home_loan"
    assert journey.journey_version == 1
    assert journey.current_step == "upload_documents"
    assert journey.step_name == "Upload documents"
    assert journey.time_in_step == 4 * MIN
    assert journey.stalled is False
    assert journey.skill == "documents"
    assert journey.needs == ["payslip", "id_card"]
    assert ctx.last_contact.channel.kind == "web"
    assert ctx.last_contact.touchpoint == "web.upload"
    assert ctx.last_contact.at == T0 + 10 * MIN
    assert ctx.last_contact.ago == 4 * MIN

    r = ctx.routing
    assert r.bypass_self_service is True
    assert r.target_kind == "skill"
    assert r.target == "documents"
    assert r.rule == "recent_journey_activity"
    assert r.reason == "on web 4 minutes ago at step upload_documents of home_loan"

    flat = ctx.flat()
    assert flat["known"] == "1"
    assert flat["customer_id"] == "cust-1"
    assert flat["route_bypass"] == "1"
    assert flat["route_kind"] == "skill"
    assert flat["route_target"] == "documents"
    assert flat["route_rule"] == "recent_journey_activity"
    assert flat["journey"] == "home_loan"
    assert flat["journey_step"] == "upload_documents"
    assert flat["journey_skill"] == "documents"
    assert flat["journey_minutes_in_step"] == "4"
    assert flat["last_channel"] == "web"
    assert flat["last_minutes_ago"] == "4"


def test_web_then_call_an_hour_later_allows_self_service(store, clock):
    _on_the_web(store, clock)
    clock.advance(dt.timedelta(hours=1))
    ctx = store.lookup(phone="0612345678", channel="ivr")
    assert ctx.known is True
    assert ctx.routing.bypass_self_service is False
    assert ctx.routing.target == ""
    assert ctx.routing.target_kind is None
    assert ctx.routing.rule == "self_service"


def test_unknown_caller_is_an_answer_not_an_error(store):
    ctx = store.lookup(phone="+33 7 98 76 54 32", channel="ivr")
    assert ctx.known is False
    assert ctx.customer is None
    assert ctx.matched_identity.value == "+33798765432"
    assert ctx.routing.rule == "unknown_caller"
    assert ctx.routing.bypass_self_service is False
    assert ctx.flat()["known"] == "0"


# ---- Story 2: email, then stuck on the web ----

RENEWAL = """
key: "renewal"
name: "Contract renewal"
steps { key: "notified" next: "review_offer" touchpoints: "email.renewal_notice" }
steps {
  key: "review_offer" name: "Review the offer" next: "renewed" next: "lapsed"
  touchpoints: "web.renewal" skill: "renewals" stall_after { seconds: 900 }
}
steps { key: "renewed" outcome: STEP_OUTCOME_SUCCESS }
steps { key: "lapsed" outcome: STEP_OUTCOME_FAILURE }
"""


def _email_then_click(store: omnictx.Store, clock: omnictx.FakeClock) -> int:
    store.upsert_customer("cust-2", display_name="Léa Dubois")
    store.link_identity("cust-2", email="Lea.Dubois@Example.com")
    store.link_identity("cust-2", cookie="ck-renew")
    journey = store.define_journey(RENEWAL)  # text-format definition
    assert [s.key for s in journey.steps] == ["notified", "review_offer", "renewed", "lapsed"]
    assert journey.steps[1].stall_after == dt.timedelta(minutes=15)
    store.start_journey("cust-2", "renewal")
    email_id = store.record(customer_id="cust-2", occurred_at=T0 + MIN, channel="email",
                            touchpoint="email.renewal_notice", kind="email_sent",
                            direction="outbound", summary="Your contract renews on 1 April")
    clock.set(T0 + dt.timedelta(hours=2))
    store.record(customer_id="cust-2", occurred_at=clock.now(), channel="web",
                 touchpoint="web.renewal", kind="email_clicked")
    return email_id


def test_email_then_stuck_is_found_offered_help_and_shows_the_email(store, clock):
    email_id = _email_then_click(store, clock)
    clicked_at = clock.now()

    clock.advance(10 * MIN)  # under the 15-minute threshold
    assert store.stalled() == []
    assert store.lookup(cookie="ck-renew", channel="web").suggestions == []

    clock.advance(30 * MIN)  # 40 minutes on the step
    [stalled] = store.stalled()
    assert stalled.instance.customer_id == "cust-2"
    assert stalled.instance.current_step == "review_offer"
    assert stalled.instance.step_entered_at == clicked_at
    assert stalled.time_in_step == 40 * MIN
    assert stalled.threshold == 15 * MIN
    assert stalled.last_outbound.id == email_id
    assert stalled.last_outbound.touchpoint == "email.renewal_notice"
    assert store.find_customers("renewal", step="review_offer") == ["cust-2"]
    assert store.find_customers("renewal", step="renewed") == []

    ctx = store.lookup(cookie="ck-renew", channel="web")
    assert ctx.journeys[0].stalled is True
    [suggestion] = ctx.suggestions
    assert suggestion.kind == "offer_help"
    assert suggestion.interaction_id == email_id
    assert suggestion.step == "review_offer"
    assert suggestion.text == ("offer help: stuck for 40 minutes at step review_offer "
                               "of renewal after email.renewal_notice")
    assert ctx.flat()["suggestion"] == suggestion.text
    assert ctx.flat()["journey_stalled"] == "1"

    # The agent who accepts sees the original email in the timeline.
    timeline = list(store.timeline("cust-2"))
    assert [(i.kind, i.channel.kind, i.direction) for i in timeline] == [
        ("email_clicked", "web", "inbound"), ("email_sent", "email", "outbound")]
    assert timeline[1].id == email_id
    assert timeline[1].summary == "Your contract renews on 1 April"
    assert store.get_interaction(email_id).occurred_at == T0 + MIN


def test_stalled_at_an_explicit_time(store, clock):
    _email_then_click(store, clock)
    assert store.stalled(now=clock.now() + 14 * MIN) == []
    [s] = store.stalled(now=clock.now() + 16 * MIN)
    assert s.time_in_step == 16 * MIN


# ---- Story 3: a case over several days ----

def _case_over_days(store: omnictx.Store, clock: omnictx.FakeClock) -> omnictx.Case:
    store.upsert_customer("cust-3", display_name="Noé Bernard")
    store.link_identity("cust-3", phone="+33 6 11 22 33 44")
    store.link_identity("cust-3", email="noe@example.org")
    case = store.open_case("cust-3", "Router keeps rebooting", priority="high",
                           queue="support_l2")
    assert (case.status, case.priority, case.owner_agent) == ("open", "high", "")
    store.record(customer_id="cust-3", occurred_at=clock.now(), channel="voice",
                 touchpoint="ivr.support", kind="call", case_id=case.id,
                 agent_id="agent-ana", wait_time=dt.timedelta(seconds=42),
                 handle_time=dt.timedelta(minutes=7))
    store.assign_case(case.id, "eng-marc")
    clock.advance(DAY)
    store.record(customer_id="cust-3", occurred_at=clock.now(), channel="email",
                 kind="email_received", case_id=case.id, summary="Still rebooting")
    clock.advance(DAY)
    store.record(customer_id="cust-3", occurred_at=clock.now(), channel="sms",
                 kind="sms_received", case_id=case.id)
    clock.advance(dt.timedelta(hours=3))
    return store.get_case(case.id)


def test_case_over_days_routes_every_channel_to_the_owner(store, clock):
    case = _case_over_days(store, clock)
    assert case.owner_agent == "eng-marc"
    assert case.interaction_count == 3
    assert case.opened_at == T0
    assert case.updated_at == T0 + 2 * DAY

    for kwargs in ({"email": "noe@example.org", "channel": "email"},
                   {"phone": "0611223344", "channel": "ivr"},
                   {"customer_id": "cust-3", "channel": "chat"}):
        ctx = store.lookup(**kwargs)
        assert [c.id for c in ctx.open_cases] == [case.id]
        assert ctx.open_cases[0].owner_agent == "eng-marc"
        r = ctx.routing
        assert (r.bypass_self_service, r.target_kind, r.target, r.rule) == (
            True, "agent", "eng-marc", "case_owner")
        assert r.reason == f"open case {case.id} owned by eng-marc"
        assert r.priority == 3  # the case is high priority
        flat = ctx.flat()
        assert (flat["case_id"], flat["case_owner"], flat["cases"]) == (
            str(case.id), "eng-marc", "1")
        assert (flat["route_kind"], flat["route_target"]) == ("agent", "eng-marc")
        assert "eng-marc" in ctx.to_text()

    # The whole case reads as one timeline, newest first.
    thread = list(store.timeline("cust-3", case_id=case.id))
    assert [i.channel.kind for i in thread] == ["sms", "email", "voice"]
    assert [i.occurred_at for i in thread] == [T0 + 2 * DAY, T0 + DAY, T0]
    assert thread[2].wait_time == dt.timedelta(seconds=42)
    assert thread[2].handle_time == dt.timedelta(minutes=7)
    assert thread[2].agent_id == "agent-ana"


def test_case_owner_away_falls_back_to_the_case_queue(store, clock):
    case = _case_over_days(store, clock)
    ctx = store.lookup(phone="+33611223344", available_agents=["agent-ana"])
    assert (ctx.routing.target_kind, ctx.routing.target) == ("queue", "support_l2")
    assert ctx.routing.reason == (f"open case {case.id} owned by eng-marc, who is not "
                                  "available: case queue support_l2")


def test_resolved_case_no_longer_routes(store, clock):
    case = _case_over_days(store, clock)
    resolved = store.set_case_status(case.id, "resolved")
    assert resolved.status == "resolved"
    assert resolved.resolved_at == clock.now()
    ctx = store.lookup(phone="+33611223344")
    assert ctx.open_cases == []
    assert ctx.routing.rule == "self_service"
    assert [c.status for c in store.list_cases("cust-3")] == ["resolved"]


# ---- Story 4: measure the same way on every channel ----

SEC = dt.timedelta(seconds=1)


def _same_contacts_on(store: omnictx.Store, channel: str, at: dt.datetime) -> None:
    """Three queued contacts: answered after 15 s and after 40 s (4 minutes
    of handling each), and one abandoned after 30 s."""
    for wait, answered in ((15, True), (40, True), (30, False)):
        store.record(customer_id="cust-m", occurred_at=at, channel=channel,
                     kind="contact", wait_time=wait * SEC,
                     answered=answered or None, abandoned=(not answered) or None,
                     handle_time=4 * MIN if answered else None,
                     agent_id="agent-1" if answered else None)


def _journey_through(store, clock, customer: str, review_channel: str, end: str) -> None:
    store.upsert_customer(customer)
    inst = store.start_journey(customer, "home_loan")
    for step, channel in (("upload_documents", "web"), ("review", review_channel),
                          (end, review_channel)):
        clock.advance(MIN)
        store.record(customer_id=customer, occurred_at=clock.now(), channel=channel,
                     kind="step", journey_instance_id=inst.id, journey_step=step)


def test_one_definition_per_channel_with_each_channels_target(store, clock):
    store.upsert_customer("cust-m")
    for channel in ("voice", "chat"):
        _same_contacts_on(store, channel, T0 + MIN)

    report = store.metrics(since=T0, until=T0 + dt.timedelta(hours=1))
    voice, chat = report.channel("voice"), report.channel("chat")
    # One definition: the same contacts give the same figures ...
    for kpi in (voice, chat):
        assert (kpi.offered, kpi.answered, kpi.abandoned) == (3, 2, 1)
        assert kpi.asa == dt.timedelta(seconds=27.5)      # (15 + 40) / 2
        assert kpi.aht == 4 * MIN
        assert kpi.abandonment_rate == 1 / 3
        assert kpi.average_wait == dt.timedelta(seconds=85 / 3)
    # ... held to each channel's own target: voice 80% in 20 s (only the
    # 15 s wait is in time), chat 80% in 60 s (both answers are).
    assert voice.target.answer_within == 20 * SEC
    assert chat.target.answer_within == 60 * SEC
    assert (voice.answered_within_target, voice.service_level) == (1, 1 / 3)
    assert (chat.answered_within_target, chat.service_level) == (2, 2 / 3)
    assert voice.meets_target is False and chat.meets_target is False

    # A patience threshold is per channel too: with a 45 s short-abandon
    # threshold on chat, its 30 s abandon is no longer offered.
    tuned = store.metrics(since=T0, until=T0 + dt.timedelta(hours=1),
                          targets={"chat": {"service_level": 0.8, "answer_within": 60 * SEC,
                                            "short_abandon": 45 * SEC}})
    chat = tuned.channel("chat")
    assert (chat.offered, chat.short_abandoned, chat.service_level) == (2, 1, 1.0)
    assert chat.meets_target is True
    assert tuned.channel("voice").offered == 3


def test_the_analytics_say_which_channel_leads_to_success(store, clock):
    store.define_journey(HOME_LOAN)
    _journey_through(store, clock, "cust-a", "voice", "approved")
    _journey_through(store, clock, "cust-b", "chat", "rejected")
    _journey_through(store, clock, "cust-c", "voice", "approved")

    report = store.metrics(since=T0, until=T0 + dt.timedelta(hours=1))
    funnel = report.journey("home_loan")
    assert (funnel.started, funnel.completed, funnel.failed) == (3, 2, 1)
    assert funnel.completion_rate == 2 / 3
    review = next(s for s in funnel.steps if s.step == "review")
    assert (review.reached, review.continued) == (3, 3)
    outcomes = {o.channel: o for o in report.channel_outcomes}
    assert (outcomes["voice"].journeys, outcomes["voice"].succeeded) == (2, 2)
    assert (outcomes["chat"].journeys, outcomes["chat"].succeeded) == (1, 0)
    assert outcomes["web"].success_rate == 2 / 3
    best = max(report.channel_outcomes, key=lambda o: o.success_rate or 0)
    assert best.channel == "voice"
    # Customers at upload_documents who moved from the web to voice went on
    # to succeed; the one who moved to chat did not.
    switches = {(s.from_channel, s.to_channel): s for s in report.switches
                if s.step == "upload_documents"}
    assert (switches[("web", "voice")].count, switches[("web", "voice")].success_rate) == (2, 1.0)
    assert (switches[("web", "chat")].count, switches[("web", "chat")].success_rate) == (1, 0.0)
