"""Field fixes (issue 16) in Chromium: the log and mentoring on a 390x844 phone, the audit
log, the team log's weeks and the people form at a 1366x768 desk."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_until

DESK = {"width": 1366, "height": 768}
OUTBOX_READY = "!!(window.beatbookOutbox && document.body.dataset.user)"
PHONE_RECORDS = "window.beatbookOutbox.allRecords().then(r => r.length)"


def save_in_sight(page) -> None:
    """Save's box lies inside the viewport, wholly above the bottom navigation."""
    save = page.locator("form.quick-log").get_by_role("button", name="Save", exact=True)
    expect(save).to_be_visible()
    box = save.bounding_box()
    nav = page.get_by_role("navigation", name="Main").bounding_box()
    viewport = page.viewport_size
    assert box is not None and nav is not None
    assert box["y"] >= 0 and box["x"] >= 0, box
    assert box["x"] + box["width"] <= viewport["width"], box
    assert nav["y"] + nav["height"] <= viewport["height"] + 1, nav  # the nav is at the bottom
    assert box["y"] + box["height"] <= nav["y"], (box, nav)
    # ...and nothing is drawn over its middle (a tap there lands on Save).
    hit = page.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('button.save')",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit


@pytest.mark.parametrize("path", ["/log", "/"])
def test_save_is_in_sight_without_scrolling_on_a_phone(signed_in, path):
    page = signed_in("pcso")
    page.goto(path)
    assert page.evaluate("window.scrollY") == 0
    if path == "/":
        # The home screen leads with what waits (issue 14), then the quick log: once the person
        # reaches the quick log's first question, Save is in sight without scrolling further.
        page.locator("form.quick-log fieldset#kind").scroll_into_view_if_needed()
    save_in_sight(page)
    # Opening the details (a long form) keeps it in sight too.
    page.locator("form.quick-log details.more summary").click()
    save_in_sight(page)


def test_an_empty_save_is_refused_on_the_phone_and_nothing_is_queued(signed_in, live_server):
    page = signed_in("pcso")
    page.goto("/log")
    wait_until(page, OUTBOX_READY)
    before = live_server.query("SELECT count(*) FROM engagement")[0][0]
    form = page.locator("form.quick-log")
    form.get_by_role("button", name="Save", exact=True).click()
    error = form.locator("#kind .field-error")
    expect(error).to_have_text("Error: Choose the kind of engagement from the list")
    expect(form.locator("fieldset#kind")).to_have_attribute("aria-describedby", "kind-error")
    assert page.evaluate(PHONE_RECORDS) == 0
    expect(page.locator("[data-outbox-list] li")).to_have_count(0)
    expect(form.locator("[data-outbox-saved]")).to_be_hidden()
    assert live_server.query("SELECT count(*) FROM engagement")[0][0] == before
    # Choosing a kind takes the message away; then Save queues and sends one record.
    form.locator("label.chip", has_text="Door knock").click()
    expect(error).to_have_count(0)
    form.get_by_role("button", name="Save", exact=True).click()
    wait_until(page, f"{PHONE_RECORDS}.then(n => n === 1)")


def test_sent_replaces_saved_on_this_phone(signed_in, live_server):
    page = signed_in("pcso")
    page.goto("/log")
    wait_until(page, OUTBOX_READY)
    form = page.locator("form.quick-log")
    note = form.locator("[data-outbox-saved]")
    form.locator("label.chip", has_text="Street engagement").click()
    form.get_by_role("button", name="Save", exact=True).click()
    expect(note).to_have_attribute("data-state", "sent")
    expect(note).to_have_text("Sent")
    expect(form).not_to_contain_text("Saved on this phone")
    expect(page.locator("[data-outbox-list] li[data-state=sent]")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("Saved on this phone")


def test_a_mentors_saved_contact_appears_in_the_history_at_once(signed_in, live_server):
    page = signed_in("mentor")
    [(client_id,)] = live_server.query(
        "SELECT c.id FROM mentor_client c JOIN person p ON p.id = c.mentor "
        "WHERE p.username = 'mentor' ORDER BY c.id LIMIT 1"
    )
    page.goto(f"/mentoring/clients/{client_id}")
    wait_until(page, OUTBOX_READY)
    note = f"Met at the library {uuid.uuid4().hex[:8]}"
    form = page.locator("form[data-outbox-label='Contact']")
    form.get_by_role("button", name="Save contact").click()  # no kind: refused, nothing queued
    expect(form.locator("#kind .field-error")).to_contain_text("Choose the kind of contact")
    assert page.evaluate(PHONE_RECORDS) == 0
    form.locator("label.chip").first.click()
    form.get_by_label("Note").fill(note)
    page.evaluate("window.__samePage = true")  # gone if the page reloads
    form.get_by_role("button", name="Save contact").click()
    history = page.locator("[data-contacts]")
    expect(history.locator("li", has_text=note)).to_have_count(1)
    assert page.evaluate("window.__samePage === true")  # no reload
    [(stored,)] = live_server.query("SELECT count(*) FROM mentor_contact WHERE note = ?", note)
    assert stored == 1


@pytest.fixture
def desk(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESK, locale="en-GB")
    try:
        yield context.new_page()
    finally:
        context.close()


def test_audit_search_by_a_persons_name_and_a_record_type_from_a_list(desk, live_server):
    page = desk
    sign_in(page, "pcso")  # the PCSO's sign-in is audited under their username
    page.context.clear_cookies()
    sign_in(page, "admin")
    page.goto("/audit")
    assert page.locator("input[name=record_type]").count() == 0  # not typed
    page.get_by_label("Who").fill("Demo PCSO")
    record_type = page.get_by_label("Record type")
    labels = record_type.locator("option").all_inner_texts()
    assert "Person" in labels and "person" not in labels  # labels, not internal names
    record_type.select_option(label="Person")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/audit?*record_type=person*")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_contain_text("pcso")
    texts = rows.all_inner_texts()
    assert texts and all("\tpcso\t" in t and "\tperson" in t for t in texts), texts[:3]
    [(expected,)] = live_server.query(
        "SELECT count(*) FROM audit_entry WHERE record_type = 'person' AND "
        "(actor_username = 'pcso' OR actor = (SELECT id FROM person WHERE username = 'pcso'))"
    )
    assert len(texts) == min(expected, 100)


def test_the_team_logs_week_filter_works_without_input_type_week(desk, live_server):
    page = desk
    sign_in(page, "supervisor")
    page.goto("/log/team")
    assert page.locator("input[type=week]").count() == 0
    week = page.get_by_label("Week", exact=True)
    options = week.locator("option")
    assert options.count() > 2
    value = options.nth(1).get_attribute("value")  # this week
    week.select_option(value)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(f"**/log/team?*week={value}*")
    expect(page.get_by_label("Week", exact=True)).to_have_value(value)
    # The address form still works (?week=2026-W48), and an older week stays chosen.
    page.goto("/log/team?week=2026-W10")
    expect(page.get_by_label("Week", exact=True)).to_have_value("2026-W10")
    expect(page.locator("table[data-counts] tbody")).to_contain_text("None.")


def test_multi_selects_are_checkboxes_and_also_works_in_keeps_two_ticks(desk, live_server):
    page = desk
    sign_in(page, "admin")
    [(person_id,)] = live_server.query("SELECT id FROM person WHERE username = 'volunteer'")
    page.goto(f"/people/{person_id}")
    assert page.locator("select[multiple]").count() == 0
    also = page.get_by_role("group", name="Also works in (optional)")
    boxes = also.get_by_role("checkbox")
    assert boxes.count() >= 2
    for n in range(boxes.count()):
        boxes.nth(n).uncheck()
    boxes.nth(0).check()
    boxes.nth(1).check()
    names = [
        also.locator(f"label[for='{boxes.nth(n).get_attribute('id')}']").inner_text()
        for n in (0, 1)
    ]
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"**/people/{person_id}?saved=1")
    also = page.get_by_role("group", name="Also works in (optional)")
    for name in names:
        expect(also.get_by_label(name)).to_be_checked()
    expect(also.get_by_role("checkbox", checked=True)).to_have_count(2)
