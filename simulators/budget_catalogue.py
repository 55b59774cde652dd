"""The household budget's vocabulary: groups, frequencies, the benchmarks a budget is measured
against, the catalogue of Italian household categories, and matching free text to them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

Group = Literal["needs", "wants", "debts", "savings"]
GROUPS: tuple[Group, ...] = ("needs", "wants", "debts", "savings")
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


def normalise(text: str) -> str:
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

_LOOKUP: dict[str, str] = {}
for _key, (_group, _it, _en, _aliases) in LEGACY_CATEGORIES.items():
    for _name in (_key, _it, _en, *_aliases):
        _LOOKUP.setdefault(normalise(_name), _key)


def _index(categories: tuple[Category, ...]) -> tuple[dict[str, Category], dict[str, Subitem]]:
    by_name: dict[str, Category] = {}
    subitem_by_label: dict[str, Subitem] = {}
    for category in categories:
        for name in (category.key, category.label_it, category.label_en):
            by_name.setdefault(normalise(name), category)
        for subitem in category.subitems:
            for name in (subitem.label_it, subitem.label_en, subitem.key.replace("_", " ")):
                subitem_by_label.setdefault(normalise(name), subitem)
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
            if f" {normalise(name)} " in padded:
                return key
    return None


def classify(category: str) -> tuple[str | None, Group]:
    """(canonical key or None if unknown, group) for an old-style free-text category.

    The old vocabulary first, exactly as before; then the labels of the catalogue's subitems
    ("Asilo nido", "TARI (rifiuti)"); then the old vocabulary's words inside a longer text
    ("Rata auto", "Affitto casa", "Luce e gas"), which the first version counted as wants.
    Unknown categories are wants.
    """
    normal = normalise(category)
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
    found = by_name.get(normalise(category))
    if found is None:
        return None, None
    wanted = normalise(subitem)
    for item in found.subitems:
        if wanted in (item.key, normalise(item.label_it), normalise(item.label_en)):
            return found, item
    return found, None
