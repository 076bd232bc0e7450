# SPDX-License-Identifier: Apache-2.0
"""Read-only Python objects over the omnictx.v1 messages.

Each class wraps one generated message and reads its fields as Python
values (see _convert): ``ctx.routing.target``, ``ctx.journeys[0].time_in_step``
(a timedelta), ``case.priority`` (``"high"``). Interop goes through
``to_proto_bytes()`` / ``from_proto_bytes()`` and ``to_json()`` /
``from_json()``, which use the same protobuf encodings as the C++ API.
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Mapping, Optional, Type, TypeVar

from google.protobuf import json_format
from google.protobuf import message as _message

from . import _convert
from . import _omnictx
from .errors import InvalidArgumentError
from .v1 import context_pb2, journey_pb2, merge_pb2, model_pb2

__all__ = [
    "Entity", "Customer", "Identity", "Consent", "Channel", "Touchpoint",
    "Interaction", "Journey", "JourneyStep", "JourneyTransition",
    "JourneyInstance", "Case", "Context", "ActiveJourney", "LastContact",
    "RoutingHint", "Suggestion", "StalledJourney", "FieldChoice", "MergeRecord",
    "AuditEntry", "ErasureReceipt", "wrap",
]

_E = TypeVar("_E", bound="Entity")

# Wrapper class by message full name, filled by Entity.__init_subclass__.
_CLASSES: Dict[str, Type["Entity"]] = {}


def wrap(pb: Any) -> "Entity":
    """Returns the wrapper object for an omnictx.v1 message (not a copy)."""
    return _CLASSES[pb.DESCRIPTOR.full_name]._wrap(pb)


class Entity:
    """Base class of the omnictx entity objects.

    Fields read as attributes and are read-only. Build one from field values
    with keyword arguments (``Customer(id="c-1", display_name="Camille")``)
    or a mapping; outputs of the store are built for you.
    """

    __slots__ = ("_pb",)
    _MESSAGE: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls._MESSAGE is not None:
            _CLASSES[cls._MESSAGE.DESCRIPTOR.full_name] = cls

    def __init__(self, fields: Optional[Mapping[str, Any]] = None, /, **kwargs: Any) -> None:
        """Builds the message from a mapping and/or keyword arguments.

        Raises InvalidArgumentError for an unknown field or a bad value and
        TypeError for a value of the wrong type.
        """
        pb = self._MESSAGE()
        if fields is not None:
            _convert.fill(pb, fields)
        _convert.fill(pb, kwargs)
        object.__setattr__(self, "_pb", pb)

    @classmethod
    def _wrap(cls: Type[_E], pb: Any) -> _E:
        obj = cls.__new__(cls)
        object.__setattr__(obj, "_pb", pb)
        return obj

    @classmethod
    def _full_name(cls) -> str:
        return cls._MESSAGE.DESCRIPTOR.full_name

    def __getattr__(self, name: str) -> Any:
        field = self._MESSAGE.DESCRIPTOR.fields_by_name.get(name)
        if field is None:
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")
        return _convert.field_value(self._pb, field, wrap)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(self._MESSAGE.DESCRIPTOR.fields_by_name))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self._pb == other._pb)  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = [f"{f.name}={getattr(self, f.name)!r}"
                 for f, _ in self._pb.ListFields()]
        return f"omnictx.{type(self).__name__}({', '.join(parts)})"

    # ---- Interop ----

    def to_proto_bytes(self) -> bytes:
        """Returns the message in the protobuf wire format (omnictx.v1)."""
        return self._pb.SerializeToString(deterministic=True)

    @classmethod
    def from_proto_bytes(cls: Type[_E], data: bytes) -> _E:
        """Parses the protobuf wire format.

        Raises InvalidArgumentError if ``data`` does not parse.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data: expected bytes, got {type(data).__name__}")
        pb = cls._MESSAGE()
        try:
            pb.ParseFromString(bytes(data))
        except _message.DecodeError:
            raise InvalidArgumentError(
                f"{cls.__name__}: malformed proto bytes") from None
        return cls._wrap(pb)

    def to_json(self, *, pretty: bool = False) -> str:
        """Returns the message as JSON in protobuf's JSON mapping.

        lowerCamelCase names, RFC 3339 times, 64-bit integers as strings,
        fields with default values left out: the same text as the C++ API.
        ``pretty`` indents it.
        """
        return _omnictx.message_to_json(self._full_name(), self.to_proto_bytes(), pretty)

    @classmethod
    def from_json(cls: Type[_E], text: str) -> _E:
        """Parses JSON written by to_json (unknown fields are refused).

        Raises InvalidArgumentError if it does not parse.
        """
        return cls.from_proto_bytes(_omnictx.message_from_json(cls._full_name(), text))

    def to_dict(self, *, proto_field_names: bool = False) -> Dict[str, Any]:
        """Returns the message as plain Python data: ``json.loads(to_json())``.

        ``proto_field_names`` uses the snake_case field names instead of the
        lowerCamelCase JSON names.
        """
        return json_format.MessageToDict(
            self._pb, preserving_proto_field_name=proto_field_names)

    def to_proto(self) -> Any:
        """Returns a copy as the generated protobuf message (omnictx.v1)."""
        pb = self._MESSAGE()
        pb.CopyFrom(self._pb)
        return pb


class Channel(Entity):
    """A channel: ``kind`` ("web", "ivr" ...) and an optional ``provider``."""

    __slots__ = ()
    _MESSAGE = model_pb2.Channel

    def __str__(self) -> str:
        kind = self.kind or "unspecified"
        return f"{kind}/{self._pb.provider}" if self._pb.provider else kind


class Identity(Entity):
    """A normalized (kind, value) that points at one customer."""

    __slots__ = ()
    _MESSAGE = model_pb2.Identity


class Consent(Entity):
    """A customer's consent for one purpose on one channel kind."""

    __slots__ = ()
    _MESSAGE = model_pb2.Consent


class Customer(Entity):
    """A person known to the business, with identities and attributes."""

    __slots__ = ()
    _MESSAGE = model_pb2.Customer


class Touchpoint(Entity):
    """A named door such as "web.checkout" or "ivr.main_menu"."""

    __slots__ = ()
    _MESSAGE = model_pb2.Touchpoint


class Interaction(Entity):
    """One activity on a channel."""

    __slots__ = ()
    _MESSAGE = model_pb2.Interaction


class JourneyStep(Entity):
    """One step of a journey definition."""

    __slots__ = ()
    _MESSAGE = journey_pb2.JourneyStep


class Journey(Entity):
    """A journey definition: ordered steps, transitions, stall thresholds."""

    __slots__ = ()
    _MESSAGE = journey_pb2.Journey


class JourneyTransition(Entity):
    """One move of a journey instance from a step to another."""

    __slots__ = ()
    _MESSAGE = journey_pb2.JourneyTransition


class JourneyInstance(Entity):
    """One customer's run of a journey."""

    __slots__ = ()
    _MESSAGE = journey_pb2.JourneyInstance


class Case(Entity):
    """A support case spanning days and channels."""

    __slots__ = ()
    _MESSAGE = journey_pb2.Case


class RoutingHint(Entity):
    """Whom to route to (``target_kind``, ``target``) and why (``reason``)."""

    __slots__ = ()
    _MESSAGE = context_pb2.RoutingHint


class Suggestion(Entity):
    """A proactive suggestion, e.g. kind "offer_help"."""

    __slots__ = ()
    _MESSAGE = context_pb2.Suggestion


class ActiveJourney(Entity):
    """An active journey as seen in a context."""

    __slots__ = ()
    _MESSAGE = context_pb2.ActiveJourney


class LastContact(Entity):
    """The last contact on any channel."""

    __slots__ = ()
    _MESSAGE = context_pb2.LastContact


class StalledJourney(Entity):
    """A journey instance past its step's stall threshold."""

    __slots__ = ()
    _MESSAGE = context_pb2.StalledJourney


class Context(Entity):
    """The answer to a lookup: who is at the door and what they are doing.

    ``known`` is False for an unknown caller (a normal answer, not an
    error). Besides the fields, a context renders for the doors that read
    it: ``flat()`` for IVRs, ``to_text()`` for agents, ``to_json()`` and
    ``to_proto_bytes()`` for programs.
    """

    __slots__ = ()
    _MESSAGE = context_pb2.Context

    def flat(self) -> Dict[str, str]:
        """Returns the flat string map IVRs take (Asterisk AGI variables,
        Twilio Studio, Amazon Connect attributes): ``known``,
        ``route_target``, ``journey_step``, ``case_owner`` ... as documented
        for omnictx::ToFlatMap."""
        return _omnictx.context_flat(self.to_proto_bytes())

    def to_text(self) -> str:
        """Returns a multi-line human-readable rendering, as an agent reads it."""
        return _omnictx.context_text(self.to_proto_bytes())


class FieldChoice(Entity):
    """How a merge settled one conflicting profile field."""

    __slots__ = ()
    _MESSAGE = merge_pb2.FieldChoice


class MergeRecord(Entity):
    """One merge of an absorbed customer into a survivor, undoable."""

    __slots__ = ()
    _MESSAGE = merge_pb2.MergeRecord


class AuditEntry(Entity):
    """An entry of the audit trail: who did what, when (no personal data)."""

    __slots__ = ()
    _MESSAGE = merge_pb2.AuditEntry


class ErasureReceipt(Entity):
    """What an erasure removed."""

    __slots__ = ()
    _MESSAGE = merge_pb2.ErasureReceipt


def entity_bytes(value: Any, cls: Type[Entity], where: str) -> bytes:
    """Returns the wire bytes of an entity given as an object, a generated
    message or a mapping of field values."""
    if isinstance(value, cls):
        return value.to_proto_bytes()
    if isinstance(value, _message.Message):
        if value.DESCRIPTOR.full_name != cls._full_name():
            raise TypeError(f"{where}: expected {cls._full_name()}, "
                            f"got {value.DESCRIPTOR.full_name}")
        return value.SerializeToString(deterministic=True)
    if isinstance(value, Mapping):
        pb = cls._MESSAGE()
        _convert.fill(pb, value, where)
        return pb.SerializeToString(deterministic=True)
    raise TypeError(f"{where}: expected {cls.__name__} or a mapping, "
                    f"got {type(value).__name__}")


def parse(cls: Type[_E], data: bytes) -> _E:
    """Wraps bytes the C++ core returned."""
    pb = cls._MESSAGE()
    pb.ParseFromString(data)
    return cls._wrap(pb)

