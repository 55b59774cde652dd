"""Household budget: totals, balance, savings rate, shares by category, the 50/30/20 rule.

Expense categories are matched (case- and accent-insensitively) against a small fixed vocabulary
with Italian labels; each known category belongs to a 50/30/20 group: needs (50 %), wants (30 %)
or savings (20 %). Categories outside the vocabulary count as wants, and the result lists them
in ``unknown_categories`` so the page can say so.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from simulators.numbers import cents, round_half_up
from simulators.validation import FieldReader

Group = Literal["needs", "wants", "savings"]
MAX_LINES = 50
MAX_CATEGORY_LENGTH = 60
RULE_TARGETS: dict[str, float] = {"needs": 50.0, "wants": 30.0, "savings": 20.0}
GROUP_LABELS: dict[str, tuple[str, str]] = {
    "needs": ("Necessità", "Needs"),
    "wants": ("Desideri", "Wants"),
    "savings": ("Risparmio", "Savings"),
}

# canonical key -> (group, Italian label, English label, aliases). Aliases are normalised
# (lowercase, no accents) before matching; English aliases help the English UI.
CATEGORIES: dict[str, tuple[Group, str, str, tuple[str, ...]]] = {
    "casa": (
        "needs",
        "Casa (affitto, mutuo)",
        "Housing",
        ("affitto", "mutuo", "condominio", "housing", "rent", "mortgage", "home"),
    ),
    "utenze": (
        "needs",
        "Utenze e bollette",
        "Utilities",
        ("bollette", "luce", "gas", "acqua", "internet", "telefono", "utilities", "bills"),
    ),
    "spesa alimentare": (
        "needs",
        "Spesa alimentare",
        "Groceries",
        ("spesa", "alimentari", "cibo", "supermercato", "groceries", "food"),
    ),
    "trasporti": (
        "needs",
        "Trasporti",
        "Transport",
        (
            "trasporto",
            "auto",
            "benzina",
            "carburante",
            "abbonamento bus",
            "transport",
            "car",
            "fuel",
        ),
    ),
    "salute": ("needs", "Salute", "Health", ("farmaci", "medico", "sanita", "health", "medicine")),
    "istruzione": (
        "needs",
        "Istruzione e scuola",
        "Education",
        ("scuola", "libri scolastici", "education", "school"),
    ),
    "figli": (
        "needs",
        "Figli e cura",
        "Children and care",
        ("bambini", "asilo", "cura", "childcare", "children"),
    ),
    "assicurazioni": ("needs", "Assicurazioni", "Insurance", ("assicurazione", "insurance")),
    "debiti/rate": (
        "needs",
        "Debiti e rate",
        "Debts and instalments",
        (
            "debiti",
            "rate",
            "rata",
            "prestito",
            "finanziamento",
            "debts",
            "debt",
            "loan",
            "instalments",
        ),
    ),
    "svago": (
        "wants",
        "Svago",
        "Leisure",
        ("tempo libero", "divertimento", "hobby", "leisure", "entertainment"),
    ),
    "ristoranti": (
        "wants",
        "Ristoranti e bar",
        "Eating out",
        ("ristorante", "bar", "pizzeria", "restaurants", "eating out"),
    ),
    "abbigliamento": (
        "wants",
        "Abbigliamento",
        "Clothing",
        ("vestiti", "scarpe", "clothing", "clothes"),
    ),
    "viaggi": ("wants", "Viaggi e vacanze", "Travel", ("vacanze", "viaggio", "travel", "holidays")),
    "abbonamenti": (
        "wants",
        "Abbonamenti (streaming, palestra)",
        "Subscriptions",
        ("streaming", "palestra", "subscriptions", "gym"),
    ),
    "regali": ("wants", "Regali", "Gifts", ("gifts",)),
    "risparmio": (
        "savings",
        "Risparmio",
        "Savings",
        (
            "risparmi",
            "accantonamento",
            "fondo emergenza",
            "pensione integrativa",
            "investimenti",
            "savings",
            "investments",
        ),
    ),
}


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


_LOOKUP: dict[str, str] = {}
for _key, (_group, _it, _en, _aliases) in CATEGORIES.items():
    for _name in (_key, _it, _en, *_aliases):
        _LOOKUP.setdefault(_normalise(_name), _key)


def classify(category: str) -> tuple[str | None, Group]:
    """(canonical key or None if unknown, 50/30/20 group). Unknown categories are wants."""
    key = _LOOKUP.get(_normalise(category))
    if key is None:
        return None, "wants"
    return key, CATEGORIES[key][0]


@dataclass(frozen=True)
class BudgetLine:
    category: str
    amount: float  # euros per month


@dataclass(frozen=True)
class BudgetInput:
    incomes: tuple[BudgetLine, ...]
    expenses: tuple[BudgetLine, ...]
    savings: float | None = None  # money already set aside, for the emergency fund


@dataclass(frozen=True)
class CategoryShare:
    category: str
    amount: float
    share: float  # % of the list's total
    group: Group | None  # None for incomes
    known: bool


@dataclass(frozen=True, eq=False)
class BudgetResult:
    input: BudgetInput
    total_income: float
    total_expenses: float
    balance: float
    savings_rate: float | None  # % of income saved; None without income
    income_shares: tuple[CategoryShare, ...]
    expense_shares: tuple[CategoryShare, ...]
    groups: dict[str, float]  # needs / wants / savings in euros
    emergency_fund_months: float | None
    unknown_categories: tuple[str, ...]

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
            return data

        rule = {}
        for group, target in RULE_TARGETS.items():
            share = self.groups[group] / self.total_income * 100 if self.total_income else None
            rule[group] = {
                "amount": cents(self.groups[group]),
                "share": None if share is None else round_half_up(share, 2),
                "target_share": target,
                "target_amount": cents(self.total_income * target / 100),
                "difference": None if share is None else round_half_up(share - target, 2),
                "label_it": GROUP_LABELS[group][0],
                "label_en": GROUP_LABELS[group][1],
            }
        return {
            "total_income": cents(self.total_income),
            "total_expenses": cents(self.total_expenses),
            "balance": cents(self.balance),
            "savings_rate": None if self.savings_rate is None else round_half_up(self.savings_rate),
            "income_shares": [share_dict(s) for s in self.income_shares],
            "expense_shares": [share_dict(s) for s in self.expense_shares],
            "rule_50_30_20": rule,
            "emergency_fund_months": None
            if self.emergency_fund_months is None
            else round_half_up(self.emergency_fund_months, 1),
            "unknown_categories": list(self.unknown_categories),
            "unknown_categories_group": "wants",
        }


def _read_lines(reader: FieldReader, name: str) -> tuple[BudgetLine, ...]:
    lines = []
    for item in reader.items(name, max_items=MAX_LINES) or []:
        category = item.text("category", max_length=MAX_CATEGORY_LENGTH)
        amount = item.amount("amount")
        if category is not None and amount is not None:
            lines.append(BudgetLine(category, amount))
    return tuple(lines)


def parse_budget(mapping: Mapping[str, Any]) -> BudgetInput:
    """``incomes`` and ``expenses`` (lists of {category, amount}, at most 50 lines each, both
    required, may be empty) and optional ``savings`` (euros set aside). Raises InvalidInput."""
    reader = FieldReader(mapping)
    incomes = _read_lines(reader, "incomes")
    expenses = _read_lines(reader, "expenses")
    savings = reader.amount("savings", default=None)
    reader.raise_if_invalid()
    return BudgetInput(incomes, expenses, savings)


def _shares(
    lines: tuple[BudgetLine, ...], with_group: bool
) -> tuple[tuple[CategoryShare, ...], list[str]]:
    # Lines with the same category (after normalisation) are one category.
    totals: dict[str, tuple[str, float]] = {}
    for line in lines:
        key = _normalise(line.category)
        label, amount = totals.get(key, (line.category, 0.0))
        totals[key] = (label, amount + line.amount)
    grand_total = sum(amount for _, amount in totals.values())
    shares, unknown = [], []
    for label, amount in totals.values():
        key, group = classify(label)
        if with_group and key is None:
            unknown.append(label)
        shares.append(
            CategoryShare(
                category=label,
                amount=amount,
                share=amount / grand_total * 100 if grand_total else 0.0,
                group=group if with_group else None,
                known=key is not None,
            )
        )
    shares.sort(key=lambda s: -s.amount)
    return tuple(shares), unknown


def compute_budget(data: BudgetInput) -> BudgetResult:
    """Totals and shares.

    The savings group of the 50/30/20 rule is the money put into savings categories plus any
    positive balance left over: both are money not spent. ``savings_rate`` is that total as
    a % of income. ``emergency_fund_months`` divides ``savings`` by the monthly spending
    (expenses other than savings), i.e. how long the savings would cover it.
    """
    total_income = sum(line.amount for line in data.incomes)
    total_expenses = sum(line.amount for line in data.expenses)
    balance = total_income - total_expenses
    income_shares, _ = _shares(data.incomes, with_group=False)
    expense_shares, unknown = _shares(data.expenses, with_group=True)
    groups = {"needs": 0.0, "wants": 0.0, "savings": 0.0}
    for share in expense_shares:
        groups[share.group] += share.amount  # type: ignore[index]
    saved_in_categories = groups["savings"]
    groups["savings"] += max(balance, 0.0)
    spending = total_expenses - saved_in_categories
    emergency = None
    if data.savings is not None and spending > 0:
        emergency = data.savings / spending
    return BudgetResult(
        input=data,
        total_income=total_income,
        total_expenses=total_expenses,
        balance=balance,
        savings_rate=(balance + saved_in_categories) / total_income * 100 if total_income else None,
        income_shares=income_shares,
        expense_shares=expense_shares,
        groups=groups,
        emergency_fund_months=emergency,
        unknown_categories=tuple(unknown),
    )
