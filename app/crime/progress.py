"""A plain progress bar on stderr, and the import summary both importers print."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field

FIRST_FEW = 5  # line numbers kept for each reason a row was rejected


class Progress:
    """Redraws one stderr line at most ten times a second (only when stderr is a terminal)."""

    def __init__(self, label: str, total: int, stream=None):
        self.label, self.total = label, max(total, 1)
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self._last = 0.0

    def update(self, done: int, rows: int) -> None:
        now = time.monotonic()
        if not self.live or now - self._last < 0.1:
            return
        self._last = now
        share = min(done / self.total, 1.0)
        bar = "#" * int(share * 30)
        self.stream.write(f"\r{self.label[-30:]:30} [{bar:30}] {share:4.0%} {rows:,} rows")
        self.stream.flush()

    def finish(self, rows: int) -> None:
        self.stream.write(f"\r{self.label[-30:]:30} [{'#' * 30}] 100% {rows:,} rows\n")
        self.stream.flush()


@dataclass
class Summary:
    """What an import did: rows read, stored, without a location, rejected (with why and where)."""

    read: int = 0
    stored: int = 0
    unchanged: int = 0
    no_location: int = 0
    rejected: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    months: set[str] = field(default_factory=set)
    forces: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, other: Summary) -> None:
        """Count in what another summary (one file's) holds."""
        self.read += other.read
        self.stored += other.stored
        self.unchanged += other.unchanged
        self.no_location += other.no_location
        for reason, count in other.rejected.items():
            self.rejected[reason] += count
            seen = self.examples.setdefault(reason, [])
            seen.extend(other.examples[reason][: FIRST_FEW - len(seen)])
        self.months |= other.months
        self.forces |= other.forces
        self.refused.extend(other.refused)
        self.notes.extend(other.notes)

    def reject(self, reason: str, where: str) -> None:
        self.rejected[reason] += 1
        seen = self.examples.setdefault(reason, [])
        if len(seen) < FIRST_FEW:
            seen.append(where)

    @property
    def rows_per_second(self) -> float:
        return (self.stored + self.unchanged) / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        out = [
            f"Rows read: {self.read:,}",
            f"Rows stored: {self.stored:,}",
            f"Rows already stored (unchanged): {self.unchanged:,}",
            f"Rows without a location: {self.no_location:,}",
            f"Rows rejected: {sum(self.rejected.values()):,}",
        ]
        for reason, count in self.rejected.most_common():
            out.append(f"  {count:,} x {reason} (first at {', '.join(self.examples[reason])})")
        if self.months:
            out.append(f"Months: {', '.join(sorted(self.months))}")
        if self.forces:
            out.append(f"Forces: {', '.join(sorted(self.forces))}")
        out.extend(self.notes)
        for refusal in self.refused:
            out.append(f"Refused: {refusal}")
        out.append(f"Time: {self.seconds:.2f} s ({self.rows_per_second:,.0f} rows/s)")
        return out
