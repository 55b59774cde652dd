"""Erasure (GDPR art. 17): a worker asks, an admin or their welfare manager confirms, and the
person's data is deleted or irreversibly pseudonymised while aggregates stay."""

from __future__ import annotations

import secrets

from sqlalchemy import delete, null, select, update

from elearn import audit
from elearn.auth.services import hash_password
from elearn.extensions import db
from elearn.labs.personal_data import forget_author
from elearn.models import (
    Appointment,
    CaseNote,
    ConsentRecord,
    ConsultationRequest,
    ErasureRequest,
    HealthNeedProfile,
    ImpactPrompt,
    ImpactResponse,
    ManagerOrganization,
    NudgeSent,
    OutboxMessage,
    PasswordResetToken,
    PathwayItem,
    QuizAttempt,
    ReminderPreference,
    RequestMessage,
    SavedScenario,
    TargetGroupDeclaration,
    User,
    UserRole,
    UserSession,
)
from elearn.models.base import utcnow
from elearn.models.resources import RequestResourceMap, ResourceProfile
from elearn.roster.services import forget_account


def request_erasure(user: User, *, remote_addr: str = "") -> ErasureRequest:
    pending = db.session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.user_id == user.id, ErasureRequest.status == "pending"
        )
    )
    if pending is not None:
        return pending
    row = ErasureRequest(user_id=user.id, organization_id=user.organization_id)
    db.session.add(row)
    audit.record(
        "privacy.erasure_requested",
        actor_id=user.id,
        subject_user_id=user.id,
        remote_addr=remote_addr,
    )
    db.session.commit()
    return row


def pending_erasure(user_id: int) -> ErasureRequest | None:
    return db.session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.user_id == user_id, ErasureRequest.status == "pending"
        )
    )


def erasure_requests_for(reviewer: User) -> list[ErasureRequest]:
    """Pending requests an admin (all) or a welfare manager (their organizations) may confirm."""
    query = select(ErasureRequest).where(ErasureRequest.status == "pending")
    if not reviewer.has_role("admin"):
        query = query.where(
            ErasureRequest.organization_id.in_([org.id for org in reviewer.managed_organizations])
        )
    return list(db.session.scalars(query.order_by(ErasureRequest.requested_at)))


def erase_user(request_row: ErasureRequest, reviewer: User, *, remote_addr: str = "") -> None:
    """Carry out a confirmed erasure request."""
    user = db.session.get(User, request_row.user_id)
    assert user is not None
    erase_personal_data(user)
    request_row.status = "done"
    request_row.decided_by_id = reviewer.id
    request_row.decided_at = utcnow()
    audit.record(
        "privacy.erasure",
        actor_id=reviewer.id,
        subject_user_id=user.id,
        detail=f"request {request_row.id}",
        remote_addr=remote_addr,
    )
    db.session.commit()


def erase_personal_data(user: User) -> None:
    """Delete or irreversibly pseudonymise a person's data; aggregates stay (no commit).

    tests/privacy/test_erasure_everywhere.py walks every table that can hold a row of the
    person and fails on any left here that is not kept on purpose (a new table with a person
    reference fails it until it is erased here or kept there with a reason)."""
    old_email = user.email
    request_ids = select(ConsultationRequest.id).where(ConsultationRequest.worker_id == user.id)
    for statement in (
        # Reminders first: a sent nudge points at the e-mail and the pathway step it was about.
        delete(NudgeSent).where(NudgeSent.user_id == user.id),
        delete(ReminderPreference).where(ReminderPreference.user_id == user.id),
        delete(OutboxMessage).where(
            (OutboxMessage.recipient == old_email) | (OutboxMessage.user_id == user.id)
        ),
        # The resources answers (pregnancy, Law 104, a child's disability) and every map the
        # person shared with a request: the manager's case file no longer shows one.
        delete(ResourceProfile).where(ResourceProfile.user_id == user.id),
        delete(RequestResourceMap).where(
            (RequestResourceMap.worker_id == user.id)
            | RequestResourceMap.request_id.in_(request_ids)
        ),
        # Pathway steps: a title such as "Congedo di maternità" tells what the map found.
        delete(PathwayItem).where(PathwayItem.worker_id == user.id),
        delete(SavedScenario).where(SavedScenario.user_id == user.id),
        delete(TargetGroupDeclaration).where(TargetGroupDeclaration.user_id == user.id),
        delete(HealthNeedProfile).where(HealthNeedProfile.user_id == user.id),
        delete(ConsentRecord).where(ConsentRecord.user_id == user.id),
        delete(ImpactResponse).where(ImpactResponse.user_id == user.id),
        delete(ImpactPrompt).where(ImpactPrompt.user_id == user.id),
        delete(RequestMessage).where(RequestMessage.request_id.in_(request_ids)),
        delete(CaseNote).where(CaseNote.request_id.in_(request_ids)),
        delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id),
        delete(UserSession).where(UserSession.user_id == user.id),
        update(QuizAttempt).where(QuizAttempt.user_id == user.id).values(response="{}"),
        update(Appointment).where(Appointment.request_id.in_(request_ids)).values(location=""),
        update(ConsultationRequest)
        .where(ConsultationRequest.worker_id == user.id)
        .values(description="", preferred_times="", outcome=None, context_inputs=null()),
    ):
        db.session.execute(statement)

    # Lab cards stay on the board, anonymous; they keep counting their author as a supporter.
    forget_author(user.id)

    # The roster no longer says which account was theirs; their invitations never work again.
    forget_account(user.id)
    # The account stays as an anonymous row so counts and funnels do not change.
    user.email = f"erased-{user.id}-{secrets.token_hex(4)}@invalid.local"
    user.full_name = "—"
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.active = False  # which ends every session of the account (models.users)
    db.session.execute(
        delete(UserRole).where(UserRole.user_id == user.id, UserRole.role != "worker")
    )
    db.session.execute(delete(ManagerOrganization).where(ManagerOrganization.user_id == user.id))
