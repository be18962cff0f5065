"""The audit log of personal data processing (Data Protection Act 2018, section 62)."""

from piccolo.columns import ForeignKey, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.tables.people import Person


class AuditEntry(Table):
    """Who did what to which record, when, and why. Never changed or deleted by the app."""

    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(references=Person, null=True)
    actor_username = Varchar(length=60, default="", index=True)
    operation = Varchar(length=20, index=True)
    record_type = Varchar(length=40, index=True)
    record_id = Varchar(length=64, default="", index=True)
    justification = Varchar(length=500, default="")
    detail = Varchar(length=500, default="")
    address = Varchar(length=64, default="")
