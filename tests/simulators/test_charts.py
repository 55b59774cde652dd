"""Charts: well-formed deterministic SVG with a title and a text alternative in both languages."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest

from simulators import InvalidInput
from simulators.charts import CHARTS, clear_cache, render_chart

SVG = "{http://www.w3.org/2000/svg}"
REQUESTS = {
    "loan": {"principal": 20000, "annual_rate": 5.5, "months": 84, "upfront_fees": 250},
    "savings": {"initial": 1000, "monthly_deposit": 150, "annual_rate": 3, "months": 120,
                "inflation": 2},
    "budget": {"incomes": [{"category": "Stipendio", "amount": 1700}],
               "expenses": [{"category": f"voce {k}", "amount": 10 * k} for k in range(1, 12)]},
    "debt": {"debts": [{"name": "Carta", "balance": 3000, "annual_rate": 20, "min_payment": 60}],
             "monthly_budget": 250},
    "loan-early-repayment": {"principal": 10000, "annual_rate": 7.5, "months": 60, "month": 24,
                             "amount": 3000, "mode": "reduce_duration"},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_is_well_formed_svg_with_title_and_description(name: str) -> None:
    chart = render_chart(name, REQUESTS[name])
    root = ET.fromstring(chart.svg.encode())
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == chart.title
    assert root.find(f"{SVG}desc").text == chart.alt_it
    assert root.get("role") == "img"
    assert chart.inline_svg.startswith("<svg")
    assert chart.alt_it != chart.alt_en and chart.alt_it.endswith(".")


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_output_is_deterministic(name: str) -> None:
    first = render_chart(name, REQUESTS[name]).svg
    clear_cache()
    assert render_chart(name, REQUESTS[name]).svg == first


def test_english_chart_has_english_title_and_alt() -> None:
    chart = render_chart("loan", REQUESTS["loan"], lang="en")
    assert chart.title == "Your loan over time"
    assert chart.alt == chart.alt_en and "€20,000.00" in chart.alt
    assert "Capitale" not in chart.svg and "Principal" in chart.svg


def test_repeated_chart_comes_from_the_cache() -> None:
    render_chart("savings", REQUESTS["savings"])
    start = time.perf_counter()
    render_chart("savings", REQUESTS["savings"])
    assert time.perf_counter() - start < 0.05


def test_chart_input_is_validated_like_the_simulator() -> None:
    with pytest.raises(InvalidInput):
        render_chart("loan", {"principal": "10.000", "annual_rate": 5, "months": 12})


def test_early_repayment_chart_describes_the_drop_and_the_new_end() -> None:
    chart = render_chart("loan-early-repayment", REQUESTS["loan-early-repayment"])
    assert "dopo la rata 24 scende subito a 3.441,78 €" in chart.alt_it
    assert "arriva a zero alla rata 43" in chart.alt_it
    closed = render_chart(
        "loan-early-repayment",
        {"principal": 1200, "annual_rate": 0, "months": 12, "month": 6, "amount": 600},
        lang="en",
    )
    assert closed.alt.endswith("after instalment 6 the debt is closed.")
