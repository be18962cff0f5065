"""Each kind of record the schedule covers: which of its rows are past their period, and how
they are erased.

A *record* kind lists its rows one by one (a supervisor may keep one) and is erased by blanking
its personal fields: the row stays, with what is not personal (its kind, area, dates), so the
team's figures still count it, and a tombstone is written beside it. A *bulk* kind (sign-in
attempts, sessions, push subscriptions, the audit log) holds nothing a supervisor decides on and
nothing a phone replays: its rows past the period are deleted, and counted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from app.tables.audit import AuditEntry
from app.tables.briefing import Incident
from app.tables.engagement import Engagement, KeyIndividual
from app.tables.mentoring import ClientStatus, MentorClient, MentorContact, MentorGoal
from app.tables.patrol import PatrolCheckIn
from app.tables.sessions import SignInAttempt, UserSession
from app.tables.taskings import (
    PushMessage,
    PushSubscription,
    Tasking,
    TaskingAssignment,
    TaskingEvent,
)
from app.tables.visits import FollowUp, HomeVisit, Referral, VisitAnswer, VisitState

CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class Due:
    """One record past its period: what identifies it for a decision, never its content."""

    kind: str
    id: int
    uuid: str | None
    date: datetime  # what the period is counted from
    team: int | None  # the team area it belongs to (None: none, or not a team's record)
    label: str  # kind, area, who made it: enough to tell records apart


def chunks(ids: Iterable[int]) -> list[list[int]]:
    ids = list(ids)
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _at(value: date | datetime | None) -> datetime | None:
    """A date or timestamp as an aware UTC datetime (a date: its midnight)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), UTC)


async def _select(query, column, ids: list[int] | None) -> list[dict]:
    if ids is not None:
        if not ids:
            return []
        query = query.where(column.is_in(ids))
    return await query


# Record kinds: candidates(cutoff, ids) -> rows past the period; erase(ids) blanks them.


async def _engagement(cutoff: datetime, ids: list[int] | None) -> list[Due]:
    rows = await _select(
        Engagement.select(
            Engagement.id,
            Engagement.client_uuid,
            Engagement.occurred_at,
            Engagement.team,
            Engagement.kind,
            Engagement.team.name.as_alias("team_name"),
            Engagement.author.username.as_alias("author_name"),
        ).where(Engagement.occurred_at < cutoff),
        Engagement.id,
        ids,
    )
    return [
        Due(
            "engagement",
            r["id"],
            r["client_uuid"],
            _at(r["occurred_at"]),
            r["team"],
            f"{r['kind']} · {r['team_name'] or 'no area'} · by {r['author_name']}",
        )
        for r in rows
    ]


async def _erase_engagement(ids: list[int]) -> None:
    await Engagement.update(
        {
            Engagement.note: "",
            Engagement.follow_up: "",
            Engagement.lat: None,
            Engagement.lng: None,
            Engagement.accuracy_m: None,
            Engagement.key_individual: None,
        }
    ).where(Engagement.id.is_in(ids))


async def _key_individual(cutoff: datetime, ids: list[int] | None) -> list[Due]:
    rows = await _select(
        KeyIndividual.select(
            KeyIndividual.id,
            KeyIndividual.name,
            KeyIndividual.created_at,
            KeyIndividual.team,
            KeyIndividual.team.name.as_alias("team_name"),
        ).where(KeyIndividual.created_at < cutoff),
        KeyIndividual.id,
        ids,
    )
    last: dict[int, datetime] = {}
    for part in chunks(r["id"] for r in rows):
        met = await Engagement.select(Engagement.key_individual, Engagement.occurred_at).where(
            Engagement.key_individual.is_in(part)
        )
        for m in met:
            when = _at(m["occurred_at"])
            if when > last.get(m["key_individual"], when.min.replace(tzinfo=UTC)):
                last[m["key_individual"]] = when
    found = []
    for r in rows:
        when = max(_at(r["created_at"]), last.get(r["id"], _at(r["created_at"])))
        if when < cutoff:
            found.append(
                Due(
                    "key_individual",
                    r["id"],
                    None,
                    when,
                    r["team"],
                    f"{r['name'] or '(no name)'} · {r['team_name']}",
                )
            )
    return found


async def _erase_key_individual(ids: list[int]) -> None:
    await KeyIndividual.update(
        {
            KeyIndividual.name: "",
            KeyIndividual.community_role: "",
            KeyIndividual.how_to_reach: "",
            KeyIndividual.consent_to_contact: False,
            KeyIndividual.active: False,
        }
    ).where(KeyIndividual.id.is_in(ids))


async def _home_visit(cutoff: datetime, ids: list[int] | None) -> list[Due]:
    # A visit in progress is its visitor's until submitted or discarded; a declined one holds
    # nothing about the household. Only submitted visits fall due.
    rows = await _select(
        HomeVisit.select(
            HomeVisit.id,
            HomeVisit.uuid,
            HomeVisit.submitted_at,
            HomeVisit.team,
            HomeVisit.team.name.as_alias("team_name"),
            HomeVisit.visitor.username.as_alias("visitor_name"),
        ).where((HomeVisit.state == VisitState.SUBMITTED) & (HomeVisit.submitted_at < cutoff)),
        HomeVisit.id,
        ids,
    )
    return [
        Due(
            "home_visit",
            r["id"],
            r["uuid"],
            _at(r["submitted_at"]),
            r["team"],
            f"home visit · {r['team_name'] or 'no area'} · by {r['visitor_name']}",
        )
        for r in rows
    ]


async def _erase_home_visit(ids: list[int]) -> None:
    """The household (address, reference, place) and every answer. Its referrals and follow-ups
    are kinds of their own, erased on their own dates (without the household, their reasons no
    longer say whose they were)."""
    await HomeVisit.update(
        {
            HomeVisit.address: "",
            HomeVisit.household_key: "",
            HomeVisit.household_ref: "",
            HomeVisit.lat: None,
            HomeVisit.lng: None,
        }
    ).where(HomeVisit.id.is_in(ids))
    await VisitAnswer.update({VisitAnswer.value: ""}).where(VisitAnswer.visit.is_in(ids))


async def _referral(cutoff: datetime, ids: list[int] | None) -> list[Due]:
    rows = await _select(
        Referral.select(
            Referral.id,
            Referral.visit,
            Referral.agency_kind,
            Referral.suggested_at,
            Referral.made_at,
            Referral.accepted_at,
            Referral.closed_at,
            Referral.visit.team.as_alias("team"),
            Referral.visit.team.name.as_alias("team_name"),
        ).where(Referral.suggested_at < cutoff),
        Referral.id,
        ids,
    )
    found = []
    for r in rows:
        dates = [_at(r[k]) for k in ("closed_at", "accepted_at", "made_at", "suggested_at")]
        when = max(d for d in dates if d is not None)
        if when < cutoff:
            label = f"referral to {r['agency_kind']} · {r['team_name'] or 'no area'}"
            found.append(Due("referral", r["id"], None, when, r["team"], label))
    return found


async def _erase_referral(ids: list[int]) -> None:
    await Referral.update({Referral.reason: ""}).where(Referral.id.is_in(ids))


async def _follow_up(cutoff: datetime, ids: list[int] | None) -> list[Due]:
    rows = await _select(
        FollowUp.select(
            FollowUp.id,
            FollowUp.visit,
            FollowUp.due_on,
            FollowUp.done_at,
            FollowUp.visit.team.as_alias("team"),
            FollowUp.visit.team.name.as_alias("team_name"),
        ).where(FollowUp.due_on < cutoff.date()),
        FollowUp.id,
        ids,
    )
    found = []
    for r in rows:
        when = _at(r["done_at"]) or _at(r["due_on"])
        if when < cutoff:
            label = f"follow-up · {r['team_name'] or 'no area'}"
            found.append(Due("follow_up", r["id"], None, when, r["team"], label))
    return found


async def _erase_follow_up(ids: list[int]) -> None:
    await FollowUp.update({FollowUp.reason: ""}).where(FollowUp.id.is_in(ids))


async def _mentor_client(cutoff: datetime, ids: list[int] | None) -> list[Due]:
    # Only a client who has exited: there is no maximum time with a client while mentored.
    rows = await _select(
        MentorClient.select(MentorClient.id, MentorClient.reference, MentorClient.start_date).where(
            MentorClient.status == ClientStatus.EXITED
        ),
        MentorClient.id,
        ids,
    )
    last: dict[int, datetime] = {}
    for part in chunks(r["id"] for r in rows):
        contacts = await MentorContact.select(
            MentorContact.client, MentorContact.contact_date
        ).where(MentorContact.client.is_in(part))
        for c in contacts:
            when = _at(c["contact_date"])
            last[c["client"]] = max(when, last.get(c["client"], when))
    found = []
    for r in rows:
        when = max(_at(r["start_date"]), last.get(r["id"], _at(r["start_date"])))
        if when < cutoff:
            found.append(
                Due("mentor_client", r["id"], None, when, None, f"client {r['reference']}")
            )
    return found


async def _erase_mentor_client(ids: list[int]) -> None:
    for client_id in ids:  # the reference is unique: a number of its own stands in for it
        await MentorClient.update(
            {
                MentorClient.reference: f"erased-{client_id}",
                MentorClient.first_name: "",
                MentorClient.exit_plan: "",
            }
        ).where(MentorClient.id == client_id)
    await MentorGoal.update({MentorGoal.title: ""}).where(MentorGoal.client.is_in(ids))


def _mentor_contacts(kind: str, is_risk: bool):
    async def candidates(cutoff: datetime, ids: list[int] | None) -> list[Due]:
        rows = await _select(
            MentorContact.select(
                MentorContact.id,
                MentorContact.client_uuid,
                MentorContact.contact_date,
                MentorContact.kind,
                MentorContact.client.reference.as_alias("reference"),
            ).where(
                (MentorContact.is_risk == is_risk) & (MentorContact.contact_date < cutoff.date())
            ),
            MentorContact.id,
            ids,
        )
        return [
            Due(
                kind,
                r["id"],
                r["client_uuid"],
                _at(r["contact_date"]),
                None,
                f"{r['kind']} with client {r['reference']}",
            )
            for r in rows
        ]

    return candidates


async def _erase_mentor_contact(ids: list[int]) -> None:
    await MentorContact.update({MentorContact.note: ""}).where(MentorContact.id.is_in(ids))


async def _tasking(cutoff: datetime, ids: list[int] | None) -> list[Due]:
    rows = await _select(
        Tasking.select(
            Tasking.id,
            Tasking.kind,
            Tasking.ends_at,
            Tasking.team,
            Tasking.team.name.as_alias("team_name"),
        ).where((Tasking.ends_at < cutoff) & ((Tasking.address != "") | (Tasking.details != ""))),
        Tasking.id,
        ids,
    )
    return [
        Due(
            "tasking",
            r["id"],
            None,
            _at(r["ends_at"]),
            r["team"],
            f"{r['kind']} tasking · {r['team_name'] or 'no area'}",
        )
        for r in rows
    ]


async def _erase_tasking(ids: list[int]) -> None:
    """The address (and its point), the details, and the title (made from them); the notes of
    who answered what; the notifications' titles."""
    await Tasking.update({Tasking.lat: None, Tasking.lng: None}).where(
        Tasking.id.is_in(ids) & (Tasking.place_kind == "address")
    )
    await Tasking.update(
        {Tasking.title: "(erased)", Tasking.address: "", Tasking.details: ""}
    ).where(Tasking.id.is_in(ids))
    await TaskingAssignment.update({TaskingAssignment.note: ""}).where(
        TaskingAssignment.tasking.is_in(ids)
    )
    await TaskingEvent.update({TaskingEvent.note: ""}).where(TaskingEvent.tasking.is_in(ids))
    await PushMessage.update({PushMessage.title: ""}).where(PushMessage.tasking.is_in(ids))


async def _patrol_checkin(cutoff: datetime, ids: list[int] | None) -> list[Due]:
    rows = await _select(
        PatrolCheckIn.select(
            PatrolCheckIn.id,
            PatrolCheckIn.uuid,
            PatrolCheckIn.at,
            PatrolCheckIn.point.plan.team.as_alias("team"),
            PatrolCheckIn.point.plan.team.name.as_alias("team_name"),
            PatrolCheckIn.person.username.as_alias("person_name"),
        ).where(PatrolCheckIn.at < cutoff),
        PatrolCheckIn.id,
        ids,
    )
    return [
        Due(
            "patrol_checkin",
            r["id"],
            str(r["uuid"]),
            _at(r["at"]),
            r["team"],
            f"check-in by {r['person_name']} · {r['team_name']}",
        )
        for r in rows
    ]


async def _erase_patrol_checkin(ids: list[int]) -> None:
    # Where the person stood, and what they wrote; the time and the distance stay (compliance).
    await PatrolCheckIn.update(
        {
            PatrolCheckIn.lat: None,
            PatrolCheckIn.lng: None,
            PatrolCheckIn.accuracy_m: None,
            PatrolCheckIn.note: "",
            PatrolCheckIn.reason: "",
        }
    ).where(PatrolCheckIn.id.is_in(ids))


async def _incident(cutoff: datetime, ids: list[int] | None) -> list[Due]:
    rows = await _select(
        Incident.select(
            Incident.id, Incident.reference, Incident.occurred_at, Incident.category
        ).where(
            (Incident.occurred_at < cutoff)
            & (Incident.victim_ref.is_not_null() | Incident.suspect_ref.is_not_null())
        ),
        Incident.id,
        ids,
    )
    return [
        Due(
            "incident",
            r["id"],
            None,
            _at(r["occurred_at"]),
            None,
            f"{r['category']} · {r['reference']}",
        )
        for r in rows
    ]


async def _erase_incident(ids: list[int]) -> None:
    await Incident.update({Incident.victim_ref: None, Incident.suspect_ref: None}).where(
        Incident.id.is_in(ids)
    )


@dataclass(frozen=True)
class RecordKind:
    """A kind whose rows are reviewed one by one and erased by blanking."""

    name: str
    candidates: Callable[[datetime, list[int] | None], Awaitable[list[Due]]]
    erase: Callable[[list[int]], Awaitable[None]]
    mentoring: bool = False  # confidential to the mentor and the mentor coordinator


RECORD_KINDS: dict[str, RecordKind] = {
    k.name: k
    for k in (
        RecordKind("engagement", _engagement, _erase_engagement),
        RecordKind("key_individual", _key_individual, _erase_key_individual),
        RecordKind("home_visit", _home_visit, _erase_home_visit),
        RecordKind("referral", _referral, _erase_referral),
        RecordKind("follow_up", _follow_up, _erase_follow_up),
        RecordKind("mentor_client", _mentor_client, _erase_mentor_client, mentoring=True),
        RecordKind(
            "mentor_contact",
            _mentor_contacts("mentor_contact", False),
            _erase_mentor_contact,
            mentoring=True,
        ),
        RecordKind(
            "mentor_risk_note",
            _mentor_contacts("mentor_risk_note", True),
            _erase_mentor_contact,
            mentoring=True,
        ),
        RecordKind("tasking", _tasking, _erase_tasking),
        RecordKind("patrol_checkin", _patrol_checkin, _erase_patrol_checkin),
        RecordKind("incident", _incident, _erase_incident),
    )
}


# Bulk kinds: count(cutoff) and delete(cutoff) -> rows deleted.


async def _expired_subscriptions(cutoff: datetime) -> list[int]:
    rows = await PushSubscription.select(PushSubscription.id).where(
        PushSubscription.session.expires_at < cutoff
    )
    return [r["id"] for r in rows]


async def _delete_subscriptions(ids: list[int]) -> None:
    for part in chunks(ids):
        await PushMessage.update({PushMessage.subscription: None}).where(
            PushMessage.subscription.is_in(part)
        )
        await PushSubscription.delete().where(PushSubscription.id.is_in(part))


async def _count_subscriptions(cutoff: datetime) -> int:
    return len(await _expired_subscriptions(cutoff))


async def _delete_push_subscriptions(cutoff: datetime) -> int:
    ids = await _expired_subscriptions(cutoff)
    await _delete_subscriptions(ids)
    return len(ids)


async def _delete_sessions(cutoff: datetime) -> int:
    rows = await UserSession.select(UserSession.id).where(UserSession.expires_at < cutoff)
    ids = [r["id"] for r in rows]
    for part in chunks(ids):  # a session's devices end with it
        subs = await PushSubscription.select(PushSubscription.id).where(
            PushSubscription.session.is_in(part)
        )
        await _delete_subscriptions([s["id"] for s in subs])
        await UserSession.delete().where(UserSession.id.is_in(part))
    return len(ids)


def _counter(column):
    async def count(cutoff: datetime) -> int:
        return await column._meta.table.count().where(column < cutoff)

    return count


def _deleter(column):
    async def delete(cutoff: datetime) -> int:
        table = column._meta.table
        found = await table.count().where(column < cutoff)
        await table.delete().where(column < cutoff)
        return found

    return delete


@dataclass(frozen=True)
class BulkKind:
    """A kind whose rows past the period are deleted and counted, never reviewed one by one."""

    name: str
    count: Callable[[datetime], Awaitable[int]]
    delete: Callable[[datetime], Awaitable[int]]


BULK_KINDS: dict[str, BulkKind] = {
    k.name: k
    for k in (
        BulkKind("sign_in_attempt", _counter(SignInAttempt.at), _deleter(SignInAttempt.at)),
        BulkKind("push_subscription", _count_subscriptions, _delete_push_subscriptions),
        BulkKind("session", _counter(UserSession.expires_at), _delete_sessions),
        BulkKind("audit_log", _counter(AuditEntry.at), _deleter(AuditEntry.at)),
    )
}
