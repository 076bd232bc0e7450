# SPDX-License-Identifier: Apache-2.0
"""Model-based test: random sequences of store calls against a plain Python
model of the documented semantics (store_model.py, after
include/omnictx/store.h).

A Hypothesis RuleBasedStateMachine draws steps among upserts (named and
store-assigned ids), identity links, interaction records (single and
batched, with external ids, journey steps, touchpoints and ``via`` drawn
from small pools so that collisions, idempotent replays and "external id
used by another customer" conflicts happen), merges, unmerges, erasures and
journey starts and advances, each example on a fresh store file. After
every step it checks, through the public API, who owns each identity,
which customers are active, merged (and where a lookup by their id lands)
or erased, each customer's interactions and their journey instances, and
that every refused call raised the documented omnictx exception class and
changed nothing. The test fails on the first divergence, which Hypothesis
shrinks to a short sequence of calls; the small tests at the end reproduce
the library bugs it found.

OMNICTX_SOAK=<n> multiplies the number of examples (default 2000).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, invariant, rule,
                                 run_state_machine_as_test)

import omnictx
from conftest import T0
from store_model import (ACTOR, CUSTOMER_IDS, EXTERNAL_IDS, FIGURES, IDENTITIES, JOURNEY,
                         JOURNEY_KEY, NAMES, NO_SUCH_ID, OUTCOMES, STEP_KEYS,
                         TOUCHPOINT_POOL, Model, RecordItem, Refused, scratch_dir,
                         call_store, diverge)

SOAK = int(os.environ.get("OMNICTX_SOAK", "1"))
EXAMPLES = 2000 * SOAK
STEPS = 50

# ---- The state machine ----

customer_index = st.integers(min_value=0, max_value=9)
identity_index = st.integers(min_value=0, max_value=len(IDENTITIES) - 1)
spelling_index = st.integers(min_value=0, max_value=2)
instance_index = st.integers(min_value=0, max_value=8)
merge_index = st.integers(min_value=0, max_value=8)
# sampled_from with None first: one draw each, shrinking towards None.
record_items = st.tuples(
    customer_index,
    st.sampled_from((None,) + EXTERNAL_IDS),
    st.sampled_from([None] + STEP_KEYS + ["bogus"]),
    st.sampled_from((None,) + TOUCHPOINT_POOL),
    # via: none, one the customer owns (if any), or any identity.
    st.sampled_from((None, "own") + tuple(range(len(IDENTITIES)))),
)
_ = st.just
# One rule drawing one operation: Hypothesis' choice between many rules
# costs more than the store calls themselves, and 2000 x 50 steps must run
# in minutes. Operations listed twice are drawn twice as often.
OPERATIONS = st.one_of(
    st.tuples(_("upsert"), customer_index, st.sampled_from(NAMES)),
    st.tuples(_("upsert"), customer_index, st.sampled_from(NAMES)),
    st.tuples(_("upsert_assigned_id"), st.sampled_from(NAMES)),
    st.tuples(_("link"), customer_index, identity_index, spelling_index, st.booleans()),
    st.tuples(_("link"), customer_index, identity_index, spelling_index, st.booleans()),
    st.tuples(_("record"), record_items),
    st.tuples(_("record"), record_items),
    st.tuples(_("record"), record_items),
    st.tuples(_("record_batch"), st.lists(record_items, min_size=1, max_size=3)),
    st.tuples(_("merge"), customer_index, customer_index),
    st.tuples(_("merge"), customer_index, customer_index),
    st.tuples(_("unmerge"), merge_index),
    st.tuples(_("unmerge"), merge_index),
    st.tuples(_("erase"), customer_index),
    st.tuples(_("start_journey"), customer_index,
              st.sampled_from([JOURNEY_KEY] * 4 + ["no_such"])),
    st.tuples(_("start_journey"), customer_index,
              st.sampled_from([JOURNEY_KEY] * 4 + ["no_such"])),
    st.tuples(_("advance_journey"), instance_index, st.sampled_from(STEP_KEYS + ["bogus"])),
    st.tuples(_("advance_journey"), instance_index, st.sampled_from(STEP_KEYS + ["bogus"])),
)


class StoreMachine(RuleBasedStateMachine):
    """One example: a fresh store and a fresh model, driven in step."""

    def __init__(self) -> None:
        super().__init__()
        self.model = Model()
        self.steps = 0
        # Opened at the first step: Hypothesis drops some examples before it.
        self.store: Optional[omnictx.Store] = None
        self.dir = ""
        self.clock = omnictx.FakeClock(T0)

    def teardown(self) -> None:
        if self.store is not None:
            self.store.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    @rule(op=OPERATIONS)
    def step(self, op: Tuple[Any, ...]) -> None:
        if self.store is None:
            FIGURES["examples"] += 1
            self.dir = scratch_dir()
            self.store = omnictx.Store.open(os.path.join(self.dir, "model.db"),
                                            default_region="FR", clock=self.clock)
            self.store.define_journey(JOURNEY)
        # Each step happens one second after the previous one.
        self.steps += 1
        FIGURES["steps"] += 1
        self.clock.advance(dt.timedelta(seconds=1))
        self.model.now += 1
        getattr(self, "op_" + op[0])(*op[1:])

    # -- drawing arguments --

    def customer(self, index: int, create: bool = False) -> str:
        """A customer id. Indices 0 to 5 (60%) name an active customer, 6
        and 7 a merged one, 8 one of the pool's ids not used yet, 9 an
        erased one; when there is none of that kind, an active one, else an
        unused id, else any. ``create``: indices 0 to 3 name unused ids."""
        active, merged, erased = [], [], []
        for cid, c in self.model.customers.items():  # in the order they were created
            {"active": active, "merged": merged, "erased": erased}[c.status].append(cid)
        unused = [c for c in CUSTOMER_IDS if c not in self.model.customers]
        if create and index < 4:
            kinds = [unused]
        else:
            kinds = [active if index < 6 else merged if index < 8 else
                     unused if index == 8 else erased]
        for ids in kinds + [active, unused, merged, erased]:
            if ids:
                return ids[index % len(ids)]
        raise AssertionError("no customer id at all")

    def run(self, what: str, call: Callable[[], Any], verdict: Callable[[], Any]) -> None:
        """Calls the store and checks the outcome against the model.

        ``verdict`` raises Refused if the model says the call must fail;
        otherwise it returns a function that checks the store's answer and
        applies the call to the model.
        """
        FIGURES["operations"] += 1
        name = what[:what.index("(")]
        refusal: Optional[Refused] = None
        try:
            apply = verdict()
        except Refused as r:
            refusal = r
        OUTCOMES[(name, refusal.cls.__name__ if refusal else "ok")] += 1
        result, error = call_store(call)
        if refusal is not None:
            if error is None:
                diverge(f"{what}: succeeded with {result!r}; model expects "
                        f"{refusal.cls.__name__} ({refusal.why})")
            elif type(error) is not refusal.cls or refusal.fragment not in str(error):
                diverge(f"{what}: raised {type(error).__name__}({error}); model expects "
                        f"{refusal.cls.__name__} containing {refusal.fragment!r} "
                        f"({refusal.why})")
            return
        if error is not None:
            diverge(f"{what}: raised {type(error).__name__}({error}); model expects success")
        apply(result)

    # -- operations --

    def op_upsert(self, index: int, name: str) -> None:
        cid = self.customer(index, create=True)
        self.run(f"upsert_customer({cid!r}, display_name={name!r})",
                 lambda: self.store.upsert_customer(cid, display_name=name),
                 lambda: self.model.upsert(cid, name))

    def op_upsert_assigned_id(self, name: str) -> None:
        self.run(f"upsert_customer(None, display_name={name!r})",
                 lambda: self.store.upsert_customer(display_name=name),
                 lambda: self.model.upsert_new(name))

    def op_link(self, index: int, ident: int, spelling: int, allow_erased: bool) -> None:
        cid = self.customer(index)
        kind, value, spellings = IDENTITIES[ident]
        given = spellings[spelling % len(spellings)]
        self.run(f"link_identity({cid!r}, {kind}={given!r}, allow_erased={allow_erased})",
                 lambda: self.store.link_identity(cid, allow_erased=allow_erased,
                                                  **{kind: given}),
                 lambda: self.model.link(cid, (kind, value), allow_erased))

    def _items(self, drawn: List[Tuple[Any, ...]]) -> List[RecordItem]:
        items = []
        for index, ext, step, touchpoint, via in drawn:
            cid = self.customer(index)
            if via == "own":
                own = sorted(self.model.identities_of(cid))
                through = own[0] if own else None
            else:
                through = None if via is None else IDENTITIES[via][:2]
            items.append(RecordItem(cid, ext, step, touchpoint, through))
        return items

    def _kwargs(self, item: RecordItem) -> Dict[str, Any]:
        kwargs: Dict[str, Any] = dict(customer_id=item.customer, occurred_at=self.clock.now(),
                                      channel="web", kind="page_view",
                                      external_id=item.external_id,
                                      journey_step=item.journey_step,
                                      touchpoint=item.touchpoint)
        if item.via is not None:
            kwargs["via"] = {item.via[0]: item.via[1]}
        return kwargs

    def _record(self, items: List[RecordItem], batch: bool) -> None:
        """record() or record_batch(): the model tries the items in turn on
        a copy of itself first, as the batch is all or nothing."""
        what = f"record_batch({items})" if batch else f"record({items[0]})"
        FIGURES["operations"] += 1
        trial = self.model.clone()
        refusal: Optional[Refused] = None
        prefix = ""
        for k, item in enumerate(items):
            try:
                trial.record(item, new_id=-1 - k)
            except Refused as r:
                refusal, prefix = r, f"batch[{k}]: " if batch else ""
                break
        name = "record_batch" if batch else "record"
        OUTCOMES[(name, refusal.cls.__name__ if refusal else "ok")] += 1
        if batch:
            ids, error = call_store(lambda: self.store.record_batch(
                [self._kwargs(i) for i in items]))
        else:
            ids, error = call_store(lambda: [self.store.record(**self._kwargs(items[0]))])
        if error is not None:
            if refusal is None:
                diverge(f"{what}: raised {type(error).__name__}({error}); "
                        "model expects success")
            elif (type(error) is not refusal.cls or not str(error).startswith(prefix)
                  or refusal.fragment not in str(error)):
                diverge(f"{what}: raised {type(error).__name__}({error}); model expects "
                        f"{refusal.cls.__name__} starting {prefix!r} containing "
                        f"{refusal.fragment!r} ({refusal.why})")
            return
        if refusal is not None:
            diverge(f"{what}: returned {ids}; model expects {refusal.cls.__name__} "
                    f"({prefix}{refusal.why})")
        if len(ids) != len(items):
            diverge(f"{what}: returned {ids}")
        for item, got in zip(items, ids):
            if item.external_id is not None and any(
                    x.external_id == item.external_id for x in self.model.interactions.values()):
                OUTCOMES[("record (replay)", "ok")] += 1
            want = self.model.record(item, new_id=got)
            if got != want:
                diverge(f"{what}: returned id {got} for {item}, model expects {want}")

    def op_record(self, item: Tuple[Any, ...]) -> None:
        self._record(self._items([item]), batch=False)

    def op_record_batch(self, items: List[Tuple[Any, ...]]) -> None:
        self._record(self._items(items), batch=True)

    def op_merge(self, survivor: int, absorbed: int) -> None:
        sid, aid = self.customer(survivor), self.customer(absorbed)
        self.run(f"merge({sid!r}, {aid!r})",
                 lambda: self.store.merge(sid, aid, actor=ACTOR),
                 lambda: self.model.merge(sid, aid))

    @staticmethod
    def pick(ids: Set[int], index: int) -> int:
        """One of ``ids``, newest first, or an id nobody has for the highest
        index."""
        newest = sorted(ids, reverse=True)
        return newest[index % len(newest)] if newest and index < 8 else NO_SUCH_ID

    def op_unmerge(self, index: int) -> None:
        mid = self.pick(set(self.model.merges) | self.model.forgotten, index)
        self.run(f"unmerge({mid})", lambda: self.store.unmerge(mid, actor=ACTOR),
                 lambda: self.model.unmerge(mid))

    def op_erase(self, index: int) -> None:
        cid = self.customer(index)
        self.run(f"erase({cid!r})", lambda: self.store.erase(cid, actor=ACTOR),
                 lambda: self.model.erase(cid))

    def op_start_journey(self, index: int, key: str) -> None:
        cid = self.customer(index)
        self.run(f"start_journey({cid!r}, {key!r})",
                 lambda: self.store.start_journey(cid, key),
                 lambda: self.model.start(cid, key))

    def op_advance_journey(self, index: int, to: str) -> None:
        iid = self.pick(set(self.model.instances), index)
        self.run(f"advance_journey({iid}, {to!r})",
                 lambda: self.store.advance_journey(iid, to),
                 lambda: self.model.advance(iid, to))

    # -- the check after every step --

    @invariant()
    def store_matches_model(self) -> None:
        if self.store is None:
            return  # nothing happened yet
        FIGURES["checks"] += 1
        s, m = self.store, self.model
        where = f"after step {self.steps}"
        # Owned identities are checked through get_customer below (an
        # identity has one owner); resolve checks the unowned ones (no
        # erased row may keep them) and, in turn, one owned one.
        for n, (kind, value, spellings) in enumerate(IDENTITIES):
            if (kind, value) in m.owner and n != self.steps % len(IDENTITIES):
                continue
            spelling = spellings[self.steps % len(spellings)]
            got = s.resolve(**{kind: spelling})
            if got != m.owner.get((kind, value)):
                diverge(f"{where}: resolve({kind}={spelling!r}) is {got!r}, model "
                        f"{m.owner.get((kind, value))!r}")
        interactions: Dict[str, Set[Tuple[int, int]]] = {}
        for iid, x in m.interactions.items():
            interactions.setdefault(x.owner, set()).add((iid, x.instance))
        instances: Dict[str, Set[Tuple[int, str, str, int]]] = {}
        for iid, i in m.instances.items():
            instances.setdefault(i.owner, set()).add((iid, i.status, i.step, i.moves))
        for cid in sorted(set(CUSTOMER_IDS) | set(m.customers)):
            c = m.customers.get(cid)
            if c is None or c.status == "erased":
                # The id is gone: reads do not find it, a lookup knows nobody.
                try:
                    found = s.get_customer(cid)
                    diverge(f"{where}: get_customer({cid!r}) of a customer the model has "
                            f"{c.status if c else 'never seen'} returned {found.status} "
                            f"{found.id}")
                except omnictx.NotFoundError:
                    pass
                if c is not None:
                    ctx = s.lookup(customer_id=cid)
                    if ctx.known:
                        diverge(f"{where}: lookup of erased {cid} found "
                                f"{ctx.customer.id if ctx.customer else None}")
                continue
            got_c = s.get_customer(cid)
            got = (got_c.status, got_c.merged_into or None, got_c.display_name,
                   sorted((i.kind, i.value) for i in got_c.identities))
            want = (c.status, c.merged_into, c.name, sorted(m.identities_of(cid)))
            if got != want:
                diverge(f"{where}: customer {cid} (status, merged into, name, identities) "
                        f"is {got}, model {want}")
            page = s.timeline_page(cid, page_size=1000)
            got_i = {(i.id, i.journey_instance_id) for i in page.interactions}
            if got_i != interactions.get(cid, set()) or page.next_page_token:
                diverge(f"{where}: {cid}'s timeline (id, journey instance) {sorted(got_i)}, "
                        f"model {sorted(interactions.get(cid, set()))}")
            got_j = {(i.id, i.status, i.current_step, len(i.history))
                     for i in s.list_journey_instances(cid)}
            if got_j != instances.get(cid, set()):
                diverge(f"{where}: {cid}'s journey instances (id, status, step, moves) "
                        f"{sorted(got_j)}, model {sorted(instances.get(cid, set()))}")
            if c.status == "merged":
                # A lookup by a merged id answers with the survivor at the
                # end of the chain, and that customer's active journeys.
                ctx = s.lookup(customer_id=cid, recent_limit=0)
                survivor = m.survivor_of(cid)
                active = [(i, x.step) for i, x in sorted(m.instances.items())
                          if x.owner == survivor and x.status == "active"]
                got_l = (ctx.known, ctx.customer.id if ctx.customer else None,
                         sorted((j.instance_id, j.current_step) for j in ctx.journeys))
                if got_l != (True, survivor, active):
                    diverge(f"{where}: lookup(customer_id={cid!r}) (known, id, journeys) is "
                            f"{got_l}, model {(True, survivor, active)}")


def test_store_matches_model() -> None:
    """Runs the state machine; prints the figures (pytest -s shows them)."""
    config = settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
                      derandomize=True, database=None, print_blob=False,
                      suppress_health_check=[HealthCheck.too_slow,
                                             HealthCheck.data_too_large,
                                             HealthCheck.filter_too_much])
    for key in FIGURES:
        FIGURES[key] = 0
    OUTCOMES.clear()
    try:
        run_state_machine_as_test(StoreMachine, settings=config)
    finally:
        print(f"\nmodel: {FIGURES['examples']} examples x {STEPS} steps, "
              f"{FIGURES['operations']} operations, {FIGURES['divergences']} divergences "
              f"({FIGURES['steps']} steps run, each followed by a check of the whole store)")
        print("model: outcomes: " + ", ".join(
            f"{op} {how} {n}" for (op, how), n in sorted(OUTCOMES.items())))


# ---- The divergences the model found, kept as regression tests ----
#
# Each was a library bug the model test ran into; it is fixed in the
# library and these pin the documented behaviour down.

def test_erasing_an_erased_customer_again_is_a_failed_precondition(store):
    # store.h, Erase: "FailedPrecondition if already erased", by the old id
    # (kept only as a tombstone) as well as by the erased row's id.
    store.upsert_customer("A")
    store.erase("A", actor="dpo")
    with pytest.raises(omnictx.FailedPreconditionError, match="customer erased"):
        store.erase("A", actor="dpo")


def test_merging_an_erased_customer_is_a_failed_precondition(store):
    # store.h, Merge: "FailedPrecondition if either is erased".
    store.upsert_customer("A")
    store.upsert_customer("B")
    store.erase("B", actor="dpo")
    with pytest.raises(omnictx.FailedPreconditionError, match="^absorbed_id: customer erased"):
        store.merge("A", "B", actor="ops")
    with pytest.raises(omnictx.FailedPreconditionError, match="^survivor_id: customer erased"):
        store.merge("B", "A", actor="ops")


def test_an_assigned_id_is_never_the_id_of_an_erased_customer(store):
    # "An empty id asks the store to assign one": "cus-<n>" skips the
    # tombstones of erased ids as well as the ids of existing rows.
    store.upsert_customer("cus-2")  # the first row: key 1
    store.erase("cus-2", actor="dpo")
    assigned = store.upsert_customer(display_name="Ana")  # would be "cus-2"
    assert assigned.id == "cus-3" and assigned.status == "active"


def test_erased_rows_have_an_id_space_of_their_own(store):
    # Erase renames the row "erased-<key>"; a caller's id with that prefix
    # is refused, so an erasure can never hit another customer's id.
    with pytest.raises(omnictx.InvalidArgumentError,
                       match="^customer_id: the prefix erased- is reserved"):
        store.upsert_customer("erased-2")
    store.upsert_customer("first")  # key 1
    store.upsert_customer("bob")  # key 2
    receipt = store.erase("bob", actor="dpo")
    assert receipt.checkpointed
    assert store.get_customer("erased-2").status == "erased"
    assert store.get_customer("first").status == "active"
