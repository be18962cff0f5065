"""The time people in England read: the one time zone every feature shows and parses in."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

# Europe/London: GMT in winter, BST in summer.
LOCAL_TIME = ZoneInfo("Europe/London")


def today() -> date:
    """Today's date in England: what 'expired' and 'due' are measured against."""
    return datetime.now(LOCAL_TIME).date()
