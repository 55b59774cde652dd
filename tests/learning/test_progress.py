"""Time spent, mastery levels, course completion, certificates, reset and "My path"."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from elearn.extensions import db
from elearn.models import ActivityDay, CourseCompletion, ModuleProgress, QuizAttempt
from elearn.models.base import utcnow


def _complete_course(client):
    client.get("/corsi/prova/01-spese")
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "0"})
    client.post("/corsi/prova/01-spese/letto", data={})
    client.get("/corsi/prova/02-rate")
    client.post("/corsi/prova/02-rate/quiz/taeg-spese", data={"choice": ["0", "1"]})
    client.post("/corsi/prova/02-rate/letto", data={})


def test_heartbeats_count_once_per_interval_and_are_capped(app, client, course, make_user, login):
    user_id = make_user("worker")
    login(user_id)
    client.get("/corsi/prova/02-rate")  # a 5-minute module: at most 15 minutes count
    assert client.post("/corsi/prova/02-rate/tempo", data={}).status_code == 204
    # A second tab beating at the same moment adds nothing.
    assert client.post("/corsi/prova/02-rate/tempo", data={}).status_code == 202
    with app.app_context():
        row = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == user_id))
        assert row.seconds_spent == 30
        for _ in range(40):
            db.session.execute(
                update(ModuleProgress).values(last_heartbeat_at=utcnow() - timedelta(minutes=1))
            )
            db.session.commit()
            client.post("/corsi/prova/02-rate/tempo", data={})
        db.session.expire_all()
        assert db.session.scalar(select(ModuleProgress.seconds_spent)) == 15 * 60


def test_reading_without_javascript_counts_the_estimated_time(
    app, client, course, make_user, login
):
    user_id = make_user("worker")
    login(user_id)
    client.get("/corsi/prova/01-spese")
    client.post("/corsi/prova/01-spese/letto", data={})
    with app.app_context():
        assert db.session.scalar(select(ModuleProgress.seconds_spent)) == 10 * 60


def test_mastery_needs_a_review_on_a_later_day(app, client, course, make_user, login):
    user_id = make_user("worker")
    login(user_id)
    _complete_course(client)
    page = client.get("/corsi/prova/01-spese").get_data(as_text=True)
    assert "il tuo livello: <strong>superato</strong>" in page
    # Answering again the same day does not make it "mastered".
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "0"})
    client.post("/corsi/prova/01-spese/quiz/rata-anno", data={"answer": "1800"})
    with app.app_context():
        assert (
            db.session.scalar(
                select(ModuleProgress.mastered_at).where(ModuleProgress.module_slug == "01-spese")
            )
            is None
        )
        db.session.execute(update(ModuleProgress).values(completed_at=utcnow() - timedelta(days=2)))
        db.session.commit()
    assert "È ora di ripassare" in client.get("/corsi/prova/01-spese").get_data(as_text=True)
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "0"})
    client.post("/corsi/prova/01-spese/quiz/rata-anno", data={"answer": "1800"})
    page = client.get("/corsi/prova/01-spese").get_data(as_text=True)
    assert "il tuo livello: <strong>padroneggiato</strong>" in page


def test_completing_every_module_gives_a_certificate_with_a_public_check(
    app, client, course, make_user, login
):
    user_id = make_user("worker", name="Aisha Diallo")
    login(user_id)
    _complete_course(client)
    with app.app_context():
        completion = db.session.scalar(select(CourseCompletion))
        assert completion.user_id == user_id and completion.minutes == 15
        code = completion.verification_code
    path = client.get("/il-mio-percorso").get_data(as_text=True)
    assert "Corsi completati" in path and "/certificati/prova.pdf" in path
    pdf = client.get("/certificati/prova.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert code.encode() in pdf.data
    anonymous = app.test_client()
    page = anonymous.get(f"/verifica/{code}").get_data(as_text=True)
    assert (
        "Aisha Diallo" in page and "Corso di prova" in page and "Questo attestato è valido." in page
    )
    assert "@example.org" not in page  # nothing but name, course and date
    assert anonymous.get("/verifica/WRONGCODE1").status_code == 404


def test_no_certificate_before_completion(client, course, make_user, login):
    login(make_user("worker"))
    client.get("/corsi/prova/01-spese")
    assert client.get("/certificati/prova.pdf").status_code == 404


def test_reset_asks_for_confirmation_then_forgets_the_course(app, client, course, make_user, login):
    user_id = make_user("worker")
    login(user_id)
    _complete_course(client)
    confirm = client.get("/corsi/prova/azzera").get_data(as_text=True)
    assert "Non si può annullare" in confirm
    with app.app_context():
        assert db.session.scalar(select(ModuleProgress.id)) is not None  # nothing deleted by GET
    client.post("/corsi/prova/azzera", data={})
    with app.app_context():
        for model in (ModuleProgress, QuizAttempt, CourseCompletion):
            assert db.session.scalar(select(model.id).where(model.user_id == user_id)) is None


def test_my_path_shows_progress_time_levels_and_activity(app, client, course, make_user, login):
    user_id = make_user("worker")
    login(user_id)
    client.get("/corsi/prova/01-spese")
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "1"})
    page = client.get("/il-mio-percorso").get_data(as_text=True)
    assert "Corsi in corso" in page and "Corso di prova" in page
    assert "Esercitato" in page
    with app.app_context():
        kinds = {row.kind: row.count for row in db.session.scalars(select(ActivityDay))}
        assert kinds == {"module": 1, "quiz": 1}
    chart = client.get("/il-mio-percorso/attivita.svg")
    assert chart.mimetype == "image/svg+xml"
    assert "<svg" in chart.get_data(as_text=True)
    assert "unsafe-inline" in chart.headers["Content-Security-Policy"]
    assert "script-src" not in chart.headers["Content-Security-Policy"]


def test_using_a_simulator_counts_as_activity(app, client, make_user, login):
    user_id = make_user("worker")
    login(user_id)
    client.get("/simulatori/prestito")  # just looking: not counted
    client.get("/simulatori/prestito?principal=5000&annual_rate=6&months=24")
    with app.app_context():
        rows = db.session.scalars(select(ActivityDay).where(ActivityDay.user_id == user_id)).all()
        assert [(row.kind, row.count) for row in rows] == [("simulator", 1)]
