"""A worker asks the Welfare Manager on a phone; the manager finds the request in the queue."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, demo_login, forget_used_codes, log_out

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def _log_in(page, email: str) -> None:
    demo_login(page, email)


def test_a_worker_asks_on_a_phone_and_the_manager_sees_it(page, base_url):
    page.set_viewport_size(PHONE)
    _log_in(page, "lavoratrice@demo.it")
    page.goto("/consulenza/nuova?simulator=budget")
    assert page.locator("h1").inner_text() == "Parla con il Welfare Manager"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("button", name="Invia la richiesta").click()
    assert page.get_by_text("Scrivi qualche parola sulla tua domanda.").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Raccontaci in poche parole").fill(
        "Vorrei un aiuto per il bilancio di casa: le bollette sono aumentate."
    )
    page.get_by_label("Telefonata").check()
    page.get_by_label("Giorni e orari che ti vanno bene").fill("Lunedì pomeriggio")
    page.get_by_role("button", name="Invia la richiesta").click()
    assert page.get_by_text("Richiesta inviata.").is_visible()
    assert page.get_by_text("le bollette sono aumentate").is_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    log_out(page)  # through the phone's "Menu"
    page.set_viewport_size({"width": 1280, "height": 900})
    forget_used_codes("manager@demo.it")  # another test may have used this step's code
    _log_in(page, "manager@demo.it")
    page.goto("/gestione/")
    row = page.locator("tr", has_text="Giulia Rossi").first
    assert "Bilancio familiare" in row.inner_text()
    assert axe_violations(page) == []
    row.get_by_role("link", name="Giulia Rossi").click()
    assert page.get_by_text("le bollette sono aumentate").is_visible()
    assert axe_violations(page) == []
