"""The sign-in form, and the password field the account forms share."""

from __future__ import annotations

from typing import Any

from app.forms import Form, Text


class Secret(Text):
    """A password: taken exactly as typed (never stripped); its rules are the use case's."""

    def clean(self, data) -> Any:
        texts = self.raw(data)
        return texts[-1] if texts else ""


class SignInForm(Form):
    username = Text("Enter your username", required=True, max_length=100_000)
    password = Secret()
    next = Text(max_length=100_000, default="/")

    def check(self, values, errors) -> None:
        values["username"] = values["username"].lower()[:60]
        if not values["password"]:
            errors.add("password", "Enter your password")


class ChangePasswordForm(Form):
    """Changing one's own password: the current one, and the new one twice."""

    current = Secret()
    new = Secret()
    again = Secret()

    def check(self, values, errors) -> None:
        if not values["current"]:
            errors.add("current", "Enter your current password")
        if not values["new"]:
            errors.add("new", "Enter a new password")
        elif values["again"] != values["new"]:
            errors.add("again", "Enter the same new password twice")
