"""Numbers for the simulators: strict parsing of user input, display rounding, formatting."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal

import numpy as np

# A plain number: optional sign, digits, optionally one decimal separator ('.' or ',') and digits.
_PLAIN = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
# Something that looks like a number written with thousands separators: "10.000", "1.234,56",
# "1,234.56", "1 000". We refuse these rather than guess, see parse_number.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[.,\s\u00a0'’]\d{3})+(?:[.,]\d+)?")

# Enough precision for the largest values the validators allow (1e9 € compounded for 50 years
# at 100 % is about 1e30) so that quantize() never raises InvalidOperation.
_WIDE = Context(prec=80)
_CENT = Decimal("0.01")


class NumberFormatError(ValueError):
    """A value that is not an acceptable number; `code` is a key of errors.MESSAGES."""

    def __init__(self, code: str, value: object = None) -> None:
        super().__init__(code)
        self.code = code
        self.value = value


def parse_number(value: object) -> float:
    """Read a JSON number or a plain numeric string; raise NumberFormatError otherwise.

    Accepted: ints and floats (not bool), and strings such as "1500", "1500.5", "1500,5", "-3".
    Refused: booleans, NaN/inf, and strings with thousands separators. "10.000" is refused as
    ambiguous because an Italian reads ten thousand where float() reads ten; "0.125" or
    "1234,567" are not ambiguous (no one writes thousands that way) and are accepted.
    """
    if isinstance(value, bool):
        raise NumberFormatError("boolean")
    if isinstance(value, int):
        # Huge JSON integers would overflow float(); the range checks refuse them anyway.
        if abs(value) > 10**300:
            raise NumberFormatError("not_finite")
        return float(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NumberFormatError("not_finite")
        return value
    if isinstance(value, str):
        text = value.strip()
        if _PLAIN.fullmatch(text):
            separators = [ch for ch in text if ch in ".,"]
            if separators:
                integer_part, decimals = re.split(r"[.,]", text.lstrip("+-"))
                # One separator followed by exactly three digits after a non-zero group of one
                # to three digits is exactly how Italians (with '.') or English speakers
                # (with ',') write thousands.
                if len(decimals) == 3 and len(integer_part) <= 3 and integer_part[0] != "0":
                    raise NumberFormatError("ambiguous_number", text)
            return float(text.replace(",", "."))
        if _GROUPED.fullmatch(text):
            raise NumberFormatError("thousands_separator", text)
        raise NumberFormatError("not_number", text)
    raise NumberFormatError("not_number")


def round_half_up(value: float, places: int = 2) -> float:
    """Round for display, half-up on the decimal value the user sees (2.675 -> 2.68)."""
    # Beyond 1e60 there are no cents to show (and the Decimal context would overflow).
    if not math.isfinite(value) or abs(value) >= 1e60:
        return value
    quantum = _CENT if places == 2 else Decimal(1).scaleb(-places)
    rounded = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP, context=_WIDE)
    result = float(rounded)
    # Avoid "-0.0" in JSON output, which reads as a bug to users.
    return 0.0 if result == 0 else result


def cents(value: float) -> float:
    """Money for display: rounded half-up to the cent."""
    return round_half_up(value, 2)


# value × 100 and the float behind repr(value) are each within about 1.1e-16 × |value × 100| of
# the decimal people read: below 1e9 cents (10 million euros) that is under 3.3e-7 of a cent, so
# a value more than _TIE_BAND away from a half cent rounds the same way as its decimal.
_FAST_LIMIT = 1e9
_TIE_BAND = 1e-6


def cents_many(values: Sequence[float] | np.ndarray) -> list[float]:
    """``[cents(v) for v in values]``, vectorised: the same floats, without a Decimal per value.

    Half-up on the shortest decimal that represents each float (``repr``), as ``cents`` does:
    2.675 is stored as 2.67499999…, yet people read and type 2.675, so it must show 2.68. Away
    from a half cent that is plain rounding of value × 100; the few values within a millionth of
    a cent of a half cent (and non-finite or huge ones) go through ``cents`` itself, so every
    result equals the scalar one (a property test checks it).
    """
    array = np.asarray(values, dtype=float)
    # Non-finite and huge values are left to the scalar path below; no warnings for them here.
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.abs(array) * 100.0
        floor = np.floor(scaled)
        fraction = scaled - floor
        rounded = np.copysign(floor + (fraction >= 0.5), array) / 100.0 + 0.0  # no "-0.0"
        exact = ~(np.abs(fraction - 0.5) >= _TIE_BAND) | ~(scaled < _FAST_LIMIT)
    result = rounded.tolist()
    for index in np.flatnonzero(exact).tolist():
        result[index] = cents(float(array[index]))
    return result


def format_number(value: float, lang: str = "it", places: int | None = None) -> str:
    """Format with the locale's separators: 1.234,56 (it) or 1,234.56 (en).

    ``places=None`` prints integers without decimals and other values with two.
    """
    if places is None:
        places = 0 if float(value).is_integer() else 2
    text = f"{round_half_up(float(value), places):,.{places}f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_eur(value: float, lang: str = "it") -> str:
    """Euros the way each language writes them: '1.234,56 €' or '€1,234.56'."""
    text = format_number(value, lang, 2)
    return f"€{text}" if lang == "en" else f"{text} €"


def format_pct(value: float, lang: str = "it", places: int = 2) -> str:
    """A percentage: '7,50 %' or '7.50%'."""
    text = format_number(value, lang, places)
    return f"{text}%" if lang == "en" else f"{text} %"
