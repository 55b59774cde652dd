"""Access rules for the co-production labs (cooperative checks: tests/labs, test_object_access)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

WORKER = ("worker",)
MANAGER = ("manager",)
BOTH = ("worker", "manager")

RULES = {
    "labs.index": BOTH,
    "labs.lab": BOTH,
    "labs.check_text": BOTH,
    "labs.outcome": BOTH,
    "labs.add_card": WORKER,
    "labs.support": WORKER,
    "labs.vote": WORKER,
    "labs.new_lab": MANAGER,
    "labs.facilitate": MANAGER,
    "labs.advance": MANAGER,
    "labs.add_paper_card": MANAGER,
    "labs.merge": MANAGER,
    "labs.hide": MANAGER,
    "labs.set_outcome": MANAGER,
}


def sample_values(app: Any, people: dict[str, int], values: dict[str, Any]) -> None:
    """A lab of the worker's cooperative, collecting cards, with one card and a second one."""
    from elearn.extensions import db
    from elearn.labs.services import today
    from elearn.models import Lab, LabCard, Organization

    with app.app_context():
        start = today()
        lab = Lab(
            title="Tempo per la famiglia",
            question="Che cosa rende difficile conciliare lavoro e famiglia?",
            collect_from=start,
            merge_from=start + timedelta(days=7),
            vote_from=start + timedelta(days=14),
            outcome_from=start + timedelta(days=21),
            dots_per_person=5,
            created_by_id=people["manager"],
            organizations=[db.session.get(Organization, values["organization_id"])],
        )
        db.session.add(lab)
        db.session.flush()
        card = LabCard(
            lab_id=lab.id, kind="need", topic="childcare", text="Il nido chiude alle 16."
        )
        other = LabCard(lab_id=lab.id, kind="need", topic="time", text="Turni cambiati spesso.")
        db.session.add_all([card, other])
        db.session.commit()
        values.update(lab_id=lab.id, card_id=card.id)
