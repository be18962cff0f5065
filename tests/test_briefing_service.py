"""The briefing's use cases, called without HTTP: the briefing, named people, CSV, area notes."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from app.audit import Operation
from app.briefing import area, service, where
from app.briefing.forms import ContactForm, PlaceForm, PriorityForm
from app.geo import cell_of
from app.outcomes import NotAllowed, NotFound, Refused
from app.tables.audit import AuditEntry
from app.tables.briefing import AreaPriority, Incident, KeyContact
from app.tables.people import PersonTeam
from tests.factories import actor_of, make_actor, make_person, make_team
from tests.helpers import sync

CENTRE = (52.9225, -1.4746)


def add_incident(n, days_ago, **extra):
    when = (datetime.now(UTC) - timedelta(days=days_ago)).replace(microsecond=0)
    Incident.insert(
        Incident(
            reference=f"S-{n}",
            occurred_at=when,
            category=extra.pop("category", "Burglary"),
            lat=CENTRE[0],
            lng=CENTRE[1],
            cell=cell_of(*CENTRE),
            location=f"Street {n}",
            source="test",
            **extra,
        )
    ).run_sync()


def place(**query):
    return PlaceForm.parse({k: str(v) for k, v in query.items()})


def audited(record_type, operation=None):
    query = AuditEntry.select().where(AuditEntry.record_type == record_type)
    if operation:
        query = query.where(AuditEntry.operation == operation)
    return sync(query)


def test_the_place_form_reads_a_point_an_area_or_nothing():
    values, errors = place(lat=52.9, lng=-1.47, acc=20)
    assert not errors and (values["lat"], values["lng"], values["acc"]) == (52.9, -1.47, 20)
    assert values["radius"] == 500
    _, errors = place(lat="abc", radius=300)
    assert list(errors) == ["radius", "lat", "lng"]
    _, errors = place(lng="-1.47")
    assert list(errors) == ["lat"]
    values, errors = place(area=7, lat="abc", acc="far")  # the area wins; a bad accuracy is none
    assert not errors and values["area"] == 7 and values["acc"] is None


def test_a_briefing_for_a_point_lists_the_incidents_and_the_actors_taskings_slot():
    team = make_team("Abbey", *CENTRE)
    add_incident(1, 1)
    pcso = make_actor("pcso", home_team=team.id)
    page = sync(service.briefing(pcso, *place(lat=CENTRE[0], lng=CENTRE[1])))
    assert page.where.how == "point" and page.where.team["id"] == team.id
    assert [r["location"] for r in page.briefing.recent] == ["Street 1"]
    assert page.taskings_nearby == []
    assert page.priorities == [] and not hasattr(page, "contacts")
    assert sync(service.key_contacts(pcso, team.id)) == []
    assert not audited("key-contact")  # nothing shown, nothing to record


def test_without_a_place_the_home_team_area_and_key_contacts_for_police_audited():
    team = make_team("Abbey", *CENTRE)
    supervisor = make_actor("supervisor")
    sync(
        area.add_contact(
            supervisor, team.id, {"name": "Pat", "role": "Chair", "how_to_contact": "07700"}
        )
    )
    pcso = make_actor("pcso", home_team=team.id)
    page = sync(service.briefing(pcso, *place()))
    assert page.where.how == "home"
    assert not audited("key-contact", Operation.CONSULTATION)  # the page holds no contacts
    assert [c["name"] for c in sync(service.key_contacts(pcso, team.id))] == ["Pat"]
    shown = audited("key-contact", Operation.CONSULTATION)
    assert len(shown) == 1 and shown[0]["actor"] == pcso.id
    volunteer = make_actor("volunteer", home_team=team.id)
    with pytest.raises(NotAllowed):
        sync(service.key_contacts(volunteer, team.id))  # not for civilians, nothing recorded
    assert len(audited("key-contact", Operation.CONSULTATION)) == 1
    public = sync(service.briefing(pcso, *place(), full=False))
    assert public.briefing is not None


def test_a_wrong_place_gives_errors_and_no_briefing():
    page = sync(service.briefing(make_actor("pcso"), *place(area=999999)))
    assert page.where is None and page.briefing is None
    assert page.errors == {"area": "Choose a team area from the list"}


def test_named_people_are_for_police_and_every_look_is_audited():
    for n, days in enumerate((2, 20)):
        add_incident(10 + n, days, victim_ref="VIC-1")
    pcso = make_actor("pcso")
    where, section = sync(service.people(pcso, *place(lat=CENTRE[0], lng=CENTRE[1])))
    assert [v["ref"] for v in section.victims] == ["VIC-1"]
    looks = audited("briefing-people")
    assert len(looks) == 1 and looks[0]["actor"] == pcso.id
    assert looks[0]["record_id"] == where.query()
    with pytest.raises(NotAllowed):
        sync(service.people(make_actor("volunteer"), *place(lat=CENTRE[0], lng=CENTRE[1])))
    with pytest.raises(NotAllowed):
        sync(service.people(make_actor("admin"), *place(lat=CENTRE[0], lng=CENTRE[1])))
    assert len(audited("briefing-people")) == 1


def test_counts_as_csv_or_refused_without_a_place():
    add_incident(1, 1, category="Shoplifting")
    text = sync(service.counts_csv(make_actor("volunteer"), *place(lat=CENTRE[0], lng=CENTRE[1])))
    lines = text.splitlines()
    assert lines[0] == "type,period,count,previous count"
    assert any(line.startswith("Shoplifting,") for line in lines[1:])
    with pytest.raises(Refused, match="no home team area"):
        sync(service.counts_csv(make_actor("pcso"), *place()))
    with pytest.raises(Refused, match="Choose a radius"):
        sync(service.counts_csv(make_actor("pcso"), *place(lat=1, lng=1, radius=7)))


def test_supervisors_keep_priorities_and_contacts_audited():
    team = make_team("Abbey")
    supervisor = make_actor("supervisor")
    values, errors = PriorityForm.parse(
        {"issue": "ASB", "action": "Patrols", "starts_on": "2026-11-01", "ends_on": ""}
    )
    assert not errors
    priority = sync(area.add_priority(supervisor, team.id, values))
    stored = sync(AreaPriority.select().where(AreaPriority.id == priority).first())
    assert stored["set_by"] == supervisor.id and stored["starts_on"] == date(2026, 11, 1)
    values, errors = ContactForm.parse({"name": "Pat", "role": "Chair", "how_to_contact": "077"})
    contact = sync(area.add_contact(supervisor, team.id, values))
    assert len(audited("key-contact", Operation.COLLECTION)) == 1
    shown = sync(area.notes(supervisor, team.id))
    assert [p["issue"] for p in shown["priorities"]] == ["ASB"]
    assert len(audited("key-contact", Operation.CONSULTATION)) == 1
    assert sync(area.remove_priority(supervisor, team.id, priority)) is True
    assert sync(area.remove_contact(supervisor, team.id, contact)) is True
    assert sync(area.remove_contact(supervisor, team.id, contact)) is False
    assert sync(KeyContact.count()) == 0 and sync(AreaPriority.count()) == 0
    assert len(audited("key-contact", Operation.ERASURE)) == 1
    with pytest.raises(NotFound):
        sync(area.add_contact(supervisor, 999999, values))
    with pytest.raises(NotAllowed):
        sync(area.add_priority(make_actor("pcso"), team.id, values))


def test_the_priority_form_checks_its_dates():
    _, errors = PriorityForm.parse(
        {"issue": "", "action": "x", "starts_on": "2026-11-01", "ends_on": "2026-10-01"}
    )
    assert errors == {
        "issue": "Enter the issue",
        "ends_on": "The review date must be on or after the date it was set",
    }
    _, errors = PriorityForm.parse({"issue": "x", "action": "x", "starts_on": "soon"})
    assert errors == {"starts_on": "Enter the date it was set, like 2026-11-21"}


DARLEY = (52.9400, -1.4800)


def resolved(actor, **query):
    values, errors = place(**query)
    found = sync(where.resolve(actor, values, errors))
    return found, errors


def circle(found):
    return (found.lat, found.lng, found.radius, found.how, found.accuracy, found.fallback)


def team_dict(team, centre):
    return {"id": team.id, "name": team.name, "centre_lat": centre[0], "centre_lng": centre[1]}


def test_resolve_a_team_area_is_its_centre_whoever_asks():
    abbey, darley = make_team("Abbey", *CENTRE), make_team("Darley", *DARLEY)
    pcso = make_actor("pcso", home_team=abbey.id)
    found, errors = resolved(pcso, area=darley.id, radius=250)
    assert errors == {}
    assert circle(found) == (*DARLEY, 250, "area", None, "")
    assert found.team == team_dict(darley, DARLEY)
    assert found.query() == f"area={darley.id}&radius=250"
    assert found.fallback_message == ""
    # The area wins over a point given with it.
    found, errors = resolved(pcso, area=abbey.id, lat=DARLEY[0], lng=DARLEY[1])
    assert errors == {} and circle(found) == (*CENTRE, 500, "area", None, "")


def test_resolve_a_team_area_the_phone_fell_back_to_is_home_with_its_reason():
    abbey = make_team("Abbey", *CENTRE)
    found, errors = resolved(make_actor("pcso"), area=abbey.id, fallback="slow")
    assert errors == {}
    assert circle(found) == (*CENTRE, 500, "home", None, "slow")
    assert found.team == team_dict(abbey, CENTRE)
    assert found.fallback_message == "Your position took too long to find"
    assert found.query(page=2) == f"area={abbey.id}&radius=500&page=2"


def test_resolve_an_unknown_or_unreadable_team_area_is_an_error_and_no_circle():
    abbey = make_team("Abbey", *CENTRE)
    pcso = make_actor("pcso", home_team=abbey.id)
    found, errors = resolved(pcso, area=abbey.id + 1000)
    assert found is None and errors == {"area": "Choose a team area from the list"}
    found, errors = resolved(pcso, area="abbey")
    assert found is None and errors == {"area": "Choose a team area from the list"}
    found, errors = resolved(pcso, area=abbey.id, radius=7)  # a known area, a wrong radius
    assert found is None and list(errors) == ["radius"]


def test_resolve_a_point_or_a_position_with_its_nearest_team_area():
    abbey, darley = make_team("Abbey", *CENTRE), make_team("Darley", *DARLEY)
    pcso = make_actor("pcso", home_team=abbey.id)
    found, errors = resolved(pcso, lat=52.939, lng=-1.479, radius=1000)
    assert errors == {}
    assert circle(found) == (52.939, -1.479, 1000, "point", None, "")
    assert found.team == team_dict(darley, DARLEY)
    assert found.query() == "lat=52.93900&lng=-1.47900&radius=1000"
    found, errors = resolved(pcso, lat=52.9226, lng=-1.4745, acc=15)
    assert errors == {}
    assert circle(found) == (52.9226, -1.4745, 500, "position", 15.0, "")
    assert found.team == team_dict(abbey, CENTRE)
    found, errors = resolved(pcso, lat=52.9226)  # half a point: the form's error, no circle
    assert found is None and list(errors) == ["lng"]
    found, errors = resolved(pcso, lat=52.9226, lng=-1.4745, radius=7)
    assert found is None and list(errors) == ["radius"]


def test_resolve_a_point_with_no_team_areas_at_all_has_no_team():
    found, errors = resolved(make_actor("pcso"), lat=52.9, lng=-1.4)
    assert errors == {} and circle(found) == (52.9, -1.4, 500, "point", None, "")
    assert found.team is None


def test_resolve_nothing_asked_is_the_actors_home_team_area_or_nothing():
    abbey, darley = make_team("Abbey", *CENTRE), make_team("Darley", *DARLEY)
    pcso = make_actor("pcso", home_team=darley.id)
    found, errors = resolved(pcso, radius=250)
    assert errors == {}
    assert circle(found) == (*DARLEY, 250, "home", None, "")
    assert found.team == team_dict(darley, DARLEY)
    assert found.query() == f"area={darley.id}&radius=250"
    found, errors = resolved(pcso, radius=7)
    assert found is None and list(errors) == ["radius"]
    # No home team: no circle and no error, even for someone who works in a team area.
    person = make_person("volunteer")
    sync(PersonTeam.insert(PersonTeam(person=person.id, team=abbey.id)))
    volunteer = actor_of(person)
    assert sync(volunteer.team_ids()) == (abbey.id,) and volunteer.home_team_id is None
    assert resolved(volunteer) == (None, {})


def _crimes(rows):
    """Street crimes stored as an import would: (month, type, lat, lng, location) per row."""
    from app.tables.briefing import Crime, CrimeMonth

    batches = {}
    for n, (month, kind, lat, lng, location) in enumerate(rows):
        if month not in batches:
            batches[month] = CrimeMonth.insert(
                CrimeMonth(force="Test Police", month=month, digest=month, source="t", rows=0)
            ).run_sync()[0]["id"]
        crime = Crime(batch=batches[month], month=month, crime_ref=f"c{n}", crime_type=kind)
        crime.lat, crime.lng, crime.cell, crime.location = lat, lng, cell_of(lat, lng), location
        crime.lsoa_code, crime.lsoa_name, crime.outcome = "E1", "A", ""
        Crime.insert(crime).run_sync()
    from app.tables.briefing import CrimeCellCount

    for month, batch in batches.items():
        for row in {(cell_of(r[2], r[3]), r[1]) for r in rows if r[0] == month}:
            CrimeCellCount.insert(
                CrimeCellCount(batch=batch, cell=row[0], crime_type=row[1], count=1)
            ).run_sync()


def _around(rng, metres):
    north, east = rng.uniform(-metres, metres), rng.uniform(-metres, metres)
    return CENTRE[0] + north / 111_195, CENTRE[1] + east / (111_195 * 0.6025)


def _incident(n, lat, lng, days_ago, category, location):
    when = (datetime.now(UTC) - timedelta(days=days_ago)).replace(microsecond=0)
    Incident.insert(
        Incident(
            reference=f"R-{n}",
            occurred_at=when,
            category=category,
            lat=lat,
            lng=lng,
            cell=cell_of(lat, lng),
            location=location,
            source="test",
        )
    ).run_sync()


def test_the_pages_counts_are_the_csvs_counts():
    """The page counts the rows it reads; the CSV has the database count: the figures agree."""
    from app.briefing.place import build, counts_only

    rng = random.Random(11)
    kinds = ["Burglary", "Shoplifting", "Drugs"]
    for n in range(150):
        _incident(n, *_around(rng, 1200), rng.uniform(0, 200), rng.choice(kinds), "X")
    months = ["2024-03", "2023-03", "2024-02"]
    _crimes([(rng.choice(months), rng.choice(kinds), *_around(rng, 1200), "X") for _ in range(150)])
    now = datetime.now(UTC).replace(microsecond=0)
    for radius in (250, 500, 1000):
        page = sync(build(CENTRE[0], CENTRE[1], radius, now))
        table = sync(counts_only(CENTRE[0], CENTRE[1], radius, now))
        assert [(p.name, p.label, p.counts) for p in page.periods] == [
            (p.name, p.label, p.counts) for p in table.periods
        ]
        assert len(page.periods) == 3
        assert page.periods[-1].label == "2024-03" and page.periods[-1].previous_label == "2023-03"
        assert sum(c + p for period in page.periods for _, c, p in period.counts) > 0


def test_repeat_places_are_three_or_more_at_one_place_most_first():
    from geopy.distance import geodesic

    from app.briefing.place import build

    north = (CENTRE[0] + 0.001, CENTRE[1])  # about 111 m north
    west = (CENTRE[0], CENTRE[1] - 0.003)  # about 200 m west
    _crimes(
        [("2024-03", "Shoplifting", *north, "On or near Corn Market")] * 3
        + [("2024-03", "Burglary", *north, "On or near Corn Market")]
        + [("2024-03", "Drugs", *CENTRE, "On or near Iron Gate")] * 2  # two: not a repeat
        + [("2023-03", "Drugs", *CENTRE, "On or near Iron Gate")] * 3  # not the latest month
    )
    for n in range(3):  # within about 10 m of each other, within 90 days
        _incident(n, west[0] + n * 0.00001, west[1], 10 + n, "Robbery", "Friar Gate")
    _incident(9, *west, 120, "Robbery", "Friar Gate")  # older than 90 days
    page = sync(build(*CENTRE, 500))
    places = [(p["location"], p["kind"], p["count"], p["types"]) for p in page.repeat_places]
    assert places == [
        ("On or near Corn Market", "crimes in the latest month", 4, "Shoplifting 3, Burglary 1"),
        ("Friar Gate", "incidents in 90 days", 3, "Robbery 3"),
    ]
    # distances as geopy's geodesic gives them (the incidents' place: the middle of the three)
    expected = [geodesic(CENTRE, north).meters, geodesic(CENTRE, (52.9225, -1.4776)).meters]
    assert [p["metres"] for p in page.repeat_places] == pytest.approx(expected, abs=0.01)
    assert [p["direction"] for p in page.repeat_places] == ["N", "W"]


# ---- Who sees what: civilians get police.uk-level detail, mentors none unless allowed ------


@pytest.fixture
def mentor_briefing(monkeypatch):
    """mentor_briefing('place') sets BEATBOOK_MENTOR_BRIEFING for the rest of the test."""
    from app.settings import get_settings

    def set_to(value: str) -> None:
        monkeypatch.setenv("BEATBOOK_MENTOR_BRIEFING", value)
        get_settings.cache_clear()

    yield set_to
    get_settings.cache_clear()


def test_the_level_of_each_role_and_the_mentor_setting(mentor_briefing):
    from app.briefing.levels import FULL, NONE, PLACE, level, offered_to
    from app.roles import Role

    assert {role: level(role) for role in Role} == {
        Role.PCSO: FULL,
        Role.OFFICER: FULL,
        Role.SUPERVISOR: FULL,
        Role.ADMIN: FULL,
        Role.VOLUNTEER: PLACE,
        Role.MENTOR: NONE,  # the default
    }
    assert Role.MENTOR not in offered_to() and Role.VOLUNTEER in offered_to()
    for value, expected in (("place", PLACE), (" Place ", PLACE), ("none", NONE), ("yes", NONE)):
        mentor_briefing(value)
        assert level(Role.MENTOR) == expected, value
        assert (Role.MENTOR in offered_to()) is (expected == PLACE)


def test_a_mentor_gets_no_briefing_unless_the_setting_allows_the_place_only_one(mentor_briefing):
    from app.briefing.levels import NotOffered

    make_team("Abbey", *CENTRE)
    add_incident(1, 1)
    mentor = make_actor("mentor")
    here = {"lat": CENTRE[0], "lng": CENTRE[1]}
    with pytest.raises(NotOffered, match="peer mentors"):
        sync(service.briefing(mentor, *place(**here)))
    with pytest.raises(NotOffered):
        sync(service.briefing(mentor, *place(**here), full=False))
    with pytest.raises(NotOffered):
        sync(service.counts_csv(mentor, *place(**here)))
    mentor_briefing("place")
    page = sync(service.briefing(mentor, *place(**here)))
    assert page.briefing.detail is False and page.briefing.recent == []
    assert not hasattr(page, "contacts")  # key contacts are a police-only fragment
    assert "Burglary" in sync(service.counts_csv(mentor, *place(**here)))


def _seed_incidents_and_crimes(now):
    """Incidents at minute times and exact places, three at one place; police.uk crimes, three
    on or near one street. Returns the incidents as (when, category, location, lat, lng)."""
    rng = random.Random(5)
    kinds = ["Burglary", "Shoplifting", "Drugs"]
    seeded = []
    for n in range(40):
        lat, lng = _around(rng, 700)
        when = now - timedelta(days=rng.uniform(0.5, 170), minutes=rng.randint(0, 59))
        seeded.append((when.replace(second=0), rng.choice(kinds), f"Exact Place {n}", lat, lng))
    west = (CENTRE[0], CENTRE[1] - 0.002)
    for n in range(3):  # a repeat place of incidents: police only
        seeded.append((now - timedelta(days=3 + n, minutes=7), "Robbery", "Secret Yard", *west))
    for n, (when, kind, location, lat, lng) in enumerate(seeded):
        Incident.insert(
            Incident(
                reference=f"Q-{n}",
                occurred_at=when,
                category=kind,
                lat=lat,
                lng=lng,
                cell=cell_of(lat, lng),
                location=location,
                source="test",
            )
        ).run_sync()
    north = (CENTRE[0] + 0.001, CENTRE[1])
    _crimes(
        [("2024-03", "Shoplifting", *north, "On or near Corn Market")] * 3
        + [("2024-03", "Burglary", *CENTRE, "On or near Iron Gate")]
        + [("2024-02", "Burglary", *CENTRE, "On or near Iron Gate")]
    )
    return seeded


def _independent_counts(seeded, now, radius, days):
    """Incidents by type within radius (geopy's distance) in the last `days` and the days before."""
    from geopy.distance import geodesic

    current, before = {}, {}
    for when, kind, _, lat, lng in seeded:
        if geodesic(CENTRE, (lat, lng)).meters > radius:
            continue
        if when >= now - timedelta(days=days):
            current[kind] = current.get(kind, 0) + 1
        elif when >= now - timedelta(days=2 * days):
            before[kind] = before.get(kind, 0) + 1
    kinds = sorted(set(current) | set(before))
    return {k: (current.get(k, 0), before.get(k, 0)) for k in kinds}


def test_civilians_see_incidents_only_as_counts_and_crimes_as_police_uk_gives_them():
    now = datetime.now(UTC).replace(microsecond=0)
    seeded = _seed_incidents_and_crimes(now)
    here = place(lat=CENTRE[0], lng=CENTRE[1], radius=1000)
    police = sync(service.briefing(make_actor("pcso"), *here, now=now)).briefing
    volunteer = sync(service.briefing(make_actor("volunteer"), *here, now=now)).briefing
    # Police see the incidents one by one, with their times and exact places.
    assert police.detail is True and police.recent_kind == "incidents"
    assert {r["location"] for r in police.recent} <= {s[2] for s in seeded}
    assert all(r["occurred_at"] for r in police.recent)
    assert "Secret Yard" in [p["location"] for p in police.repeat_places]
    # Volunteers see police.uk's crimes (month, type, "on or near"), never an incident.
    assert volunteer.detail is False and volunteer.recent_kind == "crimes"
    assert volunteer.crime_month == "2024-03"
    assert sorted(r["location"] for r in volunteer.recent) == [
        "On or near Corn Market",
        "On or near Corn Market",
        "On or near Corn Market",
        "On or near Iron Gate",
    ]
    assert all("occurred_at" not in r and r["month"] == "2024-03" for r in volunteer.recent)
    assert [(p["location"], p["kind"]) for p in volunteer.repeat_places] == [
        ("On or near Corn Market", "crimes in the latest month")
    ]
    # The extract's span in days; police have its times.
    assert type(volunteer.incident_span["last"]) is date
    assert volunteer.incident_span["last"] == max(s[0] for s in seeded).date()
    # Counts by type are the same for both, and as an independent count gives them.
    assert [(p.name, p.label, p.counts) for p in volunteer.periods] == [
        (p.name, p.label, p.counts) for p in police.periods
    ]
    for period, days in zip(volunteer.periods[:2], (7, 90), strict=True):
        expected = _independent_counts(seeded, now, 1000, days)
        assert {kind: (c, p) for kind, c, p in period.counts} == expected, period.name
    assert sum(c for p in volunteer.periods[:2] for _, c, _ in p.counts) > 10


def test_the_twelve_month_comparison_is_given_only_where_the_data_holds_two_years():
    """The last 12 months of street crime against the 12 before equal an independent count of
    the rows stored in the circle; with a month of the 24 missing there is no comparison."""
    from collections import Counter

    from app.briefing.place import YEAR_PERIOD, build, counts_only, month_before

    rng = random.Random(5)
    kinds = ["Burglary", "Shoplifting", "Drugs"]
    latest = "2026-10"
    months = [month_before(latest, n) for n in range(24)]
    rows = []
    for month in months:
        for _ in range(rng.randint(1, 4)):
            near = rng.random() < 0.7  # inside 500 m, or outside 1,600 m: never near the edge
            lat, lng = _around(rng, 300) if near else (CENTRE[0] + 0.016, CENTRE[1])
            rows.append((month, rng.choice(kinds), lat, lng, "On or near X"))
    _crimes(rows)
    inside = [r for r in rows if r[2] != CENTRE[0] + 0.016]
    expected_now = Counter(r[1] for r in inside if r[0] in months[:12])
    expected_before = Counter(r[1] for r in inside if r[0] in months[12:])
    now = datetime.now(UTC).replace(microsecond=0)
    for detail in (True, False):
        page = sync(build(CENTRE[0], CENTRE[1], 1000, now, detail=detail))
        [year] = [p for p in page.periods if p.name == YEAR_PERIOD]
        assert {t: c for t, c, _ in year.counts if c} == dict(expected_now)
        assert {t: p for t, _, p in year.counts if p} == dict(expected_before)
        assert year.label == f"{months[11]} to {latest}"
    table = sync(counts_only(CENTRE[0], CENTRE[1], 1000, now))
    assert [p.counts for p in table.periods if p.name == YEAR_PERIOD] == [year.counts]


def test_no_twelve_month_comparison_when_a_month_of_the_two_years_is_missing():
    from app.briefing.place import YEAR_PERIOD, build, month_before

    months = [month_before("2026-10", n) for n in range(24) if n != 17]
    _crimes([(m, "Burglary", CENTRE[0], CENTRE[1], "On or near X") for m in months])
    page = sync(build(CENTRE[0], CENTRE[1], 500, datetime.now(UTC)))
    assert page.periods and not [p for p in page.periods if p.name == YEAR_PERIOD]
