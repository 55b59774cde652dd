"""Labs: opening a lab, moving it to the next phase, writing the outcome of a card."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import select

from elearn.database import write_done, write_transaction
from elearn.extensions import db
from elearn.labs.rules import (
    LabError,
    lock_cards,
    next_phase,
    record_lab_step,
    require_on_board,
    require_phase,
    today,
)
from elearn.models import (
    Lab,
    LabCard,
    LabOutcome,
    Organization,
    User,
)
from elearn.models.base import utcnow


def advance_phase(lab: Lab, manager: User, *, remote_addr: str = "") -> str:
    """Start the next phase today: its start date moves to today (dates stay the one truth)."""
    following = next_phase(lab)
    if following is None:
        raise LabError(gettext("The lab is already at its last phase."))
    now = today()
    attribute = {
        "collect": "collect_from",
        "merge": "merge_from",
        "vote": "vote_from",
        "outcome": "outcome_from",
    }[following]
    order = ("collect_from", "merge_from", "vote_from", "outcome_from")
    for name in order[: order.index(attribute) + 1]:
        if getattr(lab, name) > now:
            setattr(lab, name, now)
    for name in order[order.index(attribute) + 1 :]:
        if getattr(lab, name) <= now:  # would jump past the phase just started
            setattr(lab, name, now + timedelta(days=1))
    record_lab_step("labs.phase", manager, f"lab {lab.id}: {following}", remote_addr)
    db.session.commit()
    return following


# --- who may reach a lab -------------------------------------------------------------------


def create_lab(
    manager: User,
    *,
    title: str,
    question: str,
    organization_ids: list[int],
    collect_from: date,
    merge_from: date,
    vote_from: date,
    outcome_from: date,
    dots_per_person: int,
    remote_addr: str = "",
) -> Lab:
    managed = {org.id for org in manager.managed_organizations}
    if not organization_ids:
        raise LabError(gettext("Choose at least one cooperative."), "organizations")
    if not set(organization_ids) <= managed:
        raise LabError(
            gettext("You can open a lab only for the cooperatives you follow."), "organizations"
        )
    if not collect_from <= merge_from <= vote_from <= outcome_from:
        raise LabError(gettext("The phases must follow one another in time."), "merge_from")
    if not 1 <= dots_per_person <= 10:
        raise LabError(gettext("Give between 1 and 10 dots per person."), "dots_per_person")
    lab = Lab(
        title=title.strip(),
        question=question.strip(),
        collect_from=collect_from,
        merge_from=merge_from,
        vote_from=vote_from,
        outcome_from=outcome_from,
        dots_per_person=dots_per_person,
        created_by_id=manager.id,
        organizations=[db.session.get(Organization, i) for i in sorted(set(organization_ids))],
    )
    db.session.add(lab)
    db.session.flush()
    record_lab_step(
        "labs.created",
        manager,
        f"lab {lab.id} for organizations {sorted(set(organization_ids))}",
        remote_addr,
    )
    db.session.commit()
    return lab


# --- what a card may not contain -----------------------------------------------------------


def set_outcome(
    lab: Lab, card: LabCard, manager: User, *, kind: str, text: str, remote_addr: str = ""
) -> LabOutcome:
    require_phase(lab, ("outcome",), gettext("Outcomes are written after the vote has closed."))
    text = text.strip()
    if not text:
        raise LabError(gettext("Write what will be done, or why it is not possible."), "text")
    # Two facilitators saving at once take turns on the card (no second outcome row, no 500).
    write_transaction()
    try:
        lock_cards(lab.id, [card.id])
        require_on_board(card)
        return _save_outcome(lab, card, manager, kind, text, remote_addr)
    except LabError:
        db.session.rollback()
        raise
    finally:
        write_done()


def _save_outcome(
    lab: Lab, card: LabCard, manager: User, kind: str, text: str, remote_addr: str
) -> LabOutcome:
    outcome = db.session.scalar(select(LabOutcome).where(LabOutcome.card_id == card.id))
    if outcome is None:
        outcome = LabOutcome(card_id=card.id, kind=kind, text=text)
        db.session.add(outcome)
    outcome.kind, outcome.text = kind, text
    outcome.written_by_id = manager.id
    outcome.updated_at = utcnow()
    record_lab_step("labs.outcome", manager, f"lab {lab.id} card {card.id}: {kind}", remote_addr)
    db.session.commit()
    return outcome
