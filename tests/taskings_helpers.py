"""Helpers the taskings tests share: a tasking form, volunteer profiles, push devices."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from piccolo.utils.sync import run_sync

from app.auth.sessions import start_session
from app.clock import today
from app.tables.sessions import UserSession
from app.tables.taskings import PushSubscription, VolunteerProfile
from app.taskings.kinds import TRAINING

ALL_TRAINING = tuple(TRAINING)


def tasking_form(team_id: int, **overrides) -> dict:
    """A valid 'new tasking' form for the team area (assign or offer via overrides)."""
    start = (datetime.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    form = {
        "kind": "leaflet_drop",
        "title": "Leaflets on the estate",
        "details": "Drop the autumn newsletter",
        "team": str(team_id),
        "place_kind": "area",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "priority": "routine",
        "mode": "offer",
        "places_wanted": "1",
    }
    form.update(overrides)
    return form


def make_profile(person, vetting: str = "full", training: tuple = ALL_TRAINING) -> None:
    """A volunteer profile with the given vetting and training, current for a year (replacing
    the one the factory gave them)."""
    last = today() + timedelta(days=365)
    VolunteerProfile.delete().where(VolunteerProfile.person == person.id).run_sync()
    (
        VolunteerProfile.insert(
            VolunteerProfile(
                person=person.id,
                vetting=vetting,
                initial_vetting_on=date(2026, 1, 5) if vetting != "none" else None,
                initial_vetting_expires_on=last if vetting != "none" else None,
                full_vetting_on=date(2026, 4, 1) if vetting == "full" else None,
                full_vetting_expires_on=last if vetting == "full" else None,
                **{t: t in training for t in ALL_TRAINING},
                **{f"{t}_expires_on": last if t in training else None for t in ALL_TRAINING},
            )
        ).run_sync()
    )


def add_device(person, device, session_id: int | None = None) -> int:
    """Store a push subscription for a device of the test push service; returns its id."""
    if session_id is None:
        run_sync(start_session(person.id, "pytest device"))
        session_id = (
            UserSession.select(UserSession.id)
            .where(UserSession.person == person.id)
            .order_by(UserSession.id, ascending=False)
            .first()
            .run_sync()["id"]
        )
    sub = PushSubscription(
        person=person.id,
        session=session_id,
        endpoint=device.endpoint,
        p256dh=device.p256dh,
        auth=device.auth_b64,
    )
    sub.save().run_sync()
    return sub.id
