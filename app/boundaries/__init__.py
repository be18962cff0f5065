"""Team area boundaries: polygons read from GeoJSON or police.uk's neighbourhood format,
attached to team areas (`beatbook import-boundaries`), and point-in-polygon membership wherever
the app asks "in this area" (briefing by area, demand, coverage, volunteers' areas)."""
