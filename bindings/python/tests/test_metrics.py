# SPDX-License-Identifier: Apache-2.0
"""Store.metrics from Python: KPIs as objects with Python values, absent
rates as None, groupings, per-channel targets, journey funnels, errors and
JSON round trips."""

from __future__ import annotations

import datetime as dt

import pytest

import omnictx
from conftest import HOME_LOAN, T0

HOUR = dt.timedelta(hours=1)


def _calls(store: omnictx.Store) -> None:
    store.upsert_customer("c1", display_name="Ann")
    at = T0 + dt.timedelta(minutes=1)
    store.record(customer_id="c1", occurred_at=at, channel="voice", kind="call",
                 wait_time=dt.timedelta(seconds=10), answered=True,
                 handle_time=dt.timedelta(seconds=240), agent_id="a1",
                 touchpoint="ivr.main_menu")
    store.record(customer_id="c1", occurred_at=at, channel="voice", kind="call",
                 wait_time=dt.timedelta(seconds=50), abandoned=True,
                 touchpoint="ivr.main_menu")
    store.record(customer_id="c1", occurred_at=at, channel="web", kind="page_view")


def test_channel_kpis_read_as_python_values(store):
    _calls(store)
    report = store.metrics(since=T0, until=T0 + HOUR)
    assert isinstance(report, omnictx.MetricsReport)
    assert report.start == T0 and report.end == T0 + HOUR
    voice = report.channel("voice")
    assert voice.offered == 2 and voice.answered == 1 and voice.abandoned == 1
    assert voice.service_level == pytest.approx(0.5)
    assert voice.asa == dt.timedelta(seconds=10)
    assert voice.aht == dt.timedelta(seconds=240)
    assert voice.meets_target is False
    assert voice.target.answer_within == dt.timedelta(seconds=20)
    web = report.channel("web")
    assert web.inbound == 1
    assert web.service_level is None  # nothing offered: no rate at all
    assert web.asa is None
    assert report.fcr.fcr_rate is None


def test_targets_and_grouping(store):
    _calls(store)
    report = store.metrics(since=T0, until=T0 + HOUR, group_by="agent",
                           targets={"voice": {"service_level": 0.4,
                                              "answer_within": dt.timedelta(seconds=60)}})
    voice = report.channel("voice")
    assert voice.service_level == pytest.approx(0.5)
    assert voice.meets_target is True
    assert report.channel("voice", "a1").handled == 1
    assert report.channel("voice", "(none)").abandoned == 1
    assert report.group_by == "agent"
    tuple_target = store.metrics(since=T0, until=T0 + HOUR, targets={"voice": (0.9, 5)})
    assert tuple_target.channel("voice").target.service_level == pytest.approx(0.9)
    assert tuple_target.channel("voice").answered_within_target == 0


def test_journey_funnel(store, clock):
    store.define_journey(HOME_LOAN)
    for cid in ("a", "b", "c"):
        store.upsert_customer(cid)
        store.start_journey(cid, "home_loan")
    clock.advance(dt.timedelta(minutes=30))
    for inst in store.list_journey_instances("a") + store.list_journey_instances("b"):
        store.advance_journey(inst.id, "upload_documents")
    report = store.metrics(since=T0, until=T0 + HOUR)
    funnel = report.journey("home_loan")
    assert funnel.started == 3 and funnel.active == 3
    simulate = funnel.steps[0]
    assert simulate.step == "simulate"
    assert simulate.reached == 3 and simulate.continued == 2
    assert simulate.conversion == pytest.approx(2 / 3)
    assert simulate.p50_time_in_step == dt.timedelta(minutes=30)
    assert funnel.completion_rate is None  # nothing ended yet
    assert [s.step for s in funnel.steps][-1] == "rejected"
    assert store.metrics(since=T0, until=T0 + HOUR, journey="other").journeys == []


def test_round_trips(store):
    _calls(store)
    report = store.metrics(since=T0, until=T0 + HOUR)
    assert omnictx.MetricsReport.from_json(report.to_json()) == report
    assert omnictx.MetricsReport.from_proto_bytes(report.to_proto_bytes()) == report
    assert report.to_dict()["channels"][0]["channel"] == "CHANNEL_KIND_VOICE"


def test_errors_name_the_field(store):
    with pytest.raises(omnictx.InvalidArgumentError, match="^end: must be after start"):
        store.metrics(since=T0, until=T0 - HOUR)
    with pytest.raises(omnictx.InvalidArgumentError, match="group_by"):
        store.metrics(since=T0, until=T0 + HOUR, group_by="weekday")
    with pytest.raises(omnictx.InvalidArgumentError, match=r"targets\[voice\].service_level"):
        store.metrics(since=T0, until=T0 + HOUR, targets={"voice": (2.0, 20)})
    with pytest.raises(omnictx.InvalidArgumentError, match="^targets: channel: unknown"):
        store.metrics(since=T0, until=T0 + HOUR, targets={"fax": (0.8, 20)})
    with pytest.raises(ValueError, match="naive"):
        store.metrics(since=T0.replace(tzinfo=None), until=T0 + HOUR)
