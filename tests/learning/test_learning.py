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


def _assert_message_at_question(response, quiz_id: str, text: str) -> None:
    """The message is inside the question's own section, and the form returns to that anchor."""
    page = response.get_data(as_text=True)
    section = page[page.index(f'id="quiz-{quiz_id}"') :]
    section = section[: section.index("</section>")]
    assert text in section
    assert f'#quiz-{quiz_id}"' in section  # the form's address ends with the question's anchor
    assert text not in page[: page.index("<main")]  # not (only) at the top of the page


def test_unreadable_answers_get_a_message_and_are_not_recorded(
    app, client, course, make_user, login
):
    login(make_user("worker"))
    number = client.post("/corsi/prova/01-spese/quiz/rata-anno", data={"answer": "milleottocento"})
    assert number.status_code == 422
    _assert_message_at_question(number, "rata-anno", "Scrivi un numero")
    assert 'value="milleottocento"' in number.get_data(as_text=True)  # kept to be corrected
    empty = client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={})
    assert empty.status_code == 422
    _assert_message_at_question(empty, "spesa-fissa", "Scegli una risposta")
    assert (
        client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "7"}).status_code
        == 422
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


def test_the_ticked_choice_is_marked_and_the_button_says_what_comes_next(
    client, course, make_user, login
):
    login(make_user("worker"))

    def quiz_section() -> str:
        page = client.get("/corsi/prova/01-spese").get_data(as_text=True)
        section = page[page.index('id="quiz-spesa-fissa"') :]
        return section[: section.index("</section>")]

    assert "Controlla la risposta" in quiz_section()
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "1"})
    wrong = quiz_section()
    ticked = re.search(r'<label class="choice choice-wrong">.*?</label>', wrong, re.S)
    assert (
        ticked
        and 'value="1"' in ticked.group(0)
        and "la tua risposta: sbagliata" in ticked.group(0)
    )
    assert "choice-right" not in wrong  # the right choice is not given away
    assert "Controlla la nuova risposta" in wrong
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "0"})
    right = quiz_section()
    assert re.search(r'<label class="choice choice-right">\s*<input[^>]*value="0"', right)
    assert "la tua risposta giusta resta valida" in right


def _resume(client) -> str | None:
    home = client.get("/").get_data(as_text=True)
    found = re.search(r'<section class="resume".*?</section>', home, flags=re.S)
    return found.group(0) if found else None


def test_continue_counts_only_visible_modules_and_goes_to_the_first_not_completed(
    app, client, course, make_user, login
):
    from elearn.models import CourseModule

    def archive(slug: str, archived: bool) -> None:
        with app.app_context():
            db.session.scalar(
                select(CourseModule).where(CourseModule.slug == slug)
            ).archived = archived
            db.session.commit()

    login(make_user("worker"))
    client.get("/corsi/prova/01-spese")
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "0"})
    client.post("/corsi/prova/01-spese/letto", data={})
    resume = _resume(client)
    assert "50% fatto" in resume and "/corsi/prova/02-rate" in resume
    archive("01-spese", True)  # the completed module leaves the course: nothing done of the rest
    resume = _resume(client)
    assert "0% fatto" in resume and "/corsi/prova/02-rate" in resume
    archive("01-spese", False)
    archive("02-rate", True)  # every visible module completed: nothing to continue
    assert _resume(client) is None
    catalogue = client.get("/corsi/").get_data(as_text=True)
    assert 'href="/corsi/prova/"' in catalogue and "1 modulo ·" in catalogue
    archive("01-spese", True)  # no visible module left: the course leaves the catalogue
    assert 'href="/corsi/prova/"' not in client.get("/corsi/").get_data(as_text=True)
