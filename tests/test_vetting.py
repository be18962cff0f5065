"""Vetting and training expire (issue 12): the rules, the supervisor's 30-day list, the
profile form's dates, and the session's one query that says whether a volunteer is still
joining. Use cases called without HTTP, each with an Actor."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from piccolo.utils.sync import run_sync

from app.auth import sessions
from app.auth.sessions import start_session, viewer_for_token
from app.clock import today
from app.outcomes import Refused
from app.tables.taskings import State, TaskingAssignment, VolunteerProfile
from app.taskings import service, volunteers
from app.taskings.forms import VolunteerProfileForm
from app.taskings.kinds import TRAINING, current_vetting, still_joining, why_not
from app.visits.service import why_not_visit
from tests.factories import actor_of, make_actor, make_person, make_team, make_vetting
from tests.helpers import sync
from tests.taskings_helpers import make_profile

DAY = date(2026, 12, 1)
TRAINED = {key: True for key in TRAINING}


def profile(**values) -> dict:
    return {"vetting": "full", **TRAINED, **values}


def test_a_level_or_training_holds_up_to_and_including_its_last_day():
    last = {"full_vetting_expires_on": DAY, "conflict_resolution_expires_on": DAY}
    assert why_not("home_visit", profile(**last), today=DAY) is None
    after = DAY + timedelta(days=1)
    assert why_not("home_visit", profile(**last), today=after) == (
        "needs full vetting (full vetting expired on 1 Dec 2026; has initial); "
        "needs training in conflict resolution (expired on 1 Dec 2026)"
    )


def test_an_expired_level_falls_back_to_the_one_below_or_to_none():
    both = {"initial_vetting_expires_on": DAY, "full_vetting_expires_on": DAY + timedelta(9)}
    assert current_vetting(profile(**both), DAY + timedelta(1)) == "full"  # full covers initial
    assert current_vetting(profile(**both), DAY + timedelta(10)) == "none"
    assert still_joining(profile(**both), DAY + timedelta(10))
    initial = {"vetting": "initial", "initial_vetting_expires_on": DAY}
    assert current_vetting(profile(**initial), DAY) == "initial"
    assert why_not("leaflet_drop", profile(**initial), DAY + timedelta(1)) == (
        "needs initial vetting (initial vetting expired on 1 Dec 2026; has none)"
    )
    # Recorded before expiry dates were kept: holds until a supervisor adds one.
    assert current_vetting(profile(), DAY) == "full" and not still_joining(profile(), DAY)
    assert still_joining(None, DAY) and still_joining({"vetting": "none"}, DAY)


def test_offers_skip_a_volunteer_whose_vetting_or_training_expired():
    team = make_team()
    supervisor = make_actor("supervisor")
    current = make_person("volunteer", home_team=team.id)
    lapsed = make_person("volunteer", home_team=team.id)
    trained_lapsed = make_person("volunteer", home_team=team.id)
    make_vetting(current, "initial", risk_management=today())
    make_vetting(lapsed, "expired", risk_management=today() + timedelta(days=90))
    make_vetting(trained_lapsed, "initial", risk_management=today() - timedelta(days=1))
    from tests.test_taskings_service import values_for

    tasking_id = sync(
        service.create(supervisor, values_for(team.id, kind="other", mode="offer"), [])
    )
    offered = sync(
        TaskingAssignment.select(TaskingAssignment.person).where(
            TaskingAssignment.tasking == tasking_id
        )
    )
    assert {r["person"] for r in offered} == {current.id}


def test_an_offer_cannot_be_accepted_once_the_vetting_it_needs_has_expired():
    team = make_team()
    supervisor = make_actor("supervisor")
    person = make_person("volunteer", home_team=team.id)
    from tests.test_taskings_service import values_for

    tasking_id = sync(service.create(supervisor, values_for(team.id, mode="offer"), []))
    # The initial vetting runs out after the offer was made.
    make_vetting(person, "expired")
    with pytest.raises(Refused) as refused:
        sync(service.answer_tasking(actor_of(person), tasking_id, "accepted"))
    gone = today() - timedelta(days=1)
    assert str(refused.value) == (
        "You cannot accept this now: your volunteer profile needs initial vetting "
        f"(initial vetting expired on {gone.day} {gone:%b %Y}; has none)"
    )
    part = sync(TaskingAssignment.select().where(TaskingAssignment.person == person.id).first())
    assert part["state"] == State.OFFERED
    # Declining is still allowed.
    sync(service.answer_tasking(actor_of(person), tasking_id, "declined"))


def test_home_visits_are_refused_when_a_training_they_need_has_expired():
    volunteer = make_person("volunteer")
    make_profile(volunteer)
    assert sync(why_not_visit(actor_of(volunteer))) is None
    sync(
        VolunteerProfile.update(
            {VolunteerProfile.human_rights_expires_on: today() - timedelta(days=3)}
        ).where(VolunteerProfile.person == volunteer.id)
    )
    gone = today() - timedelta(days=3)
    assert sync(why_not_visit(actor_of(volunteer))) == (
        f"needs training in human rights (expired on {gone.day} {gone:%b %Y})"
    )


def test_the_expiring_list_is_what_runs_out_within_30_days_counted_independently():
    rng = random.Random(12)
    supervisor = make_actor("supervisor")
    day = today()
    expected = set()
    for _ in range(25):
        active = rng.random() > 0.15
        person = make_person("volunteer", active=active, vetting=None)
        level = rng.choice(["none", "initial", "full"])
        values = {"person": person.id, "vetting": level}
        held = []
        if level != "none":
            values["initial_vetting_on"] = day - timedelta(days=400)
            held.append(("Initial vetting", "initial_vetting_expires_on"))
        if level == "full":
            values["full_vetting_on"] = day - timedelta(days=300)
            held.append(("Full vetting", "full_vetting_expires_on"))
        for key, label in TRAINING.items():
            values[key] = rng.random() > 0.5
            if values[key]:
                held.append((label, f"{key}_expires_on"))
        # Dates on everything, held or not: only what is held may be listed.
        for column in [c for _, c in held] + ["human_rights_expires_on"]:
            values[column] = rng.choice([None, day + timedelta(days=rng.randint(-60, 90))])
        for column in ("initial_vetting_expires_on", "full_vetting_expires_on"):
            values.setdefault(column, day + timedelta(days=rng.randint(-10, 10)))
        sync(VolunteerProfile.insert(VolunteerProfile(**values)))
        for label, column in held:
            last = values.get(column)
            if active and last is not None and last <= day + timedelta(days=30):
                expected.add((person.id, label, last, last < day))
    people = sync(volunteers.volunteers(supervisor))
    listed = volunteers.expiring(people)
    assert {(r["person"]["id"], r["what"], r["on"], r["expired"]) for r in listed} == expected
    assert len(listed) == len(expected) and len(expected) > 10
    assert [r["on"] for r in listed] == sorted(r["on"] for r in listed)


def form(**overrides) -> dict:
    data = {
        "vetting": "full",
        "initial_vetting_on": "2026-01-10",
        "initial_vetting_expires_on": "2029-01-09",
        "full_vetting_on": "2026-04-01",
        "full_vetting_expires_on": "2031-03-31",
        "risk_management": "yes",
        "risk_management_expires_on": "2027-04-01",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_profile_form_keeps_a_last_day_for_each_level_and_training_held():
    values, errors = VolunteerProfileForm.parse(form())
    assert not errors
    assert values["full_vetting_expires_on"] == date(2031, 3, 31)
    assert values["risk_management_expires_on"] == date(2027, 4, 1)
    assert values["human_rights_expires_on"] is None and values["human_rights"] is False


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"initial_vetting_expires_on": "2026-01-10"},
            "initial_vetting_expires_on",
            "The last day initial vetting holds must be after the day it was passed",
        ),
        (
            {"full_vetting_expires_on": "2025-12-31"},
            "full_vetting_expires_on",
            "The last day full vetting holds must be after the day it was passed",
        ),
        (
            {"full_vetting_expires_on": None},
            "full_vetting_expires_on",
            "Enter the last day full vetting holds",
        ),
        (
            {"risk_management_expires_on": None},
            "risk_management_expires_on",
            "Enter the last day risk management training holds",
        ),
        (
            {"human_rights_expires_on": "2027-01-01"},
            "human_rights_expires_on",
            "Tick human rights as completed, or leave its last day empty",
        ),
        (
            {"conflict_resolution": "yes", "conflict_resolution_expires_on": "31/12/2027"},
            "conflict_resolution_expires_on",
            "Enter the last day it holds as a real date, for example 2027-03-31",
        ),
    ],
)
def test_the_profile_form_says_what_is_wrong_beside_the_date(overrides, field, message):
    _, errors = VolunteerProfileForm.parse(form(**overrides))
    assert errors == {field: message}


def test_a_level_not_held_keeps_no_dates():
    values, errors = VolunteerProfileForm.parse(
        form(vetting="initial", full_vetting_expires_on="not a date")
    )
    assert not errors
    assert values["full_vetting_on"] is None and values["full_vetting_expires_on"] is None


@pytest.mark.parametrize(
    ("vetting", "joining"),
    [(None, True), ("expired", True), ("initial", False), ("full", False)],
)
def test_the_session_query_says_whether_a_volunteer_is_still_joining(vetting, joining):
    person = make_person("volunteer", vetting=vetting)
    token = run_sync(start_session(person.id, "pytest"))
    viewer = run_sync(viewer_for_token(token))
    assert viewer.still_joining is joining


def test_the_session_is_still_one_query_and_staff_are_never_joining(monkeypatch):
    calls = []
    real = sessions.small_read

    async def counted(query):
        calls.append(query)
        return await real(query)

    monkeypatch.setattr(sessions, "small_read", counted)
    for role in ("volunteer", "pcso", "supervisor", "mentor"):
        token = run_sync(start_session(make_person(role, vetting=None).id, "pytest"))
        viewer = run_sync(viewer_for_token(token))
        assert viewer.still_joining is (role == "volunteer")
    assert len(calls) == 4


def test_full_vetting_current_means_joined_even_after_initial_vetting_ran_out():
    person = make_person("volunteer", vetting="full")
    sync(
        VolunteerProfile.update(
            {VolunteerProfile.initial_vetting_expires_on: today() - timedelta(days=1)}
        ).where(VolunteerProfile.person == person.id)
    )
    token = run_sync(start_session(person.id, "pytest"))
    assert run_sync(viewer_for_token(token)).still_joining is False
