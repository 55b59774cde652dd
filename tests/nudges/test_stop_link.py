"""The stop link: opening it changes nothing, confirming stops, a bad link is refused, and
every later reminder honours the choice."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import OutboxMessage, ReminderPreference, User
from elearn.nudges.services import queue_nudges, reminders_on
from elearn.nudges.tokens import stop_token
from elearn.outbox.services import send_pending
from tests.nudges.conftest import days_later, queued


def _stop_path(app: Flask, user_id: int) -> str:
    with app.app_context():
        return f"/promemoria/stop/{stop_token(db.session.get(User, user_id))}"


def _on(app: Flask, user_id: int) -> bool:
    with app.app_context():
        return reminders_on(user_id)


def test_opening_the_link_asks_and_changes_nothing(app, learner):
    anonymous = app.test_client()
    response = anonymous.get(_stop_path(app, learner))
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Interrompere i promemoria" in page  # Giulia reads Italian
    assert 'method="post"' in page
    assert response.headers["Cache-Control"] == "no-store"
    assert _on(app, learner)


def test_confirming_stops_and_later_nudges_are_not_queued(app, learner):
    anonymous = app.test_client()
    response = anonymous.post(_stop_path(app, learner), data={"action": "stop"})
    assert response.status_code == 200
    assert "Promemoria interrotti" in response.get_data(as_text=True)
    assert not _on(app, learner)
    with app.app_context():
        report = queue_nudges(now=days_later(7))
    assert (report.first, report.stopped) == (0, 1)
    assert queued(app) == []


def test_mail_programs_one_click_unsubscribe_stops(app, learner):
    """RFC 8058: the mail program posts this body, with no page, cookie or CSRF token."""
    anonymous = app.test_client()
    response = anonymous.post(_stop_path(app, learner), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not _on(app, learner)


def test_a_tampered_link_is_refused(app, learner):
    path = _stop_path(app, learner)
    anonymous = app.test_client()
    for bad in (path[:-2] + ("AA" if not path.endswith("AA") else "BB"), "/promemoria/stop/x.y"):
        response = anonymous.post(bad, data={"action": "stop"})
        assert response.status_code == 400
        assert response.mimetype == "text/html"
        assert "non è valido" in response.get_data(as_text=True)
    assert _on(app, learner)


def test_another_persons_link_does_not_fit_a_new_account_with_the_same_id(app, learner, make_user):
    # On SQLite an erased account's id can be given to the next one: the old link must not work.
    path = _stop_path(app, learner)
    with app.app_context():
        user = db.session.get(User, learner)
        user.created_at = user.created_at + timedelta(seconds=5)
        db.session.commit()
    assert app.test_client().post(path, data={"action": "stop"}).status_code == 400
    assert _on(app, learner)


def test_turning_reminders_back_on_from_the_stop_page(app, learner):
    anonymous = app.test_client()
    anonymous.post(_stop_path(app, learner), data={"action": "stop"})
    response = anonymous.post(_stop_path(app, learner), data={"action": "resume"})
    assert "Promemoria attivi" in response.get_data(as_text=True)
    assert _on(app, learner)


def test_a_nudge_queued_before_the_stop_is_not_sent(app, smtp_app, smtp_server, learner):
    with app.app_context():
        assert queue_nudges(now=days_later(7, hour=21)).first == 1  # waits for 08:00
    app.test_client().post(_stop_path(app, learner), data={"action": "stop"})
    with app.app_context():
        report = send_pending(now=days_later(8, hour=9))
        assert (report.sent, report.cancelled) == (0, 1)
        assert db.session.scalar(select(OutboxMessage.status)) == "cancelled"
    assert smtp_server.messages == []


def test_every_nudge_carries_the_stop_link_and_list_unsubscribe(
    app, smtp_app, smtp_server, learner
):
    with app.app_context():
        queue_nudges(now=days_later(7))
        send_pending(now=days_later(7))
    [mail] = smtp_server.messages
    link = "http://127.0.0.1:5000" + _stop_path(app, learner)
    assert mail["List-Unsubscribe"] == f"<{link}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in mail.get_content()


def test_profile_shows_and_changes_the_choice(app, client, login, learner):
    login(learner)
    page = client.get("/profilo").get_data(as_text=True)
    assert "Promemoria via e-mail" in page and "Interrompi i promemoria" in page
    response = client.post("/profilo/promemoria", data={"reminders": "off"})
    assert response.status_code == 302
    assert not _on(app, learner)
    with app.app_context():
        assert db.session.get(ReminderPreference, learner).changed_via == "profile"
    page = client.get("/profilo").get_data(as_text=True)
    assert "Riattiva i promemoria" in page
    client.post("/profilo/promemoria", data={"reminders": "on"})
    assert _on(app, learner)


def test_profile_refuses_a_bad_choice_without_error(app, client, login, learner):
    login(learner)
    response = client.post("/profilo/promemoria", data={"reminders": "maybe"})
    assert response.status_code == 302
    assert "non è stata salvata" in client.get("/profilo").get_data(as_text=True)
    assert _on(app, learner)


def test_welfare_day_reminder_honours_the_stop(app, learner, make_org):
    from datetime import UTC, datetime

    from elearn.consult.reminders import send_reminders
    from elearn.models import WelfareDay, WelfareDayRegistration

    with app.app_context():
        user = db.session.get(User, learner)
        starts = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)
        event = WelfareDay(
            organization_id=user.organization_id,
            title="Welfare day",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            place="Milano",
            capacity=10,
            seats_taken=1,
        )
        db.session.add(event)
        db.session.flush()
        db.session.add(
            WelfareDayRegistration(welfare_day_id=event.id, worker_id=learner, status="registered")
        )
        db.session.commit()
    app.test_client().post(_stop_path(app, learner), data={"action": "stop"})
    with app.app_context():
        assert send_reminders(now=datetime(2026, 11, 11, 9, 0, tzinfo=UTC)).welfare_days == 1
        assert db.session.scalar(select(OutboxMessage.id)) is None


def test_the_choice_and_the_nudges_sent_are_in_the_data_download(app, learner):
    from elearn.privacy.export import export_user_data

    with app.app_context():
        queue_nudges(now=days_later(7))
    app.test_client().post(_stop_path(app, learner), data={"action": "stop"})
    with app.app_context():
        data = export_user_data(db.session.get(User, learner))
    assert [row["stopped"] for row in data["reminder_choice"]] == [True]
    assert [row["sequence"] for row in data["nudges_sent"]] == [1]


def test_odd_bodies_on_a_valid_link_never_fail(app, learner):
    """What a mail program or a bot might post: the page answers, nothing breaks."""
    path = _stop_path(app, learner)
    anonymous = app.test_client()
    for kwargs in (
        {"data": {"action": "x" * 5000}},
        {"data": {"action": ["stop", "resume"]}},
        {"json": {"action": "resume"}},
        {"data": b"\xff\xfe", "content_type": "application/octet-stream"},
        {"data": {}},
    ):
        response = anonymous.post(path, **kwargs)
        assert response.status_code == 200, kwargs
    assert not _on(app, learner)  # anything but an explicit "resume" form field stops


def test_a_link_signed_before_a_key_rotation_works_while_the_old_key_is_a_fallback(app, learner):
    path = _stop_path(app, learner)
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a-new-key-after-the-leak"
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert _stop_path(app, learner) != path, "new links are signed with the new key"
    response = app.test_client().post(path, data={"action": "stop"})
    assert response.status_code == 200
    assert not _on(app, learner)


def test_a_link_signed_with_a_dropped_key_is_refused(app, learner):
    path = _stop_path(app, learner)
    app.config["SECRET_KEY"] = "a-new-key-after-the-leak"
    app.config["SECRET_KEY_FALLBACKS"] = []
    response = app.test_client().post(path, data={"action": "stop"})
    assert response.status_code == 400
    assert "non è valido" in response.get_data(as_text=True)
    assert _on(app, learner)
