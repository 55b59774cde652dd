"""Opening a lab, writing cards, pseudonymity, paper cards, similar cards, personal details."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import AuditEntry, Lab, LabCard, LabSupport


def _lab_form(org_ids, **overrides):
    data = {
        "title": "Tempo per la famiglia",
        "question": "Che cosa rende difficile conciliare lavoro e famiglia?",
        "organizations": [str(i) for i in org_ids],
        "collect_from": "2026-12-03",
        "merge_from": "2026-12-10",
        "vote_from": "2026-12-17",
        "outcome_from": "2026-12-24",
        "dots_per_person": "5",
    }
    data.update(overrides)
    return data


def test_manager_opens_a_lab_for_a_cooperative_they_follow(app, people, client_for):
    manager = client_for(people.manager)
    response = manager.post("/laboratori/nuovo", data=_lab_form([people.org_a]))
    assert response.status_code == 302
    with app.app_context():
        lab = db.session.scalar(select(Lab))
        assert [org.id for org in lab.organizations] == [people.org_a]
        assert response.headers["Location"] == f"/laboratori/{lab.id}/gestione"
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "labs.created"))


def test_manager_cannot_open_a_lab_for_a_cooperative_they_do_not_follow(app, people, client_for):
    manager = client_for(people.manager)
    response = manager.post("/laboratori/nuovo", data=_lab_form([people.org_a, people.org_b]))
    assert response.status_code == 422
    assert "solo per le cooperative che segui" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Lab.id))) == 0


def test_phases_out_of_order_are_refused_with_a_message(app, people, client_for):
    manager = client_for(people.manager)
    response = manager.post(
        "/laboratori/nuovo", data=_lab_form([people.org_a], vote_from="2026-12-01")
    )
    assert response.status_code == 422
    assert "Le fasi devono susseguirsi nel tempo" in response.get_data(as_text=True)


def test_workers_of_the_lab_cooperative_write_cards_others_get_404(
    app, people, make_lab, client_for
):
    lab_id = make_lab()
    card = {"kind": "need", "topic": "childcare", "text": "Il nido chiude troppo presto."}
    worker = client_for(people.workers[1])
    response = worker.post(f"/laboratori/{lab_id}/schede", data=card)
    assert response.status_code == 302
    assert "Il nido chiude troppo presto." in worker.get(f"/laboratori/{lab_id}").get_data(
        as_text=True
    )
    stranger = client_for(people.worker_b)
    assert stranger.get(f"/laboratori/{lab_id}").status_code == 404
    assert stranger.post(f"/laboratori/{lab_id}/schede", data=card).status_code == 404
    assert client_for(people.trainer).get(f"/laboratori/{lab_id}").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(LabCard.id))) == 1


def test_the_author_is_never_shown_unless_they_sign(app, people, make_lab, client_for):
    lab_id = make_lab()
    giulia = client_for(people.workers[0])
    giulia.post(
        f"/laboratori/{lab_id}/schede",
        data={"kind": "need", "topic": "time", "text": "I turni cambiano all'ultimo."},
    )
    manager = client_for(people.manager)
    for page in (
        client_for(people.workers[1]).get(f"/laboratori/{lab_id}"),
        manager.get(f"/laboratori/{lab_id}"),
        manager.get(f"/laboratori/{lab_id}/gestione"),
    ):
        html = page.get_data(as_text=True)
        assert "I turni cambiano all" in html
        assert "Giulia" not in html and "Rossi" not in html
        assert "Non firmata" in html
    giulia.post(
        f"/laboratori/{lab_id}/schede",
        data={"kind": "resource", "topic": "transport", "text": "Offro passaggi.", "signed": "y"},
    )
    html = manager.get(f"/laboratori/{lab_id}/gestione").get_data(as_text=True)
    assert "Firmata: Giulia" in html and "Rossi" not in html


def test_manager_types_in_a_paper_card_with_the_reason_audited(app, people, make_lab, client_for):
    lab_id = make_lab()
    manager = client_for(people.manager)
    response = manager.post(
        f"/laboratori/{lab_id}/schede-cartacee",
        data={
            "paper-kind": "need",
            "paper-topic": "care",
            "paper-text": "Serve aiuto per assistere i genitori anziani.",
            "paper-people": "3",
            "paper-reason": "Welfare day 12/11, la persona non ha lo smartphone",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        card = db.session.scalar(select(LabCard))
        assert card.author_id is None and card.entered_by_id == people.manager
        assert card.anonymous_supporters == 3
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "labs.paper_card"))
        assert entry.actor_id == people.manager
        assert "la persona non ha lo smartphone" in entry.detail
    html = client_for(people.workers[1]).get(f"/laboratori/{lab_id}").get_data(as_text=True)
    assert "Serve aiuto per assistere i genitori anziani." in html
    assert "Raccolta su carta" in html


def test_a_paper_card_without_a_reason_is_refused(app, people, make_lab, client_for):
    lab_id = make_lab()
    response = client_for(people.manager).post(
        f"/laboratori/{lab_id}/schede-cartacee",
        data={
            "paper-kind": "need",
            "paper-topic": "care",
            "paper-text": "Testo",
            "paper-people": "1",
        },
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(LabCard.id))) == 0


def test_a_similar_card_is_offered_before_a_new_one_is_added(
    app, people, make_lab, make_card, client_for
):
    lab_id = make_lab()
    existing = make_card(lab_id, "L'asilo nido costa troppo e non ha posti", people.workers[2])
    worker = client_for(people.workers[1])
    typed = {"kind": "need", "topic": "childcare", "text": "asilo nido troppo caro"}
    page = worker.post(f"/laboratori/{lab_id}/schede", data=typed)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "L&#39;asilo nido costa troppo e non ha posti" in html
    assert f"/laboratori/{lab_id}/schede/{existing}/sostegno" in html
    assert "Sostieni questa invece" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(LabCard.id))) == 1
    # "Support this instead": a +1 and no new card.
    worker.post(f"/laboratori/{lab_id}/schede/{existing}/sostegno", data={"support": "1"})
    with app.app_context():
        assert db.session.scalar(select(LabSupport.user_id)) == people.workers[1]
    # Or send it anyway, from the confirmation step.
    assert (
        worker.post(f"/laboratori/{lab_id}/schede", data={**typed, "confirmed": "all"}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(LabCard.id))) == 2


def test_the_live_check_returns_similar_cards_and_warnings(
    app, people, make_lab, make_card, client_for
):
    lab_id = make_lab()
    make_card(lab_id, "Gli orari dei turni cambiano all'ultimo momento")
    worker = client_for(people.workers[1])
    url = f"/laboratori/{lab_id}/controllo"
    response = worker.post(url, data={"testo": "turni cambiati ultimo momento"})
    data = json.loads(response.data)
    assert [card["text"] for card in data["similar"]] == [
        "Gli orari dei turni cambiano all'ultimo momento"
    ]
    assert data["warnings"] == []
    unrelated = worker.post(url, data={"testo": "trasporto pubblico notturno"})
    assert json.loads(unrelated.data)["similar"] == []
    warned = worker.post(url, data={"testo": "scrivete a mario@example.org"})
    assert "indirizzo e-mail" in json.loads(warned.data)["warnings"][0]


def test_phone_numbers_and_emails_are_refused_on_submit(app, people, make_lab, client_for):
    lab_id = make_lab()
    worker = client_for(people.workers[1])
    for text in ("Chiamatemi al 333 123 4567", "Scrivete a anna.neri@example.org"):
        response = worker.post(
            f"/laboratori/{lab_id}/schede", data={"kind": "need", "topic": "other", "text": text}
        )
        assert response.status_code == 422
        assert "letta da molte persone" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(LabCard.id))) == 0


def test_a_name_next_to_health_words_asks_for_a_check(app, people, make_lab, client_for):
    lab_id = make_lab()
    worker = client_for(people.workers[1])
    typed = {"kind": "need", "topic": "health", "text": "La mia collega Maria è malata da mesi"}
    response = worker.post(f"/laboratori/{lab_id}/schede", data=typed)
    assert response.status_code == 200
    assert "il nome di una persona insieme alla sua salute" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(LabCard.id))) == 0


def test_personal_details_patterns():
    from elearn.labs.services import personal_details

    assert personal_details("Mia madre è malata e nessuno mi aiuta") == []
    assert personal_details("Il nido chiude alle 16, servono 2 ore in più") == []
    assert personal_details("il tumore di Giulia") == ["name_health"]
    assert personal_details("Call +39 02 1234 5678") == ["phone"]
    assert personal_details("mail: a.b@coop.it") == ["email"]


def test_cards_are_written_only_while_collecting(app, people, make_lab, client_for):
    lab_id = make_lab(phase="merge")
    response = client_for(people.workers[1]).post(
        f"/laboratori/{lab_id}/schede", data={"kind": "need", "topic": "other", "text": "Testo"}
    )
    assert response.status_code == 422
    assert "solo mentre il laboratorio le raccoglie" in response.get_data(as_text=True)


def test_worker_menu_shows_labs_only_when_one_is_running(app, people, make_lab, client_for):
    worker = client_for(people.workers[1])
    assert ">Laboratori<" not in worker.get("/").get_data(as_text=True)
    make_lab(phase="collect", title="Tempo per la famiglia")
    home = worker.get("/").get_data(as_text=True)
    assert ">Laboratori<" in home and "Tempo per la famiglia" in home
    assert ">Laboratori<" in client_for(people.manager).get("/").get_data(as_text=True)
    assert ">Laboratori<" not in client_for(people.worker_b).get("/").get_data(as_text=True)


def test_a_person_cannot_flood_the_board(app, people, make_lab, make_card, client_for):
    from elearn.labs.services import MAX_CARDS_PER_PERSON

    lab_id = make_lab()
    for n in range(MAX_CARDS_PER_PERSON):
        make_card(lab_id, f"Scheda numero {n}", people.workers[1])
    response = client_for(people.workers[1]).post(
        f"/laboratori/{lab_id}/schede",
        data={"kind": "need", "topic": "other", "text": "Ancora una", "confirmed": "all"},
    )
    assert response.status_code == 422
    assert "Hai già scritto 20 schede" in response.get_data(as_text=True)
