"""Benchmark of the simulators: a 360-month loan with TAEG against bare numpy-financial, and charts.

Run: .venv/bin/python bench/bench_simulators.py  (prints a markdown table; not part of the tests)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
import numpy_financial as npf

from simulators import run
from simulators.charts import clear_cache, render_chart
from simulators.loans import LoanInput, compute_loan

LOAN = {"principal": 200_000, "annual_rate": 3.5, "months": 360, "upfront_fees": 1500}


def median_ms(
    action: Callable[[], object], repeat: int, before: Callable[[], object] | None = None
) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bare_numpy_financial() -> None:
    """One npf.pmt call plus a vectorised schedule: the floor for what compute_loan does."""
    i, n, principal = 3.5 / 1200, 360, 200_000.0
    payment = -npf.pmt(i, n, principal)
    k = np.arange(n + 1)
    balance = principal * (1 + i) ** k - payment * ((1 + i) ** k - 1) / i
    interest = balance[:-1] * i
    _ = payment - interest


def main() -> None:
    data = LoanInput(200_000, 3.5, 360, upfront_fees=1500)
    rows = []
    bare = median_ms(bare_numpy_financial, 2000)
    library = median_ms(lambda: compute_loan(data), 500)
    full = median_ms(lambda: run("loan", LOAN), 200)
    rows.append(("npf.pmt + vectorised schedule (360 months)", bare, "1.0×"))
    rows.append(("compute_loan incl. TAEG (brentq)", library, f"{library / bare:.1f}×"))
    rows.append(("run('loan') incl. parse and to_dict (360 rows)", full, f"{full / bare:.1f}×"))
    render_chart("loan", LOAN)  # font cache and imports warm
    for name, request in [
        ("loan", LOAN),
        ("savings", {"initial": 1000, "monthly_deposit": 150, "annual_rate": 3, "months": 240}),
        (
            "budget",
            {
                "incomes": [{"category": "Stipendio", "amount": 1700}],
                "expenses": [{"category": f"voce {k}", "amount": 10 * k} for k in range(1, 9)],
            },
        ),
        (
            "debt",
            {
                "debts": [{"name": "Carta", "balance": 3000, "annual_rate": 20, "min_payment": 60}],
                "monthly_budget": 250,
            },
        ),
    ]:
        # A Chart draws its SVG only when read: time the read, as the chart endpoint does.
        cold = median_ms(lambda n=name, r=request: render_chart(n, r).svg, 15, before=clear_cache)
        cached = median_ms(lambda n=name, r=request: render_chart(n, r).svg, 500)
        rows.append((f"{name} chart, cold", cold, ""))
        rows.append((f"{name} chart, cached", cached, ""))
    print("| operation | median ms | ratio to bare npf |")
    print("|---|---:|---:|")
    for label, ms, ratio in rows:
        print(f"| {label} | {ms:.3f} | {ratio} |")


if __name__ == "__main__":
    main()
