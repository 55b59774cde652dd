"""The pages an invited worker sees fit a 360 px phone and pass the accessibility checks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.conftest import LIVE_APPS, axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def _letter_code() -> str:
    from elearn.extensions import db
    from elearn.models import Organization, RosterEntry
    from elearn.roster.invitations import make_letters

    app = LIVE_APPS[0]
    with app.test_request_context():
        org = db.session.scalar(select(Organization).where(Organization.slug == "la-rete"))
        entry = RosterEntry(
            organization_id=org.id, full_name="Fatima Zahra Alaoui", phone="+393409998877"
        )
        db.session.add(entry)
        db.session.commit()
        [letter] = make_letters([entry], actor_id=None)
        return letter.code


def _fits(page) -> bool:
    # A click that opens a page returns once the page is on its way: measure it loaded, with
    # its stylesheets applied (under load the width was read before the CSS arrived).
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_worker_with_a_letter_types_the_code_and_creates_the_account_on_a_phone(page, base_url):
    code = _letter_code()
    page.set_viewport_size(PHONE)
    page.goto("/registrazione")
    page.get_by_role("link", name="Ho una lettera con un codice personale").click()
    assert _fits(page)
    page.get_by_label("Codice sulla tua lettera").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Continua").click()
    page.wait_for_url("**/invito/*")
    assert _fits(page)
    assert page.get_by_label("Nome e cognome").input_value() == "Fatima Zahra Alaoui"
    assert axe_violations(page) == []
    assert page.url.endswith("/invito/" + code), "the code in the address as printed"
    page.locator("#email").fill("fatima.alaoui@example.org")
    page.locator("#password").fill("una frase lunga e sicura")
    page.locator("#password_again").fill("una frase lunga e sicura")
    page.get_by_role("button", name="Crea il tuo account").click()
    page.wait_for_url("**/login")
    assert "Il tuo account è pronto" in page.content()
