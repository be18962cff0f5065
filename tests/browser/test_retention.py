"""A supervisor, on a phone, keeps one record that is due with a reason and erases another."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_accessibility import violations


def add_old_entries(live_server, notes: list[str]) -> list[int]:
    """Engagement entries 1000 days old in the supervisor's team, written into the demo
    database directly (as a record from years ago would be)."""
    old = (datetime.now(UTC) - timedelta(days=1000)).isoformat()
    with sqlite3.connect(live_server.db_path, timeout=10) as db:
        [(author, team)] = db.execute(
            "SELECT id, home_team FROM person WHERE username = 'pcso'"
        ).fetchall()
        ids = []
        for note in notes:
            cursor = db.execute(
                "INSERT INTO engagement (client_uuid, author, team, kind, occurred_at, note)"
                " VALUES (?, ?, ?, 'meeting', ?, ?)",
                (str(uuid.uuid4()), author, team, old, note),
            )
            ids.append(cursor.lastrowid)
    return ids


def test_a_supervisor_keeps_one_record_and_erases_another(page, live_server):
    keep_id, erase_id = add_old_entries(live_server, ["BROWSER-KEEP-NOTE", "BROWSER-ERASE-NOTE"])
    sign_in(page, "supervisor")
    page.goto("/retention")
    kept = page.locator(f'[data-record="engagement-{keep_id}"]')
    expect(kept).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("BROWSER-KEEP-NOTE")

    kept.get_by_role("button", name=f"Keep number {keep_id}").click()  # no reason yet
    expect(page.locator(f"#reason-engagement-{keep_id}-error")).to_contain_text(
        "Say why this record is still needed"
    )
    kept = page.locator(f'[data-record="engagement-{keep_id}"]')
    review_on = date.today() + timedelta(days=90)
    kept.get_by_label("Why keep it").fill("Linked to an open ASB case")
    kept.get_by_label("Review again on").fill(review_on.isoformat())
    kept.get_by_role("button", name=f"Keep number {keep_id}").click()
    expect(page.get_by_role("status")).to_have_text("Kept until its review date.")
    expect(page.locator(f'[data-record="engagement-{keep_id}"]')).to_have_count(0)

    erased = page.locator(f'[data-record="engagement-{erase_id}"]')
    erased.get_by_role("button", name=f"Erase number {erase_id}").click()
    expect(page.get_by_role("status")).to_have_text("Erased.")
    expect(page.locator(f'[data-record="engagement-{erase_id}"]')).to_have_count(0)

    notes = dict(
        live_server.query("SELECT id, note FROM engagement WHERE id IN (?, ?)", keep_id, erase_id)
    )
    assert notes == {keep_id: "BROWSER-KEEP-NOTE", erase_id: ""}
    assert live_server.query(
        "SELECT reason, review_on FROM retention_hold WHERE record_id = ? AND kind = 'engagement'",
        keep_id,
    ) == [("Linked to an open ASB case", review_on.isoformat())]
    assert live_server.query("SELECT record_id FROM tombstone WHERE kind = 'engagement'") == [
        (erase_id,)
    ]


@pytest.fixture
def axe_page(browser, live_server):
    # The injected axe script is inline: this one context bypasses the CSP to run it.
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
    )
    yield context.new_page()
    context.close()


def test_the_review_page_has_no_accessibility_violations(axe_page, live_server):
    [entry] = add_old_entries(live_server, ["BROWSER-AXE-NOTE"])
    sign_in(axe_page, "supervisor")
    axe_page.goto("/retention")
    assert violations(axe_page) == []
    record = axe_page.locator(f'[data-record="engagement-{entry}"]')
    record.get_by_role("button", name=f"Keep number {entry}").click()  # no reason: errors
    expect(axe_page.locator(f"#reason-engagement-{entry}-error")).to_be_visible()
    assert violations(axe_page) == []
