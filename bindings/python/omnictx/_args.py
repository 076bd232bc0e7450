# SPDX-License-Identifier: Apache-2.0
"""Argument checks shared by the Store methods: a wrong type raises
TypeError naming the argument, before anything reaches the C++ core."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable, List, Optional

from . import _convert


def string(name: str, value: Any) -> str:
    """Returns ``value`` if it is a str; raises TypeError otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a str, got {type(value).__name__}")
    return value


def integer(name: str, value: Any) -> int:
    """Returns ``value`` if it is an int (not a bool); raises TypeError otherwise."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name}: expected an int, got {type(value).__name__}")
    return value


def opt_micros(name: str, value: Optional[_dt.datetime]) -> Optional[int]:
    """Returns an aware datetime as Unix microseconds, None for None."""
    return None if value is None else _convert.to_micros(value, name)


def strings(name: str, values: Iterable[str]) -> List[str]:
    """Returns a list of str from an iterable that is not itself a string."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name}: expected a list of str, got {type(values).__name__}")
    return [string(name, v) for v in values]
