"""A worker's main pages fit a 360 px phone: nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.browser.conftest import demo_login

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
