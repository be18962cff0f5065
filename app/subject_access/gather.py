"""Collecting everything held about one subject, kind by kind, into a Document.

Other people named beside the subject (the staff who made a record, the households a member
of staff visited) are third parties: their identities are withheld, and the document says so.
"""

from __future__ import annotations

from app.subject_access.document import Document
from app.subject_access.subjects import Kind, normalised, visit_keys
from app.tables.audit import AuditEntry
from app.tables.briefing import KeyContact
from app.tables.engagement import Engagement, KeyIndividual
from app.tables.mentoring import (
    MentorClient,
    MentorContact,
    MentorCoordinator,
    MentorGoal,
    PoliceCallCount,
)
from app.tables.patrol import PatrolCheckIn, PatrolPlan
from app.tables.people import Person, PersonTeam
from app.tables.sessions import SignInAttempt, UserSession
from app.tables.taskings import (
    PushSubscription,
    Tasking,
    TaskingAssignment,
    TaskingEvent,
    VolunteerProfile,
)
from app.tables.visits import ChecklistTemplate, FollowUp, HomeVisit, Referral, VisitAnswer
from app.visits import checklist

STAFF_WITHHELD = (
    "The names of the staff and volunteers who made or read these records (third parties)."
)


class NoSuchSubject(LookupError):
    """Nothing is held under that reference."""


async def _audit_about(references: list[tuple[str, list[int]]]) -> list[dict]:
    """Audit entries about the given records (record type, ids), without who made them."""
    rows: list[dict] = []
    for record_type, ids in references:
        if not ids:
            continue
        rows += await AuditEntry.select(
            AuditEntry.at,
            AuditEntry.operation,
            AuditEntry.record_type,
            AuditEntry.record_id,
            AuditEntry.detail,
        ).where(
            (AuditEntry.record_type == record_type)
            & AuditEntry.record_id.is_in([str(i) for i in ids])
        )
    return sorted(rows, key=lambda r: r["at"])


async def household(doc: Document) -> None:
    key = normalised(doc.reference)
    everything = await HomeVisit.select(
        HomeVisit.all_columns(exclude=[HomeVisit.visitor]),
        HomeVisit.team.name.as_alias("team_name"),
        HomeVisit.template.version.as_alias("checklist_version"),
    ).order_by(HomeVisit.started_at)
    visits = [v for v in everything if key in visit_keys(v)]
    visit_ids = [v["id"] for v in visits]
    answers, referrals, followups = [], [], []
    if visit_ids:
        uuids = {v["id"]: v["uuid"] for v in visits}
        templates = {
            t["id"]: checklist.load(t["content"])
            for t in await ChecklistTemplate.select(
                ChecklistTemplate.id, ChecklistTemplate.content
            ).where(ChecklistTemplate.id.is_in(list({v["template"] for v in visits})))
        }
        of_visit = {v["id"]: templates[v["template"]] for v in visits}
        for a in (
            await VisitAnswer.select(
                VisitAnswer.visit, VisitAnswer.question, VisitAnswer.value, VisitAnswer.saved_at
            )
            .where(VisitAnswer.visit.is_in(visit_ids))
            .order_by(VisitAnswer.id)
        ):
            if not a["value"]:
                continue
            found = checklist.find_question(of_visit[a["visit"]], a["question"])
            answers.append(
                {
                    "visit": uuids[a["visit"]],
                    "question": found[1]["text"] if found else a["question"],
                    "answer": checklist.shown(checklist.load(a["value"])),
                    "saved_at": a["saved_at"],
                }
            )
        referrals = (
            await Referral.select(
                Referral.id,
                Referral.visit.uuid.as_alias("visit"),
                Referral.agency.name.as_alias("agency"),
                Referral.agency_kind,
                Referral.reason,
                Referral.state,
                Referral.consent.as_alias("consent_to_share"),
                Referral.consent_reason,
                Referral.consent_at,
                Referral.suggested_at,
                Referral.made_at,
                Referral.accepted_at,
                Referral.closed_at,
            )
            .where(Referral.visit.is_in(visit_ids))
            .order_by(Referral.id)
        )
        followups = (
            await FollowUp.select(
                FollowUp.id,
                FollowUp.visit.uuid.as_alias("visit"),
                FollowUp.reason,
                FollowUp.due_on,
                FollowUp.done,
                FollowUp.done_at,
                FollowUp.tasking_id,
            )
            .where(FollowUp.visit.is_in(visit_ids))
            .order_by(FollowUp.id)
        )
    linked = {v["tasking_id"] for v in visits} | {f["tasking_id"] for f in followups}
    taskings = [
        t
        for t in await Tasking.select(
            Tasking.id,
            Tasking.kind,
            Tasking.title,
            Tasking.details,
            Tasking.address,
            Tasking.lat,
            Tasking.lng,
            Tasking.starts_at,
            Tasking.ends_at,
            Tasking.cancelled,
            Tasking.created_at,
        ).order_by(Tasking.id)
        if t["id"] in linked or (t["address"] and normalised(t["address"]) == key)
    ]
    if not visits and not taskings:
        raise NoSuchSubject(doc.reference)
    doc.label = visits[0]["address"] if visits and visits[0]["address"] else doc.reference
    doc.add(
        "home_visits",
        "Home visits",
        [
            {
                "visit": v["uuid"],
                "state": v["state"],
                "address": v["address"],
                "household_reference": v["household_ref"],
                "latitude": v["lat"],
                "longitude": v["lng"],
                "consent_to_visit_recorded": v["consent"],
                "team_area": v["team_name"],
                "checklist_version": v["checklist_version"],
                "started_at": v["started_at"],
                "submitted_at": v["submitted_at"],
            }
            for v in visits
        ],
    )
    doc.add("visit_answers", "Answers given on the visits", answers)
    doc.add("referrals", "Referrals to partner agencies, and consent to share", referrals)
    doc.add("follow_ups", "Follow-ups", followups)
    doc.add("taskings", "Taskings at the address or made from the visits", taskings)
    doc.add(
        "audit",
        "Processing of these records (audit log)",
        await _audit_about(
            [
                ("home_visit", visit_ids),
                ("referral", [r["id"] for r in referrals]),
                ("follow_up", [f["id"] for f in followups]),
                ("tasking", [t["id"] for t in taskings]),
            ]
        ),
    )
    doc.withheld.append(STAFF_WITHHELD)


async def client(doc: Document) -> None:
    row = (
        await MentorClient.select(MentorClient.all_columns(exclude=[MentorClient.mentor]))
        .where(MentorClient.reference == doc.reference)
        .first()
    )
    if row is None:
        raise NoSuchSubject(doc.reference)
    doc.label = row["reference"]
    contacts = (
        await MentorContact.select(
            MentorContact.id,
            MentorContact.contact_date,
            MentorContact.kind,
            MentorContact.duration_minutes,
            MentorContact.note,
            MentorContact.is_risk,
            MentorContact.agency.name.as_alias("agency"),
            MentorContact.created_at,
        )
        .where(MentorContact.client == row["id"])
        .order_by(MentorContact.contact_date)
    )
    goals = await MentorGoal.select(
        MentorGoal.id, MentorGoal.title, MentorGoal.progress, MentorGoal.updated_at
    ).where(MentorGoal.client == row["id"])
    calls = (
        await PoliceCallCount.select(
            PoliceCallCount.id, PoliceCallCount.month, PoliceCallCount.calls
        )
        .where(PoliceCallCount.client == row["id"])
        .order_by(PoliceCallCount.month)
    )
    doc.add("mentor_client", "The client record", [row])
    doc.add(
        "mentor_contacts",
        "Contacts with the mentor",
        [c for c in contacts if not c["is_risk"]],
        "Confidential to the mentor and the mentor coordinator.",
    )
    doc.add(
        "risk_notes",
        "Crime and risk information (shared with the police)",
        [c for c in contacts if c["is_risk"]],
    )
    doc.add("mentor_goals", "Goals", goals)
    doc.add("police_calls", "Calls to the police by month (the programme's outcome)", calls)
    doc.add(
        "audit",
        "Processing of these records (audit log)",
        await _audit_about(
            [
                ("mentor-client", [row["id"]]),
                ("mentor-contact", [c["id"] for c in contacts]),
                ("mentor-goal", [g["id"] for g in goals]),
                ("police-calls", [c["id"] for c in calls]),
            ]
        ),
    )
    doc.withheld.append(STAFF_WITHHELD)


async def key_individual(doc: Document) -> None:
    row = None
    if doc.reference.isdigit() and len(doc.reference) < 10:
        row = (
            await KeyIndividual.select(
                KeyIndividual.all_columns(exclude=[KeyIndividual.added_by]),
                KeyIndividual.team.name.as_alias("team_area"),
            )
            .where(KeyIndividual.id == int(doc.reference))
            .first()
        )
    if row is None:
        raise NoSuchSubject(doc.reference)
    doc.label = f"{row['name']} (number {row['id']})"
    entries = (
        await Engagement.select(
            Engagement.id,
            Engagement.kind,
            Engagement.topics,
            Engagement.occurred_at,
            Engagement.team.name.as_alias("team_area"),
            Engagement.note,
            Engagement.follow_up,
            Engagement.follow_up_due,
            Engagement.follow_up_done,
            Engagement.created_at,
            Engagement.deleted_at,
        )
        .where(Engagement.key_individual == row["id"])
        .order_by(Engagement.occurred_at)
    )
    name = normalised(row["name"])
    contacts = [
        c
        for c in await KeyContact.select(
            KeyContact.id,
            KeyContact.team_area.name.as_alias("team_area"),
            KeyContact.name,
            KeyContact.role,
            KeyContact.how_to_contact,
        )
        if normalised(c["name"]) == name
    ]
    doc.add("key_individual", "The key individual record", [row])
    doc.add("engagement", "Engagement entries that name them", entries)
    doc.add(
        "key_contacts",
        "Briefing key contacts with the same name",
        contacts,
        "Matched by name: check each is the same person before disclosing it.",
    )
    doc.add(
        "audit",
        "Processing of these records (audit log)",
        await _audit_about(
            [
                ("key-individual", [row["id"]]),
                ("engagement", [e["id"] for e in entries]),
            ]
        ),
    )
    doc.withheld.append(STAFF_WITHHELD)


async def staff(doc: Document) -> None:
    person = (
        await Person.select(
            Person.all_columns(exclude=[Person.password_hash]),
            Person.home_team.name.as_alias("home_team_area"),
        )
        .where(Person.username == doc.reference.lower())
        .first()
    )
    if person is None:
        raise NoSuchSubject(doc.reference)
    pid = person["id"]
    doc.label = f"{person['display_name']} ({person['username']})"
    doc.add("person", "Their account", [person])
    doc.add(
        "teams",
        "Team areas they work in",
        await PersonTeam.select(PersonTeam.team.name.as_alias("team_area")).where(
            PersonTeam.person == pid
        ),
    )
    doc.add(
        "volunteer_profile",
        "Vetting and training",
        await VolunteerProfile.select(
            VolunteerProfile.all_columns(
                exclude=[VolunteerProfile.person, VolunteerProfile.updated_by]
            )
        ).where(VolunteerProfile.person == pid),
    )
    doc.add(
        "mentor_coordinator",
        "Mentor coordinator",
        await MentorCoordinator.select(MentorCoordinator.id).where(MentorCoordinator.person == pid),
    )
    doc.add(
        "sessions",
        "Signed-in sessions",
        await UserSession.select(
            UserSession.created_at,
            UserSession.last_seen_at,
            UserSession.expires_at,
            UserSession.user_agent,
        ).where(UserSession.person == pid),
    )
    doc.add(
        "sign_in_attempts",
        "Failed sign-in attempts kept to limit guessing",
        await SignInAttempt.select(SignInAttempt.at, SignInAttempt.address).where(
            SignInAttempt.username_key == person["username"]
        ),
    )
    doc.add(
        "devices",
        "Devices that receive notifications",
        await PushSubscription.select(PushSubscription.label, PushSubscription.created_at).where(
            PushSubscription.person == pid
        ),
    )
    doc.add(
        "audit_trail",
        "What they did (audit log entries they made)",
        await AuditEntry.select(
            AuditEntry.at,
            AuditEntry.operation,
            AuditEntry.record_type,
            AuditEntry.record_id,
            AuditEntry.detail,
            AuditEntry.address,
        )
        .where(AuditEntry.actor == pid)
        .order_by(AuditEntry.id),
    )
    doc.add(
        "audit_about",
        "Changes to their account (audit log)",
        await _audit_about([("person", [pid])]),
    )
    doc.add(
        "engagement",
        "Their engagement log entries",
        await Engagement.select(
            Engagement.id,
            Engagement.kind,
            Engagement.topics,
            Engagement.occurred_at,
            Engagement.lat,
            Engagement.lng,
            Engagement.note,
            Engagement.follow_up,
            Engagement.follow_up_due,
            Engagement.created_at,
            Engagement.deleted_at,
        )
        .where(Engagement.author == pid)
        .order_by(Engagement.occurred_at),
    )
    doc.add(
        "check_ins",
        "Patrol check-ins",
        await PatrolCheckIn.select(
            PatrolCheckIn.at,
            PatrolCheckIn.point.label.as_alias("point"),
            PatrolCheckIn.lat,
            PatrolCheckIn.lng,
            PatrolCheckIn.accuracy_m,
            PatrolCheckIn.distance_m,
            PatrolCheckIn.automatic,
            PatrolCheckIn.reason,
            PatrolCheckIn.note,
            PatrolCheckIn.checked_out_at,
        )
        .where(PatrolCheckIn.person == pid)
        .order_by(PatrolCheckIn.at),
    )
    doc.add(
        "patrol_plans",
        "Patrol plans assigned to them",
        await PatrolPlan.select(
            PatrolPlan.day, PatrolPlan.title, PatrolPlan.status, PatrolPlan.shift_start
        ).where(PatrolPlan.assignee == pid),
    )
    doc.add(
        "visits_made",
        "Home visits they made",
        await HomeVisit.select(
            HomeVisit.uuid,
            HomeVisit.state,
            HomeVisit.team.name.as_alias("team_area"),
            HomeVisit.started_at,
            HomeVisit.submitted_at,
        )
        .where(HomeVisit.visitor == pid)
        .order_by(HomeVisit.started_at),
        "The households' addresses and answers are withheld (third parties).",
    )
    doc.add(
        "taskings",
        "Their part in taskings",
        await TaskingAssignment.select(
            TaskingAssignment.tasking.id.as_alias("tasking"),
            TaskingAssignment.tasking.kind.as_alias("kind"),
            TaskingAssignment.tasking.starts_at.as_alias("starts_at"),
            TaskingAssignment.state,
            TaskingAssignment.note,
            TaskingAssignment.updated_at,
        ).where(TaskingAssignment.person == pid),
    )
    doc.add(
        "tasking_events",
        "Changes they made to taskings",
        await TaskingEvent.select(
            TaskingEvent.tasking,
            TaskingEvent.from_state,
            TaskingEvent.to_state,
            TaskingEvent.note,
            TaskingEvent.at,
        ).where(TaskingEvent.actor == pid),
    )
    doc.add(
        "mentor_clients",
        "Clients they mentor (pseudonymous references)",
        await MentorClient.select(
            MentorClient.reference, MentorClient.start_date, MentorClient.status
        ).where(MentorClient.mentor == pid),
    )
    doc.withheld.append("Their password hash: kept only to check their sign-ins.")
    doc.withheld.append(
        "Tasking titles, details and addresses, and the households they visited (third parties)."
    )


GATHER = {
    Kind.HOUSEHOLD: household,
    Kind.CLIENT: client,
    Kind.KEY_INDIVIDUAL: key_individual,
    Kind.STAFF: staff,
}
