from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-12-01T07:49:44:057792"
VERSION = "1.38.0"
DESCRIPTION = ""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Engagement",
        tablename="engagement",
        column_name="kind",
        db_column_name="kind",
        params={
            "choices": Enum(
                "EngagementKind",
                {
                    "DOOR_KNOCK": "door-knock",
                    "STREET": "street",
                    "MEETING": "meeting",
                    "EVENT": "event",
                    "SCHOOL": "school",
                    "SURGERY": "surgery",
                    "SOCIAL_MEDIA": "social-media",
                    "KEY_INDIVIDUAL": "key-individual",
                    "OTHER": "other",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="MentorClient",
        tablename="mentor_client",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "ClientStatus",
                {"ACTIVE": "active", "PAUSED": "paused", "EXITED": "exited"},
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="MentorContact",
        tablename="mentor_contact",
        column_name="kind",
        db_column_name="kind",
        params={
            "choices": Enum(
                "ContactKind",
                {
                    "MEETING": "meeting",
                    "PHONE": "phone",
                    "APPOINTMENT": "appointment",
                    "ADVOCACY": "advocacy",
                    "REFERRAL": "referral",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="MentorGoal",
        tablename="mentor_goal",
        column_name="progress",
        db_column_name="progress",
        params={
            "choices": Enum(
                "GoalProgress",
                {
                    "NOT_STARTED": "not-started",
                    "IN_PROGRESS": "in-progress",
                    "ACHIEVED": "achieved",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="PatrolPlan",
        tablename="patrol_plan",
        column_name="status",
        db_column_name="status",
        params={"choices": Enum("PlanState", {"DRAFT": "draft", "PUBLISHED": "published"})},
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="PatrolPoint",
        tablename="patrol_point",
        column_name="source",
        db_column_name="source",
        params={
            "choices": Enum(
                "PointSource",
                {"SUGGESTION": "suggestion", "MAP": "map", "ADDRESS": "address"},
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Person",
        tablename="person",
        column_name="role",
        db_column_name="role",
        params={
            "choices": Enum(
                "Role",
                {
                    "PCSO": "pcso",
                    "OFFICER": "officer",
                    "VOLUNTEER": "volunteer",
                    "MENTOR": "mentor",
                    "SUPERVISOR": "supervisor",
                    "ADMIN": "admin",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="PushMessage",
        tablename="push_message",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "PushStatus",
                {
                    "PENDING": "pending",
                    "SENDING": "sending",
                    "DELIVERED": "delivered",
                    "FAILED": "failed",
                    "GONE": "gone",
                    "NO_DEVICE": "no_device",
                    "SIGNED_OUT": "signed_out",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="TaskingAssignment",
        tablename="tasking_assignment",
        column_name="state",
        db_column_name="state",
        params={
            "choices": Enum(
                "State",
                {
                    "OFFERED": "offered",
                    "ACCEPTED": "accepted",
                    "DECLINED": "declined",
                    "ASSIGNED": "assigned",
                    "ACKNOWLEDGED": "acknowledged",
                    "IN_PROGRESS": "in_progress",
                    "DONE": "done",
                    "CANNOT_DO": "cannot_do",
                    "CANCELLED": "cancelled",
                    "CLOSED": "closed",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="HomeVisit",
        tablename="home_visit",
        column_name="state",
        db_column_name="state",
        params={
            "choices": Enum(
                "VisitState",
                {
                    "IN_PROGRESS": "in progress",
                    "SUBMITTED": "submitted",
                    "DECLINED": "declined",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Referral",
        tablename="referral",
        column_name="state",
        db_column_name="state",
        params={
            "choices": Enum(
                "ReferralState",
                {
                    "SUGGESTED": "suggested",
                    "MADE": "made",
                    "ACCEPTED": "accepted",
                    "CLOSED": "closed",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
