# SPDX-License-Identifier: Apache-2.0
"""omnictx: cross-channel customer context for contact centres.

Remembers who a customer is and what they are doing on every channel, in one
SQLite file, so that any door (IVR, web, chat, email, SMS ...) can pick up
where the customer left off::

    import omnictx
    from datetime import datetime, timezone

    with omnictx.Store.open("contact-centre.db", default_region="FR") as store:
        store.upsert_customer("c-42", display_name="Camille Martin")
        store.link_identity("c-42", phone="06 12 34 56 78")
        store.record(customer_id="c-42", occurred_at=datetime.now(timezone.utc),
                     channel="web", touchpoint="web.upload", kind="page_view")
        ctx = store.lookup(phone="+33612345678", channel="ivr")
        print(ctx.routing.target, ctx.routing.reason, ctx.flat()["route_kind"])

Entities (Customer, Interaction, Context ...) are read-only objects whose
fields read as Python values: enums as lower-case strings ("ivr", "open",
"high"), times as timezone-aware UTC datetimes, durations as timedeltas.
They convert to protobuf bytes and JSON for other programs. Errors derive
from omnictx.Error (see omnictx.errors).
"""

from . import errors
from . import staffing
from ._omnictx import __version__
from ._omnictx import schema_version as _schema_version
from ._clock import FakeClock
from ._entities import (ActiveJourney, AuditEntry, Case, Channel, Consent, Context, Customer,
                        Entity, ErasureReceipt, FieldChoice, Identity, Interaction, Journey,
                        JourneyInstance, JourneyStep, JourneyTransition, LastContact,
                        MergeRecord, RoutingHint, StalledJourney, Suggestion, Touchpoint)
from ._store import Store, Timeline, TimelinePage
from ._store_ingest import ImportIssue, ImportReport
from ._store_metrics import (ChannelEffort, ChannelKpi, ChannelOutcome, ChannelSwitch,
                             ChannelTarget, FirstContactResolution, JourneyFunnel,
                             MetricsReport, SatisfactionRow, StepFunnel)
from .errors import (AbortedError, AlreadyExistsError, CancelledError, DataLossError,
                     DeadlineExceededError, Error, FailedPreconditionError, InternalError,
                     InvalidArgumentError, NotFoundError, OutOfRangeError,
                     PermissionDeniedError, ResourceExhaustedError, UnauthenticatedError,
                     UnavailableError, UnimplementedError, UnknownError)


def schema_version() -> int:
    """Returns the database schema version this build of omnictx writes.

    A file with a higher version was written by a newer omnictx and is
    refused by Store.open.
    """
    return int(_schema_version())


__all__ = [
    "__version__", "schema_version", "errors", "staffing",
    # Store
    "Store", "Timeline", "TimelinePage", "FakeClock", "ImportReport", "ImportIssue",
    # Entities
    "Entity", "Customer", "Identity", "Consent", "Channel", "Touchpoint", "Interaction",
    "Journey", "JourneyStep", "JourneyTransition", "JourneyInstance", "Case", "Context",
    "ActiveJourney", "LastContact", "RoutingHint", "Suggestion", "StalledJourney",
    "MergeRecord", "FieldChoice", "AuditEntry", "ErasureReceipt",
    # Metrics
    "MetricsReport", "ChannelKpi", "ChannelTarget", "FirstContactResolution", "JourneyFunnel",
    "StepFunnel", "ChannelOutcome", "ChannelSwitch", "ChannelEffort", "SatisfactionRow",
    # Errors
    "Error", "CancelledError", "UnknownError", "InvalidArgumentError",
    "DeadlineExceededError", "NotFoundError", "AlreadyExistsError", "PermissionDeniedError",
    "ResourceExhaustedError", "FailedPreconditionError", "AbortedError", "OutOfRangeError",
    "UnimplementedError", "InternalError", "UnavailableError", "DataLossError",
    "UnauthenticatedError",
]

# Public classes print as omnictx.X, wherever they are defined.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) and _obj.__module__.startswith("omnictx._"):
        _obj.__module__ = __name__
del _name, _obj
