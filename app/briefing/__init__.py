"""The briefing: what happened near where you stand or in a team area (app/routes/briefing*.py).

- `where`: the circle asked for (PlaceForm's values) and the team area it falls in;
- `place`: its place part (recent incidents, counts, repeat places), `people`: the named
  people in it (police roles only);
- `levels`: how much each role sees (police: incidents one by one; civilians: police.uk level,
  incidents only counted; mentors: none unless BEATBOOK_MENTOR_BRIEFING=place);
- `service`: the use cases of the pages (briefing, people, counts_csv), `area`: a team area's
  priorities and key contacts.

The crime data behind it (imports, the stored rows, spatial look-ups) is `app.crime`.
"""
