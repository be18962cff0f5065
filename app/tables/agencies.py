"""Partner agencies that visitors and mentors refer people to."""

from piccolo.columns import Boolean, ForeignKey, Text, Varchar
from piccolo.table import Table

from app.tables.places import TeamArea


class PartnerAgency(Table):
    """A partner agency people can be referred or linked to (food bank, fire and rescue...)."""

    name = Varchar(length=120, index=True)
    kind = Varchar(length=40)  # e.g. fire, food bank, housing, health, council, charity
    area = ForeignKey(references=TeamArea, null=True)  # None: serves the whole force
    how_to_refer = Text(default="")
    active = Boolean(default=True)
