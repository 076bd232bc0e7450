# SPDX-License-Identifier: Apache-2.0
"""Importing event streams: the import methods of omnictx.Store (a mixin:
Store is the class to use) and the report they return."""

from __future__ import annotations

import json
from typing import Any, Iterable, List, Mapping, NamedTuple, Optional, Tuple, Type, Union

from . import _args
from . import errors

__all__ = ["ImportIssue", "ImportReport", "Ingest"]

Lines = Union[str, bytes, Iterable[str]]
Mapping_ = Optional[Union[str, Mapping[str, Any]]]


class ImportIssue(NamedTuple):
    """A refused message or a warning.

    ``line`` is 1-based (0 for an HTTP body), ``index`` the position in a
    batch envelope (-1 outside one), ``message`` names the field and the
    problem (never a value) and ``code`` is the status code; ``error`` is
    the omnictx.errors class for it.
    """

    line: int
    index: int
    message: str
    code: int

    @property
    def error(self) -> Type[errors.Error]:
        """The omnictx.errors class of ``code``."""
        return errors.error_class(self.code)


class ImportReport(NamedTuple):
    """What an import did: messages seen, imported, skipped as duplicates
    (same messageId) and refused (listed in ``errors``), merges made by
    stitching, ``warnings`` (enrichments left out) and whether a strict
    import was rolled back."""

    messages: int
    imported: int
    duplicates: int
    refused: int
    errors: List[ImportIssue]
    stitched: int
    warnings: List[ImportIssue]
    rolled_back: bool


def _report(raw: Tuple[Any, ...]) -> ImportReport:
    messages, imported, duplicates, refused, errs, stitched, warns, rolled_back = raw
    return ImportReport(messages, imported, duplicates, refused,
                        [ImportIssue(*e) for e in errs], stitched,
                        [ImportIssue(*w) for w in warns], rolled_back)


def _text(name: str, value: Any) -> Union[str, bytes]:
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, Mapping):
        return json.dumps(value)
    raise TypeError(f"{name}: expected str, bytes or a dict, got {type(value).__name__}")


def _mapping(mapping: Mapping_) -> str:
    if mapping is None:
        return ""
    if isinstance(mapping, Mapping):
        return json.dumps(mapping)
    return _args.string("mapping", mapping)


class Ingest:
    """Importing Segment-spec events (see omnictx/ingest.h for what each
    message becomes)."""

    __slots__ = ()
    _core: Any

    def import_json_lines(self, lines: Lines, *, strict: bool = False, actor: str = "import",
                          create_customers: bool = True, mapping: Mapping_ = None
                          ) -> ImportReport:
        """Imports JSON lines: each line one Segment-spec message (identify,
        track, page, screen, group, alias) or a batch envelope. ``lines``
        is the text (str or bytes) or an iterable of lines (a file).

        A refused message is listed in the report with its line while the
        rest goes in; with ``strict`` nothing goes in. ``mapping`` maps
        track event names to {"channel", "provider", "touchpoint", "kind",
        "direction", "journey_step", "case_property"} (a dict or its JSON).
        ``create_customers`` False refuses messages for unknown users.

        Raises InvalidArgumentError if the mapping or actor is malformed;
        UnavailableError, DataLossError ... if the storage fails.
        """
        if not isinstance(lines, (str, bytes)):
            lines = "\n".join(_args.string("lines", line).rstrip("\n") for line in lines)
        return _report(self._core.import_json_lines(
            lines, bool(strict), _args.string("actor", actor), bool(create_customers),
            _mapping(mapping)))

    def import_body(self, body: Union[str, bytes, Mapping[str, Any]], route_type: str = "", *,
                    strict: bool = False, actor: str = "import", create_customers: bool = True,
                    mapping: Mapping_ = None) -> ImportReport:
        """Imports one HTTP request body as Segment's tracking API receives
        it. ``route_type`` is "batch" (or "import"), the type implied by the
        route ("track" for /v1/track ...), or "" to read the message's
        "type". Errors carry line 0. Options as import_json_lines.

        Raises InvalidArgumentError if route_type is unknown; the errors of
        import_json_lines.
        """
        return _report(self._core.import_body(
            _text("body", body), _args.string("route_type", route_type), bool(strict),
            _args.string("actor", actor), bool(create_customers), _mapping(mapping)))
