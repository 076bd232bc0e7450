# SPDX-License-Identifier: Apache-2.0
"""Importing Segment-spec events from Python: JSON lines, HTTP bodies, the
report, strict mode and event mappings."""

from __future__ import annotations

import json

import pytest

import omnictx


def _line(**message) -> str:
    return json.dumps(message)


LINES = [
    _line(type="identify", userId="u-1", anonymousId="anon-1", messageId="m1",
          traits={"email": "Lea@Example.com", "name": "Léa Dubois"},
          timestamp="2026-03-02T08:00:00Z"),
    _line(type="track", userId="u-1", event="Email Opened", messageId="m2",
          properties={"campaign_name": "renewal"}, timestamp="2026-03-02T08:05:00Z"),
    "{not json",
    _line(type="page", anonymousId="anon-1", name="Pricing", messageId="m3",
          timestamp="2026-03-02T08:06:00+01:00"),
    _line(type="track", userId="u-1", event="Email Opened", messageId="m2",
          timestamp="2026-03-02T08:05:00Z"),
]


def test_json_lines_report_and_result(store):
    report = store.import_json_lines("\n".join(LINES))
    assert isinstance(report, omnictx.ImportReport)
    assert (report.messages, report.imported, report.duplicates, report.refused,
            report.stitched, report.rolled_back) == (5, 3, 1, 1, 0, False)
    [issue] = report.errors
    assert (issue.line, issue.index, issue.message, issue.code) == (
        3, -1, "line 3: invalid JSON at byte 2", 3)
    assert issue.error is omnictx.InvalidArgumentError
    assert report.warnings == []

    ctx = store.lookup(email="lea@example.com", channel="web")
    assert ctx.customer.display_name == "Léa Dubois"
    assert store.resolve(user_id="u-1") == store.resolve(cookie="anon-1") == ctx.customer.id
    assert [(i.kind, i.channel.kind, i.touchpoint, i.occurred_at.isoformat())
            for i in ctx.recent] == [
        ("email_opened", "email", "email.renewal", "2026-03-02T08:05:00+00:00"),
        ("page_view", "web", "web.pricing", "2026-03-02T07:06:00+00:00")]


def test_lines_from_an_iterable_such_as_a_file(store, tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    with open(path, encoding="utf-8") as f:
        report = store.import_json_lines(f)
    assert (report.messages, report.imported, report.refused) == (5, 3, 1)
    assert report.errors[0].line == 3


def test_strict_imports_all_or_nothing(store):
    report = store.import_json_lines(LINES, strict=True)
    assert report.rolled_back is True
    assert report.imported == 0
    assert store.resolve(user_id="u-1") is None


def test_unknown_users_refused_when_not_creating_customers(store):
    report = store.import_json_lines(LINES[:2], create_customers=False)
    assert report.refused == 2
    assert {e.error for e in report.errors} == {omnictx.NotFoundError}


def test_http_body_with_a_mapping(store):
    body = {"batch": [{"type": "track", "userId": "u-3", "event": "Quote Sent",
                       "messageId": "b1", "timestamp": "2026-03-02T08:08:00Z"}]}
    mapping = {"Quote Sent": {"channel": "email", "direction": "outbound",
                              "kind": "quote_sent"}}
    report = store.import_body(body, "batch", mapping=mapping)
    assert (report.messages, report.imported) == (1, 1)
    [i] = store.lookup(user_id="u-3").recent
    assert (i.kind, i.channel.kind, i.direction) == ("quote_sent", "email", "outbound")
    assert store.import_body(json.dumps(body).encode(), "batch").duplicates == 1


def test_import_errors(store):
    with pytest.raises(omnictx.InvalidArgumentError, match="^route_type: unknown"):
        store.import_body("{}", "bogus")
    with pytest.raises(omnictx.InvalidArgumentError):
        store.import_json_lines(LINES[0], mapping="{not json")
    with pytest.raises(TypeError, match="^body: expected str, bytes or a dict"):
        store.import_body(42)
