"""Shift and window times: HH:MM on a plan's day, local time, past midnight for night shifts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.clock import LOCAL_TIME

LOCAL = LOCAL_TIME


def parse_hhmm(value: str) -> time | None:
    try:
        hours, minutes = value.strip().split(":")
        return time(int(hours), int(minutes))
    except (ValueError, AttributeError):
        return None


def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, LOCAL)


def shift_bounds(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """A shift that ends at or before it starts runs past midnight."""
    begin = at(day, start)
    finish = at(day, end)
    if finish <= begin:
        finish += timedelta(days=1)
    return begin, finish


def in_shift(shift_start: datetime, clock: time) -> datetime:
    """A clock time during a shift: on the shift's day, or the next day if the shift runs past
    midnight and the time is earlier than the shift's start."""
    local_start = shift_start.astimezone(LOCAL)
    moment = at(local_start.date(), clock)
    if moment < local_start:
        moment += timedelta(days=1)
    return moment


def hhmm(moment: datetime | None) -> str:
    return moment.astimezone(LOCAL).strftime("%H:%M") if moment else ""


def same_clock(moment: datetime, days: int) -> datetime:
    """The same local clock time some days later (right across a change to or from BST)."""
    local = moment.astimezone(LOCAL).replace(tzinfo=None) + timedelta(days=days)
    return local.replace(tzinfo=LOCAL)
