# SPDX-License-Identifier: Apache-2.0
"""The rest of the Store API: customers, identities, touchpoints, journeys,
cases, lookup variants, options and the store's lifetime."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest

import omnictx
from conftest import HOME_LOAN, T0

MIN = dt.timedelta(minutes=1)


def test_customers(store, clock):
    anonymous = store.upsert_customer()
    assert anonymous.id.startswith("cus-")
    assert anonymous.status == "active"
    c = store.upsert_customer("crm-9", display_name="Camille Martin", language="fr-FR",
                              preferred_channel="sms", attributes={"tier": "gold"},
                              consents=[{"purpose": "marketing", "channel": "email",
                                         "state": "granted"}])
    assert (c.id, c.display_name, c.language, c.preferred_channel) == (
        "crm-9", "Camille Martin", "fr-FR", "sms")
    assert c.attributes == {"tier": "gold"}
    assert [(k.purpose, k.channel, k.state) for k in c.consents] == [
        ("marketing", "email", "granted")]
    assert c.created_at == c.updated_at == T0
    assert c.last_seen_at is None
    clock.advance(MIN)
    updated = store.upsert_customer("crm-9", display_name="Camille M.", attributes={"tier": "gold"})
    assert updated.display_name == "Camille M."
    # The profile given replaces the stored one: what is left out is cleared.
    assert (updated.language, updated.preferred_channel, updated.consents) == ("", None, [])
    assert (updated.created_at, updated.updated_at) == (T0, T0 + MIN)
    assert store.get_customer("crm-9") == updated
    store.record(customer_id="crm-9", occurred_at=clock.now(), channel="chat")
    seen = store.get_customer("crm-9")
    assert (seen.last_seen_at, seen.last_seen_channel.kind) == (clock.now(), "chat")
    with pytest.raises(omnictx.InvalidArgumentError, match="^attributes"):
        store.upsert_customer("crm-9", attributes={"bad key!": "x"})
    with pytest.raises(TypeError, match="^attributes: expected a dict, got list$"):
        store.upsert_customer("crm-9", attributes=[("tier", "gold")])
    with pytest.raises(TypeError, match="^attributes: expected a str, got int$"):
        store.upsert_customer("crm-9", attributes={"tier": 3})
    # Read back in key order, whatever order the dict had.
    sorted_back = store.upsert_customer("crm-9", attributes={"z": "1", "a": "2"})
    assert list(sorted_back.attributes) == ["a", "z"]


def test_identities(store):
    store.upsert_customer("cust-1")
    email = store.link_identity("cust-1", email="  Camille.Martin@Example.COM ")
    assert (email.kind, email.value, email.customer_id) == ("email", "camille.martin@example.com",
                                                             "cust-1")
    social = store.link_identity("cust-1", social=("twitter", "@CamilleM"))
    assert (social.kind, social.platform) == ("social", "twitter")
    store.link_identity("cust-1", messaging=("whatsapp", "+33612345678"))
    store.link_identity("cust-1", crm_id="CRM-0042")
    store.link_identity("cust-1", phone="06 12 34 56 78", region="FR")
    kinds = sorted(i.kind for i in store.get_customer("cust-1").identities)
    assert kinds == ["crm_id", "email", "messaging", "phone", "social"]
    assert store.link_identity("cust-1", email="camille.martin@example.com") == email  # again: fine
    normalized = store.normalize(phone="+1 (650) 253-0000")
    assert (normalized.kind, normalized.value, normalized.customer_id) == (
        "phone", "+16502530000", "")
    assert store.resolve(phone="+16502530000") is None  # normalize wrote nothing
    assert store.resolve(identity=email) == "cust-1"
    assert store.resolve(identity={"kind": "crm_id", "value": "CRM-0042"}) == "cust-1"
    assert store.resolve(social=("twitter", "@CamilleM")) == "cust-1"
    store.unlink_identity(email="camille.martin@example.com")
    assert store.resolve(email="camille.martin@example.com") is None
    with pytest.raises(omnictx.NotFoundError, match="^identity: not linked to any customer$"):
        store.unlink_identity(email="camille.martin@example.com")


def test_touchpoints(store):
    store.register_touchpoint("web.upload", "web", direction="inbound",
                              description="Document upload page")
    store.register_touchpoint("msg.whatsapp", "messaging", provider="whatsapp")
    points = store.list_touchpoints()
    assert [p.key for p in points] == ["msg.whatsapp", "web.upload"]
    assert (points[0].channel.kind, points[0].channel.provider) == ("messaging", "whatsapp")
    assert str(points[0].channel) == "messaging/whatsapp"
    assert (points[1].direction, points[1].description) == ("inbound", "Document upload page")
    with pytest.raises(omnictx.InvalidArgumentError, match="^touchpoint.channel.kind: unknown"):
        store.register_touchpoint("x.y", None)  # type: ignore[arg-type]


def test_journey_versions_and_instances(store, clock):
    assert store.define_journey(HOME_LOAN).version == 1
    assert store.define_journey(HOME_LOAN).version == 1  # identical: no new version
    v2 = store.define_journey(dict(HOME_LOAN, name="Home loan (2026)"))
    assert v2.version == 2
    assert store.get_journey("home_loan", version=1).name == "Home loan"
    assert [(j.key, j.version) for j in store.list_journeys()] == [("home_loan", 2)]

    store.upsert_customer("cust-1")
    clock.advance(MIN)
    iid = store.record(customer_id="cust-1", occurred_at=T0, channel="web",
                       touchpoint="web.simulator", kind="page_view")
    inst = store.start_journey("cust-1", "home_loan", interaction_id=iid)
    assert (inst.journey_version, inst.status, inst.current_step) == (2, "active", "simulate")
    assert inst.started_at == T0
    assert (inst.history[0].to_step, inst.history[0].channel.kind,
            inst.history[0].interaction_id) == ("simulate", "web", iid)
    with pytest.raises(omnictx.AlreadyExistsError, match="already runs active instance"):
        store.start_journey("cust-1", "home_loan")
    for step in ("upload_documents", "review", "approved"):
        inst = store.advance_journey(inst.id, step)
    assert (inst.status, inst.current_step, inst.ended_at) == ("completed", "approved", clock.now())
    assert [t.to_step for t in inst.history] == [
        "simulate", "upload_documents", "review", "approved"]
    assert store.get_journey_instance(inst.id) == inst
    with pytest.raises(omnictx.FailedPreconditionError, match="is no longer active"):
        store.end_journey(inst.id)

    second = store.start_journey("cust-1", "home_loan")
    with pytest.raises(omnictx.InvalidArgumentError,
                       match="^status: must be FAILED or ABANDONED$"):
        store.end_journey(second.id, "completed")
    assert store.end_journey(second.id, "failed").status == "failed"
    assert [i.id for i in store.list_journey_instances("cust-1")] == [second.id, inst.id]
    assert store.find_customers("home_loan", status="completed") == ["cust-1"]
    assert store.find_customers("home_loan", status="active") == []
    with pytest.raises(omnictx.NotFoundError, match="^to_step: journey home_loan has no step x$"):
        store.advance_journey(store.start_journey("cust-1", "home_loan").id, "x")


def test_define_journey_from_text_json_and_files(store, tmp_path):
    as_json = omnictx.Journey(HOME_LOAN).to_json(pretty=True)
    assert store.define_journey(as_json).key == "home_loan"
    (tmp_path / "loan.json").write_text(as_json.replace("home_loan", "loan_json"))
    assert store.define_journey(tmp_path / "loan.json").key == "loan_json"
    (tmp_path / "quick.textproto").write_text(
        'key: "quick" steps { key: "a" next: "b" } '
        'steps { key: "b" outcome: STEP_OUTCOME_SUCCESS }')
    assert store.define_journey(str(tmp_path / "quick.textproto")).key == "quick"
    assert store.define_journey(pathlib.Path(tmp_path / "quick.textproto")).version == 1
    with pytest.raises(omnictx.InvalidArgumentError, match="^journey text: line 1 column"):
        store.define_journey('key: "broken" steps {')
    with pytest.raises(omnictx.NotFoundError, match="cannot open$"):
        store.define_journey(tmp_path / "missing.json")
    with pytest.raises(omnictx.InvalidArgumentError, match="dangling"):
        store.define_journey({"key": "bad", "steps": [
            {"key": "a", "next": ["dangling"]}, {"key": "b", "outcome": "success"}]})
    with pytest.raises(TypeError, match="^definition: expected"):
        store.define_journey(42)


def test_cases(store, clock):
    store.upsert_customer("cust-1")
    store.define_journey(HOME_LOAN)
    inst = store.start_journey("cust-1", "home_loan")
    case = store.open_case("cust-1", "Documents rejected", priority="urgent",
                           owner_agent="agent-ana", queue="loans", journey_instance_id=inst.id)
    assert (case.customer_id, case.priority, case.journey_instance_id) == (
        "cust-1", "urgent", inst.id)
    assert store.assign_case(case.id, None).owner_agent == ""
    pending = store.set_case_status(case.id, "pending")
    assert pending.status == "pending"
    [suggestion] = store.lookup(customer_id="cust-1").suggestions
    assert (suggestion.kind, suggestion.case_id) == ("follow_up_case", case.id)
    clock.advance(MIN)
    closed = store.set_case_status(case.id, "closed")
    assert (closed.status, closed.closed_at) == ("closed", T0 + MIN)
    reopened = store.set_case_status(case.id, "open")
    assert (reopened.resolved_at, reopened.closed_at) == (None, None)
    assert [c.id for c in store.list_cases("cust-1")] == [case.id]
    with pytest.raises(omnictx.NotFoundError, match="^customer_id: no such customer$"):
        store.open_case("nobody", "x")


def test_lookup_variants(store, clock):
    store.upsert_customer("cust-1", display_name="Camille")
    store.link_identity("cust-1", messaging=("whatsapp", "+33612345678"))
    store.link_identity("cust-1", device="dev-42")
    store.record(customer_id="cust-1", occurred_at=T0, channel="messaging",
                 provider="whatsapp", kind="message")
    ctx = store.lookup(messaging=("whatsapp", "+33612345678"), recent_limit=0)
    assert ctx.known and ctx.recent == []
    assert ctx.asked_from.kind == "ivr"  # the default door
    assert (ctx.last_contact.channel.kind, ctx.last_contact.channel.provider) == (
        "messaging", "whatsapp")
    assert store.lookup(device="dev-42", channel="mobile_app").asked_from.kind == "mobile_app"
    identity = store.get_customer("cust-1").identities[0]
    assert store.lookup(identity=identity).customer.id == "cust-1"
    assert store.lookup(customer_id="cust-1").matched_identity is None
    assert not store.lookup(customer_id="nobody").known
    with pytest.raises(omnictx.InvalidArgumentError, match="^recent_limit: must be 0 to 200$"):
        store.lookup(customer_id="cust-1", recent_limit=201)
    with pytest.raises(omnictx.InvalidArgumentError, match="^channel: unknown"):
        store.lookup(customer_id="cust-1", channel="fax")
    with pytest.raises(TypeError, match="^available_agents: expected a list of str"):
        store.lookup(customer_id="cust-1", available_agents="agent-ana")


def test_lookup_audiences(store, clock):
    store.upsert_customer("cust-9", display_name="Zoe", attributes={"note": "zq-secret-attr"})
    store.link_identity("cust-9", phone="+33698765431")
    store.link_identity("cust-9", email="zq.secret@example.com")
    store.record(customer_id="cust-9", occurred_at=T0, channel="web", kind="page_view",
                 summary="zq-secret-summary")
    secrets = ("698765431", "zq.secret@example.com", "zq-secret-attr", "zq-secret-summary")
    full = store.lookup(phone="+33698765431").to_json()  # the agent view by default
    assert all(secret in full for secret in secrets)
    assert store.lookup(phone="+33698765431", audience="agent").to_json() == full
    for audience in ("ivr", "public_web"):
        ctx = store.lookup(phone="+33698765431", audience=audience)
        assert ctx.known and ctx.customer.display_name == "Zoe"
        assert not any(secret in ctx.to_json() for secret in secrets), audience
        assert ctx.recent == [] and ctx.matched_identity.kind == "phone"
    assert store.lookup(phone="+33698765431", audience="ivr").customer.id == "cust-9"
    assert not store.lookup(phone="+33698765431", audience="public_web").customer.id
    with pytest.raises(omnictx.InvalidArgumentError, match="^audience: unknown"):
        store.lookup(customer_id="cust-9", audience="root")
    with pytest.raises(TypeError, match="^audience: expected a str"):
        store.lookup(customer_id="cust-9", audience=1)


def test_audience_policy_is_configuration(db_path, clock):
    audiences = {"ivr": ["customer_id", "display_name", "attributes"], "public_web": []}
    with omnictx.Store.open(db_path, clock=clock, audiences=audiences) as store:
        store.upsert_customer("cust-9", display_name="Zoe", attributes={"tier": "gold"})
        store.link_identity("cust-9", email="zoe@example.com")
        ivr = store.lookup(email="zoe@example.com", audience="ivr")
        assert (ivr.customer.id, ivr.customer.attributes) == ("cust-9", {"tier": "gold"})
        assert ivr.customer.identities == []
        assert "Zoe" not in store.lookup(email="zoe@example.com", audience="public_web").to_json()
        agent = store.lookup(email="zoe@example.com")  # not listed: its default, everything
        assert [i.value for i in agent.customer.identities] == ["zoe@example.com"]
    with pytest.raises(omnictx.InvalidArgumentError, match="^audiences: unknown audience"):
        omnictx.Store.open(db_path, clock=clock, audiences={"root": ["routing"]})
    with pytest.raises(omnictx.InvalidArgumentError, match="^audiences: unknown part"):
        omnictx.Store.open(db_path, clock=clock, audiences={"ivr": ["email"]})


def test_routing_options(db_path, clock):
    routing = {"order": ["stalled_journey"], "priority_attribute": "tier",
               "attribute_priority": {"gold": 7}}
    with omnictx.Store.open(db_path, default_region="FR", clock=clock, routing=routing) as s:
        s.upsert_customer("cust-1", attributes={"tier": "gold"})
        s.define_journey(HOME_LOAN)
        inst = s.start_journey("cust-1", "home_loan")
        s.advance_journey(inst.id, "upload_documents")
        clock.advance(dt.timedelta(days=2))
        r = s.lookup(customer_id="cust-1").routing
        assert (r.rule, r.target_kind, r.target, r.priority) == (
            "stalled_journey", "skill", "documents", 7)
        assert r.reason == "stuck for 2 days at step upload_documents of home_loan"
    with pytest.raises(omnictx.InvalidArgumentError, match="^routing.order: unknown rule"):
        omnictx.Store.open(db_path, routing={"order": ["coin_toss"]})
    with pytest.raises(omnictx.InvalidArgumentError, match="^routing: no setting window "):
        omnictx.Store.open(db_path, routing={"window": 5})
    with pytest.raises(omnictx.InvalidArgumentError,
                       match="^options.default_region: must be an ISO 3166"):
        omnictx.Store.open(db_path, default_region="France")
    with pytest.raises(omnictx.InvalidArgumentError,
                       match="^options.max_readers: must be 1 to 64$"):
        omnictx.Store.open(db_path, max_readers=0)


def test_store_lifetime(db_path, clock):
    with pytest.raises(TypeError, match="Store.open"):
        omnictx.Store()
    with omnictx.Store.open(pathlib.Path(db_path), clock=clock, durability="full") as s:
        assert s.path == db_path
        assert repr(s) == f"omnictx.Store({db_path!r}, open)"
        assert s.file_schema_version() == omnictx.schema_version()
        s.check()
    assert s.closed and repr(s).endswith("closed)")
    assert omnictx.__version__ == "0.1.0"
    with omnictx.Store.open(db_path, create_if_missing=False, read_only=True) as reader:
        assert reader.file_schema_version() == omnictx.schema_version()
