"""The briefing on a phone: geolocation near the demo cluster, refused, a volunteer's view (no
incident times or places), and the people section audited only once shown."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from app.clock import LOCAL_TIME
from app.demo.briefing import CLUSTER
from tests.browser.conftest import controlled_by_service_worker, sign_in, wait_until


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
    page.add_init_script(COUNT_ASKS)
    page.goto("/briefing")
    # Not allowed before: the position is asked for only on a tap, never on load.
    expect(page.locator("[data-where]")).to_have_text(
        "Your home team area: the whole of Abbey (its boundary is approximate: Abbey)."
    )
    expect(page.locator("#people [data-people=repeat-victims]")).to_contain_text("DEMO-VICTIM")
    assert page.evaluate("window.__positionsAsked") == 0
    page.get_by_role("button", name="Use where I am").click()
    shown = page.locator(".where:visible")
    expect(shown).to_have_count(1)
    expect(shown).to_have_text(
        "Your phone did not share its position, so this is your home team area: "
        "the whole of Abbey (its boundary is approximate: Abbey)."
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
    expect(page.locator(".counts-by-type table.counts").first).to_be_visible()
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


def test_the_first_load_transfers_at_most_110_kb(browser, browser_context_args, live_server):
    # Sign in, then open the briefing in a fresh context (same cookies, empty HTTP cache, no
    # service worker) and add up what the network carried: page, htmx, CSS, scripts, fragment.
    # The briefing shows a map (issue 15): a map page's budget, 110 KB (no tiles in the demo);
    # without the map's files it keeps to the 60 KB of a page without a map.
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
        assert "leaflet.js" in names
        assert total <= 110 * 1024, entries
        mapless = sum(s for n, s, _ in entries if "leaflet" not in n and "/map." not in n)
        assert mapless <= 60 * 1024, entries
    finally:
        fresh.close()


def test_a_volunteers_briefing_shows_no_incident_times_or_places(phone, live_server):
    lat, lng = 52.917, -1.5  # Abbey: the demo's incidents all around
    page = phone(
        geolocation={"latitude": lat, "longitude": lng, "accuracy": 15}, permissions=["geolocation"]
    )
    sign_in(page, "volunteer")
    page.goto("/briefing")
    page.wait_for_url("**/briefing?lat=*")
    expect(page.locator(".counts-by-type table.counts").first).to_be_visible()
    assert page.viewport_size == {"width": 390, "height": 844}
    incidents = live_server.query("SELECT occurred_at, location, lat, lng FROM incident")
    assert len(incidents) > 100
    shown = page.content()
    for occurred_at, location, ilat, ilng in incidents:
        when = datetime.fromisoformat(occurred_at).replace(tzinfo=UTC).astimezone(LOCAL_TIME)
        assert when.strftime("%d %b %Y %H:%M") not in shown, occurred_at
        assert location not in shown
        assert f"{ilat:.6f}" not in shown and f"{ilng:.6f}" not in shown
    # No time of day at all, apart from the briefing's own "as of", the page's rendering time,
    # the person's own taskings and the priorities their supervisor wrote.
    rest = page.evaluate(
        """() => {
          const copy = document.documentElement.cloneNode(true);
          copy.querySelectorAll('.as-of, meta[name=rendered-at], [data-slot=taskings], .area-notes')
            .forEach(node => node.remove());
          return copy.outerHTML;
        }"""
    )
    assert re.findall(r"\b\d{1,2}:\d{2}\b", rest) == []
    # Counted by type: the panels are there, and the list is police.uk's street crime.
    expect(page.locator(".period h3", has_text="Last 7 days (incidents)")).to_have_count(1)
    expect(page.locator(".recent h2")).to_contain_text("Street crime")


# Counts the times the page asks for the phone's position, and asks as it would.
COUNT_ASKS = """
(() => {
  window.__positionsAsked = 0;
  const ask = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
  navigator.geolocation.getCurrentPosition = (...args) => {
    window.__positionsAsked += 1;
    return ask(...args);
  };
})();
"""


# Holds the phone's position until the test lets it arrive (window.__releasePosition).
HOLD_POSITION = """
(() => {
  const held = [];
  navigator.geolocation.getCurrentPosition = (found) => { held.push(found); };
  window.__positionsAsked = () => held.length;
  window.__releasePosition = (latitude, longitude, accuracy) => {
    held.splice(0).forEach((found) =>
      found({coords: {latitude, longitude, accuracy}, timestamp: Date.now()}));
  };
})();
"""


def test_the_people_sections_audit_entry_appears_only_once_it_is_shown(phone, live_server):
    page = phone(permissions=["geolocation"])  # allowed before: asked for at once, on load
    sign_in(page, "pcso")
    page.add_init_script(HOLD_POSITION)
    (start,) = live_server.query("SELECT COALESCE(MAX(id), 0) FROM audit_entry")[0]

    def looks():
        return live_server.query(
            "SELECT record_id FROM audit_entry WHERE id > ? AND record_type = 'briefing-people' "
            "AND actor_username = 'pcso'",
            start,
        )

    page.goto("/briefing")  # the home area, while the phone looks for its position
    wait_until(page, "window.__positionsAsked() === 1")
    page.wait_for_load_state("networkidle")  # whatever the page was going to fetch, it has
    expect(page.locator("#people [data-people]")).to_have_count(0)
    assert looks() == []
    lat, lng = 52.917, -1.5  # in Abbey, where the demo's repeat victims are
    page.evaluate(f"window.__releasePosition({lat}, {lng}, 20)")
    page.wait_for_url("**/briefing?lat=*")
    expect(page.locator("#people [data-people=repeat-victims]")).to_contain_text("DEMO-VICTIM")
    assert looks() == [(f"lat={lat:.5f}&lng={lng:.5f}&radius=500",)]
