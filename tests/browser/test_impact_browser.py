"""The impact questionnaire on a phone (no JavaScript needed) and the manager's impact report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LIVE_APPS, axe_violations, demo_login
from tests.browser.test_resources_browser import DESKTOP, PHONE, _fits, _manager_login, _shot

pytestmark = pytest.mark.browser


def _seed_answers() -> None:
    """Twenty synthetic learners of each cooperative answered twice (the demo has none)."""
    from sqlalchemy import select

    from elearn.demo import seed_demo_learning
    from elearn.extensions import db
    from elearn.i18n import local_today
    from elearn.impact import periods, scales
    from elearn.models import ImpactResponse, Organization, User, UserRole
    from elearn.models.base import utcnow

    with LIVE_APPS[0].app_context():
        seed_demo_learning(60)  # synthetic learners, as `elearn demo` adds them
        already = select(ImpactResponse.id).join(User, User.id == ImpactResponse.user_id)
        if db.session.scalar(already.where(User.email.like("learner%")).limit(1)) is not None:
            return
        # Both answers inside the quarter the report opens on (the last one that is over), so
        # the page shows its means and changes: early in it, then late in it.
        shown = periods.default(local_today())
        first_ago = (local_today() - shown.start).days - 3
        then_ago = (local_today() - shown.end).days + 3
        for org_id in db.session.scalars(select(Organization.id)):
            people = db.session.scalars(
                select(User.id)
                .join(UserRole, UserRole.user_id == User.id)
                .where(UserRole.role == "worker", User.organization_id == org_id)
                .where(User.email.like("learner%"))
                .limit(20)
            ).all()
            for index, person in enumerate(people):
                for days_ago, raw in ((first_ago, 12 + index), (then_ago, 15 + index + index % 3)):
                    raw = min(raw, 40)
                    db.session.add(
                        ImpactResponse(
                            user_id=person,
                            organization_id=org_id,
                            scale_version=scales.SCALE_VERSION,
                            language="it",
                            wording_version=scales.WORDING_VERSION,
                            mode="self",
                            age_band="18-61",
                            occasion="first_use",
                            item_values=[raw // 10] * 10,
                            raw_total=raw,
                            score=scales.fwb_score(raw, "18-61", "self"),
                            literacy_answers={},
                            interest_correct=index % 2 == 0,
                            inflation_correct=index % 3 != 0,
                            diversification_correct=days_ago == then_ago or index % 4 == 0,
                            created_at=utcnow() - timedelta(days=days_ago),
                        )
                    )
        db.session.commit()


def _checked(browser, base_url, context, url: str, shot: str) -> None:
    """axe runs in the page (it needs JavaScript): the same page, same login, in a second tab
    with JavaScript on; it must fit the phone and have no violations."""
    checker = browser.new_context(
        base_url=base_url, locale="it-IT", viewport=PHONE, storage_state=context.storage_state()
    )
    page = checker.new_page()
    page.goto(url)
    _fits(page, 360)
    assert axe_violations(page) == []
    _shot(page, shot)
    checker.close()


def test_a_worker_consents_and_answers_on_a_phone_without_javascript(browser, base_url):
    context = browser.new_context(
        base_url=base_url, locale="it-IT", java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    demo_login(page, "lavoratrice@demo.it")
    page.goto("/")
    expect(page.locator("#impact-offer-heading")).to_be_visible()
    page.get_by_role("button", name="Scopri di più").click()
    _checked(browser, base_url, context, "/benessere", "impact-explain-360.png")
    page.get_by_label("Sì").check()
    page.get_by_role("button", name="Salva la mia scelta").click()
    expect(page.get_by_role("heading", name="Questionario: tu e i tuoi soldi")).to_be_visible()
    _checked(browser, base_url, context, "/benessere/questionario", "impact-questionnaire-360.png")
    # Send with one statement unanswered: a clear message, the other answers kept.
    for fieldset in page.locator("fieldset.impact-item").all()[1:]:
        fieldset.locator("input[type=radio]").nth(1).check()
    page.get_by_role("button", name="Invia le mie risposte").click()
    expect(page.get_by_text("Rispondi a tutte le domande, per favore.")).to_be_visible()
    page.locator("fieldset.impact-item").first.locator("input[type=radio]").nth(1).check()
    page.get_by_role("button", name="Invia le mie risposte").click()
    expect(page.get_by_text("Il tuo punteggio di benessere finanziario è")).to_be_visible()
    _checked(browser, base_url, context, "/benessere", "impact-score-360.png")
    context.close()


def test_the_manager_reads_the_impact_report_on_a_phone_and_a_desktop(page, base_url):
    _seed_answers()
    page.set_viewport_size(PHONE)
    _manager_login(page)
    page.goto("/")
    page.get_by_role("link", name="Rapporto di impatto").click()
    expect(page.get_by_role("heading", name="Rapporto di impatto", level=1)).to_be_visible()
    expect(page.locator("table[data-key=wellbeing_change]")).to_be_visible()
    # The seeded quarter has 20 pairs per cooperative: the means of everyone are shown (a
    # small target group's row may still be hidden).
    everyone = page.locator("table[data-key=wellbeing_change] tbody tr").first.inner_text()
    assert "non mostrata" not in everyone and any(ch.isdigit() for ch in everyone)
    _fits(page, 360)
    assert axe_violations(page) == []
    _shot(page, "impact-report-360.png")
    page.set_viewport_size(DESKTOP)
    _shot(page, "impact-report-1280.png")
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica il PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
