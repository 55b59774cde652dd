"""The worker's side: optional, separately consented, revocable, at most every three months."""

from __future__ import annotations

from datetime import timedelta

from elearn.extensions import db
from elearn.models import ConsentRecord, CourseCompletion, ImpactPrompt, ImpactResponse
from elearn.models.base import utcnow
from tests.impact.conftest import count_responses, form_data, stored


def _consent(client, answer: str):
    return client.post("/benessere/consenso", data={"consent": answer})


def test_without_consent_nothing_is_stored(app, client, make_user, login):
    worker = make_user("worker")
    login(worker)
    response = client.post("/benessere/questionario", data=form_data())
    assert response.status_code == 409
    assert "consenso" in response.get_data(as_text=True)
    assert count_responses(app) == 0
    # Opening the questionnaire without consent leads back to the explanation.
    assert client.get("/benessere/questionario").headers["Location"] == "/benessere"


def test_answers_are_scored_and_stored_with_scale_version_mode_and_age_band(
    app, client, make_user, login
):
    worker = make_user("worker")
    login(worker)
    assert _consent(client, "yes").status_code == 302
    response = client.post(
        "/benessere/questionario", data=form_data(age_band="62+", mode="read_to_me")
    )
    assert response.status_code == 302
    # All best answers: total 40, administered by someone else, 62+: the table says 87.
    assert stored(app, worker) == [("cfpb-fwb-10", "read_to_me", "62+", 40, 87, "2026-12-work")]
    page = client.get("/benessere").get_data(as_text=True)
    assert "87" in page


def test_an_unanswered_question_gets_a_message_and_stores_nothing(app, client, make_user, login):
    worker = make_user("worker")
    login(worker)
    _consent(client, "yes")
    data = form_data()
    del data["fwb-gift_strain"]
    response = client.post("/benessere/questionario", data=data)
    assert response.status_code == 422
    assert "Rispondi a tutte le domande" in response.get_data(as_text=True)
    assert count_responses(app) == 0


def test_withdrawing_consent_deletes_the_answers(app, client, make_user, login):
    worker = make_user("worker")
    login(worker)
    _consent(client, "yes")
    client.post("/benessere/questionario", data=form_data())
    assert count_responses(app, worker) == 1
    assert _consent(client, "no").status_code == 302
    assert count_responses(app, worker) == 0
    with app.app_context():
        kinds = [
            (r.kind, r.granted)
            for r in db.session.query(ConsentRecord).filter_by(user_id=worker).order_by("id")
        ]
    assert kinds[-2:] == [("impact_measure", True), ("impact_measure", False)]
    # And nothing more can be stored until the worker says yes again.
    assert client.post("/benessere/questionario", data=form_data()).status_code == 409
    assert count_responses(app, worker) == 0


def test_a_second_answer_set_within_three_months_is_refused(app, client, make_user, login):
    worker = make_user("worker")
    login(worker)
    _consent(client, "yes")
    client.post("/benessere/questionario", data=form_data())
    response = client.post("/benessere/questionario", data=form_data())
    assert response.status_code == 409
    assert "tre mesi" in response.get_data(as_text=True)
    assert count_responses(app, worker) == 1
    with app.app_context():
        row = db.session.query(ImpactResponse).filter_by(user_id=worker).one()
        row.created_at = utcnow() - timedelta(days=92)
        db.session.commit()
    assert client.post("/benessere/questionario", data=form_data()).status_code == 302
    assert count_responses(app, worker) == 2


def test_the_invitation_comes_on_first_use_and_after_a_course_at_most_every_three_months(
    app, client, make_user, login
):
    worker = make_user("worker")
    login(worker)
    home = client.get("/").get_data(as_text=True)
    assert 'id="impact-offer-heading"' in home
    _consent(client, "yes")
    client.post("/benessere/questionario", data=form_data())
    assert 'id="impact-offer-heading"' not in client.get("/").get_data(as_text=True)

    with app.app_context():
        db.session.add(
            CourseCompletion(
                user_id=worker,
                course_slug="bilancio",
                course_title="Il bilancio",
                verification_code="IMPACT0001",
                completed_at=utcnow(),
            )
        )
        db.session.commit()
    # A course just completed, but the last answers are less than three months old.
    assert 'id="impact-offer-heading"' not in client.get("/").get_data(as_text=True)
    with app.app_context():
        row = db.session.query(ImpactResponse).filter_by(user_id=worker).one()
        row.created_at = utcnow() - timedelta(days=100)
        db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert 'id="impact-offer-heading"' in home
    assert "Hai finito un corso" in home


def test_not_now_hides_the_invitation_and_no_stops_it(app, client, make_user, login):
    worker = make_user("worker")
    login(worker)
    assert client.post("/benessere/non-ora", data={}).status_code == 302
    assert 'id="impact-offer-heading"' not in client.get("/").get_data(as_text=True)
    with app.app_context():
        prompt = db.session.get(ImpactPrompt, worker)
        prompt.snoozed_until = utcnow() - timedelta(days=1)
        db.session.commit()
    assert 'id="impact-offer-heading"' in client.get("/").get_data(as_text=True)
    _consent(client, "no")
    assert 'id="impact-offer-heading"' not in client.get("/").get_data(as_text=True)


def test_a_manager_cannot_open_a_workers_answers(app, client, make_user, login):
    worker = make_user("worker")
    manager = make_user("manager")
    login(worker)
    _consent(client, "yes")
    client.post("/benessere/questionario", data=form_data())
    other = app.test_client()
    login(manager, other)
    assert other.get("/benessere").status_code == 403
    report = other.get("/impatto").get_data(as_text=True)
    assert "meno di 5" in report  # one person: hidden


def test_the_data_export_includes_the_answers_and_erasure_deletes_them(
    app, client, make_user, login
):
    worker = make_user("worker")
    login(worker)
    _consent(client, "yes")
    client.post("/benessere/questionario", data=form_data())
    export = client.get("/profilo/dati.json").get_json()
    assert export["impact_measure"][0]["score"] == 86
    assert export["impact_measure"][0]["mode"] == "self"
    from elearn.models import User
    from elearn.privacy.erasure import erase_personal_data

    with app.app_context():
        erase_personal_data(db.session.get(User, worker))
        db.session.commit()
    assert count_responses(app, worker) == 0
