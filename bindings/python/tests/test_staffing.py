# SPDX-License-Identifier: Apache-2.0
"""omnictx.staffing from Python: Erlang C and A as NamedTuples with
timedeltas, pooling, and errors naming the field."""

from __future__ import annotations

import datetime as dt

import pytest

import omnictx
from omnictx import staffing

TEN_ERLANGS = dict(contacts=100, interval=dt.timedelta(minutes=30),
                   handle_time=dt.timedelta(seconds=180))


def test_agents_needed_for_the_classic_example():
    # 100 calls per 30 minutes, AHT 180 s, 80% in 20 s: 14 agents, waiting
    # probability 17.4%, ASA 7.8 s, occupancy 71.4% (Call Centre Helper).
    need = staffing.agents_needed(**TEN_ERLANGS, service_level=0.8,
                                  answer_within=dt.timedelta(seconds=20))
    assert isinstance(need, staffing.Staffing)
    assert need.agents == 14
    assert need.traffic_erlangs == pytest.approx(10.0)
    assert need.probability_wait == pytest.approx(0.1741, abs=5e-4)
    assert need.service_level == pytest.approx(0.8883, abs=5e-4)
    assert need.occupancy == pytest.approx(10 / 14)
    assert need.asa.total_seconds() == pytest.approx(7.8, abs=0.05)
    assert need.abandonment == 0 and not need.with_patience
    # Seconds work wherever a timedelta does.
    same = staffing.agents_needed(contacts=100, interval=1800, handle_time=180.0,
                                  answer_within=20)
    assert same == need
    # An occupancy cap asks for more.
    assert staffing.agents_needed(**TEN_ERLANGS, max_occupancy=0.6).agents == 17
    # Nothing to answer needs nobody.
    assert staffing.agents_needed(contacts=0, interval=1800, handle_time=180).agents == 0


def test_evaluate_with_and_without_patience():
    short = staffing.evaluate(**TEN_ERLANGS, agents=10, answer_within=20)
    assert short.asa is None  # 10 agents for 10 erlangs never catch up
    assert short.service_level == 0 and short.probability_wait == 1
    patient = staffing.evaluate(**TEN_ERLANGS, agents=10, answer_within=20, patience=60)
    assert patient.with_patience
    assert 0 < patient.abandonment < 0.5
    assert patient.service_level <= 1 - patient.abandonment
    assert isinstance(patient.asa, dt.timedelta)
    # Answered contacts are what keeps agents busy.
    assert patient.occupancy == pytest.approx(10 * (1 - patient.abandonment) / 10)
    # Patience long enough: Erlang C again.
    erlang_c = staffing.evaluate(**TEN_ERLANGS, agents=13, answer_within=20)
    forever = staffing.evaluate(**TEN_ERLANGS, agents=13, answer_within=20,
                                patience=dt.timedelta(days=365 * 1000))
    assert forever.service_level == pytest.approx(erlang_c.service_level, abs=1e-5)
    assert forever.probability_wait == pytest.approx(erlang_c.probability_wait, abs=1e-5)
    assert forever.abandonment < 1e-5
    # More agents: better, with or without patience.
    levels = [staffing.evaluate(**TEN_ERLANGS, agents=n, answer_within=20, patience=60)
              for n in range(8, 16)]
    assert all(a.service_level < b.service_level for a, b in zip(levels, levels[1:]))
    assert all(a.abandonment > b.abandonment for a, b in zip(levels, levels[1:]))


def test_hundreds_of_agents_stay_finite():
    big = staffing.agents_needed(contacts=20000, interval=dt.timedelta(hours=1),
                                 handle_time=180, service_level=0.8, answer_within=20)
    assert 1000 < big.agents < 1100
    patient = staffing.agents_needed(contacts=20000, interval=dt.timedelta(hours=1),
                                     handle_time=180, answer_within=20, patience=90)
    assert patient.agents < big.agents
    assert 0 < patient.abandonment < 1


def test_pooling_saves_agents():
    result = staffing.compare_pooling([
        dict(channel="voice", **TEN_ERLANGS, service_level=0.8, answer_within=20),
        dict(channel="chat", contacts=30, interval=1800, handle_time=300, answer_within=60),
        dict(channel="email", contacts=20, interval=3600, handle_time=360,
             service_level=0.9, answer_within=dt.timedelta(hours=24), max_occupancy=0.9,
             realtime=False),
    ])
    assert isinstance(result, staffing.PoolingResult)
    assert [c.channel for c in result.channels] == ["voice", "chat", "email"]
    voice, chat, email = result.channels
    assert voice.agents == 14 and voice.staffing.agents == 14
    assert chat.staffing.service_level >= 0.8
    assert email.staffing is None and email.agents == 3
    assert email.workload_erlangs == pytest.approx(2.0)
    assert result.separate_agents == voice.agents + chat.agents + email.agents
    assert result.pooled_realtime.traffic_erlangs == pytest.approx(15.0)
    assert result.async_workload_erlangs == pytest.approx(2.0)
    assert result.async_absorbed_erlangs == pytest.approx(
        min(2.0, result.pooled_idle_erlangs))
    assert result.pooled_agents == result.pooled_realtime_agents + result.async_extra_agents
    assert result.pooled_agents < result.separate_agents
    assert result.saving == result.separate_agents - result.pooled_agents
    assert result.saving_share == pytest.approx(result.saving / result.separate_agents)


def test_pooling_with_patience_uses_erlang_a():
    result = staffing.compare_pooling([
        dict(channel="voice", **TEN_ERLANGS, patience=60),
        dict(channel="chat", contacts=30, interval=1800, handle_time=300, patience=120),
    ])
    assert result.pooled_realtime.with_patience
    assert all(c.staffing.with_patience for c in result.channels)
    assert result.saving > 0


def test_errors_name_the_field():
    with pytest.raises(omnictx.InvalidArgumentError, match="^handle_time:"):
        staffing.agents_needed(contacts=10, interval=60, handle_time=0)
    with pytest.raises(ValueError, match="^service_level:"):
        staffing.agents_needed(**TEN_ERLANGS, service_level=1.2)
    with pytest.raises(omnictx.InvalidArgumentError, match="^contacts:"):
        staffing.agents_needed(contacts=float("nan"), interval=60, handle_time=60)
    with pytest.raises(omnictx.InvalidArgumentError, match="^patience:"):
        staffing.evaluate(**TEN_ERLANGS, agents=12, answer_within=20, patience=0)
    with pytest.raises(omnictx.InvalidArgumentError, match="^agents:"):
        staffing.evaluate(**TEN_ERLANGS, agents=0, answer_within=20)
    with pytest.raises(omnictx.InvalidArgumentError, match=r"^channels\[chat\]\.interval:"):
        staffing.compare_pooling([dict(channel="chat", contacts=1, interval=0, handle_time=60)])
    with pytest.raises(omnictx.InvalidArgumentError, match=r"^channels\[chat\]\.handle_time:"):
        staffing.compare_pooling([dict(channel="chat", contacts=1, interval=60)])
    with pytest.raises(omnictx.InvalidArgumentError, match=r"^channels\[chat\]\.colour:"):
        staffing.compare_pooling([dict(channel="chat", contacts=1, interval=60,
                                       handle_time=60, colour="red")])
    with pytest.raises(omnictx.InvalidArgumentError, match="^channels:"):
        staffing.compare_pooling([])
    with pytest.raises(omnictx.ResourceExhaustedError, match="^agents:"):
        staffing.agents_needed(contacts=1e9, interval=3600, handle_time=180)


def test_wrong_types_raise_type_error_naming_the_argument():
    with pytest.raises(TypeError, match="answer_within"):
        staffing.evaluate(**TEN_ERLANGS, agents=3, answer_within="soon")
    with pytest.raises(TypeError, match="agents"):
        staffing.evaluate(**TEN_ERLANGS, agents=12.5, answer_within=20)
    with pytest.raises(TypeError, match="contacts"):
        staffing.agents_needed(contacts="100", interval=1800, handle_time=180)
    with pytest.raises(TypeError, match="realtime"):
        staffing.compare_pooling([dict(channel="email", contacts=1, interval=60,
                                       handle_time=60, realtime="no")])
    with pytest.raises(TypeError):
        staffing.agents_needed(100, 1800, 180)  # keyword arguments only
