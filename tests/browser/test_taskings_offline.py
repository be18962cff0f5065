"""Answering a tasking on a phone without a signal: the answer is kept on the phone and said so,
sent once when the signal returns; a refusal is shown; without JavaScript the form posts."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from playwright.sync_api import Error, expect

from tests.browser.conftest import PHONE, controlled_by_service_worker, sign_in
from tests.browser.test_accessibility import violations


def _desk(browser, live_server):
    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
    page = desk.new_page()
    sign_in(page, "supervisor")
    return desk, page


def _post(page, path: str, form: dict):
    """Post a form as the signed-in supervisor (with the page's CSRF token), as the desk does."""
    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['x-csrftoken']")
    response = page.request.post(path, form={**form, "_csrf_token": token}, max_redirects=0)
    assert response.status in (302, 303), response.text()[:500]
    return response.headers["location"]


def make_tasking(browser, live_server, title: str) -> int:
    """A new tasking assigned to the demo PCSO (its own, so other tests do not move it)."""
    [(pcso_id, team_id)] = live_server.query(
        "SELECT id, home_team FROM person WHERE username = 'pcso'"
    )
    start = (datetime.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    desk, page = _desk(browser, live_server)
    try:
        page.goto("/tasks/manage")
        where = _post(
            page,
            "/tasks/manage",
            {
                "kind": "leaflet_drop",
                "title": title,
                "details": "Drop the autumn newsletter",
                "team": str(team_id),
                "place_kind": "area",
                "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                "priority": "routine",
                "mode": "assign",
                "staff": str(pcso_id),
                "places_wanted": "1",
            },
        )
    finally:
        desk.close()
    return int(where.rsplit("/", 1)[1])


def cancel_tasking(browser, live_server, tasking_id: int) -> None:
    desk, page = _desk(browser, live_server)
    try:
        page.goto(f"/tasks/manage/{tasking_id}")
        _post(page, f"/tasks/manage/{tasking_id}/cancel", {"reason": "No longer needed"})
    finally:
        desk.close()


def server_state(live_server, tasking_id: int) -> str:
    [(state,)] = live_server.query(
        "SELECT a.state FROM tasking_assignment a JOIN person p ON p.id = a.person "
        "WHERE a.tasking = ? AND p.username = 'pcso'",
        tasking_id,
    )
    return state


def answers(live_server, tasking_id: int) -> list[str]:
    rows = live_server.query(
        "SELECT to_state FROM tasking_event WHERE tasking = ? AND assignment IS NOT NULL "
        "ORDER BY id",
        tasking_id,
    )
    return [r[0] for r in rows]


def open_as_pcso(page, tasking_id: int) -> None:
    sign_in(page, "pcso")
    controlled_by_service_worker(page)
    page.goto(f"/tasks/{tasking_id}")
    expect(page.locator(".lede [data-state]")).to_have_text("Assigned")


def test_acknowledge_and_start_offline_are_kept_on_the_phone_then_sent_once(
    browser, page, context, live_server
):
    tasking_id = make_tasking(browser, live_server, "Newsletter drop answered offline")
    open_as_pcso(page, tasking_id)
    state = page.locator(".lede [data-state]")
    status = page.locator("[data-answer-status]")
    context.set_offline(True)
    try:
        page.get_by_role("button", name="Acknowledge").click()
        expect(state).to_have_text("Acknowledged")
        page.get_by_role("button", name="Start").click()
        expect(state).to_have_text("In progress")
        expect(status).to_have_text("Saved on this phone, will send")
        waiting = page.locator("[data-answer-list] li[data-answer=waiting]")
        expect(waiting).to_have_count(2)
        # Listed in the order they will be sent.
        expect(waiting.first).to_contain_text("Acknowledge")
        expect(waiting.last).to_contain_text("Start")
        expect(waiting.last).to_contain_text("Saved on this phone, will send")
        # The next answers are offered; the page stayed (no browser "no internet" page).
        expect(page.get_by_role("button", name="Done")).to_be_visible()
        assert page.url.endswith(f"/tasks/{tasking_id}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert server_state(live_server, tasking_id) == "assigned"
    finally:
        context.set_offline(False)
    # Back online: sent, oldest first, and the page shows what the server holds.
    page.wait_for_url(f"**/tasks/{tasking_id}?answered=1")
    expect(state).to_have_text("In progress")
    expect(status).to_be_hidden()
    expect(page.locator("[data-answer-list] li")).to_have_count(0)  # nothing left to send
    assert server_state(live_server, tasking_id) == "in_progress"
    assert answers(live_server, tasking_id) == ["assigned", "acknowledged", "in_progress"]
    # Sent again (as if the answer never came back): stored once all the same.
    action = f"/tasks/{tasking_id}/answer"
    page.evaluate(
        """action => window.beatbookOutbox.allRecords().then(all => Promise.all(all
             .filter(r => r.action === action)
             .map(r => window.beatbookOutbox.put({...r, state: 'waiting'}))))""",
        action,
    )
    page.reload()
    wait_for_records(page, action, ["sent", "sent"])
    assert server_state(live_server, tasking_id) == "in_progress"
    assert answers(live_server, tasking_id) == ["assigned", "acknowledged", "in_progress"]


def wait_for_records(page, action: str, states: list[str], seconds: float = 15) -> None:
    """Wait until the phone's records for `action` are in `states` (the page may reload)."""
    deadline = time.monotonic() + seconds
    seen = None
    while time.monotonic() < deadline:
        try:
            seen = page.evaluate(
                """action => window.beatbookOutbox.allRecords().then(all => all
                     .filter(r => r.action === action).map(r => r.state))""",
                action,
            )
        except Error:  # the page is loading what the server holds
            seen = None
        if seen == states:
            return
        time.sleep(0.1)
    raise AssertionError(f"records still {seen}, not {states}")


def test_done_needs_an_outcome_on_the_phone_before_it_is_kept(browser, page, context, live_server):
    tasking_id = make_tasking(browser, live_server, "Newsletter drop finished offline")
    open_as_pcso(page, tasking_id)
    context.set_offline(True)
    try:
        page.get_by_role("button", name="Acknowledge").click()
        page.get_by_role("button", name="Start").click()
        page.get_by_role("button", name="Done").click()
        expect(page.locator("[data-note-phone-error]")).to_have_text("Enter the outcome")
        expect(page.locator("[data-answer-list] li")).to_have_count(2)  # nothing queued
        page.get_by_label("Outcome, or why you cannot do it").fill("All delivered")
        page.get_by_role("button", name="Done").click()
        expect(page.locator(".lede [data-state]")).to_have_text("Done")
        expect(page.locator("[data-answer-list] li[data-answer=waiting]")).to_have_count(3)
    finally:
        context.set_offline(False)
    page.wait_for_url(f"**/tasks/{tasking_id}?answered=1")
    expect(page.locator(".lede [data-state]")).to_have_text("Done")
    assert server_state(live_server, tasking_id) == "done"
    page.goto("/tasks")
    finished = page.locator("[data-section=finished]")
    expect(finished.locator("summary")).to_contain_text("Done and closed")
    expect(page.locator("[data-section=mine]")).not_to_contain_text(
        "Newsletter drop finished offline"
    )
    finished.locator("summary").click()
    expect(finished.get_by_role("link", name="Newsletter drop finished offline")).to_be_visible()


def test_a_refused_answer_is_shown_not_lost(browser, page, context, live_server):
    tasking_id = make_tasking(browser, live_server, "Newsletter drop cancelled meanwhile")
    open_as_pcso(page, tasking_id)
    context.set_offline(True)
    try:
        page.get_by_role("button", name="Acknowledge").click()
        expect(page.locator("[data-answer-list] li[data-answer=waiting]")).to_have_count(1)
        cancel_tasking(browser, live_server, tasking_id)  # the state moves on meanwhile
    finally:
        context.set_offline(False)
    refused = page.locator("[data-answer-list] li[data-answer=error]")
    expect(refused).to_contain_text("This tasking has been cancelled")
    expect(refused).to_contain_text("Not sent: This tasking has been cancelled")
    assert server_state(live_server, tasking_id) == "cancelled"
    page.reload()  # still there after a reload, until the person discards it
    expect(refused).to_contain_text("This tasking has been cancelled")
    expect(page.locator(".lede [data-state]")).to_have_text("Cancelled")
    refused.get_by_role("button", name="Discard").click()
    expect(page.locator("[data-answer-list] li")).to_have_count(0)
    assert server_state(live_server, tasking_id) == "cancelled"


def test_without_javascript_the_answer_form_still_posts(browser, live_server):
    tasking_id = make_tasking(browser, live_server, "Newsletter drop without scripts")
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, "pcso")
        page.goto(f"/tasks/{tasking_id}")
        page.get_by_role("button", name="Acknowledge").click()
        expect(page.locator(".lede [data-state]")).to_have_text("Acknowledged")
        expect(page.get_by_text("Saved: your supervisor can see your answer.")).to_be_visible()
        assert server_state(live_server, tasking_id) == "acknowledged"
    finally:
        context.close()


def test_an_offer_accepted_offline_on_tasks_is_sent_when_the_signal_returns(
    browser, page, context, live_server
):
    [(team_id,)] = live_server.query("SELECT home_team FROM person WHERE username = 'volunteer'")
    start = (datetime.now() + timedelta(hours=30)).replace(second=0, microsecond=0)
    desk, supervisor = _desk(browser, live_server)
    try:
        supervisor.goto("/tasks/manage")
        where = _post(
            supervisor,
            "/tasks/manage",
            {
                "kind": "leaflet_drop",
                "title": "Leaflets for the spring fair",
                "details": "",
                "team": str(team_id),
                "place_kind": "area",
                "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                "priority": "routine",
                "mode": "offer",
                "places_wanted": "1",
            },
        )
    finally:
        desk.close()
    tasking_id = int(where.rsplit("/", 1)[1])
    sign_in(page, "volunteer")
    controlled_by_service_worker(page)
    page.goto("/tasks")
    offer = page.locator("[data-section=offers] article", has_text="Leaflets for the spring fair")
    context.set_offline(True)
    try:
        offer.get_by_role("button", name="Accept").click()
        expect(offer.locator("[data-answer-list] li[data-answer=waiting]")).to_contain_text(
            "Saved on this phone, will send"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.set_offline(False)
    mine = page.locator("[data-section=mine] article", has_text="Leaflets for the spring fair")
    expect(mine).to_contain_text("Accepted")
    [(state,)] = live_server.query(
        "SELECT a.state FROM tasking_assignment a JOIN person p ON p.id = a.person "
        "WHERE a.tasking = ? AND p.username = 'volunteer'",
        tasking_id,
    )
    assert state == "accepted"


def test_the_answers_kept_and_the_done_group_have_no_accessibility_violations(browser, live_server):
    tasking_id = make_tasking(browser, live_server, "Newsletter drop checked by axe")
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
    )
    try:
        page = context.new_page()
        sign_in(page, "pcso")
        page.goto(f"/tasks/{tasking_id}")
        context.set_offline(True)
        try:
            page.get_by_role("button", name="Acknowledge").click()
            # Kept: the form is cleared for the next answer (then the note is typed).
            expect(page.locator(".lede [data-state]")).to_have_text("Acknowledged")
            page.get_by_label("Outcome, or why you cannot do it").fill("Could not get in")
            page.get_by_role("button", name="Cannot do").click()
            expect(page.locator(".lede [data-state]")).to_have_text("Cannot do")
            expect(page.locator("[data-answer-list] li")).to_have_count(2)
            assert violations(page) == []
        finally:
            context.set_offline(False)
        page.wait_for_url(f"**/tasks/{tasking_id}?answered=1")
        page.goto("/tasks")
        finished = page.locator("[data-section=finished]")
        finished.locator("summary").click()
        expect(finished.get_by_role("link", name="Newsletter drop checked by axe")).to_be_visible()
        assert violations(page) == []
    finally:
        context.close()
