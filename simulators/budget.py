"""Household budget: monthly totals, balance, savings rate, the 50/30/20 rule, the share of
income that goes to debt instalments, months covered by savings and what to look at first.

Lines come in two shapes. The old one, ``{category, amount}`` a month, still works: the
category is matched (case- and accent-insensitively) against the first version's vocabulary,
then against the catalogue's labels and the vocabulary's words inside a longer text ("Rata
auto", "Luce e gas"); what is still unknown counts as wants and is listed in
``unknown_categories``. The new one names a category of the catalogue
(``simulators.budget_catalogue``) and one of its subitems (``{category: "bollette", subitem:
"luce", amount: 90, frequency: "bimonthly"}``) and may choose the ``group``; without a group,
the subitem's default applies. Free text works in both shapes.

Groups: needs, wants, debts (instalments of loans and mortgages) and savings. For the 50/30/20
rule debts count as needs, as in Warren and Tyagi's rule (minimum debt payments are "must-pay"
bills); they are also measured on their own against net income (``debt_service``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulators.budget_advice import advise, debt_level
from simulators.budget_catalogue import (
    DEBT_HIGH_SHARE,
    DEBT_WATCH_SHARE,
    EMERGENCY_MONTHS_TARGET,
    EXPENSE_CATEGORIES,
    GROUP_LABELS,
    GROUPS,
    INCOME_CATEGORIES,
    RULE_TARGETS,
    Category,
    Group,
    Subitem,
    classify,
    find_subitem,
    normalise,
)
from simulators.budget_model import Advice, BudgetInput, BudgetLine, CategoryShare, CategoryTotal
from simulators.numbers import cents, round_half_up


@dataclass(frozen=True, eq=False)
class BudgetResult:
    input: BudgetInput
    total_income: float
    total_expenses: float
    balance: float
    savings_rate: float | None  # % of income saved; None without income
    income_shares: tuple[CategoryShare, ...]
    expense_shares: tuple[CategoryShare, ...]
    groups: dict[str, float]  # needs / wants / savings of the 50/30/20 rule, in euros
    emergency_fund_months: float | None
    unknown_categories: tuple[str, ...]
    group_totals: dict[str, float] | None = None  # needs / wants / debts / savings lines
    categories: tuple[CategoryTotal, ...] = ()
    debt_share: float | None = None  # % of net income that goes to instalments
    debt_level: str = "none"
    emergency_fund_months_essentials: float | None = None
    irregular_monthly: float = 0.0  # the monthly share of bills that are not monthly
    advice: tuple[Advice, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        def share_dict(line: CategoryShare) -> dict[str, Any]:
            data: dict[str, Any] = {
                "category": line.category,
                "amount": cents(line.amount),
                "share": round_half_up(line.share, 2),
            }
            if line.group is not None:
                data["group"] = line.group
                data["known"] = line.known
            if line.subitem is not None:
                data["subitem"] = line.subitem
            if line.label_it is not None:
                data["label_it"] = line.label_it
                data["label_en"] = line.label_en
            return data

        def opt(value: float | None, places: int = 2) -> float | None:
            return None if value is None else round_half_up(value, places)

        totals = self.group_totals or {}
        rule = {}
        for group, target in RULE_TARGETS.items():
            share = self.groups[group] / self.total_income * 100 if self.total_income else None
            rule[group] = {
                "amount": cents(self.groups[group]),
                "share": opt(share),
                "target_share": target,
                "target_amount": cents(self.total_income * target / 100),
                "difference": None if share is None else round_half_up(share - target, 2),
                "label_it": GROUP_LABELS[group][0],
                "label_en": GROUP_LABELS[group][1],
            }
        rule["needs"]["debts_included"] = cents(totals.get("debts", 0.0))
        return {
            "total_income": cents(self.total_income),
            "total_expenses": cents(self.total_expenses),
            "balance": cents(self.balance),
            "savings_rate": opt(self.savings_rate),
            "income_shares": [share_dict(s) for s in self.income_shares],
            "expense_shares": [share_dict(s) for s in self.expense_shares],
            "rule_50_30_20": rule,
            "emergency_fund_months": opt(self.emergency_fund_months, 1),
            "unknown_categories": list(self.unknown_categories),
            "unknown_categories_group": "wants",
            "groups": {key: cents(totals.get(key, 0.0)) for key in GROUPS},
            "categories": [
                {
                    "category": c.category,
                    "label_it": c.label_it,
                    "label_en": c.label_en,
                    "amount": cents(c.amount),
                    "share": round_half_up(c.share, 2),
                }
                for c in self.categories
            ],
            "lines": [
                {
                    "list": kind,
                    "category": line.category,
                    "subitem": line.subitem,
                    "amount": cents(line.amount),
                    "frequency": line.frequency,
                    "monthly_amount": cents(line.monthly),
                    **({"group": _group_of(line)[0]} if kind == "expenses" else {}),
                }
                for kind, lines in (
                    ("incomes", self.input.incomes),
                    ("expenses", self.input.expenses),
                )
                for line in lines
            ],
            "debt_service": {
                "amount": cents(totals.get("debts", 0.0)),
                "share": opt(self.debt_share),
                "level": self.debt_level,
                "watch_share": DEBT_WATCH_SHARE,
                "high_share": DEBT_HIGH_SHARE,
            },
            "emergency_fund_months_essentials": opt(self.emergency_fund_months_essentials, 1),
            "emergency_fund_target_months": EMERGENCY_MONTHS_TARGET,
            "irregular_monthly": cents(self.irregular_monthly),
            "advice": [
                {
                    "code": item.code,
                    "impact": cents(item.impact),
                    **{
                        key: cents(value) if isinstance(value, float) else value
                        for key, value in item.params.items()
                    },
                }
                for item in self.advice
            ],
        }


def _group_of(line: BudgetLine) -> tuple[Group, bool, Category | None, Subitem | None]:
    """(group, known, catalogue category, catalogue subitem) of an expense line."""
    category, subitem = find_subitem(EXPENSE_CATEGORIES, line.category, line.subitem or "")
    if line.subitem is None:
        category = None  # the old shape: the old vocabulary decides, as before
    if subitem is not None and subitem.group is not None:
        return line.group or subitem.group, True, category, subitem
    key, group = classify(line.category)
    if line.group is not None:
        return line.group, True, category, None
    return group, key is not None, category, None


def _share(
    line: BudgetLine,
    amount: float,
    grand_total: float,
    group: Group | None,
    known: bool,
    subitem: Subitem | None,
) -> CategoryShare:
    """A line's monthly amount as a share of its list, with the catalogue's words if any."""
    return CategoryShare(
        category=line.category,
        amount=amount,
        share=amount / grand_total * 100 if grand_total else 0.0,
        group=group,
        known=known,
        subitem=line.subitem,
        label_it=subitem.label_it if subitem else None,
        label_en=subitem.label_en if subitem else None,
    )


def _income_shares(lines: tuple[BudgetLine, ...]) -> tuple[CategoryShare, ...]:
    # Lines with the same category and subitem (after normalisation) are one line.
    totals: dict[tuple[str, str], tuple[BudgetLine, float]] = {}
    for line in lines:
        key = (normalise(line.category), normalise(line.subitem or ""))
        first, amount = totals.get(key, (line, 0.0))
        totals[key] = (first, amount + line.monthly)
    grand_total = sum(amount for _, amount in totals.values())
    shares = []
    for line, amount in totals.values():
        _, subitem = (
            find_subitem(INCOME_CATEGORIES, line.category, line.subitem)
            if line.subitem
            else (None, None)
        )
        shares.append(_share(line, amount, grand_total, None, subitem is not None, subitem))
    shares.sort(key=lambda s: -s.amount)
    return tuple(shares)


def _expense_shares(
    lines: tuple[BudgetLine, ...],
) -> tuple[tuple[CategoryShare, ...], list[str], tuple[CategoryTotal, ...]]:
    totals: dict[tuple[str, str, str], list[Any]] = {}
    by_category: dict[str, list[Any]] = {}
    for line in lines:
        group, known, category, subitem = _group_of(line)
        key = (normalise(line.category), normalise(line.subitem or ""), group)
        entry = totals.setdefault(key, [line, 0.0, group, known, subitem])
        entry[1] += line.monthly
        cat_key = category.key if category else normalise(line.category)
        cat_labels = (
            (category.label_it, category.label_en) if category else (line.category, line.category)
        )
        cat_entry = by_category.setdefault(cat_key, [cat_labels, 0.0])
        cat_entry[1] += line.monthly
    grand_total = sum(entry[1] for entry in totals.values())
    shares, unknown = [], []
    for line, amount, group, known, subitem in totals.values():
        if not known:
            unknown.append(line.category)
        shares.append(_share(line, amount, grand_total, group, known, subitem))
    shares.sort(key=lambda s: -s.amount)
    categories = [
        CategoryTotal(
            key, labels[0], labels[1], amount, amount / grand_total * 100 if grand_total else 0.0
        )
        for key, (labels, amount) in by_category.items()
    ]
    categories.sort(key=lambda c: -c.amount)
    return tuple(shares), unknown, tuple(categories)


def compute_budget(data: BudgetInput) -> BudgetResult:
    """Totals and shares, all in euros a month (each line converted by its frequency).

    The savings group of the 50/30/20 rule is the money put into savings lines plus any
    positive balance left over: both are money not spent; debts count as needs.
    ``savings_rate`` is that total as a % of income. ``emergency_fund_months`` divides
    ``savings`` by the monthly spending (expenses other than savings), i.e. how long the
    savings would cover it; ``emergency_fund_months_essentials`` by needs and debts only.
    """
    total_income = sum(line.monthly for line in data.incomes)
    total_expenses = sum(line.monthly for line in data.expenses)
    balance = total_income - total_expenses
    income_shares = _income_shares(data.incomes)
    expense_shares, unknown, categories = _expense_shares(data.expenses)
    totals = {group: 0.0 for group in GROUPS}
    for share in expense_shares:
        totals[share.group] += share.amount  # type: ignore[index]
    groups = {
        "needs": totals["needs"] + totals["debts"],
        "wants": totals["wants"],
        "savings": totals["savings"] + max(balance, 0.0),
    }
    spending = total_expenses - totals["savings"]
    essentials = totals["needs"] + totals["debts"]
    emergency = essentials_months = None
    if data.savings is not None and spending > 0:
        emergency = data.savings / spending
    if data.savings is not None and essentials > 0:
        essentials_months = data.savings / essentials
    debt_share = totals["debts"] / total_income * 100 if total_income else None
    level = debt_level(debt_share, totals["debts"])
    irregular = sum(
        line.monthly for line in data.expenses if line.frequency not in ("monthly", "weekly")
    )
    return BudgetResult(
        input=data,
        total_income=total_income,
        total_expenses=total_expenses,
        balance=balance,
        savings_rate=(balance + totals["savings"]) / total_income * 100 if total_income else None,
        income_shares=income_shares,
        expense_shares=expense_shares,
        groups=groups,
        emergency_fund_months=emergency,
        unknown_categories=tuple(unknown),
        group_totals=totals,
        categories=categories,
        debt_share=debt_share,
        debt_level=level,
        emergency_fund_months_essentials=essentials_months,
        irregular_monthly=irregular,
        advice=advise(
            data,
            total_income,
            balance,
            totals,
            spending,
            expense_shares,
            debt_share,
            level,
            irregular,
        ),
    )
