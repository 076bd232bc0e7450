# SPDX-License-Identifier: Apache-2.0
"""The plain model test_model.py drives the store against: the pools its
calls draw from (small, so that collisions, replays and conflicts happen),
the figures it prints, and what the store should hold after each call by
the documented semantics (include/omnictx/store.h)."""

from __future__ import annotations

import collections
import dataclasses
import os
import tempfile
from typing import Any, Callable, Dict, List, NoReturn, Optional, Set, Tuple, Type

import omnictx

ACTOR = "model"  # the actor of merges, unmerges and erasures

# ---- The pools the calls draw from ----

# Named customer ids; "cus-3" looks like an id the store assigns itself.
CUSTOMER_IDS = ("c0", "c1", "c2", "c3", "c4", "c5", "cus-3")
NAMES = ("", "Ana", "Bo")
# (kind, stored value, spellings that normalize to it)
IDENTITIES: Tuple[Tuple[str, str, Tuple[str, ...]], ...] = (
    ("phone", "+33612345601", ("+33612345601", "06 12 34 56 01", "+33 6 12 34 56 01")),
    ("phone", "+33612345602", ("06 12 34 56 02", "+33612345602")),
    ("email", "ana@example.com", ("ana@example.com", "  Ana@Example.COM ")),
    ("email", "bo@example.com", ("BO@example.com", "bo@example.com")),
    ("email", "cy@example.com", ("cy@example.com",)),
)
IdentityKey = Tuple[str, str]  # (kind, stored value)
EXTERNAL_IDS = ("ord-1", "ord-2", "ord-3", "ord-4")
JOURNEY_KEY = "checkout"
JOURNEY = {
    "key": JOURNEY_KEY,
    "name": "Checkout",
    "steps": [
        {"key": "browse", "next": ["cart", "gone"], "touchpoints": ["web.home"]},
        {"key": "cart", "next": ["browse", "pay", "gone"], "touchpoints": ["web.cart"]},
        {"key": "pay", "next": ["cart", "done"], "touchpoints": ["web.pay"]},
        {"key": "done", "outcome": "success"},
        {"key": "gone", "outcome": "failure"},
    ],
}
STEP_KEYS = [s["key"] for s in JOURNEY["steps"]]
STEP_INDEX = {k: i for i, k in enumerate(STEP_KEYS)}
NEXT = {s["key"]: list(s.get("next", [])) for s in JOURNEY["steps"]}
TOUCHPOINTS = {s["key"]: list(s.get("touchpoints", [])) for s in JOURNEY["steps"]}
OUTCOME = {s["key"]: s.get("outcome") for s in JOURNEY["steps"]}
ENTRY = STEP_KEYS[0]
TOUCHPOINT_POOL = ("web.home", "web.cart", "web.pay", "web.faq")
NO_SUCH_ID = 424242

# ---- Figures for the summary line ----

FIGURES = {"examples": 0, "steps": 0, "operations": 0, "checks": 0, "divergences": 0}
# (operation, "ok" or the error class the model expected) -> count
OUTCOMES: "collections.Counter[Tuple[str, str]]" = collections.Counter()


def scratch_dir() -> str:
    """A directory for one example's store: /dev/shm when writable."""
    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    return tempfile.mkdtemp(prefix="omnictx-model-", dir=base)


def diverge(message: str) -> NoReturn:
    """Counts and reports a difference between the library and the model."""
    FIGURES["divergences"] += 1
    raise AssertionError(message)


def call_store(call: Callable[[], Any]) -> Tuple[Any, Optional[omnictx.Error]]:
    """Returns (result, None), or (None, the omnictx error it raised)."""
    try:
        return call(), None
    except omnictx.Error as e:
        return None, e


class Refused(Exception):
    """The model's verdict that a call must fail with ``cls``; ``fragment``,
    if given, must appear in the message."""

    def __init__(self, cls: Type[omnictx.Error], why: str, fragment: str = "") -> None:
        super().__init__(why)
        self.cls, self.why, self.fragment = cls, why, fragment


# ---- The model ----

@dataclasses.dataclass
class Cust:
    status: str  # "active", "merged" or "erased"
    name: str = ""
    merged_into: Optional[str] = None


@dataclasses.dataclass
class Inter:
    owner: str
    external_id: Optional[str]
    via: Optional[IdentityKey]
    recorded: int  # the model's clock, in seconds
    instance: int  # journey instance the store attached it to (0: none)


@dataclasses.dataclass
class Inst:
    owner: str
    status: str  # "active", "completed", "failed" or "merged"
    step: str
    moves: int  # transitions in its history (the entry counts as one)


@dataclasses.dataclass
class Merge:
    survivor: str
    absorbed: str
    at: int
    identities: List[IdentityKey]
    interactions: List[int]
    instances: List[int]
    ended: List[int]
    name_choice: Optional[Tuple[str, str]]  # (taken_from, value) for display_name
    survivor_name: str
    absorbed_name: str
    undone: bool = False


@dataclasses.dataclass
class RecordItem:
    customer: str
    external_id: Optional[str]
    journey_step: Optional[str]
    touchpoint: Optional[str]
    via: Optional[IdentityKey]


class Model:
    """What the store should hold, by the documentation."""

    def __init__(self) -> None:
        self.now = 0
        self.customers: Dict[str, Cust] = {}
        self.owner: Dict[IdentityKey, str] = {}
        self.tombstones: Set[IdentityKey] = set()
        self.interactions: Dict[int, Inter] = {}
        self.instances: Dict[int, Inst] = {}
        self.merges: Dict[int, Merge] = {}
        self.forgotten: Set[int] = set()  # merge ids erasure deleted

    def clone(self) -> "Model":
        m = Model()
        m.now = self.now
        m.customers = {k: dataclasses.replace(v) for k, v in self.customers.items()}
        m.owner = dict(self.owner)
        m.tombstones = set(self.tombstones)
        m.interactions = {k: dataclasses.replace(v) for k, v in self.interactions.items()}
        m.instances = {k: dataclasses.replace(v) for k, v in self.instances.items()}
        m.merges = {k: dataclasses.replace(v) for k, v in self.merges.items()}
        m.forgotten = set(self.forgotten)
        return m

    # -- helpers --

    def status(self, cid: str) -> Optional[str]:
        c = self.customers.get(cid)
        return None if c is None else c.status

    def survivor_of(self, cid: str) -> str:
        while self.customers[cid].status == "merged":
            cid = self.customers[cid].merged_into  # type: ignore[assignment]
        return cid

    def identities_of(self, cid: str) -> Set[IdentityKey]:
        return {k for k, o in self.owner.items() if o == cid}

    def active_instance(self, cid: str) -> Optional[int]:
        for iid, inst in self.instances.items():
            if inst.owner == cid and inst.status == "active":
                return iid
        return None

    def active_customer(self, cid: str) -> None:
        """StoreImpl::ActiveCustomer: what a write naming a customer needs."""
        st_ = self.status(cid)
        if st_ is None:
            raise Refused(omnictx.NotFoundError, f"{cid} unknown", "no such customer")
        if st_ == "erased":
            raise Refused(omnictx.FailedPreconditionError, f"{cid} erased", "customer erased")
        if st_ == "merged":
            into = self.customers[cid].merged_into
            raise Refused(omnictx.NotFoundError, f"{cid} merged into {into}",
                          f"merged into customer {into}")

    def _move(self, inst: Inst, to: str) -> None:
        inst.step = to
        inst.moves += 1
        if OUTCOME[to] == "success":
            inst.status = "completed"
        elif OUTCOME[to] == "failure":
            inst.status = "failed"

    # -- customers and identities --

    def upsert(self, cid: str, name: str) -> Callable[[Any], None]:
        st_ = self.status(cid)
        if st_ == "merged":
            raise Refused(omnictx.FailedPreconditionError, f"{cid} merged", "merged into customer")
        if st_ == "erased":
            raise Refused(omnictx.FailedPreconditionError, f"{cid} erased", "customer erased")

        def apply(customer: omnictx.Customer) -> None:
            if (customer.id, customer.status, customer.display_name) != (cid, "active", name):
                diverge(f"upsert {cid}: returned {customer}")
            if st_ is None:
                self.customers[cid] = Cust("active", name)
            else:
                self.customers[cid].name = name
        return apply

    def upsert_new(self, name: str) -> Callable[[Any], None]:
        def apply(customer: omnictx.Customer) -> None:
            if not (customer.id.startswith("cus-") and customer.id not in self.customers
                    and customer.status == "active" and customer.display_name == name):
                diverge(f"upsert with no id: returned {customer.id!r} ({customer.status}); "
                        f"known ids {sorted(self.customers)}")
            self.customers[customer.id] = Cust("active", name)
        return apply

    def link(self, cid: str, ident: IdentityKey, allow_erased: bool) -> Callable[[Any], None]:
        self.active_customer(cid)
        owner = self.owner.get(ident)
        if owner is not None and owner != cid:
            raise Refused(omnictx.AlreadyExistsError, f"{ident} owned by {owner}",
                          f"already linked to customer {owner}")
        if owner is None and ident in self.tombstones and not allow_erased:
            raise Refused(omnictx.FailedPreconditionError,
                          f"{ident} belonged to an erased customer",
                          "belongs to an erased customer")

        if owner is None and ident in self.tombstones:
            OUTCOMES[("link (erased identity)", "ok")] += 1

        def apply(identity: omnictx.Identity) -> None:
            if (identity.kind, identity.value, identity.customer_id) != (*ident, cid):
                diverge(f"link {ident} to {cid}: returned {identity}")
            self.owner[ident] = cid
        return apply

    # -- interactions --

    def record(self, item: RecordItem, new_id: int) -> int:
        """Applies one interaction (RecordIn); returns the id the store must
        answer. ``new_id`` is the id the store gave a new interaction, or a
        negative stand-in while the model tries a batch before the call."""
        self.active_customer(item.customer)
        if item.external_id is not None:
            for iid, seen in self.interactions.items():
                if seen.external_id == item.external_id:
                    if seen.owner == item.customer:
                        return iid  # idempotent replay: nothing written
                    raise Refused(omnictx.AlreadyExistsError,
                                  f"{item.external_id} used by {seen.owner}'s interaction {iid}",
                                  f"already used by interaction {iid if iid > 0 else ''}")
        if 0 < new_id <= max(self.interactions, default=0):
            diverge(f"record: new interaction id {new_id} not above the ids used "
                    f"({sorted(self.interactions)})")
        inter = Inter(item.customer, item.external_id, item.via, self.now, 0)
        self.interactions[new_id] = inter
        inst_id = self.active_instance(item.customer)
        if inst_id is not None and (item.journey_step or item.touchpoint):
            inst = self.instances[inst_id]
            to = item.journey_step
            if not to:
                to = next((n for n in NEXT[inst.step] if item.touchpoint in TOUCHPOINTS[n]), None)
                if to is None and item.touchpoint in TOUCHPOINTS[inst.step]:
                    to = inst.step
            if to in STEP_INDEX:
                if to == inst.step:
                    inter.instance = inst_id
                elif to in NEXT[inst.step]:
                    if new_id > 0:
                        OUTCOMES[("record (moves a journey)", "ok")] += 1
                    inter.instance = inst_id
                    self._move(inst, to)
        return new_id

    # -- journeys --

    def start(self, cid: str, key: str) -> Callable[[Any], None]:
        self.active_customer(cid)
        if key != JOURNEY_KEY:
            raise Refused(omnictx.NotFoundError, f"no journey {key}", "no such journey")
        running = self.active_instance(cid)
        if running is not None:
            raise Refused(omnictx.AlreadyExistsError, f"{cid} runs {running}",
                          f"already runs active instance {running}")

        def apply(inst: omnictx.JourneyInstance) -> None:
            if not (inst.id > max(self.instances, default=0) and inst.status == "active"
                    and inst.current_step == ENTRY and inst.customer_id == cid
                    and len(inst.history) == 1):
                diverge(f"start {cid}: returned {inst}")
            self.instances[inst.id] = Inst(cid, "active", ENTRY, 1)
        return apply

    def advance(self, iid: int, to: str) -> Callable[[Any], None]:
        inst = self.instances.get(iid)
        if inst is None:
            raise Refused(omnictx.NotFoundError, f"no instance {iid}", "no such journey instance")
        if inst.status != "active":
            raise Refused(omnictx.FailedPreconditionError, f"instance {iid} is {inst.status}",
                          "is no longer active")
        if to not in STEP_INDEX:
            raise Refused(omnictx.NotFoundError, f"no step {to}", f"has no step {to}")
        if to not in NEXT[inst.step]:
            raise Refused(omnictx.FailedPreconditionError, f"{inst.step}->{to} not allowed",
                          "not allowed")

        def apply(got: omnictx.JourneyInstance) -> None:
            self._move(inst, to)
            if ((got.id, got.status, got.current_step, len(got.history))
                    != (iid, inst.status, inst.step, inst.moves)):
                diverge(f"advance {iid} to {to}: returned {got}, model {inst}")
        return apply

    # -- merge, unmerge, erase --

    def merge(self, sid: str, aid: str) -> Callable[[Any], None]:
        if sid == aid:
            raise Refused(omnictx.InvalidArgumentError, "same customer", "same customer")
        for field, cid in (("survivor_id", sid), ("absorbed_id", aid)):
            st_ = self.status(cid)
            if st_ is None:
                raise Refused(omnictx.NotFoundError, f"{field} {cid} unknown",
                              f"{field}: no such customer")
            if st_ == "erased":
                raise Refused(omnictx.FailedPreconditionError, f"{field} {cid} erased",
                              f"{field}: customer erased")
            if st_ == "merged":
                raise Refused(omnictx.NotFoundError, f"{field} {cid} merged",
                              f"{field}: merged into customer {self.customers[cid].merged_into}")

        def apply(rec: omnictx.MergeRecord) -> None:
            s, a = self.customers[sid], self.customers[aid]
            identities = sorted(self.identities_of(aid))
            interactions = sorted(i for i, x in self.interactions.items() if x.owner == aid)
            instances = sorted(i for i, x in self.instances.items() if x.owner == aid)
            ended: List[int] = []
            theirs, mine = self.active_instance(aid), self.active_instance(sid)
            if theirs is not None and mine is not None:
                t, m = self.instances[theirs], self.instances[mine]
                ahead = (STEP_INDEX[t.step], t.moves) > (STEP_INDEX[m.step], m.moves)
                ended.append(mine if ahead else theirs)
            choice = None
            name = s.name
            if a.name and a.name != s.name:
                if not s.name:
                    choice, name = ("absorbed", a.name), a.name
                else:
                    choice = ("survivor", s.name)
            got = (rec.survivor_id, rec.absorbed_id,
                   sorted((i.kind, i.value) for i in rec.identities_moved),
                   sorted(rec.interactions_moved), sorted(rec.journey_instances_moved),
                   sorted(rec.journey_instances_ended),
                   [(f.field, f.taken_from, f.value) for f in rec.fields])
            want = (sid, aid, identities, interactions, instances, sorted(ended),
                    [] if choice is None else [("display_name", *choice)])
            if got != want:
                diverge(f"merge {sid}<-{aid}: record {got}, model {want}")
            if rec.id <= 0 or rec.id in self.merges:
                diverge(f"merge: id {rec.id} already names merge {self.merges.get(rec.id)}")
            if ended:
                OUTCOMES[("merge (ends an instance)", "ok")] += 1
            for iid in ended:
                self.instances[iid].status = "merged"
            for k in identities:
                self.owner[k] = sid
            for i in interactions:
                self.interactions[i].owner = sid
            for i in instances:
                self.instances[i].owner = sid
            self.merges[rec.id] = Merge(sid, aid, self.now, identities, interactions, instances,
                                        ended, choice, s.name, a.name)
            self.forgotten.discard(rec.id)
            s.name = name
            a.status, a.merged_into = "merged", sid
        return apply

    def unmerge(self, mid: int) -> Callable[[Any], None]:
        m = self.merges.get(mid)
        if m is None:
            raise Refused(omnictx.NotFoundError, f"no merge {mid}", "no such merge")
        if m.undone:
            raise Refused(omnictx.FailedPreconditionError, f"merge {mid} undone", "already undone")
        if self.status(m.survivor) == "merged":
            later = max(i for i, x in self.merges.items()
                        if x.absorbed == m.survivor and not x.undone)
            raise Refused(omnictx.FailedPreconditionError, f"survivor merged by {later}",
                          f"undo merge {later} first")
        assert self.status(m.survivor) == "active" and self.status(m.absorbed) == "merged", m

        def apply(rec: omnictx.MergeRecord) -> None:
            if ((rec.id, rec.survivor_id, rec.absorbed_id, rec.unmerged_by)
                    != (mid, m.survivor, m.absorbed, ACTOR)):
                diverge(f"unmerge {mid}: returned {rec}")
            s, a = m.survivor, m.absorbed
            given_back = [k for k in m.identities if self.owner.get(k) == s]
            for k in given_back:
                self.owner[k] = a
            for i in m.interactions:
                if self.interactions[i].owner == s:
                    self.interactions[i].owner = a
            for x in self.interactions.values():
                if x.owner == s and x.via in given_back and x.recorded >= m.at:
                    OUTCOMES[("unmerge (gives back one via)", "ok")] += 1
                    x.owner = a
            for i in m.instances:
                if self.instances[i].owner == s:
                    self.instances[i].owner = a
            for i in m.ended:
                inst = self.instances[i]
                if inst.status == "merged" and self.active_instance(inst.owner) is None:
                    OUTCOMES[("unmerge (resumes an instance)", "ok")] += 1
                    inst.status = "active"
            if m.name_choice is not None and m.name_choice[0] != "survivor":
                if self.customers[s].name == m.name_choice[1]:
                    self.customers[s].name = m.survivor_name
            self.customers[a] = Cust("active", m.absorbed_name)
            m.undone = True
        return apply

    def erase(self, cid: str) -> Callable[[Any], None]:
        st_ = self.status(cid)
        if st_ is None:
            raise Refused(omnictx.NotFoundError, f"{cid} unknown", "no such customer")
        if st_ == "erased":
            raise Refused(omnictx.FailedPreconditionError, f"{cid} erased already",
                          "customer erased")
        if st_ == "merged":
            raise Refused(omnictx.FailedPreconditionError, f"{cid} merged",
                          f"merged into customer {self.customers[cid].merged_into}")

        def apply(receipt: omnictx.ErasureReceipt) -> None:
            # The customer and, transitively, every customer still merged into it.
            chain = [cid]
            for k in chain:
                chain += [o for o, c in self.customers.items()
                          if c.status == "merged" and c.merged_into == k]
            identities = [k for k, o in self.owner.items() if o in chain]
            interactions = [x for x in self.interactions.values() if x.owner in chain]
            merges = [i for i, x in self.merges.items()
                      if x.survivor in chain or x.absorbed in chain]
            got = (receipt.identities_removed, receipt.tombstones_written,
                   receipt.interactions_scrubbed, receipt.merges_forgotten, receipt.checkpointed)
            want = (len(identities), len(identities), len(interactions), len(merges), True)
            if got != want:
                diverge(f"erase {cid} (with {chain[1:]}): receipt {got}, model {want}")
            for k in identities:
                del self.owner[k]
                self.tombstones.add(k)
            for x in interactions:
                x.external_id = None
            for i in merges:
                del self.merges[i]
                self.forgotten.add(i)
            if len(chain) > 1:
                OUTCOMES[("erase (with merged ones)", "ok")] += 1
            for k in chain:
                self.customers[k] = Cust("erased")
        return apply
