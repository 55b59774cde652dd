"""What the consultation features share: the error, labels, who manages whom, the audit of a
case step (the time zone is elearn.i18n.local_zone, read by every domain)."""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import select

from elearn import audit
from elearn.extensions import db
from elearn.form_errors import FieldError
from elearn.i18n import (
    local_zone,  # noqa: F401 (defined in i18n; tests/core/test_one_timezone.py reads consult's here)
    supported_language,
)
from elearn.models import ConsultationRequest, ManagerOrganization, User, UserRole

TOPIC_LABELS = {
    "budget": lazy_gettext("Household budget"),
    "debts": lazy_gettext("Debts"),
    "savings": lazy_gettext("Savings"),
    "credit": lazy_gettext("Credit and loans"),
    "maternity": lazy_gettext("Maternity and children"),
    "care104": lazy_gettext("Law 104 and care of relatives"),
    "health_fund": lazy_gettext("Supplementary health fund"),
    "other": lazy_gettext("Something else"),
}
CHANNEL_LABELS = {
    "in_person": lazy_gettext("In person at a Social point"),
    "phone": lazy_gettext("Phone call"),
    "video": lazy_gettext("Video call"),
}
STATUS_LABELS = {
    "new": lazy_gettext("New"),
    "waiting": lazy_gettext("Waiting for the worker"),
    "scheduled": lazy_gettext("Appointment booked"),
    "done": lazy_gettext("Meeting held"),
    "closed": lazy_gettext("Closed"),
}
# The same statuses in the worker's words.
WORKER_STATUS_LABELS = {
    "new": lazy_gettext("Sent: the Welfare Manager will answer soon"),
    "waiting": lazy_gettext("The Welfare Manager is waiting for your answer"),
    "scheduled": lazy_gettext("Appointment booked"),
    "done": lazy_gettext("Meeting held"),
    "closed": lazy_gettext("Closed"),
}
OPEN_STATUSES = ("new", "waiting", "scheduled", "done")


class ConsultError(FieldError):
    """A consultation change refused for a reason the user can fix."""


def language_of(user: User) -> str:
    """The language of the e-mails a person gets."""
    return supported_language(user.language)


def managed_org_ids(manager: User) -> list[int]:
    return [org.id for org in manager.managed_organizations]


def managers_of(organization_id: int) -> list[User]:
    """The active Welfare Managers who follow an organization, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(ManagerOrganization, ManagerOrganization.user_id == User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                ManagerOrganization.organization_id == organization_id,
                UserRole.role == "manager",
                User.active.is_(True),
            )
            .order_by(User.full_name)
        )
    )


def record_case_step(
    action: str,
    consultation: ConsultationRequest,
    actor: User,
    what: str = "",
    remote_addr: str = "",
) -> None:
    """A manager's step on a case, in the audit log: who, about which worker, on which request."""
    audit.record(
        action,
        actor_id=actor.id,
        subject_user_id=consultation.worker_id,
        detail=f"request={consultation.id} {what}".rstrip(),
        remote_addr=remote_addr,
    )
