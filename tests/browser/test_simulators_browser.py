"""The loan simulator on a phone: live results with JavaScript, plain form without, axe clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_loan_results_update_live_as_the_user_types(page, base_url):
    page.set_viewport_size(PHONE)
    page.goto("/simulatori/prestito")
    assert page.locator("h1").inner_text() == "Prestito"
    assert axe_violations(page) == []
    headline = page.locator(".sim-headline")
    page.get_by_label("Quanto chiedi in prestito (€)").fill("200000")
    page.get_by_label("TAN, il tasso di interesse annuo (%)").fill("7,5")
    page.get_by_label("Numero di rate mensili").fill("180")
    # No click: the script asks the API and refreshes the results.
    expect(headline).to_contain_text("1.854,02")
    expect(page).to_have_url(re.compile(r"principal=200000"))
    expect(page.locator("details.sim-year")).to_have_count(15)
    # An invalid value shows the Italian message beside the field, without a page load.
    page.get_by_label("Numero di rate mensili").fill("0")
    error = page.locator("#f-months-error")
    error.wait_for(state="visible")
    assert error.inner_text() == "La durata deve essere di almeno 1 mese."
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_loan_form_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, locale="it-IT", base_url=base_url)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/simulatori/prestito")
    page.get_by_label("Quanto chiedi in prestito (€)").fill("200000")
    page.get_by_label("TAN, il tasso di interesse annuo (%)").fill("7,5")
    page.get_by_label("Numero di rate mensili").fill("180")
    page.get_by_role("button", name="Calcola").click()
    page.wait_for_url(re.compile(r"principal=200000"))
    assert "1.854,02 €" in page.locator(".sim-headline").inner_text().replace("\xa0", " ")
    chart = page.locator("img[data-chart]")
    assert chart.get_attribute("alt").startswith("Grafico del prestito")
    assert page.request.get(chart.get_attribute("src")).status == 200
    page.get_by_label("Numero di rate mensili").fill("0")
    page.get_by_role("button", name="Calcola").click()
    assert page.locator("#f-months-error").inner_text() == (
        "La durata deve essere di almeno 1 mese."
    )
    # axe needs JavaScript to run: the same page is checked in the test above.
    context.close()


def test_a_logged_in_user_saves_a_scenario_and_finds_it(page, base_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/login")
    page.get_by_label("E-mail").fill("formatore@demo.it")
    page.get_by_label(re.compile(r"^Password")).fill("demo-password")
    page.get_by_role("button", name="Accedi").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto("/simulatori/bilancio")
    assert axe_violations(page) == []
    page.get_by_label("Nome per questo scenario").fill("Marzo")
    page.get_by_role("button", name="Salva lo scenario").click()
    assert page.get_by_text("Scenario salvato").is_visible()
    page.goto("/simulatori/scenari")
    assert page.get_by_role("link", name="Marzo").is_visible()
    assert axe_violations(page) == []


def test_early_repayment_on_a_phone_updates_live_and_is_axe_clean(page, base_url):
    page.set_viewport_size(PHONE)
    page.goto("/simulatori/prestito?principal=20000&annual_rate=7,5&months=60")
    page.get_by_role("link", name="E se ne rimborso una parte in anticipo?").click()
    expect(page).to_have_url(re.compile(r"/simulatori/estinzione-anticipata\?.*principal=20000"))
    assert page.locator("h1").inner_text() == "Estinzione anticipata parziale"
    assert axe_violations(page) == []
    page.get_by_label("Dopo quale rata rimborsi").fill("24")
    page.get_by_label("Quanto rimborsi in anticipo (€)").fill("5000")
    page.get_by_label("Indennizzo per estinzione anticipata nel contratto (%)").fill("2")
    headline = page.locator(".sim-headline")
    expect(headline).to_contain_text("549,12")
    expect(page.locator(".sim-law-note")).to_contain_text("Perciò abbiamo contato 50,00 €")
    page.get_by_label("Cosa vuoi cambiare").select_option("reduce_duration")
    expect(headline).to_contain_text("14 mesi prima")
    page.get_by_label("Dopo quale rata rimborsi").fill("60")
    error = page.locator("#f-month-error")
    error.wait_for(state="visible")
    assert error.inner_text() == "Il mese del rimborso anticipato deve essere tra 1 e 59."
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_early_repayment_form_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, locale="it-IT", base_url=base_url)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/simulatori/estinzione-anticipata")
    page.get_by_label("Quanto hai avuto in prestito (€)").fill("20000")
    page.get_by_label("Quanto rimborsi in anticipo (€)").fill("5000")
    page.get_by_label("Indennizzo per estinzione anticipata nel contratto (%)").fill("2")
    page.get_by_role("button", name="Calcola").click()
    page.wait_for_url(re.compile(r"amount=5000"))
    assert "549,12 €" in page.locator(".sim-headline").inner_text().replace("\xa0", " ")
    chart = page.locator("img[data-chart]")
    assert chart.get_attribute("alt").startswith("Grafico del debito residuo")
    assert page.request.get(chart.get_attribute("src")).status == 200
    page.get_by_label("Quanto rimborsi in anticipo (€)").fill("50000")
    page.get_by_role("button", name="Calcola").click()
    assert page.locator("#f-amount-error").inner_text() == (
        "L'importo supera il debito residuo dopo la rata 24 (12.883,56 €)."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_budget_planner_works_without_javascript_on_a_phone(browser, base_url):
    context = browser.new_context(java_script_enabled=False, locale="it-IT", base_url=base_url)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/simulatori/bilancio?vuoto=1")
    page.get_by_label("Stipendio netto: euro").fill("1500")
    page.get_by_label("Tredicesima: euro").fill("1500")
    page.locator("summary", has_text="Bollette").click()  # <details> opens without a script
    page.get_by_label("TARI (rifiuti): euro").fill("240")
    assert page.get_by_label("TARI (rifiuti): ogni quanto").input_value() == "yearly"
    page.locator("summary", has_text="Rate e debiti").click()
    page.get_by_label("Rata auto: euro").fill("520")
    page.get_by_role("button", name="Calcola").click()
    headline = page.locator(".sim-headline").inner_text().replace("\xa0", " ")
    assert "1.085,00 €" in headline  # 1500 + 1500 / 12 - 240 / 12 - 520
    advice = page.locator(".bp-advice li").first.inner_text()
    assert advice.startswith("Le rate sono vicine al limite.")  # 520 / 1625 = 32 %
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_budget_planner_totals_live_and_adds_lines_with_javascript(page, base_url):
    page.set_viewport_size(PHONE)
    page.goto("/simulatori/bilancio?vuoto=1")
    assert axe_violations(page) == []
    page.locator("summary", has_text="Spesa").first.click()
    page.get_by_label("Spesa alimentare: euro").fill("100")
    expect(page.locator("details", has_text="Spesa alimentare").locator(".bp-sum")).to_contain_text(
        "433,33"
    )
    page.locator("summary", has_text="Altro").last.click()
    before = page.locator(".bp-free input[name$='-category'][name^='expenses']").count()
    page.get_by_role("button", name="Aggiungi una riga").last.click()
    expect(page.locator(".bp-free input[name$='-category'][name^='expenses']")).to_have_count(
        before + 1
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_three_compared_offers_fit_a_phone_with_the_answer_first(page, base_url):
    # Before: the answer came after three long offer cards and the third column was cut off.
    page.set_viewport_size(PHONE)
    page.goto(
        "/simulatori/confronta-prestiti?offers-0-principal=10000&offers-0-annual_rate=6,9"
        "&offers-0-months=60&offers-0-upfront_fees=300&offers-1-principal=10000"
        "&offers-1-annual_rate=7,9&offers-1-months=60&offers-2-principal=10000"
        "&offers-2-annual_rate=5,5&offers-2-months=72&offers-2-upfront_fees=500"
    )
    headline = page.locator(".sim-headline")
    assert headline.bounding_box()["y"] < 740, "the answer is not on the first screen"
    table = page.locator("table.sim-compare")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    third = page.locator('table.sim-compare tbody td[data-label="Offerta 3"]').first
    box = third.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360, "the third offer is cut off"
    label = third.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Offerta 3: "'
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
