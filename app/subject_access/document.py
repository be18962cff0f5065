"""What a subject access export holds: sections of records, each a list of plain rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass
class Section:
    """One kind of record held about the subject: its rows, column by column."""

    key: str  # a stable name: "home_visits", "referrals"...
    title: str
    rows: list[dict[str, Any]]
    note: str = ""

    @property
    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row))
        return list(seen)


@dataclass
class Document:
    """Everything held about one subject, as disclosed."""

    kind: str
    reference: str
    label: str
    made_at: datetime
    made_by: str
    sections: list[Section] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)  # what is held but not disclosed, why

    def add(self, key: str, title: str, rows: list[dict], note: str = "") -> None:
        self.sections.append(Section(key, title, [plain_row(r) for r in rows], note))

    @property
    def counts(self) -> dict[str, int]:
        return {s.key: len(s.rows) for s in self.sections}

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_json(self) -> dict:
        """The document as JSON-ready data (the download)."""
        return {
            "subject": {"kind": self.kind, "reference": self.reference, "label": self.label},
            "made_at": self.made_at.isoformat(),
            "made_by": self.made_by,
            "counts": self.counts,
            "sections": [
                {"key": s.key, "title": s.title, "note": s.note, "records": s.rows}
                for s in self.sections
            ],
            "withheld": self.withheld,
        }


def plain(value: Any) -> Any:
    """A value as JSON and the printed page show it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def plain_row(row: dict) -> dict:
    return {k: plain(v) for k, v in row.items()}
