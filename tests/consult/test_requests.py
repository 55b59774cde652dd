"""Workers ask the Welfare Manager, follow their requests, share and revoke, see their pathway."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from elearn.consult.pathway import pathway_for
from elearn.extensions import db
from elearn.models import (
    AuditEntry,
    CaseNote,
    ConsultationRequest,
    ModuleProgress,
    OutboxMessage,
    PathwayItem,
    RequestScenario,
    SavedScenario,
)
from elearn.models.base import utcnow


def _scenario(app, user_id, name="Auto nuova"):
    with app.app_context():
        scenario = SavedScenario(
            user_id=user_id,
            simulator="loan",
            name=name,
            inputs={"principal": 10000.0, "annual_rate": 7.5, "months": 60},
        )
        db.session.add(scenario)
        db.session.commit()
        return scenario.id


def _form(**overrides):
    data = {
        "topic": "credit",
        "description": "Devo cambiare l'auto e non so se conviene il prestito.",
        "channel": "phone",
        "preferred_times": "Martedì mattina",
    }
    data.update(overrides)
    return data


def test_a_simulator_result_prefills_the_topic_and_attaches_the_scenario(app, client, coops, login):
    scenario_id = _scenario(app, coops.worker)
    login(coops.worker)
    page = client.get(f"/consulenza/nuova?simulator=loan&scenario={scenario_id}").get_data(
        as_text=True
    )
    assert "Parla con il Welfare Manager" in page
    assert '<option selected value="credit">' in page
    assert (
        f'checked id="scenarios-0" name="scenarios" type="checkbox" value="{scenario_id}"' in page
    )

    response = client.post(
        "/consulenza/nuova",
        data=_form(simulator="loan", scenarios=str(scenario_id), share_progress="y"),
    )
    assert response.status_code == 302
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Devo cambiare l&#39;auto" in detail
    assert "Auto nuova" in detail
    assert "Il Welfare Manager ti risponderà presto" in detail
    with app.app_context():
        consultation = db.session.scalar(select(ConsultationRequest))
        assert consultation.context_simulator == "loan"
        assert consultation.share_progress is True
        assert consultation.organization_id == coops.org_a
        assert db.session.scalar(select(RequestScenario.scenario_id)) == scenario_id


def test_a_module_end_link_names_the_module_and_bad_params_are_ignored(client, coops, login):
    login(coops.worker)
    page = client.get("/consulenza/nuova?course=nope&module=x&simulator=evil&scenario=abc")
    assert page.status_code == 200
    assert "Riguarda:" not in page.get_data(as_text=True)


def test_bad_input_gets_italian_errors_and_422(app, client, coops, login):
    login(coops.worker)
    response = client.post("/consulenza/nuova", data=_form(topic="", description="x" * 1001))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Usa al massimo 1000 caratteri." in page
    assert "Scegli un argomento." in page
    response = client.post("/consulenza/nuova", data=_form(channel="in_person", social_point="999"))
    assert response.status_code == 422
    assert "Scegli un Social point della tua cooperativa." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ConsultationRequest.id)) is None


def test_another_workers_scenario_cannot_be_attached(app, client, coops, login):
    foreign = _scenario(app, coops.other_worker, "Di Anna")
    login(coops.worker)
    page = client.get(f"/consulenza/nuova?scenario={foreign}").get_data(as_text=True)
    assert "Di Anna" not in page
    response = client.post("/consulenza/nuova", data=_form(scenarios=str(foreign)))
    assert response.status_code == 422
    assert "Puoi allegare solo le tue simulazioni salvate." in response.get_data(as_text=True)


def test_a_worker_gets_404_for_another_workers_request(client, coops, login, make_request):
    other = make_request(coops.other_worker)
    login(coops.worker)
    assert client.get(f"/consulenza/richieste/{other}").status_code == 404
    for action in ("messaggi", "annulla", "sposta", "condivisione"):
        response = client.post(f"/consulenza/richieste/{other}/{action}", data={"body": "ciao"})
        assert response.status_code == 404, action


def test_trainers_and_managers_cannot_open_worker_pages(client, coops, login, make_request):
    request_id = make_request(coops.worker)
    login(coops.trainer)
    assert client.get("/consulenza/nuova").status_code == 403
    assert client.get(f"/consulenza/richieste/{request_id}").status_code == 403
    assert client.get("/gestione/").status_code == 403
    assert client.get(f"/gestione/richieste/{request_id}").status_code == 403


def test_the_worker_lists_requests_writes_and_cancels(app, client, coops, login, make_request):
    request_id = make_request(coops.worker, status="waiting")
    login(coops.worker)
    page = client.get("/consulenza/").get_data(as_text=True)
    assert "Bilancio familiare" in page
    assert "Il Welfare Manager aspetta una tua risposta" in page
    response = client.post(
        f"/consulenza/richieste/{request_id}/messaggi", data={"body": "Eccomi, grazie!"}
    )
    assert response.status_code == 302
    page = client.get(f"/consulenza/richieste/{request_id}").get_data(as_text=True)
    assert "Eccomi, grazie!" in page
    with app.app_context():
        assert db.session.get(ConsultationRequest, request_id).status == "new"
    assert (
        client.post(f"/consulenza/richieste/{request_id}/messaggi", data={"body": ""}).status_code
        == 422
    )

    client.post(f"/consulenza/richieste/{request_id}/annulla", data={})
    page = client.get(f"/consulenza/richieste/{request_id}").get_data(as_text=True)
    assert "Hai annullato questa richiesta." in page
    with app.app_context():
        assert db.session.get(ConsultationRequest, request_id).status == "closed"


def test_sharing_progress_is_revocable_from_the_request_page(
    app, client, coops, login, make_request
):
    request_id = make_request(coops.worker, share_progress=True)
    login(coops.worker)
    page = client.get(f"/consulenza/richieste/{request_id}").get_data(as_text=True)
    assert "Smetti di condividere i miei progressi" in page
    client.post(f"/consulenza/richieste/{request_id}/condivisione", data={"share": "0"})
    with app.app_context():
        assert db.session.get(ConsultationRequest, request_id).share_progress is False

    manager = app.test_client()
    login(coops.manager, manager)
    case = manager.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    assert "non ha scelto di condividere i suoi progressi" in case


def test_pathway_modules_tick_off_with_the_workers_own_progress(
    app, client, coops, login, make_request
):
    request_id = make_request(coops.worker)
    with app.app_context():
        db.session.add_all(
            [
                PathwayItem(
                    worker_id=coops.worker,
                    request_id=request_id,
                    kind="module",
                    course_slug="bilancio",
                    module_slug="01-entrate",
                ),
                PathwayItem(
                    worker_id=coops.worker,
                    request_id=request_id,
                    kind="action",
                    title="Porta le ultime tre buste paga",
                    due_date=(utcnow() + timedelta(days=7)).date(),
                ),
                # Someone else finishing the module ticks nothing for our worker.
                ModuleProgress(
                    user_id=coops.other_worker,
                    course_slug="bilancio",
                    module_slug="01-entrate",
                    completed_at=utcnow(),
                ),
            ]
        )
        db.session.commit()
        with app.test_request_context():
            assert [item.done for item in pathway_for(coops.worker)] == [False, False]
        db.session.add(
            ModuleProgress(
                user_id=coops.worker,
                course_slug="bilancio",
                module_slug="01-entrate",
                completed_at=utcnow(),
            )
        )
        db.session.commit()
        with app.test_request_context():
            items = pathway_for(coops.worker)
        action_id = next(item.id for item in items if item.kind == "action")
        assert [(item.kind, item.done) for item in items] == [("action", False), ("module", True)]

    login(coops.worker)
    page = client.get(f"/consulenza/richieste/{request_id}").get_data(as_text=True)
    assert "Porta le ultime tre buste paga" in page
    client.post(f"/consulenza/percorso/{action_id}", data={"share": "1", "request_id": request_id})
    with app.app_context(), app.test_request_context():
        assert all(item.done for item in pathway_for(coops.worker))

    intruder = app.test_client()
    login(coops.other_worker, intruder)
    assert (
        intruder.post(f"/consulenza/percorso/{action_id}", data={"share": "0"}).status_code == 404
    )


def test_notes_never_reach_the_worker_and_every_read_is_audited(
    app, client, coops, login, make_request, smtp_app, smtp_server
):
    request_id = make_request(coops.worker)
    manager = app.test_client()
    login(coops.manager, manager)
    manager.post(
        f"/gestione/richieste/{request_id}/note", data={"note": "Debito segreto con Tizio"}
    )
    manager.post(
        f"/gestione/richieste/{request_id}/messaggi",
        data={"body": "Puoi portare il contratto?", "wait_for_worker": "y"},
    )
    case = manager.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    assert "Debito segreto con Tizio" in case

    login(coops.worker)
    for url in ("/consulenza/", f"/consulenza/richieste/{request_id}"):
        page = client.get(url).get_data(as_text=True)
        assert "Debito segreto" not in page
        assert "Puoi portare il contratto?" in page or url == "/consulenza/"
    with app.app_context():
        bodies = " ".join(
            m.body_text + m.subject for m in db.session.scalars(select(OutboxMessage))
        )
        assert "Debito segreto" not in bodies
        reads = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "case_notes.read")
        ).all()
        # The redirects after posting and the final look: each page view is one logged read.
        assert len(reads) >= 1
        assert all(r.actor_id == coops.manager and r.subject_user_id == coops.worker for r in reads)
        assert db.session.scalar(select(CaseNote.body)) == "Debito segreto con Tizio"


def _mails(app):
    with app.app_context():
        return [
            (m.recipient, m.subject, m.body_text)
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def test_managers_hear_of_a_new_request_without_its_private_content(
    app, client, coops, login, make_user
):
    second = make_user("manager", org_id=coops.org_a, email="elena@example.org", name="Elena B")
    assert second
    login(coops.worker)
    response = client.post(
        "/consulenza/nuova",
        data=_form(description="Ho un debito con la finanziaria e mio figlio ha la 104."),
    )
    assert response.status_code == 302
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    mails = _mails(app)
    # Both managers of cooperative A, not the manager of cooperative B.
    assert sorted(m[0] for m in mails) == ["elena@example.org", "sara@example.org"]
    recipient, subject, body = mails[0]
    assert subject == f"Nuova richiesta di consulenza n. {request_id}"
    assert f"/gestione/richieste/{request_id}" in body and "Cooperativa A" in body
    # The worker's name, topic and words stay behind the login.
    for private in ("Giulia", "Rossi", "debito", "104", "credit", "Credito"):
        assert private not in subject + body


def test_the_assigned_manager_hears_of_messages_cancellation_and_reschedule(
    app, client, coops, login, make_user, make_request
):
    make_user("manager", org_id=coops.org_a, email="elena@example.org")
    request_id = make_request(coops.worker, assigned_manager_id=coops.manager)
    login(coops.worker)
    client.post(f"/consulenza/richieste/{request_id}/messaggi", data={"body": "Grazie!"})
    client.post(f"/consulenza/richieste/{request_id}/annulla", data={})
    mails = _mails(app)
    assert [(m[0], m[1]) for m in mails] == [
        ("sara@example.org", f"Nuovo messaggio sulla richiesta n. {request_id}"),
        (
            "sara@example.org",
            f"La richiesta n. {request_id} è stata annullata da chi l'aveva fatta",
        ),
    ]
    assert "Grazie" not in mails[0][2]


def test_asking_to_move_with_no_appointment_says_so(app, client, coops, login, make_request):
    request_id = make_request(coops.worker)
    login(coops.worker)
    response = client.post(f"/consulenza/richieste/{request_id}/sposta", data={"reason": "x"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "nessun appuntamento da spostare" in page
