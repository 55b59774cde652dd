"""The consenting learners a manager may see: one page of them with their figures, and one
learner (the privacy rule in elearn.privacy.learning_access)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select

from elearn.extensions import db
from elearn.models import LearnerSummary, Organization, User
from elearn.privacy.learning_access import learning_visible_ids, learning_visible_to, record_read

PAGE_SIZE = 25


@dataclass
class LearnerRow:
    id: int
    name: str
    organization: str
    modules_completed: int
    courses_completed: int
    average_score: float | None
    last_activity: Any


SORTS = ("name", "activity", "modules")


def learner_page(
    manager: User,
    org_ids: list[int],
    *,
    query: str = "",
    sort: str = "name",
    page: int = 1,
) -> tuple[list[LearnerRow], int, int, int]:
    """One page of the learners whose progress `manager` may see (the privacy rule in
    elearn.privacy.learning_access), in `org_ids`, with figures aggregated only for who is
    shown."""
    visible_ids = learning_visible_ids(manager, org_ids)
    if query:
        # The rule's SELECT reads user_account: the name filter goes into it.
        visible_ids = visible_ids.where(func.lower(User.full_name).like(f"%{query.lower()[:100]}%"))
    visible = visible_ids.subquery()
    people = (
        select(User.id, User.full_name, Organization.name.label("organization"))
        .join(Organization, Organization.id == User.organization_id)
        .where(User.id.in_(select(visible.c.id)))
    )
    # Every visible worker belongs to an organization in scope: count the rule's rows alone.
    total = db.session.scalar(select(func.count()).select_from(visible)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    sort = sort if sort in SORTS else "name"

    summary = LearnerSummary
    score = case((summary.scores > 0, summary.score_sum / summary.scores), else_=None)
    figures = (
        func.coalesce(summary.modules_completed, 0),
        score,
        summary.last_activity_at,
        func.coalesce(summary.courses_completed, 0),
    )
    if sort == "name":
        # Pick the page by name first; then read the summary rows of those 25 people only.
        shown = (
            people.order_by(User.full_name, User.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        ).subquery()
        rows = db.session.execute(
            select(shown, *figures)
            .outerjoin(summary, summary.user_id == shown.c.id)
            .order_by(shown.c.full_name, shown.c.id)
        ).all()
    else:
        # Walk the summary rows in the order asked (an index for last activity), keeping the
        # visible people: the first pages stop after a few dozen rows.
        order = (
            (summary.last_activity_at.desc().nulls_last(), summary.user_id)
            if sort == "activity"
            else (summary.modules_completed.desc(), summary.user_id)
        )
        listed = (
            select(User.id, User.full_name, Organization.name.label("organization"), *figures)
            .select_from(summary)
            .join(User, User.id == summary.user_id)
            .join(Organization, Organization.id == User.organization_id)
            .where(User.id.in_(select(visible.c.id)))
        )
        rows = db.session.execute(
            listed.order_by(*order).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        ).all()
    return (
        [
            LearnerRow(
                user_id,
                name,
                organization,
                done or 0,
                courses or 0,
                round(float(score) * 100) if score is not None else None,
                last,
            )
            for user_id, name, organization, done, score, last, courses in rows
        ],
        page,
        pages,
        total,
    )


def learner_visible(manager: User, learner_id: int) -> User | None:
    """The learner, only when `manager` may see their progress (else None: the page is a 404)."""
    if not learning_visible_to(manager, learner_id):
        return None
    return db.session.get(User, learner_id)


def open_learner(manager: User, learner_id: int, remote_addr: str = "") -> User | None:
    """The learner for `manager`'s page, the read written to the audit log; None when the
    manager may not see their progress (the page is a 404)."""
    person = learner_visible(manager, learner_id)
    if person is not None:
        record_read(manager, person.id, remote_addr=remote_addr)
        db.session.commit()
    return person
