# SPDX-License-Identifier: Apache-2.0
"""Identity resolution and data protection from Python: merge and unmerge,
stitch, erase, consent, retention and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

import omnictx
from conftest import T0


@pytest.fixture
def two(store, clock):
    """A known caller (A, phone) and an anonymous visitor (B, cookie, one
    page view)."""
    store.upsert_customer("A", display_name="Alice")
    store.link_identity("A", phone="+33612345678")
    store.upsert_customer("B", display_name="Alicia")
    store.link_identity("B", cookie="ck-1")
    page = store.record(customer_id="B", occurred_at=T0, channel="web", kind="page_view")
    return {"page": page}


def test_preview_then_merge_then_unmerge(store, two):
    preview = store.preview_merge("A", "B", actor="ops", default_rule="explicit",
                                  explicit_values={"display_name": "Alice X"})
    assert (preview.dry_run, preview.id) == (True, 0)
    assert [(i.kind, i.value) for i in preview.identities_moved] == [("cookie", "ck-1")]
    assert preview.interactions_moved == [two["page"]]
    [choice] = preview.fields
    assert (choice.field, choice.taken_from, choice.rule, choice.value) == (
        "display_name", "explicit", "explicit", "Alice X")
    assert store.resolve(cookie="ck-1") == "B"  # a preview writes nothing

    merged = store.merge("A", "B", actor="ops")
    assert merged.id > 0 and merged.dry_run is False
    assert (merged.survivor_id, merged.absorbed_id, merged.actor) == ("A", "B", "ops")
    assert merged.fields[0].taken_from == "survivor"
    assert merged.absorbed_before.display_name == "Alicia"
    assert store.resolve(cookie="ck-1") == "A"
    absorbed = store.get_customer("B")
    assert (absorbed.status, absorbed.merged_into) == ("merged", "A")
    assert store.lookup(cookie="ck-1").customer.id == "A"
    assert [i.id for i in store.timeline("A")] == [two["page"]]
    assert [m.id for m in store.list_merges("A")] == [merged.id]

    undone = store.unmerge(merged.id, actor="ops")
    assert undone.unmerged_at == T0 and undone.unmerged_by == "ops"
    assert store.resolve(cookie="ck-1") == "B"
    with pytest.raises(omnictx.FailedPreconditionError):
        store.unmerge(merged.id, actor="ops")


def test_merge_errors(store, two):
    with pytest.raises(omnictx.InvalidArgumentError,
                       match="^merge: survivor and absorbed are the same customer$"):
        store.merge("A", "A", actor="ops")
    with pytest.raises(omnictx.InvalidArgumentError, match="^actor"):
        store.merge("A", "B", actor="")
    with pytest.raises(omnictx.NotFoundError, match="^absorbed_id: no such customer$"):
        store.merge("A", "Z", actor="ops")
    with pytest.raises(omnictx.InvalidArgumentError, match="^default_rule: unknown rule"):
        store.merge("A", "B", actor="ops", default_rule="coin_toss")
    with pytest.raises(TypeError):
        store.merge("A", "B")  # the actor is required  # type: ignore[call-arg]
    assert store.resolve(cookie="ck-1") == "B"


def test_stitch(store, two):
    store.upsert_customer("C")
    store.link_identity("C", cookie="ck-2")
    merged = store.stitch({"cookie": "ck-2"}, {"phone": "06 12 34 56 78"}, actor="login")
    assert (merged.survivor_id, merged.absorbed_id) == ("A", "C")  # phone beats cookie
    assert store.resolve(cookie="ck-2") == "A"
    # Nobody owns the email yet: it joins the anonymous customer, no merge.
    assert store.stitch(omnictx.Identity(kind="cookie", value="ck-1"),
                        {"email": "new@example.com"}, actor="login") is None
    assert store.resolve(email="new@example.com") == "B"
    with pytest.raises(omnictx.NotFoundError):
        store.stitch({"cookie": "ck-unknown"}, {"email": "x@example.com"}, actor="login")
    with pytest.raises(omnictx.InvalidArgumentError, match="^known: identity: give exactly one"):
        store.stitch({"cookie": "ck-1"}, {"email": "a@example.com", "phone": "+33612345678"},
                     actor="login")


def test_erase_forgets_the_person(store, two):
    store.link_identity("B", email="alicia@example.com")
    store.record(customer_id="B", occurred_at=T0, channel="email", kind="email_received",
                 summary="My address is 1 rue de la Paix")
    receipt = store.erase("B", actor="dpo")
    assert (receipt.identities_removed, receipt.interactions_scrubbed,
            receipt.tombstones_written, receipt.checkpointed) == (2, 2, 2, True)
    assert store.resolve(cookie="ck-1") is None
    assert store.lookup(email="alicia@example.com").known is False
    with pytest.raises(omnictx.NotFoundError):
        store.get_customer("B")  # the id itself was replaced
    with pytest.raises(omnictx.FailedPreconditionError,
                       match="^identity: belongs to an erased customer"):
        store.link_identity("A", cookie="ck-1")
    assert store.link_identity("A", cookie="ck-1", allow_erased=True).customer_id == "A"
    [entry] = [a for a in store.list_audit() if a.action == "erase"]
    assert (entry.actor, entry.id) == ("dpo", receipt.audit_id)
    assert "Alicia" not in entry.detail and "rue de la Paix" not in entry.detail


def test_consent_and_audit(store, two, clock):
    clock.advance(dt.timedelta(minutes=5))
    customer = store.set_consent("A", "marketing", "granted", channel="email",
                                 actor="web-form")
    [consent] = customer.consents
    assert (consent.purpose, consent.channel, consent.state, consent.updated_at) == (
        "marketing", "email", "granted", T0 + dt.timedelta(minutes=5))
    customer = store.set_consent("A", "marketing", "revoked", channel="email", actor="ivr")
    assert [c.state for c in customer.consents] == ["revoked"]
    assert [c.state for c in store.lookup(phone="+33612345678").consents] == ["revoked"]
    audit = store.list_audit(limit=10)
    assert [(a.action, a.actor) for a in audit] == [("consent", "ivr"), ("consent", "web-form")]
    assert audit[0].at == T0 + dt.timedelta(minutes=5)
    with pytest.raises(omnictx.InvalidArgumentError, match="^state: unknown"):
        store.set_consent("A", "marketing", "maybe", actor="x")
    with pytest.raises(omnictx.InvalidArgumentError, match="^limit: must be 1 to 10000$"):
        store.list_audit(limit=0)


def test_purge_applies_the_retention_policy(db_path, clock):
    retention = {"max_age_by_channel": {"web": dt.timedelta(days=30)},
                 "max_age_by_kind": {"call": dt.timedelta(days=365)}, "batch_size": 2}
    with omnictx.Store.open(db_path, clock=clock, retention=retention) as s:
        s.upsert_customer("A")
        old = [s.record(customer_id="A", occurred_at=T0 - dt.timedelta(days=40 + k),
                        channel="web", kind="page_view") for k in range(3)]
        kept = [s.record(customer_id="A", occurred_at=T0 - dt.timedelta(days=10),
                         channel="web", kind="page_view"),
                s.record(customer_id="A", occurred_at=T0 - dt.timedelta(days=40),
                         channel="voice", kind="call")]
        assert s.purge(now=T0 - dt.timedelta(days=20)) == 0
        assert s.purge() == len(old)
        assert sorted(i.id for i in s.timeline("A")) == sorted(kept)
    with pytest.raises(omnictx.InvalidArgumentError,
                       match="^retention: no setting max_age \\(allowed: "):
        omnictx.Store.open(db_path, retention={"max_age": 1})
    with pytest.raises(omnictx.InvalidArgumentError,
                       match="^retention.max_age_by_channel: unknown"):
        omnictx.Store.open(db_path, retention={"max_age_by_channel": {"fax": 1}})


def test_identity_policy_guards(db_path, clock):
    policy = {"blocked_values": ["+33100000001"],
              "limits": [{"kind": "device", "max_count": 1, "window": None}]}
    with omnictx.Store.open(db_path, clock=clock, identity_policy=policy) as s:
        s.upsert_customer("A")
        with pytest.raises(omnictx.FailedPreconditionError, match="blocked_value"):
            s.link_identity("A", phone="+33100000001")
        s.link_identity("A", device="dev-1")
        with pytest.raises(omnictx.FailedPreconditionError, match="kind_limit"):
            s.link_identity("A", device="dev-2")
    with pytest.raises(omnictx.InvalidArgumentError,
                       match="^identity_policy.limits: no setting max"):
        omnictx.Store.open(db_path, identity_policy={"limits": [{"kind": "device", "max": 1}]})
