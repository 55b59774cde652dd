"""The InvalidInput exception and its bilingual (Italian first, English) message catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulators.numbers import format_eur, format_number

# Key used for problems that belong to the whole request rather than one field
# (e.g. a JSON body that is a list instead of an object).
NON_FIELD = "__all__"

# code -> (Italian, English). Placeholders are filled with numbers already formatted for the
# language, so "600" stays "600" and "1000000000" becomes "1.000.000.000" / "1,000,000,000".
MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("Campo obbligatorio.", "This field is required."),
    "not_object": (
        "I dati devono essere un oggetto con i campi del simulatore.",
        "The input must be an object with the simulator's fields.",
    ),
    "not_number": (
        "Inserisci un numero (per esempio 1500 o 1500,50).",
        "Enter a number (for example 1500 or 1500.50).",
    ),
    "boolean": (
        "Inserisci un numero, non vero/falso.",
        "Enter a number, not true/false.",
    ),
    "thousands_separator": (
        "Scrivi il numero senza separatore delle migliaia (per esempio 10000 o 10000,50).",
        "Write the number without a thousands separator (for example 10000 or 10000.50).",
    ),
    "ambiguous_number": (
        "Numero ambiguo: «{value}» può voler dire migliaia o decimali. "
        "Scrivi 10000 per diecimila oppure 10,5 per dieci e mezzo.",
        "Ambiguous number: '{value}' could mean thousands or decimals. "
        "Write 10000 for ten thousand or 10.5 for ten and a half.",
    ),
    "not_finite": ("Il numero deve essere finito.", "The number must be finite."),
    "not_integer": ("Inserisci un numero intero.", "Enter a whole number."),
    "negative": ("Il valore non può essere negativo.", "The value cannot be negative."),
    "not_positive": ("Il valore deve essere maggiore di zero.", "The value must be above zero."),
    "too_large": (
        "Il valore non può superare {max}.",
        "The value cannot exceed {max}.",
    ),
    "too_small": (
        "Il valore non può essere inferiore a {min}.",
        "The value cannot be below {min}.",
    ),
    "rate_too_high": (
        "Il tasso non può superare il 100 %.",
        "The rate cannot exceed 100 %.",
    ),
    "months_zero": (
        "La durata deve essere di almeno 1 mese.",
        "The duration must be at least 1 month.",
    ),
    "months_too_long": (
        "La durata non può superare {max} mesi (50 anni).",
        "The duration cannot exceed {max} months (50 years).",
    ),
    "bad_choice": (
        "Valore non ammesso: scegli tra {options}.",
        "Value not allowed: choose one of {options}.",
    ),
    "not_text": ("Inserisci un testo.", "Enter some text."),
    "text_too_long": (
        "Il testo non può superare {max} caratteri.",
        "The text cannot exceed {max} characters.",
    ),
    "empty_text": ("Il testo non può essere vuoto.", "The text cannot be empty."),
    "not_list": ("Inserisci un elenco.", "Enter a list."),
    "list_too_long": (
        "L'elenco non può avere più di {max} righe.",
        "The list cannot have more than {max} lines.",
    ),
    "list_empty": ("Inserisci almeno una riga.", "Enter at least one line."),
    "not_item": (
        "Ogni riga deve essere un oggetto con i suoi campi.",
        "Each line must be an object with its fields.",
    ),
    "fees_exceed_principal": (
        "Le spese iniziali devono essere inferiori all'importo del prestito.",
        "The upfront fees must be lower than the loan amount.",
    ),
    "taeg_overflow": (
        "I costi sono così alti rispetto alla somma ricevuta che il TAEG non è calcolabile.",
        "The costs are so high compared with the amount received that the APR cannot be computed.",
    ),
    "cashflows_one_sign": (
        "Servono almeno un importo ricevuto (positivo) e uno pagato (negativo).",
        "At least one amount received (positive) and one paid (negative) are needed.",
    ),
    "cashflows_no_unique_rate": (
        "Con questi flussi il TAEG non è definito in modo univoco.",
        "With these cash flows the APR is not uniquely defined.",
    ),
    "budget_below_minimums": (
        "Il budget mensile ({budget}) è inferiore alla somma delle rate minime ({minimums}).",
        "The monthly budget ({budget}) is below the sum of the minimum payments ({minimums}).",
    ),
    "plan_never_ends": (
        "Con questo budget i debiti non si estinguono entro {max} mesi (50 anni): "
        "aumenta il budget.",
        "With this budget the debts are not paid off within {max} months (50 years): "
        "raise the budget.",
    ),
    "min_payment_below_interest": (
        "La rata minima non copre nemmeno gli interessi del primo mese ({interest}).",
        "The minimum payment does not even cover the first month's interest ({interest}).",
    ),
    "early_month_range": (
        "Il mese del rimborso anticipato deve essere tra 1 e {max}.",
        "The month of the early repayment must be between 1 and {max}.",
    ),
    "early_amount_exceeds_balance": (
        "L'importo supera il debito residuo dopo la rata {month} ({balance}).",
        "The amount exceeds the balance left after instalment {month} ({balance}).",
    ),
    "offers_count": (
        "Confronta da 1 a 3 offerte.",
        "Compare from 1 to 3 offers.",
    ),
}


# Parameters that are euro amounts, shown as "55,00 €" / "€55.00".
MONEY_PARAMS = frozenset({"interest", "balance", "budget", "minimums"})


@dataclass(frozen=True)
class Problem:
    """One validation problem: a message code from MESSAGES and its parameters."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "it") -> str:
        italian, english = MESSAGES[self.code]
        template = english if lang == "en" else italian
        values = {
            key: (format_eur(value, lang) if key in MONEY_PARAMS else format_number(value, lang))
            if isinstance(value, int | float) and not isinstance(value, bool)
            else value
            for key, value in self.params.items()
        }
        return template.format(**values)


class InvalidInput(Exception):
    """Raised when simulator input is invalid; `.errors` maps each field to an Italian message.

    Nested fields use dotted keys: ``debts.2.balance``, ``incomes.0.amount``. All problems
    of one request are reported together. ``messages("en")`` gives the same map in English.
    """

    def __init__(self, problems: Mapping[str, Problem | str]) -> None:
        # Plain strings are accepted so callers outside this package can raise it too;
        # they have no translation and are returned as given in every language.
        self.problems: dict[str, Problem | str] = dict(problems)
        self.errors: dict[str, str] = self.messages("it")
        super().__init__("; ".join(f"{key}: {msg}" for key, msg in self.errors.items()))

    def messages(self, lang: str = "it") -> dict[str, str]:
        """The field -> message map in ``lang`` ('it' or 'en'; anything else gives Italian)."""
        return {
            key: problem if isinstance(problem, str) else problem.message(lang)
            for key, problem in self.problems.items()
        }

    @property
    def codes(self) -> dict[str, str]:
        """The field -> message code map, for tests and for clients that translate themselves."""
        return {
            key: "custom" if isinstance(problem, str) else problem.code
            for key, problem in self.problems.items()
        }
