"""The retention schedule: days each kind of record is kept, from the defaults here and the
BEATBOOK_RETENTION setting ("kind=days,kind=days"). docs/privacy.md gives the reason for each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    """One kind's period: its name, the default in days, what the days count from."""

    kind: str
    days: int
    counted_from: str
    label: str


DEFAULTS: tuple[Period, ...] = (
    Period("engagement", 730, "when it happened", "Engagement entries"),
    Period("key_individual", 730, "the last engagement (or when added)", "Key individuals"),
    Period("home_visit", 1095, "when it was submitted", "Home visits"),
    Period("referral", 1095, "its last change (closed, accepted, made)", "Referrals"),
    Period("follow_up", 365, "when it was done (or due)", "Follow-ups"),
    Period("mentor_client", 1095, "the last contact, once exited", "Mentoring clients"),
    Period("mentor_contact", 1095, "the contact's date", "Mentor contacts"),
    Period("mentor_risk_note", 2190, "the contact's date", "Mentor crime and risk notes"),
    Period("tasking", 365, "the end of its window", "Taskings with an address or details"),
    Period("patrol_checkin", 730, "the check-in", "Patrol check-ins"),
    Period("incident", 730, "when it occurred", "Incidents' victim and suspect references"),
    Period("sign_in_attempt", 90, "the attempt", "Failed sign-in attempts"),
    # Devices before sessions: erasing a session takes its devices with it, uncounted.
    Period("push_subscription", 30, "when its session expired", "Push subscriptions"),
    Period("session", 30, "when it expired", "Sessions"),
    Period("audit_log", 2555, "the entry", "Audit log entries"),
)
KINDS = {p.kind: p for p in DEFAULTS}
MAX_DAYS = 36500  # a hundred years: past that, a period is a typing mistake


class ScheduleError(ValueError):
    """BEATBOOK_RETENTION names an unknown kind or a period that is not a number of days."""


def parse(text: str) -> dict[str, int]:
    """Days per kind: the defaults, with those the setting names replaced."""
    days = {p.kind: p.days for p in DEFAULTS}
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        kind, sep, value = part.partition("=")
        kind, value = kind.strip(), value.strip()
        if not sep or kind not in KINDS:
            known = ", ".join(KINDS)
            raise ScheduleError(f"BEATBOOK_RETENTION: unknown kind {kind!r} (known: {known})")
        if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_DAYS:
            raise ScheduleError(
                f"BEATBOOK_RETENTION: {kind} needs a whole number of days, 1 to {MAX_DAYS}"
            )
        days[kind] = int(value)
    return days


def current() -> dict[str, int]:
    """The schedule in force (the setting read once per process)."""
    from app.settings import get_settings

    return parse(get_settings().retention)
