# SPDX-License-Identifier: Apache-2.0
"""omnictx.Store: one tenant's cross-channel customer context in one file."""

from __future__ import annotations

import datetime as _dt
import os
from typing import (Any, Iterable, Iterator, List, Mapping, NamedTuple, Optional,
                    Sequence, Tuple, Union)

from . import _args
from . import _convert
from . import _identity
from . import _omnictx
from . import _options
from ._clock import FakeClock
from ._store_ingest import Ingest
from ._store_journeys import JourneysAndCases
from ._store_metrics import Metrics
from ._store_resolution import Resolution
from ._entities import Context, Customer, Identity, Interaction, Touchpoint, parse
from .errors import InvalidArgumentError
from .v1 import model_pb2

__all__ = ["Store", "Timeline", "TimelinePage"]

_CHANNEL_KIND = model_pb2.ChannelKind.DESCRIPTOR
_Handle = Tuple[str, str]


class TimelinePage(NamedTuple):
    """One page of a timeline: interactions newest first, and the token of
    the next page ("" after the last page)."""

    interactions: List[Interaction]
    next_page_token: str


class Timeline(Iterator[Interaction]):
    """Iterates over a customer's interactions, newest first, reading one
    page at a time. Store.timeline() reads the first page before returning,
    so a bad argument raises there; later pages are read as you iterate."""

    def __init__(self, fetch: Any, first: TimelinePage) -> None:
        """Starts at ``first``; ``fetch(token)`` reads the page after it."""
        self._fetch = fetch
        self._items = iter(first.interactions)
        self._token = first.next_page_token

    def __iter__(self) -> "Timeline":
        return self

    def __next__(self) -> Interaction:
        while True:
            item = next(self._items, None)
            if item is not None:
                return item
            if not self._token:
                raise StopIteration
            page = self._fetch(self._token)
            self._items, self._token = iter(page.interactions), page.next_page_token


class Store(JourneysAndCases, Resolution, Ingest, Metrics):
    """One tenant's customers, identities, interactions, journeys and cases
    in one SQLite file, and the context lookup over them.

    Open with Store.open(); use as a context manager or call close(). A
    Store is safe to share between threads: every call releases the GIL, so
    lookups run in parallel while writes are serialized. Every call is one
    transaction: a call that raises wrote nothing. Errors are the classes of
    omnictx.errors; messages name the field and the problem, never the
    customer's data.
    """

    __slots__ = ("_core", "_path")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Refuses direct construction: use Store.open()."""
        raise TypeError("use omnictx.Store.open(path, ...)")

    @classmethod
    def open(cls, path: Union[str, "os.PathLike[str]"], *,
             default_region: Optional[str] = None,
             create_if_missing: bool = True,
             read_only: bool = False,
             busy_timeout: Union[float, _dt.timedelta] = 5.0,
             durability: str = "normal",
             max_readers: int = 4,
             clock: Optional[FakeClock] = None,
             routing: Optional[Mapping[str, Any]] = None,
             identity_policy: Optional[Mapping[str, Any]] = None,
             retention: Optional[Mapping[str, Any]] = None,
             statement_cache_size: int = 64,
             mmap_size: int = 1 << 30,
             wal_autocheckpoint_pages: int = 4000,
             wal_truncate_bytes: int = 32 << 20,
             audiences: Optional[Mapping[str, Iterable[str]]] = None) -> "Store":
        """Opens (creating and migrating if needed) the database at ``path``.

        default_region: ISO 3166 code ("FR") for national phone numbers.
        busy_timeout: seconds (or a timedelta) to wait for another
          process's write lock before raising UnavailableError.
        durability: "normal" survives a process crash, "full" power loss.
        wal_truncate_bytes: WAL size after which a commit checkpoints and
          truncates it, so overlapping readers cannot grow it forever (0:
          never).
        clock: a FakeClock for tests; the real clock by default.
        routing: {"order": ["case_owner", "recent_journey_activity",
          "stalled_journey"], "recent_activity_window": timedelta,
          "priority_attribute": "tier", "attribute_priority": {"gold": 3}}.
        identity_policy: {"blocked_values": ["+33100000000"], "limits":
          [{"kind": "device", "max_count": 5, "window": timedelta(days=7)}],
          "priority": ["crm_id", "email", ..., "cookie"]} (stitch order).
        retention: {"max_age_by_channel": {"web": timedelta(days=90)},
          "max_age_by_kind": {"page_view": timedelta(days=30)},
          "batch_size": 1000}, applied by purge().
        audiences: the parts of a Context each audience of lookup() sees,
          e.g. {"ivr": ["customer_id", "display_name", "journeys", "cases",
          "routing", "attributes"]}; an audience listed replaces its default
          (omnictx/audience.h names the parts and the defaults).
        Settings left out keep the C++ defaults (omnictx::Options).

        Raises InvalidArgumentError for an empty or "file:" path or a bad
        option; NotFoundError if the file is missing and create_if_missing
        is False; FailedPreconditionError if the file is not an omnictx
        database or was written by a newer omnictx; DataLossError if it is
        corrupt.
        """
        if clock is not None and not isinstance(clock, FakeClock):
            raise TypeError(f"clock: expected omnictx.FakeClock, got {type(clock).__name__}")
        options = _options.open_options(
            os.fspath(path), default_region=default_region,
            create_if_missing=create_if_missing, read_only=read_only,
            busy_timeout=busy_timeout, durability=durability, max_readers=max_readers,
            clock=clock, routing=routing, identity_policy=identity_policy,
            retention=retention, statement_cache_size=statement_cache_size,
            mmap_size=mmap_size, wal_autocheckpoint_pages=wal_autocheckpoint_pages,
            wal_truncate_bytes=wal_truncate_bytes, audiences=audiences)
        self = object.__new__(cls)
        self._path = options.path
        self._core = _omnictx.Store.open(options)
        return self

    # ---- Lifetime ----

    def close(self) -> None:
        """Closes the store. Calls running in other threads finish first;
        later calls raise FailedPreconditionError. Closing twice is fine."""
        self._core.close()

    @property
    def closed(self) -> bool:
        """True once close() was called."""
        return bool(self._core.closed)

    @property
    def path(self) -> str:
        """The database file's path."""
        return self._path

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"omnictx.Store({self._path!r}, {state})"

    def now(self) -> _dt.datetime:
        """Returns the time the store's clock reads (UTC)."""
        return _convert.from_micros(self._core.now_us())

    # ---- Customers and identities ----

    def upsert_customer(self, id: Optional[str] = None, *,  # pylint: disable=redefined-builtin
                        display_name: Optional[str] = None,
                        language: Optional[str] = None,
                        preferred_channel: Optional[str] = None,
                        attributes: Optional[Mapping[str, str]] = None,
                        consents: Optional[Sequence[Mapping[str, Any]]] = None) -> Customer:
        """Creates or updates a customer's profile; returns the stored customer.

        ``id`` None lets the store assign one ("cus-<n>"). The profile given
        replaces the stored one (display name, language, preferred channel,
        attributes, consents). ``consents`` items look like
        {"purpose": "marketing", "channel": "email", "state": "granted"}.

        Ids starting "erased-" are reserved for erased rows.

        Raises InvalidArgumentError if a field is malformed or over its
        limit, or the id has the reserved prefix; FailedPreconditionError if
        the customer was erased or merged.
        """
        pb = _convert.fill(model_pb2.Customer(), {
            "id": id, "display_name": display_name, "language": language,
            "preferred_channel": preferred_channel, "attributes": attributes,
            "consents": consents})
        return parse(Customer, self._core.upsert_customer(pb.SerializeToString()))

    def get_customer(self, customer_id: str) -> Customer:
        """Returns a customer with its identities.

        Raises InvalidArgumentError for an empty id; NotFoundError if unknown.
        """
        return parse(Customer, self._core.get_customer(_args.string("customer_id", customer_id)))

    def link_identity(self, customer_id: str, *, phone: Optional[str] = None,
                      email: Optional[str] = None, cookie: Optional[str] = None,
                      device: Optional[str] = None, crm_id: Optional[str] = None,
                      account: Optional[str] = None, user_id: Optional[str] = None,
                      social: Optional[_Handle] = None,
                      messaging: Optional[_Handle] = None,
                      identity: Optional[Union[Identity, Mapping[str, Any]]] = None,
                      region: Optional[str] = None, allow_erased: bool = False) -> Identity:
        """Normalizes one identity and links it to the customer; returns it
        normalized. Give exactly one kind; ``region`` reads a national phone
        number. Linking an identity the customer already has is fine.
        ``allow_erased`` allows an identity of an erased customer (refused
        by default, so an event does not silently re-create them).

        Raises InvalidArgumentError if it is malformed or not exactly one
        kind is given; NotFoundError if the customer is unknown;
        AlreadyExistsError (naming the owner's id) if another customer owns it;
        FailedPreconditionError if the customer was erased, the identity
        belonged to an erased customer (see allow_erased) or a guard of the
        identity policy refuses it.
        """
        data = _identity.require(dict(
            phone=phone, email=email, cookie=cookie, device=device, crm_id=crm_id,
            account=account, user_id=user_id, social=social, messaging=messaging),
            identity, region)
        return parse(Identity, self._core.link_identity(
            _args.string("customer_id", customer_id), data, bool(allow_erased)))

    def unlink_identity(self, *, phone: Optional[str] = None, email: Optional[str] = None,
                        cookie: Optional[str] = None, device: Optional[str] = None,
                        crm_id: Optional[str] = None, account: Optional[str] = None,
                        user_id: Optional[str] = None, social: Optional[_Handle] = None,
                        messaging: Optional[_Handle] = None,
                        identity: Optional[Union[Identity, Mapping[str, Any]]] = None,
                        region: Optional[str] = None) -> None:
        """Removes an identity from whoever owns it.

        Raises InvalidArgumentError if malformed; NotFoundError if nobody owns it.
        """
        self._core.unlink_identity(_identity.require(dict(
            phone=phone, email=email, cookie=cookie, device=device, crm_id=crm_id,
            account=account, user_id=user_id, social=social, messaging=messaging),
            identity, region))

    def resolve(self, *, phone: Optional[str] = None, email: Optional[str] = None,
                cookie: Optional[str] = None, device: Optional[str] = None,
                crm_id: Optional[str] = None, account: Optional[str] = None,
                user_id: Optional[str] = None, social: Optional[_Handle] = None,
                messaging: Optional[_Handle] = None,
                identity: Optional[Union[Identity, Mapping[str, Any]]] = None,
                region: Optional[str] = None) -> Optional[str]:
        """Returns the id of the customer an identity points at, or None.

        Raises InvalidArgumentError if the identity is malformed.
        """
        result: Optional[str] = self._core.resolve(_identity.require(dict(
            phone=phone, email=email, cookie=cookie, device=device, crm_id=crm_id,
            account=account, user_id=user_id, social=social, messaging=messaging),
            identity, region))
        return result

    def normalize(self, *, phone: Optional[str] = None, email: Optional[str] = None,
                  cookie: Optional[str] = None, device: Optional[str] = None,
                  crm_id: Optional[str] = None, account: Optional[str] = None,
                  user_id: Optional[str] = None, social: Optional[_Handle] = None,
                  messaging: Optional[_Handle] = None,
                  identity: Optional[Union[Identity, Mapping[str, Any]]] = None,
                  region: Optional[str] = None) -> Identity:
        """Returns the identity as link_identity would store it (E.164 phone,
        lower-case email ...), without touching the store.

        Raises InvalidArgumentError if it is malformed.
        """
        return parse(Identity, self._core.normalize(_identity.require(dict(
            phone=phone, email=email, cookie=cookie, device=device, crm_id=crm_id,
            account=account, user_id=user_id, social=social, messaging=messaging),
            identity, region)))

    # ---- Touchpoints ----

    def register_touchpoint(self, key: str, channel: str, *, provider: Optional[str] = None,
                            direction: Optional[str] = None,
                            description: Optional[str] = None) -> None:
        """Registers or updates a named door such as "web.checkout".

        Raises InvalidArgumentError if the key or channel is malformed.
        """
        pb = _convert.fill(model_pb2.Touchpoint(), {
            "key": key, "channel": {"kind": channel, "provider": provider},
            "direction": direction, "description": description})
        self._core.register_touchpoint(pb.SerializeToString())

    def list_touchpoints(self) -> List[Touchpoint]:
        """Returns every registered touchpoint, ordered by key."""
        return [parse(Touchpoint, b) for b in self._core.list_touchpoints()]

    # ---- Interactions ----

    @staticmethod
    def _interaction(*, customer_id: str, occurred_at: _dt.datetime, channel: str = "web",
                     provider: Optional[str] = None, touchpoint: Optional[str] = None,
                     kind: Optional[str] = None, direction: Optional[str] = "inbound",
                     journey_step: Optional[str] = None,
                     journey_instance_id: Optional[int] = None,
                     case_id: Optional[int] = None, agent_id: Optional[str] = None,
                     outcome: Optional[str] = None,
                     wait_time: Optional[_dt.timedelta] = None,
                     handle_time: Optional[_dt.timedelta] = None,
                     summary: Optional[str] = None,
                     attributes: Optional[Mapping[str, str]] = None,
                     external_id: Optional[str] = None, answered: Optional[bool] = None,
                     abandoned: Optional[bool] = None,
                     satisfaction: Optional[int] = None,
                     via: Optional[Union[Identity, Mapping[str, Any]]] = None) -> bytes:
        if occurred_at is None:
            raise InvalidArgumentError("occurred_at: missing")
        pb = _convert.fill(model_pb2.Interaction(), {
            "customer_id": customer_id, "occurred_at": occurred_at,
            "channel": {"kind": channel, "provider": provider}, "touchpoint": touchpoint,
            "kind": kind, "direction": direction, "journey_step": journey_step,
            "journey_instance_id": journey_instance_id, "case_id": case_id,
            "agent_id": agent_id, "outcome": outcome, "wait_time": wait_time,
            "handle_time": handle_time, "summary": summary, "attributes": attributes,
            "external_id": external_id, "answered": answered, "abandoned": abandoned,
            "satisfaction": satisfaction})
        if via is not None:
            pb.via.ParseFromString(_identity.from_spec(via, "via"))
        return pb.SerializeToString()

    def record(self, *, customer_id: str, occurred_at: _dt.datetime, channel: str = "web",
               provider: Optional[str] = None, touchpoint: Optional[str] = None,
               kind: Optional[str] = None, direction: Optional[str] = "inbound",
               journey_step: Optional[str] = None, journey_instance_id: Optional[int] = None,
               case_id: Optional[int] = None, agent_id: Optional[str] = None,
               outcome: Optional[str] = None, wait_time: Optional[_dt.timedelta] = None,
               handle_time: Optional[_dt.timedelta] = None, summary: Optional[str] = None,
               attributes: Optional[Mapping[str, str]] = None,
               external_id: Optional[str] = None, answered: Optional[bool] = None,
               abandoned: Optional[bool] = None, satisfaction: Optional[int] = None,
               via: Optional[Union[Identity, Mapping[str, Any]]] = None) -> int:
        """Records one interaction; returns its id.

        ``occurred_at`` must be timezone-aware. ``channel`` is a channel
        kind ("web", "ivr", "email" ...), ``provider`` e.g. "whatsapp";
        ``direction`` "inbound", "outbound" or "internal". Recording sets
        the customer's last contact, attaches it to its case, and advances
        its journey when it names (or happens at a touchpoint of) an allowed
        next step. Idempotent on ``external_id`` for the same customer.
        ``via`` is the identity the customer came through, e.g.
        {"phone": "+33612345678"} (or an Identity).

        Raises InvalidArgumentError if a field is malformed or over its
        limit (a naive datetime too); NotFoundError if the customer, case or
        journey instance is unknown; FailedPreconditionError if the customer
        was erased; AlreadyExistsError if the external id belongs to another
        customer's interaction.
        """
        data = self._interaction(
            customer_id=customer_id, occurred_at=occurred_at, channel=channel,
            provider=provider, touchpoint=touchpoint, kind=kind, direction=direction,
            journey_step=journey_step, journey_instance_id=journey_instance_id,
            case_id=case_id, agent_id=agent_id, outcome=outcome, wait_time=wait_time,
            handle_time=handle_time, summary=summary, attributes=attributes,
            external_id=external_id, answered=answered, abandoned=abandoned,
            satisfaction=satisfaction, via=via)
        return int(self._core.record(data))

    def record_batch(self, interactions: Iterable[Union[Mapping[str, Any], Interaction]]
                     ) -> List[int]:
        """Records many interactions in one transaction, all or nothing;
        returns their ids in order. Each item is a dict of record()'s keyword
        arguments or an Interaction.

        Raises the errors of record(), with "batch[i]: " naming the failing
        item; InvalidArgumentError if the batch holds more than 10,000.
        """
        batch = []
        for k, item in enumerate(interactions):
            try:
                if isinstance(item, Interaction):
                    batch.append(item.to_proto_bytes())
                elif isinstance(item, Mapping):
                    batch.append(self._interaction(**item))
                else:
                    raise TypeError(f"expected a dict or Interaction, got {type(item).__name__}")
            except InvalidArgumentError as e:
                raise InvalidArgumentError(f"batch[{k}]: {e}") from None
            except TypeError as e:
                raise TypeError(f"batch[{k}]: {e}") from None
        return [int(i) for i in self._core.record_batch(batch)]

    def get_interaction(self, interaction_id: int) -> Interaction:
        """Returns one interaction. Raises NotFoundError if unknown."""
        return parse(Interaction,
                     self._core.get_interaction(_args.integer("interaction_id", interaction_id)))

    def timeline_page(self, customer_id: str, *, since: Optional[_dt.datetime] = None,
                      until: Optional[_dt.datetime] = None, case_id: Optional[int] = None,
                      journey_instance_id: Optional[int] = None, page_size: int = 100,
                      page_token: str = "") -> TimelinePage:
        """Returns one page of a customer's interactions across all channels,
        newest first. ``since`` is inclusive, ``until`` exclusive;
        ``case_id``/``journey_instance_id`` keep only theirs. Pass the
        returned next_page_token to read the next page.

        Raises InvalidArgumentError for a bad page size, token or window;
        NotFoundError if the customer is unknown.
        """
        items, token = self._core.timeline(
            _args.string("customer_id", customer_id), _args.opt_micros("since", since),
            _args.opt_micros("until", until), _args.integer("case_id", case_id or 0),
            _args.integer("journey_instance_id", journey_instance_id or 0),
            _args.integer("page_size", page_size), _args.string("page_token", page_token))
        return TimelinePage([parse(Interaction, b) for b in items], token)

    def timeline(self, customer_id: str, *, since: Optional[_dt.datetime] = None,
                 until: Optional[_dt.datetime] = None, case_id: Optional[int] = None,
                 journey_instance_id: Optional[int] = None,
                 page_size: int = 100) -> Timeline:
        """Returns an iterator over all of a customer's interactions, newest
        first, reading ``page_size`` at a time (see timeline_page).

        Raises (before returning) the errors of timeline_page.
        """
        def fetch(token: str) -> TimelinePage:
            return self.timeline_page(customer_id, since=since, until=until, case_id=case_id,
                                      journey_instance_id=journey_instance_id,
                                      page_size=page_size, page_token=token)
        return Timeline(fetch, fetch(""))

    # ---- Context ----

    def lookup(self, *, phone: Optional[str] = None, email: Optional[str] = None,
               cookie: Optional[str] = None, device: Optional[str] = None,
               crm_id: Optional[str] = None, account: Optional[str] = None,
               user_id: Optional[str] = None, social: Optional[_Handle] = None,
               messaging: Optional[_Handle] = None,
               identity: Optional[Union[Identity, Mapping[str, Any]]] = None,
               region: Optional[str] = None, customer_id: Optional[str] = None,
               channel: str = "ivr", recent_limit: int = 20,
               available_agents: Optional[Iterable[str]] = None,
               audience: str = "agent") -> Context:
        """Returns what the door asking (``channel``) should know about whoever
        is at it, from one snapshot: customer, active journeys, open cases,
        recent interactions, last contact, consents, suggestions and a
        routing hint. Give one identity or ``customer_id``. An unknown
        identity is a normal answer with ``known`` False.

        ``available_agents``: agents available now; a case owner not among
        them makes routing fall back to the case's skill or queue.

        ``audience``: who reads the answer: "agent" (everything, the
        default), "ivr" or "public_web"; the parts that audience may not
        see (identity values, history, attributes, consents ...) are
        cleared.

        Raises InvalidArgumentError if not exactly one of an identity and
        customer_id is given, the identity is malformed or the audience is
        unknown.
        """
        data = _identity.build(dict(
            phone=phone, email=email, cookie=cookie, device=device, crm_id=crm_id,
            account=account, user_id=user_id, social=social, messaging=messaging),
            identity, region)
        if (data is None) == (customer_id is None):
            raise InvalidArgumentError("lookup: give exactly one of identity and customer_id")
        return parse(Context, self._core.lookup(
            data, _args.string("customer_id", customer_id or ""),
            _convert.enum_number(_CHANNEL_KIND, channel, "channel"),
            _args.integer("recent_limit", recent_limit),
            None if available_agents is None
            else _args.strings("available_agents", available_agents),
            _args.string("audience", audience)))

    # ---- Maintenance ----

    def check(self) -> None:
        """Runs SQLite's integrity and foreign-key checks.

        Raises DataLossError describing the first problem found.
        """
        self._core.check()

    def file_schema_version(self) -> int:
        """Returns the schema version of the open file."""
        return int(self._core.file_schema_version())

