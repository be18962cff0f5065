"""Places: the force, its divisions and sections, and the neighbourhood team areas (wards)."""

from piccolo.columns import Boolean, DoublePrecision, ForeignKey, Integer, Text, Varchar
from piccolo.table import Table


class Force(Table):
    """A police force."""

    name = Varchar(length=120, unique=True)


class Division(Table):
    """A division of a force."""

    force = ForeignKey(references=Force, null=False)
    name = Varchar(length=120)


class Section(Table):
    """A section (local policing area) of a division."""

    division = ForeignKey(references=Division, null=False)
    name = Varchar(length=120)


class TeamArea(Table):
    """A neighbourhood: the area one Safer Neighbourhood Team looks after."""

    section = ForeignKey(references=Section, null=False)
    name = Varchar(length=120, index=True)
    centre_lat = DoublePrecision()
    centre_lng = DoublePrecision()
    centre_is_approximate = Boolean(default=True)
    boundary_geojson = Text(null=True, default=None)
    households = Integer(null=True, default=None)
