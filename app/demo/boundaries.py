"""Demo: Derby's 18 ward boundaries (ONS, 2025) joined into the demo's 2020 Derby teams by an
approximate mapping (app/data/derby-teams-to-wards.csv): the same import as the command."""

from __future__ import annotations

from app.boundaries.importer import import_boundaries
from app.settings import APP_DIR

ORDER = 11  # after the team areas (10), before anything that asks which area a point is in
WARDS = APP_DIR / "data" / "derby-wards-2025.geojson"
MAPPING = APP_DIR / "data" / "derby-teams-to-wards.csv"


async def load(ctx) -> None:
    ctx.made["boundaries"] = await import_boundaries([WARDS], MAPPING)
