"""The briefing's problem-solving panel (issue 13): the problems with a place in its circle, or
of its area, as each role may see them; powers used for police roles."""

from __future__ import annotations

from datetime import date

from app.problems import powers
from app.tables.problems import PowerKind
from tests.factories import actor_of, make_team
from tests.helpers import html, sync
from tests.test_problems import CENTRE, add_place, new_problem


def panel_text(client, query: str) -> str:
    response = client.get(f"/briefing?{query}")
    assert response.status_code == 200
    return html(response).select_one("[data-slot=problem-solving]").get_text(" ", strip=True)


def test_the_panel_shows_each_role_the_problems_it_may_see_near_and_in_the_area(as_role):
    mine = make_team("Mine", *CENTRE)
    far = make_team("Far", 52.95, -1.50)
    pcso = as_role("pcso", home_team=mine.id)
    volunteer = as_role("volunteer", home_team=mine.id)
    officer = actor_of(pcso.person)
    placed = new_problem(officer, mine, "Shop theft at the parade")
    add_place(officer, placed, "The parade", *CENTRE)
    victim = new_problem(officer, mine, "Repeat caller at Mill Lane", kind="victim", victim="x")
    add_place(officer, victim, "Their street", *CENTRE)
    unplaced = new_problem(officer, mine, "Litter on the green")  # of the area, no place yet
    far_away = new_problem(officer, far, "Far away problem")
    add_place(officer, far_away, "Elsewhere", 52.95, -1.50)
    _, errors = sync(
        powers.record_power(
            officer,
            {
                "kind": PowerKind.DISPERSAL,
                "used_on": date.today(),
                "place": "The parade",
                "lat": CENTRE[0],
                "lng": CENTRE[1],
                "team": mine.id,
                "problem": placed,
                "note": "",
            },
        )
    )
    assert not errors
    point = f"lat={CENTRE[0]}&lng={CENTRE[1]}&radius=500"
    police_point = panel_text(pcso, point)
    assert "Shop theft at the parade" in police_point
    assert "Repeat caller at Mill Lane" in police_point
    assert "Litter on the green" not in police_point  # no place in the circle
    assert "Far away problem" not in police_point
    assert "Powers used in the last 28 days" in police_point
    police_area = panel_text(pcso, f"area={mine.id}")
    assert "Litter on the green" in police_area  # the area's own problems, placed or not
    # A volunteer: place and theme problems of their area only, and no powers.
    volunteer_area = panel_text(volunteer, f"area={mine.id}")
    assert "Shop theft at the parade" in volunteer_area
    assert "Litter on the green" in volunteer_area
    assert "Repeat caller" not in volunteer_area
    assert "Powers used" not in volunteer_area
    assert "Far away problem" not in panel_text(volunteer, f"area={far.id}")
    assert unplaced and victim


def test_a_tasking_made_from_an_action_says_which_problem_it_is_part_of(as_role):
    from app.tables.problems import ProblemAction
    from tests.test_problems import action

    team = make_team("Abbey", *CENTRE)
    pcso = as_role("pcso", home_team=team.id)
    supervisor = as_role("supervisor", home_team=team.id)
    boss = actor_of(supervisor.person)
    problem_id = new_problem(boss, team, "Shop theft at the parade")
    action_id, errors = action(problem_id, boss, owner_person=pcso.person.id, make="tasking")
    assert not errors
    [stored] = sync(ProblemAction.select().where(ProblemAction.id == action_id))
    page = html(pcso.get(f"/tasks/{stored['tasking_id']}"))
    part_of = page.select_one("[data-part-of]")
    assert part_of is not None and "Shop theft at the parade" in part_of.get_text()
    assert part_of.select_one("a")["href"] == f"/problems/{problem_id}"
    other_id, _ = action(problem_id, boss, owner_person=pcso.person.id, make="")
    assert other_id  # an action that made no tasking links nothing
