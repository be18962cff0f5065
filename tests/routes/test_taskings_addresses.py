"""Issue 15: a tasking at a point shows the address there (reverse look-up), not coordinates;
"Open in maps" is an https link; an offer of a point shows only its street until accepted."""

from __future__ import annotations

from app.tables.taskings import Tasking
from app.taskings.geocoding import maps_url
from tests.factories import make_team
from tests.helpers import html, sync
from tests.routes.test_taskings import create
from tests.taskings_helpers import make_profile, tasking_form

# About 20 m from the local table's Abbey Street point.
LAT, LNG = "52.916412", "-1.485833"


def test_a_point_tasking_shows_its_address_and_an_https_maps_link(as_role):
    team = make_team("Abbey")
    supervisor = as_role("supervisor", home_team=team.id)
    pcso = as_role("pcso", home_team=team.id)
    form = tasking_form(
        team.id, place_kind="point", lat=LAT, lng=LNG, mode="assign", staff=str(pcso.person.id)
    )
    tasking_id = create(supervisor, form)
    stored = sync(Tasking.select(Tasking.address).where(Tasking.id == tasking_id).first())
    assert stored["address"] == "Abbey Street, Derby DE22 3SJ"
    for session, url in (
        (pcso, f"/tasks/{tasking_id}"),
        (supervisor, f"/tasks/manage/{tasking_id}"),
    ):
        page = html(session.get(url))
        text = page.get_text(" ", strip=True)
        assert "At or near Abbey Street, Derby DE22 3SJ" in text
        assert LAT[:7] not in text  # no coordinates shown
        link = page.select_one("a[data-open-in-maps]")
        assert link["href"] == maps_url(float(LAT), float(LNG))
        assert link["href"].startswith("https://")


def test_an_offer_of_a_point_names_only_its_street_and_has_no_link(as_role):
    team = make_team("Abbey")
    supervisor = as_role("supervisor", home_team=team.id)
    volunteer = as_role("volunteer", home_team=team.id)
    make_profile(volunteer.person)
    tasking_id = create(supervisor, tasking_form(team.id, place_kind="point", lat=LAT, lng=LNG))
    page = volunteer.get(f"/tasks/{tasking_id}")
    doc = html(page)
    assert doc.select_one("[data-where]").get_text(" ", strip=True) == (
        "On or near Abbey Street, in Abbey"
    )
    assert "DE22 3SJ" not in page.text and LAT[:7] not in page.text
    assert doc.select_one("a[data-open-in-maps]") is None


def test_a_point_with_no_address_nearby_says_so_without_coordinates(as_role):
    team = make_team("Moor")
    supervisor = as_role("supervisor", home_team=team.id)
    pcso = as_role("pcso", home_team=team.id)
    form = tasking_form(
        team.id,
        place_kind="point",
        lat="53.3",
        lng="-1.8",
        mode="assign",
        staff=str(pcso.person.id),
    )
    tasking_id = create(supervisor, form)
    doc = html(pcso.get(f"/tasks/{tasking_id}"))
    assert doc.select_one("[data-where]").get_text(" ", strip=True).startswith("A point on the map")
    assert doc.select_one("a[data-open-in-maps]")["href"] == maps_url(53.3, -1.8)
