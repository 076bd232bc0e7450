# SPDX-License-Identifier: Apache-2.0
"""Times in and out are timezone-aware (UTC out); naive datetimes are
refused; durations are timedeltas; the FakeClock drives the store."""

from __future__ import annotations

import datetime as dt

import pytest

import omnictx
from conftest import HOME_LOAN, T0

UTC = dt.timezone.utc
PARIS_WINTER = dt.timezone(dt.timedelta(hours=1))
NEW_YORK = dt.timezone(dt.timedelta(hours=-5))


@pytest.fixture
def cust(store) -> str:
    store.upsert_customer("cust-1")
    return "cust-1"


def test_naive_datetimes_are_refused_everywhere(store, cust):
    naive = dt.datetime(2026, 3, 2, 9, 0)
    with pytest.raises(omnictx.InvalidArgumentError) as raised:
        store.record(customer_id=cust, occurred_at=naive)
    assert isinstance(raised.value, ValueError)
    assert str(raised.value) == ("occurred_at: naive datetime; give a timezone-aware one "
                                 "(e.g. tzinfo=datetime.timezone.utc)")
    with pytest.raises(ValueError, match="^now: naive datetime"):
        store.stalled(now=naive)
    with pytest.raises(ValueError, match="^since: naive datetime"):
        store.timeline(cust, since=naive)
    with pytest.raises(ValueError, match="^until: naive datetime"):
        store.timeline_page(cust, until=naive)
    with pytest.raises(ValueError, match="^since: naive datetime"):
        store.find_customers("home_loan", since=naive)
    with pytest.raises(ValueError, match="^start: naive datetime"):
        omnictx.FakeClock(naive)
    assert list(store.timeline(cust)) == []


def test_offsets_are_converted_and_results_are_utc(store, cust):
    local = dt.datetime(2026, 3, 2, 10, 30, 0, 123456, tzinfo=PARIS_WINTER)
    iid = store.record(customer_id=cust, occurred_at=local)
    stored = store.get_interaction(iid)
    assert stored.occurred_at == dt.datetime(2026, 3, 2, 9, 30, 0, 123456, tzinfo=UTC)
    assert stored.occurred_at.tzinfo is UTC  # not merely an equal instant
    assert stored.occurred_at == local
    assert stored.recorded_at == T0
    assert stored.recorded_at.tzinfo is UTC
    assert store.get_customer(cust).created_at.tzinfo is UTC


def test_time_windows_compare_instants_not_wall_clocks(store, cust):
    ids = [store.record(customer_id=cust, occurred_at=T0 - dt.timedelta(hours=h))
           for h in range(4)]  # 09:00, 08:00, 07:00, 06:00 UTC
    # 08:00 UTC written as 03:00 in New York; 09:00 UTC as 10:00 in Paris.
    window = store.timeline(cust, since=dt.datetime(2026, 3, 2, 3, 0, tzinfo=NEW_YORK),
                            until=dt.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS_WINTER))
    assert [i.id for i in window] == [ids[1]]


def test_dates_out_of_range_are_refused_by_the_store(store, cust):
    with pytest.raises(omnictx.InvalidArgumentError, match="^occurred_at: out of range"):
        store.record(customer_id=cust, occurred_at=dt.datetime(1969, 12, 31, tzinfo=UTC))
    with pytest.raises(omnictx.InvalidArgumentError, match="^occurred_at: out of range"):
        store.record(customer_id=cust, occurred_at=T0 + dt.timedelta(hours=25))
    # Within the 24 h clock-skew allowance.
    store.record(customer_id=cust, occurred_at=T0 + dt.timedelta(hours=23))


def test_durations_are_timedeltas(store, cust):
    iid = store.record(customer_id=cust, occurred_at=T0, channel="voice",
                       wait_time=dt.timedelta(seconds=1, microseconds=500000),
                       handle_time=2.25)  # seconds, as a number
    stored = store.get_interaction(iid)
    assert stored.wait_time == dt.timedelta(seconds=1.5)
    assert stored.handle_time == dt.timedelta(seconds=2.25)
    with pytest.raises(omnictx.InvalidArgumentError,
                       match="^wait_time: negative or malformed$"):
        store.record(customer_id=cust, occurred_at=T0, wait_time=dt.timedelta(seconds=-1))
    with pytest.raises(TypeError, match="^wait_time: expected a timedelta, got str$"):
        store.record(customer_id=cust, occurred_at=T0, wait_time="5s")


def test_negative_durations_round_trip():
    step = omnictx.JourneyStep(key="a", stall_after=dt.timedelta(seconds=-1.25))
    assert step.stall_after == dt.timedelta(seconds=-1.25)
    pb = step.to_proto()
    assert (pb.stall_after.seconds, pb.stall_after.nanos) == (-1, -250000000)


def test_journey_durations(store):
    journey = store.define_journey(HOME_LOAN)
    assert journey.steps[1].stall_after == dt.timedelta(days=1)
    assert journey.steps[0].stall_after is None
    assert journey.defined_at == T0
    bad = dict(HOME_LOAN, steps=[dict(HOME_LOAN["steps"][0],
                                      stall_after=dt.timedelta(minutes=-5))]
               + HOME_LOAN["steps"][1:])
    with pytest.raises(omnictx.InvalidArgumentError, match="simulate"):
        store.define_journey(bad)


def test_fake_clock_drives_the_store(store, clock, cust):
    assert clock.now() == T0 and clock.now().tzinfo is UTC
    assert store.now() == T0
    clock.advance(dt.timedelta(minutes=90))
    assert store.now() == T0 + dt.timedelta(minutes=90)
    clock.set(dt.datetime(2026, 3, 3, 12, 0, tzinfo=PARIS_WINTER))
    assert clock.now() == dt.datetime(2026, 3, 3, 11, 0, tzinfo=UTC)
    assert store.lookup(customer_id=cust).as_of == clock.now()
    clock.advance(dt.timedelta(seconds=-30))
    assert store.now() == dt.datetime(2026, 3, 3, 10, 59, 30, tzinfo=UTC)
    assert repr(clock) == "omnictx.FakeClock(2026-03-03T10:59:30+00:00)"


def test_real_clock_by_default(db_path):
    before = dt.datetime.now(UTC)
    with omnictx.Store.open(db_path) as s:
        now = s.now()
    after = dt.datetime.now(UTC)
    assert now.tzinfo is UTC
    assert before - dt.timedelta(seconds=1) <= now <= after + dt.timedelta(seconds=1)
