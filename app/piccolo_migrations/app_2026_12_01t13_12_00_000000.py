"""Data step (issue 16): partner agencies are unique by name (case and spaces ignored) and
kinds are spelt one way ("Food bank" and "food  bank" are "food bank").

Agencies whose names are the same are merged into the oldest (lowest id): every referral,
mentor contact and problem owner pointing at another of them points at it instead; it keeps
its own area and is active if any of them was; an empty "how to refer" takes the first other
one given. Then the others are deleted. Nothing else changes. Backwards: nothing to undo
(the merged rows cannot be told apart again).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Boolean, Text, Varchar
from piccolo.table import Table

ID = "2026-12-01T13:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Merge partner agencies of the same name; one spelling for each kind"

# Every column that points at a partner agency.
POINTERS = (
    ("referral", "agency"),
    ("mentor_contact", "agency"),
    ("problem_action", "owner_agency"),
)


class _Agency(Table, tablename="partner_agency"):
    name = Varchar(length=120)
    kind = Varchar(length=40)
    how_to_refer = Text(default="")
    active = Boolean(default=True)


def name_key(name: str) -> str:
    return " ".join((name or "").casefold().split())


def kind_key(kind: str) -> str:
    return " ".join((kind or "").lower().split())


async def merge_agencies() -> None:
    rows = await _Agency.select(
        _Agency.id, _Agency.name, _Agency.kind, _Agency.how_to_refer, _Agency.active
    ).order_by(_Agency.id)
    kept: dict[str, dict] = {}
    for row in rows:
        if kind_key(row["kind"]) != row["kind"]:
            await _Agency.update({_Agency.kind: kind_key(row["kind"])}).where(
                _Agency.id == row["id"]
            )
        key = name_key(row["name"])
        first = kept.get(key)
        if first is None:
            kept[key] = row
            continue
        for table, column in POINTERS:
            await _Agency.raw(
                f"UPDATE {table} SET {column} = {{}} WHERE {column} = {{}}", first["id"], row["id"]
            )
        changes = {}
        if not first["how_to_refer"] and row["how_to_refer"]:
            changes[_Agency.how_to_refer] = first["how_to_refer"] = row["how_to_refer"]
        if row["active"] and not first["active"]:
            changes[_Agency.active] = first["active"] = True
        if changes:
            await _Agency.update(changes).where(_Agency.id == first["id"])
        await _Agency.delete().where(_Agency.id == row["id"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)
    manager.add_raw(merge_agencies)
    return manager
