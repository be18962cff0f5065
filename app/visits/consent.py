"""Consent to share a household's details with an agency, per referral: given, refused, or
not needed with the lawful reason stated. Only given, or not needed with a reason, lets a
referral be marked made (app/visits/outcomes.move_referral)."""

from __future__ import annotations

from app.forms import Choice, Form, FormErrors, Text
from app.outcomes import Refused
from app.tables.visits import ShareConsent

LABELS = {
    ShareConsent.GIVEN: "Given: the household agrees to sharing",
    ShareConsent.REFUSED: "Refused: the household does not agree",
    ShareConsent.NOT_NEEDED: "Not needed: a lawful reason to share without consent",
}
SHORT_LABELS = {
    "": "Not recorded",
    ShareConsent.GIVEN: "Given",
    ShareConsent.REFUSED: "Refused",
    ShareConsent.NOT_NEEDED: "Not needed",
}
REASON_MAX = 300
# What allows a referral to be marked made.
ALLOWS_SHARING = frozenset({ShareConsent.GIVEN, ShareConsent.NOT_NEEDED})


class ReferralConsent(Form):
    """The consent fields beside a referral's buttons (empty: keep what is recorded)."""

    consent = Choice(ShareConsent, "Choose given, refused or not needed")
    consent_reason = Text(
        max_length=REASON_MAX, too_long=f"Enter a reason of {REASON_MAX} characters or fewer"
    )

    def check(self, values, errors) -> None:
        if values["consent"] == ShareConsent.NOT_NEEDED and not values["consent_reason"]:
            errors.add("consent_reason", "State the lawful reason consent is not needed")


class NeedsConsent(Refused):
    """A referral that may not be marked made (or consent that is not valid): the messages to
    show beside its consent fields, and nothing changed."""

    def __init__(self, referral_id: int, errors: FormErrors) -> None:
        super().__init__(" ".join(errors.values()))
        self.referral_id = referral_id
        self.errors = errors


def sharing_problem(consent: str, reason: str) -> str | None:
    """Why a referral with this consent may not be marked made (None: it may)."""
    if consent == ShareConsent.REFUSED:
        return (
            "The household refused consent to share: record a lawful reason it is not "
            "needed, or close the referral"
        )
    if consent not in ALLOWS_SHARING:
        return "Record the household's consent to share before marking the referral made"
    if consent == ShareConsent.NOT_NEEDED and not reason.strip():
        return "State the lawful reason consent is not needed"
    return None
