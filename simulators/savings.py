"""Savings: growth with monthly deposits, the deposit needed for a goal, the months needed.

Conventions (reference/README.md): monthly compounding at annual_rate / 12; deposits at the end
(default) or the start of each month; the tax on interest (26 % by default, the Italian rate on
most financial income) is taken once on the total interest at the end; the real value is
final / (1 + inflation)^(months / 12).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy_financial as npf

from simulators.numbers import cents
from simulators.validation import MAX_MONTHS, NEGLIGIBLE_RATE, FieldReader

Timing = Literal["end", "start"]
TIMINGS: tuple[str, ...] = ("end", "start")
DEFAULT_TAX_RATE = 26.0
# Deflation exists (Italy 2016) but a value below -20 % a year is a typo, not a scenario.
MIN_INFLATION, MAX_INFLATION = -20.0, 100.0


def gross_balances(
    initial: float, monthly_deposit: float, annual_rate: float, months: int, timing: str
) -> np.ndarray:
    """Gross balance at the end of each month 0..months (before the final tax), vectorised."""
    k = np.arange(months + 1, dtype=float)
    if annual_rate < NEGLIGIBLE_RATE:
        return initial + monthly_deposit * k
    i = annual_rate / 1200.0
    # (1+i)^k - 1 via expm1 keeps full precision for small rates.
    growth_minus_one = np.expm1(k * math.log1p(i))
    annuity = growth_minus_one / i
    if timing == "start":
        annuity = annuity * (1 + i)
    return initial * (growth_minus_one + 1) + monthly_deposit * annuity


def net_balances(
    initial: float,
    monthly_deposit: float,
    annual_rate: float,
    months: int,
    timing: str,
    tax_rate: float,
) -> np.ndarray:
    """What the saver would have after tax if they closed the account at month 0..months."""
    gross = gross_balances(initial, monthly_deposit, annual_rate, months, timing)
    deposits = initial + monthly_deposit * np.arange(months + 1, dtype=float)
    return gross - (gross - deposits) * tax_rate / 100.0


@dataclass(frozen=True)
class SavingsInput:
    initial: float
    monthly_deposit: float
    annual_rate: float
    months: int
    deposit_timing: Timing = "end"
    tax_rate: float = DEFAULT_TAX_RATE
    inflation: float = 0.0


@dataclass(frozen=True, eq=False)
class SavingsResult:
    input: SavingsInput
    final_balance: float  # after tax
    total_deposits: float
    interest_gross: float
    tax: float
    interest_net: float
    real_final_balance: float  # final_balance in today's euros
    balances: np.ndarray  # gross balance at months 0..N (the tax is taken only at the end)
    deposits: np.ndarray  # cumulative deposits at months 0..N

    def to_dict(self) -> dict[str, Any]:
        return {
            "final_balance": cents(self.final_balance),
            "total_deposits": cents(self.total_deposits),
            "interest_gross": cents(self.interest_gross),
            "tax": cents(self.tax),
            "interest_net": cents(self.interest_net),
            "real_final_balance": cents(self.real_final_balance),
            "series": [
                {"month": month, "balance": cents(float(balance)), "deposits": cents(float(dep))}
                for month, (balance, dep) in enumerate(
                    zip(self.balances, self.deposits, strict=True)
                )
            ],
        }


def parse_savings(mapping: Mapping[str, Any]) -> SavingsInput:
    """Defaults: deposit_timing end, tax_rate 26, inflation 0. Raises InvalidInput."""
    reader = FieldReader(mapping)
    values = (
        reader.amount("initial"),
        reader.amount("monthly_deposit"),
        reader.rate("annual_rate"),
        reader.months("months"),
        reader.choice("deposit_timing", TIMINGS, default="end"),
        reader.rate("tax_rate", default=DEFAULT_TAX_RATE),
        reader.bounded("inflation", default=0.0, low=MIN_INFLATION, high=MAX_INFLATION),
    )
    reader.raise_if_invalid()
    return SavingsInput(*values)  # type: ignore[arg-type]


def compute_savings(data: SavingsInput) -> SavingsResult:
    balances = gross_balances(
        data.initial, data.monthly_deposit, data.annual_rate, data.months, data.deposit_timing
    )
    deposits = data.initial + data.monthly_deposit * np.arange(data.months + 1, dtype=float)
    gross = float(balances[-1])
    total_deposits = float(deposits[-1])
    # Interest is never negative (rates are >= 0); max() only absorbs float noise.
    interest_gross = max(gross - total_deposits, 0.0)
    tax = interest_gross * data.tax_rate / 100.0
    final = total_deposits + interest_gross - tax
    real = final / (1 + data.inflation / 100.0) ** (data.months / 12.0)
    return SavingsResult(
        input=data,
        final_balance=final,
        total_deposits=total_deposits,
        interest_gross=interest_gross,
        tax=tax,
        interest_net=interest_gross - tax,
        real_final_balance=real,
        balances=balances,
        deposits=deposits,
    )


def future_value(data: SavingsInput) -> float:
    """Gross final balance by numpy-financial, the independent cross-check used in tests.

    npf.fv is exact at 0 % but warns there (0/0 in its formula), so that case is done by hand.
    """
    if data.annual_rate == 0:
        return data.initial + data.monthly_deposit * data.months
    return float(
        npf.fv(
            data.annual_rate / 1200.0,
            data.months,
            -data.monthly_deposit,
            -data.initial,
            when="begin" if data.deposit_timing == "start" else "end",
        )
    )


# -- goal -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavingsGoalInput:
    target: float  # wanted balance after tax
    months: int
    annual_rate: float
    initial: float = 0.0
    deposit_timing: Timing = "end"
    tax_rate: float = DEFAULT_TAX_RATE
    # Optional: a deposit the saver can afford, to answer "how many months with this?".
    monthly_deposit: float | None = None


@dataclass(frozen=True)
class SavingsGoalResult:
    input: SavingsGoalInput
    monthly_deposit: float  # needed to reach the target in `months`
    already_reached: bool  # the initial sum alone gets there
    months_needed: int | None  # for input.monthly_deposit; None if not within 600 months

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "monthly_deposit": cents(self.monthly_deposit),
            "total_deposits": cents(self.input.initial + self.monthly_deposit * self.input.months),
            "already_reached": self.already_reached,
        }
        if self.input.monthly_deposit is not None:
            data["months_needed"] = self.months_needed
        return data


def parse_savings_goal(mapping: Mapping[str, Any]) -> SavingsGoalInput:
    """Defaults: initial 0, deposit_timing end, tax_rate 26; optional monthly_deposit."""
    reader = FieldReader(mapping)
    values = (
        reader.amount("target", positive=True),
        reader.months("months"),
        reader.rate("annual_rate"),
        reader.amount("initial", default=0.0),
        reader.choice("deposit_timing", TIMINGS, default="end"),
        reader.rate("tax_rate", default=DEFAULT_TAX_RATE),
    )
    deposit = reader.amount("monthly_deposit", default=None)
    reader.raise_if_invalid()
    return SavingsGoalInput(*values, monthly_deposit=deposit)  # type: ignore[arg-type]


def deposit_needed(
    target: float,
    months: int,
    annual_rate: float,
    initial: float = 0.0,
    timing: str = "end",
    tax_rate: float = DEFAULT_TAX_RATE,
) -> float:
    """Monthly deposit so that the balance after tax reaches ``target`` after ``months``.

    The net balance is linear in the deposit m: net = (1-t)·gross + t·deposits with
    gross = initial·g + m·A and deposits = initial + m·n, so m is solved in closed form.
    Returns 0 when the initial sum alone reaches the target.
    """
    base = net_balances(initial, 0.0, annual_rate, months, timing, tax_rate)[-1]
    per_euro = net_balances(0.0, 1.0, annual_rate, months, timing, tax_rate)[-1]
    return max((target - float(base)) / float(per_euro), 0.0)


def months_needed(
    target: float,
    monthly_deposit: float,
    annual_rate: float,
    initial: float = 0.0,
    timing: str = "end",
    tax_rate: float = DEFAULT_TAX_RATE,
    max_months: int = MAX_MONTHS,
) -> int | None:
    """Fewest whole months for the balance after tax to reach ``target``; None beyond max_months.

    Evaluates every month at once (net balance never decreases) instead of inverting
    numpy_financial.nper, which ignores the tax and misbehaves at 0 %.
    """
    net = net_balances(initial, monthly_deposit, annual_rate, max_months, timing, tax_rate)
    # A micro-cent tolerance so that a target reached exactly is not missed by float noise.
    reached = np.nonzero(net >= target - 1e-7 * max(target, 1.0))[0]
    return int(reached[0]) if len(reached) else None


def compute_savings_goal(data: SavingsGoalInput) -> SavingsGoalResult:
    deposit = deposit_needed(
        data.target,
        data.months,
        data.annual_rate,
        data.initial,
        data.deposit_timing,
        data.tax_rate,
    )
    needed = None
    if data.monthly_deposit is not None:
        needed = months_needed(
            data.target,
            data.monthly_deposit,
            data.annual_rate,
            data.initial,
            data.deposit_timing,
            data.tax_rate,
        )
    return SavingsGoalResult(data, deposit, deposit == 0.0, needed)


def real_value(amount: float, inflation: float, months: int) -> float:
    """``amount`` in today's euros after ``months`` of ``inflation`` % a year."""
    return amount / (1 + inflation / 100.0) ** (months / 12.0)
