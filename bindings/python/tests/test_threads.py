# SPDX-License-Identifier: Apache-2.0
"""Python threads share one Store: lookups run while another thread records,
every call releases the GIL, and closing under load is safe."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from typing import List

import omnictx
from conftest import T0

READERS = 4
LOOKUPS_PER_READER = 60
RECORDS = 120


def test_parallel_lookups_while_another_thread_records(store):
    store.upsert_customer("cust-1", display_name="Camille Martin")
    store.link_identity("cust-1", phone="+33612345678")
    recorded: List[int] = []
    seen: List[List[List[int]]] = [[] for _ in range(READERS)]
    failures: List[BaseException] = []
    start = threading.Barrier(READERS + 1)

    def writer() -> None:
        try:
            start.wait()
            for k in range(RECORDS):
                recorded.append(store.record(
                    customer_id="cust-1", occurred_at=T0 + dt.timedelta(seconds=k),
                    channel="web", touchpoint="web.home", kind="page_view"))
        except BaseException as e:  # pylint: disable=broad-except
            failures.append(e)

    def reader(n: int) -> None:
        try:
            start.wait()
            for _ in range(LOOKUPS_PER_READER):
                ctx = store.lookup(phone="06 12 34 56 78", channel="ivr", recent_limit=200)
                assert ctx.known and ctx.customer.id == "cust-1"
                seen[n].append([i.id for i in ctx.recent])
        except BaseException as e:  # pylint: disable=broad-except
            failures.append(e)

    threads = [threading.Thread(target=writer)]
    threads += [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert failures == []
    assert len(recorded) == RECORDS
    for answers in seen:
        assert len(answers) == LOOKUPS_PER_READER
        # Each answer is one snapshot: exactly the first n interactions
        # recorded, newest first; and snapshots never go back in time.
        sizes = [len(ids) for ids in answers]
        assert sizes == sorted(sizes)
        for ids in answers:
            assert ids == recorded[:len(ids)][::-1]
    final = store.lookup(customer_id="cust-1", recent_limit=200)
    assert [i.id for i in final.recent] == recorded[::-1]


def test_a_blocked_call_lets_other_python_threads_run(store, db_path):
    # A second writer waits on SQLite's lock inside the C++ call. Only if
    # that call released the GIL can this thread run the COMMIT that frees
    # it; otherwise the call times out with UnavailableError.
    store.upsert_customer("cust-1")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("SELECT count(*) FROM customers").fetchall()
    outcome: List[object] = []
    started = threading.Event()

    with omnictx.Store.open(db_path, busy_timeout=20.0) as blocked:
        def write() -> None:
            started.set()
            try:
                outcome.append(blocked.upsert_customer("cust-2"))
            except BaseException as e:  # pylint: disable=broad-except
                outcome.append(e)

        t = threading.Thread(target=write)
        t.start()
        started.wait()
        time.sleep(0.2)  # let the call reach SQLite's busy wait
        other.execute("COMMIT")
        other.close()
        t.join()

    [result] = outcome
    assert isinstance(result, omnictx.Customer), result
    assert result.id == "cust-2"


def test_closing_while_other_threads_look_up_is_safe(db_path, clock):
    s = omnictx.Store.open(db_path, default_region="FR", clock=clock)
    s.upsert_customer("cust-1")
    s.link_identity("cust-1", phone="+33612345678")
    outcomes: List[List[str]] = [[] for _ in range(3)]
    go = threading.Event()

    def look(n: int) -> None:
        go.wait()
        while True:  # until the store is closed under it
            try:
                outcomes[n].append("ok" if s.lookup(phone="+33612345678").known else "wrong")
            except omnictx.FailedPreconditionError as e:
                outcomes[n].append(str(e))
                return

    threads = [threading.Thread(target=look, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    go.set()
    time.sleep(0.01)
    s.close()
    for t in threads:
        t.join()
    for results in outcomes:
        assert results[-1] == "store: closed"
        assert set(results[:-1]) <= {"ok"}
