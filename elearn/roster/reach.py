"""Reach measured against the roster: invited, activated, active in the last 30 days, per
cooperative and site; every figure through the privacy guard (elearn.privacy.disclosure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, case, exists, func, or_, select

from elearn.extensions import db
from elearn.models import ActivityDay, Organization, RosterEntry, RosterInvitation, User
from elearn.models.base import utcnow
from elearn.privacy import disclosure
from elearn.roster.invitations import to_resend

ACTIVE_DAYS = 30


@dataclass
class ReachRow:
    label: str
    on_roster: disclosure.Published
    invited: disclosure.Published
    activated: disclosure.Published
    active: disclosure.Published
    activated_share: int | None
    active_share: int | None


@dataclass
class CooperativeReach:
    organization: Organization
    total: ReachRow
    sites: list[ReachRow] = field(default_factory=list)
    to_resend: disclosure.Published = 0


def _row(label: str, on_roster: int, invited: int, activated: int, active: int) -> ReachRow:
    published = [disclosure.count(n) for n in (on_roster, invited, activated, active)]
    return ReachRow(
        label,
        *published,
        activated_share=disclosure.share_of_published(published[2], published[0]),
        active_share=disclosure.share_of_published(published[3], published[0]),
    )


def reach(organization_ids: list[int], *, no_site: str) -> list[CooperativeReach]:
    """People on the roster now (not those who left), per cooperative and site."""
    now = utcnow()
    since = now - timedelta(days=ACTIVE_DAYS)
    invited = exists().where(RosterInvitation.roster_entry_id == RosterEntry.id)
    active = or_(
        User.last_login_at >= since,
        exists().where(ActivityDay.user_id == User.id, ActivityDay.day >= since.date()),
    )
    rows = db.session.execute(
        select(
            RosterEntry.organization_id,
            RosterEntry.site,
            func.count(RosterEntry.id),
            func.sum(case((or_(invited, RosterEntry.user_id.is_not(None)), 1), else_=0)),
            func.sum(case((User.id.is_not(None), 1), else_=0)),
            func.sum(case((and_(User.id.is_not(None), active), 1), else_=0)),
        )
        .outerjoin(User, and_(User.id == RosterEntry.user_id, User.active.is_(True)))
        .where(RosterEntry.organization_id.in_(organization_ids), RosterEntry.left_at.is_(None))
        .group_by(RosterEntry.organization_id, RosterEntry.site)
        .order_by(RosterEntry.organization_id, RosterEntry.site)
    ).all()
    resend_counts: dict[int, int] = {}
    for entry, _invitation in to_resend(organization_ids):
        resend_counts[entry.organization_id] = resend_counts.get(entry.organization_id, 0) + 1
    result = []
    organizations = db.session.scalars(
        select(Organization)
        .where(Organization.id.in_(organization_ids))
        .order_by(Organization.name)
    )
    for organization in organizations:
        mine = [row for row in rows if row[0] == organization.id]
        sums = [sum(int(row[i] or 0) for row in mine) for i in range(2, 6)]
        result.append(
            CooperativeReach(
                organization,
                _row(organization.name, *sums),
                [_row(row[1] or no_site, *(int(v or 0) for v in row[2:])) for row in mine],
                disclosure.count(resend_counts.get(organization.id, 0)),
            )
        )
    return result
