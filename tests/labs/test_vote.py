"""Merging, dot voting, hidden results, the ranking with suppression, outcomes, moderation."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import AuditEntry, ErasureRequest, LabCard, LabSupport, LabVote
from tests.labs.conftest import set_phase


def test_publish_count_suppresses_one_to_four_and_rounds_to_five():
    from elearn.labs.services import publish_count

    assert [publish_count(n) for n in (0, 1, 4, 5, 7, 8, 12, 13, 100)] == [
        0,
        None,
        None,
        5,
        5,
        10,
        10,
        15,
        100,
    ]


def _supporters(app, card_id):
    with app.app_context():
        return set(
            db.session.scalars(select(LabSupport.user_id).where(LabSupport.card_id == card_id))
        )


def test_merging_keeps_the_supporters_and_authors_of_both_cards(
    app, people, make_lab, make_card, client_for
):
    w = people.workers
    lab_id = make_lab()
    kept = make_card(lab_id, "Il nido chiude alle 16", w[0])
    merged = make_card(lab_id, "Asilo nido chiuso troppo presto", w[1])
    client_for(w[2]).post(f"/laboratori/{lab_id}/schede/{kept}/sostegno", data={"support": "1"})
    for supporter in (w[2], w[3]):
        client_for(supporter).post(
            f"/laboratori/{lab_id}/schede/{merged}/sostegno", data={"support": "1"}
        )
    manager = client_for(people.manager)
    response = manager.post(f"/laboratori/{lab_id}/schede/{merged}/unisci", data={"target": kept})
    assert response.status_code == 302
    # The author of the merged card and its supporters now support the kept one, once each.
    assert _supporters(app, kept) == {w[1], w[2], w[3]}
    assert _supporters(app, merged) == set()
    with app.app_context():
        card = db.session.get(LabCard, merged)
        assert card.status == "merged" and card.merged_into_id == kept
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "labs.merge"))
    board = client_for(w[4]).get(f"/laboratori/{lab_id}").get_data(as_text=True)
    assert "Asilo nido chiuso troppo presto" not in board
    # The author of the merged card is told where it went.
    own = client_for(w[1]).get(f"/laboratori/{lab_id}").get_data(as_text=True)
    assert "Unita a una scheda simile" in own


def test_a_card_cannot_be_merged_into_a_card_of_another_lab(
    app, people, make_lab, make_card, client_for
):
    lab_id, other_lab = make_lab(), make_lab()
    card = make_card(lab_id, "Uno")
    elsewhere = make_card(other_lab, "Due")
    manager = client_for(people.manager)
    manager.post(f"/laboratori/{lab_id}/schede/{card}/unisci", data={"target": elsewhere})
    with app.app_context():
        assert db.session.get(LabCard, card).status == "visible"


@pytest.fixture
def voting_lab(app, people, make_lab, make_card):
    lab_id = make_lab(phase="vote", dots=5)
    cards = [
        make_card(lab_id, "Nido aperto fino alle 18"),
        make_card(lab_id, "Turni comunicati un mese prima"),
        make_card(lab_id, "Navetta dalla stazione"),
    ]
    return lab_id, cards


def _dots(app, user_id):
    with app.app_context():
        return dict(
            db.session.execute(
                select(LabVote.card_id, LabVote.dots).where(LabVote.user_id == user_id)
            ).all()
        )


def test_dots_are_saved_and_can_be_changed(app, people, voting_lab, client_for):
    lab_id, (a, b, c) = voting_lab
    worker = client_for(people.workers[1])
    page = worker.get(f"/laboratori/{lab_id}/voto").get_data(as_text=True)
    assert "Ti restano 5 bollini." in page
    response = worker.post(f"/laboratori/{lab_id}/voto", data={f"dots-{a}": "3", f"dots-{b}": "2"})
    assert response.status_code == 302
    assert _dots(app, people.workers[1]) == {a: 3, b: 2}
    worker.post(f"/laboratori/{lab_id}/voto", data={f"dots-{a}": "1", f"dots-{b}": "0"})
    assert _dots(app, people.workers[1]) == {a: 1}


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({"a": "3", "b": "3"}, "Hai 5 bollini e ne hai usati 6: togline qualcuno."),
        ({"a": "4"}, "Al massimo 3 bollini su una scheda: distribuiscili."),
        ({"a": "tre"}, "Scegli un numero di bollini da 0 a 3."),
        ({"a": "-1"}, "Scegli un numero di bollini da 0 a 3."),
        ({"a": "99999999999999999999"}, "Scegli un numero di bollini da 0 a 3."),
        ({"unknown": "1"}, "Questa scheda non fa parte del voto."),
    ],
)
def test_dots_over_the_limits_are_refused_with_a_message(
    app, people, voting_lab, client_for, choice, message
):
    lab_id, (a, b, _c) = voting_lab
    ids = {"a": a, "b": b, "unknown": 999999}
    worker = client_for(people.workers[1])
    worker.post(f"/laboratori/{lab_id}/voto", data={f"dots-{a}": "1"})
    response = worker.post(
        f"/laboratori/{lab_id}/voto",
        data={f"dots-{ids[key]}": value for key, value in choice.items()},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _dots(app, people.workers[1]) == {a: 1}  # the earlier vote stands


def test_workers_of_other_cooperatives_cannot_vote(app, people, voting_lab, client_for):
    lab_id, (a, _b, _c) = voting_lab
    stranger = client_for(people.worker_b)
    assert stranger.post(f"/laboratori/{lab_id}/voto", data={f"dots-{a}": "1"}).status_code == 404
    assert _dots(app, people.worker_b) == {}


def test_voting_before_the_vote_phase_is_refused(app, people, make_lab, make_card, client_for):
    lab_id = make_lab(phase="merge")
    card = make_card(lab_id, "Uno")
    response = client_for(people.workers[1]).post(
        f"/laboratori/{lab_id}/voto", data={f"dots-{card}": "1"}
    )
    assert response.status_code == 422
    assert _dots(app, people.workers[1]) == {}


def _vote(client_for, lab_id, voters, allocation):
    for voter in voters:
        response = client_for(voter).post(
            f"/laboratori/{lab_id}/voto",
            data={f"dots-{card}": str(dots) for card, dots in allocation.items()},
        )
        assert response.status_code == 302


def test_results_are_hidden_from_workers_and_managers_until_the_vote_closes(
    app, people, voting_lab, client_for
):
    lab_id, (a, b, _c) = voting_lab
    _vote(client_for, lab_id, people.workers[:6], {a: 3, b: 2})
    worker = client_for(people.workers[7])
    manager = client_for(people.manager)
    pages = [
        worker.get(f"/laboratori/{lab_id}/esito"),
        worker.get(f"/laboratori/{lab_id}"),
        worker.get(f"/laboratori/{lab_id}/voto"),
        manager.get(f"/laboratori/{lab_id}/esito"),
        manager.get(f"/laboratori/{lab_id}/gestione"),
        manager.get(f"/laboratori/{lab_id}"),
    ]
    for page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "votata" not in html and "Classifica" not in html
    assert "I risultati sono pubblicati alla chiusura del voto" in pages[0].get_data(as_text=True)
    # Turnout only, rounded: never who voted for what.
    assert "Finora hanno votato circa 5 persone." in pages[4].get_data(as_text=True)


def test_after_the_vote_the_ranking_suppresses_counts_under_five(
    app, people, voting_lab, client_for
):
    lab_id, (a, b, c) = voting_lab
    _vote(client_for, lab_id, people.workers[:6], {a: 3, b: 1})
    _vote(client_for, lab_id, people.workers[6:8], {c: 3})
    set_phase(app, lab_id, "outcome")
    html = client_for(people.workers[1]).get(f"/laboratori/{lab_id}/esito").get_data(as_text=True)
    # 6 people, 18 dots -> about 5 people, about 20 dots; 6 people, 6 dots -> 5 and 5.
    assert "hanno votata circa 5 persone, circa 20 bollini." in html
    assert "hanno votata circa 5 persone, circa 5 bollini." in html
    assert html.index("Nido aperto fino alle 18") < html.index("Turni comunicati un mese prima")
    # Two people only: listed without any count, after the ranking.
    other = html[html.index("Altre schede (votate da meno di 5 persone)") :]
    assert "Navetta dalla stazione" in other
    assert "circa 2 " not in html and "circa 6 " not in html and "circa 18 " not in html
    assert "Hanno votato circa 10 persone." in html


def test_outcomes_written_by_the_manager_reach_the_workers(app, people, voting_lab, client_for):
    lab_id, (a, _b, _c) = voting_lab
    _vote(client_for, lab_id, people.workers[:5], {a: 2})
    set_phase(app, lab_id, "outcome")
    manager = client_for(people.manager)
    assert "Classifica e che cosa si farà" in manager.get(
        f"/laboratori/{lab_id}/gestione"
    ).get_data(as_text=True)
    response = manager.post(
        f"/laboratori/{lab_id}/schede/{a}/esito",
        data={"outcome-kind": "work_life", "outcome-text": "Da gennaio il nido resta aperto."},
    )
    assert response.status_code == 302
    html = client_for(people.workers[2]).get(f"/laboratori/{lab_id}/esito").get_data(as_text=True)
    assert "Che cosa abbiamo fatto con le vostre proposte" in html
    assert "Modifica alle regole di conciliazione" in html
    assert "Da gennaio il nido resta aperto." in html
    empty = manager.post(f"/laboratori/{lab_id}/schede/{a}/esito", data={"outcome-kind": "x"})
    assert empty.status_code == 422


def test_a_hidden_card_shows_its_reason_to_its_author_only(
    app, people, make_lab, make_card, client_for
):
    lab_id = make_lab()
    card = make_card(lab_id, "Il capoturno Rossi è sempre scortese", people.workers[1])
    manager = client_for(people.manager)
    reason = "Parla di una persona riconoscibile: riscrivila senza nomi."
    response = manager.post(f"/laboratori/{lab_id}/schede/{card}/nascondi", data={"reason": reason})
    assert response.status_code == 302
    author = client_for(people.workers[1]).get(f"/laboratori/{lab_id}").get_data(as_text=True)
    assert "Nascosta da chi facilita. Motivo:" in author and "riscrivila senza nomi" in author
    other = client_for(people.workers[2]).get(f"/laboratori/{lab_id}").get_data(as_text=True)
    assert "capoturno" not in other and "riscrivila" not in other
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "labs.hide"))
        # The audit log does not tie the pseudonymous card to its author either.
        assert entry.subject_user_id is None and reason in entry.detail
    assert manager.post(f"/laboratori/{lab_id}/schede/{card}/nascondi", data={}).status_code == 302


def test_the_manager_starts_the_next_phase_early(app, people, make_lab, client_for):
    lab_id = make_lab(phase="collect")
    manager = client_for(people.manager)
    manager.post(f"/laboratori/{lab_id}/fase", data={})
    page = manager.get(f"/laboratori/{lab_id}").get_data(as_text=True)
    assert 'aria-current="step"' in page
    assert "Le nuove schede sono chiuse" in page
    with app.app_context():
        from elearn.labs.services import phase_of
        from elearn.models import Lab

        assert phase_of(db.session.get(Lab, lab_id)) == "merge"
    assert (
        client_for(people.manager_b).post(f"/laboratori/{lab_id}/fase", data={}).status_code == 404
    )


def test_export_has_the_workers_lab_data_and_erasure_unlinks_the_author(
    app, people, make_lab, make_card, client_for
):
    w = people.workers[1]
    lab_id = make_lab()
    own = make_card(lab_id, "La mia scheda firmata", w, signed=True)
    other = make_card(lab_id, "Scheda di un collega")
    worker = client_for(w)
    worker.post(f"/laboratori/{lab_id}/schede/{other}/sostegno", data={"support": "1"})
    data = json.loads(worker.get("/profilo/dati.json").data)
    assert [card["text"] for card in data["lab_cards"]] == ["La mia scheda firmata"]
    assert [s["card_id"] for s in data["lab_supports"]] == [other]
    assert data["lab_votes"] == []
    worker.post("/profilo/cancellazione", data={})
    with app.app_context():
        request_id = db.session.scalar(select(ErasureRequest.id))
    client_for(people.manager).post(f"/privacy/richieste/{request_id}/conferma", data={})
    with app.app_context():
        card = db.session.get(LabCard, own)
        assert card.author_id is None and card.signed is False
        assert card.anonymous_supporters == 1  # the card still counts its author
        assert db.session.scalar(select(func.count(LabCard.id))) == 2


def test_a_refused_vote_shows_how_many_dots_to_take_away(app, people, voting_lab, client_for):
    lab_id, (a, b, c) = voting_lab
    response = client_for(people.workers[1]).post(
        f"/laboratori/{lab_id}/voto", data={f"dots-{a}": "3", f"dots-{b}": "3", f"dots-{c}": "2"}
    )
    html = response.get_data(as_text=True)
    assert "Troppi bollini: togline 3." in html
    # The choices stay ticked, to correct them rather than start again.
    assert f'id="dots-{b}-3" name="dots-{b}" value="3" checked' in html


def test_the_ranking_follows_the_published_figures_ties_by_card_number(
    app, people, voting_lab, client_for
):
    """Order by what is shown: two cards shown with the same rounded figures are listed by card
    number (the order must not tell which one had a vote more), on every page with the ranking."""
    lab_id, (a, b, c) = voting_lab
    w = people.workers
    _vote(client_for, lab_id, w[:5], {a: 1, b: 1, c: 1})
    _vote(client_for, lab_id, [w[5]], {b: 1, c: 1})
    _vote(client_for, lab_id, w[6:8], {c: 1})
    set_phase(app, lab_id, "outcome")
    # c: 8 people, 8 dots -> about 10 and 10, first although written last; a: 5 and 5; b: 6
    # people, 6 dots -> also 5 and 5: after a, by card number, not before it by its true count.
    worker_page = client_for(w[1]).get(f"/laboratori/{lab_id}/esito").get_data(as_text=True)
    manager_page = (
        client_for(people.manager).get(f"/laboratori/{lab_id}/gestione").get_data(as_text=True)
    )
    for html in (worker_page, manager_page):
        positions = [
            html.index(text)
            for text in (
                "Navetta dalla stazione",
                "Nido aperto fino alle 18",
                "Turni comunicati un mese prima",
            )
        ]
        assert positions == sorted(positions)
    assert worker_page.count("hanno votata circa 5 persone, circa 5 bollini.") == 2
    with app.app_context():
        from elearn.labs.services import results
        from elearn.models import Lab

        ranking = results(db.session.get(Lab, lab_id)).ranking
        assert [(row.card.id, row.people, row.dots) for row in ranking] == [
            (c, 10, 10),
            (a, 5, 5),
            (b, 5, 5),
        ]
