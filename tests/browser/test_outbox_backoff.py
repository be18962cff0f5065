"""The outbox when the server has a problem: a record says so, backs off (longer each time,
capped, with jitter) and is sent once the server answers again, stored once.

The page's clock is Playwright's fake one, paused: the test moves time on itself, so nothing
here waits on the real clock. The 503s are injected with page.route in front of the real demo
server, which stores the record once they stop. Service workers are blocked in this context so
that every request the phone makes passes page.route, and is counted.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_until

USER = "pcso"
FAILURES = 8  # enough to reach the cap
FIRST_MS, MAX_MS = 15_000, 600_000  # app/static/js/outbox.js: RETRY_FIRST_MS, RETRY_MAX_MS
ITEM = "[data-outbox-list='/log'] li.outbox-item"


@pytest.fixture
def phone(browser, browser_context_args):
    context = browser.new_context(**browser_context_args, service_workers="block")
    context.clock.install()
    yield context.new_page()
    context.close()


def pump_until(page, condition, seconds: float = 15) -> None:
    """Let Playwright deliver its events (route handlers run then) until condition() holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition still false")
        page.evaluate("0")
        time.sleep(0.05)


def held(page) -> dict:
    """The record as the phone holds it (IndexedDB), with the page's clock now."""
    return page.evaluate(
        """async () => ({record: (await beatbookOutbox.recordsOf(document.body.dataset.user))[0],
                         now: Date.now()})"""
    )


def settle_sends(page) -> None:
    """Every send under way (a flush joins the one in progress) has been answered."""
    page.evaluate("() => beatbookOutbox.flush(document.body.dataset.user)")


def test_a_record_backs_off_while_the_server_has_a_problem_then_is_sent_once(phone, live_server):
    page = phone
    sign_in(page, USER)
    page.goto("/log")
    expect(page.locator("form[data-outbox]")).to_be_visible()
    posts: list[str] = []

    def server(route):
        if route.request.method != "POST":
            return route.continue_()
        posts.append(route.request.post_data or "")
        if len(posts) <= FAILURES:
            return route.fulfill(status=503, body="Service Unavailable")
        return route.continue_()

    page.route("**/log", server)
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)  # no timer fires unless moved

    form = page.locator("form[data-outbox]")
    form.locator("label.chip", has_text="Door knock").first.click()
    form.locator("label.chip", has_text="Litter").click()
    form.get_by_role("button", name="Save").click()
    item = page.locator(ITEM)

    for failure in range(1, FAILURES + 1):
        pump_until(page, lambda n=failure: len(posts) == n)
        # Written, and drawn with this failure's time (the page has set its timer for it then).
        wait_until(
            page,
            f"""beatbookOutbox.recordsOf('{USER}').then(r => r[0].failures === {failure}
                && document.querySelector("{ITEM}").dataset.retryAt === String(r[0].retryAt))""",
        )
        shown = held(page)
        wait = shown["record"]["retryAt"] - shown["now"]
        longest = min(MAX_MS, FIRST_MS * 2 ** (failure - 1))
        assert longest / 2 <= wait <= longest, (failure, wait)
        expect(item).to_have_attribute("data-state", "waiting")
        status = item.locator(".outbox-status")
        expect(status).to_contain_text("The server had a problem. Will try again")
        if wait < 60_000:
            expect(status).to_have_text("The server had a problem. Will try again in a moment.")
        else:
            expect(status).to_have_text(
                re.compile(r"^The server had a problem\. Will try again at \d\d:\d\d\.$")
            )
        # Nothing sends it before its time: not the `online` event, not a flush (app start),
        # not the clock until just before the time.
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        settle_sends(page)
        page.clock.run_for(int(wait) - 1)
        settle_sends(page)
        assert len(posts) == failure
        page.clock.run_for(2)  # its time has come: sent again by itself

    # The server answers again: the record is sent, once, and stored once.
    pump_until(page, lambda: len(posts) == FAILURES + 1)
    expect(item).to_have_attribute("data-state", "sent")
    expect(item.locator(".outbox-status")).to_have_text("Sent")
    assert item.get_attribute("data-retry-at") is None
    uuid = item.get_attribute("data-uuid")
    assert set(posts) == {posts[0]} and f"uuid={uuid}" in posts[0]  # the same record each time
    stored = live_server.query("SELECT count(*) FROM engagement WHERE client_uuid = ?", uuid)
    assert stored == [(1,)]
    page.clock.run_for(MAX_MS)
    settle_sends(page)
    assert len(posts) == FAILURES + 1  # nothing more to send


def test_a_400_without_field_errors_is_final_too(phone, live_server):
    page = phone
    sign_in(page, USER)
    page.goto("/log")
    posts: list[str] = []

    def refuse(route):
        if route.request.method != "POST":
            return route.continue_()
        posts.append(route.request.post_data or "")
        return route.fulfill(status=400, body="Bad request", content_type="text/plain")

    page.route("**/log", refuse)
    form = page.locator("form[data-outbox]")
    form.locator("label.chip", has_text="Event").first.click()
    form.get_by_role("button", name="Save").click()
    item = page.locator(ITEM)
    expect(item).to_have_attribute("data-state", "error")
    expect(item).to_contain_text("Not accepted")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    settle_sends(page)
    assert len(posts) == 1  # not sent again until fixed
