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
    need = staffing.agents_needed(**TEN_ERLANGS, service_level=0.8,
                                  answer_within=dt.timedelta(seconds=20))
    assert isinstance(need, staffing.Staffing)
    assert need.agents == 14
    assert need.traffic_erlangs == pytest.approx(10.0)
    assert need.probability_wait == pytest.approx(0.1741, abs=5e-4)
    assert need.service_level >= 0.8
    assert isinstance(need.asa, dt.timedelta)
    assert need.abandonment == 0 and not need.with_patience


def test_evaluate_with_and_without_patience():
    short = staffing.evaluate(**TEN_ERLANGS, agents=10, answer_within=20)
    assert short.asa is None  # 10 agents for 10 erlangs never catch up
    assert short.service_level == 0
    patient = staffing.evaluate(**TEN_ERLANGS, agents=10, answer_within=20, patience=60)
    assert patient.with_patience
    assert 0 < patient.abandonment < 0.5
    assert patient.asa is not None


def test_pooling_saves_agents():
    result = staffing.compare_pooling([
        dict(channel="voice", **TEN_ERLANGS, service_level=0.8, answer_within=20),
        dict(channel="chat", contacts=30, interval=1800, handle_time=300, answer_within=60),
        dict(channel="email", contacts=20, interval=3600, handle_time=360,
             service_level=0.9, answer_within=dt.timedelta(hours=24), max_occupancy=0.9,
             realtime=False),
    ])
    assert [c.channel for c in result.channels] == ["voice", "chat", "email"]
    assert result.channels[0].agents == 14
    assert result.pooled_agents < result.separate_agents
    assert result.saving == result.separate_agents - result.pooled_agents


def test_errors_name_the_field():
    with pytest.raises(omnictx.InvalidArgumentError, match="^handle_time:"):
        staffing.agents_needed(contacts=10, interval=60, handle_time=0)
    with pytest.raises(omnictx.InvalidArgumentError, match="^service_level:"):
        staffing.agents_needed(**TEN_ERLANGS, service_level=1.2)
    with pytest.raises(omnictx.InvalidArgumentError, match=r"^channels\[chat\]\.interval:"):
        staffing.compare_pooling([dict(channel="chat", contacts=1, interval=0, handle_time=60)])
    with pytest.raises(TypeError):
        staffing.evaluate(**TEN_ERLANGS, agents=3, answer_within="soon")
