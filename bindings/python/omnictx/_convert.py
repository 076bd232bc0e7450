# SPDX-License-Identifier: Apache-2.0
"""Conversions between Python values and the omnictx.v1 proto messages.

Driven by the message descriptors, so no field is marshalled by hand:

* enums are lower-case strings without their type prefix
  (``CHANNEL_KIND_IVR`` is ``"ivr"``, ``CASE_PRIORITY_HIGH`` is ``"high"``);
  the ``*_UNSPECIFIED`` value reads as ``None``;
* ``google.protobuf.Timestamp`` is a timezone-aware ``datetime`` in UTC
  (naive datetimes are refused: their zone is a guess);
* ``google.protobuf.Duration`` is a ``timedelta``;
* repeated fields are lists, unset message fields ``None``;
* attribute lists (``repeated omnictx.v1.Attribute``, each key at most
  once) are dicts of str to str.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message

from .errors import InvalidArgumentError

UTC = _dt.timezone.utc
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = _dt.timedelta(microseconds=1)

_FD = _descriptor.FieldDescriptor
_TIMESTAMP = "google.protobuf.Timestamp"
_ATTRIBUTE = "omnictx.v1.Attribute"
_DURATION = "google.protobuf.Duration"
_CHANNEL = "omnictx.v1.Channel"


# ---- Times ----

def to_micros(value: Any, field: str) -> int:
    """Returns a timezone-aware datetime as Unix microseconds.

    Raises TypeError if ``value`` is not a datetime, and
    InvalidArgumentError (a ValueError) if it is naive.
    """
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{field}: expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise InvalidArgumentError(
            f"{field}: naive datetime; give a timezone-aware one "
            "(e.g. tzinfo=datetime.timezone.utc)")
    return (value - _EPOCH) // _MICRO


def from_micros(us: int) -> _dt.datetime:
    """Returns Unix microseconds as a datetime in UTC."""
    return _EPOCH + _dt.timedelta(microseconds=us)


def duration_micros(value: Any, field: str) -> int:
    """Returns a timedelta (or a number of seconds) as microseconds.

    Raises TypeError for any other type.
    """
    if isinstance(value, _dt.timedelta):
        return value // _MICRO
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(value * 1_000_000)
    raise TypeError(f"{field}: expected a timedelta, got {type(value).__name__}")


def _set_timestamp(ts: Any, value: Any, field: str) -> None:
    us = to_micros(value, field)
    ts.seconds, micros = divmod(us, 1_000_000)
    ts.nanos = micros * 1000


def _set_duration(d: Any, value: Any, field: str) -> None:
    us = duration_micros(value, field)
    # Duration's seconds and nanos carry the same sign.
    sign = -1 if us < 0 else 1
    seconds, micros = divmod(abs(us), 1_000_000)
    d.seconds = sign * seconds
    d.nanos = sign * micros * 1000


def _timestamp_value(ts: Any) -> _dt.datetime:
    return _EPOCH + _dt.timedelta(seconds=ts.seconds, microseconds=ts.nanos // 1000)


def _duration_value(d: Any) -> _dt.timedelta:
    micros = abs(d.nanos) // 1000
    return _dt.timedelta(seconds=d.seconds, microseconds=-micros if d.nanos < 0 else micros)


# ---- Enums ----

_ENUMS: Dict[str, Tuple[Dict[str, int], Dict[int, str]]] = {}


def _enum_tables(enum: Any) -> Tuple[Dict[str, int], Dict[int, str]]:
    """Returns (short name -> number, number -> short name) for an enum."""
    tables = _ENUMS.get(enum.full_name)
    if tables is None:
        # Every omnictx enum starts with <PREFIX>_UNSPECIFIED = 0.
        prefix = enum.values_by_number[0].name[: -len("UNSPECIFIED")]
        by_name = {v.name[len(prefix):].lower(): v.number
                   for v in enum.values if v.number != 0}
        tables = (by_name, {n: s for s, n in by_name.items()})
        _ENUMS[enum.full_name] = tables
    return tables


def enum_number(enum: Any, value: Any, field: str) -> int:
    """Returns the number of an enum value given as a lower-case name.

    ``None`` gives 0 (unspecified). The full upper-case proto name and the
    number are accepted too. Raises InvalidArgumentError for an unknown
    value (listing the allowed names) and TypeError for a non-string.
    """
    if value is None:
        return 0
    by_name, by_number = _enum_tables(enum)
    if isinstance(value, str):
        number = by_name.get(value)
        if number is None and value in enum.values_by_name:
            number = enum.values_by_name[value].number
        if number is not None and number != 0:
            return number
    elif isinstance(value, int) and not isinstance(value, bool):
        if value in by_number:
            return value
    else:
        raise TypeError(f"{field}: expected a string, got {type(value).__name__}")
    raise InvalidArgumentError(
        f"{field}: unknown (allowed: {', '.join(by_name)})")


def enum_name(enum: Any, number: int) -> Optional[str]:
    """Returns the lower-case name of an enum number; None for unspecified."""
    if number == 0:
        return None
    return _enum_tables(enum)[1].get(number, str(number))


def enum_names(enum: Any) -> Tuple[str, ...]:
    """Returns every lower-case name of an enum, in number order."""
    return tuple(_enum_tables(enum)[0])


# ---- Messages from Python values ----

def _field(desc: Any, key: str) -> Any:
    field = desc.fields_by_name.get(key)
    if field is None:
        field = desc.fields_by_camelcase_name.get(key)
    return field


def _is_attribute_list(field: Any) -> bool:
    return (field.label == _FD.LABEL_REPEATED and field.type == _FD.TYPE_MESSAGE
            and field.message_type.full_name == _ATTRIBUTE)


def _set_message(target: Any, value: Any, path: str) -> None:
    """Fills a (sub)message from a Python value."""
    name = target.DESCRIPTOR.full_name
    if name == _TIMESTAMP:
        _set_timestamp(target, value, path)
    elif name == _DURATION:
        _set_duration(target, value, path)
    elif name == _CHANNEL and isinstance(value, str):
        target.kind = enum_number(target.DESCRIPTOR.fields_by_name["kind"].enum_type,
                                  value, path)
    elif isinstance(value, _message.Message):
        if value.DESCRIPTOR.full_name != name:
            raise TypeError(f"{path}: expected {name}, got {value.DESCRIPTOR.full_name}")
        target.CopyFrom(value)
    elif hasattr(value, "_pb") and isinstance(value._pb, _message.Message):
        _set_message(target, value._pb, path)
    elif isinstance(value, Mapping):
        fill(target, value, path)
    else:
        raise TypeError(f"{path}: expected a mapping or {name}, got {type(value).__name__}")


def _scalar(field: Any, value: Any, path: str) -> Any:
    if field.type == _FD.TYPE_ENUM:
        return enum_number(field.enum_type, value, path)
    if field.type == _FD.TYPE_BOOL:
        if not isinstance(value, bool):
            raise TypeError(f"{path}: expected a bool, got {type(value).__name__}")
    elif field.type == _FD.TYPE_STRING:
        if not isinstance(value, str):
            raise TypeError(f"{path}: expected a str, got {type(value).__name__}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise InvalidArgumentError(f"{path}: invalid UTF-8 at character {e.start}") from None
    elif field.cpp_type in (_FD.CPPTYPE_INT32, _FD.CPPTYPE_INT64,
                            _FD.CPPTYPE_UINT32, _FD.CPPTYPE_UINT64):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{path}: expected an int, got {type(value).__name__}")
    return value


def _set_field(msg: Any, field: Any, value: Any, path: str) -> None:
    name = field.name
    if _is_attribute_list(field):
        if not isinstance(value, Mapping):
            raise TypeError(f"{path}: expected a dict, got {type(value).__name__}")
        key_field = field.message_type.fields_by_name["key"]
        value_field = field.message_type.fields_by_name["value"]
        target = getattr(msg, name)
        for k, v in value.items():
            target.add(key=_scalar(key_field, k, f"{path} key"),
                       value=_scalar(value_field, v, path))
    elif field.label == _FD.LABEL_REPEATED:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            raise TypeError(f"{path}: expected a list, got {type(value).__name__}")
        target = getattr(msg, name)
        for item in value:
            if field.type == _FD.TYPE_MESSAGE:
                _set_message(target.add(), item, path)
            else:
                target.append(_scalar(field, item, path))
    elif field.type == _FD.TYPE_MESSAGE:
        _set_message(getattr(msg, name), value, path)
    else:
        value = _scalar(field, value, path)
        try:
            setattr(msg, name, value)
        except ValueError:
            raise InvalidArgumentError(f"{path}: out of range") from None


def fill(msg: Any, values: Mapping[str, Any], where: str = "") -> Any:
    """Sets the fields of ``msg`` from a mapping; returns ``msg``.

    Keys are field names (snake_case, or the lowerCamelCase JSON names);
    ``None`` values are skipped. Raises InvalidArgumentError for an unknown
    key or a bad value, TypeError for a value of the wrong type.
    """
    desc = msg.DESCRIPTOR
    for key, value in values.items():
        path = f"{where}.{key}" if where else str(key)
        field = _field(desc, key) if isinstance(key, str) else None
        if field is None:
            raise InvalidArgumentError(f"{path}: no such field in {desc.name}")
        if value is None:
            continue
        _set_field(msg, field, value, path)
    return msg


# ---- Python values from messages ----

def field_value(msg: Any, field: Any, wrap: Any) -> Any:
    """Returns a field of ``msg`` as a Python value.

    ``wrap(sub_message)`` turns an omnictx message into its wrapper class.
    """
    value = getattr(msg, field.name)
    if _is_attribute_list(field):
        return {a.key: a.value for a in value}
    if field.label == _FD.LABEL_REPEATED:
        if field.type == _FD.TYPE_MESSAGE:
            return [_message_value(v, wrap) for v in value]
        if field.type == _FD.TYPE_ENUM:
            return [enum_name(field.enum_type, v) for v in value]
        return list(value)
    if field.type == _FD.TYPE_MESSAGE:
        if not msg.HasField(field.name):
            return None
        return _message_value(value, wrap)
    if field.type == _FD.TYPE_ENUM:
        return enum_name(field.enum_type, value)
    oneof = field.containing_oneof
    if oneof is not None and oneof.name == "_" + field.name and not msg.HasField(field.name):
        return None  # a proto3 optional left unset: a rate with no denominator
    return value


def _message_value(value: Any, wrap: Any) -> Any:
    name = value.DESCRIPTOR.full_name
    if name == _TIMESTAMP:
        return _timestamp_value(value)
    if name == _DURATION:
        return _duration_value(value)
    return wrap(value)
