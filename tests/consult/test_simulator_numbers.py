""" "Talk to the Welfare Manager about this" carries the numbers on the simulator's screen into
the request, without saving a scenario; the worker can leave them out (issue 15)."""

from __future__ import annotations

import re

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import ConsultationRequest, SavedScenario

LOAN = {"principal": "12000", "annual_rate": "6.5", "months": "48"}


def _consult_form(page: str) -> tuple[str, dict[str, str]]:
    """The action and the hidden fields of the simulator page's "talk to the manager" form."""
    form = re.search(
        r'<form method="post" action="([^"]+)"[^>]*data-consult-form>(.*?)</form>', page, re.S
    )
    assert form is not None, "no form carrying the numbers on the simulator page"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)))
    fields.pop("csrf_token", None)
    return form.group(1).replace("&amp;", "&"), fields


def _hidden_numbers(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(in-[^"]+)" value="([^"]*)"', page))


def _ask(client, coops, fields: dict[str, str], **extra: str):
    return client.post(
        "/consulenza/nuova",
        data={
            **fields,
            "topic": "credit",
            "description": "Questa rata è sostenibile?",
            "channel": "phone",
            **extra,
        },
    )


def test_the_numbers_on_the_simulator_reach_the_managers_case_file_without_a_saved_scenario(
    app, coops, login
):
    worker, manager = app.test_client(), app.test_client()
    login(coops.worker, worker)
    login(coops.manager, manager)
    page = worker.get("/simulatori/prestito", query_string=LOAN).get_data(as_text=True)
    action, fields = _consult_form(page)
    assert fields["in-principal"] == "12000"

    opened = worker.post(action, data=fields)
    assert opened.status_code == 200
    form_page = opened.get_data(as_text=True)
    assert "I tuoi numeri dal simulatore: Prestito" in form_page
    assert "Invia questi numeri con la mia richiesta" in form_page
    assert "Rata mensile" in form_page  # the result the worker saw, as a summary
    carried = _hidden_numbers(form_page)
    assert carried["in-principal"] == "12000"

    sent = _ask(worker, coops, {"simulator": "loan", **carried}, attach_numbers="y")
    assert sent.status_code == 302, sent.get_data(as_text=True)
    with app.app_context():
        request = db.session.scalar(select(ConsultationRequest))
        assert request.context_simulator == "loan"
        assert request.context_inputs["principal"] == 12000
        assert db.session.scalar(select(SavedScenario.id)) is None
        request_id = request.id
    case = manager.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    section = case.split("I numeri sul simulatore quando il lavoratore ha chiesto", 1)[1]
    assert "Quanto chiedi in prestito (€)" in section  # the simulator form's own label
    assert "12.000" in section
    assert "Rata mensile" in section


def test_a_worker_who_unticks_the_numbers_sends_the_request_without_them(app, coops, login):
    worker, manager = app.test_client(), app.test_client()
    login(coops.worker, worker)
    login(coops.manager, manager)
    page = worker.get("/simulatori/prestito", query_string=LOAN).get_data(as_text=True)
    action, fields = _consult_form(page)
    carried = _hidden_numbers(worker.post(action, data=fields).get_data(as_text=True))

    sent = _ask(worker, coops, {"simulator": "loan", **carried})  # checkbox left unticked
    assert sent.status_code == 302
    with app.app_context():
        request = db.session.scalar(select(ConsultationRequest))
        assert request.context_inputs is None
        request_id = request.id
    case = manager.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    assert "I numeri sul simulatore quando il lavoratore ha chiesto" not in case


def test_numbers_that_do_not_hold_are_left_out_not_stored(app, coops, login):
    worker = app.test_client()
    login(coops.worker, worker)
    opened = worker.post(
        "/consulenza/nuova",
        data={"carry": "1", "simulator": "loan", "in-principal": "-5", "in-months": "x"},
    )
    assert opened.status_code == 200
    assert "I tuoi numeri dal simulatore" not in opened.get_data(as_text=True)
    sent = _ask(worker, coops, {"simulator": "loan", "in-principal": "-5"}, attach_numbers="y")
    assert sent.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ConsultationRequest.context_inputs)) is None
