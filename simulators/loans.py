"""Loans: French and Italian amortisation schedules, fees, TAEG, offer comparison, early repayment.

Conventions (reference/README.md): monthly rate = TAN / 12 / 100, instalments at month end,
upfront fees are charged at t = 0 (the borrower receives principal - fees), a per-instalment fee
is paid with every instalment. Nothing is rounded here; ``to_dict`` rounds for display.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from simulators.errors import InvalidInput, Problem
from simulators.numbers import cents, cents_many, round_half_up
from simulators.taeg import NoUniqueRate, RateOverflow, taeg_monthly
from simulators.validation import MAX_MONTHS, NEGLIGIBLE_RATE, FieldReader

Method = Literal["french", "italian"]
METHODS: tuple[str, ...] = ("french", "italian")
EARLY_MODES: tuple[str, ...] = ("reduce_installment", "reduce_duration")
MAX_OFFERS = 3
# Art. 125-sexies TUB (Italian Banking Act, from Directive 2008/48/EC art. 16): the lender's
# compensation for early repayment of consumer credit is at most 1 % of the amount repaid,
# 0.5 % when the residual duration is one year or less.
EARLY_FEE_CAP_PCT = 1.0
EARLY_FEE_CAP_SHORT_PCT = 0.5
HALF_CENT = 0.005


@dataclass(frozen=True)
class LoanInput:
    principal: float
    annual_rate: float
    months: int
    method: Method = "french"
    upfront_fees: float = 0.0
    installment_fee: float = 0.0


@dataclass(frozen=True, eq=False)
class Schedule:
    """Amortisation schedule; element k of each array is instalment n = k + 1."""

    payment: np.ndarray  # instalment without fees
    interest: np.ndarray
    principal: np.ndarray
    balance: np.ndarray  # residual debt after the instalment

    def __len__(self) -> int:
        return len(self.payment)

    def rows(self) -> list[dict[str, float | int]]:
        # One vectorised rounding for the whole table (a 360-month plan has 1,440 amounts), the
        # four columns end to end, then cut back into columns.
        size = len(self.payment)
        table = cents_many(
            np.concatenate((self.payment, self.interest, self.principal, self.balance))
        )
        columns = [table[k * size : (k + 1) * size] for k in range(4)]
        return [
            {"n": n, "payment": p, "interest": i, "principal": c, "balance": b}
            for n, (p, i, c, b) in enumerate(zip(*columns, strict=True), start=1)
        ]


def french_installment(principal: float, annual_rate: float, months: int) -> float:
    """Constant instalment of a French (annuity) loan; P / n at 0 % where the formula is 0/0.

    Same value as ``-numpy_financial.pmt(i, n, P)`` (the tests check it), but written with
    expm1/log1p: npf.pmt computes (1 + i)**n - 1, which loses digits for small rates.
    """
    if annual_rate < NEGLIGIBLE_RATE:
        return principal / months
    i = annual_rate / 1200.0
    return principal * i / -math.expm1(-months * math.log1p(i))


def amortization_schedule(
    principal: float, annual_rate: float, months: int, method: str = "french"
) -> Schedule:
    """The full schedule, vectorised with numpy; the balance ends at exactly 0."""
    i = annual_rate / 1200.0 if annual_rate >= NEGLIGIBLE_RATE else 0.0
    n = np.arange(months + 1, dtype=float)
    if method == "italian":
        # Constant principal share P/n; the balance is linear.
        balance = principal * (months - n) / months
    elif i == 0:
        balance = principal * (months - n) / months
    else:
        # Balance after k payments = present value of the n - k payments left. Written with
        # expm1/log1p it has no cancellation, unlike P(1+i)^k - A((1+i)^k - 1)/i which loses
        # all precision at 100 % over 50 years, and it is exactly 0 at k = n.
        installment = french_installment(principal, annual_rate, months)
        balance = installment * -np.expm1(-(months - n) * math.log1p(i)) / i
    balance[0] = principal
    balance[-1] = 0.0
    principal_part = balance[:-1] - balance[1:]
    interest = balance[:-1] * i
    return Schedule(
        payment=principal_part + interest,
        interest=interest,
        principal=principal_part,
        balance=balance[1:],
    )


@dataclass(frozen=True, eq=False)
class LoanResult:
    input: LoanInput
    installment: float  # first instalment, without fees
    total_interest: float
    total_fees: float
    total_paid: float  # principal + interest + all fees
    taeg: float  # annual %
    schedule: Schedule

    @property
    def total_cost(self) -> float:
        """Total cost of credit: interest plus all fees (the cost beyond the principal)."""
        return self.total_interest + self.total_fees

    def to_dict(self) -> dict[str, Any]:
        data = self.input
        return {
            "principal": cents(data.principal),
            "annual_rate": round_half_up(data.annual_rate, 4),
            "months": data.months,
            "method": data.method,
            "upfront_fees": cents(data.upfront_fees),
            "installment_fee": cents(data.installment_fee),
            "installment": cents(self.installment),
            "total_interest": cents(self.total_interest),
            "total_fees": cents(self.total_fees),
            "total_cost": cents(self.total_cost),
            "total_paid": cents(self.total_paid),
            "net_received": cents(data.principal - data.upfront_fees),
            "taeg": round_half_up(self.taeg, 2),
            "schedule": self.schedule.rows(),
        }


def read_loan(reader: FieldReader) -> LoanInput | None:
    """Read loan fields from ``reader`` (problems are recorded there); None if any is invalid."""
    principal = reader.amount("principal", positive=True)
    annual_rate = reader.rate("annual_rate")
    months = reader.months("months")
    method = reader.choice("method", METHODS, default="french")
    upfront_fees = reader.amount("upfront_fees", default=0.0)
    installment_fee = reader.amount("installment_fee", default=0.0)
    if principal is not None and upfront_fees is not None and upfront_fees >= principal:
        reader.fail("upfront_fees", "fees_exceed_principal")
        return None
    values = (principal, annual_rate, months, method, upfront_fees, installment_fee)
    if any(v is None for v in values):
        return None
    return LoanInput(*values)  # type: ignore[arg-type]


def parse_loan(mapping: Mapping[str, Any]) -> LoanInput:
    """Validate a loan request; defaults: method french, no fees. Raises InvalidInput."""
    reader = FieldReader(mapping)
    loan = read_loan(reader)
    reader.raise_if_invalid()
    assert loan is not None
    return loan


def loan_taeg(data: LoanInput, schedule: Schedule) -> float:
    """TAEG of the loan: net drawdown at t = 0, each instalment plus its fee at t = k/12."""
    if data.annual_rate < NEGLIGIBLE_RATE and data.upfront_fees == 0 and data.installment_fee == 0:
        return 0.0  # the solver would give 0 up to rounding noise; this is exact
    try:
        return taeg_monthly(
            data.principal - data.upfront_fees, schedule.payment + data.installment_fee
        )
    except (RateOverflow, NoUniqueRate):
        # NoUniqueRate: fees so large that the sum received is nothing next to them (a loan of
        # 5e-324 € with 1e9 € of fees): the sum received scales to zero, no sign change left.
        raise InvalidInput({"upfront_fees": Problem("taeg_overflow")}) from None


def compute_loan(data: LoanInput) -> LoanResult:
    schedule = amortization_schedule(data.principal, data.annual_rate, data.months, data.method)
    total_interest = float(schedule.interest.sum())
    total_fees = data.upfront_fees + data.installment_fee * data.months
    return LoanResult(
        input=data,
        installment=float(schedule.payment[0]),
        total_interest=total_interest,
        total_fees=total_fees,
        total_paid=data.principal + total_interest + total_fees,
        taeg=loan_taeg(data, schedule),
        schedule=schedule,
    )


# -- comparing offers -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class OffersComparison:
    results: tuple[LoanResult, ...]
    cheapest_by_total_cost: int  # index into results; the first one on ties
    cheapest_by_taeg: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "offers": [r.to_dict() for r in self.results],
            "cheapest_by_total_cost": self.cheapest_by_total_cost,
            "cheapest_by_taeg": self.cheapest_by_taeg,
        }


@dataclass(frozen=True)
class OffersInput:
    offers: tuple[LoanInput, ...]


def parse_offers(mapping: Mapping[str, Any]) -> OffersInput:
    """``{"offers": [loan, ...]}`` with 1..3 loans; errors are keyed ``offers.<i>.<field>``."""
    reader = FieldReader(mapping)
    items = reader.items("offers", max_items=MAX_OFFERS, allow_empty=False)
    offers = [read_loan(item) for item in items or []]
    reader.raise_if_invalid()
    return OffersInput(tuple(o for o in offers if o is not None))


def compare_offers(offers: Sequence[LoanInput] | OffersInput) -> OffersComparison:
    """Compute 1..3 offers side by side and say which costs least.

    "Total cost" is interest plus all fees (the total cost of credit), not the total paid, so
    that offers for slightly different amounts are still compared on what the credit costs.
    """
    loans = offers.offers if isinstance(offers, OffersInput) else tuple(offers)
    if not 1 <= len(loans) <= MAX_OFFERS:
        raise InvalidInput({"offers": Problem("offers_count")})
    results = tuple(compute_loan(loan) for loan in loans)
    # Compare on cents: two offers equal to the cent are a tie, resolved by input order.
    by_cost = min(range(len(results)), key=lambda k: (cents(results[k].total_cost), k))
    by_taeg = min(range(len(results)), key=lambda k: (round_half_up(results[k].taeg, 2), k))
    return OffersComparison(results, by_cost, by_taeg)


# -- early partial repayment -----------------------------------------------------------------------


@dataclass(frozen=True)
class EarlyRepaymentInput:
    loan: LoanInput
    month: int  # the extra amount is paid right after instalment number `month`
    amount: float
    mode: Literal["reduce_installment", "reduce_duration"] = "reduce_installment"
    early_repayment_fee_pct: float = 0.0  # the contract's compensation; capped by law


@dataclass(frozen=True, eq=False)
class EarlyRepaymentResult:
    input: EarlyRepaymentInput
    balance_before: float  # residual debt after instalment `month`
    original_installment: float
    new_installment: float  # first instalment after the repayment, without fees
    original_months_left: int
    new_months_left: int
    interest_saved: float
    installment_fees_saved: float
    fee_pct_applied: float
    fee_capped_by_law: bool
    fee: float
    net_saving: float
    schedule_after: Schedule

    def to_dict(self) -> dict[str, Any]:
        data = self.input
        return {
            "month": data.month,
            "amount": cents(data.amount),
            "mode": data.mode,
            "balance_before": cents(self.balance_before),
            "original_installment": cents(self.original_installment),
            "new_installment": cents(self.new_installment),
            "original_months_left": self.original_months_left,
            "new_months_left": self.new_months_left,
            "new_total_months": data.month + self.new_months_left,
            "interest_saved": cents(self.interest_saved),
            "installment_fees_saved": cents(self.installment_fees_saved),
            "fee_pct_applied": round_half_up(self.fee_pct_applied, 4),
            "fee_capped_by_law": self.fee_capped_by_law,
            "fee": cents(self.fee),
            "net_saving": cents(self.net_saving),
            "schedule_after": self.schedule_after.rows(),
        }


def parse_early_repayment(mapping: Mapping[str, Any]) -> EarlyRepaymentInput:
    """Loan fields plus ``month``, ``amount``, ``mode`` (reduce_installment default,
    reduce_duration) and ``early_repayment_fee_pct`` (default 0)."""
    reader = FieldReader(mapping)
    loan = read_loan(reader)
    month = reader.integer("month")
    amount = reader.amount("amount", positive=True)
    mode = reader.choice("mode", EARLY_MODES, default="reduce_installment")
    fee_pct = reader.rate("early_repayment_fee_pct", default=0.0)
    if loan is not None and month is not None:
        if not 1 <= month < loan.months:
            reader.fail("month", "early_month_range", max=loan.months - 1)
        elif amount is not None:
            schedule = amortization_schedule(
                loan.principal, loan.annual_rate, loan.months, loan.method
            )
            balance = float(schedule.balance[month - 1])
            # Half a cent of tolerance: the balance people see (and type) is rounded to cents.
            if amount > balance + HALF_CENT:
                reader.fail(
                    "amount", "early_amount_exceeds_balance", month=month, balance=cents(balance)
                )
    reader.raise_if_invalid()
    return EarlyRepaymentInput(loan, month, amount, mode, fee_pct)  # type: ignore[arg-type]


def _fixed_payment_schedule(balance: float, annual_rate: float, payment: float) -> Schedule:
    """Pay a fixed instalment until the debt is gone; the last one is smaller."""
    i = annual_rate / 1200.0 if annual_rate >= NEGLIGIBLE_RATE else 0.0
    rows: list[tuple[float, float, float, float]] = []
    # The instalment always exceeds the interest (it did on the larger original balance), so
    # this ends within the original duration; the bound is only a guard.
    while balance > 0 and len(rows) <= MAX_MONTHS:
        interest = balance * i
        principal_part = payment - interest
        # Relative tolerance: float noise must not create an extra, near-zero instalment.
        if principal_part >= balance * (1 - 1e-12):
            principal_part, balance = balance, 0.0
        else:
            balance -= principal_part
        rows.append((principal_part + interest, interest, principal_part, balance))
    if not rows:
        empty = np.zeros(0)
        return Schedule(empty, empty, empty, empty)
    columns = np.array(rows).T
    return Schedule(columns[0], columns[1], columns[2], columns[3])


def early_repayment(data: EarlyRepaymentInput) -> EarlyRepaymentResult:
    """Effect of paying ``amount`` extra right after instalment ``month``.

    ``reduce_installment`` keeps the end date and lowers the instalment; ``reduce_duration``
    keeps the instalment (French) or the principal share (Italian) and ends earlier. The fee is
    ``early_repayment_fee_pct`` of the amount, capped at 1 % (0.5 % with one year or less left)
    and never more than the interest still due under the original plan (art. 125-sexies TUB).
    Other Italian rules (no fee on mortgages for a home, none for amounts up to 10,000 € that
    close the debt) depend on the contract and are left to the user's input percentage.
    """
    loan = data.loan
    original = amortization_schedule(loan.principal, loan.annual_rate, loan.months, loan.method)
    k = data.month
    months_left = loan.months - k
    balance_before = float(original.balance[k - 1])
    new_balance = max(balance_before - data.amount, 0.0)
    if new_balance < HALF_CENT:  # less than a cent left: the amount closes the loan
        new_balance = 0.0

    if new_balance == 0.0:
        after = Schedule(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0))
    elif data.mode == "reduce_installment":
        after = amortization_schedule(new_balance, loan.annual_rate, months_left, loan.method)
    elif loan.method == "french":
        after = _fixed_payment_schedule(new_balance, loan.annual_rate, float(original.payment[0]))
    else:
        share = loan.principal / loan.months
        count = max(math.ceil(new_balance / share - 1e-9), 1)
        principal_parts = np.full(count, share)
        principal_parts[-1] = new_balance - share * (count - 1)
        balance = new_balance - np.cumsum(principal_parts)
        balance[-1] = 0.0
        rate = loan.annual_rate / 1200.0 if loan.annual_rate >= NEGLIGIBLE_RATE else 0.0
        interest = np.concatenate([[new_balance], balance[:-1]]) * rate
        after = Schedule(principal_parts + interest, interest, principal_parts, balance)

    interest_left = float(original.interest[k:].sum())
    interest_saved = interest_left - float(after.interest.sum())
    fees_saved = loan.installment_fee * (months_left - len(after))
    cap = EARLY_FEE_CAP_SHORT_PCT if months_left <= 12 else EARLY_FEE_CAP_PCT
    asked = data.amount * data.early_repayment_fee_pct / 100.0
    # The same article also caps the fee at the interest the borrower would still have paid
    # (it matters at very low rates: with a 0 % loan no fee is due at all).
    fee = min(asked, data.amount * cap / 100.0, interest_left)
    fee_pct = fee / data.amount * 100.0
    return EarlyRepaymentResult(
        input=data,
        balance_before=balance_before,
        original_installment=float(original.payment[k]),
        new_installment=float(after.payment[0]) if len(after) else 0.0,
        original_months_left=months_left,
        new_months_left=len(after),
        interest_saved=interest_saved,
        installment_fees_saved=fees_saved,
        fee_pct_applied=fee_pct,
        fee_capped_by_law=fee < asked * (1 - 1e-12),
        fee=fee,
        net_saving=interest_saved + fees_saved - fee,
        schedule_after=after,
    )
