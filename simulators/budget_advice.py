"""What to look at first in a budget: the debt-service level and the ranked advice."""

from __future__ import annotations

from typing import Any

from simulators.budget_catalogue import (
    DEBT_HIGH_SHARE,
    DEBT_WATCH_SHARE,
    EMERGENCY_MONTHS_TARGET,
    RULE_TARGETS,
)
from simulators.budget_model import Advice, BudgetInput, CategoryShare
from simulators.numbers import cents, round_half_up

MAX_ADVICE = 5


def debt_level(share: float | None, debts: float) -> str:
    """'none' (no instalments), 'ok', 'watch' (above 30 %), 'high' (above 35 %), or
    'no_income' when there are instalments but no income to measure them against."""
    if debts <= 0:
        return "none"
    if share is None:
        return "no_income"
    if share > DEBT_HIGH_SHARE:
        return "high"
    if share > DEBT_WATCH_SHARE:
        return "watch"
    return "ok"


def _largest(shares: tuple[CategoryShare, ...], groups: tuple[str, ...]) -> list[dict[str, Any]]:
    chosen = [s for s in shares if s.group in groups][:2]
    return [
        {
            "category": s.category,
            "label_it": s.label("it"),
            "label_en": s.label("en"),
            "amount": cents(s.amount),
        }
        for s in chosen
    ]


def advise(
    data: BudgetInput,
    income: float,
    balance: float,
    totals: dict[str, float],
    spending: float,
    shares: tuple[CategoryShare, ...],
    debt_share: float | None,
    level: str,
    irregular: float,
) -> tuple[Advice, ...]:
    """What to look at first: urgent problems (spending more than comes in, instalments above
    35 % of income) first, then the others, largest monthly amount first.

    Each item's impact is the euros a month the problem is about, so that different problems
    can be ranked: the shortfall, the instalments above 30 % of income, the spending above the
    50/30 guides, a twelfth of what is missing from a three-month emergency fund, and the
    monthly share of yearly bills to put aside.
    """
    items: list[Advice] = []
    if income <= 0:
        if data.expenses:
            items.append(Advice("no_income", sum(line.monthly for line in data.expenses), {}))
        return tuple(items)
    if balance < 0:
        items.append(Advice("shortfall", -balance, {"amount": -balance}))
    if level in ("watch", "high"):
        excess = totals["debts"] - income * DEBT_WATCH_SHARE / 100
        items.append(
            Advice(
                "debt_high" if level == "high" else "debt_watch",
                excess,
                {"share": round_half_up(debt_share or 0.0, 1), "excess": excess},
            )
        )
    wants_excess = totals["wants"] - income * RULE_TARGETS["wants"] / 100
    if wants_excess > 0.005:
        items.append(
            Advice(
                "wants_over",
                wants_excess,
                {"excess": wants_excess, "largest": _largest(shares, ("wants",))},
            )
        )
    needs_excess = totals["needs"] + totals["debts"] - income * RULE_TARGETS["needs"] / 100
    if needs_excess > 0.005:
        items.append(
            Advice(
                "needs_over",
                needs_excess,
                {"excess": needs_excess, "largest": _largest(shares, ("needs",))},
            )
        )
    if data.savings is not None and spending > 0:
        target = EMERGENCY_MONTHS_TARGET * spending
        if data.savings < target:
            gap = target - data.savings
            items.append(
                Advice(
                    "emergency_fund_low",
                    gap / 12,
                    {"target": target, "gap": gap, "monthly": gap / 12},
                )
            )
    if irregular > 0.005:
        items.append(Advice("irregular_costs", irregular, {"monthly": irregular}))
    saved = totals["savings"] + max(balance, 0.0)
    save_gap = income * RULE_TARGETS["savings"] / 100 - saved
    if balance >= 0 and save_gap > 0.005:
        items.append(Advice("save_more", save_gap, {"gap": save_gap}))
    if not items:
        items.append(Advice("on_track", 0.0, {}))
    # Urgent problems first whatever their size (money is running out, or instalments are
    # above what any bank would accept); then everything else by euros a month.
    urgent = {"no_income": 0, "shortfall": 1, "debt_high": 2}
    items.sort(key=lambda item: (urgent.get(item.code, 9), -round(item.impact, 2)))
    return tuple(items[:MAX_ADVICE])
