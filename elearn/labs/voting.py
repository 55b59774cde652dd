"""Labs: dot votes, and the results shown once the vote is closed (through the privacy guard)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext, ngettext
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from elearn.database import write_done, write_transaction
from elearn.extensions import db
from elearn.labs.rules import (
    LabError,
    lock_cards,
    lock_person,
    phase_of,
    publish_count,
    require_participant,
    require_phase,
)
from elearn.models import (
    Lab,
    LabCard,
    LabOutcome,
    LabVote,
    User,
)
from elearn.models.labs import MAX_DOTS_PER_CARD


def my_dots(lab: Lab, worker: User) -> dict[int, int]:
    return {
        card_id: dots
        for card_id, dots in db.session.execute(
            select(LabVote.card_id, LabVote.dots).where(
                LabVote.lab_id == lab.id, LabVote.user_id == worker.id
            )
        )
    }


def parse_dots(form: dict[str, str]) -> dict[int, int]:
    """The `dots-<card id>` fields of the vote form; anything else is a clear refusal."""
    allocation: dict[int, int] = {}
    for key, raw in form.items():
        if not key.startswith("dots-"):
            continue
        card_part, value = key[5:], (raw or "0").strip() or "0"
        if not (card_part.isascii() and card_part.isdigit() and len(card_part) <= 9):
            raise LabError(gettext("This card is not part of the vote."))
        if not (value.isascii() and value.isdigit() and len(value) <= 3):
            raise LabError(gettext("Choose a number of dots from 0 to %(n)d.", n=MAX_DOTS_PER_CARD))
        allocation[int(card_part)] = int(value)
    return allocation


def save_dots(lab: Lab, worker: User, allocation: dict[int, int]) -> None:
    """Replace the worker's dots in one go, within the lab's limits.

    Two votes of the same person sent at once (two tabs, a script) take turns on the person's
    row: the second waits, then replaces what the first saved, and the total is checked again
    inside the locked transaction. Without the lock both would delete the (old) dots, both
    would insert theirs and both would stay: more dots than allowed.
    """
    require_participant(worker, lab)
    require_phase(lab, ("vote",), gettext("The vote is not open."))
    allocation = {card_id: dots for card_id, dots in allocation.items() if dots}
    if any(dots > MAX_DOTS_PER_CARD for dots in allocation.values()):
        raise LabError(
            gettext("At most %(n)d dots on one card: spread them out.", n=MAX_DOTS_PER_CARD)
        )
    lab_id, worker_id, limit = lab.id, worker.id, lab.dots_per_person
    _check_total(sum(allocation.values()), limit)
    write_transaction()
    try:
        lock_person(worker_id)
        # FOR SHARE: a card hidden at this moment is either hidden before (refused here) or
        # waits for this vote and then gives its dots back.
        votable = {
            card.id
            for card in lock_cards(lab_id, list(allocation), shared=True)
            if card.status == "visible"
        }
        if set(allocation) - votable:
            raise LabError(gettext("This card is not part of the vote."))
        db.session.execute(
            delete(LabVote).where(LabVote.lab_id == lab_id, LabVote.user_id == worker_id)
        )
        for card_id, dots in sorted(allocation.items()):
            db.session.add(LabVote(lab_id=lab_id, card_id=card_id, user_id=worker_id, dots=dots))
        db.session.flush()
        _check_total(_dots_used(lab_id, worker_id), limit)
        db.session.commit()
    except LabError:
        db.session.rollback()
        raise
    except IntegrityError:  # the same card twice at once: cannot happen under the lock
        db.session.rollback()
        raise LabError(gettext("Your vote was sent twice at the same moment: try again.")) from None
    finally:
        write_done()


def _dots_used(lab_id: int, worker_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(LabVote.dots), 0)).where(
            LabVote.lab_id == lab_id, LabVote.user_id == worker_id
        )
    )


def _check_total(used: int, total: int) -> None:
    if used > total:
        raise LabError(
            gettext(
                "You have %(total)d dots and you used %(used)d: take some away.",
                total=total,
                used=used,
            )
        )


def voters(lab: Lab) -> int | None:
    """How many people have voted so far (published): turnout, never who voted for what."""
    n = db.session.scalar(
        select(func.count(func.distinct(LabVote.user_id))).where(LabVote.lab_id == lab.id)
    )
    return publish_count(n or 0)


# --- results and outcomes --------------------------------------------------------------------


@dataclass
class RankedCard:
    card: LabCard
    people: int | None  # published; None: fewer than 5 people
    dots: int | None  # published
    outcome: LabOutcome | None = None


@dataclass
class Results:
    ranking: list[RankedCard] = field(default_factory=list)
    # Cards that fewer than 5 people voted for: no count, and no order either.
    below_threshold: list[LabCard] = field(default_factory=list)
    voters: int | None = 0


def results(lab: Lab) -> Results | None:
    """The ranking, only once the vote has closed (None before: nobody sees it, managers too)."""
    if phase_of(lab) != "outcome":
        return None
    cards = list(
        db.session.scalars(
            select(LabCard)
            .where(LabCard.lab_id == lab.id, LabCard.status == "visible")
            .order_by(LabCard.id)
        )
    )
    tally = {
        card_id: (people, dots)
        for card_id, people, dots in db.session.execute(
            select(LabVote.card_id, func.count(LabVote.user_id), func.sum(LabVote.dots))
            .where(LabVote.lab_id == lab.id)
            .group_by(LabVote.card_id)
        )
    }
    outcomes = {
        row.card_id: row
        for row in db.session.scalars(
            select(LabOutcome).where(LabOutcome.card_id.in_([c.id for c in cards] or [-1]))
        )
    }
    result = Results(voters=voters(lab))
    ranked = []
    for card in cards:
        people, dots = tally.get(card.id, (0, 0))
        shown = publish_count(people)
        if shown:
            ranked.append(RankedCard(card, shown, publish_count(dots), outcomes.get(card.id)))
        else:
            result.below_threshold.append(card)
    # Ordered by the figures as published, then by the card's number: cards shown with the same
    # figures come in the order they were written, so the order tells nothing the figures hide
    # (the true counts would say which of two "about 5 people" had one vote more).
    ranked.sort(key=lambda row: (-(row.dots or 0), -(row.people or 0), row.card.id))
    result.ranking = ranked
    for card in result.below_threshold:
        if card.id in outcomes:
            result.ranking.append(RankedCard(card, None, None, outcomes[card.id]))
    result.below_threshold = [c for c in result.below_threshold if c.id not in outcomes]
    return result


def dots_left_text(lab: Lab, used: int) -> str:
    left = lab.dots_per_person - used
    if left < 0:
        return gettext("Too many dots: take %(num)s away.", num=-left)
    return ngettext("You have %(num)d dot left.", "You have %(num)d dots left.", left)
