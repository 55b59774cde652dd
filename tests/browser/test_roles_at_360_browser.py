"""Each role walks its main pages on a 360 px phone: nothing scrolls sideways (a wide table
scrolls inside its own box), axe finds no violation, and the folded "Menu" opens without
JavaScript and leads to the role's sections."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import axe_violations, demo_login, forget_used_codes, open_menu

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PAGES = {
    "worker": (
        "/",
        "/corsi/",
        "/corsi/bilancio-familiare/",
        "/corsi/bilancio-familiare/01-entrate-e-busta-paga",
        "/il-mio-percorso",
        "/simulatori",
        "/simulatori/prestito?principal=15000&annual_rate=7,5&months=60",
        "/simulatori/confronta-prestiti",
        "/consulenza/",
        "/consulenza/nuova",
        "/consulenza/welfare-day",
        "/risorse",
        "/profilo",
        "/profilo/privacy",
    ),
    "trainer": ("/", "/editor/", "/editor/bilancio-familiare/", "/glossario", "/corsi/"),
    "manager": (
        "/",
        "/gestione/",
        "/gestione/calendario",
        "/gestione/welfare-day",
        "/gestione/welfare-day/nuovo",
        "/gestione/statistiche",
        "/report/",
        "/report/persone",
        "/laboratori/",
    ),
    "admin": (
        "/",
        "/admin/organizzazioni",
        "/admin/utenti",
        "/admin/registro",
        "/admin/risorse-cooperative",
        "/privacy/richieste",
    ),
}
EMAILS = {
    "worker": "lavoratrice@demo.it",
    "trainer": "formatore@demo.it",
    "manager": "manager@demo.it",
    "admin": "admin@demo.it",
}
# One page further down for each role, found on its first pages (ids differ between runs).
DEEPER = {
    "trainer": ("/editor/bilancio-familiare/", r"^/editor/bilancio-familiare/[\w-]+$"),
    "admin": ("/admin/utenti", r"^/admin/utenti/\d+$"),
}


def _log_in(page, role: str) -> None:
    email = EMAILS[role]
    if role not in ("manager", "admin"):
        demo_login(page, email)
        return
    # A code another test used in this 30-second step is refused: try the neighbours too.
    import pyotp

    from elearn.demo import DEMO_TOTP_SECRETS

    forget_used_codes(email)
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
    raise AssertionError(f"{role} could not log in")


@pytest.mark.parametrize("role", sorted(PAGES))
def test_each_roles_main_pages_fit_a_phone_and_pass_axe(browser, base_url, role) -> None:
    context = browser.new_context(locale="it-IT", base_url=base_url, viewport=PHONE)
    page = context.new_page()
    _log_in(page, role)
    paths = list(PAGES[role])
    if role in DEEPER:
        listing, pattern = DEEPER[role]
        page.goto(listing)
        links = page.eval_on_selector_all(
            "main a[href]", "els => els.map(a => a.getAttribute('href'))"
        )
        deeper = next((href for href in links if re.match(pattern, href)), None)
        assert deeper, f"no link like {pattern} on {listing}"
        paths.append(deeper)
    too_wide, failing, problems = {}, {}, {}
    for path in paths:
        response = page.goto(path)
        if response is None or not response.ok:
            failing[path] = response.status if response else None
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
        found = axe_violations(page)
        if found:
            problems[path] = found
    context.close()
    assert failing == {}
    assert too_wide == {}, "scrolls sideways at 360 px"
    assert problems == {}


@pytest.mark.parametrize("role", ["worker", "manager"])
def test_the_folded_menu_opens_without_javascript(browser, base_url, role) -> None:
    context = browser.new_context(
        locale="it-IT", base_url=base_url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    _log_in(page, role)
    page.goto("/")
    header = page.locator("header.site-header")
    # Brand and "Menu" on one line: the page's own content starts on the first screen.
    assert header.bounding_box()["height"] < 110
    section = "Richieste" if role == "manager" else "Simulatori"
    assert not page.get_by_role("link", name=section, exact=True).first.is_visible()
    open_menu(page)
    link = page.locator("details.phone-menu").get_by_role("link", name=section, exact=True)
    assert link.is_visible()
    link.click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/gestione" if role == "manager" else "/simulatori")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
