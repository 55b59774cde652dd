"""A co-production lab on a phone: the manager opens it, a worker writes a card and votes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, demo_login, open_menu

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def _manager_login(page) -> None:
    """Password, then a code; another test may have used this time step's code already (a code
    works once), so take the neighbouring step then, as the server accepts it."""
    import time

    import pyotp

    from elearn.demo import DEMO_TOTP_SECRETS

    page.goto("/login")
    page.locator("#email").fill("manager@demo.it")
    page.locator("#password").fill("demo-password")
    page.locator("#password").press("Enter")
    page.wait_for_url("**/login/codice")
    for offset in (0, 30, -30):
        code = pyotp.TOTP(DEMO_TOTP_SECRETS["manager@demo.it"]).at(time.time() + offset)
        page.locator("#code").fill(code)
        page.locator("#code").press("Enter")
        page.wait_for_load_state()
        if "/login/codice" not in page.url:
            return
    raise AssertionError("the manager could not log in")


def _fits_the_phone(page) -> None:
    page.wait_for_load_state("load")  # after a click: measured with the stylesheets applied
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_worker_writes_a_card_with_live_hints_and_votes_on_a_phone(page, browser, base_url):
    from datetime import date

    today = date.today()
    # The manager in a browser of their own (a second-step code works only once).
    manager = browser.new_page(base_url=base_url, locale="it-IT")
    _manager_login(manager)
    page_ = page
    page = manager
    page.goto("/laboratori/nuovo")
    page.get_by_label("Titolo").fill("Tempo per la famiglia")
    page.get_by_label("La domanda per i lavoratori").fill("Che cosa rende difficile conciliare?")
    page.get_by_label("Cooperativa Sociale Il Girasole").check()
    for label, days in (
        ("Raccolta delle schede dal", 0),
        ("Unione delle schede simili dal", 7),
        ("Voto dal", 14),
        ("Risultati dal (il voto si chiude)", 21),
    ):
        page.get_by_label(label).fill((today + timedelta(days=days)).isoformat())
    page.get_by_role("button", name="Apri il laboratorio").click()
    expect(page.get_by_text("Il laboratorio è aperto.")).to_be_visible()
    assert axe_violations(page) == []
    lab_url = page.url.removesuffix("/gestione")
    page.get_by_label("Testo della scheda cartacea").fill(
        "L'asilo nido costa troppo e chiude alle 16."
    )
    page.get_by_label("Dove è stata raccolta e perché la inserisci tu").fill("Welfare day")
    page.get_by_role("button", name="Aggiungi la scheda cartacea").click()
    expect(page.get_by_text("Scheda cartacea aggiunta.")).to_be_visible()

    page = page_
    page.set_viewport_size(PHONE)
    demo_login(page, "lavoratrice@demo.it")
    open_menu(page)  # on a phone the main menu is folded under "Menu"
    page.get_by_role("link", name="Laboratori", exact=True).click()
    page.get_by_role("link", name="Tempo per la famiglia").first.click()
    page.get_by_label("La tua scheda").press_sequentially("asilo nido troppo caro")
    hint = page.get_by_text("Qualcuno ha già scritto qualcosa di simile")
    hint.wait_for()
    page.get_by_role("button", name="Sostieni questa invece").click()
    expect(page.get_by_text("Sostieni questa scheda: +1.")).to_be_visible()
    expect(page.get_by_text("✔ Sostieni questa scheda.")).to_be_visible()
    page.get_by_label("La tua scheda").fill("Vorrei entrare al lavoro più tardi il lunedì.")
    page.get_by_role("button", name="Metti la mia scheda in bacheca").click()
    expect(page.get_by_text("Grazie: la tua scheda è in bacheca.")).to_be_visible()
    assert axe_violations(page) == []
    _fits_the_phone(page)

    manager.goto(lab_url + "/gestione")
    manager.get_by_role("button", name="Inizia ora: Unione delle schede simili").click()
    manager.get_by_role("button", name="Inizia ora: Voto").click()
    expect(manager.get_by_text("Fase iniziata: Voto.")).to_be_visible()
    manager.close()

    page.goto(lab_url + "/voto")
    cards = page.locator("fieldset.vote-card")
    cards.nth(0).get_by_label("3 bollini").check()
    cards.nth(1).get_by_label("3 bollini").check()
    assert page.locator(".dots-left").inner_text() == "Troppi bollini: togline 1."
    cards.nth(1).get_by_label("2 bollini").check()
    assert page.locator(".dots-left").inner_text() == "Ti restano 0 bollini."
    assert axe_violations(page) == []
    _fits_the_phone(page)
    page.get_by_role("button", name="Salva i miei bollini").click()
    expect(page.get_by_text("I tuoi bollini sono salvati.")).to_be_visible()
