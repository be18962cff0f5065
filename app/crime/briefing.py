"""TRANSITION (issue 10): `as_time` now lives in app.crime.nearby (the briefing itself moved to
app/briefing/). Patrol's app/patrol/demand.py still imports it from here; once that import reads
`from app.crime.nearby import as_time`, delete this module."""

from app.crime.nearby import as_time

__all__ = ["as_time"]
