"""Welfare days: places, waitlist with automatic promotion, .ics e-mails, check-in, demo data."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import func, select

from elearn.consult.demo import seed_demo_consultations
from elearn.consult.reminders import send_reminders
from elearn.consult.welfare_days import attendance_count
from elearn.extensions import db
from elearn.models import (
    AppointmentSlot,
    ConsultationRequest,
    WelfareDay,
    WelfareDayRegistration,
)
from elearn.models.base import utcnow
from elearn.outbox.quiet_hours import next_allowed
from tests.consult.conftest import deliver

ROME = ZoneInfo("Europe/Rome")


def _create_day(client, coops, capacity="1", days_ahead=10):
    day = utcnow().astimezone(ROME).date() + timedelta(days=days_ahead)
    response = client.post(
        "/gestione/welfare-day/nuovo",
        data={
            "organization": coops.org_a,
            "title": "Bilancio e bonus",
            "day": day.isoformat(),
            "start": "09:30",
            "end": "13:00",
            "place": "Social point Lorenteggio, Via Lorenteggio 181",
            "programme": "9:30 Accoglienza",
            "capacity": capacity,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1]), day


def test_full_day_waitlists_and_a_cancellation_promotes_the_first_waiting(
    app, coops, login, smtp_app, smtp_server
):
    manager, giulia, anna = app.test_client(), app.test_client(), app.test_client()
    login(coops.manager, manager)
    login(coops.worker, giulia)
    login(coops.other_worker, anna)
    event_id, day = _create_day(manager, coops)

    assert "Resta 1 posto." in giulia.get("/consulenza/welfare-day").get_data(as_text=True)
    giulia.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={})
    anna.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={})
    waiting_page = anna.get("/consulenza/welfare-day").get_data(as_text=True)
    assert "Sei al numero 1 della lista d'attesa." in waiting_page
    deliver(app)
    subjects = {m["To"]: m["Subject"] for m in smtp_server.messages}
    assert subjects == {
        "giulia@example.org": "Il tuo posto al Welfare day",
        "anna@example.org": "Sei in lista d'attesa",
    }
    confirmation = next(m for m in smtp_server.messages if m["To"] == "giulia@example.org")
    attachment = next(confirmation.iter_attachments())
    event = next(iter(icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")))
    assert event.decoded("dtstart") == datetime.combine(day, time(9, 30), ROME)
    assert str(event["summary"]) == "Bilancio e bonus"
    assert str(event["location"]) == "Social point Lorenteggio, Via Lorenteggio 181"
    smtp_server.messages.clear()

    giulia.post(f"/consulenza/welfare-day/{event_id}/rinuncia", data={})
    deliver(app)
    [promotion] = smtp_server.messages
    assert promotion["To"] == "anna@example.org"
    assert promotion["Subject"] == "Si è liberato un posto: è tuo"
    assert next(promotion.iter_attachments()).get_content_type() == "text/calendar"
    assert "Hai un posto." in anna.get("/consulenza/welfare-day").get_data(as_text=True)
    with app.app_context():
        event_row = db.session.get(WelfareDay, event_id)
        assert event_row.seats_taken == 1
        statuses = dict(
            db.session.execute(
                select(WelfareDayRegistration.worker_id, WelfareDayRegistration.status)
            ).all()
        )
        assert statuses == {coops.worker: "cancelled", coops.other_worker: "registered"}


def test_managers_check_attendees_in_with_one_tap_and_attendance_is_counted(app, coops, login):
    manager, giulia = app.test_client(), app.test_client()
    login(coops.manager, manager)
    login(coops.worker, giulia)
    event_id, _ = _create_day(manager, coops, capacity="10")
    giulia.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={})
    page = manager.get(f"/gestione/welfare-day/{event_id}").get_data(as_text=True)
    assert "Giulia Rossi" in page and "Segna presente" in page
    with app.app_context():
        registration_id = db.session.scalar(select(WelfareDayRegistration.id))
    response = manager.post(
        f"/gestione/welfare-day/{event_id}/presenze/{registration_id}", data={"present": "1"}
    )
    assert response.status_code == 302
    assert "✔ Presente" in manager.get(f"/gestione/welfare-day/{event_id}").get_data(as_text=True)
    with app.app_context():
        assert attendance_count(coops.worker) == 1
    other = app.test_client()
    login(coops.manager_b, other)
    assert other.get(f"/gestione/welfare-day/{event_id}").status_code == 404
    assert (
        other.post(
            f"/gestione/welfare-day/{event_id}/presenze/{registration_id}", data={}
        ).status_code
        == 404
    )


def test_workers_of_another_coop_cannot_register_and_bad_events_get_422(app, coops, login):
    manager, bruno = app.test_client(), app.test_client()
    login(coops.manager, manager)
    login(coops.worker_b, bruno)
    event_id, _ = _create_day(manager, coops)
    assert "Bilancio e bonus" not in bruno.get("/consulenza/welfare-day").get_data(as_text=True)
    assert bruno.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={}).status_code == 404
    response = manager.post(
        "/gestione/welfare-day/nuovo",
        data={"organization": coops.org_b, "title": "", "capacity": "0"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Scrivi un titolo." in page
    assert "Tra 1 e 5000." in page


def test_welfare_day_reminders_are_sent_once(app, coops, login, smtp_app, smtp_server):
    manager, giulia = app.test_client(), app.test_client()
    login(coops.manager, manager)
    login(coops.worker, giulia)
    event_id, _ = _create_day(manager, coops, days_ahead=1)
    giulia.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={})
    with app.app_context():
        assert send_reminders().welfare_days == 1
        assert send_reminders().welfare_days == 0
    # A reminder waits for the end of quiet hours (nights, Sundays): send as cron would then.
    deliver(app, at=next_allowed(utcnow()))
    assert [m["Subject"] for m in smtp_server.messages].count(
        "Promemoria: domani c'è il Welfare day"
    ) == 1


def test_demo_seeding_is_idempotent(app):
    from elearn.demo import seed_demo

    with app.app_context():
        seed_demo()
        assert seed_demo_consultations() is True
        assert seed_demo_consultations() is False
        assert db.session.scalar(select(func.count(ConsultationRequest.id))) == 1
        assert db.session.scalar(select(func.count(WelfareDay.id))) == 1
        assert db.session.scalar(select(func.count(AppointmentSlot.id))) >= 20
