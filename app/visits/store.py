"""Reading and writing visits: templates and their versions, answers, submitting."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from app.database import atomic
from app.tables.agencies import PartnerAgency
from app.tables.visits import (
    ChecklistTemplate,
    FollowUp,
    HomeVisit,
    Referral,
    ReferralState,
    ShareConsent,
    VisitAnswer,
    VisitState,
)
from app.visits import checklist

DEFAULT_FILE = Path(__file__).with_name("default_template.json")
DEFAULT_FAMILY = "default"
# The checklist question whose answer is the household's consent to share with agencies.
SHARE_QUESTION = "consent_share"


def now() -> datetime:
    return datetime.now(UTC)


def shipped_content() -> tuple[str, dict]:
    """The shipped template's name and content (app/visits/default_template.json)."""
    data = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    return data["name"], {"sections": data["sections"]}


async def ensure_default_template() -> None:
    """Create the shipped template the first time anything asks for templates; and when the
    shipped file changed (a release added questions), add it as the default family's next
    version, so visits already made keep theirs. Versioning rule: only while the current
    default version is the shipped one (no person made it); once someone edited the family
    in the editor, their version stays current and the new questions are theirs to add."""
    name, content = shipped_content()
    current = (
        await ChecklistTemplate.select(ChecklistTemplate.content, ChecklistTemplate.created_by)
        .where((ChecklistTemplate.family == DEFAULT_FAMILY) & ChecklistTemplate.current.eq(True))
        .first()
    )
    if current is not None:
        if current["created_by"] is None and current["content"] != checklist.dump(content):
            await _upgrade_default(name, content)
        return
    if await ChecklistTemplate.exists():
        return
    async with atomic():
        if not await ChecklistTemplate.exists():
            await ChecklistTemplate.insert(
                ChecklistTemplate(
                    family=DEFAULT_FAMILY,
                    name=name,
                    version=1,
                    content=checklist.dump(content),
                    current=True,
                )
            )


async def _upgrade_default(name: str, content: dict) -> None:
    """The shipped content as the default family's next version (checked again in the change,
    so two requests at once add it once)."""
    async with atomic():
        current = (
            await ChecklistTemplate.select()
            .where(
                (ChecklistTemplate.family == DEFAULT_FAMILY) & ChecklistTemplate.current.eq(True)
            )
            .first()
        )
        if (
            current
            and current["created_by"] is None
            and current["content"] != checklist.dump(content)
        ):
            await new_version(current, content, None, name)


async def current_templates() -> list[dict]:
    await ensure_default_template()
    return (
        await ChecklistTemplate.select()
        .where(ChecklistTemplate.current.eq(True))
        .order_by(ChecklistTemplate.name)
    )


async def template(template_id: int) -> dict | None:
    return await ChecklistTemplate.select().where(ChecklistTemplate.id == template_id).first()


async def new_version(old: dict, content: dict, person_id: int | None, name: str = "") -> int:
    """Save a changed template as the next version of its family; returns the new id."""
    async with atomic():
        latest = (
            await ChecklistTemplate.select(ChecklistTemplate.version)
            .where(ChecklistTemplate.family == old["family"])
            .order_by(ChecklistTemplate.version, ascending=False)
            .first()
        )
        await ChecklistTemplate.update({ChecklistTemplate.current: False}).where(
            ChecklistTemplate.family == old["family"]
        )
        row = ChecklistTemplate(
            family=old["family"],
            name=name or old["name"],
            version=latest["version"] + 1,
            content=checklist.dump(content),
            current=True,
            created_by=person_id,
        )
        await row.save()
    return row.id


def referral_consent(share, made_now: bool) -> tuple[str, bool]:
    """(consent, made) for a referral a visit makes: its consent defaults from the visit's
    answer to the sharing question (yes: given, no: refused, unanswered: not recorded).
    Referring now ("Refer now: the household agrees") records consent given; but a household
    that said no to sharing is never referred: that referral stays suggested, consent refused."""
    if share == "no":
        return ShareConsent.REFUSED, False
    if share == "yes" or made_now:
        return ShareConsent.GIVEN, made_now
    return "", False


def household_key(address: str, reference: str) -> str:
    """The same household typed twice gives the same key: case, spaces and commas ignored."""
    text = reference.strip() or address
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()[:200]


async def answers_of(visit_id: int) -> dict:
    rows = await VisitAnswer.select(VisitAnswer.question, VisitAnswer.value).where(
        VisitAnswer.visit == visit_id
    )
    return {r["question"]: json.loads(r["value"]) for r in rows if r["value"]}


async def save_answer(visit: dict, question: str, value, given_at: int) -> bool:
    """Keep one row per visit and question; an answer given earlier never replaces a later one.
    True if this answer is now the one kept and was not before (False: a replay, or older)."""
    key = f"{visit['uuid']}:{question}"
    encoded = json.dumps(value, ensure_ascii=False) if checklist.answered(value) else ""
    before = await VisitAnswer.select(VisitAnswer.given_at).where(VisitAnswer.key == key).first()
    newer = before is None or before["given_at"] < given_at
    if encoded:  # clearing a question never answered leaves nothing to store
        await VisitAnswer.insert(
            VisitAnswer(
                key=key, visit=visit["id"], question=question, value=encoded, given_at=given_at
            )
        ).on_conflict(target=VisitAnswer.key, action="DO NOTHING")
    await VisitAnswer.update(
        {VisitAnswer.value: encoded, VisitAnswer.given_at: given_at, VisitAnswer.saved_at: now()}
    ).where((VisitAnswer.key == key) & (VisitAnswer.given_at <= given_at))
    return newer


async def drop_unasked(
    visit: dict, content: dict, given_at: int = 0, *, erase: bool = False
) -> list[str]:
    """Clear the answers of questions the answers no longer call for (children's questions
    once there are none, "What kind?" after a no): a hidden question's answer is not kept.
    Cleared as of `given_at` while the visit is under way, so an older answer replayed later
    does not bring it back; `erase` (at submission) deletes them whatever their time.
    Returns the keys cleared."""
    answers = await answers_of(visit["id"])
    shown = checklist.asked(content, answers)
    dropped = [key for key in answers if key not in shown]
    if erase and dropped:
        await VisitAnswer.delete().where(
            (VisitAnswer.visit == visit["id"]) & VisitAnswer.question.is_in(dropped)
        )
        return dropped
    for key in dropped:
        await save_answer(visit, key, "", given_at)
    return dropped


async def agency_for(kind: str, team_id: int | None) -> dict | None:
    """The active agency of a kind serving the team area (its own before force-wide ones)."""
    rows = await PartnerAgency.select().where(
        (PartnerAgency.kind == kind) & PartnerAgency.active.eq(True)
    )
    local = [r for r in rows if r["area"] == team_id and team_id is not None]
    wide = [r for r in rows if r["area"] is None]
    best = local or wide
    return min(best, key=lambda r: r["name"]) if best else None


async def agencies_serving(team_id: int | None) -> list[dict]:
    """Active agencies for the team area or the whole force, for a visitor's own referral."""
    rows = (
        await PartnerAgency.select()
        .where(PartnerAgency.active.eq(True))
        .order_by(PartnerAgency.name)
    )
    return [r for r in rows if r["area"] is None or r["area"] == team_id]


async def submit(
    visit: dict,
    content: dict,
    decisions: dict[str, str],
    owner: int,
    other: tuple[dict, str] | None = None,
    at: datetime | None = None,
) -> list[int] | None:
    """Submit once: the referrals kept and the follow-ups set; returns the follow-ups' ids.
    None if it was already submitted. Called by app.visits.service.submit, in its transaction.

    decisions maps an agency kind to "made" (referred now), "suggested" (to refer later)
    or "drop"; `other` is a referral the visitor made that no answer suggested (agency,
    reason). `at` is when it was submitted (now unless given: the demo dates its visits).
    The state change and the new rows are one transaction, so a visit sent twice at once is
    still stored once.
    """
    stamp = at or now()
    made: list[int] = []
    async with atomic():
        changed = (
            await HomeVisit.update(
                {HomeVisit.state: VisitState.SUBMITTED, HomeVisit.submitted_at: stamp}
            )
            .where((HomeVisit.id == visit["id"]) & (HomeVisit.state == VisitState.IN_PROGRESS))
            .returning(HomeVisit.id)
        )
        if not changed:
            return None
        # Answers to questions the other answers no longer call for are not kept.
        await drop_unasked(visit, content, erase=True)
        answers = await answers_of(visit["id"])
        share = answers.get(SHARE_QUESTION)
        for s in checklist.referrals_for(content, answers):
            decision = decisions.get(s.agency_kind, "suggested")
            if decision == "drop":
                continue
            agency = await agency_for(s.agency_kind, visit["team"])
            consent, refer_now = referral_consent(share, decision == "made")
            await Referral(
                visit=visit["id"],
                agency=agency["id"] if agency else None,
                agency_kind=s.agency_kind,
                question=s.question,
                reason=s.reason,
                state=ReferralState.MADE if refer_now else ReferralState.SUGGESTED,
                owner=owner,
                suggested_at=stamp,
                made_at=stamp if refer_now else None,
                consent=consent,
                consent_by=owner if consent else None,
                consent_at=stamp if consent else None,
            ).save()
        if other is not None:
            agency, reason = other
            consent, refer_now = referral_consent(share, True)
            await Referral(
                visit=visit["id"],
                agency=agency["id"],
                agency_kind=agency["kind"],
                question="",
                reason=reason,
                state=ReferralState.MADE if refer_now else ReferralState.SUGGESTED,
                owner=owner,
                suggested_at=stamp,
                made_at=stamp if refer_now else None,
                consent=consent,
                consent_by=owner if consent else None,
                consent_at=stamp if consent else None,
            ).save()
        for s in checklist.followups_for(content, answers, stamp.date()):
            followup = FollowUp(
                visit=visit["id"],
                question=s.question,
                reason=s.reason,
                due_on=s.due_on,
                owner=owner,
            )
            await followup.save()
            made.append(followup.id)
    return made
