"""Taskings on the phone in Chromium: the lists, notifications only on request, and the service
worker's push and notification handlers driven through the DevTools protocol."""

from __future__ import annotations

import json
import time

from playwright.sync_api import expect

from app.taskings.push_queue import action_token
from tests.browser.conftest import PHONE, controlled_by_service_worker, sign_in

SECRET = "browser-tests-secret-key"  # the live server's BEATBOOK_SECRET_KEY


def test_the_volunteer_sees_their_offers_at_phone_size(page):
    sign_in(page, "volunteer")
    page.goto("/tasks")
    offers = page.locator("[data-section=offers] h3")
    expect(offers).to_have_count(2)  # the leaflet drop and the home visit (fully vetted)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for box in (b.bounding_box() for b in page.locator("main .button").all()):
        assert box["height"] >= 44


def test_notifications_are_not_turned_on_until_the_person_asks(page, live_server):
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    posted = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    sign_in(page, "pcso")
    controlled_by_service_worker(page)
    page.goto("/tasks/push")
    expect(page.get_by_role("button", name="Turn on notifications on this device")).to_be_visible()
    time.sleep(0.5)
    subscription = page.evaluate(
        "navigator.serviceWorker.ready.then(r => r.pushManager.getSubscription())"
        ".then(s => s ? s.endpoint : null)"
    )
    assert subscription is None
    assert not [u for u in posted if "/tasks/push/subscriptions" in u]


def _offer_message(live_server) -> tuple[int, int]:
    [(message_id, tasking_id)] = live_server.query(
        "SELECT m.id, m.tasking FROM push_message m JOIN person p ON p.id = m.person "
        "JOIN tasking t ON t.id = m.tasking WHERE p.username = 'volunteer' AND m.kind = 'offer' "
        "AND t.kind = 'leaflet_drop'"
    )
    return message_id, tasking_id


def test_a_pushed_offer_shows_and_accept_from_it_accepts(page, live_server):
    context = page.context
    context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(page, "volunteer")
    controlled_by_service_worker(page)
    message_id, tasking_id = _offer_message(live_server)

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
    # Playwright's sync API hands CDP events to listeners only while it is waiting on the
    # browser, so each round asks the page something rather than sleeping (a bare sleep let the
    # event sit undelivered on a busy machine and the list stayed empty).
    deadline = time.monotonic() + 15
    while not registrations and time.monotonic() < deadline:
        page.evaluate("new Promise(r => setTimeout(() => r(true), 100))")
    assert registrations, "the DevTools protocol reported no service worker registration"
    payload = {
        "m": message_id,
        "tasking": tasking_id,
        "kind": "offer",
        "title": "New offer in Abbey",
        "url": f"/tasks/{tasking_id}",
        "token": action_token(message_id, SECRET),
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registrations[0]["registrationId"],
            "data": json.dumps(payload),
        },
    )
    [worker] = [w for w in context.service_workers if w.url.endswith("/sw.js")]
    shown = []
    deadline = time.monotonic() + 30  # a bound on a loaded machine, not a wait: done when shown
    while not shown and time.monotonic() < deadline:
        shown = worker.evaluate(
            "self.registration.getNotifications().then(ns => ns.map(n => ({title: n.title,"
            " body: n.body, tag: n.tag, actions: n.actions.map(a => a.action), data: n.data})))"
        )
        time.sleep(0.1)
    assert len(shown) == 1
    assert shown[0]["title"] == "New offer in Abbey"
    assert shown[0]["actions"] == ["accept", "decline"]
    assert shown[0]["tag"] == f"tasking-{tasking_id}"

    # Chromium's DevTools protocol cannot press a notification's button, so the test calls
    # the function the worker's notificationclick listener calls, with the shown notification.
    worker.evaluate(
        "self.registration.getNotifications()"
        ".then(ns => beatbookNotificationClick(ns[0], 'accept'))"
    )
    [(state,)] = live_server.query(
        "SELECT a.state FROM tasking_assignment a JOIN person p ON p.id = a.person "
        "WHERE p.username = 'volunteer' AND a.tasking = ?",
        tasking_id,
    )
    assert state == "accepted"
    assert worker.evaluate("self.registration.getNotifications().then(ns => ns.length)") == 0
    page.goto(f"/tasks/{tasking_id}")
    expect(page.locator("[data-state]")).to_have_text("Accepted")


def test_the_supervisors_page_shows_an_answer_as_it_comes(browser, live_server):
    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    try:
        # The demo's offer (visits submitted by other browser tests assign follow-up taskings).
        [(tasking_id,)] = live_server.query(
            "SELECT id FROM tasking WHERE kind = 'home_visit' AND mode = 'offer'"
        )
        supervisor = desk.new_page()
        sign_in(supervisor, "supervisor")
        supervisor.goto(f"/tasks/manage/{tasking_id}")
        state = supervisor.locator("tr[data-person] [data-state]")
        expect(state).to_have_text("Offered")
        volunteer = phone.new_page()
        sign_in(volunteer, "volunteer")
        volunteer.goto(f"/tasks/{tasking_id}")
        volunteer.get_by_label("Reason (optional if you decline)").fill("At work that day")
        volunteer.get_by_role("button", name="Decline").click()
        expect(volunteer.locator(".lede [data-state]")).to_have_text("Declined")
        # No reload: the page polls for its live part.
        expect(state).to_have_text("Declined", timeout=10_000)
        expect(supervisor.locator("[data-history]")).to_contain_text("At work that day")
    finally:
        desk.close()
        phone.close()
