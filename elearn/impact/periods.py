"""The impact report's reporting calendar: calendar quarters and calendar years, once they are over.

Why a fixed calendar: with free first and last days, two periods that differ by one day differ by
the people who answered on that day, and the difference of two means then gives one person's
score away (6 × mean of 6 − 5 × mean of 5). Fixed periods that never overlap partially leave an
attacker only the few comparisons the calendar offers, and the rounding of the means
(elearn.impact.measures) makes even those too coarse to place one person's score.

Why quarters (and whole years), not months: a funder reports by quarter and by year; a month
holds a third of a quarter's answers, so many more rows would fall under the minimum of pairs,
and twelve periods a year give three times as many pairs of periods to subtract.

Why only periods that are over: the current quarter grows every day, so reloading it daily
would replay the walk of the last day that the fixed calendar is there to stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date, gettext

FIRST_YEAR = 2000  # the oldest period a key may name
LISTED_YEARS = 5  # how many years of periods the page offers
KEY = re.compile(r"(?P<year>[0-9]{4})(?:-Q(?P<quarter>[1-4]))?")


class PeriodError(Exception):
    """A period the report does not cover; `message` is translated, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Period:
    key: str  # "2026-Q3" (a calendar quarter) or "2026" (a calendar year)
    start: date
    end: date

    @property
    def is_year(self) -> bool:
        return "-" not in self.key

    @property
    def label(self) -> str:
        if self.is_year:
            return gettext("Year %(year)d", year=self.start.year)
        return gettext(
            "Quarter %(quarter)d %(year)d (%(first)s–%(last)s)",
            quarter=(self.start.month - 1) // 3 + 1,
            year=self.start.year,
            first=format_date(self.start, "MMM"),
            last=format_date(self.end, "MMM"),
        )


def quarter(year: int, number: int) -> Period:
    first_month = 3 * (number - 1) + 1
    start = date(year, first_month, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, first_month + 3, 1)
    return Period(f"{year}-Q{number}", start, date.fromordinal(end.toordinal() - 1))


def year(value: int) -> Period:
    return Period(str(value), date(value, 1, 1), date(value, 12, 31))


def closed(today: date) -> tuple[list[Period], list[Period]]:
    """The periods the page offers: (quarters, years) over before `today`, newest first."""
    quarters = [
        quarter(y, q)
        for y in range(today.year, today.year - LISTED_YEARS - 1, -1)
        for q in (4, 3, 2, 1)
        if y >= FIRST_YEAR and quarter(y, q).end < today
    ][: 4 * LISTED_YEARS]
    years = [
        year(y) for y in range(today.year - 1, today.year - LISTED_YEARS - 1, -1) if y >= FIRST_YEAR
    ]
    return quarters, years


def default(today: date) -> Period:
    """The last quarter that is over."""
    return closed(today)[0][0]


def parse(key: str, today: date) -> Period:
    """The period a key names ("2026-Q3", "2026"); PeriodError when there is none or it is not
    over yet."""
    match = KEY.fullmatch(key.strip()[:10])
    if match is None:
        raise PeriodError(gettext("Choose a quarter or a year from the list."))
    value = int(match["year"])
    if value < FIRST_YEAR:
        raise PeriodError(gettext("Choose a quarter or a year from the list."))
    period = quarter(value, int(match["quarter"])) if match["quarter"] else year(value)
    if period.end >= today:
        raise PeriodError(
            gettext(
                "%(period)s is not over yet: the report covers only quarters and years that "
                "have ended.",
                period=period.label,
            )
        )
    return period
