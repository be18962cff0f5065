"""The shared directory of partner agencies that mentors and home visits refer people to."""

from piccolo.columns import ForeignKey, Text, Varchar
from piccolo.table import Table

from app.tables.places import TeamArea


class PartnerAgency(Table):
    """An agency people can be referred to (food bank, housing, drug service...)."""

    name = Varchar(length=120, index=True)
    kind = Varchar(length=60, default="")
    area = ForeignKey(references=TeamArea, null=True)  # None: serves the whole force
    how_to_refer = Text(default="")
