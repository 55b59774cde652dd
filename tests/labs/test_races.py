"""Lab writes sent at the same moment: a limit checked in one request, then written, must hold
when two requests do it together (PostgreSQL, READ COMMITTED; see tests/labs/race.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import Lab, LabCard, LabOutcome, LabSupport, LabVote, User
from tests.labs.conftest import set_phase
from tests.labs.race import at_once

pytestmark = pytest.mark.parametrize("backend", ["postgres"])


def _lab(lab_id: int) -> Lab:
    return db.session.get(Lab, lab_id)


def _card(card_id: int) -> LabCard:
    return db.session.get(LabCard, card_id)


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def test_two_cards_sent_at_once_stay_within_the_cards_per_person(app, people, make_lab, make_card):
    from elearn.labs import services

    worker = people.workers[1]
    lab_id = make_lab()
    for n in range(services.MAX_CARDS_PER_PERSON - 1):
        make_card(lab_id, f"Scheda numero {n}", worker)

    def write(text: str):
        return lambda: services.add_card(
            _lab(lab_id), _user(worker), kind="need", topic="time", text=text, signed=False
        )

    outcomes = at_once(app, write("Orari del nido"), write("Turni di notte"))

    with app.app_context():
        written = db.session.scalar(
            select(func.count(LabCard.id)).where(LabCard.author_id == worker)
        )
    assert written == services.MAX_CARDS_PER_PERSON, outcomes
    # One is saved, the other refused with the message (it counted the first card).
    assert sorted(outcomes) == [
        "Hai già scritto 20 schede: sostieni quelle degli altri.",
        "done",
    ]


def test_a_plus_one_given_while_the_card_is_merged_is_carried_over_or_refused(
    app, people, make_lab, make_card
):
    """The facilitator merges a card while a worker gives it a +1: the +1 must end on the kept
    card (or be refused with a message), never stay on the merged card where nobody sees it."""
    from elearn.labs import services

    w = people.workers
    lab_id = make_lab()
    kept = make_card(lab_id, "Il nido chiude alle 16", w[0])
    merged = make_card(lab_id, "Asilo nido chiuso troppo presto", w[1])

    outcomes = at_once(
        app,
        lambda: services.merge_cards(
            _lab(lab_id), _card(merged), _card(kept), _user(people.manager)
        ),
        lambda: services.set_support(_lab(lab_id), _card(merged), _user(w[2]), True),
    )

    with app.app_context():
        on_merged = set(
            db.session.scalars(select(LabSupport.user_id).where(LabSupport.card_id == merged))
        )
        on_kept = set(
            db.session.scalars(select(LabSupport.user_id).where(LabSupport.card_id == kept))
        )
    assert outcomes[0] == "done"
    assert on_merged == set(), outcomes
    if outcomes[1] == "done":
        assert on_kept == {w[1], w[2]}
    else:
        assert on_kept == {w[1]} and outcomes[1] == "Questa scheda non è più in bacheca."


def test_dots_given_while_the_card_is_hidden_are_given_back(app, people, make_lab, make_card):
    """The facilitator hides a card while a worker puts dots on it: no dots may stay on the
    hidden card (they would count for nothing and be lost to the worker)."""
    from elearn.labs import services

    worker = people.workers[1]
    lab_id = make_lab(phase="vote")
    card = make_card(lab_id, "Scheda da nascondere", people.workers[0])

    outcomes = at_once(
        app,
        lambda: services.hide_card(
            _lab(lab_id), _card(card), _user(people.manager), "Contiene un nome"
        ),
        lambda: services.save_dots(_lab(lab_id), _user(worker), {card: 2}),
    )

    with app.app_context():
        left = db.session.scalar(select(func.count(LabVote.id)).where(LabVote.card_id == card))
        assert _card(card).status == "hidden"
    assert left == 0, outcomes
    assert outcomes[0] == "done" and outcomes[1] in ("done", "Questa scheda non fa parte del voto.")


def test_two_facilitators_saving_an_outcome_at_once_get_no_error(
    app, people, make_lab, make_card, make_user
):
    from elearn.labs import services

    lab_id = make_lab(phase="vote")
    card = make_card(lab_id, "Il nido chiude alle 16", people.workers[0])
    set_phase(app, lab_id, "outcome")
    other_manager = make_user("manager", org_id=people.org_a)

    def save(manager: int, text: str):
        return lambda: services.set_outcome(
            _lab(lab_id), _card(card), _user(manager), kind="new_service", text=text
        )

    outcomes = at_once(
        app, save(people.manager, "Nido fino alle 18"), save(other_manager, "Centro estivo")
    )

    assert outcomes == ["done", "done"]
    with app.app_context():
        rows = db.session.scalars(select(LabOutcome.text).where(LabOutcome.card_id == card)).all()
    assert len(rows) == 1 and rows[0] in ("Nido fino alle 18", "Centro estivo")
