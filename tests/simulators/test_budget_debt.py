"""Budget shares and the 50/30/20 rule; debt strategies and their refusals."""

from __future__ import annotations

import pytest

from simulators import InvalidInput, run
from simulators.budget_catalogue import classify
from simulators.debt import Debt, DebtInput, compare_strategies, compute_debt

BUDGET = {
    "incomes": [
        {"category": "Stipendio", "amount": 1800},
        {"category": "Assegno unico", "amount": 200},
    ],
    "expenses": [
        {"category": "Affitto", "amount": 700},
        {"category": "Spesa alimentare", "amount": 400},
        {"category": "Ristoranti", "amount": 100},
        {"category": "Risparmio", "amount": 200},
        {"category": "Gatto", "amount": 100},
        {"category": "affitto", "amount": 100},
    ],
    "savings": 3600,
}


def test_budget_totals_balance_and_savings_rate() -> None:
    body = run("budget", BUDGET)
    assert body["total_income"] == 2000 and body["total_expenses"] == 1600
    assert body["balance"] == 400
    # Saved: the 200 put aside plus the 400 left over.
    assert body["savings_rate"] == 30.0


def test_budget_merges_categories_and_sorts_shares() -> None:
    body = run("budget", BUDGET)
    first = body["expense_shares"][0]
    assert first == {
        "category": "Affitto",
        "amount": 800.0,
        "share": 50.0,
        "group": "needs",
        "known": True,
    }
    assert sum(s["share"] for s in body["expense_shares"]) == pytest.approx(100)


def test_budget_50_30_20_groups_and_unknown_categories() -> None:
    body = run("budget", BUDGET)
    rule = body["rule_50_30_20"]
    assert rule["needs"]["amount"] == 1200 and rule["needs"]["share"] == 60.0
    assert rule["wants"]["amount"] == 200  # ristoranti + the unknown "Gatto"
    assert rule["savings"]["amount"] == 600
    assert rule["needs"]["difference"] == 10.0
    assert body["unknown_categories"] == ["Gatto"]


def test_emergency_fund_months_ignore_money_put_into_savings() -> None:
    assert run("budget", BUDGET)["emergency_fund_months"] == 2.6  # 3600 / 1400
    assert run("budget", {**BUDGET, "savings": None})["emergency_fund_months"] is None


def test_budget_without_income_has_no_savings_rate() -> None:
    body = run("budget", {"incomes": [], "expenses": [{"category": "casa", "amount": 10}]})
    assert body["savings_rate"] is None and body["balance"] == -10


def test_categories_match_without_case_or_accents() -> None:
    assert classify("SANITÀ") == ("salute", "needs")
    assert classify("Bollette") == ("utenze", "needs")
    assert classify("viaggi") == ("viaggi", "wants")
    assert classify("Fondo emergenza") == ("risparmio", "savings")
    assert classify("Gatto") == (None, "wants")


DEBTS = (
    Debt("Carta revolving", 4000, 19.9, 80),
    Debt("Prestito auto", 9000, 7.5, 180),
    Debt("Prestito amici", 1500, 0.0, 50),
)


def test_avalanche_pays_less_interest_than_snowball() -> None:
    comparison = compare_strategies(DebtInput(DEBTS, 600))
    assert comparison.avalanche.total_interest < comparison.snowball.total_interest
    assert comparison.interest_saved_by_avalanche > 50
    assert comparison.avalanche.payoff_order[0] == "Carta revolving"
    assert comparison.snowball.payoff_order[0] == "Prestito amici"


def test_debt_plan_conserves_money() -> None:
    result = compute_debt(DebtInput(DEBTS, 600, "snowball"))
    principal = sum(d.balance for d in DEBTS)
    assert result.total_paid == pytest.approx(principal + result.total_interest)
    assert result.balances[-1] == 0 and len(result.balances) == result.months_to_payoff + 1
    assert max(d.payoff_month for d in result.debts) == result.months_to_payoff


def test_debt_budget_below_minimums_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        run("debt", {"debts": [d.__dict__ for d in DEBTS], "monthly_budget": 300})
    assert caught.value.codes == {"monthly_budget": "budget_below_minimums"}
    assert "310,00 €" in caught.value.errors["monthly_budget"]


def test_a_plan_that_never_ends_is_refused_with_the_debt_at_fault() -> None:
    debts = [{"name": "Carta", "balance": 5000, "annual_rate": 24, "min_payment": 90}]
    with pytest.raises(InvalidInput) as caught:
        run("debt", {"debts": debts, "monthly_budget": 95})
    assert caught.value.codes == {
        "monthly_budget": "plan_never_ends",
        "debts.0.min_payment": "min_payment_below_interest",
    }
    assert "100,00 €" in caught.value.errors["debts.0.min_payment"]
