"""The briefing on a phone: geolocation near the demo cluster, refused, and a volunteer's view."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.demo.briefing import CLUSTER
from tests.browser.conftest import controlled_by_service_worker, sign_in


@pytest.fixture
def phone(browser, browser_context_args):
    """phone(geolocation=..., permissions=[...]) -> a new page in its own browser context."""
    contexts = []

    def make(**options):
        context = browser.new_context(**browser_context_args, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_a_phone_near_the_cluster_sees_it_nearest_first(phone):
    lat, lng, place, count = CLUSTER
    page = phone(
        geolocation={"latitude": lat + 0.0002, "longitude": lng, "accuracy": 20},
        permissions=["geolocation"],
    )
    sign_in(page, "pcso")
    page.goto("/briefing")
    page.wait_for_url("**/briefing?lat=*")
    expect(page.locator("[data-where]")).to_contain_text("your position (accurate to about 20 m)")
    first = page.locator("ol.incidents li").first
    expect(first).to_contain_text(place)
    # the whole cluster in the last 7 days, nearest first
    week = page.locator("ol.incidents li", has_text=place)
    assert week.count() == sum(1 for i in range(count) if i * 0.7 < 7)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_with_geolocation_refused_the_home_team_area_is_shown(phone):
    page = phone()  # no permission granted: the browser refuses the position
    sign_in(page, "pcso")
    page.goto("/briefing")
    shown = page.locator(".where:visible")
    expect(shown).to_have_count(1)
    expect(shown).to_have_text(
        "Your phone did not share its position, so this is your home team area: "
        "within 500 m of the centre of Abbey."
    )
    expect(page.locator(".area-notes h2")).to_contain_text("Abbey")
    # police see the people section, loaded by htmx
    expect(page.locator("#people [data-people=repeat-victims]")).to_contain_text("DEMO-VICTIM")


def test_a_volunteer_never_sees_the_people_section(phone):
    lat, lng = 52.917, -1.5  # Abbey, where the demo's repeat victims and knife carriers are
    page = phone(
        geolocation={"latitude": lat, "longitude": lng, "accuracy": 15}, permissions=["geolocation"]
    )
    sign_in(page, "volunteer")
    page.goto("/briefing")
    page.wait_for_url("**/briefing?lat=*")
    expect(page.locator("ol.incidents li").first).to_be_visible()
    expect(page.locator("#people")).to_have_count(0)
    expect(page.get_by_text("DEMO-VICTIM", exact=False)).to_have_count(0)
    expect(page.get_by_text("DEMO-SUSPECT", exact=False)).to_have_count(0)
    response = page.goto("/briefing/people?lat=52.917&lng=-1.5")
    assert response.status == 403


def test_the_last_briefing_is_readable_offline_with_its_time(phone):
    lat, lng, place, _ = CLUSTER
    page = phone(
        geolocation={"latitude": lat, "longitude": lng, "accuracy": 10}, permissions=["geolocation"]
    )
    sign_in(page, "officer")
    controlled_by_service_worker(page)
    page.goto("/briefing")
    page.wait_for_url("**/briefing?lat=*")
    as_of = page.locator(".as-of").inner_text()
    page.context.set_offline(True)
    try:
        page.reload()
        expect(page.locator(".as-of")).to_have_text(as_of)  # the saved copy, with its time
        expect(page.locator("ol.incidents li").first).to_contain_text(place)
    finally:
        page.context.set_offline(False)


def test_the_first_load_transfers_at_most_60_kb(browser, browser_context_args, live_server):
    # Sign in, then open the briefing in a fresh context (same cookies, empty HTTP cache, no
    # service worker) and add up what the network carried: page, htmx, CSS, scripts, fragment.
    first = browser.new_context(**browser_context_args)
    page = first.new_page()
    sign_in(page, "officer")
    state = first.storage_state()
    first.close()
    fresh = browser.new_context(**browser_context_args, storage_state=state)
    try:
        page = fresh.new_page()
        abbey = live_server.query("SELECT id FROM team_area WHERE name = 'Abbey'")[0][0]
        page.goto(f"/briefing?area={abbey}&radius=1000")
        expect(page.locator("#people [data-people]").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        entries = page.evaluate(
            "performance.getEntriesByType('navigation').concat("
            "performance.getEntriesByType('resource'))"
            ".map(e => [e.name, e.transferSize, e.encodedBodySize])"
        )
        names = " ".join(name for name, _, _ in entries)
        assert "htmx" in names and "app.css" in names and "/briefing/people" in names
        assert all(size > 0 for _, size, _ in entries), entries  # nothing came from a cache
        total = sum(size for _, size, _ in entries)
        print(f"first load: {total:,} bytes transferred in {len(entries)} responses")
        assert total <= 60 * 1024, entries
    finally:
        fresh.close()
