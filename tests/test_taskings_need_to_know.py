"""What an offer shows before acceptance: the street of an address (never its house), a coarse
point, and which parts see a tasking whole."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.roles import Role
from app.taskings.need_to_know import (
    GRID_LAT,
    GRID_LNG,
    as_offered,
    coarse_point,
    names_the_house,
    sees_whole,
    street_of,
)
from app.taskings.states import State


@pytest.mark.parametrize(
    ("address", "street"),
    [
        ("12 Abbey Road, Derby DE22 1DX", "Abbey Road"),
        ("12a Abbey Road", "Abbey Road"),
        ("12 A Abbey Road", "Abbey Road"),
        ("12-14 Friar Gate, Derby", "Friar Gate"),
        ("No. 9 Green Lane", "Green Lane"),
        ("Flat 3, 12a Abbey Road, Derby", "Abbey Road"),
        ("Flat 3 12a Abbey Road", "Abbey Road"),
        ("Apartment 5B, 20 Normanton Road", "Normanton Road"),
        ("Ground floor flat, 7 Vernon Street, Derby", "Vernon Street"),
        # Nominatim writes the number on its own.
        (
            "12, Abbey Road, Darley Abbey, Derby, Derbyshire, England, DE22 1DX, United Kingdom",
            "Abbey Road",
        ),
        ("12 The Strand, Derby", "The Strand"),
        # A house or building name is the house: left out, the street kept.
        ("Rose Cottage, Abbey Lane, Derby", "Abbey Lane"),
        ("Flat 2 Rose Court, Abbey Road", "Abbey Road"),
        ("Abbey Street, Derby DE22 3SJ", "Abbey Street"),
        ("  12   Abbey    Road ", "Abbey Road"),
        # No street that can be told safely: nothing (the offer names its area).
        ("The Old Vicarage", ""),
        ("Flat 2 Rose Court", ""),
        ("Abbey Road 12, Derby", ""),
        ("Rose Hill Community Centre, Derby", ""),
        ("HH-1234", ""),
        ("DE22 1DX", ""),
        ("", ""),
    ],
)
def test_the_street_of_an_address(address, street):
    assert street_of(address) == street


HOUSE = st.from_regex(r"(Flat [1-9][0-9]?, )?[1-9][0-9]{0,3}[a-c]?", fullmatch=True)
NAME = st.sampled_from(["Abbey", "Mill", "Vernon", "St Peter's", "Old Chester", "Green"])
KIND = st.sampled_from(["Road", "Street", "Lane", "Close", "Avenue", "Gardens", "Way"])
TOWN = st.sampled_from(["", ", Derby", ", Derby DE22 1DX", ", Mickleover, Derby DE3 0DB"])


@given(HOUSE, NAME, KIND, TOWN, st.booleans())
def test_any_numbered_address_gives_its_street_and_no_number(house, name, kind, town, comma):
    address = f"{house}{', ' if comma else ' '}{name} {kind}{town}"
    street = street_of(address)
    assert street == f"{name} {kind}"
    assert not any(ch.isdigit() for ch in street)
    # A title with the street alone does not name the house; with the house number it does.
    assert not names_the_house(f"Follow-up visit: {street}", address)
    number = house.split(", ")[-1]
    assert names_the_house(f"Visit {number} {name} {kind}", address)


@pytest.mark.parametrize(
    ("text", "address", "named"),
    [
        ("Visit 12 Abbey Road", "12 Abbey Road, Derby", True),
        ("visit 12, ABBEY ROAD please", "12 Abbey Road, Derby", True),
        ("Check flat 3", "Flat 3, 12a Abbey Road, Derby", True),
        ("At 12a Abbey Road", "Flat 3, 12a Abbey Road, Derby", True),
        ("Visit 12 abbey road", "12, Abbey Road, Derby", True),
        ("Follow-up visit: Abbey Road", "12 Abbey Road, Derby", False),
        ("Leaflets on Abbey Road for 12 homes", "12 Abbey Road, Derby", False),
        ("Visit 121 Abbey Road", "12 Abbey Road, Derby", False),
        ("Anything", "", False),
    ],
)
def test_names_the_house(text, address, named):
    assert names_the_house(text, address) is named


@given(st.floats(49.0, 61.0), st.floats(-8.0, 2.0))
def test_a_coarse_point_is_the_centre_of_its_grid_cell(lat, lng):
    c_lat, c_lng = coarse_point(lat, lng)
    assert abs(c_lat - lat) <= GRID_LAT / 2 + 1e-6
    assert abs(c_lng - lng) <= GRID_LNG / 2 + 1e-6
    # Every point in the cell gives the same coarse point: it says nothing finer than the cell.
    assert coarse_point(c_lat, c_lng) == (c_lat, c_lng)


def test_no_point_stays_no_point():
    assert coarse_point(None, None) == (None, None)


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("role", list(Role))
def test_who_sees_a_tasking_whole(role, state):
    has_work = state in {
        State.ASSIGNED,
        State.ACKNOWLEDGED,
        State.ACCEPTED,
        State.IN_PROGRESS,
        State.DONE,
        State.CANNOT_DO,
    }
    police = role in (Role.PCSO, Role.OFFICER, Role.SUPERVISOR)
    assert sees_whole(role, state) is (police or has_work)


def test_an_offer_keeps_only_what_may_be_shown():
    tasking = {
        "id": 7,
        "kind": "home_visit",
        "title": "Follow-up visit: Abbey Road",
        "details": "Go back to 12 Abbey Road to check:\n- low mood",
        "place_kind": "address",
        "address": "12 Abbey Road, Derby",
        "lat": 52.916347,
        "lng": -1.486012,
        "team": 3,
        "area": "Abbey",
        "created_by": 99,
        "alerted_at": None,
    }
    shown = as_offered(tasking)
    assert shown["street"] == "Abbey Road"
    assert (shown["address"], shown["details"]) == ("", "")
    assert (shown["lat"], shown["lng"]) == coarse_point(52.916347, -1.486012)
    assert "created_by" not in shown
    assert (shown["id"], shown["title"], shown["area"]) == (7, tasking["title"], "Abbey")
