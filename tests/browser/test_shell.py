"""The phone shell in Chromium at 390x844: sign in as each role, sign out, work offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.roles import Role
from tests.browser.conftest import PHONE, controlled_by_service_worker, sign_in, wait_until

EXPECTED_NAV = {
    Role.PCSO: ["Briefing", "Tasks", "Log", "Visits", "Plan"],
    Role.OFFICER: ["Briefing", "Tasks", "Log", "Visits", "Plan"],
    Role.VOLUNTEER: ["Briefing", "Tasks", "Log", "Visits"],
    Role.MENTOR: ["Tasks", "Mentoring"],  # no briefing unless BEATBOOK_MENTOR_BRIEFING=place
    Role.SUPERVISOR: ["Briefing", "Tasks", "Log", "Mentoring", "Visits", "Plan"],  # Areas: menu
    Role.ADMIN: ["Briefing"],
}


def visible_nav_labels(page) -> list[str]:
    # Each link's label (not its count of what waits, if any).
    labels = page.locator("nav[aria-label=Main] a:visible > span:not(.nav-count)")
    return [t.strip() for t in labels.all_inner_texts()]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_sees_its_navigation(page, role):
    sign_in(page, role.value)
    expect(page.locator("h1")).to_contain_text("Hello")
    assert visible_nav_labels(page) == EXPECTED_NAV[role]
    # Thumb-sized targets, and nothing wider than the phone.
    for box in (b.bounding_box() for b in page.locator("nav[aria-label=Main] a:visible").all()):
        assert box["height"] >= 44 and box["width"] >= 44
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_role_is_refused_pages_outside_its_navigation(page):
    sign_in(page, "volunteer")
    response = page.goto("/people")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("You cannot see this page")


def test_wrong_password_shows_the_error_summary_and_the_field_message(page):
    page.goto("/login")
    page.get_by_label("Username").fill("pcso")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator("#username-error")).to_contain_text("Enter a correct username and password")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Username")).to_be_focused()


def test_sign_out_ends_the_session_and_clears_saved_pages(page):
    sign_in(page, "officer")
    controlled_by_service_worker(page)  # from now on it saves the pages it loads
    page.goto("/briefing")
    wait_until(page, "caches.has('beatbook-pages')")
    page.locator("summary.account-button").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login?signed_out=true")
    expect(page.get_by_role("status")).to_contain_text("You have signed out")
    wait_until(page, "caches.has('beatbook-pages').then(has => !has)")
    page.goto("/briefing")
    assert "/login" in page.url


def test_after_a_first_visit_the_shell_and_offline_page_work_offline(page, context):
    sign_in(page, "pcso")
    controlled_by_service_worker(page)
    page.goto("/briefing")
    expect(page.locator("h1")).to_have_text("Briefing")
    context.set_offline(True)
    try:
        page.reload()
        expect(page.locator("h1")).to_have_text("Briefing")  # the saved copy
        expect(page.locator("[data-connection]")).to_be_visible()
        page.goto("/visits")  # never visited: the offline page
        expect(page.locator("h1")).to_have_text("You are offline")
        # The shell's CSS came from the cache: the header is still styled.
        colour = page.evaluate(
            "getComputedStyle(document.querySelector('.app-header')).backgroundColor"
        )
        assert colour == "rgb(29, 63, 115)"
        page.go_back()
        expect(page.locator("h1")).to_have_text("Briefing")
    finally:
        context.set_offline(False)


def test_manifest_and_service_worker_are_served_for_installing(page):
    page.goto("/login")
    manifest = page.evaluate(
        "fetch('/manifest.webmanifest')"
        ".then(r => r.json().then(j => [r.headers.get('content-type'), j]))"
    )
    assert manifest[0].startswith("application/manifest+json")
    assert manifest[1]["display"] == "standalone"
    assert {i["sizes"] for i in manifest[1]["icons"]} == {"192x192", "512x512"}
    assert any(i.get("purpose") == "maskable" for i in manifest[1]["icons"])
