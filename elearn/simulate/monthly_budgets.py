"""Monthly budgets: a budget saved for each month, compared month by month, with its chart."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from babel.dates import format_date
from flask_babel import gettext
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models.scenarios import SCENARIO_NAME_MAX, SavedScenario
from elearn.simulate.budget_form import build_planner, stored_inputs
from elearn.simulate.services import ScenarioError, add_scenario
from simulators import InvalidInput
from simulators.registry import get

MAX_MONTHLY_BUDGETS = 120  # ten years of months; not counted among the named scenarios
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> str | None:
    """'2026-12' for a month written that way (years 2000-2100), else None."""
    match = _MONTH.match(text.strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100 or not 1 <= int(match.group(2)) <= 12:
        return None
    return match.group(0)


def current_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def month_label(month: str, lang: str = "it") -> str:
    """'dicembre 2026' / 'December 2026'."""
    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), "LLLL y", locale=lang)


def budget_months(user_id: int) -> list[SavedScenario]:
    """A user's monthly budgets, oldest month first."""
    return list(
        db.session.scalars(
            select(SavedScenario)
            .where(SavedScenario.user_id == user_id, SavedScenario.month.is_not(None))
            .order_by(SavedScenario.month)
        )
    )


def budget_month(user_id: int, month: str) -> SavedScenario | None:
    return db.session.scalar(
        select(SavedScenario).where(SavedScenario.user_id == user_id, SavedScenario.month == month)
    )


def save_budget_month(
    user_id: int, month_text: str, args: Mapping[str, str], lang: str
) -> tuple[SavedScenario, bool]:
    """Store the budget in ``args`` as the budget of a month, replacing the one saved before
    for that month. Returns (scenario, replaced). Raises ScenarioError or InvalidInput."""
    month = parse_month(month_text)
    if month is None:
        raise ScenarioError(gettext("Choose the month as year and month, for example 2026-12."))
    planner = build_planner(args, lang, example=False)
    if planner.parsed is None:
        raise InvalidInput(planner.problems)
    inputs = stored_inputs(planner.parsed)
    existing = budget_month(user_id, month)
    if existing is not None:
        existing.inputs = inputs
        db.session.commit()
        return existing, True
    count = db.session.scalar(
        select(func.count(SavedScenario.id)).where(
            SavedScenario.user_id == user_id, SavedScenario.month.is_not(None)
        )
    )
    if (count or 0) >= MAX_MONTHLY_BUDGETS:
        raise ScenarioError(
            gettext(
                "You already have %(max)d monthly budgets. Delete an old one, then save again.",
                max=MAX_MONTHLY_BUDGETS,
            )
        )
    name = gettext("Budget %(month)s", month=month)
    taken = db.session.scalar(
        select(SavedScenario.id).where(SavedScenario.user_id == user_id, SavedScenario.name == name)
    )
    if taken is not None:
        name = f"{name} ({month_label(month, lang)})"[:SCENARIO_NAME_MAX]
    scenario = SavedScenario(
        user_id=user_id, simulator="budget", name=name, inputs=inputs, month=month
    )
    add_scenario(scenario, gettext("This month was saved at the same moment elsewhere. Try again."))
    return scenario, False


@dataclass
class MonthRow:
    """One saved month with its totals and the change since the month saved before it."""

    scenario: SavedScenario
    label: str
    income: float
    expenses: float
    balance: float
    savings_rate: float | None
    debt_share: float | None
    change_expenses: float | None = None
    change_balance: float | None = None


def month_rows(user_id: int, lang: str = "it") -> list[MonthRow]:
    """The monthly budgets with their totals, oldest first, each compared with the one before."""
    rows: list[MonthRow] = []
    for scenario in budget_months(user_id):
        try:
            result = get("budget").run(scenario.inputs)
        except InvalidInput:
            continue
        row = MonthRow(
            scenario=scenario,
            label=month_label(scenario.month or "2000-01", lang),
            income=result["total_income"],
            expenses=result["total_expenses"],
            balance=result["balance"],
            savings_rate=result["savings_rate"],
            debt_share=result["debt_service"]["share"],
        )
        if rows:
            row.change_expenses = row.expenses - rows[-1].expenses
            row.change_balance = row.balance - rows[-1].balance
        rows.append(row)
    return rows


def _short_month(month: str, lang: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), "MMM yy", locale=lang)


@dataclass
class MonthChart:
    """Bars for an inline SVG (attributes only: the page's CSP allows no inline styles)."""

    width: int
    height: int
    baseline: float
    bars: list[dict[str, Any]]
    labels: list[dict[str, Any]]


def month_chart(rows: list[MonthRow], lang: str = "it") -> MonthChart | None:
    """Income and expense bars per month, the last twelve months saved."""
    shown = rows[-12:]
    if not shown:
        return None
    top = max([max(row.income, row.expenses) for row in shown] + [1.0])
    slot, bar, height, base = 60, 24, 160, 170.0
    bars, labels = [], []
    for position, row in enumerate(shown):
        x = 8 + position * slot
        for offset, (kind, value) in enumerate(
            (("income", row.income), ("expenses", row.expenses))
        ):
            tall = value / top * height
            bars.append(
                {"x": x + offset * (bar + 2), "y": base - tall, "w": bar, "h": tall, "kind": kind}
            )
        labels.append({"x": x + bar + 1, "text": _short_month(row.scenario.month or "", lang)})
    # At least six slots wide, so that two months do not look like a wall of colour.
    return MonthChart(16 + slot * max(len(shown), 6), 200, base, bars, labels)
