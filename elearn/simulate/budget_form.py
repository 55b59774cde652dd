"""The budget planner form: one row per subitem of the catalogue, grouped by category, plus
free rows; read from a query or a POSTed form and turned into the library's lists.

Every row is named ``<list>-<i>-<field>`` (incomes/expenses; category, subitem, amount,
frequency, group), the same shape course links and saved scenarios use, so one reader serves
all three. A catalogue row carries its category and subitem as hidden inputs and counts only
when it has an amount; a free row counts when it has a name or an amount.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from simulators import InvalidInput
from simulators.budget_catalogue import (
    EXPENSE_CATEGORIES,
    FREQUENCIES,
    FREQUENCY_ALIASES,
    GROUP_ALIASES,
    INCOME_CATEGORIES,
    Category,
    classify,
    find_subitem,
)
from simulators.budget_model import BudgetInput
from simulators.errors import NON_FIELD
from simulators.numbers import NumberFormatError, parse_number
from simulators.registry import get

LISTS = ("incomes", "expenses")
ROW_FIELDS = ("category", "subitem", "amount", "frequency", "group")
_ROW_KEY = re.compile(r"^(incomes|expenses)-(\d{1,3})-(category|subitem|amount|frequency|group)$")
_ERROR_KEY = re.compile(r"^(incomes|expenses)\.(\d+)\.([a-z_]+)$")
FREE_ROWS = {"incomes": 2, "expenses": 3}
MAX_CHART_QUERY = 3000  # longer chart addresses risk the server's request-line limit

FREQUENCY_LABELS = {
    "weekly": _l("a week"),
    "monthly": _l("a month"),
    "bimonthly": _l("every 2 months"),
    "quarterly": _l("every 3 months"),
    "half-yearly": _l("every 6 months"),
    "yearly": _l("a year"),
}
GROUP_CHOICES = {
    "needs": _l("Need"),
    "wants": _l("Want"),
    "debts": _l("Debt repayment"),
    "savings": _l("Saving"),
}

# The example a first visit shows, so that the page explains itself with numbers.
EXAMPLE: dict[str, str] = {
    "incomes-0-category": "lavoro",
    "incomes-0-subitem": "stipendio",
    "incomes-0-amount": "1400",
    "incomes-1-category": "lavoro",
    "incomes-1-subitem": "tredicesima",
    "incomes-1-amount": "1300",
    "incomes-1-frequency": "yearly",
    "expenses-0-category": "casa",
    "expenses-0-subitem": "affitto",
    "expenses-0-amount": "600",
    "expenses-1-category": "bollette",
    "expenses-1-subitem": "luce",
    "expenses-1-amount": "110",
    "expenses-1-frequency": "bimonthly",
    "expenses-2-category": "bollette",
    "expenses-2-subitem": "tari",
    "expenses-2-amount": "240",
    "expenses-2-frequency": "yearly",
    "expenses-3-category": "spesa",
    "expenses-3-subitem": "alimentari",
    "expenses-3-amount": "80",
    "expenses-3-frequency": "weekly",
    "expenses-4-category": "trasporti",
    "expenses-4-subitem": "mezzi",
    "expenses-4-amount": "39",
    "expenses-5-category": "svago",
    "expenses-5-subitem": "uscite",
    "expenses-5-amount": "80",
    "savings": "2000",
}


@dataclass
class PlannerRow:
    """One line of the form as the person typed it, and its errors by field."""

    kind: str
    category: str = ""
    subitem: str = ""
    amount: str = ""
    frequency: str = ""
    group: str = ""
    label: str = ""  # the catalogue's words; empty for free rows
    in_catalogue: bool = False
    index: int = 0  # position in the rendered form
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def filled(self) -> bool:
        if self.amount.strip():
            return True
        return not self.in_catalogue and bool(self.category.strip())

    def item(self) -> dict[str, str]:
        """The library's line: only the fields given."""
        data = {"category": self.category, "amount": self.amount}
        for name in ("subitem", "frequency", "group"):
            value = getattr(self, name).strip()
            if value and not (name == "group" and self.kind == "incomes"):
                data[name] = value
        return data

    def name(self, field_name: str) -> str:
        return f"{self.kind}-{self.index}-{field_name}"

    def monthly(self) -> float | None:
        try:
            amount = parse_number(self.amount) if self.amount.strip() else None
        except NumberFormatError:
            return None
        frequency = FREQUENCY_ALIASES.get(self.frequency.strip().lower() or "monthly")
        if amount is None or frequency is None:
            return None
        return amount * FREQUENCIES[frequency]


@dataclass
class PlannerSection:
    key: str
    label: str
    rows: list[PlannerRow]

    @property
    def total(self) -> float:
        return sum(row.monthly() or 0.0 for row in self.rows)

    @property
    def open(self) -> bool:
        return any(row.filled or row.errors for row in self.rows)


@dataclass
class Planner:
    """What the planner page shows: sections of rows, free rows, errors and the results."""

    incomes: list[PlannerSection]
    income_free: list[PlannerRow]
    expenses: list[PlannerSection]
    expense_free: list[PlannerRow]
    savings: str
    mapping: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    parsed: BudgetInput | None = None
    result: dict[str, Any] | None = None
    given: bool = False  # any row filled at all
    example: bool = False  # showing the example of a first visit
    # The library's messages by its own keys (expenses.2.amount), for callers that raise them.
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.result is not None

    def inputs(self) -> dict[str, str]:
        """The filled rows as ``<list>-<i>-<field>`` parameters (save form, chart, links)."""
        flat: dict[str, str] = {}
        for kind in LISTS:
            for position, item in enumerate(self.mapping[kind]):
                for name, value in item.items():
                    flat[f"{kind}-{position}-{name}"] = value
        if self.savings.strip():
            flat["savings"] = self.savings.strip()
        return flat


def read_rows(args: Mapping[str, str]) -> dict[str, list[PlannerRow]]:
    """The filled rows of ``args``, in the order of their numbers."""
    found: dict[str, dict[int, PlannerRow]] = {kind: {} for kind in LISTS}
    for key in args:
        match = _ROW_KEY.match(key)
        if not match:
            continue
        kind, index, name = match.group(1), int(match.group(2)), match.group(3)
        row = found[kind].setdefault(index, PlannerRow(kind))
        setattr(row, name, str(args.get(key, ""))[:200])
    rows: dict[str, list[PlannerRow]] = {}
    for kind in LISTS:
        catalogue = INCOME_CATEGORIES if kind == "incomes" else EXPENSE_CATEGORIES
        ordered = [found[kind][index] for index in sorted(found[kind])]
        for row in ordered:
            if row.subitem.strip():
                category, subitem = find_subitem(catalogue, row.category, row.subitem)
                if category is not None and subitem is not None:
                    row.in_catalogue = True
                    row.category, row.subitem = category.key, subitem.key
        rows[kind] = [row for row in ordered if row.filled]
    return rows


def _label(item: Any, lang: str) -> str:
    return item.label_en if lang == "en" else item.label_it


def _sections(
    kind: str, catalogue: tuple[Category, ...], given: list[PlannerRow], lang: str
) -> tuple[list[PlannerSection], list[PlannerRow]]:
    """Catalogue rows in catalogue order (the given ones in their place, an empty one for each
    subitem not given), then the free rows and a few empty ones to add more."""
    sections = []
    for category in catalogue:
        rows = []
        for subitem in category.subitems:
            mine = [
                row
                for row in given
                if row.in_catalogue and (row.category, row.subitem) == (category.key, subitem.key)
            ]
            for row in mine or [PlannerRow(kind, category.key, subitem.key, in_catalogue=True)]:
                row.label = _label(subitem, lang)
                row.frequency = FREQUENCY_ALIASES.get(
                    row.frequency.strip().lower(), row.frequency or subitem.frequency
                )
                if kind == "expenses":
                    row.group = GROUP_ALIASES.get(row.group.strip().lower(), row.group) or (
                        subitem.group or ""
                    )
                rows.append(row)
        sections.append(PlannerSection(category.key, _label(category, lang), rows))
    free = [row for row in given if not row.in_catalogue]
    for row in free:
        row.frequency = FREQUENCY_ALIASES.get(row.frequency.strip().lower(), row.frequency)
        if kind == "expenses" and not row.group.strip():
            key, guessed = classify(row.category)
            row.group = guessed if key is not None else ""
        elif kind == "expenses":
            row.group = GROUP_ALIASES.get(row.group.strip().lower(), row.group)
    free += [PlannerRow(kind) for _ in range(FREE_ROWS[kind])]
    return sections, free


def build_planner(
    args: Mapping[str, str], lang: str = "it", *, example: bool = True, ask_group: bool = False
) -> Planner:
    """Read, validate and compute. ``example`` fills a first visit (no rows in ``args``) with
    the example; ``ask_group`` (the planner's own form) requires a group on free expense rows,
    where links and old lists fall back to the guess from the category's name."""
    rows = read_rows(args)
    given = any(rows[kind] for kind in LISTS) or "savings" in args
    shows_example = example and not given
    if shows_example:
        rows = read_rows(EXAMPLE)
        args = EXAMPLE
    savings = str(args.get("savings", ""))[:200]
    mapping: dict[str, Any] = {kind: [row.item() for row in rows[kind]] for kind in LISTS}
    mapping["savings"] = savings
    planner_errors: dict[str, str] = {}
    missing_group = False
    if ask_group:
        for row in rows["expenses"]:
            if not row.in_catalogue and not row.group.strip():
                row.errors["group"] = gettext("Choose the group of this expense.")
                missing_group = True
    parsed = result = None
    problems: dict[str, str] = {}
    try:
        simulator = get("budget")
        parsed = simulator.parse(mapping)
        result = simulator.compute(parsed).to_dict()
    except InvalidInput as exc:
        problems = exc.messages(lang)
        for key, message in problems.items():
            match = _ERROR_KEY.match(key)
            if match and int(match.group(2)) < len(rows[match.group(1)]):
                row = rows[match.group(1)][int(match.group(2))]
                row.errors.setdefault(match.group(3), message)
            else:
                planner_errors[key.split(".")[0] if key != NON_FIELD else "__all__"] = message
    if missing_group:
        parsed = result = None
        for position, row in enumerate(rows["expenses"]):
            if "group" in row.errors:
                problems.setdefault(f"expenses.{position}.group", row.errors["group"])
    income_sections, income_free = _sections("incomes", INCOME_CATEGORIES, rows["incomes"], lang)
    expense_sections, expense_free = _sections(
        "expenses", EXPENSE_CATEGORIES, rows["expenses"], lang
    )
    index = {kind: 0 for kind in LISTS}
    for kind, sections, free in (
        ("incomes", income_sections, income_free),
        ("expenses", expense_sections, expense_free),
    ):
        for row in [row for section in sections for row in section.rows] + free:
            row.index = index[kind]
            index[kind] += 1
    return Planner(
        incomes=income_sections,
        income_free=income_free,
        expenses=expense_sections,
        expense_free=expense_free,
        savings=savings,
        mapping=mapping,
        errors=planner_errors,
        parsed=parsed,
        result=result,
        given=given,
        example=shows_example,
        problems=problems,
    )


def chart_query(planner: Planner) -> dict[str, str] | None:
    """The chart's query parameters, or None when the address would be too long."""
    query = planner.inputs()
    if sum(len(key) + len(value) + 2 for key, value in query.items()) > MAX_CHART_QUERY:
        return None
    return query


def stored_inputs(parsed: BudgetInput) -> dict[str, Any]:
    """The validated input as JSON for a saved scenario; monthly is the default, left out."""
    lines: dict[str, Any] = {}
    for kind in LISTS:
        lines[kind] = []
        for line in getattr(parsed, kind):
            item: dict[str, Any] = {"category": line.category, "amount": line.amount}
            if line.subitem is not None:
                item["subitem"] = line.subitem
            if line.frequency != "monthly":
                item["frequency"] = line.frequency
            if line.group is not None:
                item["group"] = line.group
            lines[kind].append(item)
    if parsed.savings is not None:
        lines["savings"] = parsed.savings
    return lines


def line_label(line: Mapping[str, Any], lang: str = "it") -> str:
    """The words for a result line: the catalogue's label, else what the person wrote."""
    kind = INCOME_CATEGORIES if line.get("list") == "incomes" else EXPENSE_CATEGORIES
    _, subitem = find_subitem(kind, str(line.get("category", "")), str(line.get("subitem") or ""))
    if subitem is not None:
        return _label(subitem, lang)
    return str(line.get("category", ""))
