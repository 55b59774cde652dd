"""A worker compares the health-fund plans on a phone; a manager reads the cooperative's ranking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import axe_violations, demo_login
from tests.browser.test_resources_browser import _manager_login

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _shot(page, name: str) -> None:
    """Screenshots for people to look at, when SCREENS_DIR says where."""
    folder = os.environ.get("SCREENS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def _fits(page, width: int) -> None:
    page.wait_for_load_state("load")  # after a click: measured with the stylesheets applied
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_worker_compares_the_plans_for_her_needs_on_a_phone(page, base_url):
    page.set_viewport_size(PHONE)
    demo_login(page, "lavoratrice@demo.it")
    page.goto("/fondi-sanitari")
    page.get_by_label("Cure dentarie").fill("600")
    page.get_by_label("Ortodonzia per i figli").fill("2.500")
    page.locator("#consent").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Salva e confronta").click()
    page.wait_for_load_state()
    # The demo's example plans: B pays back 2.370 €, A 1.440 €, C nothing.
    plans = page.locator(".hf-plan h3").all_inner_texts()
    assert plans[:2] == ["Piano B (esempio)", "Piano A (esempio)"]
    assert "2.370,00" in page.locator(".hf-plan").first.inner_text()
    assert "carenza di 12 mesi" in page.locator(".hf-plan").first.inner_text()
    assert axe_violations(page) == []
    _fits(page, 360)
    _shot(page, "healthfund-worker-360.png")
    page.set_viewport_size(DESKTOP)
    _fits(page, 1280)
    _shot(page, "healthfund-worker-1280.png")


def test_a_manager_reads_the_ranking_and_edits_a_plan_on_a_phone(page, base_url):
    page.set_viewport_size(PHONE)
    _manager_login(page)
    page.goto("/gestione/fondi-sanitari")
    assert axe_violations(page) == []
    _fits(page, 360)
    page.locator("a[href*='/gestione/fondi-sanitari/cooperative/']").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("I piani per le necessità di")
    assert axe_violations(page) == []
    _fits(page, 360)
    _shot(page, "healthfund-cooperative-360.png")
    page.goto("/gestione/fondi-sanitari")
    page.get_by_role("link", name="Piano A (esempio)").first.click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    _fits(page, 360)
    page.locator("#dental-copay_percent").fill("120")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    assert (
        "Scrivi una percentuale tra 0 e 100."
        in page.locator("#dental-copay_percent-error").inner_text()
    )
