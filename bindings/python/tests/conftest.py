# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures: a store in a temporary file on a FakeClock that starts
at 2026-03-02 09:00 UTC, with default region FR (as tests/test_util.h)."""

from __future__ import annotations

import datetime as dt
from typing import Iterator

import pytest

import omnictx

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> omnictx.FakeClock:
    """A clock at T0 that moves only when told."""
    return omnictx.FakeClock(T0)


@pytest.fixture
def db_path(tmp_path) -> str:
    """Path of a fresh database file."""
    return str(tmp_path / "store.db")


@pytest.fixture
def store(db_path: str, clock: omnictx.FakeClock) -> Iterator[omnictx.Store]:
    """An open store on the fake clock, closed after the test."""
    with omnictx.Store.open(db_path, default_region="FR", clock=clock) as s:
        yield s


HOME_LOAN = {
    "key": "home_loan",
    "name": "Home loan",
    "steps": [
        {"key": "simulate", "name": "Simulate", "next": ["upload_documents"],
         "touchpoints": ["web.simulator"]},
        {"key": "upload_documents", "name": "Upload documents", "next": ["review"],
         "touchpoints": ["web.upload"], "skill": "documents",
         "needs": ["payslip", "id_card"], "stall_after": dt.timedelta(days=1)},
        {"key": "review", "name": "Review", "next": ["approved", "rejected"],
         "skill": "loan_advisor"},
        {"key": "approved", "name": "Approved", "outcome": "success"},
        {"key": "rejected", "name": "Rejected", "outcome": "failure"},
    ],
}
