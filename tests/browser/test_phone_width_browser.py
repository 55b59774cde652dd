"""The worker's and the manager's main pages fit a 360 px phone: nothing scrolls sideways
(a wide manager table scrolls inside its own box)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import demo_login
from tests.browser.test_resources_browser import _manager_login

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
WORKER_PAGES = (
    "/",
    "/corsi/",
    "/corsi/bilancio-familiare/",
    "/corsi/bilancio-familiare/01-entrate-e-busta-paga",
    "/il-mio-percorso",
    "/simulatori",
)


def test_the_workers_main_pages_do_not_scroll_sideways_at_360_px(page, base_url):
    page.set_viewport_size(PHONE)
    demo_login(page, "lavoratrice@demo.it")
    too_wide = {}
    for path in WORKER_PAGES:
        response = page.goto(path)
        assert response is not None and response.ok, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.evaluate("window.innerWidth"):
            too_wide[path] = width
    assert too_wide == {}


MANAGER_PAGES = (
    "/gestione/",
    "/gestione/calendario",
    "/gestione/statistiche",
    "/gestione/welfare-day",
)


def test_the_managers_pages_do_not_scroll_sideways_at_360_px(browser, base_url):
    context = browser.new_context(locale="it-IT", base_url=base_url, viewport=PHONE)
    page = context.new_page()
    _manager_login(page)  # tolerates a code another test used a moment ago
    too_wide = {}
    for path in MANAGER_PAGES:
        response = page.goto(path)
        assert response is not None and response.ok, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.evaluate("window.innerWidth"):
            too_wide[path] = width
    context.close()
    assert too_wide == {}
