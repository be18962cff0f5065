"""A home visit on a phone in Chromium, with the connection dropping half way and returning."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, controlled_by_service_worker, sign_in, wait_until

# (section, question key, how to answer): an index into the options, or text to type.
ONLINE = [
    (1, "door_locks", 1),
    (1, "burgled", 2),
    (2, "vehicle", 5),
    (3, "falls", 2),
    (4, "smoke_alarm", 2),  # no working smoke alarm: fire referral, follow-up in 14 days
]
OFFLINE = [
    (5, "children", "2"),
    (7, "lonely", 1),
    (8, "low_mood", 2),
    (9, "asb", 2),
    (10, "food", 1),  # first "yes", then changed to "no": the answer given last wins
    (10, "food", 2),  # not enough food: food bank referral, follow-up in 7 days
]
KEPT = len(OFFLINE)  # each answer given is its own record in the outbox
# Visit answers waiting in the shared outbox (IndexedDB) of the signed-in person.
QUEUE = "beatbook.visitAnswersWaiting()"


def start_visit(page, address: str) -> str:
    """Start a visit with the household's consent; returns the visit's uuid."""
    page.goto("/visits/new")
    page.locator("label[for=consent]").click()
    page.get_by_label("Address").fill(address)
    page.get_by_role("button", name="Start visit").click()
    page.wait_for_url("**/visits/*-*")
    return page.url.rsplit("/", 1)[1].split("?")[0]


def stored_answers(live_server, visit_uuid: str, question: str) -> list[str]:
    """The answers the server holds for one question of a visit (JSON text)."""
    rows = live_server.query(
        "SELECT value FROM visit_answer JOIN home_visit ON home_visit.id = visit_answer.visit"
        " WHERE home_visit.uuid = ? AND question = ?",
        visit_uuid,
        question,
    )
    return [value for (value,) in rows]


def give(page, key, how):
    # htmx binds a swapped-in question in its settle step, 20 ms after the swap: a person is
    # slower than that, a test is not. Wait until nothing is settling or in flight.
    busy = ".htmx-added, .htmx-settling, .htmx-swapping, .htmx-request"
    wait_until(page, f"!document.querySelector('{busy}')")
    if isinstance(how, int):
        target = f"q_{key}" if how == 1 else f"q_{key}-{how}"
        page.locator(f"label[for='{target}']").click()
    else:
        page.locator(f"#q_{key}").fill(how)
        page.locator(f"#q_{key}").press("Tab")


def walk(page, answers, online: bool):
    section = answers[0][0]
    for number, key, how in answers:
        while section < number:
            page.locator(f"form[data-section='{section}'] button[type=submit]").click()
            section += 1
            expect(page.locator(f"form[data-section='{section}'] .progress")).to_have_text(
                f"{section} of 11"
            )
        if online:
            with page.expect_response(lambda r, key=key: r.url.endswith(f"/answers/{key}")) as sent:
                give(page, key, how)
            assert sent.value.status == 200
        else:
            give(page, key, how)


def test_a_visit_survives_the_connection_dropping_half_way(page, context, live_server, signed_in):
    signed_in("pcso")
    visit_uuid = start_visit(page, "21 Friar Gate, Derby")
    expect(page.locator("[data-visit-timer]")).to_contain_text("of 30 minutes")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    walk(page, ONLINE, online=True)
    expect(page.locator("#question-smoke_alarm [data-advice]")).to_be_visible()

    context.set_offline(True)
    page.locator("form[data-section='4'] button[type=submit]").click()  # no page load needed
    walk(page, [(5, *OFFLINE[0][1:])] + OFFLINE[1:], online=False)
    expect(page.locator("#question-food [data-advice]")).to_be_visible()  # advice offline too
    wait_until(page, f"{QUEUE}.then(n => n === {KEPT})")
    expect(page.locator("[data-visit-queue]")).to_have_text(
        f"{KEPT} answers kept on this phone, to send"
    )
    # One outbox, one sign-out warning: it counts the visit's answers too.
    warning = page.evaluate("beatbook.beforeSignOut.map(f => f()).filter(Boolean).join(' ')")
    assert warning.startswith(f"{KEPT} record(s) made on this phone have not been sent yet.")
    stored = {
        r[0]
        for r in live_server.query(
            "SELECT question FROM visit_answer JOIN home_visit"
            " ON home_visit.id = visit_answer.visit WHERE home_visit.uuid = ?",
            visit_uuid,
        )
    }
    assert stored == {key for _, key, _ in ONLINE}

    context.set_offline(False)  # the `online` event sends what the phone kept
    wait_until(page, f"{QUEUE}.then(n => n === 0)")
    expect(page.locator("[data-visit-queue]")).to_be_hidden()

    page.locator("form[data-section='10'] button[type=submit]").click()
    expect(page.locator("form[data-section='11'] .progress")).to_have_text("11 of 11")
    page.locator("form[data-section='11'] button[type=submit]").click()  # consent: unanswered
    page.wait_for_url(f"**/visits/{visit_uuid}/check")
    page.locator("label[for='referral_fire']").click()  # refer now
    page.locator("label[for='referral_food-bank']").click()
    page.get_by_role("button", name="Submit visit").click()
    page.wait_for_url(f"**/visits/{visit_uuid}?submitted=1")
    expect(page.get_by_role("status")).to_have_text("Visit submitted.")

    visits = live_server.query("SELECT id, state FROM home_visit WHERE uuid = ?", visit_uuid)
    assert len(visits) == 1 and visits[0][1] == "submitted"
    visit_id = visits[0][0]
    answers = dict(
        live_server.query("SELECT question, value FROM visit_answer WHERE visit = ?", visit_id)
    )
    expected = {key: how for _, key, how in ONLINE + OFFLINE}
    assert set(answers) == set(expected)
    assert json.loads(answers["food"]) == "no" and json.loads(answers["children"]) == 2
    referrals = live_server.query(
        "SELECT agency_kind, state FROM referral WHERE visit = ?", visit_id
    )
    assert sorted(referrals) == [("fire", "made"), ("food bank", "made")]
    followups = live_server.query("SELECT question FROM follow_up WHERE visit = ?", visit_id)
    assert sorted(f[0] for f in followups) == ["food", "smoke_alarm"]


def test_visit_pages_have_no_accessibility_violations(browser, live_server):
    from tests.browser.test_accessibility import violations

    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    try:
        sign_in(page, "supervisor")
        visit = "/visits/" + start_visit(page, "5 Abbey Street, Derby")
        abbey = live_server.query("SELECT id FROM team_area WHERE name = 'Abbey'")[0][0]
        template = live_server.query("SELECT id FROM checklist_template WHERE current")[0][0]
        found = {}
        for url in (
            visit,
            f"{visit}/check",
            f"/visits/coverage/{abbey}",
            f"/visits/templates/{template}",
            f"/visits/templates/{template}/questions/smoke_alarm",
        ):
            page.goto(url)
            problems = violations(page)
            if problems:
                found[url] = problems
        assert found == {}
    finally:
        context.close()


def test_answers_kept_offline_survive_a_reload_and_are_sent_on_the_next_load(
    page, context, live_server, signed_in
):
    signed_in("pcso")
    visit_uuid = start_visit(page, "8 Curzon Street, Derby")
    controlled_by_service_worker(page)  # the worker keeps a copy of the visit page
    wait_until(page, "caches.has('beatbook-pages')")
    context.set_offline(True)
    try:
        page.locator("label[for='q_door_locks-2']").click()  # "no": offline, so kept
        wait_until(page, f"{QUEUE}.then(n => n === 1)")
        page.reload()  # the saved copy, drawn before the answer was given
        expect(page.locator("#q_door_locks-2")).to_be_checked()
        expect(page.locator("#question-door_locks [data-advice]")).to_be_visible()
    finally:
        context.set_offline(False)
    page.reload()  # back online: the page load sends what the phone kept
    wait_until(page, f"{QUEUE}.then(n => n === 0)")
    assert stored_answers(live_server, visit_uuid, "door_locks") == ['"no"']


def test_a_bad_answer_is_refused_beside_the_question_as_it_is_given(page, live_server, signed_in):
    signed_in("pcso")
    visit_uuid = start_visit(page, "30 Uttoxeter Road, Derby")
    page.goto(f"/visits/{visit_uuid}?section=5")
    with page.expect_response(lambda r: r.url.endswith("/answers/children")) as sent:
        give(page, "children", "99")
    assert sent.value.status == 400
    expect(page.locator("#q_children-error")).to_have_text("Error: Enter a number from 0 to 15")
    expect(page.locator("#q_children")).to_have_attribute("aria-invalid", "true")
    with page.expect_response(lambda r: r.url.endswith("/answers/children")) as sent:
        give(page, "children", "3")
    assert sent.value.status == 200
    expect(page.locator("#q_children-error")).to_have_count(0)
    rows = live_server.query(
        "SELECT value FROM visit_answer JOIN home_visit ON home_visit.id = visit_answer.visit"
        " WHERE home_visit.uuid = ?",
        visit_uuid,
    )
    assert rows == [("3",)]


def test_advice_offline_follows_the_same_rules_as_the_server(page, context, signed_in):
    signed_in("pcso")
    visit_uuid = start_visit(page, "2 Macklin Street, Derby")
    page.goto(f"/visits/{visit_uuid}?section=4")
    context.set_offline(True)
    try:
        risks = page.locator("#question-fire_risks [data-advice]")
        page.locator("label[for='q_fire_risks-6']").click()  # None of these
        expect(risks).to_be_hidden()
        page.locator("label[for='q_fire_risks-3']").click()  # Candles
        expect(risks).to_be_visible()
        page.locator("label[for='q_fire_risks-3']").click()  # Candles unticked again
        expect(risks).to_be_hidden()
        page.locator("form[data-section='4'] button[type=submit]").click()
        page.locator("form[data-section='5'] button[type=submit]").click()
        health = page.locator("#question-health_rating [data-advice]")
        for typed, shown in (("3", False), ("1", True), ("2", False)):
            give(page, "health_rating", typed)
            expect(health).to_be_visible() if shown else expect(health).to_be_hidden()
    finally:
        context.set_offline(False)


def test_a_bad_answer_given_offline_is_shown_beside_its_question_once_sent(
    page, context, signed_in
):
    signed_in("pcso")
    visit_uuid = start_visit(page, "14 Ashbourne Road, Derby")
    page.goto(f"/visits/{visit_uuid}?section=5")
    context.set_offline(True)
    try:
        give(page, "children", "99")  # out of range: the phone cannot know until it is sent
        wait_until(page, f"{QUEUE}.then(n => n === 1)")
    finally:
        context.set_offline(False)
    expect(page.locator("#q_children-error")).to_have_text("Error: Enter a number from 0 to 15")
    expect(page.locator("#q_children")).to_have_attribute("aria-invalid", "true")
    wait_until(page, f"{QUEUE}.then(n => n === 0)")  # refused for good: no longer sent
    left = page.evaluate("beatbookOutbox.recordsOf('pcso').then(rs => rs.length)")
    assert left == 0


def test_an_answer_the_server_failed_on_is_kept_and_sent_once_it_recovers(
    browser, browser_context_args, live_server
):
    """A 5xx while online does not lose the answer: the outbox keeps it, and sends it once its
    wait is over (the page's clock is moved on, not waited). Service workers are blocked so
    that every send goes through the page, where the test answers 503 in front of the server
    (the worker's Background Sync would otherwise send it around the test's failure)."""
    context = browser.new_context(**browser_context_args, service_workers="block")
    context.clock.install()  # time flows as usual; fast_forward moves it on at once
    page = context.new_page()
    try:
        sign_in(page, "pcso")
        visit_uuid = start_visit(page, "3 Friar Gate, Derby")
        failing = {"on": True, "answered": 0}

        def answer(route):
            if failing["on"]:
                failing["answered"] += 1
                route.fulfill(status=503, body="Service Unavailable")
            else:
                route.continue_()

        page.route("**/answers/door_locks", answer)
        give(page, "door_locks", 2)  # "no"
        wait_until(
            page,
            "beatbookOutbox.recordsOf('pcso').then(rs => rs.length === 1"
            " && rs[0].state === 'waiting' && rs[0].retryAt > 0)",
        )  # kept, sent by the outbox too, met the server's problem: waits before trying again
        assert failing["answered"] == 2  # htmx's post, then the outbox's
        failing["on"] = False
        page.clock.fast_forward("00:31")  # past the first wait (at most 15 s)
        wait_until(page, f"{QUEUE}.then(n => n === 0)")
        assert stored_answers(live_server, visit_uuid, "door_locks") == ['"no"']
    finally:
        context.close()
