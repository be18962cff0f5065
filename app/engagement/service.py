"""The engagement log's use cases: log an entry (stored once by the phone's UUID), change it,
delete it, mark a follow-up done, and read my log. Each takes the actor first."""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app import phone_outbox
from app.actor import Actor
from app.audit import Operation, record
from app.clock import LOCAL_TIME
from app.database import atomic, small_read, snapshot
from app.engagement.followups import followup_to_tasking
from app.engagement.forms import KINDS, TOPICS
from app.forms import FormErrors
from app.outcomes import NotAllowed, NotFound
from app.retention import replay as retention_replay
from app.tables.engagement import Engagement, KeyIndividual
from app.taskings import service as taskings
from app.taskings.followups import tasking_states

# The author may change or delete an entry for this long after making it (one shift).
SHIFT = timedelta(hours=12)
# The columns a form's values are stored in.
STORED = (
    "kind",
    "topics",
    "occurred_at",
    "lat",
    "lng",
    "accuracy_m",
    "people_count",
    "note",
    "follow_up",
    "follow_up_due",
    "key_individual",
)


def topics_text(topics: list[str]) -> str:
    return "," + ",".join(topics) + "," if topics else ""


def topics_list(text: str) -> list[str]:
    return [t for t in (text or "").split(",") if t]


def editable(entry: dict, person_id: int, now: datetime | None = None) -> bool:
    """The author may change an entry during the shift it was made in."""
    now = now or datetime.now(UTC)
    return entry["author"] == person_id and now - entry["created_at"] <= SHIFT


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _columns(values: dict) -> dict:
    """The form's values (EngagementForm) as the row stores them."""
    row = {name: values[name] for name in STORED}
    row["kind"] = str(row["kind"])
    row["topics"] = topics_text([str(t) for t in values["topics"] or []])
    return row


# Key individuals are for police roles only (their names, the picker, the links).
POLICE_ONLY = "Only police roles record key individuals"
NOT_THEIRS = "Choose a key individual from the list"


async def _check_key_individual(
    actor: Actor, values: dict, errors: FormErrors, stored: int | None = None
) -> None:
    """A key individual may be linked only by police roles, and only one of their own team
    areas that is still active (an entry keeps the one it had). A civilian's entry keeps what
    it had and cannot be given one."""
    chosen = values["key_individual"]
    if not actor.is_police:
        if chosen is not None and chosen != stored:
            errors.add("key_individual", POLICE_ONLY)
        values["key_individual"] = stored
        return
    if chosen is None or chosen == stored:
        return
    if not await KeyIndividual.exists().where(
        (KeyIndividual.id == chosen)
        & (KeyIndividual.active == True)  # noqa: E712
        & KeyIndividual.team.is_in(list(await actor.team_ids()) or [0])
    ):
        errors.add("key_individual", NOT_THEIRS)


async def log(actor: Actor, values: dict) -> tuple[int | None, bool, FormErrors]:
    """Store an entry (values from LogForm) once by its UUID; returns (id, created, errors).

    One transaction: the entry, its audit entry and a promised follow-up's tasking, so a
    replay stores nothing twice and an entry is never kept without its tasking."""
    errors = FormErrors()
    async with atomic():
        if (erased := await retention_replay.erased(values["uuid"])) is not None:
            return erased, False, errors  # erased by retention: a late replay stores nothing
        await _check_key_individual(actor, values, errors)
        if errors:
            return None, False, errors
        row = {**_columns(values), "author": actor.id, "team": actor.home_team_id}
        entry_id, created = await phone_outbox.store_once(Engagement, values["uuid"], row, "author")
        if created:
            await record(actor, Operation.COLLECTION, "engagement", entry_id)
            if row["follow_up"]:
                await followup_to_tasking(actor, entry_id)
    return entry_id, created, errors


async def own_entry(actor: Actor, entry_id: int) -> dict:
    """An entry the actor may change: theirs, during its shift. Someone else's entry answers
    NotFound, as a missing one does; the author's own after its shift, NotAllowed."""
    entry = (
        await Engagement.select()
        .where((Engagement.id == entry_id) & Engagement.deleted_at.is_null())
        .first()
    )
    if entry is None or entry["author"] != actor.id:
        raise NotFound(entry_id)
    if not editable(entry, actor.id):
        raise NotAllowed("An entry can be changed only during the shift it was made in")
    return entry


async def open_entry(actor: Actor, entry_id: int) -> tuple[dict, dict]:
    """The actor's own entry to change, and its values as the form shows them (a look at it
    is audited)."""
    async with snapshot():
        entry = await own_entry(actor, entry_id)
        await record(actor, Operation.CONSULTATION, "engagement", entry_id)
    values = {**entry, "topics": topics_list(entry["topics"])}
    if not actor.is_police:
        values.pop("key_individual", None)  # police roles only
    values["occurred_at"] = entry["occurred_at"].astimezone(LOCAL_TIME).strftime("%Y-%m-%dT%H:%M")
    return entry, values


async def change(actor: Actor, entry_id: int, values: dict) -> FormErrors:
    """Change the actor's entry during its shift (values from EngagementForm); a follow-up
    added by the change gets its tasking. Returns the errors (nothing changed if any)."""
    errors = FormErrors()
    async with atomic():
        entry = await own_entry(actor, entry_id)
        await _check_key_individual(actor, values, errors, stored=entry["key_individual"])
        if errors:
            return errors
        row = _columns(values)
        changed = [k for k, v in row.items() if entry[k] != v]
        if not changed:
            return errors
        row["updated_at"] = datetime.now(UTC)
        await Engagement.update(row).where(Engagement.id == entry_id)
        await record(actor, Operation.ALTERATION, "engagement", entry_id, detail=", ".join(changed))
        if row["follow_up"] and entry["tasking_id"] is None:
            await followup_to_tasking(actor, entry_id)
    return errors


async def delete(actor: Actor, entry_id: int) -> None:
    """Delete the actor's entry during its shift; its follow-up's tasking is cancelled."""
    async with atomic():
        entry = await own_entry(actor, entry_id)
        # Marked, not removed: a late replay of its UUID must not bring it back.
        await Engagement.update(
            {
                Engagement.deleted_at: datetime.now(UTC),
                Engagement.note: "",
                Engagement.follow_up: "",
            }
        ).where(Engagement.id == entry_id)
        await record(actor, Operation.ERASURE, "engagement", entry_id)
        if entry["tasking_id"] is not None:
            await taskings.cancel(actor, entry["tasking_id"], "engagement deleted")


async def follow_up_done(actor: Actor, entry_id: int) -> None:
    """The author marks a promised follow-up done (NotFound for anyone else's entry)."""
    async with atomic():
        entry = (
            await Engagement.select(Engagement.author)
            .where((Engagement.id == entry_id) & Engagement.deleted_at.is_null())
            .first()
        )
        if entry is None or entry["author"] != actor.id:
            raise NotFound(entry_id)
        await Engagement.update({Engagement.follow_up_done: True}).where(Engagement.id == entry_id)
        await record(actor, Operation.ALTERATION, "engagement", entry_id, detail="follow-up done")


async def _key_individual_choices(team_id: int | None, active_only: bool) -> list[tuple]:
    if not team_id:
        return []
    # On the home screen of everyone who logs: one team's few key individuals, read at once.
    sql = "SELECT id, name FROM key_individual WHERE team = {}"
    if active_only:
        sql += " AND active = {}"
    query = KeyIndividual.raw(sql + " ORDER BY id", team_id, *([True] if active_only else []))
    return [(k["id"], k["name"]) for k in await small_read(query)]


async def quick_log_context(actor: Actor, *, key_individuals: bool = False) -> dict[str, Any]:
    """What the quick-log form needs: the kinds, topics and a new UUID for the record; with
    `key_individuals` (the log page, sent no-store), also the active key individuals of the
    actor's home team for police roles, and that look is audited. The home screen, which a
    phone keeps until sign-out, lists no named key individuals (issue 12)."""
    team = actor.home_team_id if actor.is_police and key_individuals else None
    named = await _key_individual_choices(team, active_only=True)
    if named:
        # A look: its entry shares a commit (no transaction of its own; app/audit.py).
        await record(
            actor,
            Operation.CONSULTATION,
            "key-individual",
            f"team:{team}",
            detail=f"{len(named)} key individuals listed in the log form",
        )
    return {
        "kinds": KINDS,
        "topics": TOPICS,
        "key_individuals": named,
        "new_uuid": str(uuid_module.uuid4()),
    }


async def edit_context(actor: Actor, entry: dict) -> dict[str, Any]:
    """The form's choices when changing an entry: the key individuals of the entry's team
    (police roles only)."""
    team = entry.get("team") if actor.is_police else None
    return {
        "kinds": KINDS,
        "topics": TOPICS,
        "key_individuals": await _key_individual_choices(team, active_only=False),
    }


async def my_log(actor: Actor) -> dict[str, Any]:
    """The actor's log: today, earlier this week, and the follow-ups they promised (with their
    taskings' states); the key individual an entry names only for police roles. A look at any
    is audited."""
    now = datetime.now(UTC)
    local_today = now.astimezone(LOCAL_TIME).date()
    week_from = datetime.combine(week_start(local_today), datetime.min.time(), LOCAL_TIME)
    async with snapshot():
        entries = await (
            Engagement.select(
                *Engagement.all_columns(),
                *([Engagement.key_individual.name.as_alias("key_name")] if actor.is_police else []),
            )
            .where(
                (Engagement.author == actor.id)
                & Engagement.deleted_at.is_null()
                & (Engagement.occurred_at >= min(week_from, now - timedelta(days=1)))
            )
            .order_by(Engagement.occurred_at, ascending=False)
        )
        follow_ups = await (
            Engagement.select(
                Engagement.id,
                Engagement.follow_up,
                Engagement.follow_up_due,
                Engagement.occurred_at,
                Engagement.tasking_id,
            )
            .where(
                (Engagement.author == actor.id)
                & Engagement.deleted_at.is_null()
                & (Engagement.follow_up != "")
                & (Engagement.follow_up_done == False)  # noqa: E712
            )
            .order_by(Engagement.occurred_at)
        )
        follow_ups.sort(key=lambda f: (f["follow_up_due"] is None, f["follow_up_due"]))
        states = await tasking_states([f["tasking_id"] for f in follow_ups], actor)
        if entries or follow_ups:
            await record(actor, Operation.CONSULTATION, "engagement", "mine", detail="my log")
    for f in follow_ups:
        f["tasking"] = states.get(f["tasking_id"])
    for entry in entries:
        entry["editable"] = editable(entry, actor.id, now)
        entry["topic_list"] = [TOPICS[t] for t in topics_list(entry["topics"]) if t in TOPICS]
    today = [e for e in entries if e["occurred_at"].astimezone(LOCAL_TIME).date() == local_today]
    week = [e for e in entries if e not in today and e["occurred_at"] >= week_from]
    return {"today": today, "week": week, "follow_ups": follow_ups}
