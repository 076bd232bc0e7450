# SPDX-License-Identifier: Apache-2.0
"""Several processes ingest into one file: 10,000 interactions (distinct
external ids, over 300 customers created up front), each submitted twice,
the 20,000 submissions shuffled and split across 4 processes started with
'spawn', each with its own Store on the same file, mixing record() and
record_batch() calls. Proves that Record's idempotency on external_id holds
across processes (exactly 10,000 rows, each external id on exactly one
interaction, of the right customer, and both submissions of it answered with
that interaction's id) and that no call fails, UnavailableError (busy)
included."""

from __future__ import annotations

import collections
import datetime as dt
import multiprocessing
import random
import sqlite3
import time
from typing import Any, Dict, List, Tuple

import omnictx

PROCESSES = 4
CUSTOMERS = 300
INTERACTIONS = 10_000
SEED = 20260302

Submission = Tuple[str, str, int]  # (external id, customer id, seconds after the base time)


def _customer(n: int) -> str:
    return f"cust-{n:03d}"


def _ingest(path: str, base: dt.datetime, submissions: List[Submission], seed: int,
            start: Any, results: Any) -> None:
    """A worker process: opens its own Store, waits for the others, then
    submits its share as single records and batches of 2 to 40."""
    out: Dict[str, Any] = {"pairs": [], "errors": [], "singles": 0, "batches": 0}
    try:
        rng = random.Random(seed)
        with omnictx.Store.open(path) as store:
            start.wait(timeout=60)
            k = 0
            while k < len(submissions):
                size = 1 if rng.random() < 0.95 else rng.randint(2, 40)
                chunk = submissions[k:k + size]
                k += size
                items = [dict(customer_id=cid, occurred_at=base + dt.timedelta(seconds=s),
                              channel="web", touchpoint="web.checkout", kind="purchase",
                              external_id=ext) for ext, cid, s in chunk]
                try:
                    if len(items) == 1:
                        out["singles"] += 1
                        ids = [store.record(**items[0])]
                    else:
                        out["batches"] += 1
                        ids = store.record_batch(items)
                except omnictx.Error as e:
                    out["errors"].append((type(e).__name__, str(e), len(items)))
                    continue
                out["pairs"] += [(ext, iid) for (ext, _, _), iid in zip(chunk, ids)]
    except BaseException as e:  # pylint: disable=broad-except
        out["errors"].append((type(e).__name__, str(e), 0))
    results.put(out)


def test_four_processes_ingest_each_interaction_once(tmp_path) -> None:
    path = str(tmp_path / "ingest.db")
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    base = now - dt.timedelta(days=30)
    with omnictx.Store.open(path) as store:
        for n in range(CUSTOMERS):
            store.upsert_customer(_customer(n))

    rng = random.Random(SEED)
    owner = {f"evt-{k:05d}": _customer(rng.randrange(CUSTOMERS)) for k in range(INTERACTIONS)}
    submissions: List[Submission] = [
        (ext, cid, k) for k, (ext, cid) in enumerate(owner.items())] * 2
    rng.shuffle(submissions)
    shares = [submissions[p::PROCESSES] for p in range(PROCESSES)]

    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    procs = [ctx.Process(target=_ingest,
                         args=(path, base, shares[p], SEED + p, start, results))
             for p in range(PROCESSES)]
    began = time.monotonic()
    for p in procs:
        p.start()
    try:
        outs = [results.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=30)
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
    elapsed = time.monotonic() - began
    assert [p.exitcode for p in procs] == [0] * PROCESSES

    # No call failed: no busy error (UnavailableError) or any other reached a caller.
    errors = [e for out in outs for e in out["errors"]]
    assert errors == [], f"{len(errors)} calls failed, first: {errors[:3]}"

    # Both submissions of an external id got the same interaction id, and
    # no two external ids share one.
    answered: Dict[str, set] = collections.defaultdict(set)
    for out in outs:
        for ext, iid in out["pairs"]:
            answered[ext].add(iid)
    assert len(answered) == INTERACTIONS
    assert all(len(ids) == 1 for ids in answered.values()), \
        [ext for ext, ids in answered.items() if len(ids) != 1][:5]
    id_of = {ext: next(iter(ids)) for ext, ids in answered.items()}
    assert len(set(id_of.values())) == INTERACTIONS

    # Through the API: each customer's timeline holds exactly its interactions.
    rows = 0
    with omnictx.Store.open(path, read_only=True) as store:
        for n in range(CUSTOMERS):
            cid = _customer(n)
            page = store.timeline_page(cid, page_size=1000)
            assert page.next_page_token == ""
            got = {(i.external_id, i.id) for i in page.interactions}
            want = {(ext, id_of[ext]) for ext, c in owner.items() if c == cid}
            assert got == want, cid
            rows += len(got)
        store.check()
    assert rows == INTERACTIONS

    # And in the file itself, read-only.
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert db.execute("SELECT count(*) FROM interactions").fetchone()[0] == INTERACTIONS
        assert db.execute("SELECT count(DISTINCT external_id) FROM interactions "
                          "WHERE external_id IS NOT NULL").fetchone()[0] == INTERACTIONS
    finally:
        db.close()

    singles = sum(out["singles"] for out in outs)
    batches = sum(out["batches"] for out in outs)
    print(f"\ningest_procs: {len(submissions)} submissions from {PROCESSES} processes, "
          f"{rows} rows ({singles} record calls, {batches} record_batch calls, "
          f"{elapsed:.1f} s)")
