"""The trainer's editor pages fit a 360 px phone (a wide table in the preview scrolls inside
its own box), and deleting a module works without JavaScript, confirmation page first."""

from __future__ import annotations

import pytest

from tests.browser.conftest import demo_login

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
TRAINER_PAGES = (
    "/editor/",
    "/editor/nuovo",
    "/editor/glossario",
    "/editor/tutele-e-previdenza/",
    # Modules whose preview holds a wide table.
    "/editor/tutele-e-previdenza/03-fondo-pensione",
    "/editor/household-budget/04-the-50-30-20-rule",
    "/editor/bilancio-familiare/02-spese-fisse-e-variabili/versioni",
    "/editor/tutele-e-previdenza/06-pagamenti-sicuri/elimina",
)


def test_the_trainers_pages_do_not_scroll_sideways_at_360_px(page, base_url):
    page.set_viewport_size(PHONE)
    demo_login(page, "formatore@demo.it")
    too_wide = {}
    for path in TRAINER_PAGES:
        response = page.goto(path)
        assert response is not None and response.ok, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.evaluate("window.innerWidth"):
            too_wide[path] = width
    assert too_wide == {}


def test_a_module_is_deleted_and_restored_without_javascript(browser, base_url):
    context = browser.new_context(locale="it-IT", base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    demo_login(page, "formatore@demo.it")
    page.goto("/editor/family-care-law-104/")
    page.get_by_role("link", name="Elimina Where to get help").click()
    assert "Da subito chi studia non vedrà più questo modulo" in page.content()
    page.get_by_role("button", name="Elimina il modulo").click()
    page.wait_for_url("**/editor/family-care-law-104/**")
    assert "eliminato. Chi studia non lo vede più" in page.content()
    assert "Moduli eliminati" in page.content()
    page.get_by_role("button", name="Ripristina Where to get help").click()
    page.wait_for_url("**/editor/family-care-law-104/**")
    assert "Moduli eliminati" not in page.content()
    context.close()
