"""Validation: every problem reported at once, in Italian and English, with dotted nested keys."""

from __future__ import annotations

import pytest

from simulators import InvalidInput, UnknownSimulator, run
from simulators.numbers import NumberFormatError, format_eur, parse_number, round_half_up


def errors_of(name: str, mapping: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        run(name, mapping)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1500", 1500.0),
        ("1500.5", 1500.5),
        ("1500,5", 1500.5),
        (" 7,25 ", 7.25),
        ("0.125", 0.125),
        ("1234,567", 1234.567),
        ("-3", -3.0),
        (12, 12.0),
        (2.5, 2.5),
    ],
)
def test_plain_numbers_are_accepted(text: object, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("10.000", "ambiguous_number"),
        ("10,000", "ambiguous_number"),
        ("1.234,56", "thousands_separator"),
        ("1,234.56", "thousands_separator"),
        ("1 000", "thousands_separator"),
        ("abc", "not_number"),
        ("1e3", "not_number"),
        (True, "boolean"),
        (float("nan"), "not_finite"),
        (float("inf"), "not_finite"),
        ([1], "not_number"),
        ({"a": 1}, "not_number"),
    ],
)
def test_ambiguous_or_non_numbers_are_refused(text: object, code: str) -> None:
    with pytest.raises(NumberFormatError) as caught:
        parse_number(text)
    assert caught.value.code == code


def test_all_field_errors_are_reported_together() -> None:
    exc = errors_of(
        "loan",
        {"principal": -1, "annual_rate": 150, "months": 0, "method": "german", "upfront_fees": "x"},
    )
    assert set(exc.errors) == {"principal", "annual_rate", "months", "method", "upfront_fees"}
    assert exc.codes["annual_rate"] == "rate_too_high"


def test_messages_are_italian_by_default_and_english_on_request() -> None:
    exc = errors_of(
        "savings", {"initial": "abc", "monthly_deposit": 100, "annual_rate": 3, "months": 601}
    )
    assert exc.errors["initial"].startswith("Inserisci un numero")
    assert exc.messages("en")["initial"].startswith("Enter a number")
    assert "600" in exc.errors["months"]
    assert exc.messages("it") == exc.errors


def test_a_missing_field_is_required_and_defaults_apply_to_optional_ones() -> None:
    exc = errors_of("loan", {"principal": 1000, "annual_rate": 5})
    assert exc.errors == {"months": "Campo obbligatorio."}
    body = run("loan", {"principal": 1000, "annual_rate": 5, "months": 10, "surprise": 1})
    assert body["method"] == "french" and body["upfront_fees"] == 0


def test_booleans_and_fractional_months_are_refused() -> None:
    exc = errors_of("loan", {"principal": True, "annual_rate": 5, "months": 12.5})
    assert exc.codes == {"principal": "boolean", "months": "not_integer"}


def test_fees_equal_to_the_principal_are_refused() -> None:
    exc = errors_of(
        "loan", {"principal": 1000, "annual_rate": 5, "months": 12, "upfront_fees": 1000}
    )
    assert exc.codes == {"upfront_fees": "fees_exceed_principal"}


def test_enum_values_are_checked_case_insensitively() -> None:
    body = run("savings", {"initial": 0, "monthly_deposit": 10, "annual_rate": 1, "months": 2,
                           "deposit_timing": " START "})  # fmt: skip
    assert body["final_balance"] > 20
    exc = errors_of("debt", {"debts": [{"balance": 1, "annual_rate": 1, "min_payment": 1}],
                             "monthly_budget": 10, "strategy": "random"})  # fmt: skip
    assert "avalanche, snowball" in exc.errors["strategy"]


def test_nested_errors_use_dotted_keys() -> None:
    exc = errors_of(
        "budget",
        {"incomes": [{"category": "Stipendio", "amount": "1.800"}],
         "expenses": [{"category": "", "amount": 10}, "rent", {"category": "x", "amount": -5}]},
    )  # fmt: skip
    assert exc.codes == {
        "incomes.0.amount": "ambiguous_number",
        "expenses.0.category": "required",
        "expenses.1": "not_item",
        "expenses.2.amount": "negative",
    }


def test_lists_that_are_too_long_are_refused() -> None:
    line = {"category": "spesa", "amount": 1}
    exc = errors_of("budget", {"incomes": [line] * 51, "expenses": []})
    assert exc.codes == {"incomes": "list_too_long"}
    debt = {"balance": 1, "annual_rate": 1, "min_payment": 1}
    exc = errors_of("debt", {"debts": [debt] * 21, "monthly_budget": 100})
    assert exc.codes == {"debts": "list_too_long"}


def test_a_body_that_is_not_an_object_is_refused() -> None:
    exc = errors_of("loan", [1, 2, 3])
    assert exc.codes == {"__all__": "not_object"}


def test_taeg_cash_flows_need_both_signs() -> None:
    exc = errors_of("taeg", {"cashflows": [{"years": 0, "amount": 100}, {"years": 1, "amount": 5}]})
    assert exc.codes == {"cashflows": "cashflows_one_sign"}


def test_unknown_simulator_is_a_key_error() -> None:
    with pytest.raises(UnknownSimulator):
        run("lottery", {})


def test_display_rounding_is_half_up_on_the_decimal_value() -> None:
    assert round_half_up(2.675) == 2.68
    assert round_half_up(-0.001) == 0.0
    assert format_eur(1234.5) == "1.234,50 €"
    assert format_eur(1234.5, "en") == "€1,234.50"
