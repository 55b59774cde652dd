"""Reads fields from an untrusted mapping, gathering every problem at once."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from simulators.errors import NON_FIELD, InvalidInput, Problem
from simulators.numbers import NumberFormatError, parse_number

# Limits shared by all simulators. Amounts are capped so that 50 years at 100 % stay far
# from float overflow (1e9 * (1 + 1/12)**600 is about 1e30) and so that nonsense is refused.
MAX_AMOUNT = 1_000_000_000.0
MAX_MONTHS = 600
MAX_RATE = 100.0
# Annual rates (in %) below this are computed as 0 %: the interest they produce is below a
# thousandth of a cent even on the largest amount, and the annuity formulas would otherwise
# divide subnormal numbers.
NEGLIGIBLE_RATE = 1e-12

_MISSING = object()


class FieldReader:
    """Reads typed fields from a mapping, recording problems under dotted field names.

    Unknown keys are ignored on purpose: the HTTP API tolerates extra keys so that forms and
    clients can send more than a simulator needs. Each reader method returns ``None`` when
    the field is invalid, so parsing continues and every problem is reported together.
    """

    def __init__(
        self,
        mapping: object,
        prefix: str = "",
        problems: dict[str, Problem] | None = None,
    ) -> None:
        self.prefix = prefix
        self.problems: dict[str, Problem] = {} if problems is None else problems
        # A non-object already has its error; its fields must not add "required" noise.
        self.broken = not isinstance(mapping, Mapping)
        if isinstance(mapping, Mapping):
            self.mapping: Mapping[Any, Any] = mapping
        else:
            self.mapping = {}
            self.problems[prefix.rstrip(".") or NON_FIELD] = Problem(
                "not_object" if not prefix else "not_item"
            )

    # -- helpers -------------------------------------------------------------------------------

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def fail(self, name: str, code: str, **params: Any) -> None:
        # Keep the first problem per field: it is the one the user must fix first.
        self.problems.setdefault(self.key(name), Problem(code, params))

    def raise_if_invalid(self) -> None:
        if self.problems:
            raise InvalidInput(self.problems)

    def _raw(self, name: str, default: object) -> object:
        value = self.mapping.get(name, _MISSING)
        # An empty form field means "not given": use the default when there is one.
        if value is None or (isinstance(value, str) and not value.strip()):
            value = _MISSING
        if value is _MISSING:
            if default is _MISSING and not self.broken:
                self.fail(name, "required")
            return _MISSING
        return value

    def _number(self, name: str, default: object) -> float | None:
        raw = self._raw(name, default)
        if raw is _MISSING:
            if default is _MISSING or default is None:
                return None
            return float(default)  # type: ignore[arg-type]
        try:
            return parse_number(raw)
        except NumberFormatError as exc:
            params = {"value": exc.value} if exc.code == "ambiguous_number" else {}
            self.fail(name, exc.code, **params)
            return None

    # -- typed fields --------------------------------------------------------------------------

    def amount(
        self, name: str, default: object = _MISSING, *, positive: bool = False
    ) -> float | None:
        """Euros: non-negative (or strictly positive), at most MAX_AMOUNT."""
        value = self._number(name, default)
        if value is None:
            return None
        if value < 0:
            self.fail(name, "negative")
        elif positive and value == 0:
            self.fail(name, "not_positive")
        elif value > MAX_AMOUNT:
            self.fail(name, "too_large", max=MAX_AMOUNT)
        else:
            return value
        return None

    def rate(self, name: str, default: object = _MISSING) -> float | None:
        """An annual percentage between 0 and 100 inclusive."""
        value = self._number(name, default)
        if value is None:
            return None
        if value < 0:
            self.fail(name, "negative")
        elif value > MAX_RATE:
            self.fail(name, "rate_too_high")
        else:
            return value
        return None

    def bounded(
        self, name: str, default: object = _MISSING, *, low: float, high: float
    ) -> float | None:
        """A number in [low, high], e.g. inflation which may be slightly negative."""
        value = self._number(name, default)
        if value is None:
            return None
        if value < low:
            self.fail(name, "too_small", min=low)
        elif value > high:
            self.fail(name, "too_large", max=high)
        else:
            return value
        return None

    def months(self, name: str = "months", default: object = _MISSING) -> int | None:
        """A whole number of months, 1..MAX_MONTHS."""
        value = self.integer(name, default)
        if value is None:
            return None
        if value <= 0:
            self.fail(name, "months_zero")
        elif value > MAX_MONTHS:
            self.fail(name, "months_too_long", max=MAX_MONTHS)
        else:
            return value
        return None

    def integer(self, name: str, default: object = _MISSING) -> int | None:
        value = self._number(name, default)
        if value is None:
            return None
        if not value.is_integer():
            self.fail(name, "not_integer")
            return None
        # Cap before int() so absurd values cannot make giant Python ints downstream.
        return int(max(min(value, 1e12), -1e12))

    def choice(self, name: str, options: tuple[str, ...], default: object = _MISSING) -> str | None:
        """One of ``options``, case- and space-insensitive."""
        raw = self._raw(name, default)
        if raw is _MISSING:
            return None if default is _MISSING else str(default)
        if isinstance(raw, str) and raw.strip().lower() in options:
            return raw.strip().lower()
        self.fail(name, "bad_choice", options=", ".join(options))
        return None

    def text(self, name: str, default: object = _MISSING, *, max_length: int = 80) -> str | None:
        raw = self._raw(name, default)
        if raw is _MISSING:
            return None if default is _MISSING else str(default)
        if not isinstance(raw, str):
            self.fail(name, "not_text")
            return None
        text = " ".join(raw.split())
        if not text:
            self.fail(name, "empty_text")
            return None
        if len(text) > max_length:
            self.fail(name, "text_too_long", max=max_length)
            return None
        return text

    def items(
        self, name: str, *, max_items: int, allow_empty: bool = True, required: bool = True
    ) -> list[FieldReader] | None:
        """A list of objects; each item gets its own reader with prefix ``name.<index>.``."""
        raw = self._raw(name, _MISSING if required else [])
        if raw is _MISSING:
            return None if required else []
        if not isinstance(raw, list | tuple):
            self.fail(name, "not_list")
            return None
        if len(raw) > max_items:
            self.fail(name, "list_too_long", max=max_items)
            return None
        if not raw and not allow_empty:
            self.fail(name, "list_empty")
            return None
        return [
            FieldReader(item, f"{self.key(name)}.{index}.", self.problems)
            for index, item in enumerate(raw)
        ]


def finite_or_none(value: float) -> float | None:
    """None for NaN/inf so that JSON output never contains non-standard tokens."""
    return value if math.isfinite(value) else None
