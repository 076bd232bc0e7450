# SPDX-License-Identifier: Apache-2.0
"""Entities travel as protobuf bytes and JSON, read as Python values, and a
Context renders for IVRs (flat map) and agents (text)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from google.protobuf import json_format

import omnictx
import omnictx.proto
from omnictx.v1 import context_pb2, journey_pb2, model_pb2
from conftest import HOME_LOAN, T0

FLAT_KEYS = {
    "known", "customer_id", "name", "language", "matched_kind", "matched_value",
    "route_bypass", "route_kind", "route_target", "route_priority", "route_reason",
    "route_rule", "journey", "journey_step", "journey_skill", "journey_stalled",
    "journey_minutes_in_step", "journeys", "case_id", "case_owner", "case_status",
    "case_priority", "cases", "last_channel", "last_touchpoint", "last_minutes_ago",
    "suggestion",
}


@pytest.fixture
def ctx(store, clock) -> omnictx.Context:
    """Story 1's answer, plus a consent and an open case owned by an agent."""
    store.upsert_customer("cust-1", display_name="Camille Martin", language="fr-FR",
                          attributes={"tier": "gold"},
                          consents=[{"purpose": "marketing", "channel": "email",
                                     "state": "granted"}])
    store.link_identity("cust-1", phone="06 12 34 56 78")
    store.define_journey(HOME_LOAN)
    store.start_journey("cust-1", "home_loan")
    case = store.open_case("cust-1", "Missing payslip", owner_agent="agent-ana")
    clock.advance(dt.timedelta(minutes=10))
    store.record(customer_id="cust-1", occurred_at=clock.now(), channel="web",
                 touchpoint="web.upload", kind="page_view", case_id=case.id,
                 attributes={"page": "/upload"})
    clock.advance(dt.timedelta(minutes=4))
    return store.lookup(phone="+33612345678", channel="ivr")


def test_proto_bytes_round_trip(ctx):
    data = ctx.to_proto_bytes()
    assert isinstance(data, bytes)
    message = context_pb2.Context.FromString(data)
    assert message.known is True
    assert message.routing.target == "agent-ana"
    assert message.routing.target_kind == context_pb2.ROUTE_TARGET_KIND_AGENT
    assert [(a.key, a.value) for a in message.customer.attributes] == [("tier", "gold")]
    again = omnictx.Context.from_proto_bytes(data)
    assert again == ctx
    assert again.to_proto_bytes() == data
    assert omnictx.Context.from_proto_bytes(message.SerializeToString()) == ctx
    assert ctx.to_proto() == message
    with pytest.raises(omnictx.InvalidArgumentError, match="^Context: malformed proto bytes$"):
        omnictx.Context.from_proto_bytes(b"\xff\xff\xff")


def test_json_parses_with_json_and_with_the_generated_message(ctx):
    text = ctx.to_json()
    assert "\n" not in text
    data = json.loads(text)
    assert data["known"] is True
    assert data["customer"]["displayName"] == "Camille Martin"
    assert data["routing"]["targetKind"] == "ROUTE_TARGET_KIND_AGENT"
    assert data["routing"]["rule"] == "case_owner"
    assert data["journeys"][0]["timeInStep"] == "240s"
    assert data["asOf"] == "2026-03-02T09:14:00Z"
    assert data["openCases"][0]["id"] == str(ctx.open_cases[0].id)  # int64 as a string
    parsed = json_format.Parse(text, context_pb2.Context())
    assert parsed == ctx.to_proto()
    assert omnictx.Context.from_json(text) == ctx
    pretty = ctx.to_json(pretty=True)
    assert "\n" in pretty and json.loads(pretty) == data


def test_to_dict_is_the_json_mapping(ctx):
    assert ctx.to_dict() == json.loads(ctx.to_json())
    snake = ctx.to_dict(proto_field_names=True)
    assert snake["routing"]["target_kind"] == "ROUTE_TARGET_KIND_AGENT"
    assert snake["matched_identity"]["value"] == "+33612345678"
    customer = ctx.customer
    assert customer.to_dict() == json.loads(customer.to_json())
    assert customer.to_dict()["consents"][0]["state"] == "CONSENT_STATE_GRANTED"
    # Attributes are a list of key/value entries in JSON, a dict in Python.
    assert customer.to_dict()["attributes"] == [{"key": "tier", "value": "gold"}]
    assert customer.attributes == {"tier": "gold"}


def test_json_errors():
    with pytest.raises(omnictx.InvalidArgumentError, match="^omnictx.v1.Context: "):
        omnictx.Context.from_json('{"bogus": 1}')
    with pytest.raises(omnictx.InvalidArgumentError, match="nested deeper than 64 levels"):
        omnictx.Context.from_json("[" * 20000)
    with pytest.raises(omnictx.InvalidArgumentError):
        omnictx.Case.from_json('{"id": "not a number"}')


def test_fields_read_as_python_values(ctx):
    assert ctx.customer.preferred_channel is None
    assert ctx.customer.attributes == {"tier": "gold"}
    assert ctx.customer.status == "active"
    [consent] = ctx.consents
    assert (consent.purpose, consent.channel, consent.state) == ("marketing", "email", "granted")
    assert consent.updated_at == T0
    [case] = ctx.open_cases
    assert (case.status, case.priority, case.owner_agent) == ("open", "normal", "agent-ana")
    [recent] = ctx.recent
    assert recent.attributes == {"page": "/upload"}
    assert recent.direction == "inbound"
    assert str(recent.channel) == "web"
    assert recent.wait_time is None  # unset message fields read as None
    assert ctx.last_contact.ago == dt.timedelta(minutes=4)
    assert ctx.routing.priority == 2  # the case's normal priority
    assert "routing" in dir(ctx)


def test_flat_map_keys_and_values(ctx):
    flat = ctx.flat()
    assert set(flat) == FLAT_KEYS
    assert all(isinstance(v, str) for v in flat.values())
    case_id = str(ctx.open_cases[0].id)
    assert flat == {
        "known": "1", "customer_id": "cust-1", "name": "Camille Martin", "language": "fr-FR",
        "matched_kind": "phone", "matched_value": "+33612345678",
        "route_bypass": "1", "route_kind": "agent", "route_target": "agent-ana",
        "route_priority": "2", "route_reason": f"open case {case_id} owned by agent-ana",
        "route_rule": "case_owner",
        "journey": "home_loan", "journey_step": "upload_documents",
        "journey_skill": "documents", "journey_stalled": "0",
        "journey_minutes_in_step": "4", "journeys": "1",
        "case_id": case_id, "case_owner": "agent-ana", "case_status": "open",
        "case_priority": "normal", "cases": "1",
        "last_channel": "web", "last_touchpoint": "web.upload", "last_minutes_ago": "4",
        "suggestion": "",
    }


def test_unknown_caller_flat_map_has_every_key(store):
    flat = store.lookup(phone="+33798765432").flat()
    assert set(flat) == FLAT_KEYS
    assert (flat["known"], flat["customer_id"], flat["route_rule"]) == (
        "0", "", "unknown_caller")


def test_text_rendering(ctx, store):
    text = ctx.to_text()
    assert text.endswith("\n")
    for expected in ("Camille Martin", "agent-ana", "upload_documents", "home_loan"):
        assert expected in text
    assert store.lookup(phone="+33798765432").to_text().startswith("Unknown caller\n")


def test_every_entity_round_trips(store, ctx):
    [inst] = store.list_journey_instances("cust-1")
    objects = [ctx, ctx.customer, ctx.customer.identities[0], ctx.consents[0],
               ctx.open_cases[0], ctx.recent[0], ctx.recent[0].channel, ctx.routing,
               ctx.journeys[0], ctx.last_contact, store.get_journey("home_loan"),
               store.get_journey("home_loan").steps[1], inst, inst.history[0]]
    for obj in objects:
        cls = type(obj)
        assert cls.from_proto_bytes(obj.to_proto_bytes()) == obj
        assert cls.from_json(obj.to_json()) == obj
        assert obj.to_dict() == json.loads(obj.to_json())
        assert repr(obj).startswith(f"omnictx.{cls.__name__}(")


def test_entities_are_read_only_values(ctx):
    with pytest.raises(AttributeError, match="read-only"):
        ctx.known = False
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = ctx.nope
    copy = ctx.to_proto()
    copy.known = False
    assert ctx.known is True
    assert ctx != omnictx.Context.from_proto_bytes(copy.SerializeToString())
    with pytest.raises(TypeError):
        hash(ctx)


def test_entities_built_from_python_values(store):
    journey = omnictx.Journey(HOME_LOAN)
    assert journey.steps[1].stall_after == dt.timedelta(days=1)
    assert journey.steps[3].outcome == "success"
    assert store.define_journey(journey).version == 1
    step = omnictx.JourneyStep(key="a", stallAfter=dt.timedelta(minutes=5))  # JSON names too
    assert step.stall_after == dt.timedelta(minutes=5)
    with pytest.raises(omnictx.InvalidArgumentError, match="^bogus: no such field in Journey$"):
        omnictx.Journey(bogus=1)
    with pytest.raises(omnictx.InvalidArgumentError, match="^steps.outcome: unknown"):
        omnictx.Journey(steps=[{"key": "a", "outcome": "maybe"}])
    with pytest.raises(TypeError, match="^key: expected a str, got int$"):
        omnictx.Journey(key=7)
    # The generated message works as input too.
    pb = journey_pb2.Journey()
    json_format.ParseDict({"key": "other", "steps": [
        {"key": "start", "next": ["done"]},
        {"key": "done", "outcome": "STEP_OUTCOME_SUCCESS"}]}, pb)
    assert store.define_journey(pb).key == "other"


def test_generated_modules_are_importable_both_ways():
    assert omnictx.proto.context_pb2 is context_pb2
    assert omnictx.proto.model_pb2 is model_pb2
    assert context_pb2.Context.DESCRIPTOR.full_name == "omnictx.v1.Context"
