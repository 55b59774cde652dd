"""The budget's data: input lines (validated by ``parse_budget``) and the pieces of a result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulators.budget_catalogue import FREQUENCIES, FREQUENCY_ALIASES, GROUP_ALIASES, Group
from simulators.validation import FieldReader

MAX_LINES = 50  # incomes
MAX_EXPENSE_LINES = 100  # the catalogue alone has about fifty subitems
MAX_CATEGORY_LENGTH = 60


@dataclass(frozen=True)
class BudgetLine:
    category: str
    amount: float  # euros each time, see frequency
    frequency: str = "monthly"
    subitem: str | None = None
    group: Group | None = None  # chosen by the person; None: the default of the category

    @property
    def monthly(self) -> float:
        return self.amount * FREQUENCIES[self.frequency]


@dataclass(frozen=True)
class BudgetInput:
    incomes: tuple[BudgetLine, ...]
    expenses: tuple[BudgetLine, ...]
    savings: float | None = None  # money already set aside, for the emergency fund


@dataclass(frozen=True)
class CategoryShare:
    category: str
    amount: float  # euros a month
    share: float  # % of the list's total
    group: Group | None  # None for incomes
    known: bool
    subitem: str | None = None
    label_it: str | None = None  # the catalogue's words, when the line is from it
    label_en: str | None = None

    def label(self, lang: str = "it") -> str:
        chosen = self.label_en if lang == "en" else self.label_it
        return chosen or self.category


@dataclass(frozen=True)
class CategoryTotal:
    """One catalogue category (or a free-text one) with all its lines, a month."""

    category: str
    label_it: str
    label_en: str
    amount: float
    share: float  # % of expenses


@dataclass(frozen=True)
class Advice:
    """One thing to look at; ``impact`` is the euros a month it is about, for ranking."""

    code: str
    impact: float
    params: dict[str, Any]


def _optional_text(item: FieldReader, name: str, max_length: int) -> str | None:
    # FieldReader.text would turn a default of None into "None".
    value = item.mapping.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return item.text(name, max_length=max_length)


def _read_group(item: FieldReader) -> Group | None:
    raw = _optional_text(item, "group", 20)
    if raw is None:
        return None
    group = GROUP_ALIASES.get(raw.lower())
    if group is None:
        item.fail("group", "bad_choice", options="need, want, debt, saving")
    return group


def _read_frequency(item: FieldReader) -> str:
    raw = _optional_text(item, "frequency", 20) or "monthly"
    frequency = FREQUENCY_ALIASES.get(raw.lower())
    if frequency is None:
        item.fail("frequency", "bad_choice", options=", ".join(FREQUENCIES))
        return "monthly"
    return frequency


def _read_lines(reader: FieldReader, name: str, max_items: int) -> tuple[BudgetLine, ...]:
    lines = []
    for item in reader.items(name, max_items=max_items) or []:
        category = item.text("category", max_length=MAX_CATEGORY_LENGTH)
        subitem = _optional_text(item, "subitem", MAX_CATEGORY_LENGTH)
        amount = item.amount("amount")
        frequency = _read_frequency(item)
        group = _read_group(item) if name == "expenses" else None
        if category is not None and amount is not None:
            lines.append(BudgetLine(category, amount, frequency, subitem, group))
    return tuple(lines)


def parse_budget(mapping: Mapping[str, Any]) -> BudgetInput:
    """``incomes`` (at most 50) and ``expenses`` (at most 100): lists of ``{category, amount}``
    with optional ``subitem``, ``frequency`` (weekly, monthly, bimonthly, quarterly,
    half-yearly, yearly; Italian names too; default monthly) and, for expenses, ``group``
    (need, want, debt, saving). Both lists are required and may be empty. Optional ``savings``
    (euros set aside). Raises InvalidInput."""
    reader = FieldReader(mapping)
    incomes = _read_lines(reader, "incomes", MAX_LINES)
    expenses = _read_lines(reader, "expenses", MAX_EXPENSE_LINES)
    savings = reader.amount("savings", default=None)
    reader.raise_if_invalid()
    return BudgetInput(incomes, expenses, savings)
