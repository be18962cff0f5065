"""Declared forms: each field's own checks, hostile values refused with the field's message."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

import pytest

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
    Week,
    iso_week,
    whole_number,
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


def test_text_with_control_characters_is_refused_with_a_message_that_says_so():
    for text in ("a\x00b", "\x00", "bell\x07", "esc\x1b[31m", "del\x7f"):
        _, errors = Sample.parse({**GOOD, "name": text, "ten-word": text})
        assert errors == {
            "name": "Enter text without control characters",
            "ten-word": "Enter text without control characters",
        }, repr(text)
    # Tabs and line breaks are text (a note of several lines, a pasted CSV).
    values, errors = Sample.parse({**GOOD, "ten-word": "one\ttwo\r\nthree"})
    assert not errors and values["ten"] == "one\ttwo\r\nthree"
    # Any other field with a NUL gets its own message.
    _, errors = Sample.parse({**GOOD, "count": "1\x00", "day": "2026-12-01\x00"})
    assert errors == {"count": "Enter a count", "day": "Enter a day"}


def test_integers_past_a_32_bit_column_or_not_in_ascii_digits_are_refused():
    class Ids(Form):
        record = Integer("Choose a record")

    for text in ("2147483648", "-2147483649", "9" * 5000, "²", "١٢", "+1", "1_000", "0x10"):
        _, errors = Ids.parse({"record": text})
        assert errors == {"record": "Choose a record"}, text
    assert Ids.parse({"record": "2147483647"}) == ({"record": 2147483647}, {})


def test_dates_and_times_out_of_range_are_refused():
    for day in ("0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01", "1899-12-31"):
        _, errors = Sample.parse({**GOOD, "day": day, "when": day + "T23:59"})
        assert set(errors) == {"day", "when"}, day


def test_whole_number_reads_ascii_digits_within_a_range_only():
    assert whole_number("42") == 42 and whole_number(" 7 ") == 7 and whole_number(5) == 5
    assert whole_number("-3", minimum=-5) == -3
    for text in ("", None, "-1", "²", "١٢", "9" * 5000, "2147483648", "NaN", "1.0", "1e3"):
        assert whole_number(text) is None, text
    assert whole_number("11", maximum=10) is None


def test_iso_weeks_that_do_not_exist_are_refused():
    assert iso_week("2026-W47") == date(2026, 11, 16)
    assert iso_week("2026-W53") == date(2026, 12, 28)  # 2026 has 53 ISO weeks
    for text in ("2026-W54", "2027-W53", "2026-W00", "0000-W01", "9999-W53", "2026-47", "W47"):
        with pytest.raises(ValueError):
            iso_week(text)

    class Weekly(Form):
        week = Week()

    assert Weekly.parse({"week": "2026-W47"}) == ({"week": date(2026, 11, 16)}, {})
    assert Weekly.parse({"week": "2026-W54"})[1] == {"week": "Enter a week, like 2026-W47"}


def test_week_choices_are_recent_weeks_newest_first_and_keep_a_named_older_week():
    from app.forms import week_choices

    weeks = week_choices(date(2026, 12, 2), count=3)
    assert weeks == [
        ("2026-W49", "This week, from 30 Nov 2026"),
        ("2026-W48", "Week of 23 Nov 2026"),
        ("2026-W47", "Week of 16 Nov 2026"),
    ]
    older = week_choices(date(2026, 12, 2), count=3, chosen="2026-W10")
    assert [v for v, _ in older] == ["2026-W49", "2026-W48", "2026-W47", "2026-W10"]
    assert week_choices(date(2026, 12, 2), count=3, chosen="2026-W99") == weeks
    assert week_choices(date(2026, 12, 2), count=3, chosen="2026-W48") == weeks
