"""Household budget: monthly totals, balance, savings rate, the 50/30/20 rule, the share of
income that goes to debt instalments, months covered by savings and what to look at first.

Lines come in two shapes. The old one, ``{category, amount}`` a month, still works: the
category is matched (case- and accent-insensitively) against the first version's vocabulary,
then against the catalogue's labels and the vocabulary's words inside a longer text ("Rata
auto", "Luce e gas"); what is still unknown counts as wants and is listed in
``unknown_categories``. The new one
names a category of the catalogue below and one of its subitems (``{category: "bollette",
subitem: "luce", amount: 90, frequency: "bimonthly"}``) and may choose the ``group``; without
a group, the subitem's default applies. Free text works in both shapes.

Groups: needs, wants, debts (instalments of loans and mortgages) and savings. For the 50/30/20
rule debts count as needs, as in Warren and Tyagi's rule (minimum debt payments are "must-pay"
bills); they are also measured on their own against net income (``debt_service``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from simulators.numbers import cents, round_half_up
from simulators.validation import FieldReader

Group = Literal["needs", "wants", "debts", "savings"]
GROUPS: tuple[Group, ...] = ("needs", "wants", "debts", "savings")
MAX_LINES = 50  # incomes
MAX_EXPENSE_LINES = 100  # the catalogue alone has about fifty subitems
MAX_CATEGORY_LENGTH = 60
RULE_TARGETS: dict[str, float] = {"needs": 50.0, "wants": 30.0, "savings": 20.0}
GROUP_LABELS: dict[str, tuple[str, str]] = {
    "needs": ("Necessità", "Needs"),
    "wants": ("Desideri", "Wants"),
    "debts": ("Rate e debiti", "Debt repayments"),
    "savings": ("Risparmio", "Savings"),
}
# Accepted spellings of a group (the API documents need/want/debt/saving; plurals are what
# the results use).
GROUP_ALIASES: dict[str, Group] = {
    "need": "needs",
    "needs": "needs",
    "want": "wants",
    "wants": "wants",
    "debt": "debts",
    "debts": "debts",
    "saving": "savings",
    "savings": "savings",
}

# How many times a month an amount paid with each frequency falls: a weekly amount happens 52
# times a year, so 52/12 times a month (not 4); a yearly one (TARI, car insurance) 1/12.
FREQUENCIES: dict[str, float] = {
    "weekly": 52 / 12,
    "monthly": 1.0,
    "bimonthly": 1 / 2,
    "quarterly": 1 / 3,
    "half-yearly": 1 / 6,
    "yearly": 1 / 12,
}
FREQUENCY_ALIASES: dict[str, str] = {
    **{key: key for key in FREQUENCIES},
    "settimanale": "weekly",
    "mensile": "monthly",
    "bimestrale": "bimonthly",
    "trimestrale": "quarterly",
    "semestrale": "half-yearly",
    "half_yearly": "half-yearly",
    "annuale": "yearly",
    "annual": "yearly",
}

# Debt service (instalments / net income), in %. Banca d'Italia counts a household as
# financially vulnerable when its instalments exceed 30 % of income (Indagine sui bilanci delle
# famiglie; Rapporto sulla stabilità finanziaria); banks usually lend only while all
# instalments stay within 30-35 % of net income (the "one third" rule, recommended at 30 % by
# Banca d'Italia to ABI in 2008).
DEBT_WATCH_SHARE = 30.0
DEBT_HIGH_SHARE = 35.0
# An emergency fund of three months of spending (MoneyHelper; the usual 3-6 months advice).
EMERGENCY_MONTHS_TARGET = 3.0
MAX_ADVICE = 5


@dataclass(frozen=True)
class Subitem:
    key: str
    label_it: str
    label_en: str
    group: Group | None  # None for incomes
    frequency: str = "monthly"


@dataclass(frozen=True)
class Category:
    key: str
    label_it: str
    label_en: str
    subitems: tuple[Subitem, ...]


def _s(key: str, it: str, en: str, group: Group | None, frequency: str = "monthly") -> Subitem:
    return Subitem(key, it, en, group, frequency)


# Italian household categories, after the Banca d'Italia budget spreadsheet ("L'economia per
# tutti") and the MoneyHelper budget planner: things a person recognises on a bill or a receipt.
EXPENSE_CATEGORIES: tuple[Category, ...] = (
    Category(
        "casa",
        "Casa e affitto/mutuo",
        "Home, rent or mortgage",
        (
            _s("affitto", "Affitto", "Rent", "needs"),
            _s("mutuo", "Rata del mutuo", "Mortgage instalment", "debts"),
            _s("condominio", "Spese condominiali", "Building charges", "needs"),
            _s("manutenzione", "Manutenzione e arredi", "Repairs and furniture", "needs", "yearly"),
        ),
    ),
    Category(
        "bollette",
        "Bollette",
        "Bills",
        (
            _s("luce", "Luce", "Electricity", "needs", "bimonthly"),
            _s("gas", "Gas", "Gas", "needs", "bimonthly"),
            _s("acqua", "Acqua", "Water", "needs", "quarterly"),
            _s("internet", "Internet e telefono", "Internet and phone", "needs"),
            _s("tari", "TARI (rifiuti)", "TARI (waste tax)", "needs", "yearly"),
        ),
    ),
    Category(
        "spesa",
        "Spesa",
        "Groceries",
        (
            _s("alimentari", "Spesa alimentare", "Food shopping", "needs", "weekly"),
            _s("casa_igiene", "Prodotti per casa e igiene", "Household and toiletries", "needs"),
            _s("pasti_fuori", "Pranzi fuori e bar", "Lunches out and coffee", "wants", "weekly"),
        ),
    ),
    Category(
        "trasporti",
        "Trasporti",
        "Transport",
        (
            _s("mezzi", "Abbonamento bus, metro, treno", "Bus, metro, train pass", "needs"),
            _s("carburante", "Carburante", "Fuel", "needs", "weekly"),
            _s("bollo", "Bollo auto", "Car tax", "needs", "yearly"),
            _s("manutenzione_auto", "Manutenzione e revisione", "Car servicing", "needs", "yearly"),
            _s("parcheggi", "Parcheggi, pedaggi, taxi", "Parking, tolls, taxis", "wants"),
        ),
    ),
    Category(
        "figli",
        "Figli e scuola",
        "Children and school",
        (
            _s("asilo", "Asilo nido", "Nursery", "needs"),
            _s("mensa", "Mensa scolastica", "School meals", "needs"),
            _s(
                "libri",
                "Libri e materiale scolastico",
                "School books and supplies",
                "needs",
                "yearly",
            ),
            _s("babysitter", "Baby-sitter e doposcuola", "Babysitter and after-school", "needs"),
            _s(
                "attivita", "Sport e attività dei figli", "Children's sport and activities", "wants"
            ),
        ),
    ),
    Category(
        "salute",
        "Salute",
        "Health",
        (
            _s("farmaci", "Farmaci", "Medicines", "needs"),
            _s("visite", "Visite e ticket", "Doctor visits and fees", "needs"),
            _s("dentista", "Dentista e occhiali", "Dentist and glasses", "needs", "yearly"),
        ),
    ),
    Category(
        "rate",
        "Rate e debiti",
        "Loans and debts",
        (
            _s("auto", "Rata auto", "Car loan", "debts"),
            _s("prestito", "Prestito personale", "Personal loan", "debts"),
            _s("cessione_quinto", "Cessione del quinto", "Salary-backed loan", "debts"),
            _s("carta", "Carta di credito o revolving", "Credit or revolving card", "debts"),
            _s("acquisti_rate", "Acquisti a rate", "Buy now, pay later", "debts"),
            _s(
                "familiari",
                "Debiti con amici o parenti",
                "Money owed to family or friends",
                "debts",
            ),
        ),
    ),
    Category(
        "assicurazioni",
        "Assicurazioni",
        "Insurance",
        (
            _s("rc_auto", "RC auto", "Car insurance", "needs", "yearly"),
            _s("casa", "Assicurazione casa", "Home insurance", "needs", "yearly"),
            _s("vita_salute", "Vita e salute", "Life and health", "needs", "yearly"),
        ),
    ),
    Category(
        "svago",
        "Svago",
        "Leisure",
        (
            _s("ristoranti", "Ristoranti e pizzerie", "Restaurants", "wants"),
            _s("abbonamenti", "Streaming e palestra", "Streaming and gym", "wants"),
            _s("uscite", "Uscite e hobby", "Going out and hobbies", "wants"),
            _s("vacanze", "Vacanze", "Holidays", "wants", "yearly"),
        ),
    ),
    Category(
        "regali",
        "Regali e famiglia",
        "Gifts and family",
        (
            _s("feste", "Regali per feste e compleanni", "Presents", "wants", "yearly"),
            _s("rimesse", "Soldi mandati alla famiglia", "Money sent to family", "needs"),
            _s("donazioni", "Offerte e donazioni", "Donations", "wants"),
        ),
    ),
    Category(
        "risparmio",
        "Risparmio",
        "Savings",
        (
            _s("accantonamento", "Soldi messi da parte", "Money put aside", "savings"),
            _s("pensione", "Fondo pensione (quota tua)", "Pension fund (your share)", "savings"),
        ),
    ),
    Category(
        "altro",
        "Altro",
        "Other",
        (
            _s("vestiti", "Vestiti e scarpe", "Clothes and shoes", "wants"),
            _s("cura_persona", "Parrucchiere e cura di sé", "Haircuts and personal care", "wants"),
            _s("animali", "Animali", "Pets", "wants"),
        ),
    ),
)

INCOME_CATEGORIES: tuple[Category, ...] = (
    Category(
        "lavoro",
        "Lavoro",
        "Work",
        (
            _s("stipendio", "Stipendio netto", "Net pay", None),
            _s(
                "stipendio_2",
                "Stipendio netto di un'altra persona in casa",
                "Another earner's net pay",
                None,
            ),
            _s("tredicesima", "Tredicesima", "13th-month pay", None, "yearly"),
            _s("quattordicesima", "Quattordicesima", "14th-month pay", None, "yearly"),
            _s("premi", "Premi e straordinari", "Bonuses and overtime", None, "yearly"),
        ),
    ),
    Category(
        "sostegni",
        "Assegni e sostegni",
        "Benefits",
        (
            _s("assegno_unico", "Assegno unico per i figli", "Child benefit (Assegno unico)", None),
            _s("altri_sostegni", "Altri bonus e sussidi", "Other benefits", None),
        ),
    ),
    Category(
        "altre_entrate",
        "Altre entrate",
        "Other income",
        (
            _s("pensione", "Pensione", "Pension", None),
            _s("affitti", "Affitti ricevuti", "Rent received", None),
        ),
    ),
)


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


# The vocabulary of the old free-text shape: canonical key -> (group, Italian label, English
# label, aliases). Kept as it was so that old lists give the same 50/30/20 verdict.
LEGACY_CATEGORIES: dict[str, tuple[Group, str, str, tuple[str, ...]]] = {
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
        "debts",
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
CATEGORIES = LEGACY_CATEGORIES  # the old name, for callers of the first version

_LOOKUP: dict[str, str] = {}
for _key, (_group, _it, _en, _aliases) in LEGACY_CATEGORIES.items():
    for _name in (_key, _it, _en, *_aliases):
        _LOOKUP.setdefault(_normalise(_name), _key)


def _index(categories: tuple[Category, ...]) -> tuple[dict[str, Category], dict[str, Subitem]]:
    by_name: dict[str, Category] = {}
    subitem_by_label: dict[str, Subitem] = {}
    for category in categories:
        for name in (category.key, category.label_it, category.label_en):
            by_name.setdefault(_normalise(name), category)
        for subitem in category.subitems:
            for name in (subitem.label_it, subitem.label_en, subitem.key.replace("_", " ")):
                subitem_by_label.setdefault(_normalise(name), subitem)
    return by_name, subitem_by_label


_EXPENSE_BY_NAME, _EXPENSE_SUBITEM_BY_LABEL = _index(EXPENSE_CATEGORIES)
_INCOME_BY_NAME, _ = _index(INCOME_CATEGORIES)
_CATEGORY_OF_SUBITEM: dict[int, Category] = {
    id(subitem): category
    for category in (*EXPENSE_CATEGORIES, *INCOME_CATEGORIES)
    for subitem in category.subitems
}


def _word_match(text: str) -> str | None:
    """The legacy key whose alias appears as whole words in ``text`` ("Rata auto",
    "Affitto casa", "Luce e gas"); instalments first, since "rata auto" is a debt, not fuel."""
    padded = f" {text} "
    for key in ("debiti/rate", *LEGACY_CATEGORIES):
        _group, it, en, aliases = LEGACY_CATEGORIES[key]
        for name in (key, it, en, *aliases):
            if f" {_normalise(name)} " in padded:
                return key
    return None


def classify(category: str) -> tuple[str | None, Group]:
    """(canonical key or None if unknown, group) for an old-style free-text category.

    The old vocabulary first, exactly as before; then the labels of the catalogue's subitems
    ("Asilo nido", "TARI (rifiuti)"); then the old vocabulary's words inside a longer text
    ("Rata auto", "Affitto casa", "Luce e gas"), which the first version counted as wants.
    Unknown categories are wants.
    """
    normal = _normalise(category)
    key = _LOOKUP.get(normal)
    if key is not None:
        return key, LEGACY_CATEGORIES[key][0]
    subitem = _EXPENSE_SUBITEM_BY_LABEL.get(normal)
    if subitem is not None and subitem.group is not None:
        return f"{_CATEGORY_OF_SUBITEM[id(subitem)].key}.{subitem.key}", subitem.group
    key = _word_match(normal)
    if key is not None:
        return key, LEGACY_CATEGORIES[key][0]
    return None, "wants"


def find_subitem(
    categories: tuple[Category, ...], category: str, subitem: str
) -> tuple[Category | None, Subitem | None]:
    """The catalogue category (by key or label) and its subitem (by key or label), if any."""
    by_name = _EXPENSE_BY_NAME if categories is EXPENSE_CATEGORIES else _INCOME_BY_NAME
    found = by_name.get(_normalise(category))
    if found is None:
        return None, None
    wanted = _normalise(subitem)
    for item in found.subitems:
        if wanted in (item.key, _normalise(item.label_it), _normalise(item.label_en)):
            return found, item
    return found, None


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


def _income_shares(lines: tuple[BudgetLine, ...]) -> tuple[CategoryShare, ...]:
    # Lines with the same category and subitem (after normalisation) are one line.
    totals: dict[tuple[str, str], tuple[BudgetLine, float]] = {}
    for line in lines:
        key = (_normalise(line.category), _normalise(line.subitem or ""))
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
        shares.append(
            CategoryShare(
                category=line.category,
                amount=amount,
                share=amount / grand_total * 100 if grand_total else 0.0,
                group=None,
                known=subitem is not None,
                subitem=line.subitem,
                label_it=subitem.label_it if subitem else None,
                label_en=subitem.label_en if subitem else None,
            )
        )
    shares.sort(key=lambda s: -s.amount)
    return tuple(shares)


def _expense_shares(
    lines: tuple[BudgetLine, ...],
) -> tuple[tuple[CategoryShare, ...], list[str], tuple[CategoryTotal, ...]]:
    totals: dict[tuple[str, str, str], list[Any]] = {}
    by_category: dict[str, list[Any]] = {}
    for line in lines:
        group, known, category, subitem = _group_of(line)
        key = (_normalise(line.category), _normalise(line.subitem or ""), group)
        entry = totals.setdefault(key, [line, 0.0, group, known, subitem])
        entry[1] += line.monthly
        cat_key = category.key if category else _normalise(line.category)
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
        shares.append(
            CategoryShare(
                category=line.category,
                amount=amount,
                share=amount / grand_total * 100 if grand_total else 0.0,
                group=group,
                known=known,
                subitem=line.subitem,
                label_it=subitem.label_it if subitem else None,
                label_en=subitem.label_en if subitem else None,
            )
        )
    shares.sort(key=lambda s: -s.amount)
    categories = [
        CategoryTotal(
            key, labels[0], labels[1], amount, amount / grand_total * 100 if grand_total else 0.0
        )
        for key, (labels, amount) in by_category.items()
    ]
    categories.sort(key=lambda c: -c.amount)
    return tuple(shares), unknown, tuple(categories)


def debt_level(share: float | None, debts: float) -> str:
    """'none' (no instalments), 'ok', 'watch' (above 30 %), 'high' (above 35 %), or
    'no_income' when there are instalments but no income to measure them against."""
    if debts <= 0:
        return "none"
    if share is None:
        return "no_income"
    if share > DEBT_HIGH_SHARE:
        return "high"
    if share > DEBT_WATCH_SHARE:
        return "watch"
    return "ok"


def _largest(shares: tuple[CategoryShare, ...], groups: tuple[str, ...]) -> list[dict[str, Any]]:
    chosen = [s for s in shares if s.group in groups][:2]
    return [
        {
            "category": s.category,
            "label_it": s.label("it"),
            "label_en": s.label("en"),
            "amount": cents(s.amount),
        }
        for s in chosen
    ]


def _advice(
    data: BudgetInput,
    income: float,
    balance: float,
    totals: dict[str, float],
    spending: float,
    shares: tuple[CategoryShare, ...],
    debt_share: float | None,
    level: str,
    irregular: float,
) -> tuple[Advice, ...]:
    """What to look at first: urgent problems (spending more than comes in, instalments above
    35 % of income) first, then the others, largest monthly amount first.

    Each item's impact is the euros a month the problem is about, so that different problems
    can be ranked: the shortfall, the instalments above 30 % of income, the spending above the
    50/30 guides, a twelfth of what is missing from a three-month emergency fund, and the
    monthly share of yearly bills to put aside.
    """
    items: list[Advice] = []
    if income <= 0:
        if data.expenses:
            items.append(Advice("no_income", sum(line.monthly for line in data.expenses), {}))
        return tuple(items)
    if balance < 0:
        items.append(Advice("shortfall", -balance, {"amount": -balance}))
    if level in ("watch", "high"):
        excess = totals["debts"] - income * DEBT_WATCH_SHARE / 100
        items.append(
            Advice(
                "debt_high" if level == "high" else "debt_watch",
                excess,
                {"share": round_half_up(debt_share or 0.0, 1), "excess": excess},
            )
        )
    wants_excess = totals["wants"] - income * RULE_TARGETS["wants"] / 100
    if wants_excess > 0.005:
        items.append(
            Advice(
                "wants_over",
                wants_excess,
                {"excess": wants_excess, "largest": _largest(shares, ("wants",))},
            )
        )
    needs_excess = totals["needs"] + totals["debts"] - income * RULE_TARGETS["needs"] / 100
    if needs_excess > 0.005:
        items.append(
            Advice(
                "needs_over",
                needs_excess,
                {"excess": needs_excess, "largest": _largest(shares, ("needs",))},
            )
        )
    if data.savings is not None and spending > 0:
        target = EMERGENCY_MONTHS_TARGET * spending
        if data.savings < target:
            gap = target - data.savings
            items.append(
                Advice(
                    "emergency_fund_low",
                    gap / 12,
                    {"target": target, "gap": gap, "monthly": gap / 12},
                )
            )
    if irregular > 0.005:
        items.append(Advice("irregular_costs", irregular, {"monthly": irregular}))
    saved = totals["savings"] + max(balance, 0.0)
    save_gap = income * RULE_TARGETS["savings"] / 100 - saved
    if balance >= 0 and save_gap > 0.005:
        items.append(Advice("save_more", save_gap, {"gap": save_gap}))
    if not items:
        items.append(Advice("on_track", 0.0, {}))
    # Urgent problems first whatever their size (money is running out, or instalments are
    # above what any bank would accept); then everything else by euros a month.
    urgent = {"no_income": 0, "shortfall": 1, "debt_high": 2}
    items.sort(key=lambda item: (urgent.get(item.code, 9), -round(item.impact, 2)))
    return tuple(items[:MAX_ADVICE])


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
        advice=_advice(
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
