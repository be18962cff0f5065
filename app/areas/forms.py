"""The abstraction form: a cause, a length and a start, in at most three taps on a phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.forms import Choice, Form, FormErrors, Integer, LocalDateTime, Text
from app.tables.areas import AbstractionCause

CAUSES = {
    AbstractionCause.RESPONSE: "Response cover",
    AbstractionCause.CUSTODY: "Custody",
    AbstractionCause.COURT: "Court",
    AbstractionCause.TRAINING: "Training",
    AbstractionCause.OPERATION: "Planned operation or event",
    AbstractionCause.OTHER: "Other",
}
# The lengths offered as one tap each, in minutes, with how they read.
LENGTHS = {
    "60": "1 hour",
    "120": "2 hours",
    "240": "4 hours",
    "480": "8 hours",
    "600": "Whole shift (10 hours)",
}
MAX_MINUTES = 24 * 60
# How far back or ahead a start may be: a week back (recorded late), a day ahead (planned).
EARLIEST, LATEST = timedelta(days=31), timedelta(days=1)


class AbstractionForm(Form):
    cause = Choice(AbstractionCause, "Choose why you were taken away", required=True)
    length = Choice(LENGTHS, "Choose how long for")
    other_minutes = Integer("Enter a length of 1 to 1440 minutes", minimum=1, maximum=MAX_MINUTES)
    # Blank: now. A typed one is UK time.
    start = LocalDateTime("Enter when it started, like 2026-11-21T09:30")
    note = Text("Enter a note of at most 300 characters", max_length=300)

    def check(self, values: dict, errors: FormErrors) -> None:
        if values["other_minutes"] is not None:
            values["minutes"] = values["other_minutes"]
        elif values["length"] is not None:
            values["minutes"] = int(values["length"])
        else:
            values["minutes"] = None
            if "length" not in errors and "other_minutes" not in errors:
                errors.add("length", "Choose how long for")
        now = datetime.now(UTC)
        start = values["start"]
        if start is not None and not now - EARLIEST <= start <= now + LATEST:
            errors.add("start", "Enter a start in the last 31 days or the next day")
