"""The briefing's forms, declared once: the place asked for (a GET query), and the team area's
priorities and key contacts (supervisors)."""

from __future__ import annotations

from app.forms import Choice, Date, Form, Integer, Number, Text

RADII = (250, 500, 1000)
DEFAULT_RADIUS = 500


class PlaceForm(Form):
    """?area=&radius= (a team area), ?lat=&lng=&radius= (a point; &acc= the phone's accuracy in
    metres), or only ?radius= or nothing (the home team area). A team area wins over a point."""

    radius = Choice(
        [str(r) for r in RADII], "Choose a radius of 250 m, 500 m or 1 km", default="500"
    )
    area = Integer("Choose a team area from the list", minimum=1)
    lat = Number("Enter a latitude between -90 and 90, like 52.9225", minimum=-90, maximum=90)
    lng = Number("Enter a longitude between -180 and 180, like -1.4746", minimum=-180, maximum=180)
    acc = Number(minimum=0, maximum=100_000)
    fallback = Text(max_length=40)  # why the phone's position was not used (where.FALLBACKS)

    def check(self, values, errors) -> None:
        values["radius"] = int(values["radius"]) if "radius" not in errors else None
        # A position without a usable accuracy is a point someone chose: never an error.
        errors.pop("acc", None)
        errors.pop("fallback", None)
        if values["area"] is not None or "area" in errors:
            errors.pop("lat", None)  # the team area is what was asked for
            errors.pop("lng", None)
            return
        if values["lat"] is not None or values["lng"] is not None or {"lat", "lng"} & set(errors):
            for name in ("lat", "lng"):  # a point needs both
                if values[name] is None and name not in errors:
                    errors.add(name, self.fields[name].message)
            # Error order as on the page: radius, area, lat, lng.
            ordered = {n: errors.pop(n) for n in ("radius", "area", "lat", "lng") if n in errors}
            errors.update(ordered)


class PriorityForm(Form):
    """A priority set at a ward meeting: the issue, the action agreed, the dates."""

    issue = Text(
        "Enter the issue",
        required=True,
        max_length=200,
        too_long="Enter the issue in 200 characters or fewer",
    )
    action = Text(
        "Enter the action agreed",
        required=True,
        max_length=2000,
        too_long="Enter the action agreed in 2000 characters or fewer",
    )
    starts_on = Date("Enter the date it was set, like 2026-11-21", required=True)
    ends_on = Date("Enter the review date like 2027-02-21, or leave it blank")

    def check(self, values, errors) -> None:
        starts, ends = values["starts_on"], values["ends_on"]
        if starts and ends and ends < starts:
            errors.add("ends_on", "The review date must be on or after the date it was set")


class ContactForm(Form):
    """A key individual or partner contact for a team area."""

    name = Text(
        "Enter the contact's name",
        required=True,
        max_length=120,
        too_long="Enter the contact's name in 120 characters or fewer",
    )
    role = Text(
        "Enter the contact's role",
        required=True,
        max_length=120,
        too_long="Enter the contact's role in 120 characters or fewer",
    )
    how_to_contact = Text(
        "Enter the way to contact them",
        required=True,
        max_length=200,
        too_long="Enter the way to contact them in 200 characters or fewer",
    )
