# SPDX-License-Identifier: Apache-2.0
"""Building an Identity from the keyword arguments the Store methods take:
exactly one of ``phone=``, ``email=``, ``cookie=``, ``device=``,
``crm_id=``, ``account=``, ``user_id=``, ``social=(platform, handle)``,
``messaging=(platform, handle)``, or ``identity=`` (an Identity object or a
mapping of its fields)."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Tuple

from ._entities import Identity, entity_bytes
from .errors import InvalidArgumentError
from .v1 import model_pb2

# Keyword -> IdentityKind, in the order the error message lists them.
KINDS: Tuple[Tuple[str, int], ...] = (
    ("phone", model_pb2.IDENTITY_KIND_PHONE),
    ("email", model_pb2.IDENTITY_KIND_EMAIL),
    ("cookie", model_pb2.IDENTITY_KIND_COOKIE),
    ("device", model_pb2.IDENTITY_KIND_DEVICE),
    ("crm_id", model_pb2.IDENTITY_KIND_CRM_ID),
    ("account", model_pb2.IDENTITY_KIND_ACCOUNT),
    ("user_id", model_pb2.IDENTITY_KIND_USER_ID),
    ("social", model_pb2.IDENTITY_KIND_SOCIAL),
    ("messaging", model_pb2.IDENTITY_KIND_MESSAGING),
)
_HANDLES = ("social", "messaging")
ONE_OF = "give exactly one of " + ", ".join(k for k, _ in KINDS) + " or identity"


def _handle(name: str, value: Any) -> Tuple[str, str]:
    if (not isinstance(value, (tuple, list)) or len(value) != 2
            or not all(isinstance(v, str) for v in value)):
        raise TypeError(f"{name}: expected a (platform, handle) pair of strings")
    return value[0], value[1]


def build(kinds: Mapping[str, Any], identity: Any = None,
          region: Optional[str] = None) -> Optional[bytes]:
    """Returns the serialized Identity the arguments name, or None if none.

    ``kinds`` maps each keyword of KINDS to its value (None when not given).
    Raises InvalidArgumentError if more than one is given or ``region`` is
    given without a phone number; TypeError for a value of the wrong type.
    """
    given = [(name, kind, kinds[name]) for name, kind in KINDS if kinds.get(name) is not None]
    if len(given) + (identity is not None) > 1:
        raise InvalidArgumentError(f"identity: {ONE_OF}")
    if region is not None and not (given and given[0][0] == "phone"):
        raise InvalidArgumentError("region: only applies to phone numbers")
    if identity is not None:
        return entity_bytes(identity, Identity, "identity")
    if not given:
        return None
    name, kind, value = given[0]
    pb = model_pb2.Identity(kind=kind)
    if name in _HANDLES:
        pb.platform, pb.value = _handle(name, value)
    elif isinstance(value, str):
        pb.value = value
    else:
        raise TypeError(f"{name}: expected a str, got {type(value).__name__}")
    if region is not None:
        if not isinstance(region, str):
            raise TypeError(f"region: expected a str, got {type(region).__name__}")
        pb.region = region
    return pb.SerializeToString()


def require(kinds: Mapping[str, Any], identity: Any = None,
            region: Optional[str] = None) -> bytes:
    """Like build, but raises InvalidArgumentError if no identity is given."""
    data = build(kinds, identity, region)
    if data is None:
        raise InvalidArgumentError(f"identity: {ONE_OF}")
    return data


def from_spec(spec: Any, where: str) -> bytes:
    """Returns the serialized Identity of an Identity (or generated message),
    a mapping of Identity fields ({"kind": "email", "value": ...}), or a
    mapping of the keyword arguments above ({"email": ...})."""
    if isinstance(spec, Mapping) and not ({"kind", "value"} & set(spec)):
        unknown = set(spec) - {name for name, _ in KINDS} - {"region"}
        if unknown:
            raise InvalidArgumentError(f"{where}: {ONE_OF}")
        kinds = {name: value for name, value in spec.items() if name != "region"}
        try:
            return require(kinds, None, spec.get("region"))
        except InvalidArgumentError as e:
            raise InvalidArgumentError(f"{where}: {e}") from None
    return entity_bytes(spec, Identity, where)
