"""The agency form, declared once."""

from __future__ import annotations

from app.forms import Choice, Form, Integer, Text

# Suggestions for the kind field; any kind may be typed (templates' referral rules name kinds).
KINDS = ["fire", "food bank", "housing", "health", "council", "charity", "debt advice"]


class AgencyForm(Form):
    """An agency: name, kind, the area it serves (none: the whole force) and how to refer."""

    name = Text(
        "Enter the agency's name",
        required=True,
        max_length=120,
        too_long="Enter a name of 120 characters or fewer",
    )
    kind = Text(
        "Enter the kind of agency, for example food bank",
        required=True,
        max_length=40,
        too_long="Enter a kind of 40 characters or fewer",
    )
    how_to_refer = Text(max_length=2000, too_long="Enter 2,000 characters or fewer")
    active = Choice({"true": True, "false": False}, default="true")
    area = Integer("Choose a team area from the list", minimum=1)

    def check(self, values, errors) -> None:
        # Kinds are matched by spelling: one case, single spaces.
        values["kind"] = " ".join((values["kind"] or "").lower().split())
        values["active"] = values["active"] in (True, "true")
