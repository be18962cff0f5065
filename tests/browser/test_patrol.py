"""Patrol check-ins on a phone with Playwright's geolocation."""

from __future__ import annotations

import re

from geopy.distance import geodesic
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_until


def point_position(live_server, label):
    [(point_id, lat, lng)] = live_server.query(
        "SELECT id, lat, lng FROM patrol_point WHERE label = ?", label
    )
    return point_id, (lat, lng)


def test_near_a_point_the_check_in_is_automatic(page, context, live_server):
    point_id, where = point_position(live_server, "Primary school gates")
    near = geodesic(meters=30).destination(where, 90)
    context.grant_permissions(["geolocation"])
    context.set_geolocation(
        {"latitude": near.latitude, "longitude": near.longitude, "accuracy": 12}
    )
    sign_in(page, "pcso")
    page.goto("/plan")
    card = page.locator(f"#point-{point_id}")
    expect(card.locator("[data-distance]")).to_have_text("30 m W")
    expect(page.locator("[data-position-status]")).to_contain_text("within 12 m")
    card.get_by_role("button", name="Check in here").click()
    expect(page.locator(f"#point-{point_id} .done")).to_contain_text("within 100 m")
    [(automatic, accuracy)] = live_server.query(
        "SELECT automatic, accuracy_m FROM patrol_check_in WHERE point = ?", point_id
    )
    assert automatic and accuracy == 12
    expect(page.locator(".progress")).to_contain_text("1 of 4")


def test_300_m_away_the_check_in_needs_a_reason(page, context, live_server):
    point_id, where = point_position(live_server, "Recreation ground")
    far = geodesic(meters=300).destination(where, 0)
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"latitude": far.latitude, "longitude": far.longitude, "accuracy": 10})
    sign_in(page, "pcso")
    page.goto("/plan")
    card = page.locator(f"#point-{point_id}")
    expect(card.locator("[data-distance]")).to_have_text("300 m S")
    card.get_by_role("button", name="Check in here").click()
    error = page.locator(f"#reason-{point_id}-error")
    expect(error).to_contain_text("You are 300 m from this point")
    assert live_server.query("SELECT count(*) FROM patrol_check_in WHERE point = ?", point_id) == [
        (0,)
    ]
    page.locator(f"#reason-{point_id}").fill("Gate locked: checked from the road")
    page.locator(f"#point-{point_id}").get_by_role("button", name="Check in here").click()
    expect(page.locator(f"#point-{point_id} .done")).to_contain_text("by hand")
    assert live_server.query(
        "SELECT automatic, reason FROM patrol_check_in WHERE point = ?", point_id
    ) == [(0, "Gate locked: checked from the road")]


def test_offline_check_ins_wait_on_the_phone_and_arrive_once(page, context, live_server):
    from tests.browser.conftest import controlled_by_service_worker

    point_id, where = point_position(live_server, "Parade of shops")
    near = geodesic(meters=20).destination(where, 180)
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"latitude": near.latitude, "longitude": near.longitude, "accuracy": 9})
    sign_in(page, "pcso")
    page.goto("/plan")
    controlled_by_service_worker(page)
    expect(page.locator(f"#point-{point_id} [data-distance]")).to_have_text("20 m N")
    context.set_offline(True)
    try:
        page.locator(f"#point-{point_id}").get_by_role("button", name="Check in here").click()
        expect(page.locator(f"#point-{point_id} [data-outbox-saved]")).to_contain_text(
            "Saved on this phone"
        )
        page.reload()  # offline: the saved copy of the page, the record still on the phone
        expect(
            page.locator(f"[data-outbox-list='/plan/points/{point_id}/check-in']")
        ).to_contain_text("will send")
        assert live_server.query(
            "SELECT count(*) FROM patrol_check_in WHERE point = ?", point_id
        ) == [(0,)]
    finally:
        context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(f"#point-{point_id} .done")).to_contain_text("within 100 m", timeout=15000)
    page.reload()  # a second chance to send it twice: wait until the phone holds nothing to send
    wait_until(
        page,
        "window.beatbookOutbox && window.beatbookOutbox.allRecords()"
        ".then(r => r.every(x => x.state !== 'waiting'))",
    )
    [(count, automatic, accuracy)] = live_server.query(
        "SELECT count(*), max(automatic), max(accuracy_m) FROM patrol_check_in WHERE point = ?",
        point_id,
    )
    assert (count, automatic, accuracy) == (1, 1, 9)


# Field fixes (issue 16): each at 390x844, waiting on conditions.

DAYS = "(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"


def second_phone(browser, browser_context_args, username):
    """Another person's phone: a context of its own, signed in."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    sign_in(page, username)
    return context, page


def tap(locator):
    """Press a supervisor's button from the keyboard. On their pages at 390 px the bottom
    navigation (seven items) is 402 px wide today, so the page is zoomed out and Playwright's
    pointer lands beside the button; making nothing scroll sideways is another part of
    issue 16. The button is still checked visible and enabled first."""
    expect(locator).to_be_visible()
    expect(locator).to_be_enabled()
    locator.focus()
    locator.press("Enter")


def publish_plan_for(page, person_id, title):
    """As a signed-in supervisor: a plan for today (the whole day) with one point, published
    through the forms. Returns its id."""
    page.goto("/plan/plans/new")
    page.get_by_label("Shift starts").fill("00:00")
    page.get_by_label("Shift ends").fill("23:59")
    page.get_by_label("For", exact=True).select_option(str(person_id))
    page.get_by_label("Title (optional)").fill(title)
    tap(page.get_by_role("button", name="Create the plan"))
    page.wait_for_url(re.compile(r"/plan/plans/\d+$"))
    plan_id = int(page.url.rsplit("/", 1)[1])
    page.get_by_label("Place", exact=True).fill("Field test corner")
    page.get_by_role("textbox", name="Latitude").fill("52.9225")
    page.get_by_role("textbox", name="Longitude").fill("-1.4746")
    page.get_by_label("Be there from").fill("00:05")
    page.get_by_label("Until").fill("23:50")
    tap(page.get_by_role("button", name="Add the point"))
    page.wait_for_url(re.compile(rf"/plan/plans/{plan_id}#points$"))
    tap(page.get_by_role("button", name="Publish the plan"))
    page.wait_for_url(re.compile(r"published=1"))
    return plan_id


def test_publishing_says_whose_phone_and_day_and_a_withdrawn_plan_leaves_it(
    page, browser, browser_context_args, live_server
):
    import datetime as dt

    [(officer_id, officer_name)] = live_server.query(
        "SELECT id, display_name FROM person WHERE username = 'officer'"
    )
    sign_in(page, "supervisor")
    plan_id = publish_plan_for(page, officer_id, "Field test: to withdraw")
    [(day,)] = live_server.query("SELECT day FROM patrol_plan WHERE id = ?", plan_id)
    day = dt.date.fromisoformat(day)
    expect(page.locator("[data-published]")).to_contain_text(
        f"On {officer_name}'s phone on {day:%A} {day.day} {day:%B}"
    )

    context, phone = second_phone(browser, browser_context_args, "officer")
    try:
        phone.goto("/plan")
        expect(
            phone.get_by_role("heading", name=re.compile("Field test: to withdraw"))
        ).to_be_visible()
        tap(page.get_by_role("button", name="Withdraw the plan"))
        expect(page.locator("[data-withdrawn]")).to_contain_text(
            f"No longer on {officer_name}'s phone"
        )
        phone.reload()
        expect(phone.locator("[data-withdrawn-plan]")).to_contain_text("Field test: to withdraw")
        expect(phone.locator("[data-withdrawn-plan]")).to_contain_text("this plan was withdrawn")
        expect(
            phone.get_by_role("heading", name=re.compile("Field test: to withdraw"))
        ).to_have_count(0)
    finally:
        context.close()
    assert live_server.query(
        "SELECT kind FROM push_message WHERE person = ? ORDER BY id", officer_id
    )[-1:] == [("cancelled",)]
    [(status,)] = live_server.query("SELECT status FROM patrol_plan WHERE id = ?", plan_id)
    assert status == "withdrawn"


def test_a_supervisors_own_plan_page_is_worded_for_a_supervisor(page):
    sign_in(page, "supervisor")
    page.goto("/plan")
    empty = page.locator("#plan-list .panel")
    expect(empty).to_contain_text("A plan you publish for yourself or your team appears here")
    expect(empty).not_to_contain_text("your supervisor")


def test_suggestions_say_their_window_plainly(page, live_server):
    [(plan_id,)] = live_server.query(
        "SELECT id FROM patrol_plan WHERE title = 'Demo: late shift, to build'"
    )
    sign_in(page, "supervisor")
    page.goto(f"/plan/plans/{plan_id}")
    windows = page.locator("#suggestions [data-window]")
    expect(windows.first).to_be_visible()
    for text in windows.all_inner_texts():
        assert re.match(rf"^{DAYS} \d\d:\d\d to \d\d:\d\d( · |$)", text), text
        assert "place only" not in text and "–" not in text


def test_the_reason_box_shows_only_where_needed_and_distances_stay(page, context, live_server):
    # The other demo points are checked in by the tests above: the bus interchange is not.
    bus_id, bus = point_position(live_server, "Bus interchange")
    near = geodesic(meters=40).destination(bus, 0)
    away = geodesic(meters=300).destination(bus, 0)
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"latitude": near.latitude, "longitude": near.longitude, "accuracy": 8})
    sign_in(page, "pcso")
    page.goto("/plan")
    card = page.locator(f"#point-{bus_id}")
    expect(card.locator("[data-distance]")).to_have_text("40 m S")
    expect(card.get_by_label("Reason")).to_be_hidden()
    expect(card.locator("[data-tap-hint]")).to_have_text(
        "Tap Check in here when you are within 100 m of the point: no reason is needed then."
    )
    # Walk away: the box appears at once; back again: it goes.
    context.set_geolocation({"latitude": away.latitude, "longitude": away.longitude, "accuracy": 8})
    expect(card.get_by_label("Reason")).to_be_visible()
    expect(card.locator("[data-distance]")).to_have_text("300 m S")
    context.set_geolocation({"latitude": near.latitude, "longitude": near.longitude, "accuracy": 8})
    expect(card.get_by_label("Reason")).to_be_hidden()
    expect(card.locator("[data-distance]")).to_have_text("40 m S")
    # Check in: every point, the others included, keeps its distance.
    card.get_by_role("button", name="Check in here").click()
    expect(page.locator(f"#point-{bus_id} .done")).to_contain_text("within 100 m")
    cards = page.locator("li.patrol-point")
    expect(cards).to_have_count(4)
    expect(page.locator("li.patrol-point [data-distance]")).to_have_count(4)


def test_without_script_the_reason_box_shows_and_the_server_asks_for_it(
    browser, browser_context_args, live_server
):
    [(supervisor_id,)] = live_server.query("SELECT id FROM person WHERE username = 'supervisor'")
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "supervisor")
        plan_id = publish_plan_for(page, supervisor_id, "Field test: no script")
        [(point_id,)] = live_server.query("SELECT id FROM patrol_point WHERE plan = ?", plan_id)
        page.goto("/plan")
        card = page.locator(f"#point-{point_id}")
        expect(card.get_by_label("Reason")).to_be_visible()  # no position without script
        card.get_by_role("button", name="Check in here").click()
        expect(page.locator(f"#reason-{point_id}-error")).to_contain_text(
            "Your phone has no position"
        )
        assert live_server.query(
            "SELECT count(*) FROM patrol_check_in WHERE point = ?", point_id
        ) == [(0,)]
        page.goto(f"/plan/plans/{plan_id}")  # tidy: the supervisor's own plan withdrawn
        tap(page.get_by_role("button", name="Withdraw the plan"))
        expect(page.locator("[data-withdrawn]")).to_be_visible()
    finally:
        context.close()
