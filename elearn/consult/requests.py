"""Consultation requests: the worker asks and follows; the manager's queue and case file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import format_timedelta, gettext
from sqlalchemy import select

from elearn.consult.appointments import appointments_of, cancel_booked, current_appointment
from elearn.consult.mail import mail_new_message, mail_staff
from elearn.consult.rules import ConsultError, managed_org_ids, managers_of, record_case_step
from elearn.extensions import db
from elearn.learning.services import published_course
from elearn.models import (
    Appointment,
    CaseNote,
    ConsultationRequest,
    Course,
    RequestMessage,
    RequestScenario,
    SavedScenario,
    SocialPoint,
    User,
)
from elearn.models.base import utcnow
from elearn.simulate.services import (
    numbers_summary,
    scenario_summary,
    scenarios_for,
    simulator_title,
    validated_inputs,
)
from simulators import InvalidInput, UnknownSimulator

# --- asking (worker) -----------------------------------------------------------------------------


def social_points_of(organization_id: int | None) -> list[SocialPoint]:
    if organization_id is None:
        return []
    return list(
        db.session.scalars(
            select(SocialPoint)
            .where(SocialPoint.organization_id == organization_id, SocialPoint.active.is_(True))
            .order_by(SocialPoint.name)
        )
    )


def own_scenarios(user_id: int) -> list[SavedScenario]:
    return scenarios_for(user_id)


@dataclass
class RequestContext:
    """Where the worker came from: a module or a simulator result."""

    course_slug: str | None = None
    module_slug: str | None = None
    simulator: str | None = None
    scenario_id: int | None = None
    title: str = ""
    suggested_topic: str = ""


SIMULATOR_TOPICS = {
    "loan": "credit",
    "loan-compare": "credit",
    "loan-early-repayment": "credit",
    "savings": "savings",
    "savings-goal": "savings",
    "budget": "budget",
    "debt": "debts",
}


def request_context(
    user_id: int, course: str, module: str, simulator: str, scenario: str
) -> RequestContext:
    """Check the optional query parameters of the form and describe them; unknown ones vanish."""
    context = RequestContext()
    if course:
        found = db.session.scalar(
            select(Course).where(Course.slug == course[:80], Course.published_at.is_not(None))
        )
        if found is not None:
            context.course_slug = found.slug
            context.title = found.title
            module_row = next(
                (m for m in found.modules if m.slug == module[:120] and m.is_visible), None
            )
            if module_row is not None:
                context.module_slug = module_row.slug
                context.title = f"{found.title} – {module_row.title}"
    if simulator in SIMULATOR_TOPICS:
        context.simulator = simulator
        context.suggested_topic = SIMULATOR_TOPICS[simulator]
        if not context.title:
            context.title = gettext("A simulator result")
    # a plain id only: "²" passes isdigit() but not int(), 30 digits overflow the column
    if scenario.isascii() and scenario.isdigit() and len(scenario) <= 9:
        owned = db.session.scalar(
            select(SavedScenario).where(
                SavedScenario.id == int(scenario), SavedScenario.user_id == user_id
            )
        )
        if owned is not None:
            context.scenario_id = owned.id
            context.simulator = context.simulator or owned.simulator
            context.suggested_topic = context.suggested_topic or SIMULATOR_TOPICS.get(
                owned.simulator, ""
            )
            context.title = context.title or owned.name
    return context


def carried_numbers(simulator: str, args: Mapping[str, str], lang: str) -> dict[str, Any] | None:
    """The numbers a simulator page sends along with "Talk to the Welfare Manager about this",
    validated as a saved scenario's would be; None when there are none or they do not hold."""
    if simulator not in SIMULATOR_TOPICS or not args:
        return None
    try:
        return validated_inputs(simulator, args, lang)
    except (InvalidInput, UnknownSimulator):
        return None


def create_request(
    worker: User,
    *,
    topic: str,
    description: str,
    channel: str,
    social_point_id: int | None,
    preferred_times: str,
    scenario_ids: list[int],
    share_progress: bool,
    context: RequestContext,
    numbers: dict[str, Any] | None = None,
) -> ConsultationRequest:
    if worker.organization_id is None:
        raise ConsultError(
            gettext("Your account is not linked to a cooperative. Please ask the administrator.")
        )
    point_id = None
    if channel == "in_person":
        points = {point.id for point in social_points_of(worker.organization_id)}
        if social_point_id not in points:
            raise ConsultError(
                gettext("Choose a Social point of your cooperative."), "social_point"
            )
        point_id = social_point_id
    owned = set(
        db.session.scalars(
            select(SavedScenario.id).where(
                SavedScenario.user_id == worker.id, SavedScenario.id.in_(scenario_ids or [-1])
            )
        )
    )
    if set(scenario_ids) - owned:
        raise ConsultError(gettext("You can attach only your own saved scenarios."), "scenarios")
    consultation = ConsultationRequest(
        worker_id=worker.id,
        organization_id=worker.organization_id,
        topic=topic,
        description=description.strip(),
        channel=channel,
        social_point_id=point_id,
        preferred_times=preferred_times.strip(),
        share_progress=share_progress,
        context_course_slug=context.course_slug,
        context_module_slug=context.module_slug,
        context_simulator=context.simulator,
        context_inputs=numbers if numbers and context.simulator else None,
    )
    db.session.add(consultation)
    db.session.flush()
    for scenario_id in sorted(owned):
        db.session.add(RequestScenario(request_id=consultation.id, scenario_id=scenario_id))
    mail_staff(consultation, "new")
    db.session.commit()
    return consultation


# --- following a request (worker) ----------------------------------------------------------------


def requests_of(worker_id: int) -> list[ConsultationRequest]:
    return list(
        db.session.scalars(
            select(ConsultationRequest)
            .where(ConsultationRequest.worker_id == worker_id)
            .order_by(ConsultationRequest.created_at.desc(), ConsultationRequest.id.desc())
        )
    )


def get_own_request(worker_id: int, request_id: int) -> ConsultationRequest | None:
    """The request only if it belongs to the worker (the object-level check)."""
    return db.session.scalar(
        select(ConsultationRequest).where(
            ConsultationRequest.id == request_id, ConsultationRequest.worker_id == worker_id
        )
    )


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # "request", "message", "appointment"
    message: RequestMessage | None = None
    appointment: Appointment | None = None


def timeline(consultation: ConsultationRequest) -> list[TimelineEntry]:
    """Messages and appointments in time order. Case notes are deliberately not part of it."""
    entries = [TimelineEntry(consultation.created_at, "request")]
    for message in db.session.scalars(
        select(RequestMessage).where(RequestMessage.request_id == consultation.id)
    ):
        entries.append(TimelineEntry(message.created_at, "message", message=message))
    for appointment in appointments_of(consultation.id):
        entries.append(
            TimelineEntry(appointment.created_at, "appointment", appointment=appointment)
        )
    entries.sort(key=lambda entry: entry.at)
    return entries


def add_worker_message(consultation: ConsultationRequest, worker: User, body: str) -> None:
    if consultation.status == "closed":
        raise ConsultError(gettext("This request is closed. Ask a new consultation instead."))
    db.session.add(
        RequestMessage(request_id=consultation.id, author_id=worker.id, body=body.strip())
    )
    if consultation.status == "waiting":
        consultation.status = "new"
    consultation.touch()
    mail_staff(consultation, "message")
    db.session.commit()


def cancel_request(consultation: ConsultationRequest, worker: User) -> None:
    if consultation.status == "closed":
        raise ConsultError(gettext("This request is already closed."))
    cancel_booked(consultation.id)
    consultation.status = "closed"
    consultation.cancelled_by_worker = True
    consultation.closed_at = utcnow()
    consultation.outcome = None
    consultation.touch()
    mail_staff(consultation, "cancelled")
    db.session.commit()


def ask_reschedule(consultation: ConsultationRequest, worker: User, body: str) -> None:
    if current_appointment(consultation.id) is None:
        raise ConsultError(gettext("There is no appointment to move."))
    text = body.strip() or gettext("I would like to move the appointment.")
    db.session.add(RequestMessage(request_id=consultation.id, author_id=worker.id, body=text))
    consultation.reschedule_requested_at = utcnow()
    consultation.touch()
    mail_staff(consultation, "reschedule")
    db.session.commit()


def set_sharing(consultation: ConsultationRequest, share: bool) -> None:
    consultation.share_progress = share
    consultation.touch()
    db.session.commit()


def asked_from(consultation: ConsultationRequest) -> list[str]:
    """Where the worker asked from, in titles ("Il bilancio familiare", "Le spese", "Prestito"),
    never in addresses or library names; a course removed since keeps its address."""
    parts: list[str] = []
    if consultation.context_course_slug:
        course = published_course(consultation.context_course_slug)
        parts.append(course.title if course else consultation.context_course_slug)
        if consultation.context_module_slug:
            module = next(
                (
                    m
                    for m in (course.modules if course else [])
                    if m.slug == consultation.context_module_slug
                ),
                None,
            )
            parts.append(module.title if module else consultation.context_module_slug)
    if consultation.context_simulator:
        parts.append(
            gettext("Simulator: %(name)s", name=simulator_title(consultation.context_simulator))
        )
    return parts


def attached_scenarios(consultation: ConsultationRequest) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(SavedScenario)
        .join(RequestScenario, RequestScenario.scenario_id == SavedScenario.id)
        .where(
            RequestScenario.request_id == consultation.id,
            # Belt and braces: only the requester's own scenarios are ever shown.
            SavedScenario.user_id == consultation.worker_id,
        )
        .order_by(SavedScenario.name)
    )
    return [scenario_summary(row) for row in rows]


def carried_summary(consultation: ConsultationRequest) -> dict[str, Any] | None:
    """The simulator numbers the request carries, with their main results, or None."""
    if not consultation.context_inputs or not consultation.context_simulator:
        return None
    return numbers_summary(consultation.context_simulator, consultation.context_inputs)


# --- the queue and the case file (manager) -------------------------------------------------------


@dataclass
class QueueFilters:
    status: str = "open"
    topic: str = ""
    organization_id: int | None = None
    assigned: str = ""  # "", "me", "nobody"


@dataclass
class QueueRow:
    request: ConsultationRequest
    age: str
    next_appointment: Appointment | None


def queue(manager: User, filters: QueueFilters) -> list[QueueRow]:
    """Requests of the manager's organizations, oldest first (they have waited longest)."""
    org_ids = managed_org_ids(manager)
    if filters.organization_id is not None:
        org_ids = [i for i in org_ids if i == filters.organization_id]
    query = select(ConsultationRequest).where(
        ConsultationRequest.organization_id.in_(org_ids or [-1])
    )
    if filters.status == "open":
        query = query.where(ConsultationRequest.status != "closed")
    elif filters.status:
        query = query.where(ConsultationRequest.status == filters.status)
    if filters.topic:
        query = query.where(ConsultationRequest.topic == filters.topic)
    if filters.assigned == "me":
        query = query.where(ConsultationRequest.assigned_manager_id == manager.id)
    elif filters.assigned == "nobody":
        query = query.where(ConsultationRequest.assigned_manager_id.is_(None))
    requests = list(
        db.session.scalars(
            query.order_by(ConsultationRequest.created_at, ConsultationRequest.id).limit(500)
        )
    )
    booked = {
        appointment.request_id: appointment
        for appointment in db.session.scalars(
            select(Appointment).where(
                Appointment.status == "booked",
                Appointment.request_id.in_([r.id for r in requests] or [-1]),
            )
        )
    }
    now = utcnow()
    return [
        QueueRow(
            request,
            format_timedelta(now - request.created_at, granularity="hour", threshold=1.5),
            booked.get(request.id),
        )
        for request in requests
    ]


def get_case(manager: User, request_id: int) -> ConsultationRequest | None:
    """The request only if it belongs to an organization the manager follows."""
    return db.session.scalar(
        select(ConsultationRequest).where(
            ConsultationRequest.id == request_id,
            ConsultationRequest.organization_id.in_(managed_org_ids(manager) or [-1]),
        )
    )


def assign(consultation: ConsultationRequest, manager_id: int | None, actor: User) -> None:
    if manager_id is not None and manager_id not in {
        user.id for user in managers_of(consultation.organization_id)
    }:
        raise ConsultError(gettext("Choose a Welfare Manager of this organization."), "manager")
    consultation.assigned_manager_id = manager_id
    consultation.touch()
    record_case_step("consultation.assign", consultation, actor, f"manager={manager_id}")
    db.session.commit()


def add_manager_message(
    consultation: ConsultationRequest, manager: User, body: str, wait_for_worker: bool
) -> None:
    if consultation.status == "closed":
        raise ConsultError(gettext("Reopen the case before writing to the worker."))
    db.session.add(
        RequestMessage(
            request_id=consultation.id, author_id=manager.id, from_manager=True, body=body.strip()
        )
    )
    if wait_for_worker and consultation.status in ("new", "done"):
        consultation.status = "waiting"
    if consultation.assigned_manager_id is None:
        consultation.assigned_manager_id = manager.id
    consultation.mark_answered()
    mail_new_message(consultation, consultation.worker)
    db.session.commit()


def read_notes(
    consultation: ConsultationRequest, manager: User, remote_addr: str = ""
) -> list[CaseNote]:
    """The private notes of a case; every read is written to the audit log."""
    notes = list(
        db.session.scalars(
            select(CaseNote)
            .where(CaseNote.request_id == consultation.id)
            .order_by(CaseNote.created_at, CaseNote.id)
        )
    )
    record_case_step("case_notes.read", consultation, manager, f"notes={len(notes)}", remote_addr)
    db.session.commit()
    return notes


def add_note(consultation: ConsultationRequest, manager: User, body: str) -> None:
    db.session.add(CaseNote(request_id=consultation.id, author_id=manager.id, body=body.strip()))
    record_case_step("case_notes.write", consultation, manager)
    db.session.commit()


def close_case(consultation: ConsultationRequest, outcome: str, manager: User) -> None:
    cancel_booked(consultation.id)
    consultation.status = "closed"
    consultation.outcome = outcome.strip()
    consultation.closed_at = utcnow()
    consultation.touch()
    record_case_step("consultation.close", consultation, manager)
    db.session.commit()


def reopen_case(consultation: ConsultationRequest, manager: User) -> None:
    if consultation.status != "closed":
        raise ConsultError(gettext("This case is not closed."))
    consultation.status = "new"
    consultation.closed_at = None
    consultation.cancelled_by_worker = False
    consultation.touch()
    record_case_step("consultation.reopen", consultation, manager)
    db.session.commit()
