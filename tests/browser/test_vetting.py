"""Joining and vetting expiry in Chromium at 390x844 (issue 12): a volunteer without vetting
signs in and sees only their profile and what is left; a supervisor sees what expires soon."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, sign_in


def test_a_volunteer_without_vetting_signs_in_and_sees_only_their_joining_page(page):
    sign_in(page, "volunteer3")  # the demo's volunteer in training: no vetting yet
    page.wait_for_url("**/joining")
    expect(page.locator("h1")).to_have_text("Your profile")
    left = page.locator("[data-joining]")
    expect(left).to_contain_text("What is left to finish joining")
    expect(left).to_contain_text("Initial vetting: not passed yet")
    expect(page.locator("[data-item=initial]")).to_have_attribute("data-status", "not yet")
    # Nothing in the bottom bar to open; the account menu offers their profile, their password
    # and sign-out.
    assert page.locator("nav[aria-label=Main] a:visible").count() == 0
    page.locator("summary.account-button").click()
    menu = page.locator(".account-menu a")
    assert [t.strip() for t in menu.all_inner_texts()] == ["Change password", "Your profile"]
    # Laid out for the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Any other page says why, and leads back.
    response = page.goto("/briefing")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("You have not finished joining yet")
    page.get_by_role("link", name="See what is left to finish joining").click()
    page.wait_for_url("**/joining")
    response = page.goto("/tasks")
    assert response.status == 403
    response = page.goto("/")
    page.wait_for_url("**/joining")
    expect(page.locator("h1")).to_have_text("Your profile")


def test_a_supervisor_sees_the_volunteer_whose_vetting_expires_within_30_days(page):
    sign_in(page, "supervisor")
    page.goto("/tasks/volunteers")
    rows = page.locator("[data-expiring] tr[data-expiry]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Demo volunteer (initial vetting)")
    expect(rows.first).to_contain_text("Initial vetting")
    expect(rows.first).to_contain_text("Expires in 21 days")
    joining = page.locator("tr[data-person]:not([data-expiry])", has=page.locator("[data-joining]"))
    expect(joining).to_have_count(1)
    expect(joining).to_contain_text("Demo volunteer (in training)")
