"""The outbox on a phone: engagement logged offline across reloads, sent once when online."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import controlled_by_service_worker, sign_in, wait_until

HERE = {"latitude": 52.9225, "longitude": -1.4746, "accuracy": 15}
KINDS = ["Door knock", "Street engagement", "School input", "Event"]
TOPICS = ["ASB", "Drugs", "Speeding", "Litter"]


def phone_records(page, state: str | None = None) -> int:
    selector = "[data-outbox-list='/log'] li.outbox-item" + (
        f"[data-state={state}]" if state else ""
    )
    return page.locator(selector).count()


def log_one(page, n: int) -> None:
    """Three taps: a kind, a topic, Save."""
    form = page.locator("form[data-outbox]")
    before = phone_records(page)
    form.locator("label.chip", has_text=KINDS[n % 4]).first.click()
    form.locator("label.chip", has_text=TOPICS[n % 4]).click()
    form.get_by_role("button", name="Save").click()
    wait_until(
        page,
        f"document.querySelectorAll('[data-outbox-list] li.outbox-item').length === {before + 1}",
    )


def start_logging(page, context, live_server, username="pcso"):
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation(HERE)
    sign_in(page, username)
    controlled_by_service_worker(page)
    # The home screen's quick log: the page the phone keeps for working offline (My log, with
    # its entries, is never kept: README, "What stays on the phone").
    page.goto("/")
    expect(page.locator("[data-position-status]")).to_contain_text("accurate to about 15 m")


def server_rows(live_server, username: str) -> list[tuple]:
    return live_server.query(
        "SELECT e.client_uuid, e.lat, e.lng, e.accuracy_m FROM engagement e "
        "JOIN person p ON p.id = e.author WHERE p.username = ? AND e.note = ''",
        username,
    )


def test_twenty_engagements_logged_offline_across_reloads_reach_the_server_once(
    page, context, live_server
):
    start_logging(page, context, live_server)
    before = len(server_rows(live_server, "pcso"))
    context.set_offline(True)
    try:
        for n in range(20):
            if n in (7, 14):
                page.reload()  # closing the app loses nothing
                expect(page.locator("h1")).to_have_text("Hello, Demo PCSO")
                wait_until(
                    page, f"document.querySelectorAll('[data-outbox-list] li').length === {n}"
                )
            log_one(page, n)
        assert phone_records(page, "waiting") == 20
        expect(page.locator("[data-outbox-list] li").first).to_contain_text(
            "Saved on this phone, will send"
        )
        assert len(server_rows(live_server, "pcso")) == before
    finally:
        context.set_offline(False)
    wait_until(
        page,
        "document.querySelectorAll('[data-outbox-list] li[data-state=sent]').length === 20",
        30,
    )
    on_phone = set(
        page.eval_on_selector_all("[data-outbox-list] li", "els => els.map(e => e.dataset.uuid)")
    )
    rows = server_rows(live_server, "pcso")
    new = [r for r in rows if r[0] in on_phone]
    assert len(rows) == before + 20 and len(new) == 20
    assert {r[0] for r in new} == on_phone  # each once
    assert all((r[1], r[2], r[3]) == (52.9225, -1.4746, 15) for r in new)
    page.reload()  # sending again (app start) stores nothing twice
    wait_until(
        page, "document.querySelectorAll('[data-outbox-list] li[data-state=sent]').length === 20"
    )
    assert len(server_rows(live_server, "pcso")) == before + 20


def test_a_refused_record_shows_its_error_and_can_be_fixed(page, context, live_server):
    start_logging(page, context, live_server, "officer")
    context.set_offline(True)
    try:
        form = page.locator("form[data-outbox]")
        form.locator("label.chip", has_text="Event").click()
        form.locator("summary").click()
        form.get_by_label("When").fill("2099-01-01T10:00")
        form.get_by_role("button", name="Save").click()
        wait_until(
            page,
            "document.querySelectorAll('[data-outbox-list] li[data-state=waiting]').length === 1",
        )
        messages = []
        page.on("dialog", lambda d: (messages.append(d.message), d.dismiss()))
        page.locator("summary.account-button").click()
        page.get_by_role("button", name="Sign out").click()
        wait_until(page, "true")
        assert messages and "have not been sent" in messages[0]
        assert "/login" not in page.url  # stayed signed in
    finally:
        context.set_offline(False)
    item = page.locator("[data-outbox-list] li[data-state=error]")
    expect(item).to_contain_text("cannot be in the future")
    item.get_by_role("button", name="Fix and send again").click()
    expect(form.get_by_label("When")).to_have_value("2099-01-01T10:00")
    form.get_by_label("When").fill("")
    form.get_by_role("button", name="Save").click()
    wait_until(
        page, "document.querySelectorAll('[data-outbox-list] li[data-state=sent]').length === 1"
    )
    assert phone_records(page) == 1


def test_records_made_by_someone_else_are_not_sent_under_this_session(page, context, live_server):
    start_logging(page, context, live_server, "volunteer")
    before = live_server.query("SELECT count(*) FROM engagement")[0][0]
    page.evaluate(
        """() => window.beatbookOutbox.put({uuid: crypto.randomUUID(), user: 'supervisor',
             action: '/log', body: 'kind=event', csrf: '', summary: 'x', made: Date.now(),
             state: 'waiting'})"""
    )
    page.evaluate("() => window.beatbookOutbox.flush()")  # as the worker does: every record
    records = page.evaluate("() => window.beatbookOutbox.recordsOf('supervisor')")
    assert [r["state"] for r in records] == ["waiting"]
    assert live_server.query("SELECT count(*) FROM engagement")[0][0] == before
    assert phone_records(page) == 0  # not shown to the volunteer either


def test_three_taps_on_the_home_screen_log_an_engagement(page, context, live_server):
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation(HERE)
    sign_in(page, "officer")
    before = live_server.query("SELECT count(*) FROM engagement")[0][0]
    form = page.locator("form[data-outbox]")
    expect(page.locator("[data-position-status]")).to_contain_text("accurate to about 15 m")
    form.locator("label.chip", has_text="Door knock").click()  # 1
    form.locator("label.chip", has_text="Burglary").click()  # 2
    form.get_by_role("button", name="Save").click()  # 3
    wait_until(
        page, "document.querySelectorAll('[data-outbox-list] li[data-state=sent]').length === 1"
    )
    expect(page.locator("[data-outbox-list] li")).to_contain_text("Door knock, Burglary")
    rows = live_server.query(
        "SELECT kind, topics, accuracy_m FROM engagement ORDER BY id DESC LIMIT 1"
    )
    assert live_server.query("SELECT count(*) FROM engagement")[0][0] == before + 1
    assert rows == [("door-knock", ",burglary,", 15)]
    targets = form.locator("label.chip, button").all()
    assert all(t.bounding_box()["height"] >= 44 for t in targets)


def test_a_mentors_contact_made_offline_is_sent_once_through_the_same_outbox(
    page, context, live_server
):
    sign_in(page, "mentor")
    page.goto("/mentoring/clients/1")
    controlled_by_service_worker(page)
    page.goto("/mentoring/clients/1")
    before = live_server.query("SELECT count(*) FROM mentor_contact")[0][0]
    context.set_offline(True)
    try:
        form = page.locator("form[data-outbox]")
        form.locator("label.chip", has_text="Phone call").click()
        form.get_by_label("Note").fill("Checked in after the housing appointment.")
        form.get_by_role("button", name="Save contact").click()
        wait_until(
            page,
            "document.querySelectorAll('[data-outbox-list] li[data-state=waiting]').length === 1",
        )
        page.reload()  # the client's page is never kept on the phone; the record is
        expect(page.locator("h1")).to_have_text("You are offline")
        assert "housing appointment" not in page.content()
    finally:
        context.set_offline(False)
    page.goto("/mentoring/clients/1")  # back online: the page sends what the phone kept
    wait_until(
        page, "document.querySelectorAll('[data-outbox-list] li[data-state=sent]').length === 1"
    )
    notes = live_server.query("SELECT note, is_risk FROM mentor_contact ORDER BY id DESC LIMIT 1")
    assert live_server.query("SELECT count(*) FROM mentor_contact")[0][0] == before + 1
    assert notes == [("Checked in after the housing appointment.", 0)]
