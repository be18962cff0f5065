"""Patrol check-ins on a phone with Playwright's geolocation."""

from __future__ import annotations

from geopy.distance import geodesic
from playwright.sync_api import expect

from tests.browser.conftest import sign_in


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
    page.reload()
    page.wait_for_timeout(1000)  # a second chance to send it twice
    [(count, automatic, accuracy)] = live_server.query(
        "SELECT count(*), max(automatic), max(accuracy_m) FROM patrol_check_in WHERE point = ?",
        point_id,
    )
    assert (count, automatic, accuracy) == (1, 1, 9)
