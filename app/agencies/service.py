"""The agency directory's use cases: list, add, change. Each takes the actor first."""

from __future__ import annotations

from app.actor import Actor
from app.database import atomic
from app.forms import FormErrors
from app.tables.agencies import PartnerAgency
from app.tables.places import TeamArea


class NotFound(LookupError):
    """No agency has that number."""


def name_key(name: str) -> str:
    """What makes two agencies' names the same: case and spaces ignored."""
    return " ".join((name or "").casefold().split())


def kind_key(kind: str) -> str:
    """A kind as it is stored and matched: one case, single spaces ("Food  bank" is "food bank")."""
    return " ".join((kind or "").lower().split())


async def _check_name(values: dict, errors: FormErrors, agency_id: int | None = None) -> None:
    """Refuse a name another agency has already (the directory is small: read it whole)."""
    key = name_key(values["name"])
    rows = await PartnerAgency.select(PartnerAgency.id, PartnerAgency.name)
    for row in rows:
        if row["id"] != agency_id and name_key(row["name"]) == key:
            errors.add("name", f"{row['name']} is already in the directory: change that one")
            return


async def find_by_name(name: str) -> dict | None:
    """The agency of that name (case and spaces ignored), or None."""
    key = name_key(name)
    for row in await PartnerAgency.select():
        if name_key(row["name"]) == key:
            return row
    return None


async def directory(actor: Actor) -> list[dict]:
    """Every agency, by kind then name, with its area's name."""
    return (
        await PartnerAgency.select(
            PartnerAgency.all_columns(), PartnerAgency.area.name.as_alias("area_name")
        )
        .order_by(PartnerAgency.kind)
        .order_by(PartnerAgency.name)
    )


async def kinds(suggested: list[str]) -> list[str]:
    """The kinds to offer: the suggested ones and every kind in use, each spelt once."""
    used = await PartnerAgency.select(PartnerAgency.kind).distinct()
    return sorted({kind_key(k) for k in suggested} | {kind_key(r["kind"]) for r in used} - {""})


async def get(actor: Actor, agency_id: int) -> dict:
    agency = await PartnerAgency.select().where(PartnerAgency.id == agency_id).first()
    if agency is None:
        raise NotFound(agency_id)
    return agency


async def _check_area(values: dict, errors: FormErrors) -> None:
    if values["area"] is not None and not await TeamArea.exists().where(
        TeamArea.id == values["area"]
    ):
        errors.add("area", "Choose a team area from the list")


async def add(actor: Actor, values: dict) -> tuple[int | None, FormErrors]:
    """Add an agency (values from AgencyForm); returns its id, or the errors and stores nothing."""
    errors = FormErrors()
    values = {**values, "name": " ".join(values["name"].split()), "kind": kind_key(values["kind"])}
    async with atomic():
        await _check_name(values, errors)
        await _check_area(values, errors)
        if errors:
            return None, errors
        agency = PartnerAgency(**values)
        await agency.save()
    return agency.id, errors


async def change(actor: Actor, agency_id: int, values: dict) -> FormErrors:
    """Change an agency; raises NotFound; returns the errors (nothing changed if any)."""
    errors = FormErrors()
    values = {**values, "name": " ".join(values["name"].split()), "kind": kind_key(values["kind"])}
    async with atomic():
        await get(actor, agency_id)
        await _check_name(values, errors, agency_id)
        await _check_area(values, errors)
        if not errors:
            await PartnerAgency.update(values).where(PartnerAgency.id == agency_id)
    return errors
