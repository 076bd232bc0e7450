# SPDX-License-Identifier: Apache-2.0
"""Timelines: iteration over every page, manual paging, windows, filters."""

from __future__ import annotations

import datetime as dt

import pytest

import omnictx
from conftest import T0

COUNT = 250
CHANNELS = ["web", "email", "sms", "ivr", "chat"]


@pytest.fixture
def recorded(store):
    """250 interactions one minute apart, the newest at T0; returns their
    ids oldest first. Every tenth one belongs to a case."""
    store.upsert_customer("cust-1")
    case = store.open_case("cust-1", "Billing question")
    batch = []
    for k in range(COUNT):
        batch.append({
            "customer_id": "cust-1",
            "occurred_at": T0 - dt.timedelta(minutes=COUNT - 1 - k),
            "channel": CHANNELS[k % len(CHANNELS)],
            "kind": f"event_{k}",
            "case_id": case.id if k % 10 == 0 else None,
        })
    ids = store.record_batch(batch)
    assert len(ids) == COUNT and len(set(ids)) == COUNT
    return {"ids": ids, "case_id": case.id}


def test_iterating_reads_every_page_newest_first(store, recorded):
    timeline = store.timeline("cust-1", page_size=40)
    items = list(timeline)
    assert [i.id for i in items] == recorded["ids"][::-1]
    assert [i.kind for i in items[:2]] == [f"event_{COUNT - 1}", f"event_{COUNT - 2}"]
    assert items[0].occurred_at == T0
    assert items[-1].occurred_at == T0 - dt.timedelta(minutes=COUNT - 1)
    assert all(i.customer_id == "cust-1" for i in items)
    assert list(timeline) == []  # an iterator: exhausted once read


def test_manual_paging_with_tokens(store, recorded):
    pages = []
    token = ""
    while True:
        page = store.timeline_page("cust-1", page_size=40, page_token=token)
        pages.append(page)
        token = page.next_page_token
        if not token:
            break
    assert [len(p.interactions) for p in pages] == [40] * 6 + [10]
    flat = [i.id for p in pages for i in p.interactions]
    assert flat == recorded["ids"][::-1]
    assert isinstance(pages[0], omnictx.TimelinePage)


def test_a_page_boundary_on_the_last_item_ends_cleanly(store, recorded):
    page = store.timeline_page("cust-1", page_size=COUNT)
    assert len(page.interactions) == COUNT
    assert page.next_page_token == ""
    assert len(list(store.timeline("cust-1", page_size=50))) == COUNT


def test_windows_and_filters(store, recorded):
    ids = recorded["ids"]
    since = T0 - dt.timedelta(minutes=9)   # inclusive: the 10 newest
    got = [i.id for i in store.timeline("cust-1", since=since, page_size=3)]
    assert got == ids[-10:][::-1]
    until = T0 - dt.timedelta(minutes=5)   # exclusive
    got = [i.id for i in store.timeline("cust-1", since=since, until=until, page_size=2)]
    assert got == ids[-10:-6][::-1]  # T0-9 .. T0-6 minutes
    in_case = list(store.timeline("cust-1", case_id=recorded["case_id"], page_size=7))
    assert [i.id for i in in_case] == ids[::10][::-1]
    assert all(i.case_id == recorded["case_id"] for i in in_case)
    assert store.get_case(recorded["case_id"]).interaction_count == COUNT // 10


def test_errors_are_raised_by_the_call_not_the_iteration(store, recorded):
    with pytest.raises(omnictx.NotFoundError, match="^customer_id: no such customer$"):
        store.timeline("nobody")
    with pytest.raises(omnictx.InvalidArgumentError, match="^page_size: must be 1 to 1000$"):
        store.timeline("cust-1", page_size=0)
    with pytest.raises(omnictx.InvalidArgumentError, match="^page_size: must be 1 to 1000$"):
        store.timeline("cust-1", page_size=1001)
    with pytest.raises(omnictx.InvalidArgumentError, match="^since: after until$"):
        store.timeline("cust-1", since=T0, until=T0 - dt.timedelta(seconds=1))
    with pytest.raises(omnictx.InvalidArgumentError, match="^page_token: malformed$"):
        store.timeline_page("cust-1", page_token="garbage")


def test_later_pages_see_the_store_as_it_is_when_read(store, recorded):
    timeline = store.timeline("cust-1", page_size=100)
    first = next(timeline)
    assert first.id == recorded["ids"][-1]
    store.close()
    remaining = 0
    with pytest.raises(omnictx.FailedPreconditionError, match="^store: closed$"):
        for _ in timeline:  # the first page was read; the second is not
            remaining += 1
    assert remaining == 99
