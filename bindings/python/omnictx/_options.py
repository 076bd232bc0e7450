# SPDX-License-Identifier: Apache-2.0
"""Turns Store.open's keyword arguments into the C++ core's OpenOptions."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from . import _args
from . import _convert
from . import _omnictx
from .errors import InvalidArgumentError
from .v1 import model_pb2

_CHANNEL_KIND = model_pb2.ChannelKind.DESCRIPTOR
_IDENTITY_KIND = model_pb2.IdentityKind.DESCRIPTOR
ROUTING_KEYS = ("order", "recent_activity_window", "priority_attribute", "attribute_priority")
IDENTITY_KEYS = ("blocked_values", "limits", "priority")
RETENTION_KEYS = ("max_age_by_channel", "max_age_by_kind", "batch_size")
_LIMIT_KEYS = ("kind", "max_count", "window")


def _settings(name: str, value: Optional[Mapping[str, Any]],
              allowed: Sequence[str]) -> Dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{name}: expected a dict, got {type(value).__name__}")
    for key in value:
        if key not in allowed:
            raise InvalidArgumentError(
                f"{name}: no setting {key} (allowed: {', '.join(allowed)})")
    return dict(value)


def _limit(item: Mapping[str, Any]) -> Tuple[int, int, Optional[int]]:
    limit = _settings("identity_policy.limits", item, _LIMIT_KEYS)
    window = limit.get("window")
    return (_convert.enum_number(_IDENTITY_KIND, limit.get("kind"), "identity_policy.limits.kind"),
            _args.integer("identity_policy.limits.max_count", limit.get("max_count", 0)),
            None if window is None
            else _convert.duration_micros(window, "identity_policy.limits.window"))


def open_options(path: str, *, default_region: Optional[str], create_if_missing: bool,
                 read_only: bool, busy_timeout: Any, durability: str, max_readers: int,
                 clock: Any, routing: Optional[Mapping[str, Any]],
                 identity_policy: Optional[Mapping[str, Any]],
                 retention: Optional[Mapping[str, Any]], statement_cache_size: int,
                 mmap_size: int, wal_autocheckpoint_pages: int,
                 wal_truncate_bytes: int,
                 audiences: Optional[Mapping[str, Any]] = None) -> Any:
    """Returns a filled _omnictx.OpenOptions. Raises InvalidArgumentError for
    an unknown setting or value and TypeError for a value of the wrong type."""
    o = _omnictx.OpenOptions()
    o.path = _args.string("path", path)
    o.default_region = _args.string("default_region", default_region or "")
    o.create_if_missing = bool(create_if_missing)
    o.read_only = bool(read_only)
    o.busy_timeout_us = _convert.duration_micros(busy_timeout, "busy_timeout")
    o.durability = _args.string("durability", durability)
    o.max_readers = _args.integer("max_readers", max_readers)
    o.statement_cache_size = _args.integer("statement_cache_size", statement_cache_size)
    o.mmap_size = _args.integer("mmap_size", mmap_size)
    o.wal_autocheckpoint_pages = _args.integer("wal_autocheckpoint_pages",
                                               wal_autocheckpoint_pages)
    o.wal_truncate_bytes = _args.integer("wal_truncate_bytes", wal_truncate_bytes)
    o.clock = None if clock is None else clock._clock
    if audiences is not None:
        if not isinstance(audiences, Mapping):
            raise TypeError(f"audiences: expected a mapping, got {type(audiences).__name__}")
        o.audiences = {_args.string("audiences", name): _args.strings("audiences", parts)
                       for name, parts in audiences.items()}

    r = _settings("routing", routing, ROUTING_KEYS)
    if r.get("order") is not None:
        o.routing_order = _args.strings("routing.order", r["order"])
    if r.get("recent_activity_window") is not None:
        o.recent_activity_window_us = _convert.duration_micros(
            r["recent_activity_window"], "routing.recent_activity_window")
    o.priority_attribute = _args.string("routing.priority_attribute",
                                        r.get("priority_attribute") or "")
    o.attribute_priority = {
        _args.string("routing.attribute_priority", k):
        _args.integer("routing.attribute_priority", v)
        for k, v in (r.get("attribute_priority") or {}).items()}

    i = _settings("identity_policy", identity_policy, IDENTITY_KEYS)
    o.blocked_values = _args.strings("identity_policy.blocked_values",
                                     i.get("blocked_values") or [])
    if i.get("limits") is not None:
        o.kind_limits = [_limit(item) for item in i["limits"]]
    if i.get("priority") is not None:
        o.identity_priority = [
            _convert.enum_number(_IDENTITY_KIND, kind, "identity_policy.priority")
            for kind in _args.strings("identity_policy.priority", i["priority"])]

    t = _settings("retention", retention, RETENTION_KEYS)
    o.max_age_by_channel_us = {
        _convert.enum_number(_CHANNEL_KIND, _args.string("retention.max_age_by_channel", k),
                             "retention.max_age_by_channel"):
        _convert.duration_micros(v, "retention.max_age_by_channel")
        for k, v in (t.get("max_age_by_channel") or {}).items()}
    o.max_age_by_kind_us = {
        _args.string("retention.max_age_by_kind", k):
        _convert.duration_micros(v, "retention.max_age_by_kind")
        for k, v in (t.get("max_age_by_kind") or {}).items()}
    o.retention_batch_size = _args.integer("retention.batch_size", t.get("batch_size", 1000))
    return o


