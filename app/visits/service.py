"""A home visit's use cases: start, answer, save a section, check, submit, discard, and what the
visit pages read. Each takes the actor first, opens the transaction and writes the audit."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from app.actor import Actor
from app.audit import Operation, record
from app.database import atomic, snapshot
from app.forms import FormErrors, whole_number
from app.outcomes import NotFound, Refused
from app.places import team_choices
from app.retention import replay as retention_replay
from app.roles import Role
from app.tables.places import TeamArea
from app.tables.taskings import State, TaskingAssignment, VolunteerProfile
from app.tables.visits import HomeVisit, VisitAnswer, VisitState
from app.taskings.kinds import requirement_text, why_not
from app.visits import checklist, store
from app.visits.followups import followups_to_taskings
from app.visits.forms import DECISIONS, answer_values
from app.visits.tasking_done import finish_part
from app.visits.views import content_of, earlier_visits, is_open_to, outcomes, visit_for

# A part of a tasking its person is still to carry out.
OPEN_PARTS = (State.ASSIGNED, State.ACKNOWLEDGED, State.ACCEPTED, State.IN_PROGRESS)


class NotFit(Refused):
    """A volunteer whose profile does not (yet) allow home visits; str(exc) says why."""

    @property
    def needs(self) -> str:
        return requirement_text("home_visit").lower()


async def why_not_visit(actor: Actor) -> str | None:
    """Why this person may not start a home visit (None: they may). Staff always may; a
    volunteer needs what a home-visit tasking needs (app/taskings/kinds.py), in its words."""
    if actor.role != Role.VOLUNTEER:
        return None
    profile = await VolunteerProfile.select().where(VolunteerProfile.person == actor.id).first()
    return why_not("home_visit", profile)


async def visit_tasking(actor: Actor, tasking_id: int) -> dict | None:
    """A home-visit tasking the actor is on and has not finished, or None."""
    part = (
        await TaskingAssignment.select(
            *TaskingAssignment.tasking.all_columns(exclude=["details"]),
        )
        .where(
            (TaskingAssignment.person == actor.id)
            & (TaskingAssignment.tasking == tasking_id)
            & TaskingAssignment.state.is_in(list(OPEN_PARTS))
            & (TaskingAssignment.tasking.kind == "home_visit")
            & (TaskingAssignment.tasking.cancelled == False)  # noqa: E712
        )
        .output(nested=True)
        .first()
    )
    return part["tasking"] if part else None


async def listing(actor: Actor) -> dict:
    """The visits page: the actor's own visits, others' in their team area (police), and
    why they may not start one (None: they may). Audited: a look at visits."""

    def listed(where):
        return (
            HomeVisit.select(
                HomeVisit.uuid,
                HomeVisit.state,
                HomeVisit.address,
                HomeVisit.household_ref,
                HomeVisit.started_at,
                HomeVisit.visitor.display_name.as_alias("visitor_name"),
            )
            .where(where)
            .order_by(HomeVisit.started_at, ascending=False)
            .limit(50)
        )

    async with snapshot():
        mine = await listed(HomeVisit.visitor == actor.id)
        team = []
        if actor.role != Role.VOLUNTEER and actor.home_team_id:
            team = await listed(
                (HomeVisit.team == actor.home_team_id) & (HomeVisit.visitor != actor.id)
            )
        await record(
            actor,
            Operation.CONSULTATION,
            "home_visit",
            "list",
            detail=f"visit list ({len(mine) + len(team)} shown)",
        )
        not_fit = await why_not_visit(actor)
    return {"mine": mine, "team": team, "not_fit": not_fit}


async def start_choices(actor: Actor) -> dict:
    """What the start form offers: the current checklists and the team areas."""
    templates = await store.current_templates()
    return {
        "templates": [(t["id"], f"{t['name']} (version {t['version']})") for t in templates],
        "teams": await team_choices(),
    }


async def new_visit(actor: Actor, tasking_id: int | None = None) -> dict:
    """The start form's values: a new uuid, the actor's team; prefilled from a home-visit
    tasking of theirs when started from one (`source`). Raises NotFit."""
    if reason := await why_not_visit(actor):
        raise NotFit(reason)
    values: dict[str, Any] = {"team": actor.home_team_id or "", "uuid": str(uuidlib.uuid4())}
    source = await visit_tasking(actor, tasking_id) if tasking_id else None
    if source is not None:  # started from a home-visit tasking: where it is, prefilled
        values.update(
            tasking=source["id"],
            team=source["team"] or values["team"],
            address=source["address"] or "",
            lat="" if source["lat"] is None else source["lat"],
            lng="" if source["lng"] is None else source["lng"],
        )
    return {"values": values, "source": source}


@dataclass
class Started:
    """What start did: the visit's uuid (its page), or the errors and nothing stored."""

    uuid: str
    errors: FormErrors = field(default_factory=FormErrors)
    source: dict | None = None


async def start(actor: Actor, values: dict, errors: FormErrors | None = None) -> Started:
    """Start a visit (values from StartVisit; `errors` its form errors): with consent the
    household is kept, without it only "visit offered, declined". A start sent twice is one
    visit. Raises NotFit (nothing stored) for a volunteer not fit for home visits."""
    errors = FormErrors(errors or {})
    async with atomic():
        if reason := await why_not_visit(actor):
            raise NotFit(reason)
        try:
            visit_uuid = str(UUID(values.get("uuid") or ""))
        except ValueError:
            visit_uuid = str(uuidlib.uuid4())  # no script on the phone: the server makes one
        existing = (
            await HomeVisit.select(HomeVisit.visitor).where(HomeVisit.uuid == visit_uuid).first()
        )
        if existing is not None:
            if existing["visitor"] == actor.id:  # the same start sent twice
                return Started(visit_uuid)
            visit_uuid = str(uuidlib.uuid4())
        found = await _checked(actor, values, errors)
        if errors:
            return Started(visit_uuid, errors, found["source"])
        declined = values["consent"] == "no"
        address, reference = values["address"], values["household_ref"]
        visit = HomeVisit(
            uuid=visit_uuid,
            template=found["template"],
            visitor=actor.id,
            team=values["team"],
            state=VisitState.DECLINED if declined else VisitState.IN_PROGRESS,
            # Without consent only "visit offered, declined" is kept: no address, no point.
            household_key="" if declined else store.household_key(address, reference),
            address="" if declined else address,
            household_ref="" if declined else reference,
            lat=None if declined else values["lat"],
            lng=None if declined else values["lng"],
            consent=not declined,
            submitted_at=store.now() if declined else None,
            tasking_id=found["source"]["id"] if found["source"] else None,
        )
        await visit.save()
        await record(
            actor,
            Operation.COLLECTION,
            "home_visit",
            visit.id,
            detail="visit offered, declined" if declined else "visit started with consent",
        )
    return Started(visit_uuid)


async def _checked(actor: Actor, values: dict, errors: FormErrors) -> dict:
    """The start's checks that need the database: the checklist, the area, the tasking."""
    templates = {t["id"]: t for t in await store.current_templates()}
    template_text = values.get("template") or ""
    if len(templates) == 1 and not template_text:
        template_text = str(next(iter(templates)))
    template_id = whole_number(template_text)
    if template_id not in templates:
        errors.add("template", "Choose a checklist")
    if values.get("team") is not None and not await TeamArea.exists().where(
        TeamArea.id == values["team"]
    ):
        errors.add("team", "Choose a team area from the list")
    source = None
    tasking_text = values.get("tasking") or ""
    if tasking_text:
        tasking_id = whole_number(tasking_text)
        source = await visit_tasking(actor, tasking_id) if tasking_id is not None else None
        if source is None:
            errors.add("tasking", "That tasking is not an open home visit of yours")
    return {"template": template_id, "source": source}


async def open_visit(actor: Actor, visit_uuid) -> dict:
    """A visit as its page shows it (audited): to its visitor while in progress, every section
    to answer (`editing`) with earlier visits to the household; else the summary."""
    async with snapshot():
        visit = await visit_for(actor, visit_uuid)
        row, content = await content_of(visit)
        answers = await store.answers_of(visit["id"])
        await record(actor, Operation.CONSULTATION, "home_visit", visit["id"])
        shown = {
            "visit": visit,
            "version": row,
            "content": content,
            "answers": answers,
            "asked": checklist.asked(content, answers),
        }
        if not is_open_to(visit, actor):
            referrals, followups = await outcomes(visit["id"])
            return {**shown, "editing": False, "referrals": referrals, "followups": followups}
        earlier = await earlier_visits(actor, visit)
    return {**shown, "editing": True, "earlier": earlier}


@dataclass
class Answered:
    """One answer: the value kept (or the message why not) and whether it is newer."""

    visit: dict
    question: dict
    value: Any
    error: str | None
    newer: bool = False


async def answer(
    actor: Actor, visit_uuid, question: str, raw: list[str], given_at: int
) -> Answered:
    """Keep one answer (the latest given wins; a replay changes nothing), audited when kept.
    Raises NotFound when the visit is not open to the actor or has no such question."""
    async with atomic():
        gone = await retention_replay.erased(visit_uuid) is not None
        visit = await visit_for(actor, visit_uuid, editing=not gone)
        _, content = await content_of(visit)
        found = checklist.find_question(content, question)
        if found is None:
            raise NotFound("No such question on this visit's checklist")
        _, q = found
        value, error = checklist.check_answer(q, raw)
        if error:
            return Answered(visit, q, raw, error)
        if gone:  # erased by retention: a late replay is answered and nothing is kept
            return Answered(visit, q, "", None)
        newer = await store.save_answer(visit, question, value, given_at)
        if newer:
            dropped = await store.drop_unasked(visit, content, given_at)
            detail = f"answer {question}"
            if dropped:
                detail += "; answers no longer asked cleared: " + ", ".join(dropped)
            await record(actor, Operation.ALTERATION, "home_visit", visit["id"], detail=detail)
    return Answered(visit, q, value, None, newer)


async def save_section(
    actor: Actor, visit_uuid, number: int, data: Mapping[str, Any], given_at: int
) -> dict:
    """A whole section (a phone without script): every answer checked, then all kept, and
    the answers of questions no longer asked cleared. Returns {"errors", "number", "total"}
    and, with errors, the screen to show again; without, `again`: the questions of this
    section the answers now call for that its screen did not show (show it again)."""
    async with atomic():
        visit = await visit_for(actor, visit_uuid, editing=True)
        row, content = await content_of(visit)
        total = len(content["sections"])
        number = min(max(number, 1), total)
        errors = FormErrors()
        clean = {}
        stored = await store.answers_of(visit["id"])
        shown_before = checklist.asked(content, stored)
        for q in content["sections"][number - 1]["questions"]:
            value, error = checklist.check_answer(q, answer_values(data, q["key"]))
            if error:
                errors.add(f"q_{q['key']}", error)
            clean[q["key"]] = value
        result: dict[str, Any] = {"errors": errors, "number": number, "total": total}
        if errors:
            answers = {
                **stored,
                **{k: v for k, v in clean.items() if v is not None},
            }
            for key in errors:  # show what was typed beside its message
                answers[key.removeprefix("q_")] = answer_values(data, key.removeprefix("q_"))
            result.update(visit=visit, version=row, content=content, answers=answers)
            return result
        for key, value in clean.items():
            await store.save_answer(visit, key, value, given_at)
        await store.drop_unasked(visit, content, given_at)
        # The server decides the next screen: questions of this section the answers now call
        # for (and that the screen did not show) mean this section again, before moving on.
        now_answers = await store.answers_of(visit["id"])
        shown_now = checklist.asked(content, now_answers)
        result["again"] = [
            q["key"]
            for q in content["sections"][number - 1]["questions"]
            if q["key"] in shown_now - shown_before and q["key"] not in now_answers
        ]
        await record(
            actor,
            Operation.ALTERATION,
            "home_visit",
            visit["id"],
            detail=f"answers in section {number}",
        )
    return result


def _decision(decisions: Mapping[str, str], kind: str) -> str:
    """The decision for a suggested referral: by its kind, or its field's spelling of it."""
    return decisions.get(kind) or decisions.get(kind.replace(" ", "-")) or ""


async def check_page(
    actor: Actor,
    visit_uuid,
    errors: FormErrors | None = None,
    decisions: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> dict | None:
    """Check your answers: what is missing, the referrals suggested, the follow-ups set.
    None when the visit is not open to the actor (it is submitted, or not theirs). The first
    look (no errors yet) is audited."""
    async with snapshot() if errors is None else snapshot():
        visit = await visit_for(actor, visit_uuid)
        if not is_open_to(visit, actor):
            return None
        if errors is None:
            await record(
                actor, Operation.CONSULTATION, "home_visit", visit["id"], detail="check answers"
            )
        row, content = await content_of(visit)
        answers = await store.answers_of(visit["id"])
        referrals = checklist.referrals_for(content, answers)
        agencies = {
            s.agency_kind: await store.agency_for(s.agency_kind, visit["team"]) for s in referrals
        }
        serving = await store.agencies_serving(visit["team"])
    return {
        "visit": visit,
        "version": row,
        "content": content,
        "answers": answers,
        "asked": checklist.asked(content, answers),
        "missing": {q["key"]: n for n, q in checklist.missing_required(content, answers)},
        "errors": errors or FormErrors(),
        "referrals": referrals,
        "agencies": agencies,
        "decisions": {s.agency_kind: _decision(decisions or {}, s.agency_kind) for s in referrals},
        "values": values or {},
        "others": [(a["id"], f"{a['name']} ({a['kind']})") for a in serving],
        "followups": checklist.followups_for(content, answers, store.now().date()),
    }


async def submit(
    actor: Actor,
    visit_uuid,
    decisions: Mapping[str, str] | None = None,
    other_agency: int | None = None,
    other_reason: str = "",
    *,
    errors: FormErrors | None = None,
    at: datetime | None = None,
) -> FormErrors:
    """Submit a visit, once: in one transaction the state changes, the referrals and
    follow-ups are made, each follow-up becomes a home-visit tasking (app.taskings) and the
    audit entry is written; a visit made from a tasking finishes the visitor's part in it (done,
    through the taskings use case); all of it or, if any part fails, none.

    `decisions` maps each suggested referral's agency kind (or its form field's spelling,
    spaces as hyphens) to "made", "suggested" or "drop"; `other_agency` and `other_reason` are
    a referral the visitor makes that no answer suggested. `at`: when it was submitted (the
    demo dates its visits); `errors`: the form's own. Returns the errors (nothing stored);
    none when stored, or when it was already submitted (sent twice). Raises NotFound if the
    actor may not read the visit.
    """
    decisions = decisions or {}
    errors = FormErrors(errors or {})
    async with atomic():
        visit = await visit_for(actor, visit_uuid)
        if not is_open_to(visit, actor):
            return FormErrors()  # sent twice (a double tap, or a resend after a lost reply)
        _, content = await content_of(visit)
        answers = await store.answers_of(visit["id"])
        for _number, q in checklist.missing_required(content, answers):
            errors.add(f"q_{q['key']}", f"Answer: {q['text']}")
        chosen = {}
        for suggestion in checklist.referrals_for(content, answers):
            kind = suggestion.agency_kind
            choice = _decision(decisions, kind)
            if choice not in DECISIONS:
                errors.add(
                    f"referral_{kind.replace(' ', '-')}",
                    f"Choose what to do about the {kind} referral",
                )
            chosen[kind] = choice
        other = await _other_referral(visit, other_agency, other_reason, errors)
        if errors:
            return errors
        followup_ids = await store.submit(visit, content, chosen, actor.id, other, at=at)
        if followup_ids is None:
            return errors
        await followups_to_taskings(actor, followup_ids)
        # Made from a tasking: the visitor's part in it is done, the visit its outcome.
        await finish_part(
            actor, visit["tasking_id"], f"Home visit submitted: /visits/{visit['uuid']}"
        )
        await record(
            actor,
            Operation.ALTERATION,
            "home_visit",
            visit["id"],
            detail="submitted; referrals "
            + (", ".join(f"{k} {v}" for k, v in chosen.items()) or "none")
            + (f"; own referral to {other[0]['kind']}" if other else ""),
        )
    return errors


async def _other_referral(
    visit: dict, agency_id: int | None, reason: str, errors: FormErrors
) -> tuple[dict, str] | None:
    """A referral the visitor makes that no answer suggested: an agency from the directory."""
    reason = (reason or "").strip()
    if agency_id is None:
        if reason:
            errors.add("other_agency", "Choose the agency, or clear the reason")
        return None
    serving = {a["id"]: a for a in await store.agencies_serving(visit["team"])}
    if agency_id not in serving:
        errors.add("other_agency", "Choose an agency from the list")
    if not reason:
        errors.add("other_reason", "Say why you are referring the household")
    elif len(reason) > 200:
        errors.add("other_reason", "Enter a reason of 200 characters or fewer")
    return (serving[agency_id], reason) if agency_id in serving and reason else None


async def discard(actor: Actor, visit_uuid) -> None:
    """Erase a visit under way (started by mistake, or stopped) and its answers: its visitor
    only (NotFound for anyone else, or once it is submitted)."""
    async with atomic():
        visit = await visit_for(actor, visit_uuid, editing=True)
        await VisitAnswer.delete().where(VisitAnswer.visit == visit["id"])
        await HomeVisit.delete().where(HomeVisit.id == visit["id"])
        await record(actor, Operation.ERASURE, "home_visit", visit["id"], detail="visit discarded")
