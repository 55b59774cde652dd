"""Consent choices (append-only history) and the consent-gated target-group declaration."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select

from elearn import audit
from elearn.extensions import db
from elearn.models import ConsentRecord, ErasureRequest, TargetGroupDeclaration, User
from elearn.models.base import utcnow
from elearn.models.progress import TARGET_GROUPS

# Bump when the wording shown to workers changes: each choice records the version it answered.
CONSENT_TEXT_VERSION = "2026-11-v1"


def current_consent(user_id: int, kind: str) -> bool | None:
    """The latest choice of `kind`, or None when the worker has not chosen yet."""
    return db.session.scalar(
        select(ConsentRecord.granted)
        .where(ConsentRecord.user_id == user_id, ConsentRecord.kind == kind)
        .order_by(ConsentRecord.id.desc())
        .limit(1)
    )


def needs_first_choice(user: User) -> bool:
    return user.has_role("worker") and current_consent(user.id, "progress_sharing") is None


def record_choice(user: User, kind: str, granted: bool, *, remote_addr: str = "") -> None:
    if current_consent(user.id, kind) is granted:
        return
    db.session.add(
        ConsentRecord(
            user_id=user.id, kind=kind, granted=granted, text_version=CONSENT_TEXT_VERSION
        )
    )
    if kind == "progress_sharing":
        user.shares_progress = granted
    if kind == "target_groups" and not granted:
        # Without consent the special-category data must not be kept.
        db.session.execute(
            delete(TargetGroupDeclaration).where(TargetGroupDeclaration.user_id == user.id)
        )
    audit.record(
        f"consent.{kind}.{'granted' if granted else 'withdrawn'}",
        actor_id=user.id,
        subject_user_id=user.id,
        detail=f"text {CONSENT_TEXT_VERSION}",
        remote_addr=remote_addr,
    )
    db.session.commit()


def declared_groups(user_id: int) -> set[str]:
    return set(
        db.session.scalars(
            select(TargetGroupDeclaration.target_group).where(
                TargetGroupDeclaration.user_id == user_id
            )
        )
    )


def set_target_groups(user: User, groups: set[str]) -> None:
    """Store the declaration only under a standing consent; otherwise store nothing."""
    groups = groups & set(TARGET_GROUPS)
    if not current_consent(user.id, "target_groups"):
        groups = set()
    db.session.execute(
        delete(TargetGroupDeclaration).where(TargetGroupDeclaration.user_id == user.id)
    )
    for group in sorted(groups):
        db.session.add(TargetGroupDeclaration(user_id=user.id, target_group=group))
    db.session.commit()


def consent_history(user_id: int) -> list[ConsentRecord]:
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user_id)
            .order_by(ConsentRecord.id.desc())
        )
    )


# --- access (art. 15) and erasure (art. 17) ---------------------------------------------------


def _rows(model: type, *conditions: object) -> list[dict[str, object]]:
    rows = []
    for obj in db.session.scalars(select(model).where(*conditions)):
        rows.append(
            {
                column.key: (value.isoformat() if hasattr(value, "isoformat") else value)
                for column in model.__table__.columns
                if column.key not in {"password_hash", "token_hash"}
                for value in [getattr(obj, column.key)]
                if not isinstance(value, bytes)
            }
        )
    return rows


def _audit_entries_about(user: User) -> list[dict[str, object]]:
    """The audit log as far as it is about `user`: what was done and when, and by whom only
    as a role ("you", "welfare_manager", ...). Another person's identity and address (a
    manager's IP) are that person's data, not the worker's (GDPR art. 15(4))."""
    from elearn.models import AuditEntry

    entries = db.session.scalars(
        select(AuditEntry)
        .where((AuditEntry.subject_user_id == user.id) | (AuditEntry.actor_id == user.id))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    ).all()
    others = {entry.actor_id for entry in entries if entry.actor_id not in (None, user.id)}
    roles_of = {
        person.id: person.roles
        for person in db.session.scalars(select(User).where(User.id.in_(others)))
    }
    rows: list[dict[str, object]] = []
    for entry in entries:
        own = entry.actor_id == user.id
        row: dict[str, object] = {
            "created_at": entry.created_at.isoformat(),
            "action": entry.action,
            "by": "you" if own else _role_name(entry.actor_id, roles_of),
            "detail": entry.detail,
        }
        if own:
            row["remote_addr"] = entry.remote_addr
        rows.append(row)
    return rows


def _role_name(actor_id: int | None, roles_of: dict[int, set[str]]) -> str:
    if actor_id is None:
        return "system"
    roles = roles_of.get(actor_id, set())
    for role, name in (("manager", "welfare_manager"), ("admin", "admin"), ("trainer", "trainer")):
        if role in roles:
            return name
    return "another_person"


def export_user_data(user: User, *, remote_addr: str = "") -> dict[str, object]:
    """Everything stored about the worker, as JSON-ready data. Case notes are the manager's
    working notes and are listed by count (ask the Welfare Manager for their content)."""
    from elearn.healthfund.services import export_for as health_needs_export
    from elearn.models import (
        ActivityDay,
        Appointment,
        CaseNote,
        ConsultationRequest,
        CourseCompletion,
        ModuleProgress,
        PathwayItem,
        QuizAttempt,
        RequestMessage,
        SavedScenario,
        WelfareDayRegistration,
    )
    from elearn.resources.answers import export_for as resources_export

    request_ids = select(ConsultationRequest.id).where(ConsultationRequest.worker_id == user.id)
    data: dict[str, object] = {
        "format": "welfare3-export-1",
        "profile": {
            "id": user.id,
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "organization": user.organization.name if user.organization else None,
            "roles": sorted(user.roles),
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        },
        "consents": _rows(ConsentRecord, ConsentRecord.user_id == user.id),
        "target_groups": sorted(declared_groups(user.id)),
        "module_progress": _rows(ModuleProgress, ModuleProgress.user_id == user.id),
        "quiz_answers": _rows(QuizAttempt, QuizAttempt.user_id == user.id),
        "course_completions": _rows(CourseCompletion, CourseCompletion.user_id == user.id),
        "activity_days": _rows(ActivityDay, ActivityDay.user_id == user.id),
        "saved_scenarios": _rows(SavedScenario, SavedScenario.user_id == user.id),
        "consultation_requests": _rows(
            ConsultationRequest, ConsultationRequest.worker_id == user.id
        ),
        "messages": _rows(RequestMessage, RequestMessage.request_id.in_(request_ids)),
        "appointments": _rows(Appointment, Appointment.request_id.in_(request_ids)),
        "case_notes_count": db.session.scalar(
            select(func.count(CaseNote.id)).where(CaseNote.request_id.in_(request_ids))
        ),
        "pathway": _rows(PathwayItem, PathwayItem.worker_id == user.id),
        "welfare_days": _rows(WelfareDayRegistration, WelfareDayRegistration.worker_id == user.id),
        "resources_map": resources_export(user.id),
        "health_fund_needs": health_needs_export(user.id),
        "audit_entries": _audit_entries_about(user),
    }
    from elearn.models import NudgeSent, ReminderPreference

    # Reminder e-mails: the stop choice and which nudges were sent (elearn/nudges).
    data["reminder_choice"] = _rows(ReminderPreference, ReminderPreference.user_id == user.id)
    data["nudges_sent"] = _rows(NudgeSent, NudgeSent.user_id == user.id)
    from elearn.labs.services import export_rows as lab_rows

    # Co-production labs: the person's cards, "+1"s and dots (kept apart from learning data).
    data.update(lab_rows(user))
    from elearn.impact.services import export_rows as impact_rows

    data["impact_measure"] = impact_rows(user.id)
    audit.record(
        "privacy.export", actor_id=user.id, subject_user_id=user.id, remote_addr=remote_addr
    )
    db.session.commit()
    return data


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
    _erase_personal_data(user)
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


def _erase_personal_data(user: User) -> None:
    """Delete or irreversibly pseudonymise a person's data; aggregates stay (no commit)."""
    import secrets

    from sqlalchemy import update

    from elearn.auth.services import hash_password
    from elearn.models import (
        Appointment,
        CaseNote,
        ConsultationRequest,
        HealthNeedProfile,
        ImpactPrompt,
        ImpactResponse,
        OutboxMessage,
        PasswordResetToken,
        QuizAttempt,
        RequestMessage,
        SavedScenario,
        UserRole,
        UserSession,
    )

    old_email = user.email
    request_ids = select(ConsultationRequest.id).where(ConsultationRequest.worker_id == user.id)
    for statement in (
        delete(OutboxMessage).where(OutboxMessage.recipient == old_email),
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
        .values(description="", preferred_times="", outcome=None),
    ):
        db.session.execute(statement)
    from elearn.labs.services import forget_author

    # Lab cards stay on the board, anonymous; they keep counting their author as a supporter.
    forget_author(user.id)
    from elearn.roster.services import forget_account

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


# --- retention (elearn privacy purge) ---------------------------------------------------------


@dataclass
class PurgePlan:
    closed_cases: list[int]
    inactive_accounts: list[int]
    # Technical rows that only hold personal data for a while (counted, deleted by criteria).
    old_rows: dict[str, int] = field(default_factory=dict)
    now: datetime = field(default_factory=utcnow)
    outbox_days: int = 90


def _old_row_conditions(now: datetime, outbox_days: int) -> dict[str, tuple[type, object]]:
    """Rows past their use: ended sessions, spent reset links, delivered e-mails (which quote
    names, appointment times and links), login-attempt counters."""
    from datetime import timedelta

    from elearn.models import AuthAttempt, OutboxMessage, PasswordResetToken, UserSession
    from elearn.security import ABSOLUTE_TIMEOUT

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
    }


def purge_plan(
    closed_case_days: int, inactive_account_days: int, outbox_days: int = 90
) -> PurgePlan:
    """What the retention rules would remove now (nothing is changed)."""
    from datetime import timedelta

    from elearn.models import ConsultationRequest, UserRole

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
    return PurgePlan(cases, accounts, old_rows, now, outbox_days)


def apply_purge(plan: PurgePlan) -> None:
    from elearn.models import ConsultationRequest

    for model, condition in _old_row_conditions(plan.now, plan.outbox_days).values():
        db.session.execute(delete(model).where(condition))
    if plan.closed_cases:
        # The database cascades to messages, notes, appointments and attached scenarios.
        db.session.execute(
            delete(ConsultationRequest).where(ConsultationRequest.id.in_(plan.closed_cases))
        )
    for user_id in plan.inactive_accounts:
        user = db.session.get(User, user_id)
        if user is not None:
            _erase_personal_data(user)
    audit.record(
        "privacy.purge",
        actor_id=None,
        detail=f"cases={len(plan.closed_cases)} accounts={len(plan.inactive_accounts)} "
        + " ".join(f"{name}={count}" for name, count in plan.old_rows.items()),
    )
    db.session.commit()
