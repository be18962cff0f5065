"""The briefing lists the viewer's own open taskings in the circle or the area, nobody else's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from geopy.distance import geodesic

from app.tables.taskings import Tasking, TaskingAssignment
from tests.factories import make_person, make_team
from tests.helpers import html

CENTRE = (52.9225, -1.4746)


def tasking_for(person_id, team_id, title, where=None, state="assigned", mode="assign"):
    start = datetime.now(UTC) + timedelta(hours=1)
    tasking = Tasking(
        kind="patrol",
        title=title,
        place_kind="point" if where else "area",
        lat=where[0] if where else None,
        lng=where[1] if where else None,
        team=team_id,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        mode=mode,
    )
    tasking.save().run_sync()
    TaskingAssignment(tasking=tasking.id, person=person_id, state=state).save().run_sync()
    return tasking


def near(metres):
    moved = geodesic(meters=metres).destination(CENTRE, 90)
    return moved.latitude, moved.longitude


def shown(response):
    section = html(response).select_one("[data-slot=taskings]")
    return [a.get_text() for a in section.select("li a")]


def test_own_open_taskings_in_the_circle_or_area_are_listed_nearest_first(as_role):
    team, elsewhere = make_team(), make_team(lat=53.2, lng=-1.4)  # 30 km north
    pcso = as_role("pcso", home_team=team.id)
    tasking_for(pcso.person.id, team.id, "Whole-area leaflets")
    tasking_for(pcso.person.id, team.id, "Shop check", near(300))
    tasking_for(pcso.person.id, team.id, "School gates", near(100))
    tasking_for(pcso.person.id, team.id, "Far away", near(2000))
    tasking_for(pcso.person.id, elsewhere.id, "Other area")
    tasking_for(pcso.person.id, team.id, "Finished", near(50), state="done")
    other = make_person("pcso", home_team=team.id)
    tasking_for(other.id, team.id, "Someone else's", near(60))
    response = pcso.get(f"/briefing?lat={CENTRE[0]}&lng={CENTRE[1]}&radius=500")
    # The point is in the team's area, so its area-wide tasking counts too, listed last.
    assert shown(response) == ["School gates", "Shop check", "Whole-area leaflets"]
    by_area = pcso.get(f"/briefing?area={elsewhere.id}&radius=500")
    assert shown(by_area) == ["Other area"]


def test_a_volunteer_sees_their_own_offer_and_nothing_else(as_role):
    team = make_team()
    volunteer = as_role("volunteer", home_team=team.id)
    tasking_for(
        volunteer.person.id, team.id, "Leaflet drop", near(200), state="offered", mode="offer"
    )
    tasking_for(make_person("pcso").id, team.id, "Welfare check", near(150))
    response = volunteer.get(f"/briefing?lat={CENTRE[0]}&lng={CENTRE[1]}")
    assert shown(response) == ["Leaflet drop"]
