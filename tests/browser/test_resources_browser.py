"""A worker fills the resources questionnaire on a phone and reads the map, also on a desktop."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from tests.browser.conftest import axe_violations, demo_login, log_out

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _shot(page, name: str) -> None:
    """Screenshots for people to look at, when SCREENS_DIR says where."""
    folder = os.environ.get("SCREENS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


@pytest.fixture(autouse=True)
def _rules_of_2026(monkeypatch):
    """A fixed day (the live server runs in this process): the test does not expire on 1 January."""
    from elearn.resources import answers

    monkeypatch.setattr(answers, "local_today", lambda: date(2026, 12, 3))


def _manager_login(page) -> None:
    """Like demo_login, but a code already used in this time step (another test logged the
    manager in a moment ago) is refused, so try the neighbouring steps too."""
    import time

    from tests.browser.conftest import forget_used_codes

    forget_used_codes("manager@demo.it")

    import pyotp

    from elearn.demo import DEMO_TOTP_SECRETS

    email = "manager@demo.it"
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill("demo-password")
    page.locator("#password").press("Enter")
    page.wait_for_url(lambda url: "/login/codice" in url)
    totp = pyotp.TOTP(DEMO_TOTP_SECRETS[email])
    for offset in (0, 30, -30):
        page.locator("#code").fill(totp.at(time.time() + offset))
        page.locator("#code").press("Enter")
        page.wait_for_load_state()
        if "/login/codice" not in page.url:
            return
    raise AssertionError("the manager could not log in")


def _fits(page, width: int) -> None:
    page.wait_for_load_state("load")  # after a click: measured with the stylesheets applied
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_worker_builds_the_resources_map_on_a_phone(page, base_url):
    page.set_viewport_size(PHONE)
    demo_login(page, "lavoratrice@demo.it")
    page.goto("/risorse")
    page.get_by_role("button", name="Inizia").click()
    assert page.locator("h1").inner_text() == "La tua famiglia"
    page.locator("#children-0-birth_date").fill("2025-11-10")
    page.locator("#children-1-age").fill("6")
    page.get_by_label("vive con noi e lavora").check()
    assert axe_violations(page) == []
    _fits(page, 360)
    _shot(page, "resources-step-360.png")
    page.get_by_role("button", name="Salva e continua").click()

    page.get_by_label("Sì, ho l'attestazione DSU").check()
    page.locator("#isee").fill("18500")
    page.get_by_role("button", name="Salva e continua").click()

    page.get_by_label("Dipendente a tempo indeterminato").check()
    page.locator("#part_time_percent").fill("80")
    page.locator("#net_monthly_pay").fill("1350")
    page.get_by_role("button", name="Salva e continua").click()

    assert "art. 9" in page.locator("main").inner_text()
    page.get_by_label("Sì, acconsento").check()
    page.get_by_role("button", name="Salva e continua").click()
    assert page.get_by_text("Dati particolari").first.is_visible()
    page.get_by_label("Sì, “in situazione di gravità” (art. 3 c. 3)").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Salva e continua").click()

    page.wait_for_url(lambda url: url.rstrip("/").endswith("/risorse"))
    main = page.locator("main").inner_text()
    assert "Assegno unico universale" in main and "Perché" in main
    assert "stima" in main and "da verificare" in main
    assert axe_violations(page) == []
    _fits(page, 360)
    _shot(page, "resources-map-360.png")

    page.get_by_label("E se…", exact=True).select_option("isee")
    page.get_by_label("Nuovo valore").fill("30000")
    page.get_by_role("button", name="Ricalcola").click()
    assert page.get_by_text("Con la modifica").first.is_visible()
    _fits(page, 360)
    _shot(page, "resources-whatif-360.png")

    page.set_viewport_size(DESKTOP)
    page.goto("/risorse?se=nascita")
    assert page.get_by_text("Con la modifica").first.is_visible()
    assert axe_violations(page) == []
    _shot(page, "resources-map-1280.png")


def test_the_manager_reads_a_shared_map_and_adds_a_pathway_step(page, base_url):
    page.set_viewport_size(PHONE)
    demo_login(page, "lavoratrice@demo.it")
    page.goto("/risorse/questionario/famiglia")
    page.locator("#children-0-age").fill("4")
    page.get_by_role("button", name="Salva e continua").click()
    page.get_by_label("Sì, ho l'attestazione DSU").check()
    page.locator("#isee").fill("12000")
    page.get_by_role("button", name="Salva e continua").click()
    page.goto("/consulenza/nuova")
    page.get_by_label("Raccontaci in poche parole").fill(
        "Quali aiuti posso chiedere per mio figlio?"
    )
    page.get_by_label("Telefonata").check()
    page.get_by_role("button", name="Invia la richiesta").click()
    request_path = page.url.split("127.0.0.1")[1].split("/", 1)[1]
    request_id = request_path.rstrip("/").rsplit("/", 1)[-1]
    page.goto("/risorse#share")
    page.get_by_label("Allega la mappa alla tua richiesta").select_option(request_id)
    page.get_by_role("button", name="Allega la mappa").click()
    assert page.get_by_text("Mappa allegata").is_visible()
    log_out(page)  # through the phone's "Menu"

    page.set_viewport_size(DESKTOP)
    _manager_login(page)
    page.goto(f"/gestione/richieste/{request_id}")
    page.get_by_role("link", name="Apri la mappa delle risorse").click()
    assert "Mappa delle risorse di" in page.locator("h1").inner_text()
    assert axe_violations(page) == []
    _shot(page, "resources-manager-1280.png")
    page.locator("#res-auu").get_by_role("button", name="Aggiungi al percorso").click()
    assert page.get_by_text("Aggiunto al percorso").is_visible()
