"""What a use case raises when it will not do what it was asked, whatever feature it is in.

Handlers need not catch these: `app.errors` answers NotFound as 404 and NotAllowed as 403,
for a page or for JSON. `Refused` carries a message for the person (a state that does not
allow the change); a handler shows it where it belongs, or lets it answer 409.
"""

from __future__ import annotations


class NotFound(LookupError):
    """No such record, or one the actor may not know exists (answered as missing)."""


class NotAllowed(PermissionError):
    """The actor's role or relation to the record does not allow this."""


class Refused(ValueError):
    """The change cannot be made now; str(exc) says why, in the person's words."""
