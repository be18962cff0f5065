"""The home screen on a phone (390x844): an urgent tasking at the top of what waits, and the
count of what waits on the navigation, read out as "N waiting"."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from app.taskings.sender import payload
from tests.browser.conftest import PHONE, controlled_by_service_worker, sign_in
from tests.taskings_helpers import tasking_form

TITLE = "Check on the corner shop now"
OPEN = "('offered', 'assigned', 'acknowledged', 'accepted', 'in_progress')"


def test_an_urgent_tasking_leads_the_phone_home_with_a_count_on_the_navigation(page, live_server):
    [(officer_id, team_id)] = live_server.query(
        "SELECT id, home_team FROM person WHERE username = 'officer'"
    )
    sign_in(page, "supervisor")
    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['x-csrftoken']")
    form = tasking_form(team_id, mode="assign", staff=str(officer_id), priority="urgent")
    form["title"] = TITLE
    made = page.request.post(
        "/tasks/manage", form=form, headers={"x-csrftoken": token}, max_redirects=0
    )
    assert made.status == 303, made.text()
    page.context.clear_cookies()

    sign_in(page, "officer")  # lands on the home screen
    waiting = page.locator("[data-section=waiting] [data-waiting]").first
    expect(waiting).to_have_attribute("data-waiting", "taskings")
    first = waiting.locator("li").first
    expect(first.locator("[data-urgent]")).to_have_text("Urgent")
    urgent_titles = waiting.locator("li:has([data-urgent]) a").all_inner_texts()
    assert TITLE in urgent_titles
    box = page.locator("li", has_text=TITLE).bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]  # on the first screen, no scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    [(count,)] = live_server.query(
        "SELECT COUNT(*) FROM tasking_assignment a JOIN person p ON p.id = a.person "  # noqa: S608
        f"WHERE p.username = 'officer' AND a.state IN {OPEN}"
    )
    assert count >= 1
    tasks = page.get_by_role("link", name=f"Tasks {count} waiting")
    expect(tasks).to_be_visible()
    expect(tasks.locator(".nav-count")).to_have_text(f"{count} waiting")

    # Another page loads the same count into its navigation.
    page.goto("/log")
    expect(page.get_by_role("link", name=f"Tasks {count} waiting")).to_be_visible()
    # The /tasks list marks it urgent too.
    page.goto("/tasks")
    card = page.locator("[data-section=mine] .task-card", has_text=TITLE)
    expect(card.locator("[data-urgent]")).to_have_text("Urgent")


def test_a_shift_start_push_shows_and_opens_the_briefing(page, live_server):
    context = page.context
    context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(page, "pcso")
    controlled_by_service_worker(page)
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(
            r
            for r in e["registrations"]
            if not r["isDeleted"] and r["scopeURL"].startswith(live_server.url)
        ),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 15
    while not registrations and time.monotonic() < deadline:
        page.evaluate("new Promise(r => setTimeout(() => r(true), 100))")
    assert registrations, "the DevTools protocol reported no service worker registration"
    title = "Abbey: 3 new incidents since your last shift, 1 urgent tasking"
    # Exactly what the sender sends for a shift's message (app/shifts queues it, no tasking).
    body = payload({"id": 99, "tasking": None, "kind": "shift", "title": title})
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registrations[0]["registrationId"],
            "data": body.decode(),
        },
    )
    [worker] = [w for w in context.service_workers if w.url.endswith("/sw.js")]
    shown = []
    deadline = time.monotonic() + 30  # a bound on a loaded machine, not a wait: done when shown
    while not shown and time.monotonic() < deadline:
        shown = worker.evaluate(
            "self.registration.getNotifications().then(ns => ns.map(n => ({title: n.title,"
            " tag: n.tag})))"
        )
        time.sleep(0.1)
    assert shown == [{"title": title, "tag": "shift-start"}]
    # The DevTools protocol cannot tap a notification: call what the worker's listener calls
    # (outside a real tap the browser refuses to focus the window once it has navigated it).
    worker.evaluate(
        "self.registration.getNotifications()"
        ".then(ns => beatbookNotificationClick(ns[0], '')).catch(() => null)"
    )
    page.wait_for_url("**/briefing")
    expect(page.locator("h1")).to_contain_text("Briefing")
