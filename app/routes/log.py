"""Log: quick engagement logging (offline, via the outbox), my log, and its follow-ups."""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Body
from litestar.response import Redirect, Template

from app import engagement, navigation, phone_outbox
from app.access import allow
from app.audit import Operation, record
from app.database import atomic
from app.engagement import KINDS, TOPICS, check_engagement, editable, followup_to_tasking
from app.roles import FIELD
from app.tables.engagement import Engagement, KeyIndividual
from app.taskings import service
from app.taskings.followups import tasking_states
from app.templating import LOCAL_TIME
from app.web import FormErrors, page

ROLES = frozenset(FIELD)
NAV = navigation.register("Log", "/log", "log", 30, ROLES)
# Repeated fields (topics) arrive as lists.
RawForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def form_data(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The posted fields as single values, and the (repeatable) topics as a list."""
    topics = data.get("topics") or []
    values = {k: (v[-1] if isinstance(v, list) else v) for k, v in data.items() if k != "topics"}
    return values, [str(t) for t in ([topics] if isinstance(topics, str) else topics)]


async def quick_log_context(viewer) -> dict[str, Any]:
    """What the quick-log form needs (the home page includes it too)."""
    key_individuals = []
    if viewer.home_team_id:
        key_individuals = await KeyIndividual.select(KeyIndividual.id, KeyIndividual.name).where(
            (KeyIndividual.team == viewer.home_team_id) & (KeyIndividual.active == True)  # noqa: E712
        )
    return {
        "kinds": KINDS,
        "topics": TOPICS,
        "key_individuals": [(k["id"], k["name"]) for k in key_individuals],
        "new_uuid": str(uuid_module.uuid4()),
    }


async def _own_entry(request: Request, entry_id: int) -> dict:
    entry = (
        await Engagement.select()
        .where((Engagement.id == entry_id) & Engagement.deleted_at.is_null())
        .first()
    )
    if entry is None:
        raise NotFoundException()
    if not editable(entry, request.user.id):
        raise PermissionDeniedException("Only the author may change an entry, during the shift")
    return entry


class LogController(Controller):
    path = "/log"

    @get("/", opt=allow(ROLES))
    async def index(self, request: Request) -> Template:
        return await self._page(request, {}, FormErrors())

    @post("/", opt=allow(ROLES), status_code=201)
    async def create(self, request: Request, data: RawForm) -> Any:
        phone_outbox.check_sender(request)
        values, topics = form_data(data)
        errors = FormErrors()
        client_uuid = phone_outbox.clean_uuid(values.get("uuid"), errors)
        clean = await check_engagement(values, topics, errors)
        if errors:
            return await phone_outbox.refused(
                request, errors, lambda: self._page(request, {**values, "topics": topics}, errors)
            )
        clean.update(author=request.user.id, team=request.user.home_team_id)
        # One transaction: the entry, its audit entry and a promised follow-up's tasking.
        async with atomic():
            entry_id, created = await phone_outbox.store_once(
                Engagement, client_uuid, clean, "author"
            )
            if created:
                await record(request, Operation.COLLECTION, "engagement", entry_id)
                if clean["follow_up"]:
                    await followup_to_tasking(request, entry_id)
        return phone_outbox.stored(request, entry_id, created, "/log?saved=1")

    @get("/{entry_id:int}", opt=allow(ROLES))
    async def edit(self, request: Request, entry_id: int) -> Template:
        entry = await _own_entry(request, entry_id)
        values = {**entry, "topics": engagement.topics_list(entry["topics"])}
        values["occurred_at"] = (
            entry["occurred_at"].astimezone(LOCAL_TIME).strftime("%Y-%m-%dT%H:%M")
        )
        await record(request, Operation.CONSULTATION, "engagement", entry_id)
        return await self._edit_page(entry, values, FormErrors())

    @post("/{entry_id:int}", opt=allow(ROLES), status_code=303)
    async def update(self, request: Request, entry_id: int, data: RawForm) -> Any:
        entry = await _own_entry(request, entry_id)
        values, topics = form_data(data)
        errors = FormErrors()
        clean = await check_engagement(values, topics, errors)
        if errors:
            return await self._edit_page(entry, {**values, "topics": topics}, errors)
        changed = [k for k, v in clean.items() if entry[k] != v]
        if changed:
            clean["updated_at"] = datetime.now(UTC)
            async with atomic():
                await Engagement.update(clean).where(Engagement.id == entry_id)
                await record(
                    request, Operation.ALTERATION, "engagement", entry_id, detail=", ".join(changed)
                )
                # A follow-up added by a change during the shift gets its tasking too.
                if clean["follow_up"] and entry["tasking_id"] is None:
                    await followup_to_tasking(request, entry_id)
        return Redirect(path="/log?changed=1", status_code=303)

    @post("/{entry_id:int}/delete", opt=allow(ROLES), status_code=303)
    async def delete(self, request: Request, entry_id: int) -> Redirect:
        entry = await _own_entry(request, entry_id)
        async with atomic():
            # Marked, not removed: a late replay of its UUID must not bring it back.
            await Engagement.update(
                {
                    Engagement.deleted_at: datetime.now(UTC),
                    Engagement.note: "",
                    Engagement.follow_up: "",
                }
            ).where(Engagement.id == entry_id)
            await record(request, Operation.ERASURE, "engagement", entry_id)
            if entry["tasking_id"] is not None:  # its follow-up's tasking goes with it
                await service.cancel(request, entry["tasking_id"], "engagement deleted")
        return Redirect(path="/log?deleted=1", status_code=303)

    @post("/{entry_id:int}/done", opt=allow(ROLES), status_code=303)
    async def follow_up_done(self, request: Request, entry_id: int) -> Redirect:
        entry = (
            await Engagement.select(Engagement.author)
            .where((Engagement.id == entry_id) & Engagement.deleted_at.is_null())
            .first()
        )
        if entry is None or entry["author"] != request.user.id:
            raise NotFoundException()
        await Engagement.update({Engagement.follow_up_done: True}).where(Engagement.id == entry_id)
        await record(request, Operation.ALTERATION, "engagement", entry_id, detail="follow-up done")
        return Redirect(path="/log", status_code=303)

    async def _page(self, request: Request, values: dict, errors: FormErrors) -> Template:
        me = request.user.id
        now = datetime.now(UTC)
        local_today = now.astimezone(LOCAL_TIME).date()
        week_from = datetime.combine(
            engagement.week_start(local_today), datetime.min.time(), LOCAL_TIME
        )
        entries = await (
            Engagement.select(
                *Engagement.all_columns(), Engagement.key_individual.name.as_alias("key_name")
            )
            .where(
                (Engagement.author == me)
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
                (Engagement.author == me)
                & Engagement.deleted_at.is_null()
                & (Engagement.follow_up != "")
                & (Engagement.follow_up_done == False)  # noqa: E712
            )
            .order_by(Engagement.occurred_at)
        )
        follow_ups.sort(key=lambda f: (f["follow_up_due"] is None, f["follow_up_due"]))
        taskings = await tasking_states([f["tasking_id"] for f in follow_ups], request.user)
        for f in follow_ups:
            f["tasking"] = taskings.get(f["tasking_id"])
        for entry in entries:
            entry["editable"] = editable(entry, me, now)
            entry["topic_list"] = [TOPICS[t] for t in engagement.topics_list(entry["topics"])]
        today = [
            e for e in entries if e["occurred_at"].astimezone(LOCAL_TIME).date() == local_today
        ]
        week = [e for e in entries if e not in today and e["occurred_at"] >= week_from]
        if entries or follow_ups:
            await record(request, Operation.CONSULTATION, "engagement", "mine", detail="my log")
        return page(
            "log/index.html",
            status_code=400 if errors else 200,
            values=values,
            errors=errors,
            today=today,
            week=week,
            follow_ups=follow_ups,
            **await quick_log_context(request.user),
        )

    async def _edit_page(self, entry: dict, values: dict, errors: FormErrors) -> Template:
        context = await quick_log_context_for(entry)
        return page(
            "log/edit.html",
            status_code=400 if errors else 200,
            entry=entry,
            values=values,
            errors=errors,
            **context,
        )


async def quick_log_context_for(entry: dict) -> dict[str, Any]:
    """The form's choices when editing: the key individuals of the entry's team."""
    rows = []
    if entry.get("team"):
        rows = await KeyIndividual.select(KeyIndividual.id, KeyIndividual.name).where(
            KeyIndividual.team == entry["team"]
        )
    return {
        "kinds": KINDS,
        "topics": TOPICS,
        "key_individuals": [(r["id"], r["name"]) for r in rows],
    }
