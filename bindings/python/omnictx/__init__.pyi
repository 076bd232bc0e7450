# SPDX-License-Identifier: Apache-2.0
# Type stub of the public omnictx API. Entity fields are read through
# descriptors at run time; this stub names each one with its Python type
# (enums are lower-case strings, None when unspecified; times are aware UTC
# datetimes; durations timedeltas; unset messages None).
import datetime
import os
from typing import (Any, ClassVar, Dict, Iterable, Iterator, List, Mapping, NamedTuple,
                    Optional, Sequence, Tuple, Type, TypeVar, Union)

from . import errors as errors
from . import staffing as staffing
from .errors import AbortedError as AbortedError
from .errors import AlreadyExistsError as AlreadyExistsError
from .errors import CancelledError as CancelledError
from .errors import DataLossError as DataLossError
from .errors import DeadlineExceededError as DeadlineExceededError
from .errors import Error as Error
from .errors import FailedPreconditionError as FailedPreconditionError
from .errors import InternalError as InternalError
from .errors import InvalidArgumentError as InvalidArgumentError
from .errors import NotFoundError as NotFoundError
from .errors import OutOfRangeError as OutOfRangeError
from .errors import PermissionDeniedError as PermissionDeniedError
from .errors import ResourceExhaustedError as ResourceExhaustedError
from .errors import UnauthenticatedError as UnauthenticatedError
from .errors import UnavailableError as UnavailableError
from .errors import UnimplementedError as UnimplementedError
from .errors import UnknownError as UnknownError

__version__: str

def schema_version() -> int: ...

_E = TypeVar("_E", bound="Entity")
_Handle = Tuple[str, str]
_IdentityArg = Union["Identity", Mapping[str, Any]]

class FakeClock:
    def __init__(self, start: datetime.datetime) -> None: ...
    def now(self) -> datetime.datetime: ...
    def advance(self, delta: datetime.timedelta) -> None: ...
    def set(self, when: datetime.datetime) -> None: ...

# ---- Entities ----

class Entity:
    _MESSAGE: ClassVar[Any]
    def __init__(self, fields: Optional[Mapping[str, Any]] = None, /, **kwargs: Any) -> None: ...
    def to_proto_bytes(self) -> bytes: ...
    @classmethod
    def from_proto_bytes(cls: Type[_E], data: bytes) -> _E: ...
    def to_json(self, *, pretty: bool = False) -> str: ...
    @classmethod
    def from_json(cls: Type[_E], text: str) -> _E: ...
    def to_dict(self, *, proto_field_names: bool = False) -> Dict[str, Any]: ...
    def to_proto(self) -> Any: ...

class Channel(Entity):
    kind: Optional[str]
    provider: str

class Identity(Entity):
    kind: Optional[str]
    value: str
    platform: str
    region: str
    customer_id: str
    linked_at: Optional[datetime.datetime]

class Consent(Entity):
    purpose: str
    channel: Optional[str]
    state: Optional[str]
    updated_at: Optional[datetime.datetime]

class Customer(Entity):
    id: str
    display_name: str
    language: str
    preferred_channel: Optional[str]
    attributes: Dict[str, str]
    consents: List[Consent]
    status: Optional[str]
    created_at: Optional[datetime.datetime]
    updated_at: Optional[datetime.datetime]
    last_seen_at: Optional[datetime.datetime]
    last_seen_channel: Optional[Channel]
    identities: List[Identity]
    merged_into: str

class Touchpoint(Entity):
    key: str
    channel: Optional[Channel]
    direction: Optional[str]
    description: str

class Interaction(Entity):
    id: int
    customer_id: str
    occurred_at: Optional[datetime.datetime]
    channel: Optional[Channel]
    touchpoint: str
    kind: str
    direction: Optional[str]
    journey_instance_id: int
    journey_step: str
    case_id: int
    agent_id: str
    outcome: str
    wait_time: Optional[datetime.timedelta]
    handle_time: Optional[datetime.timedelta]
    summary: str
    attributes: Dict[str, str]
    external_id: str
    recorded_at: Optional[datetime.datetime]
    answered: bool
    abandoned: bool
    satisfaction: Optional[int]
    via: Optional[Identity]

class JourneyStep(Entity):
    key: str
    name: str
    next: List[str]
    touchpoints: List[str]
    stall_after: Optional[datetime.timedelta]
    skill: str
    needs: List[str]
    outcome: Optional[str]
    priority: int

class Journey(Entity):
    key: str
    name: str
    steps: List[JourneyStep]
    version: int
    defined_at: Optional[datetime.datetime]
    description: str

class JourneyTransition(Entity):
    from_step: str
    to_step: str
    at: Optional[datetime.datetime]
    channel: Optional[Channel]
    interaction_id: int

class JourneyInstance(Entity):
    id: int
    customer_id: str
    journey_key: str
    journey_version: int
    current_step: str
    status: Optional[str]
    started_at: Optional[datetime.datetime]
    step_entered_at: Optional[datetime.datetime]
    ended_at: Optional[datetime.datetime]
    history: List[JourneyTransition]

class Case(Entity):
    id: int
    customer_id: str
    subject: str
    status: Optional[str]
    priority: Optional[str]
    owner_agent: str
    queue: str
    journey_instance_id: int
    opened_at: Optional[datetime.datetime]
    updated_at: Optional[datetime.datetime]
    resolved_at: Optional[datetime.datetime]
    closed_at: Optional[datetime.datetime]
    interaction_count: int
    reopen_count: int

class RoutingHint(Entity):
    bypass_self_service: bool
    target_kind: Optional[str]
    target: str
    priority: int
    reason: str
    rule: str

class Suggestion(Entity):
    kind: Optional[str]
    text: str
    journey_instance_id: int
    step: str
    interaction_id: int
    case_id: int

class ActiveJourney(Entity):
    instance_id: int
    journey_key: str
    journey_version: int
    current_step: str
    step_name: str
    time_in_step: Optional[datetime.timedelta]
    stalled: bool
    skill: str
    needs: List[str]

class LastContact(Entity):
    channel: Optional[Channel]
    touchpoint: str
    at: Optional[datetime.datetime]
    ago: Optional[datetime.timedelta]

class StalledJourney(Entity):
    instance: Optional[JourneyInstance]
    time_in_step: Optional[datetime.timedelta]
    threshold: Optional[datetime.timedelta]
    last_outbound: Optional[Interaction]

class FieldChoice(Entity):
    field: str
    taken_from: str
    rule: str
    value: str

class MergeRecord(Entity):
    id: int
    survivor_id: str
    absorbed_id: str
    merged_at: Optional[datetime.datetime]
    actor: str
    identities_moved: List[Identity]
    interactions_moved: List[int]
    journey_instances_moved: List[int]
    journey_instances_ended: List[int]
    cases_moved: List[int]
    fields: List[FieldChoice]
    survivor_before: Optional[Customer]
    absorbed_before: Optional[Customer]
    unmerged_at: Optional[datetime.datetime]
    unmerged_by: str
    dry_run: bool

class AuditEntry(Entity):
    id: int
    at: Optional[datetime.datetime]
    actor: str
    action: str
    customer_key: int
    detail: str

class ErasureReceipt(Entity):
    audit_id: int
    identities_removed: int
    interactions_scrubbed: int
    cases_scrubbed: int
    merges_forgotten: int
    tombstones_written: int
    checkpointed: bool

class Context(Entity):
    known: bool
    customer: Optional[Customer]
    matched_identity: Optional[Identity]
    journeys: List[ActiveJourney]
    open_cases: List[Case]
    recent: List[Interaction]
    last_contact: Optional[LastContact]
    routing: Optional[RoutingHint]
    suggestions: List[Suggestion]
    consents: List[Consent]
    asked_from: Optional[Channel]
    as_of: Optional[datetime.datetime]
    def flat(self) -> Dict[str, str]: ...
    def to_text(self) -> str: ...

# ---- Metrics ----

_Duration = Optional[datetime.timedelta]

class ChannelTarget(Entity):
    service_level: float
    answer_within: _Duration
    short_abandon: _Duration

class ChannelKpi(Entity):
    channel: Optional[str]
    group: str
    inbound: int
    outbound: int
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    answered_within_target: int
    average_wait: _Duration
    p50_wait: _Duration
    p90_wait: _Duration
    p99_wait: _Duration
    asa: _Duration
    aht: _Duration
    service_level: Optional[float]
    abandonment_rate: Optional[float]
    target: Optional[ChannelTarget]
    meets_target: Optional[bool]
    handle_time_total: _Duration
    agents: int
    workload_erlangs: float
    handled: int
    average_abandon_wait: _Duration

class FirstContactResolution(Entity):
    recontact_window: _Duration
    resolved: int
    awaiting_window: int
    first_contact_resolved: int
    repeat_contacts: int
    fcr_rate: Optional[float]
    repeat_contact_rate: Optional[float]
    contacts_per_resolution: Optional[float]
    reopened: int

class StepFunnel(Entity):
    step: str
    reached: int
    continued: int
    completed_here: int
    failed_here: int
    abandoned_here: int
    active_here: int
    conversion: Optional[float]
    drop_off: Optional[float]
    p50_time_in_step: _Duration
    p90_time_in_step: _Duration

class JourneyFunnel(Entity):
    journey_key: str
    journey_version: int
    started: int
    completed: int
    failed: int
    abandoned: int
    merged: int
    active: int
    stalled_now: int
    completion_rate: Optional[float]
    steps: List[StepFunnel]

class ChannelOutcome(Entity):
    channel: Optional[str]
    journeys: int
    succeeded: int
    success_rate: Optional[float]
    interactions: int

class ChannelSwitch(Entity):
    journey_key: str
    step: str
    from_channel: Optional[str]
    to_channel: Optional[str]
    count: int
    succeeded: int
    success_rate: Optional[float]

class ChannelEffort(Entity):
    journeys: int
    switches_per_journey: Optional[float]
    cases: int
    switches_per_case: Optional[float]

class SatisfactionRow(Entity):
    dimension: str
    key: str
    csat_responses: int
    csat_average: Optional[float]
    csat_satisfied_share: Optional[float]
    nps_responses: int
    nps: Optional[float]
    channel: Optional[str]

class MetricsReport(Entity):
    start: Optional[datetime.datetime]
    end: Optional[datetime.datetime]
    group_by: str
    channels: List[ChannelKpi]
    fcr: Optional[FirstContactResolution]
    journeys: List[JourneyFunnel]
    channel_outcomes: List[ChannelOutcome]
    switches: List[ChannelSwitch]
    effort: Optional[ChannelEffort]
    satisfaction: List[SatisfactionRow]
    interactions_scanned: int
    def channel(self, name: str, group: str = "") -> Optional[ChannelKpi]: ...
    def journey(self, key: str) -> Optional[JourneyFunnel]: ...

_Target = Union[Mapping[str, Any], Tuple[float, Any], Tuple[float, Any, Any]]

# ---- Store ----

class TimelinePage(NamedTuple):
    interactions: List[Interaction]
    next_page_token: str

class Timeline(Iterator[Interaction]):
    def __init__(self, fetch: Any, first: TimelinePage) -> None: ...
    def __iter__(self) -> Timeline: ...
    def __next__(self) -> Interaction: ...

class ImportIssue(NamedTuple):
    line: int
    index: int
    message: str
    code: int
    @property
    def error(self) -> Type[Error]: ...

class ImportReport(NamedTuple):
    messages: int
    imported: int
    duplicates: int
    refused: int
    errors: List[ImportIssue]
    stitched: int
    warnings: List[ImportIssue]
    rolled_back: bool

class Store:
    @classmethod
    def open(cls, path: Union[str, os.PathLike[str]], *,
             default_region: Optional[str] = None,
             create_if_missing: bool = True,
             read_only: bool = False,
             busy_timeout: Union[float, datetime.timedelta] = 5.0,
             durability: str = "normal",
             max_readers: int = 4,
             clock: Optional[FakeClock] = None,
             routing: Optional[Mapping[str, Any]] = None,
             identity_policy: Optional[Mapping[str, Any]] = None,
             retention: Optional[Mapping[str, Any]] = None,
             statement_cache_size: int = 64,
             mmap_size: int = ...,
             wal_autocheckpoint_pages: int = 4000,
             wal_truncate_bytes: int = 33554432,
             audiences: Optional[Mapping[str, Iterable[str]]] = None) -> Store: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    @property
    def path(self) -> str: ...
    def __enter__(self) -> Store: ...
    def __exit__(self, *exc: Any) -> None: ...
    def now(self) -> datetime.datetime: ...
    # Customers and identities
    def upsert_customer(self, id: Optional[str] = None, *,
                        display_name: Optional[str] = None,
                        language: Optional[str] = None,
                        preferred_channel: Optional[str] = None,
                        attributes: Optional[Mapping[str, str]] = None,
                        consents: Optional[Sequence[Mapping[str, Any]]] = None) -> Customer: ...
    def get_customer(self, customer_id: str) -> Customer: ...
    def link_identity(self, customer_id: str, *, phone: Optional[str] = None,
                      email: Optional[str] = None, cookie: Optional[str] = None,
                      device: Optional[str] = None, crm_id: Optional[str] = None,
                      account: Optional[str] = None, user_id: Optional[str] = None,
                      social: Optional[_Handle] = None, messaging: Optional[_Handle] = None,
                      identity: Optional[_IdentityArg] = None,
                      region: Optional[str] = None, allow_erased: bool = False) -> Identity: ...
    def unlink_identity(self, *, phone: Optional[str] = None, email: Optional[str] = None,
                        cookie: Optional[str] = None, device: Optional[str] = None,
                        crm_id: Optional[str] = None, account: Optional[str] = None,
                        user_id: Optional[str] = None, social: Optional[_Handle] = None,
                        messaging: Optional[_Handle] = None,
                        identity: Optional[_IdentityArg] = None,
                        region: Optional[str] = None) -> None: ...
    def resolve(self, *, phone: Optional[str] = None, email: Optional[str] = None,
                cookie: Optional[str] = None, device: Optional[str] = None,
                crm_id: Optional[str] = None, account: Optional[str] = None,
                user_id: Optional[str] = None, social: Optional[_Handle] = None,
                messaging: Optional[_Handle] = None,
                identity: Optional[_IdentityArg] = None,
                region: Optional[str] = None) -> Optional[str]: ...
    def normalize(self, *, phone: Optional[str] = None, email: Optional[str] = None,
                  cookie: Optional[str] = None, device: Optional[str] = None,
                  crm_id: Optional[str] = None, account: Optional[str] = None,
                  user_id: Optional[str] = None, social: Optional[_Handle] = None,
                  messaging: Optional[_Handle] = None,
                  identity: Optional[_IdentityArg] = None,
                  region: Optional[str] = None) -> Identity: ...
    # Touchpoints
    def register_touchpoint(self, key: str, channel: str, *, provider: Optional[str] = None,
                            direction: Optional[str] = None,
                            description: Optional[str] = None) -> None: ...
    def list_touchpoints(self) -> List[Touchpoint]: ...
    # Interactions
    def record(self, *, customer_id: str, occurred_at: datetime.datetime,
               channel: str = "web", provider: Optional[str] = None,
               touchpoint: Optional[str] = None, kind: Optional[str] = None,
               direction: Optional[str] = "inbound", journey_step: Optional[str] = None,
               journey_instance_id: Optional[int] = None, case_id: Optional[int] = None,
               agent_id: Optional[str] = None, outcome: Optional[str] = None,
               wait_time: Optional[datetime.timedelta] = None,
               handle_time: Optional[datetime.timedelta] = None,
               summary: Optional[str] = None, attributes: Optional[Mapping[str, str]] = None,
               external_id: Optional[str] = None, answered: Optional[bool] = None,
               abandoned: Optional[bool] = None, satisfaction: Optional[int] = None,
               via: Optional[_IdentityArg] = None) -> int: ...
    def record_batch(self, interactions: Iterable[Union[Mapping[str, Any], Interaction]]
                     ) -> List[int]: ...
    def get_interaction(self, interaction_id: int) -> Interaction: ...
    def timeline_page(self, customer_id: str, *, since: Optional[datetime.datetime] = None,
                      until: Optional[datetime.datetime] = None, case_id: Optional[int] = None,
                      journey_instance_id: Optional[int] = None, page_size: int = 100,
                      page_token: str = "") -> TimelinePage: ...
    def timeline(self, customer_id: str, *, since: Optional[datetime.datetime] = None,
                 until: Optional[datetime.datetime] = None, case_id: Optional[int] = None,
                 journey_instance_id: Optional[int] = None,
                 page_size: int = 100) -> Timeline: ...
    # Journeys
    def define_journey(self, definition: Union[Journey, Mapping[str, Any], str,
                                               os.PathLike[str]]) -> Journey: ...
    def get_journey(self, key: str, version: int = 0) -> Journey: ...
    def list_journeys(self) -> List[Journey]: ...
    def start_journey(self, customer_id: str, journey_key: str, *,
                      interaction_id: Optional[int] = None) -> JourneyInstance: ...
    def advance_journey(self, instance_id: int, to_step: str, *,
                        interaction_id: Optional[int] = None) -> JourneyInstance: ...
    def end_journey(self, instance_id: int, status: str = "abandoned") -> JourneyInstance: ...
    def get_journey_instance(self, instance_id: int) -> JourneyInstance: ...
    def list_journey_instances(self, customer_id: str) -> List[JourneyInstance]: ...
    def stalled(self, now: Optional[datetime.datetime] = None) -> List[StalledJourney]: ...
    def find_customers(self, journey_key: str, *, step: Optional[str] = None,
                       status: Optional[str] = None,
                       since: Optional[datetime.datetime] = None,
                       limit: int = 1000) -> List[str]: ...
    # Cases
    def open_case(self, customer_id: str, subject: str, *, priority: Optional[str] = None,
                  owner_agent: Optional[str] = None, queue: Optional[str] = None,
                  journey_instance_id: Optional[int] = None) -> Case: ...
    def assign_case(self, case_id: int, owner_agent: Optional[str]) -> Case: ...
    def set_case_status(self, case_id: int, status: str) -> Case: ...
    def get_case(self, case_id: int) -> Case: ...
    def list_cases(self, customer_id: str) -> List[Case]: ...
    # Context
    def lookup(self, *, phone: Optional[str] = None, email: Optional[str] = None,
               cookie: Optional[str] = None, device: Optional[str] = None,
               crm_id: Optional[str] = None, account: Optional[str] = None,
               user_id: Optional[str] = None, social: Optional[_Handle] = None,
               messaging: Optional[_Handle] = None,
               identity: Optional[_IdentityArg] = None,
               region: Optional[str] = None, customer_id: Optional[str] = None,
               channel: str = "ivr", recent_limit: int = 20,
               available_agents: Optional[Iterable[str]] = None,
               audience: str = "agent") -> Context: ...
    # Identity resolution and data protection
    def merge(self, survivor_id: str, absorbed_id: str, *, actor: str,
              default_rule: str = "keep_survivor",
              rules: Optional[Mapping[str, str]] = None,
              explicit_values: Optional[Mapping[str, str]] = None) -> MergeRecord: ...
    def preview_merge(self, survivor_id: str, absorbed_id: str, *, actor: str,
                      default_rule: str = "keep_survivor",
                      rules: Optional[Mapping[str, str]] = None,
                      explicit_values: Optional[Mapping[str, str]] = None) -> MergeRecord: ...
    def unmerge(self, merge_id: int, *, actor: str) -> MergeRecord: ...
    def list_merges(self, customer_id: str) -> List[MergeRecord]: ...
    def stitch(self, anonymous: _IdentityArg, known: _IdentityArg, *,
               actor: str) -> Optional[MergeRecord]: ...
    def erase(self, customer_id: str, *, actor: str) -> ErasureReceipt: ...
    def purge(self, now: Optional[datetime.datetime] = None) -> int: ...
    def set_consent(self, customer_id: str, purpose: str, state: str, *,
                    channel: Optional[str] = None, actor: str) -> Customer: ...
    def list_audit(self, limit: int = 100) -> List[AuditEntry]: ...
    # Ingest
    def import_json_lines(self, lines: Union[str, bytes, Iterable[str]], *, strict: bool = False,
                          actor: str = "import", create_customers: bool = True,
                          mapping: Optional[Union[str, Mapping[str, Any]]] = None
                          ) -> ImportReport: ...
    def import_body(self, body: Union[str, bytes, Mapping[str, Any]], route_type: str = "", *,
                    strict: bool = False, actor: str = "import", create_customers: bool = True,
                    mapping: Optional[Union[str, Mapping[str, Any]]] = None
                    ) -> ImportReport: ...
    # Metrics
    def metrics(self, *, since: datetime.datetime, until: datetime.datetime,
                group_by: Optional[str] = None,
                targets: Optional[Mapping[str, _Target]] = None,
                recontact_window: Union[float, datetime.timedelta] = ...,
                journey: Optional[str] = None, max_case_rows: int = 1000) -> MetricsReport: ...
    # Maintenance
    def check(self) -> None: ...
    def file_schema_version(self) -> int: ...
