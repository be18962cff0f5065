"""Team area boundaries (issue 15): one row per team area that has polygons."""

from piccolo.columns import Boolean, DoublePrecision, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.tables.places import TeamArea


class AreaBoundary(Table):
    """A team area's polygons (GeoJSON MultiPolygon, lng/lat), where they came from, and their
    bounding box (the database's first filter)."""

    team_area = ForeignKey(references=TeamArea, null=False, unique=True, on_delete=OnDelete.cascade)
    geometry = Text()  # GeoJSON MultiPolygon
    parts = Text(default="")  # the ward or neighbourhood names joined, "; " between them
    source = Varchar(length=255, default="")
    approximate = Boolean(default=False)  # joined by a mapping that is a guess (the demo's)
    min_lat = DoublePrecision()
    max_lat = DoublePrecision()
    min_lng = DoublePrecision()
    max_lng = DoublePrecision()
    centre_lat = DoublePrecision()  # a point inside the area (for maps and the briefing)
    centre_lng = DoublePrecision()
    imported_at = Timestamptz(default=TimestamptzNow())
