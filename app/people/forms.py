"""The account forms, declared once. What needs the database (a username taken, a team area
that exists) and the password rules are checked by the use cases, which the command line
and the demo call too."""

from __future__ import annotations

from app.auth.forms import Secret
from app.forms import Choice, Form, Integer, Text
from app.roles import Role


class TeamAreas(Integer):
    """Any number of team area ids (a multi-select)."""

    many = True


def _display_name() -> Text:
    return Text(
        "Enter the person's name",
        required=True,
        max_length=120,
        too_long="Enter a name of 120 characters or fewer",
    )


def _role() -> Choice:
    return Choice(Role, "Choose a role", required=True)


def _collar() -> Text:
    return Text(
        max_length=20, default=None, too_long="Enter a collar number of 20 characters or fewer"
    )


def _home_team() -> Integer:
    return Integer("Choose a team area from the list", minimum=1)


def _teams() -> TeamAreas:
    return TeamAreas("Choose team areas from the list", minimum=1, default=[])


class PersonForm(Form):
    """Changing someone's name, role, collar number and team areas."""

    display_name = _display_name()
    role = _role()
    collar_number = _collar()
    home_team = _home_team()
    teams = _teams()


class NewPersonForm(Form):
    """Adding a person: a username and a temporary password as well."""

    username = Text("Enter a username", required=True, max_length=100_000)
    display_name = _display_name()
    role = _role()
    collar_number = _collar()
    home_team = _home_team()
    teams = _teams()
    password = Secret()

    def check(self, values, errors) -> None:
        values["username"] = (values["username"] or "").lower()


class PasswordForm(Form):
    """A new temporary password (its rules are the use case's)."""

    password = Secret()


class ActiveForm(Form):
    """Deactivate ("false") or reactivate ("true") an account."""

    active = Choice(["true", "false"], "Choose whether the account is active", required=True)

    def check(self, values, errors) -> None:
        values["active"] = values["active"] == "true"
