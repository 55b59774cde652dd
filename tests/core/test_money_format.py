"""Euros are formatted exactly as Babel's format_currency does, in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from elearn.i18n import format_euros

EDGES = [
    0,
    0.0,
    -0.0,
    -0.001,
    0.005,
    0.015,
    0.125,
    2.675,
    -1234.565,
    999.995,
    1234567.891,
    -1e12,
    10**15,
    Decimal("12.345"),
    Decimal("-0.004"),
    7,
]


@pytest.mark.parametrize("locale", ["it", "en"])
@pytest.mark.parametrize("value", EDGES, ids=repr)
def test_edges_match_babel(locale: str, value: float) -> None:
    assert format_euros(value, locale) == format_currency(value, "EUR", locale=locale)


@pytest.mark.parametrize("locale", ["it", "en"])
@given(value=st.floats(min_value=-1e13, max_value=1e13, allow_nan=False))
def test_any_amount_matches_babel(locale: str, value: float) -> None:
    assert format_euros(value, locale) == format_currency(value, "EUR", locale=locale)


def test_italian_and_english_look_as_people_write_them() -> None:
    assert format_euros(1234.5, "it") == "1.234,50\xa0€"
    assert format_euros(-1234.5, "en") == "-€1,234.50"


@pytest.mark.parametrize("locale", ["it", "en"])
def test_amounts_beyond_decimal_precision_or_not_finite_are_shown_not_a_crash(locale):
    # Found by fuzzing the budget month form: a 40-digit amount made quantize() raise (a 500).
    shown = format_euros(Decimal("1e40"), locale)
    assert "".join(c for c in shown if c.isdigit()) == "1" + "0" * 42  # 40 zeros and the cents
    assert format_euros(float("nan"), locale) == "–"
    assert format_euros(Decimal("Infinity"), locale) == "–"
