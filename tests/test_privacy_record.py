"""docs/privacy.md classifies every column of every table: a column added without a line
there, or a line left for a column that is gone, fails here (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

from app.piccolo_app import APP_CONFIG

RECORD = Path(__file__).resolve().parent.parent / "docs" / "privacy.md"
CLASSES = {"no", "yes", "special", "pseudonymous"}
TABLE = re.compile(r"^#### `(\w+)`")
ROW = re.compile(r"^\| `(\w+)` \| ([^|]*?) \| ([^|]*?) \| ([^|]*?) \| ([^|]*?) \|\s*$")


def classified(text: str) -> dict[str, dict[str, list[str]]]:
    """{table: {column: [personal?, what, who sees it, kept on]}} as the record lists them."""
    found: dict[str, dict[str, list[str]]] = {}
    table = None
    in_columns = False
    for line in text.splitlines():
        if line.startswith("## "):
            in_columns = line.strip() == "## Every column"
            table = None
            continue
        if not in_columns:
            continue
        if match := TABLE.match(line):
            table = match.group(1)
            assert table not in found, f"{table} is listed twice"
            found[table] = {}
        elif table and (match := ROW.match(line)):
            column = match.group(1)
            assert column not in found[table], f"{table}.{column} is listed twice"
            found[table][column] = [g.strip() for g in match.groups()[1:]]
    return found


def stored() -> dict[str, set[str]]:
    return {
        t._meta.tablename: {c._meta.db_column_name for c in t._meta.columns}
        for t in APP_CONFIG.table_classes
    }


def test_every_column_of_every_table_is_classified_and_nothing_else():
    record = classified(RECORD.read_text(encoding="utf-8"))
    tables = stored()
    missing = [
        f"{t}.{c}"
        for t, columns in tables.items()
        for c in sorted(columns - set(record.get(t, {})))
    ]
    gone = [
        f"{t}.{c}"
        for t, columns in record.items()
        for c in sorted(set(columns) - tables.get(t, set()))
    ]
    assert missing == [], f"classify these columns in docs/privacy.md: {missing}"
    assert gone == [], f"docs/privacy.md lists columns that no longer exist: {gone}"


def test_each_classification_is_one_of_the_kinds_and_personal_columns_say_who_and_where():
    problems = []
    for table, columns in classified(RECORD.read_text(encoding="utf-8")).items():
        for column, (personal, what, who, kept) in columns.items():
            if personal not in CLASSES:
                problems.append(f"{table}.{column}: {personal!r} is not one of {sorted(CLASSES)}")
            if not what:
                problems.append(f"{table}.{column}: say what it holds")
            if personal != "no" and (who in ("", "—") or "server" not in kept):
                problems.append(f"{table}.{column}: a personal column needs who and where")
    assert problems == []


def test_the_parser_sees_a_missing_and_a_stale_column():
    """The check can fail: a record without one column, and with one too many."""
    text = RECORD.read_text(encoding="utf-8")
    dropped = re.sub(r"^\| `address` \| yes \| the household's address .*\n", "", text, flags=re.M)
    assert "address" not in classified(dropped)["home_visit"]
    assert "address" in classified(text)["home_visit"]
    extra = text.replace(
        "| `saved_at` | no | stored at | — | — |",
        "| `saved_at` | no | stored at | — | — |\n| `gone` | no | a column long gone | — | — |",
    )
    assert "gone" in classified(extra)["visit_answer"]
    assert "## Retention" in text
