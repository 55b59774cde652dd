"""Loans beyond the reference cases: fees, TAEG extremes, comparing offers, early repayment."""

from __future__ import annotations

import math

import pytest

from simulators import InvalidInput, run
from simulators.loans import (
    EarlyRepaymentInput,
    LoanInput,
    compare_offers,
    compute_loan,
    early_repayment,
)


def test_a_30_year_mortgage_has_a_taeg_equal_to_the_effective_rate() -> None:
    result = compute_loan(LoanInput(150_000, 3.6, 360))
    assert math.isclose(result.taeg, ((1 + 0.036 / 12) ** 12 - 1) * 100, rel_tol=1e-10)
    assert result.schedule.balance[-1] == 0.0


def test_a_vanishingly_small_loan_still_has_its_taeg() -> None:
    # Found by the API fuzz test: flows of 1e-249 € underflowed in the solver's sign test.
    tiny = run("loan", {"principal": 3.1e-249, "annual_rate": 7.5, "months": 60})
    assert (
        tiny["taeg"] == run("loan", {"principal": 10000, "annual_rate": 7.5, "months": 60})["taeg"]
    )


def test_expensive_credit_gets_a_taeg_above_100_percent() -> None:
    # 1000 received, 36 instalments of 200: the numpy-financial README pitfall case.
    result = run("taeg", {"cashflows": [{"years": 0, "amount": 1000}]
                          + [{"years": k / 12, "amount": -200} for k in range(1, 37)]})  # fmt: skip
    assert math.isclose(result["taeg"], (1.1997**12 - 1) * 100, rel_tol=1e-3)
    assert result["taeg"] > 100


def test_installment_fee_counts_in_total_paid_and_taeg_but_not_in_the_installment() -> None:
    plain = run("loan", {"principal": 10000, "annual_rate": 6, "months": 48})
    with_fee = run(
        "loan", {"principal": 10000, "annual_rate": 6, "months": 48, "installment_fee": 3}
    )
    assert with_fee["installment"] == plain["installment"]
    assert with_fee["total_paid"] == pytest.approx(plain["total_paid"] + 144, abs=0.01)
    assert with_fee["taeg"] > plain["taeg"]


def test_compare_offers_picks_the_cheapest_by_cost_and_by_taeg() -> None:
    offers = [
        LoanInput(10000, 5.9, 60, upfront_fees=300),
        LoanInput(10000, 6.5, 60),
        LoanInput(10000, 4.9, 60, upfront_fees=200, installment_fee=2.5),
    ]
    comparison = compare_offers(offers)
    costs = [r.total_cost for r in comparison.results]
    taegs = [r.taeg for r in comparison.results]
    assert comparison.cheapest_by_total_cost == costs.index(min(costs))
    assert comparison.cheapest_by_taeg == taegs.index(min(taegs))
    assert comparison.to_dict()["offers"][1]["taeg"] == pytest.approx(6.697, abs=0.01)


def test_compare_offers_refuses_more_than_three() -> None:
    loan = {"principal": 1000, "annual_rate": 5, "months": 12}
    with pytest.raises(InvalidInput) as caught:
        run("loan-compare", {"offers": [loan] * 4})
    assert caught.value.codes == {"offers": "list_too_long"}
    with pytest.raises(InvalidInput) as caught:
        run("loan-compare", {"offers": [loan, {**loan, "months": 0}]})
    assert caught.value.codes == {"offers.1.months": "months_zero"}


def test_early_repayment_reducing_the_duration_saves_more_interest_than_the_instalment() -> None:
    loan = LoanInput(10000, 6, 60)
    shorter = early_repayment(EarlyRepaymentInput(loan, 12, 3000, "reduce_duration"))
    lighter = early_repayment(EarlyRepaymentInput(loan, 12, 3000, "reduce_installment"))
    assert shorter.new_installment == pytest.approx(lighter.original_installment)
    assert shorter.new_months_left < 48 and lighter.new_months_left == 48
    assert lighter.new_installment < lighter.original_installment
    assert shorter.interest_saved > lighter.interest_saved > 0
    # Whatever the mode, the remaining principal is exactly repaid.
    for result in (shorter, lighter):
        assert result.schedule_after.principal.sum() == pytest.approx(result.balance_before - 3000)


def test_early_repayment_fee_is_capped_by_italian_law() -> None:
    loan = LoanInput(10000, 6, 60)
    long_left = early_repayment(EarlyRepaymentInput(loan, 12, 2000, early_repayment_fee_pct=3))
    assert long_left.fee_capped_by_law and long_left.fee == pytest.approx(20.0)
    short_left = early_repayment(EarlyRepaymentInput(loan, 50, 500, early_repayment_fee_pct=1))
    assert short_left.fee_pct_applied == 0.5 and short_left.fee == pytest.approx(2.5)
    fair = early_repayment(EarlyRepaymentInput(loan, 12, 2000, early_repayment_fee_pct=0.8))
    assert not fair.fee_capped_by_law and fair.fee == pytest.approx(16.0)


def test_early_repayment_fee_never_exceeds_the_interest_still_due() -> None:
    # Art. 125-sexies TUB: on a 0 % loan no fee is due, whatever the contract says.
    free = early_repayment(EarlyRepaymentInput(LoanInput(1200, 0, 12), 3, 300, "reduce_duration",
                                               early_repayment_fee_pct=1))  # fmt: skip
    assert free.fee == 0 and free.fee_capped_by_law and free.net_saving == 0
    # At a tiny rate the interest left (about 0.19 €) is below 0.5 % of the amount (1.50 €).
    tiny = early_repayment(EarlyRepaymentInput(LoanInput(1200, 0.05, 12), 3, 300,
                                               early_repayment_fee_pct=0.5))  # fmt: skip
    interest_left = 0.05 / 1200 * sum(100 * (12 - n) for n in range(3, 12))  # nearly linear
    assert tiny.fee == pytest.approx(interest_left, rel=1e-3) and tiny.fee_capped_by_law
    assert tiny.fee_pct_applied < 0.5


def test_early_repayment_of_the_whole_balance_closes_the_loan() -> None:
    body = run("loan-early-repayment", {"principal": 1200, "annual_rate": 0, "months": 12,
                                        "month": 6, "amount": 600})  # fmt: skip
    assert body["new_months_left"] == 0 and body["new_installment"] == 0
    assert body["interest_saved"] == 0


def test_early_repayment_of_the_balance_as_shown_in_cents_closes_the_loan() -> None:
    # The balance after 24 instalments is 3,865.0694 €: people see and type 3,865.07.
    body = run("loan-early-repayment", {"principal": 6000, "annual_rate": 7.5, "months": 60,
                                        "month": 24, "amount": "3865,07"})  # fmt: skip
    assert body["balance_before"] == 3865.07 and body["new_months_left"] == 0


def test_early_repayment_validates_month_and_amount() -> None:
    base = {"principal": 1200, "annual_rate": 0, "months": 12}
    with pytest.raises(InvalidInput) as caught:
        run("loan-early-repayment", {**base, "month": 12, "amount": 10})
    assert caught.value.codes == {"month": "early_month_range"}
    with pytest.raises(InvalidInput) as caught:
        run("loan-early-repayment", {**base, "month": 6, "amount": 601})
    assert caught.value.codes == {"amount": "early_amount_exceeds_balance"}
    assert "600,00 €" in caught.value.errors["amount"]


def test_italian_early_repayment_reducing_duration_keeps_the_principal_share() -> None:
    loan = LoanInput(12000, 6, 12, "italian")
    result = early_repayment(EarlyRepaymentInput(loan, 2, 3000, "reduce_duration"))
    assert result.new_months_left == 7
    assert result.schedule_after.principal[0] == pytest.approx(1000)
    assert result.schedule_after.balance[-1] == 0.0
