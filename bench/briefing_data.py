"""Generated national-scale files for the briefing benchmarks (written to /tmp, never committed)."""

from __future__ import annotations

import csv
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.crime.importer import HEADER
from app.crime.incidents import HEADER as INCIDENT_HEADER

DERBY_CENTRE = (52.9225, -1.4746)  # the busy town-centre point the speed benchmark asks about
TYPES = [
    "Anti-social behaviour",
    "Violence and sexual offences",
    "Shoplifting",
    "Burglary",
    "Vehicle crime",
    "Criminal damage and arson",
    "Public order",
    "Other theft",
    "Drugs",
]


def towns(rng: random.Random, count: int = 40) -> list[tuple[float, float]]:
    """Town centres spread over England and Wales, Derby's among them."""
    return [DERBY_CENTRE] + [
        (rng.uniform(50.6, 54.8), rng.uniform(-3.8, 0.6)) for _ in range(count - 1)
    ]


def near(rng: random.Random, lat: float, lng: float, sigma_m: float) -> tuple[float, float]:
    north, east = rng.gauss(0, sigma_m), rng.gauss(0, sigma_m)
    return lat + north / 111_195, lng + east / (111_195 * math.cos(math.radians(lat)))


def crimes_file(path: Path, rows: int, months=("2023-02", "2024-01", "2024-02"), seed=1) -> Path:
    """A police.uk-format street file: forces sorted, ASB without IDs, some No Location rows."""
    if path.exists() and path.stat().st_size > rows * 60:
        return path
    rng = random.Random(seed)
    centres = towns(rng)
    per_group = rows // (len(months) * len(centres))
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        n = 0
        for index, centre in enumerate(centres):
            force = f"Force {index:02d} Police"
            for month in months:
                for _ in range(per_group):
                    n += 1
                    kind = rng.choice(TYPES)
                    ident = "" if kind == TYPES[0] else f"{n:064x}"
                    if rng.random() < 0.01:
                        lat = lng = ""
                        location = "No Location"
                    else:
                        lat, lng = near(rng, *centre, 2500)
                        lat, lng, location = (
                            f"{lat:.6f}",
                            f"{lng:.6f}",
                            f"On or near Street {n % 997}",
                        )
                    writer.writerow(
                        [
                            ident,
                            month,
                            force,
                            force,
                            lng,
                            lat,
                            location,
                            "E01000001",
                            "Somewhere 001A",
                            kind,
                            "Under investigation",
                            "",
                        ]
                    )
    return path


def incidents_file(path: Path, rows: int, seed=2) -> Path:
    """A force incident extract over 24 months with people who repeat and knife incidents."""
    if path.exists() and path.stat().st_size > rows * 60:
        return path
    rng = random.Random(seed)
    centres = towns(rng)
    now = datetime.now(UTC)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(INCIDENT_HEADER)
        for n in range(rows):
            lat, lng = near(rng, *rng.choice(centres), 1500)
            when = now - timedelta(days=rng.uniform(0, 730))
            victim = f"V{rng.randrange(20_000)}" if rng.random() < 0.3 else ""
            suspect = f"S{rng.randrange(10_000)}" if rng.random() < 0.3 else ""
            writer.writerow(
                [
                    f"INC{n:08d}",
                    when.isoformat(timespec="seconds"),
                    rng.choice(TYPES),
                    f"{lat:.6f}",
                    f"{lng:.6f}",
                    f"Street {n % 997}",
                    victim,
                    suspect,
                    "knife" if rng.random() < 0.03 else "",
                ]
            )
    return path
