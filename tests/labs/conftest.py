"""Factories for lab tests: two cooperatives, their workers and managers, labs in any phase."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from elearn.extensions import db
from elearn.models import Lab, LabCard, Organization

# Days from today to each phase start, so that `phase` is the current one.
PHASE_OFFSETS = {
    "planned": (3, 10, 17, 24),
    "collect": (0, 7, 14, 21),
    "merge": (-7, 0, 7, 14),
    "vote": (-14, -7, 0, 7),
    "outcome": (-21, -14, -7, 0),
}


@dataclass
class People:
    org_a: int
    org_b: int
    workers: list[int]  # of cooperative A; workers[0] is Giulia Rossi
    worker_b: int
    manager: int  # follows A
    manager_b: int  # follows B
    trainer: int


@pytest.fixture
def people(app: Flask, make_org: Callable[..., Any], make_user: Callable[..., Any]) -> People:
    org_a = make_org("Cooperativa A")
    org_b = make_org("Cooperativa B")
    workers = [make_user("worker", org_id=org_a, name="Giulia Rossi")] + [
        make_user("worker", org_id=org_a, name=f"Lavoratore Numero{n}") for n in range(1, 8)
    ]
    return People(
        org_a=org_a,
        org_b=org_b,
        workers=workers,
        worker_b=make_user("worker", org_id=org_b, name="Bruno Verdi"),
        manager=make_user("manager", org_id=org_a, name="Marta Guidi"),
        manager_b=make_user("manager", org_id=org_b, name="Paolo Neri"),
        trainer=make_user("trainer"),
    )


def set_phase(app: Flask, lab_id: int, phase: str) -> None:
    from elearn.labs.services import today

    with app.app_context():
        lab = db.session.get(Lab, lab_id)
        start = today()
        lab.collect_from, lab.merge_from, lab.vote_from, lab.outcome_from = (
            start + timedelta(days=offset) for offset in PHASE_OFFSETS[phase]
        )
        db.session.commit()


@pytest.fixture
def make_lab(app: Flask, people: People) -> Callable[..., int]:
    def factory(
        org_ids: list[int] | None = None, phase: str = "collect", dots: int = 5, title: str = "Lab"
    ) -> int:
        from elearn.labs.services import today

        with app.app_context():
            collect, merge, vote, outcome = (
                today() + timedelta(days=offset) for offset in PHASE_OFFSETS[phase]
            )
            lab = Lab(
                title=title,
                question="Che cosa rende difficile conciliare lavoro e famiglia?",
                collect_from=collect,
                merge_from=merge,
                vote_from=vote,
                outcome_from=outcome,
                dots_per_person=dots,
                created_by_id=people.manager,
                organizations=[db.session.get(Organization, i) for i in org_ids or [people.org_a]],
            )
            db.session.add(lab)
            db.session.commit()
            return lab.id

    return factory


@pytest.fixture
def make_card(app: Flask) -> Callable[..., int]:
    def factory(
        lab_id: int,
        text: str,
        author: int | None = None,
        kind: str = "need",
        topic: str = "other",
        signed: bool = False,
    ) -> int:
        with app.app_context():
            card = LabCard(
                lab_id=lab_id, kind=kind, topic=topic, text=text, author_id=author, signed=signed
            )
            db.session.add(card)
            db.session.commit()
            return card.id

    return factory


@pytest.fixture
def client_for(app: Flask, login: Callable[..., Any]) -> Callable[[int], Any]:
    """A separate logged-in browser for each person."""

    def factory(user_id: int) -> Any:
        browser = app.test_client()
        login(user_id, browser)
        return browser

    return factory
