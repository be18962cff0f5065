"""A home visit on a phone in Chromium, with the connection dropping half way and returning."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta

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
    (5, "children", 3),  # a tap on "2": the children's questions are asked at once
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
    expect(page.locator("[data-visit-timer]")).to_contain_text("minutes left of 30")
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


def out_of_range(page, key: str, chip: str, value: str) -> None:
    """Give an answer the server refuses: a chip's value changed first, as a page drawn from an
    older checklist version (a wider range) would send it; taps cannot give one otherwise."""
    page.evaluate(f"document.getElementById('{chip}').value = '{value}'")
    give(page, key, int(chip.rsplit("-", 1)[1]) if "-" in chip else 1)


def test_a_bad_answer_is_refused_beside_the_question_as_it_is_given(page, live_server, signed_in):
    signed_in("pcso")
    visit_uuid = start_visit(page, "30 Uttoxeter Road, Derby")
    page.goto(f"/visits/{visit_uuid}?section=5")
    with page.expect_response(lambda r: r.url.endswith("/answers/children")) as sent:
        out_of_range(page, "children", "q_children-16", "99")
    assert sent.value.status == 400
    expect(page.locator("#q_children-error")).to_have_text("Error: Enter a number from 0 to 15")
    expect(page.locator("#question-children")).to_have_class(re.compile(r"\bhas-error\b"))
    with page.expect_response(lambda r: r.url.endswith("/answers/children")) as sent:
        give(page, "children", 4)  # a tap on "3"
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
        for tapped, shown in ((3, False), (1, True), (2, False)):  # the chips 3, 1 and 2
            give(page, "health_rating", tapped)
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
        # Out of range: the phone cannot know until it is sent.
        out_of_range(page, "children", "q_children-16", "99")
        wait_until(page, f"{QUEUE}.then(n => n === 1)")
    finally:
        context.set_offline(False)
    expect(page.locator("#q_children-error")).to_have_text("Error: Enter a number from 0 to 15")
    expect(page.locator("#question-children")).to_have_class(re.compile(r"\bhas-error\b"))
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


# --- Field fixes (issue 16) ---------------------------------------------------------------

# A typical visit, as the test gives it: (section, question, which option to tap).
TYPICAL = [
    (1, "door_locks", 1),  # yes
    (1, "burgled", 2),  # no
    (2, "vehicle", 1),  # a car or van: where it is kept is asked at once
    (2, "vehicle_parked", 2),  # on the driveway
    (3, "falls", 2),
    (4, "smoke_alarm", 1),
    (5, "children", 1),  # none: the children's questions are not asked
    (7, "lonely", 2),  # hardly ever
    (8, "low_mood", 2),
    (9, "asb", 2),  # no: "What kind?" is not asked
    (10, "food", 1),
    (11, "consent_record", 1),
    (11, "consent_share", 1),
]
CALM_FORMS = {
    1: {"q_door_locks": "yes", "q_burgled": "no"},
    2: {"q_vehicle": "None"},
    3: {"q_falls": "no"},
    4: {"q_smoke_alarm": "yes"},
    5: {"q_children": "0"},
    7: {"q_lonely": "Never"},
    8: {"q_low_mood": "no"},
    9: {"q_asb": "no"},
    10: {"q_food": "yes"},
}


def eventually(check, seconds: float = 15):
    """Poll a condition on the server's data until it holds (a condition, not a sleep)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("the condition did not hold in time")


def submitted_by_forms(page, visit_uuid: str, changes: dict, decisions: dict) -> None:
    """Set-up, not under test: the sections and the submission posted as a phone without
    script posts them (CALM_FORMS with `changes`)."""
    page.goto(f"/visits/{visit_uuid}")
    token = page.locator("input[name=_csrf_token]").first.get_attribute("value")
    for number in range(1, 12):
        form = {**CALM_FORMS.get(number, {}), **changes.get(number, {})}
        sent = page.request.post(
            f"/visits/{visit_uuid}/sections/{number}",
            form={"_csrf_token": token, **form},
            max_redirects=0,
        )
        assert sent.status == 303, (number, sent.text())
    sent = page.request.post(
        f"/visits/{visit_uuid}/submit", form={"_csrf_token": token, **decisions}, max_redirects=0
    )
    assert sent.status == 303


def part_state(live_server, tasking_id: int, username: str = "pcso") -> str:
    [(state,)] = live_server.query(
        "SELECT a.state FROM tasking_assignment a JOIN person p ON p.id = a.person"
        " WHERE a.tasking = ? AND p.username = ?",
        tasking_id,
        username,
    )
    return state


def test_a_typical_visit_from_its_tasking_takes_at_most_30_taps_and_finishes_the_tasking(
    page, live_server, signed_in
):
    """The demo household at 3 Bridge Street has a follow-up visit tasked to the demo PCSO (the
    loneliness follow-up). Every click is counted, opening the tasking from the list too."""
    signed_in("pcso")
    [(tasking_id, followup_id)] = live_server.query(
        "SELECT f.tasking_id, f.id FROM follow_up f JOIN home_visit v ON v.id = f.visit"
        " WHERE v.address = '3 Bridge Street, Derby'"
    )
    assert part_state(live_server, tasking_id) == "assigned"
    taps = []

    def tap(locator):
        taps.append(locator)
        locator.click()

    page.goto("/tasks")
    tap(page.locator(f"a[href='/tasks/{tasking_id}']").first)
    tap(page.get_by_role("link", name="Start the home visit"))
    expect(page.get_by_label("Address")).to_have_value("3 Bridge Street, Derby")
    tap(page.locator("label[for=consent]"))
    tap(page.get_by_role("button", name="Start visit"))
    page.wait_for_url("**/visits/*-*")
    visit_uuid = page.url.rsplit("/", 1)[1].split("?")[0]

    section = 1
    for number, key, how in TYPICAL:
        while section < number:
            tap(page.locator(f"form[data-section='{section}'] button[type=submit]"))
            section += 1
            expect(page.locator(f"form[data-section='{section}'] .progress")).to_have_text(
                f"{section} of 11"
            )
        if key == "vehicle_parked":  # asked as soon as the answer before called for it
            expect(page.locator("#question-vehicle_parked")).to_be_visible()
        if key == "children":  # a count is a tap, on a target a thumb can hit
            box = page.locator("label[for='q_children']").bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44, box
        with page.expect_response(lambda r, key=key: r.url.endswith(f"/answers/{key}")) as sent:
            give(page, key, how)
            taps.append(key)
        assert sent.value.status == 200
        if key == "children":
            expect(page.locator("#question-child_safety_items")).to_be_hidden()
            expect(page.locator("#question-online_safety")).to_be_hidden()
    tap(page.locator("form[data-section='11'] button[type=submit]"))  # Check answers
    page.wait_for_url(f"**/visits/{visit_uuid}/check")
    expect(page.locator("[data-missing-summary]")).to_have_count(0)
    tap(page.get_by_role("button", name="Submit visit"))
    page.wait_for_url(f"**/visits/{visit_uuid}?submitted=1")
    assert len(taps) <= 30, f"{len(taps)} taps"

    # The tasking is done, with the visit as its outcome; no second Start; the follow-up
    # it was made for is done too.
    assert part_state(live_server, tasking_id) == "done"
    [(note,)] = live_server.query(
        "SELECT a.note FROM tasking_assignment a WHERE a.tasking = ?", tasking_id
    )
    assert note == f"Home visit submitted: /visits/{visit_uuid}"
    assert live_server.query("SELECT done FROM follow_up WHERE id = ?", followup_id) == [(1,)]
    page.goto(f"/tasks/{tasking_id}")
    expect(page.locator("[data-state]")).to_have_text("Done")
    expect(page.get_by_role("link", name="Start the home visit")).to_have_count(0)
    expect(page.get_by_role("button", name="Start")).to_have_count(0)
    stored = dict(
        live_server.query(
            "SELECT question, value FROM visit_answer JOIN home_visit"
            " ON home_visit.id = visit_answer.visit WHERE home_visit.uuid = ?",
            visit_uuid,
        )
    )
    assert set(stored) == {key for _, key, _ in TYPICAL}


def test_marking_a_follow_up_done_finishes_its_tasking(page, live_server, signed_in):
    signed_in("pcso")
    visit_uuid = start_visit(page, "17 Mill Hill Lane, Derby")
    submitted_by_forms(page, visit_uuid, {10: {"q_food": "no"}}, {"referral_food-bank": "drop"})
    [(followup_id, tasking_id)] = live_server.query(
        "SELECT f.id, f.tasking_id FROM follow_up f JOIN home_visit v ON v.id = f.visit"
        " WHERE v.uuid = ?",
        visit_uuid,
    )
    assert part_state(live_server, tasking_id) == "assigned"
    page.goto("/visits/follow-ups")
    row = page.locator(".followup-list li", has_text="17 Mill Hill Lane, Derby")
    expect(row.locator(f"[data-tasking='{tasking_id}']")).to_contain_text("Assigned")
    row.get_by_role("button", name="Mark done").click()
    page.wait_for_url("**/visits/follow-ups")
    expect(page.locator(".followup-list li", has_text="17 Mill Hill Lane, Derby")).to_have_count(0)
    assert part_state(live_server, tasking_id) == "done"
    assert live_server.query("SELECT done FROM follow_up WHERE id = ?", followup_id) == [(1,)]
    page.goto(f"/tasks/{tasking_id}")
    expect(page.locator("[data-state]")).to_have_text("Done")
    expect(page.locator(".history")).to_contain_text("Follow-up marked done")


def test_questions_show_and_hide_at_once_as_answers_call_for_them(page, live_server, signed_in):
    signed_in("pcso")
    visit_uuid = start_visit(page, "4 Agard Street, Derby")
    page.goto(f"/visits/{visit_uuid}?section=2")
    parked = page.locator("#question-vehicle_parked")
    expect(parked).to_be_hidden()
    give(page, "vehicle", 2)  # a motorbike
    expect(parked).to_be_visible()
    give(page, "vehicle", 5)  # none
    expect(parked).to_be_hidden()

    page.goto(f"/visits/{visit_uuid}?section=5")
    kids = [page.locator("#question-child_safety_items"), page.locator("#question-online_safety")]
    for block in kids:
        expect(block).to_be_hidden()
    give(page, "children", 3)  # two children
    for block in kids:
        expect(block).to_be_visible()

    page.goto(f"/visits/{visit_uuid}?section=9")
    kinds = page.locator("#question-asb_kinds")
    expect(kinds).to_be_hidden()
    give(page, "asb", 1)  # yes
    expect(kinds).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("/answers/asb_kinds")):
        give(page, "asb_kinds", 1)  # noise
    eventually(lambda: stored_answers(live_server, visit_uuid, "asb_kinds") == ['["Noise"]'])
    give(page, "asb", 2)  # no: hidden at once, and its answer is not kept
    expect(kinds).to_be_hidden()
    eventually(lambda: stored_answers(live_server, visit_uuid, "asb_kinds") == [""])
    give(page, "asb", 1)  # yes again: asked afresh, nothing ticked
    expect(kinds).to_be_visible()
    expect(page.locator("#q_asb_kinds")).not_to_be_checked()


def test_without_script_the_server_asks_on_the_next_screen(browser, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "pcso")
        visit_uuid = start_visit(page, "6 Agard Street, Derby")
        page.goto(f"/visits/{visit_uuid}?section=9")
        kinds = page.locator("#question-asb_kinds")
        expect(kinds).to_be_hidden()
        page.locator("label[for='q_asb']").click()  # yes
        page.locator("form[data-section='9'] button[type=submit]").click()
        page.wait_for_url(f"**/visits/{visit_uuid}?section=9#question-asb_kinds")
        expect(kinds).to_be_visible()  # the same screen again, with the question it calls for
        page.locator("label[for='q_asb_kinds']").click()
        page.locator("form[data-section='9'] button[type=submit]").click()
        page.wait_for_url(f"**/visits/{visit_uuid}?section=10")
        expect(page.locator("form[data-section='10'] h1")).to_have_text("Money and food")
    finally:
        context.close()


def test_a_missed_answer_is_said_first_on_check_answers_and_leads_to_its_question(page, signed_in):
    signed_in("pcso")
    visit_uuid = start_visit(page, "10 Agard Street, Derby")
    with page.expect_response(lambda r: r.url.endswith("/answers/door_locks")):
        give(page, "door_locks", 1)
    page.goto(f"/visits/{visit_uuid}/check")
    summary = page.locator("[data-missing-summary]")
    expect(summary).to_be_in_viewport()  # on the first screen, not at the foot of the page
    expect(summary.locator("h2")).to_have_text("9 required answers still to give")
    expect(page.locator("[data-section-missing='1']")).to_contain_text(
        "Has the home been broken into in the last 12 months?"
    )
    summary.get_by_role("link", name="Home security: Has the home been broken into").click()
    page.wait_for_url(f"**/visits/{visit_uuid}?section=1#question-burgled")
    expect(page.locator("#question-burgled")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_visit_timer_says_the_minutes_left_of_30(page, signed_in):
    signed_in("pcso")
    start_visit(page, "12 Agard Street, Derby")
    timer = page.locator("[data-visit-timer]")
    started = datetime.fromisoformat(timer.get_attribute("data-started"))
    page.clock.set_fixed_time(started + timedelta(minutes=5, seconds=10))
    page.reload()
    expect(timer.locator("[data-visit-timer-text]")).to_have_text("25 minutes left of 30")
    page.clock.set_fixed_time(started + timedelta(minutes=33, seconds=5))
    expect(timer.locator("[data-visit-timer-text]")).to_have_text("3 minutes over the 30")
    expect(timer).to_have_class(re.compile(r"\bover\b"))
