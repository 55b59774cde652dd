"""The reporting calendar of the impact report around the turn of a quarter and of a year."""

from __future__ import annotations

from datetime import date

import pytest

from elearn.impact import periods


@pytest.mark.parametrize(
    ("today", "last_quarter", "last_year"),
    [
        (date(2027, 1, 1), "2026-Q4", "2026"),  # the year ended yesterday: both are offered
        (date(2026, 12, 31), "2026-Q3", "2025"),  # its last day: neither Q4 nor 2026 yet
        (date(2026, 4, 1), "2026-Q1", "2025"),
        (date(2026, 3, 31), "2025-Q4", "2025"),
    ],
)
def test_only_periods_that_are_over_are_offered_and_accepted(app, today, last_quarter, last_year):
    with app.test_request_context("/"):
        quarters, years = periods.closed(today)
        assert periods.default(today).key == quarters[0].key == last_quarter
        assert years[0].key == last_year and len(quarters) == 20 and len(years) == 5
        assert all(p.end < today for p in quarters + years)
        keys = [p.key for p in quarters]
        assert len(set(keys)) == 20 and keys == sorted(keys, reverse=True)
        running = periods.quarter(today.year, (today.month - 1) // 3 + 1)
        for key in (running.key, str(today.year)):
            with pytest.raises(periods.PeriodError, match="non è ancora concluso"):
                periods.parse(key, today)
        assert periods.parse(last_quarter, today) == quarters[0]


def test_quarters_cover_the_year_without_gaps_and_read_in_italian(app):
    with app.test_request_context("/"):
        days = [periods.quarter(2024, n) for n in (1, 2, 3, 4)]
        assert days[0].start == date(2024, 1, 1) and days[-1].end == date(2024, 12, 31)
        for one, next_one in zip(days, days[1:], strict=False):
            assert (next_one.start - one.end).days == 1
        assert days[0].end == date(2024, 3, 31) and days[1].end == date(2024, 6, 30)
        assert days[2].label == "3º trimestre 2024 (lug–set)"
        assert periods.year(2024).label == "Anno 2024"
        assert periods.parse(" 2024 ", date(2026, 1, 1)).key == "2024"  # spaces trimmed
        for wrong in ("2024-Q0", "2024-q1", "24-Q1", "1999", "２０２４", "9" * 5000):
            with pytest.raises(periods.PeriodError, match="Scegli un trimestre"):
                periods.parse(wrong, date(2026, 1, 1))


def test_a_quarter_begins_and_ends_at_midnight_where_the_cooperatives_are(app) -> None:
    """00:30 in Milan on 1 October (22:30 UTC on 30 September, summer time) is in the fourth
    quarter; 00:30 on 1 January (23:30 UTC on 31 December) is in the next year."""
    from datetime import UTC, date, datetime

    from elearn.impact.measures import period_bounds

    with app.app_context():
        low, high = period_bounds(date(2026, 7, 1), date(2026, 9, 30))
        assert high == datetime(2026, 9, 30, 22, 0, tzinfo=UTC)
        assert low == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
        low, high = period_bounds(date(2026, 10, 1), date(2026, 12, 31))
        assert low <= datetime(2026, 9, 30, 22, 30, tzinfo=UTC) < high
        assert high == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
