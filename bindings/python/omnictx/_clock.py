# SPDX-License-Identifier: Apache-2.0
"""FakeClock: time that moves only when a test says so."""

from __future__ import annotations

import datetime as _dt

from . import _convert
from . import _omnictx

__all__ = ["FakeClock"]


class FakeClock:
    """A clock for ``Store.open(..., clock=...)`` that only moves when told.

    Everything the store stamps (recorded_at, journey step times, context
    ``as_of``, "4 minutes ago") reads this clock. Thread-safe.

        clock = omnictx.FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
        store = omnictx.Store.open(path, clock=clock)
        clock.advance(timedelta(minutes=4))
    """

    __slots__ = ("_clock",)

    def __init__(self, start: _dt.datetime) -> None:
        """Starts the clock at ``start`` (timezone-aware).

        Raises InvalidArgumentError (a ValueError) for a naive datetime.
        """
        self._clock = _omnictx.FakeClock(_convert.to_micros(start, "start"))

    def now(self) -> _dt.datetime:
        """Returns the current time (UTC)."""
        return _convert.from_micros(self._clock.now_us())

    def advance(self, delta: _dt.timedelta) -> None:
        """Moves the clock forward by ``delta`` (back if negative)."""
        self._clock.advance_us(_convert.duration_micros(delta, "delta"))

    def set(self, when: _dt.datetime) -> None:
        """Sets the clock to ``when`` (timezone-aware)."""
        self._clock.set_us(_convert.to_micros(when, "when"))

    def __repr__(self) -> str:
        return f"omnictx.FakeClock({self.now().isoformat()})"
