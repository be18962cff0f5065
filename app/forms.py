"""Forms declared once: a small class per form whose `parse()` returns values and `FormErrors`.

    class StartVisit(Form):
        template = Integer("Choose a checklist", required=True)
        consent = Choice({"yes": "Yes", "no": "No"}, "Say whether the household agrees")
        address = Text(max_length=300, too_long="Enter an address of 300 characters or fewer")

        def check(self, values, errors):          # rules across fields, after each field's own
            if values["consent"] == "yes" and not values["address"]:
                errors.add("address", "Enter the address or a household reference")

    values, errors = StartVisit.parse(data)       # data: the posted form (or JSON) as a dict

Each field reads its own name from the form (or `name=` when the form's field name is not a
Python name), strips text, refuses NUL bytes and values past its limits with its message,
and gives None for an empty optional value. Handlers then re-render with `errors` (status
400, see `app.web.page`) or call the use case with `values`.
"""

from __future__ import annotations

import math
import re
import uuid as uuidlib
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any, ClassVar

# Digits as int() reads them: str.isdigit() also accepts superscripts and other scripts.
_INTEGER = re.compile(r"^-?[0-9]{1,18}$")
_NUMBER = re.compile(r"^-?[0-9]{1,12}(\.[0-9]{1,15})?$")
_WEEK = re.compile(r"^([0-9]{4})-W([0-9]{2})$")
# Record ids: PostgreSQL's integer (Piccolo's Serial) columns hold at most this.
MAX_ID = 2**31 - 1
# Control characters no one types (tab, line feed and carriage return are text); PostgreSQL
# refuses NUL in text outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = "Enter text without control characters"
# The years a date or a week may fall in (date() itself stops at 9999, PostgreSQL elsewhere).
YEARS = range(1900, 2200)


def whole_number(text: Any, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """A whole number written in ASCII digits within minimum..maximum, else None: for values
    that are not a form's field (a query's id, a checkbox list). int() alone reads '١٢', and
    fails on '²' and on thousands of digits."""
    text = str(text if text is not None else "").strip()
    if not _INTEGER.match(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def iso_week(text: str) -> date:
    """'2026-W47' (as <input type=week> sends it) -> the Monday it starts; ValueError for a
    week that does not exist ('2026-W54') or a year outside YEARS."""
    match = _WEEK.match(text.strip())
    if not match or int(match.group(1)) not in YEARS:
        raise ValueError(f"not a week: {text[:20]!r}")
    return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)


class FormErrors(dict[str, str]):
    """Field name -> message, in the order the fields appear (GOV.UK error summary)."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)


class Invalid(ValueError):
    """A value a field refuses; the message is shown beside the field."""


class Field:
    """One form field. Subclasses turn the text into a value in `convert`."""

    many = False  # a field of many values (checkboxes, a multi-select)
    control_message = ""  # for control characters, if not the field's own message

    def __init__(
        self,
        message: str = "",
        *,
        required: bool = False,
        default: Any = None,
        name: str | None = None,
        max_length: int = 1000,
        too_long: str = "",
    ) -> None:
        self.message = message or "Enter a valid value"
        self.required = required
        self.default = default
        self.name = name or ""
        self.max_length = max_length
        # Past max_length: text says so; any other kind of value is simply not valid.
        self.too_long = too_long

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = self.name or name

    def raw(self, data: Mapping[str, Any]) -> list[str]:
        """The submitted values for this field, as text (a query string's MultiDict too)."""
        if hasattr(data, "getall"):
            return [str(v) for v in data.getall(self.name, [])]
        value = data.get(self.name) if data else None
        if value is None:
            return []
        items = value if isinstance(value, list | tuple) else [value]
        return [str(v) for v in items if v is not None]

    def clean(self, data: Mapping[str, Any]) -> Any:
        """The field's value, or Invalid with the message to show."""
        texts = [t.strip() for t in self.raw(data)]
        for text in texts:
            if _CONTROL.search(text):
                raise Invalid(self.control_message or self.message)
            if len(text) > self.max_length:
                raise Invalid(self.too_long or self.message)
        if self.many:
            texts = [t for t in texts if t]
            if not texts and self.required:
                raise Invalid(self.message)
            return [self.convert(t) for t in dict.fromkeys(texts)]
        text = texts[-1] if texts else ""
        if not text:
            if self.required:
                raise Invalid(self.message)
            return self.default
        return self.convert(text)

    def convert(self, text: str) -> Any:
        return text


class Text(Field):
    """Free text, stripped; `max_length` with its own message (`too_long`); control
    characters (NUL and the like) refused with CONTROL_MESSAGE."""

    control_message = CONTROL_MESSAGE

    def __init__(self, message: str = "", *, default: Any = "", **kwargs: Any) -> None:
        super().__init__(message, default=default, **kwargs)
        self.too_long = self.too_long or f"Enter {self.max_length:,} characters or fewer"


class Integer(Field):
    """A whole number between `minimum` and `maximum` (both within a 64-bit column)."""

    def __init__(
        self, message: str = "", *, minimum: int = -(2**31), maximum: int = 2**31 - 1, **kwargs
    ):
        super().__init__(message or "Enter a whole number", **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def convert(self, text: str) -> int:
        if not _INTEGER.match(text):
            raise Invalid(self.message)
        value = int(text)
        if not self.minimum <= value <= self.maximum:
            raise Invalid(self.message)
        return value


class Number(Field):
    """A decimal number between `minimum` and `maximum`: never NaN or infinite."""

    def __init__(self, message: str = "", *, minimum: float, maximum: float, **kwargs):
        super().__init__(message or "Enter a number", **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def convert(self, text: str) -> float:
        if not _NUMBER.match(text):
            raise Invalid(self.message)
        value = float(text)
        if not math.isfinite(value) or not self.minimum <= value <= self.maximum:
            raise Invalid(self.message)
        return value


class Choice(Field):
    """One of a set of values: a mapping (value -> label), an iterable or a StrEnum.
    The value is the enum member when `choices` is an Enum."""

    def __init__(self, choices: Mapping | Iterable | type[Enum], message: str = "", **kwargs):
        super().__init__(message or "Choose one of the options", **kwargs)
        self.enum = choices if isinstance(choices, type) and issubclass(choices, Enum) else None
        if self.enum is not None:
            self.allowed = {str(m.value): m for m in self.enum}
        else:
            self.allowed = {str(c): c for c in choices}

    def convert(self, text: str) -> Any:
        if text not in self.allowed:
            raise Invalid(self.message)
        return self.allowed[text]


class Choices(Choice):
    """Any number of a set of values (checkboxes): a list, in the order given, without repeats."""

    many = True

    def __init__(self, choices, message: str = "", *, default: Any = None, **kwargs):
        super().__init__(choices, message, default=default, **kwargs)


class Checkbox(Field):
    """A box ticked (any of the usual 'on' values) or not: True or False."""

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        super().__init__(message, default=False, **kwargs)

    def convert(self, text: str) -> bool:
        return text.lower() in {"on", "yes", "true", "1", "y"}


class Date(Field):
    """A date as a phone's date input sends it (YYYY-MM-DD), within `minimum`..`maximum`."""

    def __init__(
        self,
        message: str = "",
        *,
        minimum: date = date(1900, 1, 1),
        maximum: date = date(2199, 12, 31),
        **kwargs,
    ):
        super().__init__(message or "Enter a real date", **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def convert(self, text: str) -> date:
        try:
            value = date.fromisoformat(text)
        except ValueError as exc:
            raise Invalid(self.message) from exc
        if not self.minimum <= value <= self.maximum:
            raise Invalid(self.message)
        return value


class LocalDateTime(Field):
    """'2026-11-21T09:30' as a phone's datetime-local gives it (UK time), or ISO with an
    offset; the value is in UTC."""

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        super().__init__(message or "Enter a real date and time", **kwargs)

    def convert(self, text: str) -> datetime:
        from app.clock import LOCAL_TIME

        try:
            value = datetime.fromisoformat(text)
        except ValueError as exc:
            raise Invalid(self.message) from exc
        if value.year not in YEARS:
            raise Invalid(self.message)
        if value.tzinfo is None:
            value = value.replace(tzinfo=LOCAL_TIME)
        return value.astimezone(UTC)


class Week(Field):
    """A week as <input type=week> sends it ('2026-W47'): the value is its Monday."""

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        super().__init__(message or "Enter a week, like 2026-W47", **kwargs)

    def convert(self, text: str) -> date:
        try:
            return iso_week(text)
        except ValueError as exc:
            raise Invalid(self.message) from exc


def week_value(monday: date) -> str:
    """The Monday of a week as the week's name: 2026-11-23 -> '2026-W48'."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_choices(today: date, count: int = 26, chosen: str = "") -> list[tuple[str, str]]:
    """The recent weeks to choose from (a select works in every browser; <input type=week>
    does not): this week and the `count - 1` before it, newest first, as ('2026-W48',
    'Week of 23 Nov 2026'). A week named in the address (?week=2026-W10) and not among them
    is offered too, so the filter still shows what it filters."""
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=n) for n in range(count)]
    try:
        named = iso_week(chosen) if chosen else None
    except ValueError:
        named = None
    if named is not None and named not in mondays:
        mondays = sorted([*mondays, named], reverse=True)
    return [
        (
            week_value(m),
            ("This week, from " if m == this_monday else "Week of ")
            + m.strftime("%d %b %Y").lstrip("0"),
        )
        for m in mondays
    ]


class Uuid(Field):
    """A UUID (as the phone makes one for each record), lower-cased text."""

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        super().__init__(
            message or "This form is missing its record number: reload the page and try again",
            **kwargs,
        )

    def convert(self, text: str) -> str:
        try:
            return str(uuidlib.UUID(text))
        except ValueError as exc:
            raise Invalid(self.message) from exc


class Form:
    """A form: its fields as class attributes, rules across fields in `check`."""

    fields: ClassVar[dict[str, Field]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[str, Field] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                if isinstance(value, Field):
                    found[attr] = value
        cls.fields = found

    def check(self, values: dict[str, Any], errors: FormErrors) -> None:
        """Rules that concern more than one field (run after every field's own checks)."""

    @classmethod
    def parse(cls, data: Mapping[str, Any] | None) -> tuple[dict[str, Any], FormErrors]:
        """The form's values by attribute name, and the errors by form field name."""
        data = data if isinstance(data, Mapping) else {}
        values: dict[str, Any] = {}
        errors = FormErrors()
        for attr, field in cls.fields.items():
            try:
                values[attr] = field.clean(data)
            except Invalid as exc:
                errors.add(field.name, str(exc))
                values[attr] = field.default
        cls().check(values, errors)
        return values, errors

    @classmethod
    def in_order(cls, errors: FormErrors) -> FormErrors:
        """The errors in the order the form's fields appear (the error summary follows the
        page), any that name no field of the form after them: for errors added after parse()."""
        names = [field.name for field in cls.fields.values()]
        rank = {name: i for i, name in enumerate(names)}
        return FormErrors(sorted(errors.items(), key=lambda e: rank.get(e[0], len(names))))

    @classmethod
    def echo(cls, data: Mapping[str, Any] | None) -> dict[str, str]:
        """What was typed, by form field name, to show again beside the errors."""
        data = data if isinstance(data, Mapping) else {}
        shown: dict[str, Any] = {}
        for field in cls.fields.values():
            raw = field.raw(data)
            shown[field.name] = raw if field.many else (raw[-1] if raw else "")
        return shown
