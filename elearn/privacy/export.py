"""A worker's right of access (GDPR art. 15): everything stored about them, as JSON."""

from __future__ import annotations

from sqlalchemy import func, select

from elearn import audit
from elearn.extensions import db
from elearn.healthfund.household import export_for as health_needs_export
from elearn.impact.services import export_rows as impact_rows
from elearn.labs.personal_data import export_rows as lab_rows
from elearn.models import (
    ActivityDay,
    Appointment,
    AuditEntry,
    CaseNote,
    ConsentRecord,
    ConsultationRequest,
    CourseCompletion,
    ErasureRequest,
    ImpactPrompt,
    ModuleProgress,
    NudgeSent,
    OutboxMessage,
    PathwayItem,
    QuizAttempt,
    RegistrationReview,
    ReminderPreference,
    RequestMessage,
    RosterEntry,
    SavedScenario,
    User,
    UserSession,
    WelfareDayRegistration,
)
from elearn.privacy.services import declared_groups
from elearn.resources.answers import export_for as resources_export


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


def _iso(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _account_rows(user: User) -> dict[str, object]:
    """What the site keeps about the person's account besides their own activity: the
    cooperative's payroll entry, the e-mails sent or queued to them (what and when; the text
    holds links that must not outlive their mail), their erasure requests, a confirmation their
    account waits for, the impact questionnaire's "not now", and their logins (no secrets)."""
    payroll = [
        {
            "cooperative": entry.organization.name if entry.organization else None,
            "full_name": entry.full_name,
            "email": entry.email,
            "phone": entry.phone,
            "site": entry.site,
            "language": entry.language,
            "added_at": _iso(entry.created_at),
            "updated_at": _iso(entry.updated_at),
            "left_at": _iso(entry.left_at),
        }
        for entry in db.session.scalars(select(RosterEntry).where(RosterEntry.user_id == user.id))
    ]
    mails = db.session.scalars(
        select(OutboxMessage)
        .where((OutboxMessage.user_id == user.id) | (OutboxMessage.recipient == user.email))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    reviews = db.session.scalars(
        select(RegistrationReview).where(RegistrationReview.user_id == user.id)
    )
    return {
        "payroll_entry": payroll,
        "emails": [
            {
                "subject": mail.subject,
                "kind": mail.kind,
                "status": mail.status,
                "queued_at": _iso(mail.created_at),
                "sent_at": _iso(mail.sent_at),
            }
            for mail in mails
        ],
        "erasure_requests": [
            {
                "requested_at": _iso(row.requested_at),
                "status": row.status,
                "decided_at": _iso(row.decided_at),
            }
            for row in db.session.scalars(
                select(ErasureRequest).where(ErasureRequest.user_id == user.id)
            )
        ],
        "account_confirmation": [{"waiting_since": _iso(row.created_at)} for row in reviews],
        "impact_not_now": [
            {"until": _iso(row.snoozed_until)}
            for row in db.session.scalars(
                select(ImpactPrompt).where(ImpactPrompt.user_id == user.id)
            )
        ],
        "logins": [
            {
                "started_at": _iso(row.created_at),
                "last_seen_at": _iso(row.last_seen_at),
                "ended_at": _iso(row.revoked_at),
                "second_step": row.second_factor,
            }
            for row in db.session.scalars(
                select(UserSession)
                .where(UserSession.user_id == user.id)
                .order_by(UserSession.created_at)
            )
        ],
    }


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

    # Reminder e-mails: the stop choice and which nudges were sent (elearn/nudges).
    data["reminder_choice"] = _rows(ReminderPreference, ReminderPreference.user_id == user.id)
    data["nudges_sent"] = _rows(NudgeSent, NudgeSent.user_id == user.id)

    # Co-production labs: the person's cards, "+1"s and dots (kept apart from learning data).
    data.update(lab_rows(user))

    data["impact_measure"] = impact_rows(user.id)
    data.update(_account_rows(user))
    audit.record(
        "privacy.export", actor_id=user.id, subject_user_id=user.id, remote_addr=remote_addr
    )
    db.session.commit()
    return data
