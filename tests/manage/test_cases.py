"""Welfare Managers: queue, case file, booking (never twice), e-mail with .ics, reminders, stats."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import func, select

from elearn.consult.reminders import send_reminders
from elearn.extensions import db
from elearn.models import (
    Appointment,
    AppointmentSlot,
    ConsultationRequest,
    OutboxMessage,
    PathwayItem,
)
from elearn.models.base import utcnow
from tests.consult.conftest import deliver

ROME = ZoneInfo("Europe/Rome")


def _table(page: str) -> str:
    """The queue table, without the filter form (which names every topic)."""
    return page.split("<table", 1)[1] if "<table" in page else ""


def _ics_event(message):
    attachment = next(part for part in message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    return next(iter(calendar.walk("VEVENT")))


def test_the_queue_shows_only_the_managers_organizations(app, client, coops, login, make_request):
    make_request(coops.worker, topic="debts")
    foreign = make_request(coops.worker_b, description="Segreto di B")
    login(coops.manager)
    page = _table(client.get("/gestione/").get_data(as_text=True))
    assert "Giulia Rossi" in page
    assert "Debiti" in page
    assert "Bruno Verdi" not in page
    assert client.get(f"/gestione/richieste/{foreign}").status_code == 404
    for action in ("assegna", "messaggi", "note", "prenota", "chiudi", "riapri", "percorso"):
        assert client.post(f"/gestione/richieste/{foreign}/{action}", data={}).status_code == 404


def test_queue_filters_by_status_topic_and_assignment(app, client, coops, login, make_request):
    make_request(coops.worker, topic="debts")
    make_request(coops.other_worker, topic="savings", status="closed")
    make_request(coops.other_worker, topic="credit", assigned_manager_id=coops.manager)
    login(coops.manager)
    open_page = _table(client.get("/gestione/").get_data(as_text=True))
    assert "Debiti" in open_page and "Risparmio" not in open_page
    closed = _table(client.get("/gestione/?status=closed").get_data(as_text=True))
    assert "Anna Neri" in closed and "Giulia Rossi" not in closed
    mine = _table(client.get("/gestione/?assigned=me").get_data(as_text=True))
    assert "Credito e prestiti" in mine and "Debiti" not in mine
    filtered = _table(client.get("/gestione/?topic=debts&status=bogus").get_data(as_text=True))
    assert "Debiti" in filtered and "Credito" not in filtered


def test_booking_emails_the_worker_an_ics_through_smtp(
    app, client, coops, login, make_request, make_slot, smtp_app, smtp_server
):
    request_id = make_request(coops.worker)
    starts = datetime.combine(utcnow().date() + timedelta(days=4), time(9, 30), tzinfo=ROME)
    slot_id = make_slot(coops.point_a, coops.manager, starts)
    login(coops.manager)
    case = client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    assert "Punto 1" in case
    response = client.post(
        f"/gestione/richieste/{request_id}/prenota", data={"slot": slot_id, "channel": "in_person"}
    )
    assert response.status_code == 302
    deliver(app)
    [message] = smtp_server.messages
    assert message["To"] == "giulia@example.org"
    assert message["Subject"] == "Il tuo appuntamento con il Welfare Manager"
    event = _ics_event(message)
    assert event.decoded("dtstart") == starts
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Rome"
    assert str(event["summary"]) == "Incontro con il Welfare Manager"
    assert str(event["location"]) == "Punto 1, Via Roma 1, Milano"

    worker = app.test_client()
    login(coops.worker, worker)
    page = worker.get(f"/consulenza/richieste/{request_id}").get_data(as_text=True)
    assert "Il tuo appuntamento" in page and "Via Roma 1, Milano" in page


def test_a_slot_is_never_booked_twice_even_by_two_managers_at_once(
    app, coops, login, make_user, make_request, make_slot
):
    second_manager = make_user("manager", org_id=coops.org_a, managed=[coops.org_a])
    first = make_request(coops.worker)
    second = make_request(coops.other_worker)
    slot_id = make_slot(coops.point_a, coops.manager)
    clients = [app.test_client(), app.test_client()]
    login(coops.manager, clients[0])
    login(second_manager, clients[1])
    tokens = [c.csrf_token() for c in clients]
    barrier = threading.Barrier(2)
    results: list[tuple[int, str]] = []

    def book(index: int, request_id: int) -> None:
        barrier.wait()
        response = clients[index].post(
            f"/gestione/richieste/{request_id}/prenota",
            data={"slot": slot_id, "channel": "phone", "csrf_token": tokens[index]},
        )
        results.append((response.status_code, response.get_data(as_text=True)))

    threads = [
        threading.Thread(target=book, args=(0, first)),
        threading.Thread(target=book, args=(1, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _ in results)
    assert statuses == [302, 409], statuses
    loser_page = next(page for status, page in results if status == 409)
    assert "Qualcun altro ha appena prenotato questa fascia" in loser_page
    with app.app_context():
        assert db.session.scalar(select(func.count(Appointment.id))) == 1
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
        statuses_now = sorted(
            db.session.scalars(
                select(ConsultationRequest.status).where(
                    ConsultationRequest.id.in_([first, second])
                )
            )
        )
        assert statuses_now == ["new", "scheduled"]


def test_booking_a_taken_slot_again_is_refused_with_a_clear_message(
    app, client, coops, login, make_request, make_slot
):
    first = make_request(coops.worker)
    second = make_request(coops.other_worker)
    slot_id = make_slot(coops.point_a, coops.manager)
    login(coops.manager)
    client.post(f"/gestione/richieste/{first}/prenota", data={"slot": slot_id, "channel": "phone"})
    response = client.post(
        f"/gestione/richieste/{second}/prenota", data={"slot": slot_id, "channel": "phone"}
    )
    assert response.status_code == 409
    assert "Qualcun altro ha appena prenotato" in response.get_data(as_text=True)
    # A slot of another cooperative cannot be booked at all.
    foreign_slot = make_slot(coops.point_b, coops.manager_b)
    response = client.post(
        f"/gestione/richieste/{second}/prenota", data={"slot": foreign_slot, "channel": "phone"}
    )
    assert response.status_code == 409
    assert "Questa fascia non è disponibile" in response.get_data(as_text=True)


def test_reminders_go_out_once_the_day_before(
    app, runner, coops, login, make_request, make_slot, smtp_app, smtp_server
):
    tomorrow = utcnow().astimezone(ROME).date() + timedelta(days=1)
    soon = make_slot(coops.point_a, coops.manager, datetime.combine(tomorrow, time(15), ROME))
    later = make_slot(
        coops.point_a, coops.manager, datetime.combine(tomorrow + timedelta(days=3), time(9), ROME)
    )
    client = app.test_client()
    login(coops.manager, client)
    for worker, slot in ((coops.worker, soon), (coops.other_worker, later)):
        request_id = make_request(worker)
        client.post(
            f"/gestione/richieste/{request_id}/prenota", data={"slot": slot, "channel": "phone"}
        )
    deliver(app)
    smtp_server.messages.clear()

    first = runner.invoke(args=["consult", "remind"])
    assert first.exit_code == 0, first.output
    assert "1 appointments" in first.output
    second = runner.invoke(args=["consult", "remind"])
    assert "0 appointments" in second.output
    deliver(app)
    [reminder] = smtp_server.messages
    assert reminder["To"] == "giulia@example.org"
    assert reminder["Subject"] == "Promemoria: domani incontri il Welfare Manager"
    assert _ics_event(reminder).decoded("dtstart") == datetime.combine(tomorrow, time(15), ROME)
    with app.app_context():
        assert send_reminders().appointments == 0


def test_cancel_reschedule_and_close_then_reopen(
    app, client, coops, login, make_request, make_slot
):
    request_id = make_request(coops.worker)
    slot_id = make_slot(coops.point_a, coops.manager)
    login(coops.manager)
    client.post(
        f"/gestione/richieste/{request_id}/prenota", data={"slot": slot_id, "channel": "video"}
    )
    worker = app.test_client()
    login(coops.worker, worker)
    worker.post(f"/consulenza/richieste/{request_id}/sposta", data={"reason": "Giovedì meglio"})
    assert "chiede di spostare" in client.get("/gestione/").get_data(as_text=True)

    response = client.post(f"/gestione/richieste/{request_id}/chiudi", data={"outcome": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Scrivi l'esito." in page
    client.post(
        f"/gestione/richieste/{request_id}/chiudi", data={"outcome": "Piano di rientro concordato"}
    )
    with app.app_context():
        assert db.session.get(ConsultationRequest, request_id).status == "closed"
        # Closing freed the slot.
        assert db.session.scalar(select(Appointment.slot_id)) is None
    assert "Piano di rientro concordato" in worker.get(
        f"/consulenza/richieste/{request_id}"
    ).get_data(as_text=True)
    client.post(f"/gestione/richieste/{request_id}/riapri", data={})
    with app.app_context():
        assert db.session.get(ConsultationRequest, request_id).status == "new"


def test_pathway_items_come_from_the_case_and_bad_ones_are_refused(
    app, client, coops, login, make_request
):
    request_id = make_request(coops.worker)
    login(coops.manager)
    response = client.post(
        f"/gestione/richieste/{request_id}/percorso", data={"module": "no/such", "title": ""}
    )
    assert response.status_code == 422
    assert "Scegli un modulo pubblicato." in response.get_data(as_text=True)
    client.post(
        f"/gestione/richieste/{request_id}/percorso",
        data={"title": "Chiedi il modello ISEE", "due_date": "2030-01-31"},
    )
    with app.app_context():
        item = db.session.scalar(select(PathwayItem))
        assert (item.worker_id, item.title, str(item.due_date)) == (
            coops.worker,
            "Chiedi il modello ISEE",
            "2030-01-31",
        )
    other = app.test_client()
    login(coops.manager_b, other)
    assert (
        other.post(
            f"/gestione/richieste/{request_id}/percorso/{item.id}/elimina", data={}
        ).status_code
        == 404
    )


def test_statistics_suppress_groups_under_five(app, client, coops, login, make_request):
    for _ in range(5):
        make_request(coops.worker, topic="debts")
    for _ in range(2):
        make_request(coops.worker, topic="savings")
    login(coops.manager)
    page = client.get("/gestione/statistiche").get_data(as_text=True)
    assert "Cooperativa A" in page and "Cooperativa B" not in page
    debts_row = page.split("Debiti</th>")[1].split("</tr>")[0]
    assert ">5<" in debts_row.replace(" ", "")
    savings_row = page.split("Risparmio</th>")[1].split("</tr>")[0]
    assert "meno di 5" in savings_row or "fewer than 5" in savings_row
    # 7 requests in all, published as 5: "all topics" minus "debts" no longer gives the 2 away.
    total_row = page.split("Tutti gli argomenti</th>")[1].split("</tr>")[0]
    assert ">5<" in total_row.replace(" ", "")


def test_slots_are_created_listed_per_week_and_kept_to_the_managers_coops(
    app, client, coops, login
):
    login(coops.manager)
    day = utcnow().astimezone(ROME).date() + timedelta(days=7)
    response = client.post(
        "/gestione/calendario/fasce",
        data={
            "point": coops.point_a,
            "day": day.isoformat(),
            "start": "09:00",
            "end": "10:30",
            "minutes": "45",
            "weeks": "2",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(AppointmentSlot.id))) == 4
        slot_id = db.session.scalar(select(AppointmentSlot.id).order_by(AppointmentSlot.id))
    page = client.get(f"/gestione/calendario?week={day.isoformat()}").get_data(as_text=True)
    assert page.count("Punto 1 · Sara Colombo") == 2
    bad = client.post(
        "/gestione/calendario/fasce",
        data={
            "point": coops.point_b,
            "day": day.isoformat(),
            "start": "09:00",
            "end": "08:00",
            "minutes": "45",
            "weeks": "1",
        },
    )
    assert bad.status_code == 422
    assert "Scegli un Social point delle tue organizzazioni." in bad.get_data(as_text=True)
    other = app.test_client()
    login(coops.manager_b, other)
    assert other.post(f"/gestione/calendario/fasce/{slot_id}/elimina", data={}).status_code == 404
    assert client.post(f"/gestione/calendario/fasce/{slot_id}/elimina", data={}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(AppointmentSlot.id))) == 3


def test_the_case_page_shows_shared_simulations_in_words_and_numbers(
    app, client, coops, login, make_request
):
    from elearn.models import RequestScenario, SavedScenario

    request_id = make_request(coops.worker)
    with app.app_context():
        scenario = SavedScenario(
            user_id=coops.worker,
            simulator="loan",
            name="Auto nuova",
            inputs={"principal": 10000.0, "annual_rate": 7.5, "months": 60},
        )
        db.session.add(scenario)
        db.session.flush()
        db.session.add(RequestScenario(request_id=request_id, scenario_id=scenario.id))
        db.session.commit()
    login(coops.manager)
    page = client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    shared = page.split('id="shared-title"', 1)[1]
    assert "Auto nuova" in shared
    assert "<dt>Rata mensile:</dt> <dd>200,38\xa0€</dd>" in shared
    assert "<dt>TAEG:</dt> <dd>7,76\xa0%</dd>" in shared
    assert "<dt>Interessi totali:</dt> <dd>2.022,77\xa0€</dd>" in shared
    assert "installment" not in shared and "total_interest" not in shared  # no raw keys
    href = shared.split('<a href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    opened = client.get(href).get_data(as_text=True)
    assert 'value="10000"' in opened and 'value="7,5"' in opened  # the same numbers


def test_the_module_picker_groups_by_course_with_the_workers_language_first(
    app, client, coops, login, make_request
):
    # Before: one flat list, English modules first, no grouping.
    import re

    from elearn.authoring.services import import_courses
    from elearn.models import User
    from elearn.paths import resource_dir

    with app.app_context():
        import_courses(resource_dir("courses"))
    request_id = make_request(coops.worker)
    login(coops.manager)

    def groups() -> list[str]:
        page = client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
        picker = page.split('name="module"', 1)[1].split("</select>", 1)[0]
        return re.findall(r'<optgroup label="([^"]+)">', picker)

    for language in ("it", "en"):
        with app.app_context():
            db.session.get(User, coops.worker).language = language
            db.session.commit()
        labels = groups()
        tags = [label.rsplit("(", 1)[1].rstrip(")") for label in labels]
        assert {"IT", "EN"} <= set(tags), labels
        first_other = tags.index("EN" if language == "it" else "IT")
        assert set(tags[:first_other]) == {language.upper()}, labels
        assert language.upper() not in tags[first_other:], labels
