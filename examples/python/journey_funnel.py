#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Defines a journey, replays customer events through it and prints the
step funnel: how many customers reached each step, how many went on, where
they dropped off, and which channel switches happened along the way.

    python3 journey_funnel.py --db funnel.db events.jsonl

Each line of the events file is one thing a customer did at a journey step:
{"customer": "u1", "at": "2026-03-02T09:00:00Z", "channel": "web",
 "touchpoint": "web.simulator", "step": "simulate"}. The first event of a
customer starts the journey for them; each later one records the
interaction at its step, which advances the journey. The store's clock
follows the events, so times in steps are the customers' own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

import omnictx

HOME_LOAN = {
    "key": "home_loan",
    "name": "Home loan",
    "steps": [
        {"key": "simulate", "next": ["upload_documents"], "touchpoints": ["web.simulator"]},
        {"key": "upload_documents", "next": ["review"], "skill": "documents",
         "stall_after": dt.timedelta(hours=2)},
        {"key": "review", "next": ["approved", "rejected"], "skill": "loan_advisor"},
        {"key": "approved", "outcome": "success"},
        {"key": "rejected", "outcome": "failure"},
    ],
}


def replay(store: omnictx.Store, clock: omnictx.FakeClock, path: str) -> int:
    """Records every event; returns how many there were."""
    instances = {}
    count = 0
    with open(path, encoding="utf-8") as events:
        for line in events:
            if not line.strip():
                continue
            event = json.loads(line)
            at = dt.datetime.fromisoformat(event["at"].replace("Z", "+00:00"))
            clock.set(at)
            who = event["customer"]
            if who not in instances:
                store.upsert_customer(who)
                instances[who] = store.start_journey(who, HOME_LOAN["key"]).id
            store.record(customer_id=who, occurred_at=at, channel=event["channel"],
                         touchpoint=event["touchpoint"], kind="journey_event",
                         direction=event.get("direction", "inbound"),
                         journey_instance_id=instances[who], journey_step=event["step"])
            count += 1
    return count


def print_funnel(report: omnictx.MetricsReport, out) -> None:
    funnel = report.journey(HOME_LOAN["key"])
    if funnel is None:
        print("no journeys started in the window", file=out)
        return
    print(f"{funnel.journey_key} v{funnel.journey_version}: {funnel.started} started, "
          f"{funnel.completed} completed, {funnel.failed} failed, {funnel.abandoned} abandoned, "
          f"{funnel.active} active ({funnel.stalled_now} stalled)", file=out)
    widest = max(s.reached for s in funnel.steps) or 1
    for step in funnel.steps:
        bar = "#" * round(30 * step.reached / widest)
        note = ""
        if step.conversion is not None:
            note = f"{step.conversion:4.0%} go on" if step.continued else f"{step.conversion:4.0%}"
        if step.drop_off:
            note += f", {step.drop_off:.0%} drop off"
        if step.p50_time_in_step is not None:
            note += f", median {step.p50_time_in_step} in step"
        print(f"  {step.step:<17} {step.reached:3d} {bar:<30} {note}", file=out)
    if report.switches:
        print("channel switches:", file=out)
        for s in report.switches:
            print(f"  at {s.step}: {s.from_channel} -> {s.to_channel} x{s.count}, "
                  f"{s.success_rate:.0%} of those journeys succeeded", file=out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database file (created if missing)")
    parser.add_argument("events", help="JSON lines of events")
    args = parser.parse_args()
    clock = omnictx.FakeClock(dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    with omnictx.Store.open(args.db, clock=clock) as store:
        store.define_journey(HOME_LOAN)
        count = replay(store, clock, args.events)
        end = clock.now() + dt.timedelta(seconds=1)
        report = store.metrics(since=end - dt.timedelta(days=30), until=end,
                               journey=HOME_LOAN["key"])
        print(f"replayed {count} events", file=sys.stdout)
        print_funnel(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
