"""The time people in England read: the one time zone every feature shows and parses in."""

from zoneinfo import ZoneInfo

# Europe/London: GMT in winter, BST in summer.
LOCAL_TIME = ZoneInfo("Europe/London")
