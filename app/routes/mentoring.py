"""Mentoring: a mentor's clients, their contacts (via the outbox), goals and exit plan."""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, date, datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect, Template

from app import navigation, phone_outbox
from app.access import allow
from app.audit import Operation, record
from app.mentoring import (
    CONTACT_KINDS,
    NOTE_MAX,
    PROGRESS,
    STATUSES,
    client_for,
    is_coordinator,
)
from app.roles import Role
from app.tables.agencies import PartnerAgency
from app.tables.mentoring import MentorClient, MentorContact, MentorGoal
from app.web import Form, FormErrors, page

ROLES = frozenset({Role.MENTOR, Role.SUPERVISOR})
MENTORS = frozenset({Role.MENTOR})
NAV = navigation.register("Mentoring", "/mentoring", "mentoring", 35, ROLES)


def _date(data: dict, name: str, errors: FormErrors, label: str, required: bool = True):
    text = str(data.get(name) or "").strip()
    if not text:
        if required:
            errors.add(name, f"Enter the {label}")
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        errors.add(name, f"Enter the {label} as a date")
        return None
    if value > datetime.now(UTC).date():
        errors.add(name, f"The {label} cannot be in the future")
    return value


def check_client(data: dict[str, Any], errors: FormErrors) -> dict[str, Any]:
    reference = str(data.get("reference") or "").strip()
    if not reference:
        errors.add("reference", "Enter a reference (not their full name)")
    elif len(reference) > 40:
        errors.add("reference", "Enter a reference of 40 characters or fewer")
    first_name = str(data.get("first_name") or "").strip()
    if len(first_name) > 60:
        errors.add("first_name", "Enter a first name of 60 characters or fewer")
    if data.get("consent_recorded") != "yes":
        errors.add("consent_recorded", "Record the client's consent before adding them")
    start = _date(data, "start_date", errors, "start date")
    status = str(data.get("status") or "active")
    if status not in STATUSES:
        errors.add("status", "Choose a status from the list")
    return {
        "reference": reference,
        "first_name": first_name,
        "consent_recorded": True,
        "start_date": start,
        "status": status,
    }


async def check_contact(data: dict[str, Any], errors: FormErrors) -> dict[str, Any]:
    kind = str(data.get("kind") or "")
    if kind not in CONTACT_KINDS:
        errors.add("kind", "Choose the kind of contact from the list")
    when = _date(data, "contact_date", errors, "date of the contact")
    duration_text = str(data.get("duration_minutes") or "").strip()
    duration = None
    if duration_text:
        if not duration_text.isdigit() or not 1 <= int(duration_text) <= 1440:
            errors.add("duration_minutes", "Enter the duration in minutes, from 1 to 1440")
        else:
            duration = int(duration_text)
    note = str(data.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        errors.add("note", f"Enter a note of {NOTE_MAX} characters or fewer")
    agency_text = str(data.get("agency") or "")
    agency = None
    if agency_text:
        if agency_text.isdigit() and await PartnerAgency.exists().where(
            PartnerAgency.id == int(agency_text)
        ):
            agency = int(agency_text)
        else:
            errors.add("agency", "Choose an agency from the directory")
    return {
        "kind": kind,
        "contact_date": when,
        "duration_minutes": duration,
        "note": note,
        "is_risk": data.get("is_risk") == "yes",
        "agency": agency,
    }


class MentoringController(Controller):
    path = "/mentoring"

    @get("/", opt=allow(ROLES))
    async def index(self, request: Request) -> Template:
        coordinator = await is_coordinator(request.user)
        clients = []
        if coordinator or request.user.role == Role.MENTOR:
            query = MentorClient.select(
                *MentorClient.all_columns(),
                MentorClient.mentor.display_name.as_alias("mentor_name"),
            ).order_by(MentorClient.reference)
            if not coordinator:
                query = query.where(MentorClient.mentor == request.user.id)
            clients = await query
            await record(
                request, Operation.CONSULTATION, "mentor-client", "list", detail=f"{len(clients)}"
            )
        return page(
            "mentoring/index.html", clients=clients, coordinator=coordinator, statuses=STATUSES
        )

    @get("/clients/new", opt=allow(MENTORS))
    async def new_client(self) -> Template:
        return self._client_form({"start_date": date.today().isoformat()}, FormErrors())

    @post("/clients", opt=allow(MENTORS), status_code=303)
    async def create_client(self, request: Request, data: Form) -> Any:
        errors = FormErrors()
        clean = check_client(data, errors)
        if not errors and await MentorClient.exists().where(
            MentorClient.reference == clean["reference"]
        ):
            errors.add("reference", "That reference is used already: choose another")
        if errors:
            return self._client_form(data, errors)
        client = MentorClient(**clean, mentor=request.user.id)
        await client.save()
        await record(request, Operation.COLLECTION, "mentor-client", client.id)
        return Redirect(path=f"/mentoring/clients/{client.id}", status_code=303)

    @get("/clients/{client_id:int}", opt=allow(ROLES))
    async def show_client(self, request: Request, client_id: int) -> Template:
        return await self._client_page(request, client_id, {}, FormErrors())

    @post("/clients/{client_id:int}/contacts", opt=allow(MENTORS), status_code=201)
    async def add_contact(self, request: Request, client_id: int, data: Form) -> Any:
        phone_outbox.check_sender(request)
        client = await client_for(request.user, client_id)
        if client["mentor"] != request.user.id:
            raise PermissionDeniedException("Only the client's mentor records contacts")
        errors = FormErrors()
        client_uuid = phone_outbox.clean_uuid(data.get("uuid"), errors)
        clean = await check_contact(data, errors)
        if errors:
            return await phone_outbox.refused(
                request, errors, lambda: self._client_page(request, client_id, data, errors)
            )
        clean.update(client=client_id, mentor=request.user.id)
        contact_id, created = await phone_outbox.store_once(
            MentorContact, client_uuid, clean, "mentor"
        )
        if created:
            detail = "crime or risk information" if clean["is_risk"] else "confidential"
            await record(request, Operation.COLLECTION, "mentor-contact", contact_id, detail=detail)
        return phone_outbox.stored(request, contact_id, created, f"/mentoring/clients/{client_id}")

    @post("/clients/{client_id:int}", opt=allow(MENTORS), status_code=303)
    async def update_client(self, request: Request, client_id: int, data: Form) -> Any:
        client = await client_for(request.user, client_id)
        errors = FormErrors()
        status = str(data.get("status") or "")
        if status not in STATUSES:
            errors.add("status", "Choose a status from the list")
        exit_plan = str(data.get("exit_plan") or "").strip()
        if len(exit_plan) > NOTE_MAX:
            errors.add("exit_plan", f"Enter an exit plan of {NOTE_MAX} characters or fewer")
        if errors:
            return await self._client_page(request, client_id, data, errors)
        changes = {MentorClient.status: status, MentorClient.exit_plan: exit_plan}
        await MentorClient.update(changes).where(MentorClient.id == client["id"])
        await record(
            request, Operation.ALTERATION, "mentor-client", client_id, detail="status, plan"
        )
        return Redirect(path=f"/mentoring/clients/{client_id}", status_code=303)

    @post("/clients/{client_id:int}/goals", opt=allow(MENTORS), status_code=303)
    async def add_goal(self, request: Request, client_id: int, data: Form) -> Any:
        await client_for(request.user, client_id)
        title = str(data.get("title") or "").strip()
        errors = FormErrors()
        if not title or len(title) > 200:
            errors.add("title", "Enter the goal in 200 characters or fewer")
        if errors:
            return await self._client_page(request, client_id, data, errors)
        goal = MentorGoal(client=client_id, title=title)
        await goal.save()
        await record(request, Operation.COLLECTION, "mentor-goal", goal.id)
        return Redirect(path=f"/mentoring/clients/{client_id}", status_code=303)

    @post("/goals/{goal_id:int}", opt=allow(MENTORS), status_code=303)
    async def update_goal(self, request: Request, goal_id: int, data: Form) -> Any:
        goal = await MentorGoal.select(MentorGoal.client).where(MentorGoal.id == goal_id).first()
        client = await client_for(request.user, goal["client"] if goal else 0)
        progress = str(data.get("progress") or "")
        if progress in PROGRESS:
            await MentorGoal.update(
                {MentorGoal.progress: progress, MentorGoal.updated_at: datetime.now(UTC)}
            ).where(MentorGoal.id == goal_id)
            await record(request, Operation.ALTERATION, "mentor-goal", goal_id, detail=progress)
        return Redirect(path=f"/mentoring/clients/{client['id']}", status_code=303)

    def _client_form(self, values: dict, errors: FormErrors) -> Template:
        return page(
            "mentoring/client_form.html",
            status_code=400 if errors else 200,
            values=values,
            errors=errors,
            statuses=STATUSES,
        )

    async def _client_page(
        self, request: Request, client_id: int, values: dict, errors: FormErrors
    ) -> Template:
        client = await client_for(request.user, client_id)
        contacts = (
            await MentorContact.select(
                *MentorContact.all_columns(),
                MentorContact.agency.name.as_alias("agency_name"),
                MentorContact.mentor.display_name.as_alias("mentor_name"),
            )
            .where(MentorContact.client == client_id)
            .order_by(MentorContact.contact_date, ascending=False)
        )
        goals = await MentorGoal.select().where(MentorGoal.client == client_id)
        agencies = await PartnerAgency.select(PartnerAgency.id, PartnerAgency.name).order_by(
            PartnerAgency.name
        )
        await record(request, Operation.CONSULTATION, "mentor-client", client_id)
        return page(
            "mentoring/client.html",
            status_code=400 if errors else 200,
            client=client,
            contacts=contacts,
            goals=goals,
            agencies=[(a["id"], a["name"]) for a in agencies],
            kinds=CONTACT_KINDS,
            statuses=STATUSES,
            progress=PROGRESS,
            values=values,
            errors=errors,
            is_mentor=client["mentor"] == request.user.id,
            new_uuid=str(uuid_module.uuid4()),
            today=date.today().isoformat(),
        )
