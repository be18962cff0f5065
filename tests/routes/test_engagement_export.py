"""The team log's CSV export: nothing a person typed runs as a formula in a spreadsheet."""

from __future__ import annotations

import csv
import io
import uuid

from app.tables.engagement import KeyIndividual
from tests.factories import make_team
from tests.helpers import sync

JSON = {"accept": "application/json"}


def test_cells_typed_like_formulas_come_out_as_text(as_role):
    team = make_team("=North")
    pcso = as_role("pcso", home_team=team.id, display_name="@Ann Smith")
    key = KeyIndividual(team=team.id, name='=HYPERLINK("http://evil")', added_by=pcso.person.id)
    sync(key.save())
    body = {
        "uuid": str(uuid.uuid4()),
        "kind": "street",
        "topics": ["asb"],
        "note": "=1+2",
        "follow_up": "-3 bins",
        "key_individual": str(key.id),
    }
    assert pcso.post("/log", body, headers=JSON).status_code == 201
    plain = {"uuid": str(uuid.uuid4()), "kind": "street", "topics": ["asb"], "note": "Quiet"}
    assert pcso.post("/log", plain, headers=JSON).status_code == 201

    export = as_role("supervisor").get("/log/team/export.csv")
    assert export.status_code == 200
    rows = {r["note"]: r for r in csv.DictReader(io.StringIO(export.text))}
    typed = rows["'=1+2"]
    assert typed["follow_up"] == "'-3 bins"
    assert typed["team"] == "'=North"
    assert typed["author"] == "'@Ann Smith"
    assert typed["key_individual"] == '\'=HYPERLINK("http://evil")'
    # What does not start like a formula is unchanged; so are numbers.
    assert rows["Quiet"]["team"] == "'=North" and rows["Quiet"]["id"].isdigit()
