# SPDX-License-Identifier: Apache-2.0
"""The identity-resolution and data-protection methods of omnictx.Store
(a mixin: Store is the class to use)."""

from __future__ import annotations

import datetime as _dt
from typing import Any, List, Mapping, Optional, Union

from . import _args
from . import _convert
from . import _identity
from ._entities import AuditEntry, Customer, ErasureReceipt, Identity, MergeRecord, parse
from .v1 import model_pb2

IdentitySpec = Union[Identity, Mapping[str, Any]]


class Resolution:
    """Merging and stitching customers, erasure, retention, consent, audit."""

    __slots__ = ()
    _core: Any

    def merge(self, survivor_id: str, absorbed_id: str, *, actor: str,
              default_rule: str = "keep_survivor",
              rules: Optional[Mapping[str, str]] = None,
              explicit_values: Optional[Mapping[str, str]] = None) -> MergeRecord:
        """Moves everything of ``absorbed_id`` (identities, interactions,
        journey instances, cases, attributes, consents) to ``survivor_id`` in
        one transaction and returns the merge record (undo it with unmerge).

        Conflicting profile fields ("display_name", "language",
        "preferred_channel", "attributes.<key>") follow ``rules`` or else
        ``default_rule``: "keep_survivor", "newest_wins" or "explicit"
        (the value in ``explicit_values``). ``actor`` names who merges (a
        user, system or rule; no personal data).

        Raises InvalidArgumentError if the ids are equal or empty or the
        actor is missing; NotFoundError if either customer is unknown or
        merged already; FailedPreconditionError if either is erased or a
        guard refuses; ResourceExhaustedError if it would move too many rows.
        """
        return parse(MergeRecord, self._core.merge(
            *self._merge_args(survivor_id, absorbed_id, actor, default_rule, rules,
                              explicit_values)))

    def preview_merge(self, survivor_id: str, absorbed_id: str, *, actor: str,
                      default_rule: str = "keep_survivor",
                      rules: Optional[Mapping[str, str]] = None,
                      explicit_values: Optional[Mapping[str, str]] = None) -> MergeRecord:
        """Returns what merge() would do (``dry_run`` True, ``id`` 0) and
        writes nothing. Raises merge()'s errors."""
        return parse(MergeRecord, self._core.preview_merge(
            *self._merge_args(survivor_id, absorbed_id, actor, default_rule, rules,
                              explicit_values)))

    @staticmethod
    def _merge_args(survivor_id: str, absorbed_id: str, actor: str, default_rule: str,
                    rules: Optional[Mapping[str, str]],
                    explicit_values: Optional[Mapping[str, str]]) -> tuple:
        return (_args.string("survivor_id", survivor_id),
                _args.string("absorbed_id", absorbed_id), _args.string("actor", actor),
                _args.string("default_rule", default_rule),
                {_args.string("rules", k): _args.string("rules", v)
                 for k, v in (rules or {}).items()},
                {_args.string("explicit_values", k): _args.string("explicit_values", v)
                 for k, v in (explicit_values or {}).items()})

    def unmerge(self, merge_id: int, *, actor: str) -> MergeRecord:
        """Undoes a merge: the absorbed customer comes back with what was
        theirs. Returns the record, now with ``unmerged_at``.

        Raises NotFoundError if unknown; FailedPreconditionError if undone
        already, or if a later merge depends on it.
        """
        return parse(MergeRecord, self._core.unmerge(
            _args.integer("merge_id", merge_id), _args.string("actor", actor)))

    def list_merges(self, customer_id: str) -> List[MergeRecord]:
        """Returns the merges a customer took part in (either side), newest first."""
        return [parse(MergeRecord, b)
                for b in self._core.list_merges(_args.string("customer_id", customer_id))]

    def stitch(self, anonymous: IdentitySpec, known: IdentitySpec, *,
               actor: str) -> Optional[MergeRecord]:
        """An anonymous visitor identified themselves: merges the customer
        owning ``anonymous`` (e.g. {"cookie": "ck-1"}) into the one owning
        ``known`` (e.g. {"email": "a@example.com"}), keeping whichever holds
        the higher-priority identity kind. When nobody owns ``known`` it is
        linked to the anonymous customer instead. Each identity is an
        Identity or a dict with one of link_identity()'s keyword arguments.
        Returns the merge, or None when nothing had to be merged.

        Raises NotFoundError if nobody owns ``anonymous``; merge()'s errors.
        """
        merged = self._core.stitch(_identity.from_spec(anonymous, "anonymous"),
                                         _identity.from_spec(known, "known"),
                                         _args.string("actor", actor))
        return None if merged is None else parse(MergeRecord, merged)

    def erase(self, customer_id: str, *, actor: str) -> ErasureReceipt:
        """Erases a customer's personal data in one transaction (identities,
        profile, interaction summaries and attributes, case subjects, merge
        records) and checkpoints the WAL so no copy stays in the file.
        Returns what was removed.

        Raises NotFoundError if unknown; FailedPreconditionError if erased
        already or merged away.
        """
        return parse(ErasureReceipt, self._core.erase(
            _args.string("customer_id", customer_id), _args.string("actor", actor)))

    def purge(self, now: Optional[_dt.datetime] = None) -> int:
        """Deletes interactions older than the retention policy allows at
        ``now`` (default: the store's clock); returns how many."""
        return int(self._core.purge(_args.opt_micros("now", now)))

    def set_consent(self, customer_id: str, purpose: str, state: str, *,
                    channel: Optional[str] = None, actor: str) -> Customer:
        """Records a consent decision, replacing the previous one for the
        same purpose and channel, and audits it. ``state`` is "granted",
        "denied" or "revoked"; ``channel`` None means every channel.
        Returns the customer.

        Raises InvalidArgumentError for a bad purpose or state; NotFoundError
        if the customer is unknown.
        """
        consent = _convert.fill(model_pb2.Consent(), {
            "purpose": purpose, "state": state, "channel": channel})
        return parse(Customer, self._core.set_consent(
            _args.string("customer_id", customer_id), consent.SerializeToString(),
            _args.string("actor", actor)))

    def list_audit(self, limit: int = 100) -> List[AuditEntry]:
        """Returns audit entries, newest first (at most ``limit``, 1 to 10,000)."""
        return [parse(AuditEntry, b) for b in self._core.list_audit(_args.integer("limit", limit))]
