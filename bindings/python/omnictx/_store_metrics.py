# SPDX-License-Identifier: Apache-2.0
"""Metrics: the report objects and the metrics method of omnictx.Store (a
mixin: Store is the class to use).

Every channel is measured the same way and held to its own target; rates
with nothing to divide by read as None, never 0. The fields are documented
in proto/omnictx/v1/metrics.proto.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Mapping, Optional, Tuple, Union

from . import _args
from . import _convert
from ._entities import Entity, parse
from .errors import InvalidArgumentError
from .v1 import metrics_pb2, model_pb2

__all__ = [
    "ChannelTarget", "ChannelKpi", "FirstContactResolution", "StepFunnel", "JourneyFunnel",
    "ChannelOutcome", "ChannelSwitch", "ChannelEffort", "SatisfactionRow", "MetricsReport",
    "Metrics", "GROUPINGS",
]

_CHANNEL_KIND = model_pb2.ChannelKind.DESCRIPTOR

# Groupings of the per-channel KPIs, in the order the core numbers them.
GROUPINGS: Tuple[Optional[str], ...] = (None, "touchpoint", "agent", "journey", "priority",
                                        "hour")


class ChannelTarget(Entity):
    """The service target a channel is held to."""

    __slots__ = ()
    _MESSAGE = metrics_pb2.ChannelTarget


class ChannelKpi(Entity):
    """Operational indicators of one channel (and one group within it)."""

    __slots__ = ()
    _MESSAGE = metrics_pb2.ChannelKpi


class FirstContactResolution(Entity):
    """First-contact resolution over the cases resolved in the window."""

    __slots__ = ()
    _MESSAGE = metrics_pb2.FirstContactResolution


class StepFunnel(Entity):
    """One step of a journey funnel."""

    __slots__ = ()
    _MESSAGE = metrics_pb2.StepFunnel


class JourneyFunnel(Entity):
    """The funnel of one journey version over instances started in the window."""

    __slots__ = ()
    _MESSAGE = metrics_pb2.JourneyFunnel


class ChannelOutcome(Entity):
    """How the journeys that used a channel ended."""

    __slots__ = ()
    _MESSAGE = metrics_pb2.ChannelOutcome


class ChannelSwitch(Entity):
    """Customers who changed channel at a journey step, and how it ended."""

    __slots__ = ()
    _MESSAGE = metrics_pb2.ChannelSwitch


class ChannelEffort(Entity):
    """How often customers had to change channel."""

    __slots__ = ()
    _MESSAGE = metrics_pb2.ChannelEffort


class SatisfactionRow(Entity):
    """CSAT and NPS of one channel, journey or case."""

    __slots__ = ()
    _MESSAGE = metrics_pb2.SatisfactionRow


class MetricsReport(Entity):
    """Everything Store.metrics measured over a window."""

    __slots__ = ()
    _MESSAGE = metrics_pb2.MetricsReport

    def channel(self, name: str, group: str = "") -> Optional[ChannelKpi]:
        """Returns the KPI row of a channel ("voice") and group, or None."""
        for row in self.channels:
            if row.channel == name and row.group == group:
                return row
        return None

    def journey(self, key: str) -> Optional[JourneyFunnel]:
        """Returns the funnel of the latest version of a journey seen, or None."""
        found = None
        for funnel in self.journeys:
            if funnel.journey_key == key and (found is None
                                              or funnel.journey_version > found.journey_version):
                found = funnel
        return found


_Target = Union[Mapping[str, Any], Tuple[float, Any], Tuple[float, Any, Any]]


def _target(channel: str, value: _Target) -> Tuple[float, int, int]:
    where = f"targets[{channel}]"
    if isinstance(value, Mapping):
        unknown = set(value) - {"service_level", "answer_within", "short_abandon"}
        if unknown:
            raise InvalidArgumentError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        level = value.get("service_level", 0.8)
        within = value.get("answer_within")
        short = value.get("short_abandon", 0)
    elif isinstance(value, tuple) and len(value) in (2, 3):
        level, within = value[0], value[1]
        short = value[2] if len(value) == 3 else 0
    else:
        raise TypeError(f"{where}: expected a mapping or (service_level, answer_within)")
    if within is None:
        raise InvalidArgumentError(f"{where}.answer_within: required")
    if isinstance(level, bool) or not isinstance(level, (int, float)):
        raise TypeError(f"{where}.service_level: expected a number")
    return (float(level), _convert.duration_micros(within, f"{where}.answer_within"),
            _convert.duration_micros(short, f"{where}.short_abandon"))


class Metrics:
    """The metrics method of Store."""

    _core: Any

    def metrics(self, *, since: _dt.datetime, until: _dt.datetime,
                group_by: Optional[str] = None,
                targets: Optional[Mapping[str, _Target]] = None,
                recontact_window: Union[float, _dt.timedelta] = _dt.timedelta(days=7),
                journey: Optional[str] = None, max_case_rows: int = 1000) -> MetricsReport:
        """Measures the window [since, until) from one snapshot: per-channel
        KPIs against their targets, first-contact resolution, journey
        funnels, channel outcomes, switches, effort and satisfaction.

        group_by: None, "touchpoint", "agent", "journey", "priority" or
          "hour" (UTC) adds rows per group after each channel's total.
        targets: per channel name, {"service_level": 0.8, "answer_within":
          timedelta(seconds=20), "short_abandon": timedelta(seconds=5)} or
          (service_level, answer_within); the others keep their defaults.
        recontact_window: an inbound contact this soon after a resolution
          means the case was not resolved at first contact.
        journey: only this journey's funnel and channel outcomes.

        Raises InvalidArgumentError naming the field for a malformed window
        or target; ResourceExhaustedError if more than max_case_rows cases
        carry satisfaction scores.
        """
        if group_by not in GROUPINGS:
            raise InvalidArgumentError(
                "group_by: must be None, " + ", ".join(repr(g) for g in GROUPINGS[1:]))
        core_targets = {}
        for channel, value in (targets or {}).items():
            number = _convert.enum_number(_CHANNEL_KIND, channel, "targets: channel")
            core_targets[number] = _target(str(channel), value)
        return parse(MetricsReport, self._core.metrics(
            _convert.to_micros(since, "since"), _convert.to_micros(until, "until"),
            GROUPINGS.index(group_by), core_targets,
            _convert.duration_micros(recontact_window, "recontact_window"),
            _args.string("journey", journey or ""), _args.integer("max_case_rows", max_case_rows)))
