"""Quizzes that teach, on a phone: the message at the question, the ticked choice marked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LIVE_APPS, axe_violations, demo_login

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
MODULE = "/corsi/bilancio-familiare/01-entrate-e-busta-paga"
QUIZ = "#quiz-bf-netto-per-bilancio"
RIGHT = "Il netto che arriva davvero sul conto ogni mese"


def _forget_the_workers_answers() -> None:
    """Other browser tests give the demo worker progress (the demo's synthetic learning, which
    may answer this quiz): this test starts from a question never answered."""
    from sqlalchemy import delete, select

    from elearn.extensions import db
    from elearn.models import QuizAttempt, QuizFirstAnswer, User

    for app in LIVE_APPS:
        with app.app_context():
            worker = db.session.scalar(select(User.id).where(User.email == "lavoratrice@demo.it"))
            for model in (QuizAttempt, QuizFirstAnswer):
                db.session.execute(
                    delete(model).where(
                        model.user_id == worker, model.quiz_id == QUIZ.removeprefix("#quiz-")
                    )
                )
            db.session.commit()


def test_a_quiz_answered_on_a_phone_teaches_at_the_question(page, base_url):
    _forget_the_workers_answers()
    page.set_viewport_size(PHONE)
    demo_login(page, "lavoratrice@demo.it")
    page.goto(MODULE)
    # Sections of the module start at <h2> under the page's <h1>: axe finds no heading jump.
    assert page.locator("article.module h2").count() >= 1
    assert page.locator("article.module h3").count() < page.locator("article.module h2").count()
    assert axe_violations(page) == []

    quiz = page.locator(QUIZ)
    quiz.get_by_role("button", name="Controlla la risposta").click()
    # Nothing chosen: the message is at the question, on screen, not 3,000 px above it.
    error = page.locator(f"{QUIZ} .quiz-error")
    expect(error).to_have_text("Scegli una risposta prima di controllare.")
    box = error.bounding_box()
    assert box is not None and 0 <= box["y"] < PHONE["height"]

    wrong = quiz.locator("label.choice").filter(has_not_text=RIGHT).first
    wrong.locator("input").check()
    quiz.get_by_role("button", name="Controlla la risposta").click()
    quiz = page.locator(QUIZ)
    marked = quiz.locator("label.choice-wrong")
    expect(marked).to_have_count(1)
    expect(marked).to_contain_text("la tua risposta: sbagliata")
    expect(quiz.locator(".quiz-feedback")).to_contain_text("netto")  # the explanation
    expect(quiz.locator("label.choice-right")).to_have_count(0)  # the right one not given away

    quiz.locator("label.choice").filter(has_text=RIGHT).locator("input").check()
    quiz.get_by_role("button", name="Controlla la nuova risposta").click()
    quiz = page.locator(QUIZ)
    expect(quiz.locator("label.choice-right")).to_contain_text(RIGHT)
    expect(quiz.get_by_role("button")).to_have_text(
        "Controlla un'altra risposta (la tua risposta giusta resta valida)"
    )
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
