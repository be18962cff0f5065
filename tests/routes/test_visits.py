"""Home visits over HTTP: start, answers kept once, bad answers refused, submit, who sees what."""

from __future__ import annotations

import uuid

from app.tables.audit import AuditEntry
from app.tables.visits import FollowUp, HomeVisit, Referral, VisitAnswer
from tests.factories import make_team
from tests.helpers import field_error, html, summary_links, sync
from tests.routes.not_theirs import answers_as_missing
from tests.taskings_helpers import make_profile

HX = {"hx-request": "true"}


def start(session, consent="yes", address="1 Test Street, Derby", **extra) -> str:
    """Start a visit as a phone does (its own uuid); returns the uuid."""
    visit_uuid = str(uuid.uuid4())
    session.get("/visits/new")
    response = session.post(
        "/visits", {"uuid": visit_uuid, "consent": consent, "address": address, **extra}
    )
    assert response.status_code == 303, response.text
    return visit_uuid


def visit_row(visit_uuid: str) -> dict:
    return sync(HomeVisit.select().where(HomeVisit.uuid == visit_uuid).first())


def answer(session, visit_uuid, key, value, at=None):
    data = {f"q_{key}": value}
    if at is not None:
        data["at"] = str(at)
    return session.post(f"/visits/{visit_uuid}/answers/{key}", data, headers=HX)


def stored_answers(visit_uuid: str) -> dict:
    visit = visit_row(visit_uuid)
    rows = sync(VisitAnswer.select().where(VisitAnswer.visit == visit["id"]))
    return {r["question"]: r["value"] for r in rows}


def kept_answers(visit_uuid: str) -> dict:
    """The answers kept (a cleared answer is a row with no value)."""
    return {k: v for k, v in stored_answers(visit_uuid).items() if v}


def test_starting_with_consent_keeps_the_household_and_audits_it(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso, address="12 Abbey Street, Derby", lat="52.92", lng="-1.49")
    visit = visit_row(visit_uuid)
    assert (visit["state"], visit["address"], visit["consent"]) == (
        "in progress",
        "12 Abbey Street, Derby",
        True,
    )
    assert visit["lat"] == 52.92 and visit["visitor"] == pcso.person.id
    audit = sync(AuditEntry.select().where(AuditEntry.record_type == "home_visit"))
    assert [a["operation"] for a in audit] == ["collection"]
    page = html(pcso.get(f"/visits/{visit_uuid}"))
    assert page.select_one("[data-section='1'] .progress").get_text(strip=True) == "1 of 11"
    assert len(page.select("form[data-section]")) == 11


def test_starting_the_same_visit_twice_makes_one_visit(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    again = pcso.post("/visits", {"uuid": visit_uuid, "consent": "yes", "address": "1 Test Street"})
    assert again.headers["location"] == f"/visits/{visit_uuid}"
    assert sync(HomeVisit.count()) == 1


def test_without_consent_only_visit_offered_declined_is_kept(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso, consent="no", address="9 Private Road", lat="52.9", lng="-1.4")
    visit = visit_row(visit_uuid)
    assert visit["state"] == "declined"
    assert (visit["address"], visit["household_key"], visit["lat"]) == ("", "", None)
    assert (
        html(pcso.get(f"/visits/{visit_uuid}")).h1.get_text(strip=True) == "Visit offered, declined"
    )


def test_a_start_without_consent_or_household_is_refused_beside_the_field(as_role):
    pcso = as_role("pcso")
    pcso.get("/visits/new")
    response = pcso.post("/visits", {"uuid": str(uuid.uuid4()), "address": ""})
    assert response.status_code == 400
    assert field_error(response, "consent").startswith("Say whether the household agrees")
    response = pcso.post("/visits", {"uuid": str(uuid.uuid4()), "consent": "yes", "address": ""})
    assert field_error(response, "address") == "Enter the address or a household reference"
    assert "address" in summary_links(response)
    assert sync(HomeVisit.count()) == 0


def test_an_answer_sent_twice_is_stored_once_and_the_last_given_wins(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    assert answer(pcso, visit_uuid, "smoke_alarm", "no", at=2000).status_code == 200
    assert answer(pcso, visit_uuid, "smoke_alarm", "no", at=2000).status_code == 200  # replayed
    assert answer(pcso, visit_uuid, "smoke_alarm", "yes", at=3000).status_code == 200
    # An older answer arriving late (from a phone's queue) does not replace the newer one.
    assert answer(pcso, visit_uuid, "smoke_alarm", "no", at=2500).status_code == 200
    assert sync(VisitAnswer.count()) == 1
    assert stored_answers(visit_uuid) == {"smoke_alarm": '"yes"'}


def test_advice_appears_only_when_the_answer_calls_for_it(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    calm = html(answer(pcso, visit_uuid, "smoke_alarm", "yes"))
    assert calm.select_one("[data-advice]").has_attr("hidden")
    called = html(answer(pcso, visit_uuid, "smoke_alarm", "no"))
    advice = called.select_one("[data-advice]")
    assert not advice.has_attr("hidden") and "smoke alarm" in advice.get_text()


def test_bad_answers_are_refused_beside_the_question_and_not_stored(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    cases = [
        ("children", "16", "Enter a number from 0 to 15"),
        ("children", "-1", "Enter a number from 0 to 15"),
        ("children", "lots", "Enter a number from 0 to 15"),
        ("smoke_alarm", "perhaps", "Choose an answer from the list"),
        ("lonely", "Every Tuesday", "Choose an answer from the list"),
        ("fire_risks", ["Candles", "Fireworks"], "Choose answers from the list"),
    ]
    for key, value, message in cases:
        response = answer(pcso, visit_uuid, key, value)
        assert response.status_code == 400, (key, value)
        assert field_error(response, f"q_{key}") == message
    assert stored_answers(visit_uuid) == {}


def test_a_section_without_script_is_checked_whole(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    response = pcso.post(
        f"/visits/{visit_uuid}/sections/5", {"q_children": "99", "q_online_safety": "yes"}
    )
    assert response.status_code == 400
    assert field_error(response, "q_children") == "Enter a number from 0 to 15"
    assert summary_links(response) == {"q_children": "Enter a number from 0 to 15"}
    assert stored_answers(visit_uuid) == {}
    response = pcso.post(
        f"/visits/{visit_uuid}/sections/5", {"q_children": "2", "q_online_safety": "yes"}
    )
    # Children in the home: the children's question not yet answered is asked on this screen.
    assert response.headers["location"] == (
        f"/visits/{visit_uuid}?section=5#question-child_safety_items"
    )
    assert stored_answers(visit_uuid) == {"children": "2", "online_safety": '"yes"'}
    shown = html(pcso.get(response.headers["location"]))
    assert not shown.find(id="question-child_safety_items").has_attr("hidden")
    response = pcso.post(
        f"/visits/{visit_uuid}/sections/5",
        {"q_children": "2", "q_online_safety": "yes", "q_child_safety_items": "no"},
    )
    assert response.headers["location"] == f"/visits/{visit_uuid}?section=6"


def test_without_script_the_server_asks_what_the_answers_call_for_on_the_next_screen(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    page = html(pcso.get(f"/visits/{visit_uuid}?section=9"))
    assert page.find(id="question-asb_kinds").has_attr("hidden")  # not asked before a yes
    response = pcso.post(f"/visits/{visit_uuid}/sections/9", {"q_asb": "yes"})
    assert response.headers["location"] == f"/visits/{visit_uuid}?section=9#question-asb_kinds"
    page = html(pcso.get(response.headers["location"]))
    assert not page.find(id="question-asb_kinds").has_attr("hidden")
    response = pcso.post(
        f"/visits/{visit_uuid}/sections/9", {"q_asb": "yes", "q_asb_kinds": "Noise"}
    )
    assert response.headers["location"] == f"/visits/{visit_uuid}?section=10"
    assert kept_answers(visit_uuid) == {"asb": '"yes"', "asb_kinds": '["Noise"]'}
    # Changed to no: "What kind?" is hidden again and its answer is not kept.
    response = pcso.post(
        f"/visits/{visit_uuid}/sections/9", {"q_asb": "no", "q_asb_kinds": "Noise"}
    )
    assert response.headers["location"] == f"/visits/{visit_uuid}?section=10"
    assert kept_answers(visit_uuid) == {"asb": '"no"'}
    # No children, no vehicle: their questions are not asked, so not shown.
    for number, form, hidden in (
        (5, {"q_children": "0"}, ("child_safety_items", "online_safety")),
        (2, {"q_vehicle": "None"}, ("vehicle_parked",)),
    ):
        response = pcso.post(f"/visits/{visit_uuid}/sections/{number}", form)
        assert response.headers["location"] == f"/visits/{visit_uuid}?section={number + 1}"
        page = html(pcso.get(f"/visits/{visit_uuid}?section={number}"))
        for key in hidden:
            assert page.find(id=f"question-{key}").has_attr("hidden"), key
    response = pcso.post(f"/visits/{visit_uuid}/sections/2", {"q_vehicle": "Car or van"})
    assert response.headers["location"] == f"/visits/{visit_uuid}?section=2#question-vehicle_parked"


def test_an_answer_that_hides_questions_clears_their_answers_as_it_is_given(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    assert answer(pcso, visit_uuid, "children", "1", at=1000).status_code == 200
    assert answer(pcso, visit_uuid, "online_safety", "yes", at=2000).status_code == 200
    assert answer(pcso, visit_uuid, "children", "0", at=3000).status_code == 200
    assert kept_answers(visit_uuid) == {"children": "0"}
    # The answer given before the children's one, replayed late, does not come back.
    assert answer(pcso, visit_uuid, "online_safety", "yes", at=2000).status_code == 200
    assert kept_answers(visit_uuid) == {"children": "0"}
    details = [
        r["detail"]
        for r in sync(
            AuditEntry.select(AuditEntry.detail).where(AuditEntry.record_type == "home_visit")
        )
    ]
    assert "answer children; answers no longer asked cleared: online_safety" in details


# Every required question of the default template, answered calmly (no referral, no follow-up).
CALM = {
    "door_locks": "yes",
    "burgled": "no",
    "vehicle": "None",
    "falls": "no",
    "smoke_alarm": "yes",
    "children": "0",
    "lonely": "Never",
    "low_mood": "no",
    "asb": "no",
    "food": "yes",
}


def answer_all_required(session, visit_uuid, **overrides):
    """Answer every required question of the default template, calmly unless overridden."""
    for key, value in {**CALM, **overrides}.items():
        assert answer(session, visit_uuid, key, value).status_code == 200, key


def test_unanswered_required_questions_are_listed_and_the_visit_is_not_submitted(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    answer_all_required(pcso, visit_uuid)
    assert answer(pcso, visit_uuid, "food", []).status_code == 200  # cleared again
    response = pcso.post(f"/visits/{visit_uuid}/submit", {})
    assert response.status_code == 400
    links = html(response).select("[data-error-summary] a")
    assert [(a.get_text(strip=True), a["href"]) for a in links] == [
        (
            "Answer: Has the household had enough food this week?",
            f"/visits/{visit_uuid}?section=10#q_food",
        )
    ]
    assert visit_row(visit_uuid)["state"] == "in progress"


def test_submitting_keeps_the_referrals_confirmed_and_the_follow_ups_once(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    answer_all_required(pcso, visit_uuid, smoke_alarm="no", food="no", lonely="Often or always")
    check = html(pcso.get(f"/visits/{visit_uuid}/check"))
    offered = sorted(i["name"] for i in check.select("input[type=radio][value=made]"))
    assert offered == ["referral_charity", "referral_fire", "referral_food-bank"]
    # Each suggestion needs a decision: a missing one is named beside it.
    response = pcso.post(f"/visits/{visit_uuid}/submit", {"referral_fire": "made"})
    assert response.status_code == 400
    assert (
        field_error(response, "referral_food-bank")
        == "Choose what to do about the food bank referral"
    )
    decisions = {
        "referral_fire": "made",
        "referral_food-bank": "suggested",
        "referral_charity": "drop",
    }
    assert pcso.post(f"/visits/{visit_uuid}/submit", decisions).status_code == 303
    assert pcso.post(f"/visits/{visit_uuid}/submit", decisions).status_code == 303  # sent twice
    visit = visit_row(visit_uuid)
    assert visit["state"] == "submitted"
    referrals = sync(Referral.select(Referral.agency_kind, Referral.state, Referral.owner))
    assert sorted((r["agency_kind"], r["state"]) for r in referrals) == [
        ("fire", "made"),
        ("food bank", "suggested"),
    ]
    assert {r["owner"] for r in referrals} == {pcso.person.id}
    followups = sync(FollowUp.select(FollowUp.question, FollowUp.due_on, FollowUp.visit))
    days = {f["question"]: (f["due_on"] - visit["submitted_at"].date()).days for f in followups}
    assert days == {"smoke_alarm": 14, "food": 7, "lonely": 21}
    # A submitted visit takes no more answers.
    assert answer(pcso, visit_uuid, "food", "yes").status_code == 404


def test_volunteers_see_only_their_own_visits(as_role):
    team = make_team()
    volunteer = as_role("volunteer", home_team=team.id)
    make_profile(volunteer.person)  # fit for home visits
    other = as_role("volunteer", home_team=team.id)
    pcso = as_role("pcso", home_team=team.id)
    visit_uuid = start(volunteer, team=str(team.id))
    assert volunteer.get(f"/visits/{visit_uuid}").status_code == 200
    assert other.get(f"/visits/{visit_uuid}").status_code == 404
    assert answer(other, visit_uuid, "food", "no").status_code == 404
    assert not html(other.get("/visits")).select(f"a[href='/visits/{visit_uuid}']")
    # Police in the team area see it; only its visitor may change it.
    assert html(pcso.get("/visits")).select(f"a[href='/visits/{visit_uuid}']")
    assert answer(pcso, visit_uuid, "food", "no").status_code == 404


def test_someone_elses_visit_follow_up_and_referral_answer_as_missing_ones_do(as_role):
    team = make_team()
    volunteer = as_role("volunteer", home_team=team.id)
    make_profile(volunteer.person)
    done = start(volunteer, team=str(team.id))
    answer_all_required(volunteer, done, food="no")
    made = {"referral_food-bank": "made"}
    assert volunteer.post(f"/visits/{done}/submit", made).status_code == 303
    under_way = start(volunteer, team=str(team.id))
    other = as_role("volunteer", home_team=team.id)
    make_profile(other.person)
    gone = str(uuid.uuid4())
    for visit in (done, under_way):
        for method, path, data in (
            ("GET", "/visits/{}", None),
            ("GET", "/visits/{}/check", None),
            ("POST", "/visits/{}/sections/1", {"q_smoke_alarm": "yes"}),
            ("POST", "/visits/{}/submit", made),
            ("POST", "/visits/{}/discard", None),
        ):
            answers_as_missing(other, method, path.format(visit), path.format(gone), data)
        # An answer sent by the outbox (JSON) for a visit not open to them is refused for good.
        answers_as_missing(
            other,
            "POST",
            f"/visits/{visit}/answers/food",
            f"/visits/{gone}/answers/food",
            {"q_food": "yes"},
            json_status=400,
        )
    followup = sync(FollowUp.select(FollowUp.id).first())["id"]
    referral = sync(Referral.select(Referral.id).first())["id"]
    for path, data in (
        ("/visits/follow-ups/{}/done", None),
        ("/visits/referrals/{}", {"state": "accepted"}),
        ("/visits/referrals/{}", {"state": "own"}),
    ):
        record = followup if "follow-ups" in path else referral
        answers_as_missing(other, "POST", path.format(record), path.format(record + 10_000), data)
    assert visit_row(done)["state"] == "submitted" and visit_row(under_way) is not None
    assert sync(FollowUp.select(FollowUp.done).first())["done"] is False
    assert sync(Referral.select(Referral.state).first())["state"] == "made"


def test_earlier_visits_to_the_household_are_shown_at_the_start_and_the_look_audited(as_role):
    pcso = as_role("pcso")
    first = start(pcso, address="12 Abbey Street, Derby")
    answer_all_required(pcso, first, food="no")
    pcso.post(f"/visits/{first}/submit", {"referral_food-bank": "made"})
    second = start(pcso, address="12  abbey street derby")  # typed differently
    intro = html(pcso.get(f"/visits/{second}")).select_one("[data-intro]")
    assert intro.select_one(f"a[href='/visits/{first}']") is not None
    assert "food bank (made)" in intro.get_text()
    details = sync(
        AuditEntry.select(AuditEntry.detail).where(AuditEntry.operation == "consultation")
    )
    assert any(d["detail"].startswith("earlier visits to the household shown") for d in details)


def test_a_visit_under_way_can_be_discarded_by_its_visitor_only(as_role):
    pcso = as_role("pcso")
    officer = as_role("officer")
    visit_uuid = start(pcso)
    answer(pcso, visit_uuid, "food", "no")
    assert officer.post(f"/visits/{visit_uuid}/discard").status_code == 404
    assert pcso.post(f"/visits/{visit_uuid}/discard").headers["location"] == "/visits?discarded=1"
    assert (sync(HomeVisit.count()), sync(VisitAnswer.count())) == (0, 0)
    erasures = sync(AuditEntry.select().where(AuditEntry.operation == "erasure"))
    assert [(e["record_type"], e["detail"]) for e in erasures] == [
        ("home_visit", "visit discarded")
    ]


def test_a_volunteer_not_fit_for_home_visits_is_told_why_and_keeps_their_visits(as_role):
    from app.tables.taskings import VolunteerProfile
    from app.taskings.kinds import why_not

    volunteer = as_role("volunteer")
    make_profile(volunteer.person)
    earlier = start(volunteer)  # while fit
    # A supervisor records that the training in human rights has lapsed.
    sync(
        VolunteerProfile.update({VolunteerProfile.human_rights: False}).where(
            VolunteerProfile.person == volunteer.person.id
        )
    )
    profile = sync(VolunteerProfile.select().first())
    reason = why_not("home_visit", profile)
    assert reason == "needs training in human rights"
    listing = html(volunteer.get("/visits"))
    assert listing.select("a[href='/visits/new']") == []
    assert reason in listing.select_one("[data-not-fit]").get_text()
    assert listing.select(f"a[href='/visits/{earlier}']")  # their earlier visit is still there
    assert volunteer.get(f"/visits/{earlier}").status_code == 200
    form = volunteer.get("/visits/new")
    assert form.status_code == 200 and html(form).select("form[action='/visits']") == []
    assert html(form).select_one("[data-not-fit]").get_text(strip=True) == (
        f"Your volunteer profile {reason}."
    )
    refused = volunteer.post(
        "/visits", {"uuid": str(uuid.uuid4()), "consent": "yes", "address": "2 Lane"}
    )
    assert refused.status_code == 409 and sync(HomeVisit.count()) == 1
    assert html(refused).select_one("[data-not-fit]")
    # Initial vetting only (the factory's), no training.
    newcomer = as_role("volunteer")
    page = html(newcomer.get("/visits/new"))
    assert page.select_one("[data-not-fit]").get_text(strip=True) == (
        "Your volunteer profile " + why_not("home_visit", vetting_of(newcomer.person)) + "."
    )
    assert "needs full vetting (has initial)" in page.get_text()
    # No profile at all: still joining, so visits are not open to them.
    assert as_role("volunteer", vetting=None).get("/visits/new").status_code == 403
    # Staff are never asked for a profile.
    assert as_role("pcso").get("/visits/new").status_code == 200


def test_answers_sent_by_the_outbox_follow_its_json_contract(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    visit = visit_row(visit_uuid)
    url = f"/visits/{visit_uuid}/answers/food"
    outbox = {"accept": "application/json", "x-outbox-user": pcso.person.username}

    def send(value, at, headers=outbox):
        return pcso.post(
            url, {"uuid": str(uuid.uuid4()), "q_food": value, "at": str(at)}, headers=headers
        )

    first = send("no", 2000)
    assert (first.status_code, first.json()) == (201, {"id": visit["id"], "status": "stored"})
    replay = send("no", 2000)
    assert (replay.status_code, replay.json()["status"]) == (200, "already stored")
    older = send("yes", 1000)  # given before the one kept: it arrives late, and loses
    assert (older.status_code, older.json()["status"]) == (200, "already stored")
    assert stored_answers(visit_uuid) == {"food": '"no"'}
    bad = send("maybe", 3000)
    assert bad.status_code == 400
    assert bad.json() == {
        "errors": {"q_food": field_error(answer(pcso, visit_uuid, "food", "maybe"), "q_food")}
    }
    assert stored_answers(visit_uuid) == {"food": '"no"'}
    # Queued by someone else on this phone: refused under this session, nothing stored.
    theirs = send("yes", 4000, {**outbox, "x-outbox-user": "someone-else"})
    assert theirs.status_code == 409 and stored_answers(visit_uuid) == {"food": '"no"'}
    audited = sync(
        AuditEntry.count().where(
            (AuditEntry.record_type == "home_visit") & (AuditEntry.detail == "answer food")
        )
    )
    assert audited == 1  # only the answer that was kept
    # Once the visit is submitted, a late answer is refused for good (the phone stops).
    sync(HomeVisit.update({HomeVisit.state: "submitted"}).where(HomeVisit.id == visit["id"]))
    late = send("yes", 5000)
    assert late.status_code == 400
    assert (
        late.json()["errors"]["q_food"]
        == "This visit is no longer open, so this answer was not kept"
    )
    assert answer(pcso, visit_uuid, "food", "yes").status_code == 404  # htmx: as before


def vetting_of(person) -> dict | None:
    """A volunteer's stored profile row."""
    from app.tables.taskings import VolunteerProfile

    return sync(VolunteerProfile.select().where(VolunteerProfile.person == person.id).first())
