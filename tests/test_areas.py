"""The area figures equal counts made another way: rows written here, counted in Python."""

from __future__ import annotations

from collections import Counter

import pytest

from app.areas import abstraction, figures, service
from app.areas.forms import AbstractionForm
from app.geo import cell_of
from app.outcomes import NotAllowed, NotFound
from app.tables.areas import Abstraction
from app.tables.audit import AuditEntry
from app.tables.briefing import CrimeCellCount, CrimeMonth
from tests.areas_world import NOW, build
from tests.factories import actor_of, make_actor
from tests.helpers import sync


@pytest.fixture
def world():
    return build()


def check_area(area, want):
    counts = want["figures"]
    for key in ("c3", "c12", "i7", "i28", "i90", "i365"):
        compare = area.compare(key)
        assert compare.current == +want[key], key
        assert compare.previous == +want[f"{key}-before"], key
    assert len(area.open_taskings) == counts["open"]
    assert len(area.urgent) == counts["urgent"]
    assert len(area.overdue) == counts["overdue"]
    assert area.unanswered == counts["unanswered"]
    assert area.by_person == +want["by_person"]
    assert area.patrol.points == counts["points"]
    assert area.patrol.done == counts["patrol_done"]
    assert area.patrol.missed == counts["missed"]
    assert area.patrol.to_come == counts["to_come"]
    for how in ("early", "in_window", "late"):
        assert getattr(area.patrol, how) == counts[how], how
    engagement = Counter()
    for kind, weeks in area.engagement.items():
        for week, n in enumerate(weeks):
            if n:
                engagement[(kind, week)] = n
    assert engagement == +want["engagement"]
    assert area.engagement_recent == counts["engagement_recent"]
    assert area.engagement_followups_due == counts["engagement_due"]
    assert area.visits_recent == counts["visits_recent"]
    assert area.households_visited == counts["households"]
    assert sum(area.referrals.values()) == counts["referrals"]
    assert area.followups_overdue == counts["followups_overdue"]
    assert area.followups_soon == counts["followups_soon"]
    assert area.volunteer_minutes == counts["volunteer_minutes"]
    abstraction_found = Counter()
    for who, weeks in area.abstraction_people.items():
        for week, minutes in enumerate(weeks):
            if minutes:
                abstraction_found[(who, week)] = minutes
    assert abstraction_found == +want["abstraction"]
    assert area.abstraction_causes == +want["abstraction_causes"]


def test_one_area_page_equals_counts_made_another_way(world):
    for name, team in world["teams"].items():
        found = sync(figures.gather([team.id], NOW))
        assert list(found) == [team.id]
        check_area(found[team.id], world["expected"][name])


def test_the_rollup_of_every_area_gives_each_the_same_figures(world):
    found = sync(figures.gather(None, NOW))
    assert set(found) == {t.id for t in world["teams"].values()}
    for name, team in world["teams"].items():
        check_area(found[team.id], world["expected"][name])
    # The roll-up's own (lighter) read gives the same key figures as each area's page.
    light = sync(figures.gather(None, NOW, detail=False))
    for team_id, area in found.items():
        assert service.key_figures(light[team_id]) == service.key_figures(area)


def test_the_records_behind_each_figure_are_as_many_as_the_figure(world):
    team = world["teams"]["Abbey"]
    sup = actor_of(world["people"]["Abbey"]["sup"])
    area = sync(service.area_page(sup, team.id, NOW))

    def total(figure, **query):
        return sync(service.area_records(sup, team.id, figure, query, NOW))[1].total

    for key in ("c3", "c12", "i7", "i28", "i90", "i365"):
        compare = area.compare(key)
        family = "crimes" if key.startswith("c") else "incidents"
        assert total(family, key=key) == compare.total
        assert total(family, key=key, which="previous") == compare.previous_total
        for kind, n, _before in compare.rows:
            assert total(family, key=key, type=kind) == n
    assert total("taskings", which="open") == len(area.open_taskings)
    assert total("taskings", which="urgent") == len(area.urgent)
    assert total("taskings", which="overdue") == len(area.overdue)
    assert total("taskings", which="unanswered") == area.unanswered
    for who, n in area.by_person.items():
        assert total("taskings", which="person", person=who) == n
    for kind, weeks in area.engagement.items():
        for week, n in enumerate(weeks):
            assert total("engagement", kind=kind, week=str(week)) == n
    assert total("engagement") == area.engagement_recent
    assert total("engagement", which="followups") == area.engagement_followups_due
    assert total("visits", which="recent") == area.visits_recent
    assert total("visits") == area.households_visited
    assert total("referrals") == sum(area.referrals.values())
    assert total("followups") == area.followups_overdue
    assert total("followups", which="soon") == area.followups_soon
    minutes = sync(service.area_records(sup, team.id, "volunteers", {}, NOW))[1]
    assert sum(row[-1] for row in minutes.rows) == area.volunteer_minutes
    for who, weeks in area.abstraction_people.items():
        for week, n in enumerate(weeks):
            found = sync(
                service.area_records(
                    sup, team.id, "abstraction", {"person": who, "week": str(week)}, NOW
                )
            )[1]
            assert sum(row[-1] for row in found.rows) == n
    kinds = {e["record_type"] for e in sync(AuditEntry.select(AuditEntry.record_type))}
    assert {"area-page", "area-records"} <= kinds


def test_the_rollup_sums_sections_and_sorts(world):
    sup = actor_of(world["people"]["Abbey"]["sup"])
    found = sync(service.rollup(sup, sort="open", descending=True, now=NOW))
    opens = [found.figures[a.team_id]["open"] for a in found.areas]
    assert opens == sorted(opens, reverse=True)
    for _, _, summed in found.sections:
        assert summed["open"] in opens  # one area per section here
    total = sum(s["open"] for _, _, s in found.sections)
    assert total == sum(opens) == sum(d["open"] for _, d in found.divisions)
    csv_text = service.rollup_csv(found)
    assert csv_text.count("\n") == 1 + len(found.areas)


def test_area_pages_are_for_supervisors_and_areas_that_exist(world):
    pcso = actor_of(world["people"]["Abbey"]["pcso"])
    team = world["teams"]["Abbey"]
    with pytest.raises(NotAllowed):
        sync(service.area_page(pcso, team.id, NOW))
    sup = actor_of(world["people"]["Abbey"]["sup"])
    with pytest.raises(NotFound):
        sync(service.area_page(sup, 999999, NOW))
    with pytest.raises(NotFound):
        sync(service.area_records(sup, team.id, "secrets", {}, NOW))


def test_abstraction_is_recorded_by_police_staff_against_their_area():
    from tests.factories import make_team

    team = make_team()
    pcso = make_actor("pcso", home_team=team.id)
    values, errors = AbstractionForm.parse({"cause": "court", "length": "240"})
    assert not errors
    row_id = sync(abstraction.record(pcso, values))
    row = sync(Abstraction.objects().where(Abstraction.id == row_id).first())
    assert (row.person, row.team, row.cause, row.minutes) == (pcso.id, team.id, "court", 240)
    assert [r["id"] for r in sync(abstraction.mine(pcso))] == [row_id]
    volunteer = make_actor("volunteer", home_team=team.id)
    with pytest.raises(NotAllowed):
        sync(abstraction.record(volunteer, values))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"length": "60"}, "cause"),
        ({"cause": "court"}, "length"),
        ({"cause": "court", "length": "61"}, "length"),
        ({"cause": "nap", "length": "60"}, "cause"),
        ({"cause": "court", "other_minutes": "0"}, "other_minutes"),
        ({"cause": "court", "length": "60", "start": "1999-01-01T10:00"}, "start"),
        ({"cause": "court", "length": "60", "start": "yesterday"}, "start"),
    ],
)
def test_abstraction_form_says_what_is_wrong(data, field):
    _, errors = AbstractionForm.parse(data)
    assert field in errors


def test_street_crime_counts_are_read_again_after_an_import(world):
    team = world["teams"]["Abbey"]
    before = sync(figures.gather([team.id], NOW))[team.id].compare("c3").total
    # A month replaced by a new copy: its digest and counts change.
    latest = sync(CrimeMonth.objects().order_by(CrimeMonth.month, ascending=False).first())
    sync(
        CrimeCellCount(
            batch=latest.id,
            cell=cell_of(team.centre_lat, team.centre_lng),
            crime_type="Drugs",
            count=5,
        ).save()
    )
    assert (
        sync(figures.gather([team.id], NOW))[team.id].compare("c3").total == before
    )  # counts kept until the month changes
    sync(CrimeMonth.update({CrimeMonth.digest: "new copy"}).where(CrimeMonth.id == latest.id))
    assert sync(figures.gather([team.id], NOW))[team.id].compare("c3").total == before + 5
