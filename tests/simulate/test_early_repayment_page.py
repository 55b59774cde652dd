"""The early-repayment page (estinzione anticipata parziale): numbers, fee cap, errors, saving."""

from __future__ import annotations

import html as html_lib
import math
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from elearn.extensions import db
from elearn.models import SavedScenario
from elearn.simulate import services
from simulators import run
from simulators.numbers import format_eur
from tests.simulate.test_pages import EN, IT, error_beside, text_of
from tests.simulators.test_reference_cases import CASES

PATH = "/simulatori/estinzione-anticipata"
# 20,000 € at 7.5 % in 60 instalments; 5,000 € repaid after instalment 24, 2 % fee asked.
CASE = {
    "principal": "20000",
    "annual_rate": "7,5",
    "months": "60",
    "month": "24",
    "amount": "5000",
    "mode": "reduce_installment",
    "early_repayment_fee_pct": "2",
}


def query(**changes: str) -> str:
    params = {**CASE, **changes}
    return PATH + "?" + "&".join(f"{key}={value}" for key, value in params.items())


def figure(html: str, path: str) -> str:
    """The formatted value of a results figure (``data-result`` = the library's key)."""
    match = re.search(rf'<dd data-result="{path}"[^>]*>([^<]*)</dd>', html)
    assert match, f"no figure {path}"
    return match.group(1)


def french_installment(principal: float, monthly_rate: float, months: int) -> float:
    return principal * monthly_rate / (1 - (1 + monthly_rate) ** -months)


def test_index_links_to_the_page(client) -> None:
    html = text_of(client.get("/simulatori", headers=IT))
    assert f'href="{PATH}"' in html and "Estinzione anticipata parziale" in html


def test_a_visitor_sees_the_right_numbers_the_italian_way(client) -> None:
    response = client.get(query(), headers=IT)
    assert response.status_code == 200
    html = text_of(response)
    # Independent closed form: the balance after 24 instalments is the present value of the 36
    # left; repaying 5,000 € and spreading the rest over the same 36 months lowers the instalment.
    i = 0.075 / 12
    installment = french_installment(20000, i, 60)
    balance = installment * (1 - (1 + i) ** -36) / i
    new_installment = french_installment(balance - 5000, i, 36)
    interest_saved = 36 * (installment - new_installment) - 5000
    assert math.isclose(interest_saved, 599.12, abs_tol=0.01)
    assert figure(html, "interest_saved") == "599,12 €"
    assert figure(html, "new_installment") == "245,23 €"
    assert figure(html, "fee") == "50,00 €"  # 2 % asked, 1 % allowed
    assert figure(html, "net_saving") == "549,12 €"
    assert "Risparmi <strong" in html and "e la rata scende da 400,76 € a 245,23 € al mese." in html
    assert "12.883,56 €" in html and "7.883,56 €" in html  # the debt before and after
    # The page shows what the library (and the JSON API) computes.
    body = run(
        "loan-early-repayment",
        {"principal": 20000, "annual_rate": 7.5, "months": 60, "month": 24, "amount": 5000,
         "early_repayment_fee_pct": 2},
    )  # fmt: skip
    assert (body["interest_saved"], body["net_saving"]) == (599.12, 549.12)
    # The form keeps what the user typed.
    assert 'name="annual_rate" value="7,5"' in html
    assert '<option value="reduce_installment" selected>' in html


def test_the_loan_before_the_repayment_matches_the_reference_case(client) -> None:
    case = next(case for case in CASES if case["id"] == "L01_french_numpy_doc_200k_15y")
    loan = case["request"]
    html = text_of(
        client.get(
            f"{PATH}?principal={loan['principal']}&annual_rate=7,5&months={loan['months']}"
            "&month=12&amount=10000&early_repayment_fee_pct=0",
            headers=IT,
        )
    )
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', html))
    assert rows["Rata mensile"] == "1.854,02 €"  # the reference instalment
    # Interest still due after 12 instalments = the reference total minus what was paid so far.
    i = 0.075 / 12
    installment = french_installment(200000, i, 180)
    balance_12 = installment * (1 - (1 + i) ** -168) / i
    paid_interest = 12 * installment - (200000 - balance_12)
    still_due = case["expected"]["total_interest"] - paid_interest
    assert rows["Interessi ancora da pagare"] == format_eur(still_due, "it")


def test_a_shorter_loan_says_how_many_months_earlier(client) -> None:
    html = text_of(client.get(query(mode="reduce_duration"), headers=IT))
    assert "e finisci 14 mesi prima." in html
    assert figure(html, "new_months_left") == "22"
    assert figure(html, "interest_saved") == "989,01 €"
    assert "Con una rata più bassa risparmieresti 599,12 € di interessi." in html


def test_the_fee_above_the_legal_cap_is_explained(client) -> None:
    html = text_of(client.get(query(early_repayment_fee_pct="3"), headers=IT))
    assert "La legge mette un limite all'indennizzo." in html
    assert "Il tuo contratto prevede 150,00 € (3,00 %)" in html
    assert "il limite di legge è 1 % della somma che rimborsi. Perciò abbiamo contato 50,00 €." in (
        html_lib.unescape(html)
    )
    fair = text_of(client.get(query(early_repayment_fee_pct="0,8"), headers=IT))
    assert "La legge mette un limite" not in fair and figure(fair, "fee") == "40,00 €"


def test_with_a_year_or_less_left_the_cap_is_half_a_percent(client) -> None:
    html = html_lib.unescape(text_of(client.get(query(month="50", amount="1000"), headers=IT)))
    assert "il limite di legge è 0,5 % della somma" in html
    assert figure(html, "fee") == "5,00 €"


def test_on_a_zero_rate_loan_no_fee_is_due(client) -> None:
    html = html_lib.unescape(
        text_of(client.get(query(annual_rate="0", month="12", amount="1000"), headers=IT))
    )
    assert figure(html, "fee") == "0,00 €"
    assert "non può mai superare gli interessi che pagheresti ancora: qui 0,00 €" in html
    assert "Su questo prestito non ci sono interessi da risparmiare" in html


def test_repaying_a_small_whole_debt_is_fee_free_by_law(client) -> None:
    html = html_lib.unescape(
        text_of(client.get(query(principal="6000", amount="3865,07"), headers=IT))
    )
    assert "Chiudi il prestito e risparmi" in html
    assert "non è dovuto nessun indennizzo. Allora risparmi 38,65 € in più" in html


def test_upfront_fees_bring_the_note_about_their_refund(client) -> None:
    html = text_of(client.get(query(upfront_fees="300"), headers=IT))
    assert "una parte dei 300,00 € di spese pagate all'inizio" in html_lib.unescape(html)
    assert (
        "spese pagate all"
        not in text_of(client.get(query(), headers=IT)).split("I tuoi diritti")[1]
    )


def test_bad_input_gives_422_with_italian_messages_beside_the_fields(client) -> None:
    response = client.get(query(month="60", early_repayment_fee_pct="tanto"), headers=IT)
    assert response.status_code == 422
    html = html_lib.unescape(text_of(response))
    assert error_beside(html, "month") == "Il mese del rimborso anticipato deve essere tra 1 e 59."
    assert error_beside(html, "early_repayment_fee_pct").startswith("Inserisci un numero")
    assert 'aria-describedby="f-month-hint f-month-error" aria-invalid="true"' in html
    too_much = html_lib.unescape(text_of(client.get(query(amount="20000"), headers=IT)))
    assert error_beside(too_much, "amount") == (
        "L'importo supera il debito residuo dopo la rata 24 (12.883,56 €)."
    )
    assert client.get(query(mode="tutto"), headers=IT).status_code == 422


def test_the_page_in_english(client) -> None:
    html = text_of(client.get(query(), headers=EN))
    assert "<h1>Repay part of a loan early</h1>" in html
    assert "and your instalment goes down from €400.76 to €245.23 a month." in html
    assert figure(html, "net_saving") == "€549.12"
    assert "but here the law allows at most 1 % of the amount you repay" in html
    bad = text_of(client.get(query(month="0"), headers=EN))
    assert (
        error_beside(bad, "month") == "The month of the early repayment must be between 1 and 59."
    )


def test_the_chart_shows_the_debt_before_and_after(client) -> None:
    html = text_of(client.get(query(), headers=IT))
    match = re.search(r'<img src="([^"]+)" alt="([^"]+)" data-chart>', html)
    assert match and match.group(2).startswith("Grafico del debito residuo")
    response = client.get(html_lib.unescape(match.group(1)))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_the_loan_page_links_here_with_its_numbers(client) -> None:
    loan_page = text_of(
        client.get("/simulatori/prestito?principal=15000&annual_rate=6,9&months=84", headers=IT)
    )
    match = re.search(r'<a href="([^"]+)" data-early-link>([^<]+)</a>', loan_page)
    assert match and match.group(2) == "E se ne rimborso una parte in anticipo?"
    link = html_lib.unescape(match.group(1))
    assert urlsplit(link).path == PATH
    params = parse_qs(urlsplit(link).query)
    assert params["principal"] == ["15000"] and params["annual_rate"] == ["6,9"]
    assert params["months"] == ["84"]
    page = text_of(client.get(link, headers=IT))
    assert 'name="principal" value="15000"' in page and 'name="months" value="84"' in page
    assert 'class="sim-headline"' in page


def test_a_worker_saves_the_scenario_and_reopens_it(app, client, make_user, login) -> None:
    worker = make_user("worker")
    login(worker)
    page = text_of(client.get(query(), headers=IT))
    assert re.search(r'name="simulator" type="hidden" value="loan-early-repayment"', page)
    inputs = dict(re.findall(r'name="in-([a-z_]+)" value="([^"]*)" data-input-copy', page))
    assert inputs["month"] == "24" and inputs["amount"] == "5000"
    response = client.post(
        "/simulatori/scenari",
        data={
            "simulator": "loan-early-repayment",
            "name": "Rimborso auto",
            **{f"in-{key}": value for key, value in inputs.items()},
        },
    )
    assert response.status_code == 303
    with app.test_request_context():
        scenario = db.session.scalars(db.select(SavedScenario)).one()
        # Stored flat, as the library's parser and the page read them.
        assert scenario.inputs["principal"] == 20000.0 and scenario.inputs["month"] == 24
        assert scenario.inputs["mode"] == "reduce_installment"
        headline = dict(services.scenario_headline(services.scenario_summary(scenario)))
        assert headline["Risparmio netto"].replace("\xa0", " ") == "549,12 €"
        assert headline["Rate rimaste"] == "36"
        scenario_id = scenario.id
    listing = text_of(client.get("/simulatori/scenari", headers=IT))
    assert "Rimborso auto" in listing and "Estinzione anticipata parziale" in listing
    opened = client.get(f"/simulatori/scenari/{scenario_id}")
    assert opened.status_code == 302
    reopened = text_of(client.get(opened.headers["Location"], headers=IT))
    assert 'name="annual_rate" value="7,5"' in reopened and 'name="month" value="24"' in reopened
    assert figure(reopened, "net_saving") == "549,12 €"


def test_the_welfare_manager_link_names_this_simulator(app, client, make_user, login) -> None:
    if "consult.new_request" not in app.view_functions:
        pytest.skip("the consult domain is not installed")
    login(make_user("worker"))
    page = text_of(client.get(query(), headers=IT))
    # The button posts the numbers on the screen along (issue 15), to the same address.
    match = re.search(
        r'<form method="post" action="([^"]+)"[^>]*data-consult-form>(.*?)</form>', page, re.S
    )
    assert match and "simulator=loan-early-repayment" in match.group(1)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', match.group(2)))
    posted = client.post(html_lib.unescape(match.group(1)), data=fields, headers=IT)
    form = text_of(posted)
    assert '<option selected value="credit">' in form
