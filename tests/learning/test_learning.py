"""A worker browses courses, reads modules, answers quizzes and completes a module."""

from __future__ import annotations

import re

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import ModuleProgress, QuizAttempt


def _progress(app, user_id, module="01-spese"):
    with app.app_context():
        return db.session.scalar(
            select(ModuleProgress).where(
                ModuleProgress.user_id == user_id, ModuleProgress.module_slug == module
            )
        )


def test_catalogue_lists_published_courses_with_progress(client, course, make_user, login):
    page = client.get("/corsi/").get_data(as_text=True)
    assert "Corso di prova" in page and "2 moduli" in page
    login(make_user("worker"))
    page = client.get("/corsi/").get_data(as_text=True)
    assert "Non iniziato" in page


def test_catalogue_filters_by_language_level_and_audience(client, course):
    assert "Corso di prova" not in client.get("/corsi/?lingua=en").get_data(as_text=True)
    assert "Corso di prova" in client.get("/corsi/?lingua=it&livello=base").get_data(as_text=True)
    assert "Corso di prova" in client.get("/corsi/?per=figli").get_data(as_text=True)
    assert "Corso di prova" not in client.get("/corsi/?per=legge104").get_data(as_text=True)
    # Nonsense filters are ignored, not errors.
    assert client.get("/corsi/?lingua=<script>&livello=x").status_code == 200


def test_module_page_renders_content_without_revealing_answers(client, course, make_user, login):
    login(make_user("worker"))
    response = client.get("/corsi/prova/01-spese")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Le spese</h1>" in page
    assert 'class="callout callout-tip"' in page
    assert 'href="#glossario-rata"' in page and "La somma che paghi ogni mese." in page
    assert "Quale di queste è una spesa fissa?" in page
    # Neither the correct flag nor the explanation is in the page before answering.
    assert "correct" not in page
    assert (
        "L&#39;affitto si paga ogni mese" not in page and "L'affitto si paga ogni mese" not in page
    )


def test_wrong_then_right_answer_with_feedback_and_best_score(
    app, client, course, make_user, login
):
    user_id = make_user("worker")
    login(user_id)
    page = client.get("/corsi/prova/01-spese").get_data(as_text=True)
    choices = re.findall(r'name="choice" value="(\d)"', page)
    assert sorted(choices) == ["0", "1"]
    wrong = client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "1"})
    assert wrong.headers["Location"].endswith("/corsi/prova/01-spese#quiz-spesa-fissa")
    page = client.get("/corsi/prova/01-spese").get_data(as_text=True)
    assert "Non proprio." in page and "si paga ogni mese, sempre uguale" in page
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "0"})
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "1"})
    progress = _progress(app, user_id)
    assert progress.best_score == 0.5  # one of two questions ever answered right
    page = client.get("/corsi/prova/01-spese").get_data(as_text=True)
    assert "quel risultato vale" in page


def test_number_answers_accept_italian_formats(app, client, course, make_user, login):
    user_id = make_user("worker")
    login(user_id)
    for text, expected in (("1.800", True), ("1800,0", True), ("1.900", False)):
        client.post("/corsi/prova/01-spese/quiz/rata-anno", data={"answer": text})
        with app.app_context():
            last = db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.id.desc())).first()
            assert last.correct is expected, text


def test_unreadable_answers_get_a_message_and_are_not_recorded(
    app, client, course, make_user, login
):
    login(make_user("worker"))
    client.post("/corsi/prova/01-spese/quiz/rata-anno", data={"answer": "milleottocento"})
    assert "Scrivi un numero" in client.get("/corsi/prova/01-spese").get_data(as_text=True)
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={})
    assert "Scegli una risposta" in client.get("/corsi/prova/01-spese").get_data(as_text=True)
    assert (
        client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "7"}).status_code
        == 302
    )
    assert (
        client.post("/corsi/prova/01-spese/quiz/nonexistent", data={"choice": "0"}).status_code
        == 404
    )
    with app.app_context():
        assert db.session.scalar(select(QuizAttempt.id)) is None


def test_module_completes_when_read_and_pass_score_reached(app, client, course, make_user, login):
    user_id = make_user("worker")
    login(user_id)
    client.get("/corsi/prova/01-spese")
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "0"})
    assert _progress(app, user_id).completed_at is None  # not read yet
    client.post("/corsi/prova/01-spese/letto", data={})
    progress = _progress(app, user_id)
    assert progress.read_at is not None and progress.completed_at is not None  # 50 % ≥ pass 50
    outline = client.get("/corsi/prova/").get_data(as_text=True)
    assert "completato" in outline
    assert "1 di 2 moduli fatti" in client.get("/corsi/").get_data(as_text=True)


def test_multiple_choice_needs_exactly_the_right_set(app, client, course, make_user, login):
    user_id = make_user("worker")
    login(user_id)
    client.post("/corsi/prova/02-rate/quiz/taeg-spese", data={"choice": ["0"]})
    client.post("/corsi/prova/02-rate/quiz/taeg-spese", data={"choice": ["0", "1", "2"]})
    assert _progress(app, user_id, "02-rate").best_score == 0
    client.post("/corsi/prova/02-rate/quiz/taeg-spese", data={"choice": ["1", "0"]})
    assert _progress(app, user_id, "02-rate").best_score == 1


def test_visits_are_counted_and_continue_appears_on_home(app, client, course, make_user, login):
    user_id = make_user("worker")
    login(user_id)
    client.get("/corsi/prova/01-spese")
    client.get("/corsi/prova/01-spese")
    assert _progress(app, user_id).visits == 2
    home = client.get("/").get_data(as_text=True)
    assert "Riprendi da dove eri rimasto" in home and "/corsi/prova/01-spese" in home


def test_simulator_blocks_link_to_the_prefilled_simulator(client, course, make_user, login):
    login(make_user("worker"))
    page = client.get("/corsi/prova/02-rate").get_data(as_text=True)
    assert "/simulatori/prestito?principal=10000&amp;annual_rate=7.5&amp;months=60" in page


def test_unknown_course_or_module_is_404(client, course, make_user, login):
    login(make_user("worker"))
    assert client.get("/corsi/nessuno/").status_code == 404
    assert client.get("/corsi/prova/99-nessuno").status_code == 404


def test_glossary_page_lists_terms(client, course):
    page = client.get("/glossario").get_data(as_text=True)
    assert "TAEG" in page and "La somma che paghi ogni mese." in page
