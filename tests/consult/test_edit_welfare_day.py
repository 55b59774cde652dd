"""A Welfare day can be changed after it was created; people signed up hear about a new day,
time or place by e-mail, with links from PUBLIC_BASE_URL (issue 15)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar

from tests.consult.conftest import deliver
from tests.consult.test_welfare_days import _create_day

ROME = ZoneInfo("Europe/Rome")


def _edit(client, event_id, day, **changes):
    data = {
        "title": "Bilancio e bonus",
        "day": day.isoformat(),
        "start": "09:30",
        "end": "13:00",
        "place": "Social point Lorenteggio, Via Lorenteggio 181",
        "programme": "9:30 Accoglienza",
        "capacity": "1",
        **changes,
    }
    return client.post(f"/gestione/welfare-day/{event_id}/modifica", data=data)


def test_moving_a_welfare_day_mails_everyone_signed_up_the_new_place_and_time(
    app, coops, login, smtp_app, smtp_server
):
    app.config["PUBLIC_BASE_URL"] = "https://welfare.example.org"
    manager, giulia, anna = app.test_client(), app.test_client(), app.test_client()
    login(coops.manager, manager)
    login(coops.worker, giulia)
    login(coops.other_worker, anna)
    event_id, day = _create_day(manager, coops)
    giulia.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={})
    anna.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={})  # waiting list
    deliver(app)
    smtp_server.messages.clear()

    form = manager.get(f"/gestione/welfare-day/{event_id}/modifica").get_data(as_text=True)
    assert 'value="Social point Lorenteggio, Via Lorenteggio 181"' in form
    moved = _edit(manager, event_id, day, start="10:00", place="Sala Verdi, Via Roma 1")
    assert moved.status_code == 302
    deliver(app)

    mails = {m["To"]: m for m in smtp_server.messages}
    assert set(mails) == {"giulia@example.org", "anna@example.org"}
    for mail in mails.values():
        assert mail["Subject"] == "Il Welfare day è cambiato"
        body = mail.get_body(("plain",)).get_content()
        assert "Sala Verdi, Via Roma 1" in body
        assert "https://welfare.example.org/consulenza/welfare-day" in body
    attachment = next(mails["giulia@example.org"].iter_attachments())
    event = next(iter(icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")))
    assert event.decoded("dtstart") == datetime.combine(day, time(10, 0), ROME)
    assert str(event["location"]) == "Sala Verdi, Via Roma 1"
    assert not list(mails["anna@example.org"].iter_attachments())  # no place yet, no calendar
    assert "Sala Verdi" in giulia.get("/consulenza/welfare-day").get_data(as_text=True)


def test_changing_only_the_title_or_programme_sends_no_mail(
    app, coops, login, smtp_app, smtp_server
):
    manager, giulia = app.test_client(), app.test_client()
    login(coops.manager, manager)
    login(coops.worker, giulia)
    event_id, day = _create_day(manager, coops)
    giulia.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={})
    deliver(app)
    smtp_server.messages.clear()

    changed = _edit(manager, event_id, day, title="Bilancio, bonus e domande", programme="10:00")
    assert changed.status_code == 302
    deliver(app)
    assert smtp_server.messages == []
    assert "Bilancio, bonus e domande" in giulia.get("/consulenza/welfare-day").get_data(
        as_text=True
    )


def test_an_edit_keeps_places_for_people_registered_and_times_in_order(app, coops, login):
    manager, giulia = app.test_client(), app.test_client()
    login(coops.manager, manager)
    login(coops.worker, giulia)
    event_id, day = _create_day(manager, coops, capacity="2")
    giulia.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={})

    too_few = _edit(manager, event_id, day, capacity="0")
    assert too_few.status_code == 422
    backwards = _edit(manager, event_id, day, capacity="2", start="14:00", end="13:00")
    assert backwards.status_code == 422
    past = _edit(manager, event_id, day - timedelta(days=30), capacity="2")
    assert past.status_code == 422


def test_fewer_places_than_people_registered_is_refused_with_the_count(app, coops, login):
    manager, giulia, anna = app.test_client(), app.test_client(), app.test_client()
    login(coops.manager, manager)
    login(coops.worker, giulia)
    login(coops.other_worker, anna)
    event_id, day = _create_day(manager, coops, capacity="3")
    giulia.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={})
    anna.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={})

    response = _edit(manager, event_id, day, capacity="1")
    assert response.status_code == 422
    assert "2 persone hanno già un posto: lascia almeno 2 posti." in response.get_data(as_text=True)


def test_a_manager_of_another_cooperative_cannot_change_the_day(app, coops, login):
    manager, other = app.test_client(), app.test_client()
    login(coops.manager, manager)
    login(coops.manager_b, other)
    event_id, day = _create_day(manager, coops)
    assert other.get(f"/gestione/welfare-day/{event_id}/modifica").status_code == 404
    assert _edit(other, event_id, day, place="Altrove").status_code == 404
