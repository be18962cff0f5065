"""The agency directory's use cases, called without HTTP."""

from __future__ import annotations

import pytest

from app.agencies import service
from app.agencies.forms import AgencyForm
from app.tables.agencies import PartnerAgency
from tests.factories import make_actor, make_team
from tests.helpers import sync


def test_add_stores_the_agency_and_the_directory_lists_it_by_kind_then_name():
    actor = make_actor("supervisor")
    team = make_team("Abbey")
    for name, kind in (("Zed Housing", "housing"), ("Abbey Food Bank", "Food  bank")):
        values, errors = AgencyForm.parse({"name": name, "kind": kind, "area": str(team.id)})
        assert not errors
        agency_id, errors = sync(service.add(actor, values))
        assert agency_id is not None and not errors
    rows = sync(service.directory(actor))
    assert [(r["name"], r["kind"], r["area_name"]) for r in rows] == [
        ("Abbey Food Bank", "food bank", "Abbey"),
        ("Zed Housing", "housing", "Abbey"),
    ]


def test_add_refuses_an_area_that_does_not_exist_and_stores_nothing():
    values, errors = AgencyForm.parse({"name": "Fire", "kind": "fire", "area": "999999"})
    assert not errors
    agency_id, errors = sync(service.add(make_actor("admin"), values))
    assert agency_id is None
    assert errors == {"area": "Choose a team area from the list"}
    assert sync(PartnerAgency.count()) == 0


def test_change_changes_the_agency_or_says_what_is_wrong():
    actor = make_actor("admin")
    values, _ = AgencyForm.parse({"name": "Fire", "kind": "fire"})
    agency_id, _ = sync(service.add(actor, values))
    values, _ = AgencyForm.parse({"name": "Fire and Rescue", "kind": "fire", "active": "false"})
    assert sync(service.change(actor, agency_id, values)) == {}
    agency = sync(service.get(actor, agency_id))
    assert (agency["name"], agency["active"]) == ("Fire and Rescue", False)
    bad, _ = AgencyForm.parse({"name": "Fire", "kind": "fire", "area": "999999"})
    assert sync(service.change(actor, agency_id, bad)) == {
        "area": "Choose a team area from the list"
    }
    assert sync(service.get(actor, agency_id))["name"] == "Fire and Rescue"


def test_an_unknown_agency_is_not_found():
    actor = make_actor("supervisor")
    with pytest.raises(service.NotFound):
        sync(service.get(actor, 424242))
    values, _ = AgencyForm.parse({"name": "Fire", "kind": "fire"})
    with pytest.raises(service.NotFound):
        sync(service.change(actor, 424242, values))


# Unique by name, kinds by spelling (issue 16).


def add(actor, name, kind="food bank", **extra):
    values, errors = AgencyForm.parse({"name": name, "kind": kind, **extra})
    assert not errors, errors
    return sync(service.add(actor, values))


def test_a_second_agency_of_the_same_name_is_refused_beside_the_name_case_and_spaces_ignored():
    actor = make_actor("supervisor")
    first, errors = add(actor, "Derby City Foodbank", "Food bank")
    assert first is not None and not errors
    for same in ("Derby City Foodbank", "derby city  FOODBANK", "  Derby City Foodbank "):
        agency_id, errors = add(actor, same)
        assert agency_id is None
        assert errors == {
            "name": "Derby City Foodbank is already in the directory: change that one"
        }
    assert sync(PartnerAgency.count()) == 1
    other, errors = add(actor, "Derby City Foodbank West")
    assert other is not None and not errors


def test_changing_an_agency_keeps_its_own_name_but_not_anothers():
    actor = make_actor("admin")
    fire, _ = add(actor, "Fire", "fire")
    food, _ = add(actor, "Food", "food bank")
    values, _ = AgencyForm.parse({"name": "FIRE", "kind": "Fire"})
    assert sync(service.change(actor, fire, values)) == {}
    assert sync(service.get(actor, fire))["kind"] == "fire"
    assert sync(service.change(actor, food, values)) == {
        "name": "FIRE is already in the directory: change that one"
    }
    assert sync(service.get(actor, food))["name"] == "Food"


def test_kinds_are_one_spelling_and_offered_once():
    actor = make_actor("admin")
    # Straight into the table, as an older version or an import may have left them.
    sync(PartnerAgency.insert(PartnerAgency(name="A", kind="Food bank")))
    agency_id, errors = sync(
        service.add(
            actor,
            {"name": "B", "kind": "Food  Bank", "area": None, "how_to_refer": "", "active": True},
        )
    )
    assert not errors and sync(service.get(actor, agency_id))["kind"] == "food bank"
    offered = sync(service.kinds(["food bank", "fire"]))
    assert offered == ["fire", "food bank"]


def test_the_data_step_merges_agencies_of_the_same_name_and_moves_what_points_at_them():
    import importlib
    import uuid
    from datetime import date

    from app.mentoring import service as mentoring
    from app.mentoring.forms import ClientForm, ContactForm
    from app.tables.mentoring import MentorContact

    step = importlib.import_module("app.piccolo_migrations.app_2026_12_01t13_12_00_000000")
    older = sync(
        PartnerAgency.insert(
            PartnerAgency(
                name="Derby City Foodbank", kind="Food bank", how_to_refer="", active=False
            )
        )
    )[0]["id"]
    newer = sync(
        PartnerAgency.insert(
            PartnerAgency(name="derby city  foodbank", kind="food bank", how_to_refer="Voucher")
        )
    )[0]["id"]
    other = sync(PartnerAgency.insert(PartnerAgency(name="Fire", kind="Fire ")))[0]["id"]
    mentor = make_actor("mentor")
    values, _ = ClientForm.parse(
        {"reference": "PM-9", "start_date": "2026-01-10", "consent_recorded": "yes"}
    )
    client_id, _ = sync(mentoring.add_client(mentor, values))
    for agency in (newer, other):
        values, errors = ContactForm.parse(
            {
                "uuid": str(uuid.uuid4()),
                "kind": "referral",
                "agency": str(agency),
                "contact_date": date.today().isoformat(),
            }
        )
        assert not errors, errors
        sync(mentoring.add_contact(mentor, client_id, values))
    sync(step.merge_agencies())
    rows = {r["id"]: r for r in sync(PartnerAgency.select())}
    assert set(rows) == {older, other}
    assert (rows[older]["kind"], rows[older]["how_to_refer"], rows[older]["active"]) == (
        "food bank",
        "Voucher",
        True,
    )
    assert rows[other]["kind"] == "fire"
    pointed = sorted(r["agency"] for r in sync(MentorContact.select(MentorContact.agency)))
    assert pointed == sorted([older, other])
    sync(step.merge_agencies())  # again: nothing more to do
    assert sync(PartnerAgency.count()) == 2
