"""The area pages over HTTP: the roll-up's and the area page's figures equal counts made another
way, each figure's link lists as many records, CSV, sorting, abstraction in three fields."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from app.tables.areas import Abstraction
from app.tables.engagement import Engagement
from app.tables.taskings import Tasking, TaskingAssignment
from tests.factories import make_person, make_team
from tests.helpers import field_error, html, sync


def world():
    """Two areas with open taskings and engagement written here, counted here."""
    now = datetime.now(UTC)
    abbey, rose = make_team("Abbey", 52.92, -1.47), make_team("Rose Hill", 52.78, -1.30)
    counts = {}
    for team, open_parts, urgent in ((abbey, 3, 1), (rose, 1, 0)):
        pcso = make_person("pcso", home_team=team.id, display_name=f"PCSO {team.name}")

        async def write(team=team, pcso=pcso, open_parts=open_parts, urgent=urgent):
            for n in range(open_parts):
                t = Tasking(
                    kind="patrol",
                    title=f"{team.name} {n}",
                    place_kind="area",
                    team=team.id,
                    starts_at=now,
                    ends_at=now + timedelta(hours=2 if n else -1),
                    priority="urgent" if n < urgent else "routine",
                    mode="assign",
                )
                await t.save()
                await TaskingAssignment(tasking=t.id, person=pcso.id, state="assigned").save()
            done = Tasking(
                kind="patrol",
                title="done",
                place_kind="area",
                team=team.id,
                starts_at=now,
                ends_at=now,
                mode="assign",
            )
            await done.save()
            await TaskingAssignment(tasking=done.id, person=pcso.id, state="done").save()
            for n in range(open_parts + 2):
                await Engagement(
                    client_uuid=f"{team.id}-{n}",
                    author=pcso.id,
                    team=team.id,
                    kind="street",
                    occurred_at=now - timedelta(days=n * 9),
                ).save()

        sync(write())
        counts[team.id] = {
            "open": open_parts,
            "urgent": urgent,
            "overdue": 1,  # the first of each ended an hour ago
            "engagement": sum(1 for n in range(open_parts + 2) if n * 9 <= 28),
        }
    return abbey, rose, counts


def rollup_cells(page) -> dict[int, dict[str, str]]:
    rows = {}
    for tr in html(page).select("table[data-rollup] tbody tr[data-team]"):
        rows[int(tr["data-team"])] = {
            td["data-key"]: td.get_text(strip=True) for td in tr.select("td[data-key]")
        }
    return rows


def test_the_rollup_and_each_area_page_show_the_counts(as_role):
    abbey, rose, counts = world()
    sup = as_role("supervisor", home_team=abbey.id)
    page = sup.get("/areas")
    assert page.status_code == 200
    cells = rollup_cells(page)
    for team_id, want in counts.items():
        for key, value in want.items():
            assert cells[team_id][key] == str(value), (team_id, key)
    area = html(sup.get(f"/areas/{abbey.id}"))
    assert area.select_one("a[data-figure=open]").get_text() == str(counts[abbey.id]["open"])
    # The figure's link lists as many records.
    link = area.select_one("a[data-figure=overdue]")["href"]
    records = html(sup.get(link))
    assert records.select_one("[data-total]").get_text() == str(counts[abbey.id]["overdue"])
    assert len(records.select("table[data-records] tbody tr")) == counts[abbey.id]["overdue"]
    assert "0 open problem-solving plans" in " ".join(
        area.select_one("#problems").get_text().split()
    )


def test_the_rollup_sorts_and_downloads(as_role):
    abbey, rose, counts = world()
    sup = as_role("supervisor")
    page = sup.get("/areas?sort=open&order=desc")
    order = [int(tr["data-team"]) for tr in html(page).select("tbody tr[data-team]")]
    assert order == sorted(counts, key=lambda t: -counts[t]["open"])
    page = sup.get("/areas?sort=open&order=asc")
    assert [int(tr["data-team"]) for tr in html(page).select("tbody tr[data-team]")] == order[::-1]
    assert sup.get("/areas?sort=nonsense").status_code == 200
    download = sup.get("/areas/rollup.csv")
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    by_area = {r["area"]: r for r in rows}
    assert by_area["Abbey"]["Open tasks"] == str(counts[abbey.id]["open"])
    assert by_area["Rose Hill"]["Urgent"] == str(counts[rose.id]["urgent"])
    area_csv = sup.get(f"/areas/{abbey.id}/figures.csv")
    figures = {
        (r["section"], r["figure"]): r["value"] for r in csv.DictReader(io.StringIO(area_csv.text))
    }
    assert figures[("taskings", "open")] == str(counts[abbey.id]["open"])
    records_csv = sup.get(f"/areas/{abbey.id}/records/taskings?which=open&csv=1")
    assert len(list(csv.DictReader(io.StringIO(records_csv.text)))) == counts[abbey.id]["open"]


def test_area_pages_refuse_other_roles_and_unknown_things(as_role):
    abbey, _, _ = world()
    for role in ("pcso", "officer", "volunteer", "mentor", "admin"):
        assert as_role(role).get(f"/areas/{abbey.id}").status_code == 403
    sup = as_role("supervisor")
    assert sup.get("/areas/999999").status_code == 404
    assert sup.get(f"/areas/{abbey.id}/records/passwords").status_code == 404
    for query in ("week=abc", "week=99", "key=zz", "type=%27%3B--", "which=" + "x" * 5000):
        assert sup.get(f"/areas/{abbey.id}/records/engagement?{query}").status_code == 200


def test_abstraction_is_recorded_and_counted_on_the_area_page(as_role):
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    form = pcso.get("/abstraction")
    assert form.status_code == 200
    saved = pcso.post("/abstraction", data={"cause": "court", "length": "240"})
    assert saved.status_code == 303 and saved.headers["location"] == "/abstraction?saved=1"
    row = sync(Abstraction.objects().first())
    assert (row.cause, row.minutes, row.team) == ("court", 240, team.id)
    bad = pcso.post("/abstraction", data={"length": "240", "start": "soon"})
    assert bad.status_code == 400
    assert field_error(bad, "cause") and field_error(bad, "start")
    sup = as_role("supervisor", home_team=team.id)
    page = html(sup.get(f"/areas/{team.id}"))
    section = page.select_one("#abstraction")
    assert "4.0" in section.select_one("tfoot").get_text()
    assert as_role("volunteer").get("/abstraction").status_code == 403


def test_staff_take_back_their_own_abstraction_only(as_role):
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    other = as_role("officer", home_team=team.id)
    pcso.post("/abstraction", data={"cause": "custody", "length": "60"})
    row = sync(Abstraction.objects().first())
    assert other.post(f"/abstraction/{row.id}/delete").status_code == 404
    assert sync(Abstraction.count()) == 1
    assert pcso.post(f"/abstraction/{row.id}/delete").status_code == 303
    assert sync(Abstraction.count()) == 0


def test_the_area_page_counts_its_open_problems_overdue_reviews_and_powers(as_role):
    """Problem solving on the area page: counts equal the rows written, area by area."""
    from datetime import date

    from app.problems import powers, service
    from app.tables.problems import PowerKind, Problem
    from tests.factories import actor_of

    mine, other = make_team("Mine"), make_team("Other", 52.95, -1.50)
    supervisor = as_role("supervisor", home_team=mine.id)
    boss = actor_of(supervisor.person)
    made = []
    for title, team in (("One", mine), ("Two", mine), ("Three", mine), ("Elsewhere", other)):
        problem_id, errors = sync(
            service.create(boss, {"title": title, "team": team.id, "summary": "In a sentence."})
        )
        assert not errors
        made.append(problem_id)
    overdue = date.today() - timedelta(days=3)
    sync(Problem.update({Problem.next_review: overdue}).where(Problem.id.is_in(made[:2])))
    sync(Problem.update({Problem.state: "closed"}).where(Problem.id == made[2]))
    for kind, team in (
        (PowerKind.DISPERSAL, mine),
        (PowerKind.DISPERSAL, mine),
        (PowerKind.CPW, other),
    ):
        _, errors = sync(
            powers.record_power(
                boss,
                {
                    "kind": kind,
                    "used_on": date.today(),
                    "place": "The parade",
                    "lat": None,
                    "lng": None,
                    "team": team.id,
                    "problem": None,
                    "note": "",
                },
            )
        )
        assert not errors
    page = html(supervisor.get(f"/areas/{mine.id}"))
    text = page.select_one("#problems").get_text(" ", strip=True)
    assert "2 open problem-solving plans" in text and "2 with a review overdue" in text
    assert "Dispersal direction: 2" in text
    assert "Community protection warning" not in text
    link = page.select_one("#problems a[href^='/problems?area=']")
    assert link["href"] == f"/problems?area={mine.id}"
    other_text = html(supervisor.get(f"/areas/{other.id}")).select_one("#problems").get_text(" ")
    assert "1 open problem-solving plans" in " ".join(other_text.split())
    rollup = rollup_cells(supervisor.get("/areas"))
    assert rollup[mine.id]["problems"] == "2" and rollup[mine.id]["reviews_overdue"] == "2"
    assert rollup[other.id]["problems"] == "1" and rollup[other.id]["reviews_overdue"] == "0"
