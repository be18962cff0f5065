"""Someone else's record answers exactly as a record that does not exist (issue 11): numbers
in addresses reveal nothing, and a refused look leaves nothing in the audit log."""

from __future__ import annotations

import re

from app.tables.audit import AuditEntry
from tests.helpers import sync

JSON = {"accept": "application/json"}
# What differs between any two pages and says nothing of the record: when it was drawn.
RENDERED_AT = re.compile(r'<meta name="rendered-at" content="[^"]*">')


def _body(response) -> str:
    return RENDERED_AT.sub('<meta name="rendered-at">', response.text)


def answers_as_missing(
    session,
    method: str,
    theirs: str,
    missing: str,
    data: dict | None = None,
    *,
    json_status: int = 404,
    **kwargs,
) -> None:
    """`session` asks for `theirs` (a record that exists but is not theirs) and for `missing`
    (one that does not exist), as a page and as JSON: both answer 404 (`json_status` as JSON,
    for the outbox's routes that answer a record gone for good with 400) with the same body
    (but for the time it was drawn) and type each time, and nothing is written to the audit
    log."""
    entries = sync(AuditEntry.count())
    for headers, status in (({}, 404), (JSON, json_status)):

        def ask(url: str, headers=headers):
            if method == "GET":
                return session.get(url, headers=headers, **kwargs)
            return session.post(url, dict(data or {}), headers=headers, **kwargs)

        other, none = ask(theirs), ask(missing)
        assert (other.status_code, none.status_code) == (status, status), (theirs, headers)
        assert other.headers["content-type"] == none.headers["content-type"], theirs
        assert _body(other) == _body(none), theirs
    assert sync(AuditEntry.count()) == entries, f"{theirs}: a refused look was audited"
