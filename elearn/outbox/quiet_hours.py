"""Quiet hours: reminders and nudges go out only 08:00-20:00 (Rome), never on Sundays or holidays.

Workers often do shifts and read mail on a personal phone: a message about a course at night or
on a day off is an intrusion. Italian public holidays come from the `holidays` package, with
Milan's own (Sant'Ambrogio, 7 December), since the three cooperatives are in Milan.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

from elearn.i18n import local_zone

FIRST_HOUR = time(8, 0)
LAST_HOUR = time(20, 0)  # not at 20:00 or later
SUNDAY = 6


@lru_cache(maxsize=16)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("IT", subdiv="MI", years=year)


def is_rest_day(day: date) -> bool:
    return day.weekday() == SUNDAY or day in _holidays(day.year)


def is_quiet(moment: datetime) -> bool:
    """Whether a reminder must wait at this moment (an aware datetime)."""
    local = moment.astimezone(local_zone())
    return is_rest_day(local.date()) or not (FIRST_HOUR <= local.time() < LAST_HOUR)


def next_allowed(moment: datetime) -> datetime:
    """`moment` itself when messages may go out then, else 08:00 of the next working day (UTC)."""
    if not is_quiet(moment):
        return moment
    local = moment.astimezone(local_zone())
    day = local.date() if local.time() < FIRST_HOUR else local.date() + timedelta(days=1)
    while is_rest_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, FIRST_HOUR, tzinfo=local_zone()).astimezone(UTC)
