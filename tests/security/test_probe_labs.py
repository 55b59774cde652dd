"""The attacker in the co-production labs: more dots than allowed by sending votes at once, a
vote in another cooperative's lab, and what the published ranking tells beyond its figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import Lab, LabCard, LabVote, Organization, User


def _lab(app, org_ids: list[int], manager: int, phase: str = "vote", dots: int = 5) -> int:
    from elearn.labs.services import today

    offsets = {"vote": (-14, -7, 0, 7), "outcome": (-21, -14, -7, 0)}[phase]
    with app.app_context():
        collect, merge, vote, outcome = (today() + timedelta(days=d) for d in offsets)
        lab = Lab(
            title="Tempo per la famiglia",
            question="Che cosa rende difficile conciliare lavoro e famiglia?",
            collect_from=collect,
            merge_from=merge,
            vote_from=vote,
            outcome_from=outcome,
            dots_per_person=dots,
            created_by_id=manager,
            organizations=[db.session.get(Organization, i) for i in org_ids],
        )
        db.session.add(lab)
        db.session.commit()
        return lab.id


def _cards(app, lab_id: int, n: int) -> list[int]:
    with app.app_context():
        cards = [
            LabCard(lab_id=lab_id, kind="need", topic="time", text=f"Scheda numero {i}")
            for i in range(n)
        ]
        db.session.add_all(cards)
        db.session.commit()
        return [card.id for card in cards]


@pytest.mark.parametrize("backend", ["postgres"])
def test_two_votes_sent_at_once_cannot_add_up_to_more_dots_than_allowed(app, make_org, make_user):
    """Two tabs (or a script) send two allocations on different cards at the same moment, each
    within the limit: the dots that stay must still be within the limit. (Was a hole: each vote
    deleted the person's dots, then inserted its own; committed together, both stayed.)"""
    from elearn.labs import voting
    from tests.labs.race import at_once

    org = make_org(name="Il Girasole")
    manager = make_user("manager", org_id=org)
    worker = make_user("worker", org_id=org)
    lab_id = _lab(app, [org], manager, dots=5)
    a, b, c, d = _cards(app, lab_id, 4)

    def vote(allocation: dict[int, int]):
        return lambda: voting.save_dots(
            db.session.get(Lab, lab_id), db.session.get(User, worker), allocation
        )

    outcomes = at_once(app, vote({a: 3, b: 2}), vote({c: 3, d: 2}))

    with app.app_context():
        total = db.session.scalar(
            select(func.coalesce(func.sum(LabVote.dots), 0)).where(LabVote.user_id == worker)
        )
    assert total <= 5, (total, outcomes)
    # Neither is a 500: the second one replaced the first (or was refused with a message).
    assert "done" in outcomes and not {"IntegrityError", "unfinished"} & set(outcomes)


def test_a_worker_cannot_vote_in_another_cooperatives_lab_nor_with_its_cards(
    app, make_org, make_user, login
):
    org_a, org_b = make_org(name="A"), make_org(name="B")
    manager_a = make_user("manager", org_id=org_a)
    manager_b = make_user("manager", org_id=org_b)
    worker_a = make_user("worker", org_id=org_a)
    lab_a, lab_b = _lab(app, [org_a], manager_a), _lab(app, [org_b], manager_b)
    [card_a] = _cards(app, lab_a, 1)
    [card_b] = _cards(app, lab_b, 1)
    browser = app.test_client()
    login(worker_a, browser)
    assert (
        browser.post(f"/laboratori/{lab_b}/voto", data={f"dots-{card_b}": "1"}).status_code == 404
    )
    # B's card smuggled into the vote of A's own lab:
    mixed = browser.post(
        f"/laboratori/{lab_a}/voto", data={f"dots-{card_a}": "1", f"dots-{card_b}": "1"}
    )
    assert mixed.status_code == 422
    assert browser.get(f"/laboratori/{lab_b}/esito").status_code == 404
    # Nor can A's manager facilitate B's lab.
    manager = app.test_client()
    login(manager_a, manager)
    assert manager.get(f"/laboratori/{lab_b}/gestione").status_code == 404
    assert manager.post(f"/laboratori/{lab_b}/fase", data={}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(LabVote.id))) == 0


def test_cards_with_the_same_published_figures_are_not_ordered_by_their_true_counts(
    app, make_org, make_user, login
):
    org = make_org(name="Il Girasole")
    manager = make_user("manager", org_id=org)
    workers = [make_user("worker", org_id=org) for _ in range(6)]
    lab_id = _lab(app, [org], manager, phase="outcome")
    first, second = _cards(app, lab_id, 2)
    with app.app_context():
        for index, worker in enumerate(workers):
            if index < 5:  # five people on the first card
                db.session.add(LabVote(lab_id=lab_id, card_id=first, user_id=worker, dots=1))
            db.session.add(LabVote(lab_id=lab_id, card_id=second, user_id=worker, dots=1))
        db.session.commit()
    browser = app.test_client()
    login(manager, browser)
    page = browser.get(f"/laboratori/{lab_id}/esito").get_data(as_text=True)
    # Both published as "about 5 people, about 5 dots": nothing published tells them apart,
    # so the order must not either (ties go by the card's number, as for equal figures).
    assert page.index("Scheda numero 0") < page.index("Scheda numero 1")
