"""The partner agency directory over HTTP: everyone reads it, managers keep it."""

from __future__ import annotations

from app.tables.agencies import PartnerAgency
from tests.factories import make_team
from tests.helpers import field_error, html, summary_links, sync


def test_a_manager_adds_an_agency_and_everyone_sees_it(as_role):
    team = make_team("Abbey")
    supervisor = as_role("supervisor")
    response = supervisor.post(
        "/agencies",
        {
            "name": "Derby Food Bank",
            "kind": "  Food   Bank ",
            "area": str(team.id),
            "active": "true",
        },
    )
    assert response.status_code == 303
    [agency] = sync(PartnerAgency.select())
    assert (agency["name"], agency["kind"], agency["area"], agency["active"]) == (
        "Derby Food Bank",
        "food bank",
        team.id,
        True,
    )
    listing = html(as_role("volunteer").get("/agencies"))
    assert "Derby Food Bank" in listing.get_text()
    assert listing.find("a", string="Add an agency") is None  # volunteers may not add


def test_a_bad_form_is_shown_again_with_each_error_beside_its_field(as_role):
    supervisor = as_role("supervisor")
    response = supervisor.post(
        "/agencies", {"name": "", "kind": "x" * 41, "area": "999999", "how_to_refer": "Ring"}
    )
    assert response.status_code == 400
    assert field_error(response, "name") == "Enter the agency's name"
    assert field_error(response, "kind") == "Enter a kind of 40 characters or fewer"
    assert list(summary_links(response)) == ["name", "kind"]
    doc = html(response)
    assert doc.find(id="kind")["value"] == "x" * 41  # what was typed, shown again
    assert doc.find(id="how_to_refer").get_text() == "Ring"
    assert sync(PartnerAgency.count()) == 0


def test_an_area_that_does_not_exist_is_an_error_beside_the_area(as_role):
    response = as_role("admin").post(
        "/agencies", {"name": "Housing Options", "kind": "housing", "area": "999999"}
    )
    assert response.status_code == 400
    assert field_error(response, "area") == "Choose a team area from the list"
    assert sync(PartnerAgency.count()) == 0


def test_the_kind_field_offers_the_kinds_as_a_real_datalist(as_role):
    doc = html(as_role("supervisor").get("/agencies/new"))
    kind = doc.find("input", id="kind")
    assert kind["list"] == "agency-kinds"
    assert kind["autocapitalize"] == "none"
    options = [o["value"] for o in doc.find("datalist", id="agency-kinds").find_all("option")]
    assert "food bank" in options


def test_a_manager_changes_an_agency_and_an_unknown_one_is_not_found(as_role):
    admin = as_role("admin")
    admin.post("/agencies", {"name": "Fire Service", "kind": "fire"})
    [agency] = sync(PartnerAgency.select())
    assert admin.get(f"/agencies/{agency['id']}").status_code == 200
    changed = admin.post(
        f"/agencies/{agency['id']}", {"name": "Fire and Rescue", "kind": "fire", "active": "false"}
    )
    assert changed.status_code == 303
    row = sync(PartnerAgency.select().where(PartnerAgency.id == agency["id"]).first())
    assert (row["name"], row["active"]) == ("Fire and Rescue", False)
    assert admin.get("/agencies/424242").status_code == 404
    assert admin.post("/agencies/424242", {"name": "X", "kind": "fire"}).status_code == 404


def test_field_roles_cannot_change_the_directory(as_role):
    for role in ("pcso", "officer", "volunteer", "mentor"):
        session = as_role(role)
        assert session.get("/agencies").status_code == 200
        assert session.get("/agencies/new").status_code == 403
        assert session.post("/agencies", {"name": "X", "kind": "fire"}).status_code == 403


def test_a_second_agency_of_the_same_name_is_refused_with_a_message_beside_the_name(as_role):
    supervisor = as_role("supervisor")
    form = {"name": "Derby City Foodbank", "kind": "Food bank", "active": "true"}
    assert supervisor.post("/agencies", form).status_code == 303
    again = supervisor.post(
        "/agencies", {**form, "name": "derby city FOODBANK ", "kind": "food bank"}
    )
    assert again.status_code == 400
    assert field_error(again, "name") == (
        "Derby City Foodbank is already in the directory: change that one"
    )
    assert sync(PartnerAgency.count()) == 1
    # The kind in use is offered once, in one spelling.
    kinds = [
        o["value"] for o in html(supervisor.get("/agencies/new")).select("#agency-kinds option")
    ]
    assert kinds.count("food bank") == 1 and "Food bank" not in kinds
