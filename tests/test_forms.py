"""Declared forms: each field's own checks, hostile values refused with the field's message."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from app.forms import (
    Checkbox,
    Choice,
    Choices,
    Date,
    Form,
    Integer,
    LocalDateTime,
    Number,
    Text,
    Uuid,
)


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Sample(Form):
    name = Text("Enter a name", required=True, max_length=10, too_long="Too long")
    count = Integer("Enter a count", minimum=0, maximum=99)
    lat = Number("Enter a latitude", minimum=-90, maximum=90)
    colour = Choice(Colour, "Choose a colour")
    tags = Choices(["a", "b"], "Choose tags")
    agree = Checkbox()
    day = Date("Enter a day")
    when = LocalDateTime()
    record = Uuid(required=True)
    ten = Text(name="ten-word")

    def check(self, values, errors):
        if values["count"] == 13:
            errors.add("count", "Not thirteen")


GOOD = {
    "name": " Ann ",
    "count": "7",
    "lat": "52.9",
    "colour": "blue",
    "tags": ["b", "a", "b"],
    "agree": "on",
    "day": "2026-12-01",
    "when": "2026-07-01T09:30",
    "record": "6F9619FF-8B86-D011-B42D-00C04FC964FF",
    "ten-word": "x",
}


def test_good_values_are_converted():
    values, errors = Sample.parse(GOOD)
    assert not errors
    assert values["name"] == "Ann"
    assert values["count"] == 7
    assert values["lat"] == 52.9
    assert values["colour"] is Colour.BLUE
    assert values["tags"] == ["b", "a"]
    assert values["agree"] is True
    assert values["day"] == date(2026, 12, 1)
    # 09:30 in London in July is 08:30 UTC.
    assert values["when"] == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    assert values["record"] == "6f9619ff-8b86-d011-b42d-00c04fc964ff"
    assert values["ten"] == "x"


def test_empty_optional_fields_take_their_defaults_and_required_ones_say_so():
    values, errors = Sample.parse({})
    assert errors == {
        "name": "Enter a name",
        "record": "This form is missing its record number: reload the page and try again",
    }
    assert values["count"] is None and values["agree"] is False and values["tags"] == []


def test_hostile_values_get_the_fields_message_not_an_exception():
    hostile = {
        "name": "a\x00b",
        "count": "²",  # str.isdigit() says yes, int() says no
        "lat": "nan",
        "colour": "green",
        "tags": ["a", "z"],
        "day": "2026-02-30",
        "when": "99999-01-01T00:00",
        "record": "not-a-uuid",
    }
    _, errors = Sample.parse(hostile)
    assert set(errors) == {"name", "count", "lat", "colour", "tags", "day", "when", "record"}
    for huge in ("9" * 5000, "-9223372036854775809", "1e999", "Infinity", "100"):
        _, errors = Sample.parse({**GOOD, "count": huge, "lat": huge})
        assert errors["count"] == "Enter a count"
        assert errors["lat"] == "Enter a latitude"


def test_too_long_text_and_cross_field_rules():
    _, errors = Sample.parse({**GOOD, "name": "x" * 11, "count": "13"})
    assert errors == {"name": "Too long", "count": "Not thirteen"}


def test_echo_gives_back_what_was_typed_by_form_field_name():
    shown = Sample.echo({"name": "x" * 11, "tags": ["a"], "ten-word": "y"})
    assert shown["name"] == "x" * 11 and shown["tags"] == ["a"] and shown["ten-word"] == "y"


def test_a_body_that_is_not_a_form_is_treated_as_empty():
    _, errors = Sample.parse(["not", "a", "mapping"])  # type: ignore[arg-type]
    assert "name" in errors


def test_a_query_strings_multidict_gives_every_value_of_a_field():
    from litestar.datastructures import MultiDict

    pairs = [(k, v) for k, vs in GOOD.items() for v in (vs if isinstance(vs, list) else [vs])]
    values, errors = Sample.parse(MultiDict([*pairs, ("count", "8")]))
    assert not errors
    # A repeated single field takes its last value, as a posted form's does.
    assert values["tags"] == ["b", "a"] and values["count"] == 8


def test_errors_added_after_parsing_are_put_in_the_forms_order():
    errors = Sample.in_order({"elsewhere": "Other", "day": "Bad day", "name": "No name"})
    assert list(errors.items()) == [
        ("name", "No name"),
        ("day", "Bad day"),
        ("elsewhere", "Other"),
    ]
