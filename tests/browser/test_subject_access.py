"""An admin at a desk (1366x768) answers a subject access request for a household."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

DESK = {"width": 1366, "height": 768}


def test_an_admin_searches_an_address_and_opens_the_export(browser, live_server):
    from tests.browser.test_accessibility import violations

    context = browser.new_context(base_url=live_server.url, viewport=DESK, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, "admin")
        page.goto("/subject-access")
        page.get_by_label("A household (address)").check()
        page.get_by_label("What identifies them").fill("12 ABBEY street,  derby")
        page.get_by_role("button", name="Search").click()
        found = page.locator("[data-found] li")
        expect(found).to_have_count(1)
        expect(found).to_contain_text("12 abbey street derby")
        assert violations(page) == []
        found.get_by_role("link", name="Open the document").click()
        document = page.locator("[data-subject-document]")
        expect(document.locator("h1")).to_have_text("Information held about 12 Abbey Street, Derby")
        visits = page.locator("[data-section-key='home_visits'] tbody tr")
        expect(visits).to_have_count(1)
        expect(visits).to_contain_text("12 Abbey Street, Derby")
        referrals = page.locator("[data-section-key='referrals'] tbody tr")
        expect(referrals).to_have_count(2)  # the demo's fire and food bank referrals
        expect(page.locator("[data-section-key='home_visits']")).not_to_contain_text("Bridge")
        # The page fits the desk: no sideways scrolling of the page itself.
        assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
        assert violations(page) == []
        entries = live_server.query(
            "SELECT record_id, detail FROM audit_entry WHERE operation = 'disclosure'"
        )
        assert [e[0] for e in entries] == ["household:12 abbey street derby"]
        assert "home_visits 1" in entries[0][1] and "referrals 2" in entries[0][1]
    finally:
        context.close()
