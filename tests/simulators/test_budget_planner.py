"""The budget planner's library: categories, frequencies, groups, debt share, advice."""

from __future__ import annotations

import pytest

from simulators import InvalidInput, run
from simulators.budget_catalogue import EXPENSE_CATEGORIES, INCOME_CATEGORIES, classify


def line(category: str, subitem: str | None, amount: float, **extra: str) -> dict:
    data: dict = {"category": category, "amount": amount, **extra}
    if subitem is not None:
        data["subitem"] = subitem
    return data


def budget(incomes: list[dict], expenses: list[dict], savings: float | None = None) -> dict:
    return run("budget", {"incomes": incomes, "expenses": expenses, "savings": savings})


NET_2000 = [line("lavoro", "stipendio", 2000)]


def test_the_catalogue_has_the_italian_household_categories_with_subitems() -> None:
    keys = [category.key for category in EXPENSE_CATEGORIES]
    for expected in ("casa", "bollette", "spesa", "trasporti", "figli", "salute", "rate",
                     "assicurazioni", "svago", "regali", "altro"):  # fmt: skip
        assert expected in keys
    bills = next(c for c in EXPENSE_CATEGORIES if c.key == "bollette")
    assert [s.key for s in bills.subitems] == ["luce", "gas", "acqua", "internet", "tari"]
    assert next(s for s in bills.subitems if s.key == "tari").frequency == "yearly"
    work = next(c for c in INCOME_CATEGORIES if c.key == "lavoro")
    assert {"stipendio", "tredicesima", "quattordicesima"} <= {s.key for s in work.subitems}


@pytest.mark.parametrize(
    ("frequency", "amount", "monthly"),
    [
        ("weekly", 120, 520.0),  # 120 x 52 / 12, not 120 x 4
        ("settimanale", 120, 520.0),
        ("monthly", 75, 75.0),
        ("bimonthly", 130, 65.0),
        ("bimestrale", 130, 65.0),
        ("quarterly", 90, 30.0),
        ("half-yearly", 600, 100.0),
        ("yearly", 264, 22.0),
        ("annuale", 264, 22.0),
    ],
)
def test_each_frequency_is_converted_to_a_month(frequency: str, amount: float, monthly: float):
    body = budget(NET_2000, [line("bollette", "luce", amount, frequency=frequency)])
    assert body["total_expenses"] == monthly
    assert body["lines"][-1]["monthly_amount"] == monthly
    assert body["lines"][-1]["frequency"] in {"weekly", "monthly", "bimonthly", "quarterly",
                                             "half-yearly", "yearly"}  # fmt: skip


def test_13th_and_14th_month_pay_are_spread_over_the_year() -> None:
    incomes = [
        line("lavoro", "stipendio", 1500),
        line("lavoro", "tredicesima", 1500, frequency="yearly"),
        line("lavoro", "quattordicesima", 1500, frequency="yearly"),
        line("sostegni", "assegno_unico", 180),
    ]
    body = budget(incomes, [])
    assert body["total_income"] == 1930.0  # 1500 x 14 / 12 + 180
    labels = {share["label_it"] for share in body["income_shares"]}
    assert {"Tredicesima", "Quattordicesima", "Assegno unico per i figli"} <= labels


def test_subitems_bring_their_default_group_and_the_person_may_change_it() -> None:
    body = budget(
        NET_2000,
        [
            line("casa", "mutuo", 500),
            line("figli", "asilo", 200),
            line("svago", "ristoranti", 100),
            line("svago", "ristoranti", 50, group="need"),
            line("risparmio", "accantonamento", 100),
        ],
    )
    assert body["groups"] == {"needs": 250.0, "wants": 100.0, "debts": 500.0, "savings": 100.0}
    rule = body["rule_50_30_20"]
    # Debts count as needs in the rule, and the page can say how much of it they are.
    assert rule["needs"]["amount"] == 750.0 and rule["needs"]["debts_included"] == 500.0
    assert rule["wants"]["amount"] == 100.0
    assert rule["savings"]["amount"] == 100.0 + 1050.0  # put aside plus what is left


def test_free_text_lines_keep_the_group_chosen_for_them() -> None:
    body = budget(NET_2000, [line("Gatto", None, 40, group="need"), line("Gatto 2", None, 10)])
    groups = {share["category"]: share["group"] for share in body["expense_shares"]}
    assert groups == {"Gatto": "needs", "Gatto 2": "wants"}
    assert body["unknown_categories"] == ["Gatto 2"]


def test_old_free_text_that_was_counted_as_wants_now_finds_its_group() -> None:
    body = budget(
        [{"category": "Stipendio", "amount": 2000}],
        [
            {"category": "Rata auto", "amount": 250},
            {"category": "Affitto casa", "amount": 700},
            {"category": "Luce e gas", "amount": 120},
            {"category": "Asilo nido", "amount": 300},
        ],
    )
    groups = {share["category"]: share["group"] for share in body["expense_shares"]}
    assert groups == {
        "Rata auto": "debts",
        "Affitto casa": "needs",
        "Luce e gas": "needs",
        "Asilo nido": "needs",
    }
    assert body["unknown_categories"] == []
    assert body["rule_50_30_20"]["wants"]["amount"] == 0.0


def test_old_categories_keep_the_group_they_had() -> None:
    assert classify("Affitto") == ("casa", "needs")
    assert classify("Ristoranti") == ("ristoranti", "wants")
    assert classify("Risparmio") == ("risparmio", "savings")


@pytest.mark.parametrize(
    ("instalments", "share", "level"),
    [
        (0, 0.0, "none"),
        (600, 30.0, "ok"),
        (620, 31.0, "watch"),
        (700, 35.0, "watch"),
        (720, 36.0, "high"),
    ],  # fmt: skip
)
def test_debt_service_share_and_its_thresholds(instalments: float, share: float, level: str):
    expenses = [line("rate", "prestito", instalments)] if instalments else []
    body = budget(NET_2000, expenses)
    assert body["debt_service"]["level"] == level
    assert body["debt_service"]["share"] == share
    assert body["debt_service"]["watch_share"] == 30.0
    assert body["debt_service"]["high_share"] == 35.0


def test_the_mortgage_counts_in_the_debt_share() -> None:
    body = budget(NET_2000, [line("casa", "mutuo", 500), line("rate", "auto", 250)])
    assert body["debt_service"]["amount"] == 750.0 and body["debt_service"]["level"] == "high"


def test_instalments_without_income_cannot_be_measured() -> None:
    body = budget([], [line("rate", "carta", 100)])
    assert body["debt_service"]["level"] == "no_income" and body["debt_service"]["share"] is None
    assert [item["code"] for item in body["advice"]] == ["no_income"]


def test_months_covered_by_savings_for_all_spending_and_for_essentials() -> None:
    expenses = [line("casa", "affitto", 800), line("svago", "uscite", 200),
                line("risparmio", "accantonamento", 300)]  # fmt: skip
    body = budget(NET_2000, expenses, savings=3000)
    assert body["emergency_fund_months"] == 3.0  # 3000 / (800 + 200): money put aside is not spent
    assert body["emergency_fund_months_essentials"] == 3.8  # 3000 / 800


def test_advice_puts_a_shortfall_first_then_ranks_by_euros_a_month() -> None:
    body = budget(
        NET_2000,
        [
            line("casa", "affitto", 1300),  # needs 1300 + 400 = 1700: 700 above 50 %
            line("rate", "prestito", 400),  # 20 %: fine
            line("svago", "uscite", 350),  # below 30 % (600): no advice on wants
            line("bollette", "tari", 300, frequency="yearly"),  # 25 a month
        ],
        savings=0,
    )
    codes = [item["code"] for item in body["advice"]]
    assert codes[0] == "shortfall"
    assert body["advice"][0]["impact"] == 75.0  # 2075 out, 2000 in
    impacts = [item["impact"] for item in body["advice"][1:]]
    assert impacts == sorted(impacts, reverse=True)
    assert "needs_over" in codes and "wants_over" not in codes
    needs = next(item for item in body["advice"] if item["code"] == "needs_over")
    assert needs["excess"] == 725.0 and needs["largest"][0]["label_it"] == "Affitto"


def test_high_instalments_come_before_other_advice_even_when_smaller() -> None:
    body = budget(NET_2000, [line("rate", "prestito", 760), line("svago", "uscite", 1000)])
    codes = [item["code"] for item in body["advice"]]
    assert codes[0] == "debt_high"  # 760 is 38 %
    assert codes.index("wants_over") > 0


def test_a_balanced_budget_is_told_so() -> None:
    body = budget(NET_2000, [line("casa", "affitto", 900), line("svago", "uscite", 400),
                             line("risparmio", "accantonamento", 400)], savings=10000)  # fmt: skip
    assert [item["code"] for item in body["advice"]] == ["on_track"]


@pytest.mark.parametrize(
    ("bad_line", "field", "code"),
    [
        ({"frequency": "daily"}, "expenses.0.frequency", "bad_choice"),
        ({"frequency": 12}, "expenses.0.frequency", "not_text"),
        ({"group": "luxury"}, "expenses.0.group", "bad_choice"),
        ({"subitem": 5}, "expenses.0.subitem", "not_text"),
        ({"amount": "-5"}, "expenses.0.amount", "negative"),
    ],
)
def test_bad_new_fields_are_refused_with_a_message_on_the_field(bad_line, field, code) -> None:
    with pytest.raises(InvalidInput) as caught:
        run("budget", {"incomes": [], "expenses": [{**line("bollette", "luce", 10), **bad_line}]})
    assert caught.value.codes == {field: code}
    assert caught.value.errors[field]


def test_the_frequency_message_lists_the_choices_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as caught:
        run("budget", {"incomes": [], "expenses": [line("bollette", "luce", 10, frequency="x")]})
    assert "weekly, monthly, bimonthly" in caught.value.errors["expenses.0.frequency"]
    assert caught.value.messages("en")["expenses.0.frequency"].startswith("Value not allowed")
