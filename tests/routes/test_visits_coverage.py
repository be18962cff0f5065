"""Coverage for supervisors, the follow-up list, referrals through their states, and agencies."""

from __future__ import annotations

from datetime import timedelta

from app.tables.agencies import PartnerAgency
from app.tables.places import TeamArea
from app.tables.visits import FollowUp, Referral
from app.visits.store import now
from tests.factories import make_team
from tests.helpers import field_error, html, sync
from tests.routes.test_visits import answer_all_required, start


def submitted_visit(session, team, address, **answers) -> str:
    visit_uuid = start(session, address=address, team=str(team.id), lat="52.92", lng="-1.48")
    answer_all_required(session, visit_uuid, **answers)
    decisions = {"referral_fire": "made", "referral_food-bank": "suggested"}
    assert session.post(f"/visits/{visit_uuid}/submit", decisions).status_code == 303
    return visit_uuid


def test_coverage_counts_visits_households_referrals_and_follow_ups(as_role):
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    supervisor = as_role("supervisor", home_team=team.id)
    submitted_visit(pcso, team, "1 Abbey Street", smoke_alarm="no")
    submitted_visit(pcso, team, "1 abbey street", food="no")  # the same household again
    submitted_visit(pcso, team, "2 Abbey Street")
    start(pcso, consent="no", team=str(team.id))
    today = now().date()
    sync(
        FollowUp.update({FollowUp.due_on: today - timedelta(days=1)}).where(
            FollowUp.question == "food"
        )
    )
    sync(
        FollowUp.update({FollowUp.due_on: today + timedelta(days=3)}).where(
            FollowUp.question == "smoke_alarm"
        )
    )
    response = supervisor.post(f"/visits/coverage/{team.id}/households", {"households": "abc"})
    assert response.status_code == 400
    assert field_error(response, "households").startswith("Enter the number of households")
    supervisor.post(f"/visits/coverage/{team.id}/households", {"households": "40"})
    assert (
        sync(TeamArea.select(TeamArea.households).where(TeamArea.id == team.id).first())[
            "households"
        ]
        == 40
    )

    row = html(supervisor.get("/visits/coverage")).select_one(f"tr[data-team='{team.id}']")
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells == ["Abbey", "3", "3", "2 of 40 (5.0%)", "2", "1", "1"]
    area = html(supervisor.get(f"/visits/coverage/{team.id}"))
    table = [[td.get_text(strip=True) for td in tr.select("td")] for tr in area.select("tbody tr")]
    assert table == [["fire", "made", "1"], ["food bank", "suggested", "1"]]
    assert len(area.select("svg.coverage-map circle")) == 3


def test_follow_ups_are_listed_overdue_first_and_marked_done(as_role):
    team = make_team()
    pcso = as_role("pcso", home_team=team.id)
    submitted_visit(pcso, team, "3 Abbey Street", smoke_alarm="no", food="no")
    sync(
        FollowUp.update({FollowUp.due_on: now().date() - timedelta(days=2)}).where(
            FollowUp.question == "food"
        )
    )
    page = html(pcso.get("/visits/follow-ups"))
    items = page.select(".followup-list > li")
    assert [("overdue" in (li.get("class") or []), li.strong.get_text()) for li in items] == [
        (True, "Check the food bank parcel arrived"),
        (False, "Check a smoke alarm has been fitted"),
    ]
    food = sync(FollowUp.select(FollowUp.id).where(FollowUp.question == "food").first())["id"]
    assert pcso.post(f"/visits/follow-ups/{food}/done").status_code == 303
    assert len(html(pcso.get("/visits/follow-ups")).select(".followup-list > li")) == 1
    volunteer = as_role("volunteer", home_team=team.id)
    assert html(volunteer.get("/visits/follow-ups")).select(".followup-list > li") == []
    assert volunteer.post(f"/visits/follow-ups/{food}/done").status_code == 404


def test_a_referral_moves_through_its_states_with_dates(as_role):
    team = make_team()
    pcso = as_role("pcso", home_team=team.id)
    submitted_visit(pcso, team, "4 Abbey Street", food="no")
    referral = sync(Referral.select().first())
    assert (referral["state"], referral["made_at"]) == ("suggested", None)
    for state, column in (
        ("made", "made_at"),
        ("accepted", "accepted_at"),
        ("closed", "closed_at"),
    ):
        consent = {"consent": "given"} if state == "made" else {}
        pcso.post(f"/visits/referrals/{referral['id']}", {"state": state, **consent})
        row = sync(Referral.select().where(Referral.id == referral["id"]).first())
        assert row["state"] == state and row[column] is not None
    officer = as_role("officer", home_team=team.id)
    officer.post(f"/visits/referrals/{referral['id']}", {"state": "own"})
    assert sync(Referral.select(Referral.owner).first())["owner"] == officer.person.id


def test_partner_agencies_are_kept_by_supervisors_and_chosen_for_referrals(as_role):
    team = make_team()
    supervisor = as_role("supervisor", home_team=team.id)
    response = supervisor.post("/agencies", {"name": "", "kind": ""})
    assert response.status_code == 400
    assert field_error(response, "name") == "Enter the agency's name"
    assert field_error(response, "kind") == "Enter the kind of agency, for example food bank"
    assert sync(PartnerAgency.count()) == 0
    supervisor.post(
        "/agencies", {"name": "Force-wide Foodbank", "kind": "Food  Bank", "active": "true"}
    )
    supervisor.post(
        "/agencies",
        {"name": "Abbey Pantry", "kind": "food bank", "area": str(team.id), "active": "true"},
    )
    assert [a["kind"] for a in sync(PartnerAgency.select())] == ["food bank", "food bank"]
    pcso = as_role("pcso", home_team=team.id)
    submitted_visit(pcso, team, "5 Abbey Street", food="no")
    referral = sync(Referral.select(Referral.agency.name.as_alias("agency")).first())
    assert referral["agency"] == "Abbey Pantry"  # the area's own before the force-wide one


def test_a_visitor_may_make_a_referral_no_answer_suggested(as_role):
    team = make_team()
    elsewhere = make_team()
    sync(PartnerAgency.insert(
        PartnerAgency(name="Abbey Housing Advice", kind="housing", area=team.id),
        PartnerAgency(name="Far Away Housing", kind="housing", area=elsewhere.id),
    ))  # fmt: skip
    local, far = (
        a["id"] for a in sync(PartnerAgency.select(PartnerAgency.id).order_by(PartnerAgency.id))
    )
    pcso = as_role("pcso", home_team=team.id)
    visit_uuid = start(pcso, team=str(team.id))
    answer_all_required(pcso, visit_uuid)
    offered = html(pcso.get(f"/visits/{visit_uuid}/check")).select("#other_agency option")
    assert [o.get_text() for o in offered] == [
        "No other referral",
        "Abbey Housing Advice (housing)",
    ]
    response = pcso.post(f"/visits/{visit_uuid}/submit", {"other_agency": str(far)})
    assert response.status_code == 400
    assert field_error(response, "other_agency") == "Choose an agency from the list"
    assert field_error(response, "other_reason") == "Say why you are referring the household"
    response = pcso.post(
        f"/visits/{visit_uuid}/submit", {"other_agency": str(local), "other_reason": "Damp flat"}
    )
    assert response.status_code == 303
    rows = sync(
        Referral.select(Referral.agency, Referral.agency_kind, Referral.state, Referral.reason)
    )
    assert rows == [
        {"agency": local, "agency_kind": "housing", "state": "made", "reason": "Damp flat"}
    ]
