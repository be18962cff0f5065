"""The agency directory's use cases: list, add, change. Each takes the actor first."""

from __future__ import annotations

from app.actor import Actor
from app.database import atomic
from app.forms import FormErrors
from app.tables.agencies import PartnerAgency
from app.tables.places import TeamArea


class NotFound(LookupError):
    """No agency has that number."""


async def directory(actor: Actor) -> list[dict]:
    """Every agency, by kind then name, with its area's name."""
    return (
        await PartnerAgency.select(
            PartnerAgency.all_columns(), PartnerAgency.area.name.as_alias("area_name")
        )
        .order_by(PartnerAgency.kind)
        .order_by(PartnerAgency.name)
    )


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
    async with atomic():
        await _check_area(values, errors)
        if errors:
            return None, errors
        agency = PartnerAgency(**values)
        await agency.save()
    return agency.id, errors


async def change(actor: Actor, agency_id: int, values: dict) -> FormErrors:
    """Change an agency; raises NotFound; returns the errors (nothing changed if any)."""
    errors = FormErrors()
    async with atomic():
        await get(actor, agency_id)
        await _check_area(values, errors)
        if not errors:
            await PartnerAgency.update(values).where(PartnerAgency.id == agency_id)
    return errors
