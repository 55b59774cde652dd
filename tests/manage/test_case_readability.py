"""The case file reads like a page for people: labels apart from values, no seconds, no raw keys,
and counts of one in the singular."""

from __future__ import annotations

import html
import re

from elearn.extensions import db


def visible_text(page: str) -> str:
    """The text a browser lays out, tags removed without adding spaces (like textContent)."""
    body = page.split("<main", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def _attach(app, request_id: int, worker: int, simulator: str, name: str, inputs: dict) -> None:
    from elearn.models import RequestScenario, SavedScenario

    with app.app_context():
        scenario = SavedScenario(user_id=worker, simulator=simulator, name=name, inputs=inputs)
        db.session.add(scenario)
        db.session.flush()
        db.session.add(RequestScenario(request_id=request_id, scenario_id=scenario.id))
        db.session.commit()


def test_shared_results_keep_the_label_apart_from_the_value(
    app, client, coops, login, make_request
):
    request_id = make_request(coops.worker)
    loan = {"principal": 10000.0, "annual_rate": 7.5, "months": 60}
    _attach(app, request_id, coops.worker, "loan", "Auto nuova", loan)
    login(coops.manager)
    text = visible_text(client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True))
    assert "Rata mensile200" not in text
    assert re.search(r"Rata mensile:\s+200,38\xa0€", text)


def test_case_times_show_hours_and_minutes_without_seconds(app, client, coops, login, make_request):
    request_id = make_request(coops.worker)
    login(coops.manager)
    text = visible_text(client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True))
    assert re.search(r"\b\d{1,2}:\d{2}\b", text)  # the request's time is there
    assert not re.search(r"\d{1,2}:\d{2}:\d{2}", text)


def test_the_simulator_and_its_inputs_are_named_for_people(app, client, coops, login, make_request):
    request_id = make_request(coops.worker, context_simulator="loan")
    offers = [
        {"principal": 10000, "annual_rate": 6.9, "months": 60, "upfront_fees": 300},
        {"principal": 10000, "annual_rate": 7.9, "months": 60, "upfront_fees": 0},
    ]
    _attach(app, request_id, coops.worker, "loan-compare", "Due banche", {"offers": offers})
    login(coops.manager)
    page = client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    text = visible_text(page)
    assert re.search(r"Chiesta da\s+Simulatore: Prestito", text)
    assert not re.search(r"\bloan\b", text)
    assert re.search(r"Offerta 1: Spese iniziali \(€\):\s+300", text)
    assert re.search(r"Offerta 2: TAN \(%\):\s+7,9", text)
    assert re.search(r"Offerta 1: Importo \(€\):\s+10\.000\b", text)
    assert "upfront_fees" not in text and "annual_rate" not in text


def test_the_course_and_module_asked_from_are_named_by_their_titles(
    app, client, coops, login, make_request, course
):
    request_id = make_request(
        coops.worker, context_course_slug="prova", context_module_slug="01-spese"
    )
    login(coops.manager)
    text = visible_text(client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True))
    assert re.search(r"Chiesta da\s+Corso di prova · Le spese", text)
    assert "01-spese" not in text


def test_one_saved_scenario_is_counted_in_the_singular(app, client, make_user, login):
    from elearn.models import SavedScenario

    worker = make_user("worker")
    with app.app_context():
        db.session.add(SavedScenario(user_id=worker, simulator="loan", name="Mio", inputs={}))
        db.session.commit()
    login(worker)
    text = visible_text(client.get("/simulatori/scenari").get_data(as_text=True))
    assert re.search(r"Hai salvato 1 scenario su \d+", text)
    assert not re.search(r"\b1 scenari\b", text)


def test_the_free_slots_to_book_show_the_day_in_full(
    app, client, coops, login, make_request, make_slot
):
    from datetime import UTC, datetime

    request_id = make_request(coops.worker)
    make_slot(coops.point_a, coops.manager, datetime(2099, 12, 3, 9, 0, tzinfo=UTC))
    login(coops.manager)
    page = client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    option = re.search(r'<select[^>]*name="slot".*?</select>', page, flags=re.S).group(0)
    assert "giovedì 3 dicembre 2099, 10:00" in html.unescape(option)
