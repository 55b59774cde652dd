"""Debt payoff planner: avalanche (highest rate first) or snowball (smallest balance first).

Each month: interest accrues on every balance at annual_rate / 12; the minimum payment is paid
on every open debt; whatever is left of the monthly budget goes to the first open debt in the
strategy's order. Minimums freed by paid-off debts therefore roll into the next one. The order
is fixed at the start (snowball by starting balance, as the method is usually taught).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from simulators.errors import InvalidInput, Problem
from simulators.numbers import cents
from simulators.validation import MAX_MONTHS, FieldReader

Strategy = Literal["avalanche", "snowball"]
STRATEGIES: tuple[str, ...] = ("avalanche", "snowball")
MAX_DEBTS = 20
MAX_NAME_LENGTH = 60


@dataclass(frozen=True)
class Debt:
    name: str
    balance: float
    annual_rate: float
    min_payment: float


@dataclass(frozen=True)
class DebtInput:
    debts: tuple[Debt, ...]
    monthly_budget: float
    strategy: Strategy = "avalanche"


@dataclass(frozen=True)
class DebtPayoff:
    name: str
    position: int  # 1-based place in the strategy's order
    payoff_month: int
    interest_paid: float


@dataclass(frozen=True, eq=False)
class DebtResult:
    input: DebtInput
    months_to_payoff: int
    total_interest: float
    total_paid: float
    debts: tuple[DebtPayoff, ...]  # in input order
    balances: np.ndarray  # total balance at months 0..months_to_payoff

    @property
    def payoff_order(self) -> list[str]:
        """Names in the order they are paid off (ties by strategy position)."""
        ranked = sorted(self.debts, key=lambda d: (d.payoff_month, d.position))
        return [d.name for d in ranked]

    def to_dict(self) -> dict[str, Any]:
        return {
            "strategy": self.input.strategy,
            "months_to_payoff": self.months_to_payoff,
            "total_interest": cents(self.total_interest),
            "total_paid": cents(self.total_paid),
            "order": [d.name for d in sorted(self.debts, key=lambda d: d.position)],
            "payoff_order": self.payoff_order,
            "debts": [
                {
                    "name": d.name,
                    "position": d.position,
                    "payoff_month": d.payoff_month,
                    "interest_paid": cents(d.interest_paid),
                }
                for d in self.debts
            ],
            "series": [
                {"month": month, "balance": cents(float(balance))}
                for month, balance in enumerate(self.balances)
            ],
        }


def parse_debt(mapping: Mapping[str, Any]) -> DebtInput:
    """``debts`` (1..20 of {name, balance, annual_rate, min_payment}; name defaults to
    "Debito N"), ``monthly_budget``, ``strategy`` (avalanche default). Raises InvalidInput,
    also when the budget is below the sum of minimums; a plan that would not end within 600
    months is refused by compute_debt, which is where it shows."""
    reader = FieldReader(mapping)
    debts = []
    items = reader.items("debts", max_items=MAX_DEBTS, allow_empty=False)
    for index, item in enumerate(items or []):
        values = (
            item.text("name", default=f"Debito {index + 1}", max_length=MAX_NAME_LENGTH),
            item.amount("balance", positive=True),
            item.rate("annual_rate"),
            item.amount("min_payment"),
        )
        if all(v is not None for v in values):
            debts.append(Debt(*values))  # type: ignore[arg-type]
    budget = reader.amount("monthly_budget", positive=True)
    strategy = reader.choice("strategy", STRATEGIES, default="avalanche")
    reader.raise_if_invalid()
    data = DebtInput(tuple(debts), budget, strategy)  # type: ignore[arg-type]
    minimums = sum(d.min_payment for d in data.debts)
    if budget < minimums:  # type: ignore[operator]
        raise InvalidInput(
            {
                "monthly_budget": Problem(
                    "budget_below_minimums", {"budget": budget, "minimums": minimums}
                )
            }
        )
    return data


def strategy_order(debts: tuple[Debt, ...], strategy: str) -> list[int]:
    """Indices of ``debts`` in the order extra money goes to them; input order breaks ties."""
    if strategy == "snowball":
        return sorted(range(len(debts)), key=lambda k: (debts[k].balance, -debts[k].annual_rate, k))
    return sorted(range(len(debts)), key=lambda k: (-debts[k].annual_rate, debts[k].balance, k))


def _never_ends(data: DebtInput) -> InvalidInput:
    problems: dict[str, Problem] = {
        "monthly_budget": Problem("plan_never_ends", {"max": MAX_MONTHS})
    }
    for index, debt in enumerate(data.debts):
        interest = debt.balance * debt.annual_rate / 1200.0
        if debt.min_payment <= interest:
            problems[f"debts.{index}.min_payment"] = Problem(
                "min_payment_below_interest", {"interest": cents(interest)}
            )
    return InvalidInput(problems)


def compute_debt(data: DebtInput) -> DebtResult:
    """Simulate month by month (at most 600 months); raises InvalidInput if it never ends."""
    debts = data.debts
    order = strategy_order(debts, data.strategy)
    balances = np.array([d.balance for d in debts], dtype=float)
    rates = np.array([d.annual_rate / 1200.0 for d in debts], dtype=float)
    minimums = np.array([d.min_payment for d in debts], dtype=float)
    interest_paid = np.zeros(len(debts))
    payoff_month = np.zeros(len(debts), dtype=int)
    totals = [float(balances.sum())]
    total_paid = 0.0
    month = 0
    while balances.any():
        month += 1
        if month > MAX_MONTHS:
            raise _never_ends(data)
        interest = balances * rates
        balances = balances + interest
        interest_paid += interest
        # Minimums first (never more than what is owed), then the rest in strategy order.
        paid = np.minimum(minimums, balances)
        balances = balances - paid
        available = data.monthly_budget - float(paid.sum())
        for k in order:
            if available <= 0:
                break
            extra = min(available, float(balances[k]))
            balances[k] -= extra
            available -= extra
        total_paid += data.monthly_budget - max(available, 0.0)
        # Float noise must not keep a debt open for a fraction of a cent forever.
        balances[balances < 1e-9] = 0.0
        newly_paid = (balances == 0) & (payoff_month == 0)
        payoff_month[newly_paid] = month
        totals.append(float(balances.sum()))
    position = {k: place for place, k in enumerate(order, start=1)}
    return DebtResult(
        input=data,
        months_to_payoff=month,
        total_interest=float(interest_paid.sum()),
        total_paid=total_paid,
        debts=tuple(
            DebtPayoff(d.name, position[k], int(payoff_month[k]), float(interest_paid[k]))
            for k, d in enumerate(debts)
        ),
        balances=np.array(totals),
    )


@dataclass(frozen=True, eq=False)
class StrategyComparison:
    avalanche: DebtResult
    snowball: DebtResult

    @property
    def interest_saved_by_avalanche(self) -> float:
        return self.snowball.total_interest - self.avalanche.total_interest

    def to_dict(self) -> dict[str, Any]:
        return {
            "avalanche": self.avalanche.to_dict(),
            "snowball": self.snowball.to_dict(),
            "interest_saved_by_avalanche": cents(self.interest_saved_by_avalanche),
            "months_saved_by_avalanche": self.snowball.months_to_payoff
            - self.avalanche.months_to_payoff,
        }


def compare_strategies(data: DebtInput) -> StrategyComparison:
    """Both strategies on the same debts and budget (the input's own strategy is ignored)."""
    return StrategyComparison(
        avalanche=compute_debt(DebtInput(data.debts, data.monthly_budget, "avalanche")),
        snowball=compute_debt(DebtInput(data.debts, data.monthly_budget, "snowball")),
    )
