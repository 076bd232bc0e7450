# SPDX-License-Identifier: Apache-2.0
"""`omnictx report` renders in a real browser: a store with known KPIs goes
through the CLI to an HTML page, headless Chromium prints the page to PDF,
and the text of the rendered PDF must show the numbers: the per-channel
service levels against their targets, the journey funnel and the staffing
what-if (the same agents `omnictx metrics staffing` computes for that
hour's volume).

Needs OMNICTX_CLI (the omnictx binary), chromium and pdftotext
(scripts/setup.sh installs both)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess

import pytest

import omnictx

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLI = os.environ.get("OMNICTX_CLI", "")

LOAN = {
    "key": "loan",
    "steps": [
        {"key": "apply", "next": ["docs"]},
        {"key": "docs", "next": ["approved"]},
        {"key": "approved", "outcome": "success"},
    ],
}


def _seed(path: str) -> None:
    clock = omnictx.FakeClock(T0)
    with omnictx.Store.open(path, default_region="FR", clock=clock) as store:
        store.upsert_customer("c1", display_name="Ann")
        calls = []
        # Voice, 09:00-10:00: 30 calls answered after 10 s, 10 after 60 s
        # (late), 5 abandoned after 30 s; 4 minutes of handling each.
        for n in range(45):
            answered = n < 40
            calls.append(dict(customer_id="c1", occurred_at=T0 + dt.timedelta(seconds=60 * n),
                              channel="voice", kind="call",
                              wait_time=dt.timedelta(seconds=10 if n < 30 else 60 if answered else 30),
                              answered=answered, abandoned=not answered,
                              handle_time=dt.timedelta(minutes=4) if answered else None))
        # Chat: 8 answered within 30 s, 3 minutes each.
        for n in range(8):
            calls.append(dict(customer_id="c1", occurred_at=T0 + dt.timedelta(minutes=5 * n),
                              channel="chat", kind="chat", wait_time=dt.timedelta(seconds=30),
                              answered=True, handle_time=dt.timedelta(minutes=3)))
        store.record_batch([{k: v for k, v in c.items() if v is not None} for c in calls])
        store.define_journey(LOAN)
        for cid in ("j1", "j2", "j3"):
            store.upsert_customer(cid)
            store.start_journey(cid, "loan")
        clock.advance(dt.timedelta(minutes=10))
        for cid in ("j1", "j2"):
            store.advance_journey(store.list_journey_instances(cid)[0].id, "docs")


def _run(*args: str) -> str:
    done = subprocess.run([CLI, *args], check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> str:
    assert CLI, "OMNICTX_CLI must name the omnictx binary"
    for tool in ("chromium", "pdftotext"):
        assert shutil.which(tool), f"{tool} is missing: run scripts/setup.sh"
    work = tmp_path_factory.mktemp("report")
    db = str(work / "cc.db")
    _seed(db)
    html = work / "report.html"
    _run("report", "--db", db, "--since", "2026-03-02T00:00:00Z", "--until",
         "2026-03-03T00:00:00Z", "--out", str(html))
    pdf = work / "report.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--no-pdf-header-footer",
                    f"--user-data-dir={work / 'profile'}", f"--print-to-pdf={pdf}",
                    html.as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert pdf.stat().st_size > 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return " ".join(text.split())  # one line, single spaces


def test_channel_kpis_against_targets(rendered):
    assert "omnictx report" in rendered
    # Voice: 30 of 45 offered answered within 20 s: 66.7%, below 80%.
    assert "voice 45 0 45 40 11.1% 66.7% 80% in 20s below" in rendered
    # Chat: 8 of 8 within 60 s.
    assert "chat 8 0 8 8 0.0% 100.0% 80% in 1m meets" in rendered


def test_journey_funnel(rendered):
    assert "loan v1" in rendered
    assert "3 started, 0 completed" in rendered
    assert "apply 3 reached, 66.7% converted" in rendered
    assert "docs 2 reached, 0.0% converted" in rendered


def test_staffing_what_if_matches_the_staffing_command(rendered):
    # The busiest voice hour is 09:00 with 45 offered; AHT 4 minutes.
    expected = json.loads(_run("metrics", "staffing", "--volume", "45", "--interval", "1h",
                               "--aht", "240s", "--target", "0.8", "--answer-within", "20s",
                               "--json"))
    agents = expected["agents"]
    assert agents > 3  # 3 erlangs of work need more than 3 agents
    assert f"voice 45.0 4m 80% in 20s {agents} " in rendered
    assert "one multi-skilled team" in rendered
