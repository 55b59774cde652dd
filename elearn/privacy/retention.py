"""Retention (`elearn privacy purge`): closed cases and inactive accounts past their period,
payroll roster entries of people who left, and technical rows past their use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select

from elearn import audit
from elearn.extensions import db
from elearn.models import (
    AuthAttempt,
    ConsultationRequest,
    OutboxMessage,
    PasswordResetToken,
    RosterEntry,
    RosterImport,
    RosterInvitation,
    User,
    UserRole,
    UserSession,
)
from elearn.models.base import utcnow
from elearn.privacy.erasure import erase_personal_data
from elearn.security import ABSOLUTE_TIMEOUT

# An unconfirmed roster preview is kept this long (the admin confirms it the same day, usually).
ROSTER_PREVIEW_LIFETIME = timedelta(days=7)


@dataclass
class PurgePlan:
    closed_cases: list[int]
    inactive_accounts: list[int]
    # Technical rows that only hold personal data for a while (counted, deleted by criteria).
    old_rows: dict[str, int] = field(default_factory=dict)
    now: datetime = field(default_factory=utcnow)
    outbox_days: int = 90
    # Roster entries of people who left the cooperative longer ago than roster_left_days, and
    # how many invitations go with them.
    left_roster: list[int] = field(default_factory=list)
    left_roster_invitations: int = 0
    roster_left_days: int = 365


def _left_long_ago(now: datetime, roster_left_days: int) -> ColumnElement[bool]:
    """Roster entries of people who left the cooperative (missing from a later payroll file)
    more than `roster_left_days` ago. The whole row goes, with its invitations, whether or not
    an account was made from it: within the period a person who comes back (a renewed
    fixed-term contract) is recognised and their account linked again; after it the entry has
    no use. The account itself is not touched (it follows the inactive-account rule)."""
    return RosterEntry.left_at.is_not(None) & (
        RosterEntry.left_at < now - timedelta(days=roster_left_days)
    )


def _old_row_conditions(now: datetime, outbox_days: int) -> dict[str, tuple[type, object]]:
    """Rows past their use: ended sessions, spent reset links, delivered e-mails (which quote
    names, appointment times and links), login-attempt counters, unconfirmed roster previews."""
    return {
        "sessions": (
            UserSession,
            UserSession.created_at < now - ABSOLUTE_TIMEOUT - timedelta(days=1),
        ),
        "reset_links": (
            PasswordResetToken,
            PasswordResetToken.expires_at < now - timedelta(days=1),
        ),
        "e-mails": (
            OutboxMessage,
            OutboxMessage.status.in_(("sent", "failed", "cancelled"))
            & (OutboxMessage.created_at < now - timedelta(days=outbox_days)),
        ),
        "login_attempts": (AuthAttempt, AuthAttempt.created_at < now - timedelta(days=1)),
        # Roster previews never confirmed: their plan holds the file's names and contacts.
        "roster_previews": (
            RosterImport,
            RosterImport.applied_at.is_(None)
            & (RosterImport.created_at < now - ROSTER_PREVIEW_LIFETIME),
        ),
    }


def purge_plan(
    closed_case_days: int,
    inactive_account_days: int,
    outbox_days: int = 90,
    roster_left_days: int = 365,
) -> PurgePlan:
    """What the retention rules would remove now (nothing is changed)."""
    now = utcnow()
    old_rows = {
        name: db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
        for name, (model, condition) in _old_row_conditions(now, outbox_days).items()
    }
    cases = list(
        db.session.scalars(
            select(ConsultationRequest.id).where(
                ConsultationRequest.closed_at.is_not(None),
                ConsultationRequest.closed_at < now - timedelta(days=closed_case_days),
            )
        )
    )
    cutoff = now - timedelta(days=inactive_account_days)
    accounts = list(
        db.session.scalars(
            select(User.id)
            .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == "worker"))
            .where(
                User.active.is_(True),
                func.coalesce(User.last_login_at, User.created_at) < cutoff,
                User.id.not_in(select(UserRole.user_id).where(UserRole.role != "worker")),
            )
        )
    )
    left_roster = list(
        db.session.scalars(
            select(RosterEntry.id)
            .where(_left_long_ago(now, roster_left_days))
            .order_by(RosterEntry.id)
        )
    )
    left_invitations = (
        db.session.scalar(
            select(func.count(RosterInvitation.id)).where(
                RosterInvitation.roster_entry_id.in_(left_roster)
            )
        )
        or 0
    )
    return PurgePlan(
        cases,
        accounts,
        old_rows,
        now,
        outbox_days,
        left_roster=left_roster,
        left_roster_invitations=left_invitations,
        roster_left_days=roster_left_days,
    )


def apply_purge(plan: PurgePlan) -> None:
    for model, condition in _old_row_conditions(plan.now, plan.outbox_days).values():
        db.session.execute(delete(model).where(condition))
    if plan.closed_cases:
        # The database cascades to messages, notes, appointments and attached scenarios.
        db.session.execute(
            delete(ConsultationRequest).where(ConsultationRequest.id.in_(plan.closed_cases))
        )
    if plan.left_roster:
        # Checked again: an import may have brought a person back since the plan was made.
        leaving = select(RosterEntry.id).where(
            RosterEntry.id.in_(plan.left_roster), _left_long_ago(plan.now, plan.roster_left_days)
        )
        db.session.execute(
            delete(RosterInvitation).where(RosterInvitation.roster_entry_id.in_(leaving))
        )
        db.session.execute(
            delete(RosterEntry).where(
                RosterEntry.id.in_(plan.left_roster),
                _left_long_ago(plan.now, plan.roster_left_days),
            )
        )
    for user_id in plan.inactive_accounts:
        user = db.session.get(User, user_id)
        if user is not None:
            erase_personal_data(user)
    audit.record(
        "privacy.purge",
        actor_id=None,
        detail=f"cases={len(plan.closed_cases)} accounts={len(plan.inactive_accounts)} "
        f"roster_left={len(plan.left_roster)} "
        f"roster_invitations={plan.left_roster_invitations} "
        + " ".join(f"{name}={count}" for name, count in plan.old_rows.items()),
    )
    db.session.commit()
