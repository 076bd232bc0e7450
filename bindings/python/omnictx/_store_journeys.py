# SPDX-License-Identifier: Apache-2.0
"""The journey and case methods of omnictx.Store (a mixin: Store is the
class to use)."""

from __future__ import annotations

import datetime as _dt
import os
from typing import Any, List, Mapping, Optional, Union

from . import _args
from . import _convert
from . import _omnictx
from ._entities import Case, Journey, JourneyInstance, StalledJourney, entity_bytes, parse
from .v1 import journey_pb2

_JOURNEY_STATUS = journey_pb2.JourneyStatus.DESCRIPTOR
_CASE_STATUS = journey_pb2.CaseStatus.DESCRIPTOR
JourneyDefinition = Union[Journey, Mapping[str, Any], str, "os.PathLike[str]"]


class JourneysAndCases:
    """Journeys (definitions, instances, stalls) and support cases."""

    __slots__ = ()
    _core: Any

    # ---- Journeys ----

    def define_journey(self, definition: JourneyDefinition) -> Journey:
        """Validates and stores a journey definition; returns it with its
        version. Redefining a key creates a new version (an identical
        redefinition does not); running instances keep theirs.

        ``definition`` is a Journey, a dict of its fields ({"key":
        "home_loan", "steps": [{"key": "simulate", "next": [...],
        "stall_after": timedelta(days=1), "skill": "documents"}, ...]}), a
        JSON string (starting with "{"), a text-format string (any other
        string holding ":", "{" or a newline), or a path (a pathlib.Path, or
        any other string) to a .json or text-format file.

        Raises InvalidArgumentError naming the step for duplicate keys,
        transitions to unknown steps, no terminal step, unreachable steps or
        negative stall thresholds, or if the text does not parse;
        NotFoundError if the file cannot be read.
        """
        if isinstance(definition, (Journey, Mapping)) or hasattr(definition, "DESCRIPTOR"):
            data = entity_bytes(definition, Journey, "journey")
        elif isinstance(definition, os.PathLike):
            data = _omnictx.journey_from_file(os.fspath(definition))
        elif isinstance(definition, str):
            text = definition.strip()
            if text.startswith("{"):
                data = _omnictx.journey_from_json(definition)
            elif any(c in text for c in ":{\n"):
                data = _omnictx.journey_from_text(definition)
            else:
                data = _omnictx.journey_from_file(definition)
        else:
            raise TypeError(f"definition: expected a Journey, dict, str or path, "
                            f"got {type(definition).__name__}")
        return parse(Journey, self._core.define_journey(data))

    def get_journey(self, key: str, version: int = 0) -> Journey:
        """Returns a journey definition; version 0 means the latest.

        Raises NotFoundError if unknown.
        """
        return parse(Journey, self._core.get_journey(_args.string("key", key),
                                                     _args.integer("version", version)))

    def list_journeys(self) -> List[Journey]:
        """Returns the latest version of every journey, ordered by key."""
        return [parse(Journey, b) for b in self._core.list_journeys()]

    def start_journey(self, customer_id: str, journey_key: str, *,
                      interaction_id: Optional[int] = None) -> JourneyInstance:
        """Starts the latest version of a journey for a customer at its entry
        step (at the time of ``interaction_id`` if given, else now).

        Raises NotFoundError if the customer, journey or interaction is
        unknown; AlreadyExistsError if the customer already runs an active
        instance of it.
        """
        return parse(JourneyInstance, self._core.start_journey(
            _args.string("customer_id", customer_id), _args.string("journey_key", journey_key),
            _args.integer("interaction_id", interaction_id or 0)))

    def advance_journey(self, instance_id: int, to_step: str, *,
                        interaction_id: Optional[int] = None) -> JourneyInstance:
        """Moves an active instance to ``to_step``; a terminal step ends it.

        Raises NotFoundError if the instance, step or interaction is unknown;
        FailedPreconditionError "transition a→c not allowed" if the
        definition does not allow the move, or if the instance has ended.
        """
        return parse(JourneyInstance, self._core.advance_journey(
            _args.integer("instance_id", instance_id), _args.string("to_step", to_step),
            _args.integer("interaction_id", interaction_id or 0)))

    def end_journey(self, instance_id: int, status: str = "abandoned") -> JourneyInstance:
        """Ends an active instance as "failed" or "abandoned".

        Raises InvalidArgumentError for another status;
        FailedPreconditionError if the instance has ended already.
        """
        return parse(JourneyInstance, self._core.end_journey(
            _args.integer("instance_id", instance_id),
            _convert.enum_number(_JOURNEY_STATUS, status, "status")))

    def get_journey_instance(self, instance_id: int) -> JourneyInstance:
        """Returns a journey instance with its history.

        Raises NotFoundError if unknown.
        """
        return parse(JourneyInstance,
                     self._core.get_journey_instance(_args.integer("instance_id", instance_id)))

    def list_journey_instances(self, customer_id: str) -> List[JourneyInstance]:
        """Returns a customer's journey instances, newest first.

        Raises NotFoundError if the customer is unknown.
        """
        return [parse(JourneyInstance, b)
                for b in self._core.list_journey_instances(
                    _args.string("customer_id", customer_id))]

    def stalled(self, now: Optional[_dt.datetime] = None) -> List[StalledJourney]:
        """Returns every active journey past its step's stall threshold at
        ``now`` (default: the store's clock), longest stalled first, each
        with the last outbound interaction before the step was entered."""
        return [parse(StalledJourney, b) for b in self._core.stalled(_args.opt_micros("now", now))]

    def find_customers(self, journey_key: str, *, step: Optional[str] = None,
                       status: Optional[str] = None, since: Optional[_dt.datetime] = None,
                       limit: int = 1000) -> List[str]:
        """Returns ids of customers whose journey state matches (campaign
        suppression): instances of ``journey_key``, at ``step``, in
        ``status`` ("active", "completed" ...), started (or ended) since
        ``since``; at most ``limit``.

        Raises InvalidArgumentError if journey_key is empty or limit is not
        1 to 100,000.
        """
        return list(self._core.find_customers(
            _args.string("journey_key", journey_key), _args.string("step", step or ""),
            _convert.enum_number(_JOURNEY_STATUS, status, "status"),
            _args.opt_micros("since", since), _args.integer("limit", limit)))

    # ---- Cases ----

    def open_case(self, customer_id: str, subject: str, *, priority: Optional[str] = None,
                  owner_agent: Optional[str] = None, queue: Optional[str] = None,
                  journey_instance_id: Optional[int] = None) -> Case:
        """Opens a support case; returns it. ``priority`` is "low",
        "normal" (the default), "high" or "urgent"; ``owner_agent`` is the
        agent in charge, ``queue`` where it falls back when they are away.

        Raises InvalidArgumentError if a field is malformed; NotFoundError
        if the customer or journey instance is unknown.
        """
        pb = _convert.fill(journey_pb2.Case(), {
            "customer_id": customer_id, "subject": subject, "priority": priority,
            "owner_agent": owner_agent, "queue": queue,
            "journey_instance_id": journey_instance_id})
        return parse(Case, self._core.open_case(pb.SerializeToString()))

    def assign_case(self, case_id: int, owner_agent: Optional[str]) -> Case:
        """Sets the case owner (None or "" unassigns). Raises NotFoundError
        if the case is unknown."""
        return parse(Case, self._core.assign_case(
            _args.integer("case_id", case_id), _args.string("owner_agent", owner_agent or "")))

    def set_case_status(self, case_id: int, status: str) -> Case:
        """Sets a case's status: "open", "pending", "resolved" or "closed".
        Resolving and closing stamp their times; reopening clears them.

        Raises InvalidArgumentError for another status; NotFoundError if the
        case is unknown.
        """
        return parse(Case, self._core.set_case_status(
            _args.integer("case_id", case_id),
            _convert.enum_number(_CASE_STATUS, status, "status")))

    def get_case(self, case_id: int) -> Case:
        """Returns one case. Raises NotFoundError if unknown."""
        return parse(Case, self._core.get_case(_args.integer("case_id", case_id)))

    def list_cases(self, customer_id: str) -> List[Case]:
        """Returns a customer's cases, newest first.

        Raises NotFoundError if the customer is unknown.
        """
        return [parse(Case, b)
                for b in self._core.list_cases(_args.string("customer_id", customer_id))]
