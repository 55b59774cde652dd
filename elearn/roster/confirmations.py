"""The shared invite code, the admin's side: accounts waiting for confirmation (the list,
confirming with a roster entry, rejecting: the account is erased), turning the code on or off."""

from __future__ import annotations

from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from elearn import audit
from elearn.extensions import db
from elearn.models import Organization, RegistrationReview, RosterEntry, User
from elearn.outbox.services import enqueue
from elearn.privacy.erasure import erase_personal_data
from elearn.roster.invitations import revoke_open
from elearn.urls import public_url


def waiting(user_id: int) -> RegistrationReview | None:
    """The account's request for confirmation, while it waits. Until it is decided the account
    counts in none of its cooperative's figures: the rule of elearn.models.summary_sql._counted
    looks at the same row, and triggers on it update the summary rows when it goes."""
    return db.session.get(RegistrationReview, user_id)


def pending_reviews() -> list[tuple[RegistrationReview, list[RosterEntry]]]:
    """Accounts waiting for confirmation, each with the unlinked roster entries of the same
    cooperative whose name matches (to tie them on confirmation)."""
    reviews = db.session.scalars(
        select(RegistrationReview).order_by(RegistrationReview.created_at)
    ).all()
    result = []
    for review in reviews:
        name = " ".join(review.user.full_name.lower().split())
        candidates = db.session.scalars(
            select(RosterEntry).where(
                RosterEntry.organization_id == review.organization_id,
                RosterEntry.user_id.is_(None),
                RosterEntry.left_at.is_(None),
                func.lower(RosterEntry.full_name) == name,
            )
        ).all()
        result.append((review, list(candidates)))
    return result


def roster_emails(users: list[User]) -> set[str]:
    """Which of these accounts' e-mails are on their cooperative's roster, with no account."""
    return {
        user.email
        for user in users
        if db.session.scalar(
            select(RosterEntry.id).where(
                RosterEntry.email == user.email,
                RosterEntry.organization_id == user.organization_id,
                RosterEntry.user_id.is_(None),
                RosterEntry.left_at.is_(None),
            )
        )
    }


def confirm(review: RegistrationReview, *, entry_id: int | None, actor_id: int) -> None:
    user = review.user
    if entry_id:
        entry = db.session.get(RosterEntry, entry_id)
        if (
            entry is not None
            and entry.organization_id == review.organization_id
            and entry.user_id is None
        ):
            entry.user_id = user.id
            revoke_open(entry.id, "resent")
    db.session.delete(review)
    audit.record(
        "roster.account_confirmed",
        actor_id=actor_id,
        subject_user_id=user.id,
        detail=f"organization={review.organization_id} entry={entry_id or '-'}",
    )
    with force_locale(user.language):
        subject = gettext("WELFARE³: your account is confirmed")
        body = gettext(
            "Hello %(name)s,\n\n"
            "%(organization)s has confirmed your WELFARE³ account: every page is open to you "
            "now.\n\n%(link)s\n",
            name=user.first_name,
            organization=review.organization.name,
            link=public_url("core.home"),
        )
    enqueue(user.email, subject, body)
    db.session.commit()


def reject(review: RegistrationReview, *, actor_id: int) -> None:
    """Not a worker of the cooperative: the account is erased (it holds nothing but a name and
    an address) and its owner is told where to ask."""
    user = review.user
    email, language, name = user.email, user.language, user.first_name
    organization_name = review.organization.name
    db.session.delete(review)
    db.session.flush()
    erase_personal_data(user)
    audit.record(
        "roster.account_rejected",
        actor_id=actor_id,
        subject_user_id=user.id,
        detail=f"organization={review.organization_id}",
    )
    with force_locale(language):
        subject = gettext("WELFARE³: we could not confirm your account")
        body = gettext(
            "Hello %(name)s,\n\n"
            "%(organization)s could not find you among its workers, so the WELFARE³ account "
            "made with this e-mail address has been removed.\n\n"
            "If you work for the cooperative, ask at its Social point for a personal "
            "invitation.\n",
            name=name,
            organization=organization_name,
        )
    enqueue(email, subject, body)
    db.session.commit()


def set_shared_code(organization: Organization, enabled: bool, *, actor_id: int) -> None:
    organization.shared_code_enabled = enabled
    audit.record(
        "roster.shared_code_on" if enabled else "roster.shared_code_off",
        actor_id=actor_id,
        detail=f"organization={organization.id}",
    )
    db.session.commit()
