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
