"""Simulator pages without JavaScript: results, locale formatting, field errors, CSV, charts."""

from __future__ import annotations

import re

import pytest

IT = {"Accept-Language": "it-IT,it;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}
LOAN_200K = "/simulatori/prestito?principal=200000&annual_rate=7,5&months=180"
PAGES = [
    "/simulatori/prestito",
    "/simulatori/risparmio",
    "/simulatori/obiettivo",
    "/simulatori/bilancio",
    "/simulatori/debiti",
    "/simulatori/confronta-prestiti",
    "/simulatori/estinzione-anticipata",
]


def text_of(response) -> str:
    return response.get_data(as_text=True).replace("\xa0", " ")


def error_beside(html: str, name: str) -> str:
    match = re.search(rf'id="f-{re.escape(name)}-error" class="field-error"[^>]*>([^<]*)<', html)
    assert match, f"no error slot for {name}"
    return match.group(1)


def test_index_lists_every_simulator(client) -> None:
    html = text_of(client.get("/simulatori", headers=IT))
    for path in PAGES:
        assert f'href="{path}"' in html


@pytest.mark.parametrize("path", PAGES)
def test_each_page_shows_results_for_its_defaults(client, path: str) -> None:
    response = client.get(path, headers=IT)
    assert response.status_code == 200
    html = text_of(response)
    assert 'class="sim-headline"' in html
    assert "field-error" in html and 'aria-invalid="true"' not in html


def test_loan_page_shows_the_numbers_the_italian_way(client) -> None:
    html = text_of(client.get(LOAN_200K, headers=IT))
    assert "1.854,02 €" in html
    assert "133.724,45 €" in html  # interest
    assert "333.724,45 €" in html  # total paid back
    assert "TAEG" in html and "7,76 %" in html
    # The form keeps what the user typed.
    assert 'name="annual_rate" value="7,5"' in html


def test_loan_page_in_english(client) -> None:
    html = text_of(client.get(LOAN_200K, headers=EN))
    assert "€1,854.02" in html
    assert "You pay" in html and "7.76 %" in html


def test_query_parameters_prefill_only_the_fields_given(client) -> None:
    html = text_of(client.get("/simulatori/prestito?principal=20000", headers=IT))
    assert 'name="principal" value="20000"' in html
    assert 'name="annual_rate" value="7,5"' in html  # the default


def test_long_schedule_is_grouped_by_year_in_details(client) -> None:
    html = text_of(client.get("/simulatori/prestito?principal=150000&annual_rate=3&months=360"))
    assert html.count('<details class="sim-year">') == 30
    assert html.count("<caption>") >= 30


def test_short_schedule_is_one_table_with_a_caption(client) -> None:
    html = text_of(client.get("/simulatori/prestito?principal=2500&annual_rate=8,24&months=12"))
    assert "<details" not in html.split('class="sim-schedule"')[1]
    assert "217,75 €" in html and "2.299,42 €" in html


def test_bad_loan_input_shows_italian_messages_beside_fields_with_422(client) -> None:
    response = client.get("/simulatori/prestito?principal=abc&annual_rate=150&months=0", headers=IT)
    assert response.status_code == 422
    html = text_of(response)
    assert error_beside(html, "principal") == "Inserisci un numero (per esempio 1500 o 1500,50)."
    assert error_beside(html, "annual_rate") == "Il tasso non può superare il 100 %."
    assert error_beside(html, "months") == "La durata deve essere di almeno 1 mese."
    assert 'aria-describedby="f-principal-hint f-principal-error"' not in html  # no hint there
    assert 'aria-invalid="true"' in html


def test_bad_input_messages_in_english(client) -> None:
    html = text_of(client.get("/simulatori/prestito?months=0", headers=EN))
    assert error_beside(html, "months") == "The duration must be at least 1 month."


def test_budget_rows_skip_empty_lines_and_errors_point_at_the_right_row(client) -> None:
    query = (
        "/simulatori/bilancio?incomes-0-category=Stipendio&incomes-0-amount=1500"
        "&expenses-0-category=Affitto&expenses-0-amount=700"
        "&expenses-4-category=Spesa&expenses-4-amount=tanti"
    )
    response = client.get(query, headers=IT)
    assert response.status_code == 422
    html = text_of(response)
    # The planner numbers its rows itself: the error sits in the row that holds "Spesa".
    row = re.search(r'name="expenses-(\d+)-category" value="Spesa"', html).group(1)
    assert error_beside(html, f"expenses-{row}-amount").startswith("Inserisci un numero")
    assert 'value="tanti"' in html


def test_budget_page_totals(client) -> None:
    query = (
        "/simulatori/bilancio?incomes-0-category=Stipendio&incomes-0-amount=1500"
        "&expenses-0-category=Affitto&expenses-0-amount=700"
        "&expenses-5-category=Spesa&expenses-5-amount=300&savings=1000"
    )
    html = text_of(client.get(query, headers=IT))
    assert "500,00 €" in html  # left over
    assert "1.000,00 €" in html  # money out
    assert "Affitto" in html and "Spesa" in html


def test_debt_page_error_for_a_budget_below_minimums(client) -> None:
    query = (
        "/simulatori/debiti?monthly_budget=50&debts-0-name=Carta&debts-0-balance=1000"
        "&debts-0-annual_rate=10&debts-0-min_payment=80"
    )
    response = client.get(query, headers=IT)
    assert response.status_code == 422
    assert "inferiore alla somma delle rate minime" in error_beside(
        text_of(response), "monthly_budget"
    )


def test_pages_have_no_inline_styles_or_scripts(client) -> None:
    for path in PAGES:
        html = text_of(client.get(path))
        assert " style=" not in html and "<svg" not in html
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


def test_loan_page_shows_the_chart_as_an_image_with_its_text_alternative(client) -> None:
    html = text_of(client.get(LOAN_200K, headers=IT))
    match = re.search(r'<img src="([^"]+)" alt="([^"]+)" data-chart>', html)
    assert match
    src = match.group(1).replace("&amp;", "&")
    assert src.startswith("/api/v1/simulators/loan/chart.svg?")
    assert match.group(2).startswith("Grafico del prestito di 200.000,00 € in 180 rate")
    assert client.get(src).status_code == 200


def test_loan_schedule_csv_download(client) -> None:
    response = client.get(
        "/simulatori/prestito/piano.csv?principal=2500&annual_rate=8,24&months=12", headers=IT
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert len(lines) == 13
    assert lines[1] == "1;217,75;17,17;200,58;2299,42"
    assert lines[-1] == "12;217,75;1,49;216,26;0,00"


def test_loan_schedule_csv_in_english_has_the_same_dialect(client) -> None:
    response = client.get(
        "/simulatori/prestito/piano.csv?principal=2500&annual_rate=8.24&months=12", headers=EN
    )
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Instalment;")
    assert lines[1] == "1;217,75;17,17;200,58;2299,42"


def test_csv_with_bad_input_shows_the_form_with_422(client) -> None:
    assert client.get("/simulatori/prestito/piano.csv?months=0").status_code == 422


def test_consult_link_shows_only_when_the_consult_domain_exists(app, client) -> None:
    html = text_of(client.get("/simulatori/prestito", headers=EN))
    has_consult = "consult.new_request" in app.view_functions
    assert ("Talk to the Welfare Manager about this" in html) == has_consult


def test_compare_page_names_the_cheapest_offer(client) -> None:
    query = (
        "/simulatori/confronta-prestiti?offers-0-principal=10000&offers-0-annual_rate=5"
        "&offers-0-months=60&offers-0-upfront_fees=900&offers-2-principal=10000"
        "&offers-2-annual_rate=6&offers-2-months=60"
    )
    html = text_of(client.get(query, headers=EN))
    assert "The offer that costs least is <strong>Offer 3</strong>" in html


def test_consult_link_carries_the_simulator_for_workers_only(app, client, make_user, login):
    if "consult.new_request" not in app.view_functions:
        pytest.skip("the consult domain is not installed")
    login(make_user("worker"))
    assert "simulator=loan" in client.get("/simulatori/prestito").get_data(as_text=True)
    other = app.test_client()
    login(make_user("trainer"), other)
    assert "simulator=loan" not in other.get("/simulatori/prestito").get_data(as_text=True)


THREE_OFFERS = (
    "/simulatori/confronta-prestiti?offers-0-principal=10000&offers-0-annual_rate=6,9"
    "&offers-0-months=60&offers-0-upfront_fees=300&offers-1-principal=10000"
    "&offers-1-annual_rate=7,9&offers-1-months=60&offers-2-principal=10000"
    "&offers-2-annual_rate=5,5&offers-2-months=72&offers-2-upfront_fees=500"
)


def test_after_calculate_the_result_comes_before_the_numbers(client) -> None:
    # On a phone the answer was below three long offer cards: after "Calculate" it is first in the
    # page (so also for a screen reader), with a link back to the numbers.
    html = text_of(client.get(THREE_OFFERS, headers=EN))
    assert html.index('id="sim-results"') < html.index('class="sim-form"')
    assert 'href="#form-heading">Change the numbers<' in html
    # A first visit (nothing calculated yet) keeps the form first and no link.
    first = text_of(client.get("/simulatori/confronta-prestiti", headers=EN))
    assert first.index('class="sim-form"') < first.index('id="sim-results"')
    assert "Change the numbers" not in first


def test_every_compared_figure_names_its_offer_for_a_phone(client) -> None:
    # On a phone the table stacks: each figure is a line "Offer 2 (cheapest): 202,29 €".
    html = text_of(client.get(THREE_OFFERS, headers=EN))
    table = html[html.index('<table class="sim-table sim-compare stack-table">') :]
    table = table[table.index("<tbody>") : table.index("</table>")]
    cells = re.findall(r"<td( data-label=\"[^\"]*\")?>", table)
    assert len(cells) == 6 * 3
    assert all(cells), "a value cell without its offer's name"
    assert table.count('data-label="Offer 2 (cheapest)"') == 6
