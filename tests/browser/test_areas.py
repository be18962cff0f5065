"""The ward at a glance in a browser: a supervisor at a desk opens the roll-up, an area and the
records behind a figure; a PCSO on a phone records abstraction in three taps."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, PHONE

DESK = {"width": 1366, "height": 768}
OPEN_STATES = ("offered", "accepted", "assigned", "acknowledged", "in_progress")


def sign_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_supervisor_opens_the_rollup_an_area_and_the_records_behind_a_figure(
    browser, live_server
):
    context = browser.new_context(base_url=live_server.url, viewport=DESK, locale="en-GB")
    try:
        page = context.new_page()
        sign_in(page, "supervisor")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Areas").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Areas at a glance")
        [(areas,)] = live_server.query("SELECT COUNT(*) FROM team_area")
        expect(page.locator("table[data-rollup] tbody tr[data-team]")).to_have_count(areas)
        # Sort by open taskings, most first: the demo's home area has some.
        page.locator("table[data-rollup] thead").get_by_role("link", name="Open tasks").click()
        page.wait_for_url("**/areas?sort=open&order=desc")
        first = page.locator("table[data-rollup] tbody tr[data-team]").first
        team_id = int(first.get_attribute("data-team"))
        [(open_taskings,)] = live_server.query(
            "SELECT COUNT(DISTINCT t.id) FROM tasking t JOIN tasking_assignment a "
            "ON a.tasking = t.id WHERE t.team = ? AND t.cancelled = 0 "
            "AND a.state IN (?, ?, ?, ?, ?)",
            team_id,
            *OPEN_STATES,
        )
        assert open_taskings > 0
        expect(first.locator("td[data-key=open]")).to_have_text(str(open_taskings))
        name = first.get_by_role("rowheader").inner_text()
        first.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        figure = page.locator("a[data-figure=open]")
        expect(figure).to_have_text(str(open_taskings))
        figure.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Open taskings")
        expect(page.locator("[data-total]")).to_have_text(str(open_taskings))
        expect(page.locator("table[data-records] tbody tr")).to_have_count(open_taskings)
        # The page fits the desk's width: no sideways scrolling of the page itself.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def test_a_pcso_records_abstraction_in_three_taps(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB"
    )
    try:
        page = context.new_page()
        sign_in(page, "pcso")
        [(before,)] = live_server.query("SELECT COUNT(*) FROM abstraction")
        page.goto("/abstraction")
        page.get_by_text("Court", exact=True).tap()  # 1
        page.get_by_text("2 hours", exact=True).tap()  # 2
        page.get_by_role("button", name="Record").tap()  # 3
        expect(page.locator("[data-saved]")).to_be_visible()
        rows = live_server.query(
            "SELECT a.cause, a.minutes FROM abstraction a JOIN person p ON p.id = a.person "
            "WHERE p.username = 'pcso' ORDER BY a.id DESC LIMIT 1"
        )
        assert rows == [("court", 120)]
        [(after,)] = live_server.query("SELECT COUNT(*) FROM abstraction")
        assert after == before + 1
        expect(page.locator("[data-recent]")).to_contain_text("Court, 2.0 hours")
    finally:
        context.close()


def test_the_area_pages_have_no_accessibility_violations(browser, live_server):
    from tests.browser.test_accessibility import violations

    context = browser.new_context(base_url=live_server.url, viewport=DESK, bypass_csp=True)
    try:
        page = context.new_page()
        sign_in(page, "supervisor")
        found = {}
        for url in ("/areas", "/areas/1", "/areas/1/records/taskings?which=open", "/abstraction"):
            page.goto(url)
            problems = violations(page)
            if problems:
                found[url] = problems
        assert found == {}
    finally:
        context.close()
