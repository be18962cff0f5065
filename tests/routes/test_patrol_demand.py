"""The demand page for supervisors, and points added from the suggestions or by address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from app.patrol.times import LOCAL
from app.tables.patrol import PatrolPoint
from app.taskings.geocoding import LOCAL_ADDRESSES
from tests.factories import make_team
from tests.helpers import field_error, html, summary_links, sync
from tests.routes.test_patrol import new_plan, published_plan
from tests.test_patrol_demand import CENTRE, A, B, add_crimes, add_incident

NOW = datetime.now(UTC).replace(microsecond=0)


def busy_area(tmp_path):
    """A team whose centre has a busy incident place (A) and a police.uk-only place (B)."""
    team = make_team("Abbey", *CENTRE)
    for n in range(3):
        # Two an hour ago (today, yesterday) and one three hours before: bars of 2 and 1.
        add_incident(
            n, A, NOW - timedelta(days=n, hours=3 if n == 2 else 1), "On or near Alpha Street"
        )
    add_crimes(tmp_path, [("2024-03", B, "On or near Beta Parade", "Shoplifting")])
    return team


def test_supervisors_see_places_ranked_with_hour_profiles_and_a_map(as_role, tmp_path):
    team = busy_area(tmp_path)
    page = html(as_role("supervisor").get(f"/plan/demand?area={team.id}"))
    places = page.select("li.demand-place")
    assert [p.find("h3").get_text() for p in places] == [
        "On or near Alpha Street",
        "On or near Beta Parade",
    ]
    alpha, beta = places
    hours = alpha.select_one("svg[data-hours]")
    assert sum(map(int, hours["data-hours"].split(","))) == 3
    counts = [int(n) for n in hours["data-hours"].split(",")]
    bars = hours.select("rect[data-n]")
    assert [int(b["data-n"]) for b in bars] == counts and len(bars) == 24
    assert [float(b["height"]) for b in bars] == [40 * c / max(counts) for c in counts]
    assert "busiest" in hours["aria-label"]
    assert beta.select_one("svg") is None
    assert "police.uk gives the month and the place only" in (
        beta.select_one("[data-place-only]").get_text().lower()
    )
    assert alpha.select_one("[data-place-only]") is None
    map_svg = page.select_one("svg.coverage-map")
    assert len(map_svg.select("circle.map-point")) == 2
    method = page.find(id="demand-method").get_text(" ", strip=True)
    assert "has no boundary" in method and "approximate" in method


def test_the_demand_page_is_for_supervisors_only(as_role, tmp_path):
    team = busy_area(tmp_path)
    for role in ("pcso", "officer", "volunteer", "mentor", "admin"):
        assert as_role(role).get(f"/plan/demand?area={team.id}").status_code == 403
    sup = as_role("supervisor", home_team=team.id)
    assert html(sup.get("/plan/demand")).select("li.demand-place")  # their own area by default
    assert sup.get("/plan/demand?area=999999").status_code == 404


def test_plans_pages_link_to_the_demand(as_role):
    team = make_team()
    sup = as_role("supervisor")
    assert html(sup.get("/plan/plans")).find("a", href="/plan/demand")
    plan_id = new_plan(sup, team)
    assert html(sup.get(f"/plan/plans/{plan_id}")).find("a", href=f"/plan/demand?area={team.id}")
    published = published_plan(sup, team)
    assert html(sup.get(f"/plan/plans/{published}")).find("a", href=f"/plan/demand?area={team.id}")


def test_a_suggestion_fills_the_point_form_and_is_added_as_a_suggestion(as_role, tmp_path):
    team = busy_area(tmp_path)
    sup = as_role("supervisor")
    plan_id = new_plan(sup, team, start="00:00", end="23:59")
    offered = html(sup.get(f"/plan/plans/{plan_id}")).select("#suggestions li")
    assert [li.find("strong").get_text() for li in offered] == [
        "On or near Alpha Street",
        "On or near Beta Parade",
    ]
    busiest = (NOW - timedelta(hours=1)).astimezone(LOCAL)
    today = datetime.now(LOCAL)
    # The window said plainly: the day, and "from to", not codes.
    assert offered[0].select_one(".hint").get_text() == (
        f"{today:%A} {busiest.hour:02d}:00 to {busiest.hour:02d}:30 · its busiest hour"
    )
    assert offered[1].select_one(".hint").get_text() == (
        f"{today:%A} 00:00 to 00:30 · the start of the shift: no hours are known for this "
        "place (police.uk gives only the month)"
    )
    link = urlsplit(offered[0].find("a")["href"])
    form = html(sup.get(f"{link.path}?{link.query}")).select_one("#add-point form")
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    assert fields["source"] == "suggestion" and fields["label"] == "On or near Alpha Street"
    busiest = (NOW - timedelta(hours=1)).astimezone(LOCAL)
    assert fields["window_start"] == f"{busiest.hour:02d}:00"
    fields["instruction"] = "Be seen at the shops"
    assert sup.post(form["action"], fields).status_code == 303
    [point] = sync(PatrolPoint.objects())
    assert (point.source, point.label, point.instruction) == (
        "suggestion",
        "On or near Alpha Street",
        "Be seen at the shops",
    )
    assert abs(point.lat - A[0]) < 1e-5 and abs(point.lng - A[1]) < 1e-5


def test_a_point_by_address_is_looked_up_and_stored_as_an_address(as_role):
    sup = as_role("supervisor")
    plan_id = new_plan(sup, make_team())
    answer = sup.post(
        f"/plan/plans/{plan_id}/points",
        {"address": "abbey street,  Derby", "window_start": "10:00", "window_end": "10:30"},
    )
    assert answer.status_code == 303
    [point] = sync(PatrolPoint.objects())
    address, lat, lng = LOCAL_ADDRESSES["abbey street, derby"]
    assert (point.source, point.label, point.lat, point.lng) == ("address", address, lat, lng)
    # A point typed in from a map is a map point, whatever the form claims.
    typed = {"label": "Park", "lat": "52.91", "lng": "-1.48", "source": "address"}
    sup.post(
        f"/plan/plans/{plan_id}/points", {**typed, "window_start": "11:00", "window_end": "11:30"}
    )
    assert sync(PatrolPoint.objects().where(PatrolPoint.label == "Park").first()).source == "map"


def test_an_unknown_address_is_an_error_beside_the_field_and_stores_nothing(as_role):
    sup = as_role("supervisor")
    plan_id = new_plan(sup, make_team())
    url = f"/plan/plans/{plan_id}/points"
    window = {"window_start": "10:00", "window_end": "10:30"}
    unknown = sup.post(url, {"label": "Shops", "address": "1 Nowhere Lane", **window})
    assert unknown.status_code == 400
    assert field_error(unknown, "address").startswith("That address was not found")
    assert list(summary_links(unknown)) == ["address"]  # no latitude error: it was not asked
    both = sup.post(
        url, {"label": "Shops", "address": "Friar Gate, Derby", "lat": "52.9", **window}
    )
    assert field_error(both, "address") == "Enter an address or a latitude and longitude, not both"
    assert sync(PatrolPoint.count()) == 0
