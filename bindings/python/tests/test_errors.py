# SPDX-License-Identifier: Apache-2.0
"""Status codes become omnictx.errors classes: the mapping table for every
code, then every code the store can be made to return."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

import omnictx
from omnictx import _omnictx, errors
from conftest import HOME_LOAN, T0

# Every absl::StatusCode but OK, with its class.
CODES = {
    1: errors.CancelledError,
    2: errors.UnknownError,
    3: errors.InvalidArgumentError,
    4: errors.DeadlineExceededError,
    5: errors.NotFoundError,
    6: errors.AlreadyExistsError,
    7: errors.PermissionDeniedError,
    8: errors.ResourceExhaustedError,
    9: errors.FailedPreconditionError,
    10: errors.AbortedError,
    11: errors.OutOfRangeError,
    12: errors.UnimplementedError,
    13: errors.InternalError,
    14: errors.UnavailableError,
    15: errors.DataLossError,
    16: errors.UnauthenticatedError,
}


# ---- The mapping table ----

@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_maps_to_its_class_through_the_translator(code):
    cls = CODES[code]
    assert errors.error_class(code) is cls
    assert cls.code == code
    assert cls.code_name == _omnictx._status_code_name(code)
    assert cls.__name__ in omnictx.__all__ and getattr(omnictx, cls.__name__) is cls
    with pytest.raises(cls) as raised:
        _omnictx._raise_status(code, "field: the problem")
    assert type(raised.value) is cls
    assert isinstance(raised.value, omnictx.Error)
    assert str(raised.value) == "field: the problem"  # no code prefix, no quotes
    assert raised.value.args == ("field: the problem",)
    assert isinstance(raised.value, ValueError) == (cls is errors.InvalidArgumentError)
    assert isinstance(raised.value, KeyError) == (cls is errors.NotFoundError)


@pytest.mark.parametrize("code", [0, 17, 99, -1])
def test_codes_outside_the_table_are_unknown_errors(code):
    assert errors.error_class(code) is errors.UnknownError
    with pytest.raises(errors.UnknownError, match="^odd$"):
        _omnictx._raise_status(code, "odd")


def test_the_table_covers_every_class_once():
    classes = [getattr(errors, name) for name in errors.__all__
               if isinstance(getattr(errors, name), type) and name != "Error"]
    assert sorted(classes, key=lambda c: c.code) == [CODES[c] for c in sorted(CODES)]


def test_not_found_reads_as_a_sentence_not_a_quoted_key():
    e = errors.NotFoundError("customer_id: no such customer")
    assert str(e) == "customer_id: no such customer"
    assert str(KeyError("x")) == "'x'"  # what the override avoids


# ---- Codes the store returns ----

def test_invalid_argument(store):
    store.upsert_customer("cust-1")
    with pytest.raises(omnictx.InvalidArgumentError) as raised:
        store.link_identity("cust-1", phone="112")
    assert str(raised.value) == "phone: short or emergency code"
    assert isinstance(raised.value, ValueError)
    with pytest.raises(ValueError, match="^email: malformed$"):
        store.link_identity("cust-1", email="camille.example.com")
    with pytest.raises(omnictx.InvalidArgumentError,
                       match=r"^path: URI file names \(file:\.\.\.\) are not accepted$"):
        omnictx.Store.open("file:x.db?nolock=1")
    # Nothing was written.
    assert store.get_customer("cust-1").identities == []


def test_not_found(store, tmp_path):
    with pytest.raises(omnictx.NotFoundError) as raised:
        store.get_customer("nobody")
    assert str(raised.value) == "customer_id: no such customer"
    assert isinstance(raised.value, KeyError)
    with pytest.raises(KeyError, match="^case_id: no such case 999$"):
        store.get_case(999)
    with pytest.raises(omnictx.NotFoundError, match="^open: database file does not exist$"):
        omnictx.Store.open(str(tmp_path / "missing.db"), create_if_missing=False)
    assert not (tmp_path / "missing.db").exists()


def test_already_exists(store, clock):
    store.upsert_customer("cust-a")
    store.upsert_customer("cust-b")
    store.link_identity("cust-a", phone="+33612345678")
    with pytest.raises(omnictx.AlreadyExistsError,
                       match="^identity: already linked to customer cust-a$"):
        store.link_identity("cust-b", phone="06 12 34 56 78")
    first = store.record(customer_id="cust-a", occurred_at=T0, external_id="evt-1")
    assert store.record(customer_id="cust-a", occurred_at=T0, external_id="evt-1") == first
    with pytest.raises(omnictx.AlreadyExistsError,
                       match=f"^external_id: already used by interaction {first}$"):
        store.record(customer_id="cust-b", occurred_at=T0, external_id="evt-1")
    assert store.resolve(phone="+33612345678") == "cust-a"


def test_failed_precondition(store, db_path, clock, tmp_path):
    store.upsert_customer("cust-1")
    store.define_journey(HOME_LOAN)
    inst = store.start_journey("cust-1", "home_loan")
    with pytest.raises(omnictx.FailedPreconditionError,
                       match="^transition simulate\u2192approved not allowed$"):
        store.advance_journey(inst.id, "approved")
    assert store.get_journey_instance(inst.id).current_step == "simulate"

    with omnictx.Store.open(db_path, read_only=True, clock=clock) as reader:
        assert reader.get_customer("cust-1").id == "cust-1"
        with pytest.raises(omnictx.FailedPreconditionError, match="^store: opened read-only$"):
            reader.upsert_customer("cust-2")

    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_bytes(b"this is not a database file, just text. " * 200)
    with pytest.raises(omnictx.FailedPreconditionError,
                       match="^open: the file is not an SQLite database$"):
        omnictx.Store.open(str(not_a_db))


def test_calls_after_close_fail_cleanly(store):
    store.close()
    store.close()  # twice is fine
    assert store.closed
    with pytest.raises(omnictx.FailedPreconditionError, match="^store: closed$"):
        store.lookup(phone="+33612345678")


def test_unavailable_when_another_writer_holds_the_lock(store, db_path):
    store.upsert_customer("cust-1")
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with omnictx.Store.open(db_path, busy_timeout=dt.timedelta(milliseconds=20)) as s:
            with pytest.raises(omnictx.UnavailableError) as raised:
                s.upsert_customer("cust-2", display_name="Secret Name")
            assert "Secret Name" not in str(raised.value)
            assert "locked" in str(raised.value)
            assert s.get_customer("cust-1").id == "cust-1"  # reads still work
        other.execute("ROLLBACK")
    finally:
        other.close()
    with pytest.raises(omnictx.NotFoundError):
        store.get_customer("cust-2")


def test_data_loss_when_a_stored_row_is_damaged(store, db_path):
    store.define_journey(HOME_LOAN)
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("UPDATE journeys SET body = x'ffffffff'")
    finally:
        other.close()
    with pytest.raises(omnictx.DataLossError,
                       match="^stored journey definition does not parse$"):
        store.get_journey("home_loan")


# ---- Errors raised before the C++ call ----

def test_python_side_invalid_arguments(store):
    store.upsert_customer("cust-1")
    with pytest.raises(omnictx.InvalidArgumentError, match="^channel.kind: unknown \\(allowed: "
                       "voice, ivr, web, chat, email, sms, messaging, social, mobile_app, "
                       "store, video, other\\)$"):
        store.record(customer_id="cust-1", occurred_at=T0, channel="fax")
    with pytest.raises(omnictx.InvalidArgumentError, match="^identity: give exactly one of"):
        store.link_identity("cust-1", phone="+33612345678", email="a@example.com")
    with pytest.raises(omnictx.InvalidArgumentError, match="^identity: give exactly one of"):
        store.resolve()
    with pytest.raises(omnictx.InvalidArgumentError,
                       match="^lookup: give exactly one of identity and customer_id$"):
        store.lookup(phone="+33612345678", customer_id="cust-1")
    with pytest.raises(omnictx.InvalidArgumentError,
                       match="^region: only applies to phone numbers$"):
        store.resolve(email="a@example.com", region="FR")
    with pytest.raises(omnictx.InvalidArgumentError, match="^status: unknown \\(allowed: "):
        store.set_case_status(1, "archived")
    with pytest.raises(omnictx.InvalidArgumentError, match="^durability: must be normal or full$"):
        omnictx.Store.open(store.path, durability="paranoid")
    assert list(store.timeline("cust-1")) == []


def test_wrong_types_raise_type_error(store):
    with pytest.raises(TypeError, match="^customer_id: expected a str, got int$"):
        store.get_customer(42)
    with pytest.raises(TypeError, match="^social: expected a \\(platform, handle\\) pair"):
        store.resolve(social="@camille")
    with pytest.raises(TypeError, match="^occurred_at: expected a datetime, got str$"):
        store.record(customer_id="c", occurred_at="2026-03-02T09:00:00Z")
    with pytest.raises(TypeError, match="^clock: expected omnictx.FakeClock"):
        omnictx.Store.open(store.path, clock=object())


def test_batch_errors_name_the_item_and_write_nothing(store):
    store.upsert_customer("cust-1")
    good = {"customer_id": "cust-1", "occurred_at": T0, "kind": "page_view"}
    with pytest.raises(omnictx.InvalidArgumentError, match="^batch\\[1\\]: occurred_at: naive"):
        store.record_batch([good, dict(good, occurred_at=dt.datetime(2026, 3, 2, 9))])
    with pytest.raises(omnictx.NotFoundError,
                       match="^batch\\[1\\]: customer_id: no such customer$"):
        store.record_batch([good, dict(good, customer_id="nobody")])
    assert list(store.timeline("cust-1")) == []
    assert len(store.record_batch([good, good])) == 2
