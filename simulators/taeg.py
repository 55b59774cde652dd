"""TAEG (APR) from cash flows: Directive 2008/48/EC Annex I (= (EU) 2023/2225 Annex III).

The equation is  sum_k D_k (1+X)^(-t_k) = sum_l R_l (1+X)^(-s_l)  with times in years. In the
borrower's view (received > 0, paid < 0) that is  sum_j a_j (1+X)^(-t_j) = 0.

We solve for y = ln(1+X) rather than X: the function is then a plain exponential sum, defined
for every real y, and X = expm1(y) covers -100 % < X < +inf smoothly. Each evaluation is scaled
by exp(-max exponent), a positive factor that keeps the sign (hence the root) and makes
overflow impossible even for a TAEG of millions of percent. numpy_financial.rate is not used:
it is Newton from a fixed guess and diverges for expensive credit (see reference/README.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulators.errors import InvalidInput, Problem
from simulators.numbers import round_half_up
from simulators.validation import MAX_AMOUNT, FieldReader


def _brentq(*args: Any, **kwargs: Any) -> float:
    """SciPy's root finder, imported at the first TAEG computed: importing `simulators` (and the
    course checker with it) must not pay the second SciPy takes to load."""
    from scipy.optimize import brentq  # noqa: PLC0415 - deliberate: heavy, needed only here

    return float(brentq(*args, **kwargs))


MAX_CASHFLOWS = 1200
MAX_YEARS = 60.0
# Search limits for y = ln(1 + X). 1e4 is far beyond any TAEG that fits in a float.
_Y_LOW, _Y_HIGH = -1e4, 1e4
_SCAN_POINTS = 4001


class NoUniqueRate(ValueError):
    """The flows have no root, or several: the TAEG is not defined for them."""


class RateOverflow(ValueError):
    """The root exists but X = e^y - 1 does not fit in a float."""


def _scaled_npv_function(times: np.ndarray, amounts: np.ndarray) -> Callable[[float], float]:
    """y -> sum a_j e^(-y t_j - m), m the largest exponent -y t_j, so that no term overflows.

    The exponent c t (c = -y) rounds monotonically in t, so the largest is c * max(t) for c > 0
    and c * min(t) for c < 0 (for c = 0 every exponent is a zero): the same float as the array's
    maximum, found without a pass over the array. Brent's method asks again for the ends of the
    bracket the search evaluated just before, so values are kept.
    """
    t_low, t_high = float(times.min()), float(times.max())
    known: dict[float, float] = {}

    def scaled_npv(y: float) -> float:
        value = known.get(y)
        if value is None:
            c = -y
            value = float(np.dot(amounts, np.exp(c * times - c * (t_high if c > 0 else t_low))))
            known[y] = value
        return value

    return scaled_npv


def _sign_changes(times: np.ndarray, amounts: np.ndarray) -> int:
    """Descartes' rule for exponential sums: roots in y <= sign changes of the ordered flows."""
    if (times[1:] > times[:-1]).all():
        # Already in order, no two at the same time (monthly plans): no sorting or merging.
        signs = np.sign(amounts[amounts != 0])
        return int(np.count_nonzero(signs[1:] != signs[:-1]))
    order = np.argsort(times, kind="stable")
    t_sorted, a_sorted = times[order], amounts[order]
    # Flows at the same time are one flow.
    unique_times, start = np.unique(t_sorted, return_index=True)
    merged = np.add.reduceat(a_sorted, start) if len(unique_times) else a_sorted
    signs = np.sign(merged[merged != 0])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def solve_log_rate(times: np.ndarray, amounts: np.ndarray) -> float:
    """Return y = ln(1 + X) solving sum a_j e^(-y t_j) = 0. Raises NoUniqueRate."""
    times = np.asarray(times, dtype=float)
    amounts = np.asarray(amounts, dtype=float)
    if not (amounts > 0).any() or not (amounts < 0).any():
        raise NoUniqueRate("flows of one sign only")
    # A positive factor leaves the root where it is; without it, tiny flows (a loan of 1e-249 €)
    # underflow in the sign test f(a) * f(b) and the bracket is never found.
    amounts = amounts / np.abs(amounts).max()
    changes = _sign_changes(times, amounts)
    if changes == 0:
        # Only possible when same-time flows cancel into a single sign.
        raise NoUniqueRate("no sign change")

    f = _scaled_npv_function(times, amounts)

    if changes == 1:
        # Exactly one root (Descartes), and the scaled function has opposite signs at the two
        # ends, so expand a bracket outward from 0 until the sign flips.
        f0 = f(0.0)
        if f0 == 0.0:
            return 0.0
        step = 0.25
        low, high = 0.0, 0.0
        while True:
            low, high = -step, step
            f_low, f_high = f(low), f(high)
            if f_high == 0.0:
                return high
            if f_low == 0.0:
                return low
            if f_high * f0 < 0:
                return _brentq(f, 0.0, high, xtol=1e-15, rtol=1e-15, maxiter=500)
            if f_low * f0 < 0:
                return _brentq(f, low, 0.0, xtol=1e-15, rtol=1e-15, maxiter=500)
            if step >= _Y_HIGH:
                raise NoUniqueRate("no root in range")
            step *= 2

    # Several sign changes: there may be several roots. Scan a grid; accept only one crossing.
    grid = np.concatenate(
        [-np.geomspace(50, 1e-3, 200), [0.0], np.linspace(1e-3, 50, _SCAN_POINTS)]
    )
    values = np.array([f(y) for y in grid])
    crossings = np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)[0]
    exact = np.nonzero(values == 0)[0]
    if len(crossings) + len(exact) != 1:
        raise NoUniqueRate("zero or several roots")
    if len(exact):
        return float(grid[exact[0]])
    i = int(crossings[0])
    return _brentq(f, grid[i], grid[i + 1], xtol=1e-15, rtol=1e-15, maxiter=500)


def taeg_from_flows(times: np.ndarray, amounts: np.ndarray) -> float:
    """TAEG in percent for borrower-view flows at ``times`` (years). Unrounded."""
    y = solve_log_rate(times, amounts)
    if y > 709:  # expm1 overflows past this
        raise RateOverflow("TAEG beyond float range")
    return float(np.expm1(y)) * 100.0


def taeg_monthly(net_received: float, payments: np.ndarray) -> float:
    """TAEG for ``net_received`` at t=0 and ``payments[k-1]`` paid at t=k/12 years."""
    payments = np.asarray(payments, dtype=float)
    times = np.arange(len(payments) + 1, dtype=float) / 12.0
    amounts = np.concatenate([[net_received], -payments])
    return taeg_from_flows(times, amounts)


# -- the /taeg endpoint -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cashflow:
    years: float
    amount: float


@dataclass(frozen=True)
class TaegInput:
    """Raw cash flows in the borrower's view: received > 0, paid < 0, time in years."""

    cashflows: tuple[Cashflow, ...]


@dataclass(frozen=True)
class TaegResult:
    taeg: float

    def to_dict(self) -> dict[str, Any]:
        return {"taeg": round_half_up(self.taeg, 2)}


def parse_taeg(mapping: Mapping[str, Any]) -> TaegInput:
    reader = FieldReader(mapping)
    items = reader.items("cashflows", max_items=MAX_CASHFLOWS, allow_empty=False)
    flows: list[Cashflow] = []
    for item in items or []:
        years = item.bounded("years", low=0.0, high=MAX_YEARS)
        amount = item.bounded("amount", low=-MAX_AMOUNT, high=MAX_AMOUNT)
        if years is not None and amount is not None:
            flows.append(Cashflow(years, amount))
    all_read = items is not None and len(flows) == len(items)
    if all_read and not (any(f.amount > 0 for f in flows) and any(f.amount < 0 for f in flows)):
        reader.fail("cashflows", "cashflows_one_sign")
    reader.raise_if_invalid()
    return TaegInput(tuple(flows))


def compute_taeg(data: TaegInput) -> TaegResult:
    times = np.array([f.years for f in data.cashflows], dtype=float)
    amounts = np.array([f.amount for f in data.cashflows], dtype=float)
    try:
        return TaegResult(taeg_from_flows(times, amounts))
    except NoUniqueRate:
        raise InvalidInput({"cashflows": Problem("cashflows_no_unique_rate")}) from None
    except RateOverflow:
        raise InvalidInput({"cashflows": Problem("taeg_overflow")}) from None
