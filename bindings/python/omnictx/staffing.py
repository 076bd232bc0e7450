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
    need.asa               # timedelta(seconds=7.8...)

Erlang C (nobody hangs up) by default; give ``patience`` (the customers'
mean patience) for Erlang A, which adds abandonment. Durations are
timedeltas or seconds. Service level is the share of all offered contacts
answered within ``answer_within`` (a contact that hangs up is never
answered in time); ASA is the mean wait of answered contacts. The C++
header omnictx/staffing.h documents the models.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable, List, Mapping, NamedTuple, Optional, Tuple, Union

from . import _args
from . import _convert
from . import _omnictx
from .errors import InvalidArgumentError

__all__ = ["Staffing", "PoolingChannel", "PoolingResult", "evaluate", "agents_needed",
           "compare_pooling", "MAX_AGENTS"]

_Duration = Union[float, _dt.timedelta]

# The most agents any calculation considers.
MAX_AGENTS = 100000


class Staffing(NamedTuple):
    """How a team of ``agents`` copes with a demand.

    ``traffic_erlangs`` is the offered load (contacts per second x handle
    time); ``occupancy`` the share of agent time spent on answered
    contacts; ``asa`` (average speed of answer) is None when, without
    patience, too few agents never catch up with the queue;
    ``abandonment`` is 0 without patience.
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
    """One channel on its own team: agents needed, workload in erlangs
    (agent-hours per hour) and, for a real-time channel, how its own team
    fares (None for asynchronous work)."""

    channel: str
    realtime: bool
    agents: int
    workload_erlangs: float
    staffing: Optional[Staffing]


class PoolingResult(NamedTuple):
    """One team per channel versus one multi-skilled team (see
    compare_pooling). Workloads and idle time are in erlangs."""

    channels: List[PoolingChannel]
    separate_agents: int
    pooled_realtime_agents: int
    pooled_realtime: Staffing
    async_workload_erlangs: float
    pooled_idle_erlangs: float
    async_absorbed_erlangs: float
    async_extra_agents: int
    pooled_agents: int
    saving: int
    saving_share: float


def _us(value: _Duration, field: str) -> int:
    return _convert.duration_micros(value, field)


def _opt_us(value: Optional[_Duration], field: str) -> Optional[int]:
    return None if value is None else _us(value, field)


def _number(field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{field}: expected a number, got {type(value).__name__}")
    return float(value)


def _staffing(t: Tuple[Any, ...]) -> Staffing:
    agents, erlangs, occupancy, wait, level, asa_s, abandonment, patient = t
    asa = None if asa_s is None else _dt.timedelta(seconds=asa_s)
    return Staffing(agents, erlangs, occupancy, wait, level, asa, abandonment, patient)


def evaluate(*, contacts: float, interval: _Duration, handle_time: _Duration, agents: int,
             answer_within: _Duration, patience: Optional[_Duration] = None) -> Staffing:
    """Evaluates a team of ``agents`` for ``contacts`` arriving per
    ``interval`` with an average ``handle_time``: probability of waiting,
    service level (share answered within ``answer_within``), ASA, occupancy
    and, with ``patience``, abandonment (Erlang A).

    Raises InvalidArgumentError naming the field for a negative, zero or
    non-finite value, or agents outside 1..MAX_AGENTS; TypeError naming
    the argument for a value of the wrong type.
    """
    return _staffing(_omnictx.staffing_evaluate(
        _number("contacts", contacts), _us(interval, "interval"),
        _us(handle_time, "handle_time"), _opt_us(patience, "patience"),
        _args.integer("agents", agents), _us(answer_within, "answer_within")))


def agents_needed(*, contacts: float, interval: _Duration, handle_time: _Duration,
                  service_level: float = 0.8, answer_within: _Duration = 20.0,
                  max_occupancy: float = 1.0,
                  patience: Optional[_Duration] = None) -> Staffing:
    """Returns the fewest agents that answer ``service_level`` of the
    contacts within ``answer_within`` with occupancy at most
    ``max_occupancy``, and how they fare. No contacts need no agents.

    Raises InvalidArgumentError naming the field for malformed input;
    ResourceExhaustedError beyond MAX_AGENTS agents; TypeError naming the
    argument for a value of the wrong type.
    """
    return _staffing(_omnictx.staffing_agents_needed(
        _number("contacts", contacts), _us(interval, "interval"),
        _us(handle_time, "handle_time"), _opt_us(patience, "patience"),
        _number("service_level", service_level), _us(answer_within, "answer_within"),
        _number("max_occupancy", max_occupancy)))


_CHANNEL_KEYS = ("channel", "contacts", "interval", "handle_time", "service_level",
                 "answer_within", "max_occupancy", "patience", "realtime")
_REQUIRED = ("channel", "contacts", "interval", "handle_time")


def _channel_row(index: int, c: Mapping[str, Any]) -> Tuple[Any, ...]:
    if not isinstance(c, Mapping):
        raise TypeError(f"channels[{index}]: expected a mapping, got {type(c).__name__}")
    where = f"channels[{c.get('channel', index)}]"
    for key in c:
        if key not in _CHANNEL_KEYS:
            raise InvalidArgumentError(
                f"{where}.{key}: unknown key (allowed: {', '.join(_CHANNEL_KEYS)})")
    for key in _REQUIRED:
        if key not in c:
            raise InvalidArgumentError(f"{where}.{key}: required")
    realtime = c.get("realtime", True)
    if not isinstance(realtime, bool):
        raise TypeError(f"{where}.realtime: expected a bool, got {type(realtime).__name__}")
    return (_args.string(f"{where}.channel", c["channel"]),
            _number(f"{where}.contacts", c["contacts"]),
            _us(c["interval"], f"{where}.interval"),
            _us(c["handle_time"], f"{where}.handle_time"),
            _opt_us(c.get("patience"), f"{where}.patience"),
            _number(f"{where}.service_level", c.get("service_level", 0.8)),
            _us(c.get("answer_within", 20.0), f"{where}.answer_within"),
            _number(f"{where}.max_occupancy", c.get("max_occupancy", 1.0)),
            realtime)


def compare_pooling(channels: Iterable[Mapping[str, Any]]) -> PoolingResult:
    """Compares one team per channel with one multi-skilled team.

    Each channel is a mapping: ``channel`` (name), ``contacts``,
    ``interval``, ``handle_time`` (required), ``service_level`` (0.8),
    ``answer_within`` (20 s), ``max_occupancy`` (1.0), ``patience`` (None)
    and ``realtime`` (True; False for email-like work, which only adds its
    workload and fills the pooled team's idle time). The pooled real-time
    team takes the real-time channels' contacts together, with their
    volume-weighted handle time, held to the strictest target among them.

    Raises InvalidArgumentError naming the channel and field
    ("channels[chat].interval: ..."), also for an unknown or missing key;
    TypeError for a value of the wrong type.
    """
    if isinstance(channels, Mapping) or isinstance(channels, (str, bytes)):
        raise TypeError("channels: expected a list of mappings")
    rows = [_channel_row(i, c) for i, c in enumerate(channels)]
    (per, separate, pooled_rt, pooled_rt_staffing, async_work, idle, absorbed, extra, pooled,
     saving, share) = _omnictx.staffing_compare_pooling(rows)
    return PoolingResult(
        [PoolingChannel(name, realtime, agents, work, None if own is None else _staffing(own))
         for name, realtime, agents, work, own in per],
        separate, pooled_rt, _staffing(pooled_rt_staffing), async_work, idle, absorbed, extra,
        pooled, saving, share)
