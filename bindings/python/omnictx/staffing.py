# SPDX-License-Identifier: Apache-2.0
"""Staffing math: how many agents a channel needs, and what one
multi-skilled team saves::

    from datetime import timedelta
    from omnictx import staffing

    need = staffing.agents_needed(contacts=100, interval=timedelta(minutes=30),
                                  handle_time=timedelta(seconds=180),
                                  service_level=0.8, answer_within=timedelta(seconds=20))
    need.agents            # 14
    need.service_level     # 0.888...

Erlang C (nobody hangs up) by default; give ``patience`` (the customers'
mean patience) for Erlang A, which adds abandonment. Durations are
timedeltas or seconds. The C++ header omnictx/staffing.h documents the
definitions.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable, List, Mapping, NamedTuple, Optional, Union

from . import _convert
from . import _omnictx

__all__ = ["Staffing", "PoolingChannel", "PoolingResult", "evaluate", "agents_needed",
           "compare_pooling"]

_Duration = Union[float, _dt.timedelta]


class Staffing(NamedTuple):
    """How a team of ``agents`` copes with a demand.

    ``asa`` (average speed of answer) is None when too few agents never
    catch up with the queue. ``abandonment`` is 0 without patience.
    """

    agents: int
    traffic_erlangs: float
    occupancy: float
    probability_wait: float
    service_level: float
    asa: Optional[_dt.timedelta]
    abandonment: float
    with_patience: bool


class PoolingChannel(NamedTuple):
    """One channel on its own team: agents needed and workload in erlangs."""

    channel: str
    realtime: bool
    agents: int
    workload_erlangs: float


class PoolingResult(NamedTuple):
    """Separate teams vs one multi-skilled team (see compare_pooling)."""

    channels: List[PoolingChannel]
    separate_agents: int
    pooled_realtime_agents: int
    pooled_realtime: Staffing
    async_absorbed_erlangs: float
    async_extra_agents: int
    pooled_agents: int
    saving: int
    saving_share: float


def _us(value: _Duration, field: str) -> int:
    return _convert.duration_micros(value, field)


def _staffing(t: Any) -> Staffing:
    agents, erlangs, occupancy, wait, level, asa_us, abandonment, patient = t
    asa = None if asa_us < 0 else _dt.timedelta(microseconds=asa_us)
    return Staffing(agents, erlangs, occupancy, wait, level, asa, abandonment, patient)


def evaluate(*, contacts: float, interval: _Duration, handle_time: _Duration, agents: int,
             answer_within: _Duration, patience: Optional[_Duration] = None) -> Staffing:
    """Evaluates a team of ``agents`` for ``contacts`` arriving per
    ``interval``: probability of waiting, service level (share answered
    within ``answer_within``), ASA, occupancy and, with ``patience``,
    abandonment.

    Raises InvalidArgumentError naming the field for a negative, zero or
    non-finite value, or agents outside 1..100000.
    """
    return _staffing(_omnictx.staffing_evaluate(
        float(contacts), _us(interval, "interval"), _us(handle_time, "handle_time"),
        -1 if patience is None else _us(patience, "patience"), int(agents),
        _us(answer_within, "answer_within")))


def agents_needed(*, contacts: float, interval: _Duration, handle_time: _Duration,
                  service_level: float = 0.8, answer_within: _Duration = 20.0,
                  max_occupancy: float = 1.0,
                  patience: Optional[_Duration] = None) -> Staffing:
    """Returns the fewest agents that answer ``service_level`` of the
    contacts within ``answer_within`` with occupancy at most
    ``max_occupancy``, and how they fare.

    Raises InvalidArgumentError naming the field for malformed input;
    ResourceExhaustedError beyond 100000 agents.
    """
    return _staffing(_omnictx.staffing_agents_needed(
        float(contacts), _us(interval, "interval"), _us(handle_time, "handle_time"),
        -1 if patience is None else _us(patience, "patience"), float(service_level),
        _us(answer_within, "answer_within"), float(max_occupancy)))


def compare_pooling(channels: Iterable[Mapping[str, Any]]) -> PoolingResult:
    """Compares one team per channel with one multi-skilled team.

    Each channel is a mapping: ``channel`` (name), ``contacts``,
    ``interval``, ``handle_time``, ``service_level``, ``answer_within``,
    ``max_occupancy`` (default 1.0) and ``realtime`` (default True; False
    for email-like work that fills the pooled team's idle time). The pooled
    real-time team is held to the strictest target among them.

    Raises InvalidArgumentError naming the channel and field.
    """
    rows = []
    for c in channels:
        name = str(c["channel"])
        rows.append((name, float(c["contacts"]), _us(c["interval"], f"{name}.interval"),
                     _us(c["handle_time"], f"{name}.handle_time"),
                     float(c.get("service_level", 0.8)),
                     _us(c.get("answer_within", 20.0), f"{name}.answer_within"),
                     float(c.get("max_occupancy", 1.0)), bool(c.get("realtime", True))))
    (per, separate, pooled_rt, pooled_rt_staffing, absorbed, extra, pooled, saving,
     share) = _omnictx.staffing_compare_pooling(rows)
    return PoolingResult([PoolingChannel(*row) for row in per], separate, pooled_rt,
                         _staffing(pooled_rt_staffing), absorbed, extra, pooled, saving, share)
