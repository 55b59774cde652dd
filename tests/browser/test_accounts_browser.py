"""A worker registers, logs in and switches language in a real browser; axe finds nothing."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations, demo_login, open_menu

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_register_login_and_switch_language_on_a_phone(page, base_url):
    page.set_viewport_size(PHONE)
    page.goto("/")
    assert page.locator("h1").inner_text() == "I tuoi soldi, spiegati semplice"
    assert axe_violations(page) == []

    page.get_by_role("button", name="Crea il tuo account").first.click()
    page.get_by_label("Codice invito della tua cooperativa").fill("wrong-code")
    page.get_by_label("Nome e cognome").fill("Fatima El Amrani")
    page.get_by_label("E-mail").fill("fatima@example.org")
    page.get_by_label(re.compile(r"^Password")).fill("la mia frase segreta")
    page.get_by_label("Ripeti la password").fill("la mia frase segreta")
    page.get_by_role("button", name="Crea il tuo account").click()
    assert page.get_by_text("Questo codice invito non è valido").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Codice invito della tua cooperativa").fill("LARETE2026")
    page.get_by_label(re.compile(r"^Password")).fill("la mia frase segreta")
    page.get_by_label("Ripeti la password").fill("la mia frase segreta")
    page.get_by_role("button", name="Crea il tuo account").click()
    # The same answer as for an address that already has an account: read the e-mail, log in.
    assert page.get_by_text("Abbiamo inviato un’e-mail a fatima@example.org").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("E-mail").fill("fatima@example.org")
    page.get_by_label(re.compile(r"^Password")).fill("la mia frase segreta")
    page.get_by_role("button", name="Accedi").click()
    # First the privacy choice, in plain words.
    assert page.locator("h1").inner_text() == "Prima di iniziare: la tua scelta"
    assert axe_violations(page) == []
    page.get_by_label("No").check()
    page.get_by_role("button", name="Salva la mia scelta").click()
    assert page.locator("h1").inner_text() == "Ciao, Fatima"
    assert page.get_by_text("Cooperativa Sociale La Rete").is_visible()
    assert axe_violations(page) == []
    # Nothing overflows sideways on a 360 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("button", name="English").click()
    assert page.locator("h1").inner_text() == "Hello, Fatima"
    assert page.locator("html").get_attribute("lang") == "en"

    open_menu(page)  # on a phone the menu is folded under "Menu"
    page.get_by_role("button", name="Log out").click()
    open_menu(page)
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("E-mail").fill("fatima@example.org")
    page.get_by_label(re.compile(r"^Password")).fill("la mia frase segreta")
    page.get_by_role("button", name="Log in").click()
    # The language choice was saved in the profile.
    assert page.locator("h1").inner_text() == "Hello, Fatima"
    assert axe_violations(page) == []


def test_demo_admin_pages_pass_axe_on_desktop(page, base_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/login")
    assert axe_violations(page) == []
    demo_login(page, "admin@demo.it")
    for path in (
        "/",
        "/profilo",
        "/admin/organizzazioni",
        "/admin/utenti",
        "/admin/utenti/nuovo",
        "/admin/organizzazioni/1",
    ):
        page.goto(path)
        assert axe_violations(page) == [], path
