"""Labs: phases and dates, labels, who takes part and who facilitates, the menu cache."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context
from flask_babel import gettext, lazy_gettext, lazy_pgettext
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from elearn import audit
from elearn.extensions import db
from elearn.form_errors import FieldError
from elearn.i18n import local_today
from elearn.models import (
    Lab,
    LabCard,
    LabOrganization,
    User,
)
from elearn.privacy import disclosure

PHASES = ("planned", "collect", "merge", "vote", "outcome")
PHASE_LABELS = {
    "planned": lazy_gettext("Not started yet"),
    "collect": lazy_gettext("Collecting needs and resources"),
    "merge": lazy_gettext("Putting similar cards together"),
    "vote": lazy_gettext("Voting"),
    "outcome": lazy_gettext("Results and what we will do"),
}
KIND_LABELS = {
    "need": lazy_gettext("Need: what is hard"),
    "resource": lazy_gettext("Resource: what could help, what I can offer"),
}
KIND_SHORT = {
    "need": lazy_pgettext("lab card kind", "Need"),
    "resource": lazy_pgettext("lab card kind", "Resource"),
}
TOPIC_LABELS = {
    "childcare": lazy_gettext("Childcare"),
    "care": lazy_gettext("Care of relatives"),
    "health": lazy_gettext("Health"),
    "money": lazy_gettext("Money"),
    "time": lazy_gettext("Time and schedules"),
    "transport": lazy_gettext("Transport"),
    "other": lazy_gettext("Other"),
}
OUTCOME_LABELS = {
    "new_service": lazy_gettext("New service"),
    "health_fund": lazy_gettext("Change to the health fund"),
    "work_life": lazy_gettext("Change to the work-life rules"),
    "not_possible": lazy_gettext("Not possible, because…"),
}
# The menu keeps pointing to a lab for a while after its results are out.
RECENT_OUTCOME_DAYS = 90
SIMILAR_SCORE = 75  # rapidfuzz WRatio, 0-100: tried on Italian cards, fewer false friends
SIMILAR_MIN_CHARS = 8
# Enough for anyone with a lot to say; stops a script from flooding the board.
MAX_CARDS_PER_PERSON = 20


class LabError(FieldError):
    """A lab change refused for a reason the user can fix."""


def publish_count(n: int) -> int | None:
    """A count of people as it may be shown: the site's one privacy guard (None for 1-4)."""
    return disclosure.count(max(n, 0))


# --- phases ----------------------------------------------------------------------------------


def today() -> date:
    return local_today()


def phase_of(lab: Lab, on: date | None = None) -> str:
    on = on or today()
    starts = (lab.collect_from, lab.merge_from, lab.vote_from, lab.outcome_from)
    current = "planned"
    for phase, start in zip(PHASES[1:], starts, strict=True):
        if start <= on:
            current = phase
    return current


def require_phase(lab: Lab, phases: tuple[str, ...], refusal: str) -> None:
    """LabError(`refusal`) unless the lab is in one of `phases` today."""
    if phase_of(lab) not in phases:
        raise LabError(refusal)


def require_on_board(card: LabCard) -> None:
    if card.status != "visible":
        raise LabError(gettext("This card is no longer on the board."))


# --- taking turns between concurrent writes --------------------------------------------------
# A lab write that checks something (a limit, a card still on the board) and then writes first
# takes a row lock, so that a second request doing the same at that moment waits for the first
# and then sees what it wrote. PostgreSQL: SELECT ... FOR NO KEY UPDATE / FOR SHARE (under READ
# COMMITTED each later statement sees the rows committed meanwhile). SQLite has one writer: the
# services call database.write_transaction() first, so the whole read-check-write runs under
# its write lock (FOR UPDATE is not emitted there).


def lock_person(user_id: int) -> None:
    """Take turns with the person's other lab writes (two tabs, a script sending at once).

    The person's row is locked FOR NO KEY UPDATE: it conflicts only with itself and with
    updates of the row, not with the foreign-key checks of other inserts.
    """
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))


def lock_cards(lab_id: int, card_ids: list[int], *, shared: bool = False) -> list[LabCard]:
    """Lock the lab's cards among `card_ids` (in id order, so that two requests never wait on
    each other crosswise) and read them again as they are now: FOR SHARE to write on a card
    (a "+1", dots), FOR NO KEY UPDATE to change it (merge, hide, outcome)."""
    if not card_ids:
        return []
    return list(
        db.session.scalars(
            select(LabCard)
            .where(LabCard.lab_id == lab_id, LabCard.id.in_(sorted(set(card_ids))))
            .order_by(LabCard.id)
            .with_for_update(read=shared, key_share=not shared)
            .execution_options(populate_existing=True)
        )
    )


def next_phase(lab: Lab) -> str | None:
    index = PHASES.index(phase_of(lab))
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


def _lab_org_ids(lab_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(LabOrganization.organization_id).where(LabOrganization.lab_id == lab_id)
        )
    )


def is_participant(user: User, lab: Lab) -> bool:
    return (
        user.has_role("worker")
        and user.organization_id is not None
        and user.organization_id in _lab_org_ids(lab.id)
    )


def require_participant(user: User, lab: Lab) -> None:
    if not is_participant(user, lab):
        raise LabError(gettext("This lab is for the workers of other cooperatives."))


def is_facilitator(user: User, lab: Lab) -> bool:
    """A manager facilitates a lab when they follow every cooperative taking part in it."""
    managed = {org.id for org in user.managed_organizations}
    return user.has_role("manager") and bool(managed) and _lab_org_ids(lab.id) <= managed


def _lab_if(user: User, lab_id: int, *may: Callable[[User, Lab], bool]) -> Lab | None:
    """The lab, when one of the checks `may` lets the person reach it (the object-level check)."""
    lab = db.session.get(Lab, lab_id)
    return lab if lab is not None and any(check(user, lab) for check in may) else None


def lab_for_participant(user: User, lab_id: int) -> Lab | None:
    return _lab_if(user, lab_id, is_participant)


def lab_for_facilitator(user: User, lab_id: int) -> Lab | None:
    return _lab_if(user, lab_id, is_facilitator)


def lab_for_viewer(user: User, lab_id: int) -> Lab | None:
    return _lab_if(user, lab_id, is_participant, is_facilitator)


def labs_for_worker(user: User) -> list[Lab]:
    if user.organization_id is None:
        return []
    return list(
        db.session.scalars(
            select(Lab)
            .join(LabOrganization, LabOrganization.lab_id == Lab.id)
            .where(LabOrganization.organization_id == user.organization_id)
            .order_by(Lab.collect_from.desc(), Lab.id.desc())
        )
    )


def labs_for_manager(user: User) -> list[Lab]:
    labs = db.session.scalars(select(Lab).order_by(Lab.collect_from.desc(), Lab.id.desc()))
    return [lab for lab in labs if is_facilitator(user, lab)]


@dataclass(frozen=True)
class LabLink:
    """What the menu and the home page need of a running lab."""

    id: int
    title: str


# Every page of a worker asks whether to show "Labs" in the menu: the answer is kept per
# cooperative for a minute (labs open by date), and forgotten at once when this process writes
# a lab (other processes see a change within the minute).
_CURRENT_SECONDS = 60.0
_CURRENT_CACHE = "labs.current"


def current_labs_for_worker(user: User) -> list[LabLink]:
    """Labs of the worker's cooperative that are running, or whose results are recent."""
    if user.organization_id is None:
        return []
    now = today()
    cache = current_app.extensions.setdefault(_CURRENT_CACHE, {})
    key = (user.organization_id, now)
    hit = cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    links = [
        LabLink(lab_id, title)
        for lab_id, title in db.session.execute(
            select(Lab.id, Lab.title)
            .join(LabOrganization, LabOrganization.lab_id == Lab.id)
            .where(
                LabOrganization.organization_id == user.organization_id,
                Lab.collect_from <= now,
                Lab.outcome_from >= now - timedelta(days=RECENT_OUTCOME_DAYS),
            )
            .order_by(Lab.collect_from.desc(), Lab.id.desc())
        )
    ]
    cache[key] = (time.monotonic() + _CURRENT_SECONDS, links)
    return links


@event.listens_for(Session, "before_flush")
def _forget_current_labs(session: Session, flush_context: object, instances: object) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if has_app_context() and any(isinstance(obj, Lab | LabOrganization) for obj in changed):
        current_app.extensions.pop(_CURRENT_CACHE, None)


def has_open_lab(user: User) -> bool:
    """Whether the worker's menu shows "Labs"."""
    return bool(current_labs_for_worker(user))


def record_lab_step(action: str, manager: User, detail: str, remote_addr: str = "") -> None:
    """A facilitator's step on a lab, in the audit log. No subject: the log must not tie a
    pseudonymous card to its author."""
    audit.record(action, actor_id=manager.id, detail=detail, remote_addr=remote_addr)


def phase_summary(lab: Lab) -> list[tuple[str, str, date | None, bool]]:
    """(phase, label, start date, is current) for the phase strip on the lab pages."""
    current = phase_of(lab)
    starts = {
        "collect": lab.collect_from,
        "merge": lab.merge_from,
        "vote": lab.vote_from,
        "outcome": lab.outcome_from,
    }
    return [
        (phase, str(PHASE_LABELS[phase]), starts[phase], phase == current) for phase in PHASES[1:]
    ]
