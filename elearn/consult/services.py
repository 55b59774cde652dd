"""Consultations for workers: requests, messages, sharing, pathway, Welfare days, e-mail."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context, url_for
from flask_babel import force_locale, gettext, lazy_gettext
from icalendar import Calendar, Event
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elearn.extensions import db
from elearn.models import (
    Appointment,
    AppointmentSlot,
    ConsultationRequest,
    Course,
    CourseModule,
    ManagerOrganization,
    ModuleProgress,
    Organization,
    PathwayItem,
    RequestMessage,
    RequestScenario,
    SavedScenario,
    SocialPoint,
    User,
    UserRole,
    WelfareDay,
    WelfareDayRegistration,
)
from elearn.models.base import utcnow
from elearn.outbox.services import enqueue
from elearn.urls import public_url

ROME = ZoneInfo("Europe/Rome")

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


class ConsultError(Exception):
    """A change refused for a reason the user can fix; ``message`` is already translated."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- requests ------------------------------------------------------------------------------------


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
    from elearn.simulate.services import scenarios_for

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
    )
    db.session.add(consultation)
    db.session.flush()
    for scenario_id in sorted(owned):
        db.session.add(RequestScenario(request_id=consultation.id, scenario_id=scenario_id))
    mail_staff(consultation, "new")
    db.session.commit()
    return consultation


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


def appointments_of(request_id: int) -> list[Appointment]:
    return list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.request_id == request_id)
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def current_appointment(request_id: int) -> Appointment | None:
    return db.session.scalar(
        select(Appointment).where(
            Appointment.request_id == request_id, Appointment.status == "booked"
        )
    )


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


def _touch(consultation: ConsultationRequest) -> None:
    consultation.updated_at = utcnow()


def add_worker_message(consultation: ConsultationRequest, worker: User, body: str) -> None:
    if consultation.status == "closed":
        raise ConsultError(gettext("This request is closed. Ask a new consultation instead."))
    db.session.add(
        RequestMessage(request_id=consultation.id, author_id=worker.id, body=body.strip())
    )
    if consultation.status == "waiting":
        consultation.status = "new"
    _touch(consultation)
    mail_staff(consultation, "message")
    db.session.commit()


def free_slot(appointment: Appointment) -> None:
    appointment.status = "cancelled"
    appointment.slot_id = None


def cancel_request(consultation: ConsultationRequest, worker: User) -> None:
    if consultation.status == "closed":
        raise ConsultError(gettext("This request is already closed."))
    for appointment in appointments_of(consultation.id):
        if appointment.status == "booked":
            free_slot(appointment)
    consultation.status = "closed"
    consultation.cancelled_by_worker = True
    consultation.closed_at = utcnow()
    consultation.outcome = None
    _touch(consultation)
    mail_staff(consultation, "cancelled")
    db.session.commit()


def ask_reschedule(consultation: ConsultationRequest, worker: User, body: str) -> None:
    if current_appointment(consultation.id) is None:
        raise ConsultError(gettext("There is no appointment to move."))
    text = body.strip() or gettext("I would like to move the appointment.")
    db.session.add(RequestMessage(request_id=consultation.id, author_id=worker.id, body=text))
    consultation.reschedule_requested_at = utcnow()
    _touch(consultation)
    mail_staff(consultation, "reschedule")
    db.session.commit()


def set_sharing(consultation: ConsultationRequest, share: bool) -> None:
    consultation.share_progress = share
    _touch(consultation)
    db.session.commit()


def asked_from(consultation: ConsultationRequest) -> list[str]:
    """Where the worker asked from, in titles ("Il bilancio familiare", "Le spese", "Prestito"),
    never in addresses or library names; a course removed since keeps its address."""
    from elearn.learning.services import published_course
    from elearn.simulate.services import simulator_title

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
    from elearn.simulate.services import scenario_summary

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


@dataclass
class SharedCourse:
    title: str
    modules: int
    completed_modules: int
    percent: int


def course_progress(worker_id: int) -> list[SharedCourse]:
    """The worker's started courses with modules done. Learning state: a manager gets it only
    through manage.services.case_learning, which asks the privacy rule first."""
    from elearn.learning.services import catalogue

    return [
        SharedCourse(card.course.title, card.modules, card.completed_modules, card.percent)
        for card in catalogue(worker_id)
        if card.started
    ]


# --- the personal pathway ------------------------------------------------------------------------


@dataclass
class PathwayEntry:
    id: int
    kind: str
    title: str
    url: str | None
    due_date: date | None
    done: bool | None  # None: the viewer may not see the worker's learning state
    course_slug: str | None = None
    module_slug: str | None = None


def pathway_items(worker_id: int) -> list[PathwayItem]:
    return list(
        db.session.scalars(
            select(PathwayItem)
            .where(PathwayItem.worker_id == worker_id)
            .order_by(PathwayItem.due_date.is_(None), PathwayItem.due_date, PathwayItem.id)
        )
    )


def pathway_for(user_id: int, *, with_state: bool = True) -> list[PathwayEntry]:
    """The worker's personal pathway with done flags: modules are done when the worker's own
    progress says so, actions when the worker ticked them. With `with_state=False` the steps
    come as assigned (title, due date) with `done=None`, and progress is not even read: what
    a manager gets when the privacy rule (elearn.privacy.learning_access) says no."""
    items = pathway_items(user_id)
    module_keys = {(i.course_slug, i.module_slug) for i in items if i.kind == "module"}
    titles: dict[tuple[str, str], str] = {}
    completed: set[tuple[str, str]] = set()
    if module_keys:
        slugs = {course for course, _ in module_keys}
        for course_slug, module_slug, module_title, course_title in db.session.execute(
            select(Course.slug, CourseModule.slug, CourseModule.title, Course.title)
            .join(CourseModule, CourseModule.course_id == Course.id)
            .where(Course.slug.in_(slugs))
        ):
            titles[(course_slug, module_slug)] = f"{module_title} ({course_title})"
        if with_state:
            completed = {
                (row.course_slug, row.module_slug)
                for row in db.session.execute(
                    select(ModuleProgress.course_slug, ModuleProgress.module_slug).where(
                        ModuleProgress.user_id == user_id,
                        ModuleProgress.completed_at.is_not(None),
                        ModuleProgress.course_slug.in_(slugs),
                    )
                )
            }
    entries = []
    for item in items:
        if item.kind == "module":
            key = (item.course_slug or "", item.module_slug or "")
            entries.append(
                PathwayEntry(
                    id=item.id,
                    kind="module",
                    title=titles.get(key, key[1]),
                    url=url_for("learning.module", slug=key[0], module_slug=key[1])
                    if "learning.module" in current_app.view_functions
                    else None,
                    due_date=item.due_date,
                    done=(key in completed) if with_state else None,
                    course_slug=key[0],
                    module_slug=key[1],
                )
            )
        else:
            entries.append(
                PathwayEntry(
                    id=item.id,
                    kind="action",
                    title=item.title or "",
                    url=None,
                    due_date=item.due_date,
                    done=(item.done_at is not None) if with_state else None,
                )
            )
    return entries


def tick_action(worker_id: int, item_id: int, done: bool) -> bool:
    """Mark one of the worker's own actions done or not; False when there is no such action."""
    item = db.session.scalar(
        select(PathwayItem).where(
            PathwayItem.id == item_id,
            PathwayItem.worker_id == worker_id,
            PathwayItem.kind == "action",
        )
    )
    if item is None:
        return False
    item.done_at = utcnow() if done else None
    db.session.commit()
    return True


# --- calendar files and e-mail ------------------------------------------------------------------


# Control characters are not allowed in iCalendar text (RFC 5545 3.3.11: only TAB among
# them); a terminal escape or a bell in a title must not reach people's calendar apps.
_NOT_CALENDAR_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029]")


def calendar_text(value: str) -> str:
    """Text as it may go into an .ics: line breaks made plain `\\n`, other control characters
    (C0 but TAB and line feed, DEL, C1) removed. Every text field of `_ics` passes here."""
    return _NOT_CALENDAR_TEXT.sub("", _LINE_BREAKS.sub("\n", value or ""))


def _ics(
    uid: str,
    summary: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    text: str,
    *,
    url: str,
    cancelled: bool = False,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//WELFARE3//Consultations//IT")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", calendar_text(uid))
    event.add("dtstamp", utcnow())
    event.add("dtstart", starts_at.astimezone(ROME))
    event.add("dtend", ends_at.astimezone(ROME))
    event.add("summary", calendar_text(summary))
    event.add("location", calendar_text(location))
    event.add("description", calendar_text(text))
    event.add("url", url)  # the page on the site, from PUBLIC_BASE_URL like every mailed link
    if cancelled:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def appointment_location(channel: str, point: SocialPoint | None) -> str:
    if channel == "in_person" and point is not None:
        return f"{point.name}, {point.address}"
    return str(CHANNEL_LABELS[channel])


def appointment_ics(appointment: Appointment) -> bytes:
    return _ics(
        f"appointment-{appointment.id}@welfare3.local",
        gettext("Meeting with the Welfare Manager"),
        appointment.starts_at,
        appointment.ends_at,
        appointment.location,
        gettext("WELFARE³: your consultation with the Welfare Manager."),
        url=public_url("consult.request_detail", request_id=appointment.request_id),
        cancelled=appointment.status == "cancelled",
    )


def welfare_day_ics(event: WelfareDay) -> bytes:
    return _ics(
        f"welfare-day-{event.id}@welfare3.local",
        event.title,
        event.starts_at,
        event.ends_at,
        event.place,
        event.programme,
        url=public_url("consult.welfare_days"),
    )


def long_when(value: datetime) -> str:
    """A day and time people read easily, in Rome time: "giovedì 26 novembre 2026, 10:00"."""
    from flask_babel import format_date, format_time

    return f"{format_date(value, 'full')}, {format_time(value, 'short')}"


def _language(user: User) -> str:
    return user.language if user.language in ("it", "en") else "it"


def mail_appointment_booked(appointment: Appointment, worker: User) -> None:
    with force_locale(_language(worker)):
        body = gettext(
            "Hello %(name)s,\n\nyour meeting with the Welfare Manager is booked:\n"
            "%(when)s\n%(where)s\n\nThe calendar file attached adds it to your phone.\n"
            "If you cannot come, open your request and ask to move it:\n%(link)s\n",
            name=worker.first_name,
            when=long_when(appointment.starts_at),
            where=appointment.location,
            link=public_url("consult.request_detail", request_id=appointment.request_id),
        )
        enqueue(
            worker.email,
            gettext("Your appointment with the Welfare Manager"),
            body,
            attachment=appointment_ics(appointment),
            attachment_name="appuntamento.ics",
            attachment_type="text/calendar",
        )


def mail_appointment_cancelled(appointment: Appointment, worker: User) -> None:
    with force_locale(_language(worker)):
        enqueue(
            worker.email,
            gettext("Your appointment was cancelled"),
            gettext(
                "Hello %(name)s,\n\nthe meeting of %(when)s was cancelled. The Welfare Manager "
                "will propose another time:\n%(link)s\n",
                name=worker.first_name,
                when=long_when(appointment.starts_at),
                link=public_url("consult.request_detail", request_id=appointment.request_id),
            ),
            attachment=appointment_ics(appointment),
            attachment_name="appuntamento.ics",
            attachment_type="text/calendar",
        )


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


def _staff_for(consultation: ConsultationRequest) -> list[User]:
    """Who hears about a worker's step: the assigned manager, else every manager of the coop."""
    managers = managers_of(consultation.organization_id)
    assigned = [m for m in managers if m.id == consultation.assigned_manager_id]
    return assigned or managers


def mail_staff(consultation: ConsultationRequest, event: str) -> None:
    """Tell the Welfare Manager(s) that a worker did something on a request.

    The e-mail says only what happened and where (request number, cooperative, link): the
    worker's name, topic and words stay on the site, behind the login.
    """
    for manager in _staff_for(consultation):
        with force_locale(_language(manager)):
            subjects = {
                "new": gettext("New consultation request no. %(n)d", n=consultation.id),
                "message": gettext("New message on request no. %(n)d", n=consultation.id),
                "reschedule": gettext(
                    "Request no. %(n)d: the worker asks to move the appointment",
                    n=consultation.id,
                ),
                "cancelled": gettext(
                    "Request no. %(n)d was cancelled by the worker", n=consultation.id
                ),
            }
            enqueue(
                manager.email,
                subjects[event],
                gettext(
                    "Hello %(name)s,\n\n%(what)s (%(org)s).\nOpen it here:\n%(link)s\n",
                    name=manager.first_name,
                    what=subjects[event],
                    org=consultation.organization.name,
                    link=public_url("manage.case", request_id=consultation.id),
                ),
            )


def mail_new_message(consultation: ConsultationRequest, worker: User) -> None:
    # The message itself stays on the site: e-mail is not the place for personal matters.
    with force_locale(_language(worker)):
        enqueue(
            worker.email,
            gettext("A new message from the Welfare Manager"),
            gettext(
                "Hello %(name)s,\n\nthe Welfare Manager wrote to you about your request. "
                "Read it here:\n%(link)s\n",
                name=worker.first_name,
                link=public_url("consult.request_detail", request_id=consultation.id),
            ),
        )


def _mail_welfare_day(registration: WelfareDayRegistration, kind: str) -> None:
    worker = registration.worker
    event = registration.welfare_day
    with force_locale(_language(worker)):
        details = gettext(
            "%(title)s\n%(when)s\n%(place)s",
            title=event.title,
            when=long_when(event.starts_at),
            place=event.place,
        )
        link = public_url("consult.welfare_days")
        attachment = None
        if kind == "registered":
            subject = gettext("Your place at the Welfare day")
            body = gettext(
                "Hello %(name)s,\n\nyour place is confirmed:\n%(details)s\n\n"
                "If you cannot come, free your place for someone else:\n%(link)s\n",
                name=worker.first_name,
                details=details,
                link=link,
            )
            attachment = welfare_day_ics(event)
        elif kind == "promoted":
            subject = gettext("A place freed up: you are in")
            body = gettext(
                "Hello %(name)s,\n\na place freed up and it is yours:\n%(details)s\n\n"
                "If you cannot come, free your place for someone else:\n%(link)s\n",
                name=worker.first_name,
                details=details,
                link=link,
            )
            attachment = welfare_day_ics(event)
        else:
            subject = gettext("You are on the waiting list")
            body = gettext(
                "Hello %(name)s,\n\nthe Welfare day is full, so you are on the waiting list:\n"
                "%(details)s\n\nIf a place frees up it is yours and we will write to you.\n",
                name=worker.first_name,
                details=details,
            )
        enqueue(
            worker.email,
            subject,
            body,
            attachment=attachment,
            attachment_name="welfare-day.ics" if attachment else None,
            attachment_type="text/calendar" if attachment else None,
        )


# --- Welfare days --------------------------------------------------------------------------------


@dataclass
class WelfareDayView:
    event: WelfareDay
    places_left: int
    registration: WelfareDayRegistration | None
    waitlist_position: int | None


def _waitlist_position(registration: WelfareDayRegistration) -> int:
    ahead = db.session.scalar(
        select(db.func.count(WelfareDayRegistration.id)).where(
            WelfareDayRegistration.welfare_day_id == registration.welfare_day_id,
            WelfareDayRegistration.status == "waitlisted",
            (WelfareDayRegistration.created_at < registration.created_at)
            | (
                (WelfareDayRegistration.created_at == registration.created_at)
                & (WelfareDayRegistration.id < registration.id)
            ),
        )
    )
    return (ahead or 0) + 1


def welfare_days_for_worker(worker: User) -> list[WelfareDayView]:
    if worker.organization_id is None:
        return []
    events = db.session.scalars(
        select(WelfareDay)
        .where(
            WelfareDay.organization_id == worker.organization_id,
            WelfareDay.ends_at > utcnow(),
        )
        .order_by(WelfareDay.starts_at)
    )
    views = []
    for event in events:
        registration = db.session.scalar(
            select(WelfareDayRegistration).where(
                WelfareDayRegistration.welfare_day_id == event.id,
                WelfareDayRegistration.worker_id == worker.id,
                WelfareDayRegistration.status != "cancelled",
            )
        )
        position = (
            _waitlist_position(registration)
            if registration is not None and registration.status == "waitlisted"
            else None
        )
        views.append(
            WelfareDayView(event, event.capacity - event.seats_taken, registration, position)
        )
    return views


def next_appointment_of(worker: User) -> Appointment | None:
    """The worker's next booked meeting with a Welfare Manager, if any."""
    return db.session.scalar(
        select(Appointment)
        .join(ConsultationRequest, ConsultationRequest.id == Appointment.request_id)
        .where(
            ConsultationRequest.worker_id == worker.id,
            Appointment.status == "booked",
            Appointment.starts_at > utcnow(),
        )
        .order_by(Appointment.starts_at)
        .limit(1)
    )


@dataclass(frozen=True)
class NextWelfareDay:
    """What the worker's home page shows of the cooperative's next Welfare day."""

    id: int
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime


# The worker home asks for the cooperative's next Welfare day on every view: the answer is kept
# per cooperative for a minute, and forgotten at once when this process writes a Welfare day
# (other processes see a change within the minute).
_NEXT_DAY_SECONDS = 60.0
_NEXT_DAY_CACHE = "consult.next_welfare_day"


def next_welfare_day_of(worker: User) -> NextWelfareDay | None:
    """The next Welfare day of the worker's cooperative, if any."""
    if worker.organization_id is None:
        return None
    cache = current_app.extensions.setdefault(_NEXT_DAY_CACHE, {})
    hit = cache.get(worker.organization_id)
    now = utcnow()
    if hit is not None and hit[0] > monotonic() and (hit[1] is None or hit[1].ends_at > now):
        return hit[1]
    row = db.session.execute(
        select(
            WelfareDay.id, WelfareDay.title, WelfareDay.place, WelfareDay.starts_at, WelfareDay.ends_at
        )
        .where(WelfareDay.organization_id == worker.organization_id, WelfareDay.ends_at > now)
        .order_by(WelfareDay.starts_at)
        .limit(1)
    ).first()
    found = NextWelfareDay(*row) if row is not None else None
    cache[worker.organization_id] = (monotonic() + _NEXT_DAY_SECONDS, found)
    return found


@event.listens_for(Session, "before_flush")
def _forget_next_welfare_days(session: Session, flush_context: object, instances: object) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if has_app_context() and any(isinstance(obj, WelfareDay) for obj in changed):
        current_app.extensions.pop(_NEXT_DAY_CACHE, None)


def worker_welfare_day(worker: User, event_id: int) -> WelfareDay | None:
    """An upcoming Welfare day of the worker's organization (the object-level check)."""
    return db.session.scalar(
        select(WelfareDay).where(
            WelfareDay.id == event_id,
            WelfareDay.organization_id == worker.organization_id,
        )
    )


def _take_seat(event_id: int) -> bool:
    # One atomic UPDATE: two workers can never take the last place together.
    result = db.session.execute(
        update(WelfareDay)
        .where(WelfareDay.id == event_id, WelfareDay.seats_taken < WelfareDay.capacity)
        .values(seats_taken=WelfareDay.seats_taken + 1)
    )
    return result.rowcount == 1


def register(worker: User, event: WelfareDay) -> WelfareDayRegistration:
    """A place if one is left, otherwise a waitlist place; an e-mail either way."""
    if event.starts_at <= utcnow():
        raise ConsultError(gettext("This Welfare day has already started."))
    registration = db.session.scalar(
        select(WelfareDayRegistration).where(
            WelfareDayRegistration.welfare_day_id == event.id,
            WelfareDayRegistration.worker_id == worker.id,
        )
    )
    if registration is not None and registration.status != "cancelled":
        raise ConsultError(gettext("You are already registered."))
    status = "registered" if _take_seat(event.id) else "waitlisted"
    if registration is None:
        registration = WelfareDayRegistration(
            welfare_day_id=event.id, worker_id=worker.id, status=status
        )
        db.session.add(registration)
    else:
        # Back after cancelling: the waitlist order starts again from now.
        registration.status = status
        registration.created_at = utcnow()
        registration.cancelled_at = None
        registration.promoted_at = None
    try:
        db.session.flush()
    except IntegrityError:  # the same worker clicking twice at once
        db.session.rollback()
        raise ConsultError(gettext("You are already registered.")) from None
    db.session.refresh(registration)
    _mail_welfare_day(registration, status)
    db.session.commit()
    return registration


def cancel_registration(worker: User, event: WelfareDay) -> WelfareDayRegistration | None:
    """Free the worker's place; the first on the waitlist gets it in the same transaction.

    Returns the promoted registration, if any."""
    registration = db.session.scalar(
        select(WelfareDayRegistration).where(
            WelfareDayRegistration.welfare_day_id == event.id,
            WelfareDayRegistration.worker_id == worker.id,
            WelfareDayRegistration.status != "cancelled",
        )
    )
    if registration is None:
        raise ConsultError(gettext("You are not registered for this Welfare day."))
    was_registered = registration.status == "registered"
    registration.status = "cancelled"
    registration.cancelled_at = utcnow()
    registration.checked_in_at = None
    promoted = None
    if was_registered:
        # Releasing the seat locks the event row, so concurrent cancellations promote in turn.
        db.session.execute(
            update(WelfareDay)
            .where(WelfareDay.id == event.id)
            .values(seats_taken=WelfareDay.seats_taken - 1)
        )
        db.session.flush()
        promoted = _promote_first(event.id)
    db.session.commit()
    return promoted


def _promote_first(event_id: int) -> WelfareDayRegistration | None:
    first = db.session.scalar(
        select(WelfareDayRegistration)
        .where(
            WelfareDayRegistration.welfare_day_id == event_id,
            WelfareDayRegistration.status == "waitlisted",
        )
        .order_by(WelfareDayRegistration.created_at, WelfareDayRegistration.id)
        .limit(1)
    )
    if first is None or not _take_seat(event_id):
        return None
    first.status = "registered"
    first.promoted_at = utcnow()
    db.session.flush()
    _mail_welfare_day(first, "promoted")
    return first


# --- reminders -----------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    appointments: int = 0
    welfare_days: int = 0


def _end_of_tomorrow(now: datetime) -> datetime:
    tomorrow = now.astimezone(ROME).date() + timedelta(days=1)
    return datetime.combine(tomorrow + timedelta(days=1), time(0, 0), tzinfo=ROME)


def send_reminders(now: datetime | None = None) -> ReminderReport:
    """Queue a reminder for every appointment and Welfare day place of tomorrow (Rome time).

    Run daily by cron. Each reminder is claimed with a conditional UPDATE in the same
    transaction as its e-mail, so running twice (even at once) never reminds twice."""
    now = now or utcnow()
    horizon = _end_of_tomorrow(now)
    report = ReminderReport()
    appointment_ids = db.session.scalars(
        select(Appointment.id).where(
            Appointment.status == "booked",
            Appointment.reminder_sent_at.is_(None),
            Appointment.starts_at > now,
            Appointment.starts_at < horizon,
        )
    ).all()
    for appointment_id in appointment_ids:
        claimed = db.session.execute(
            update(Appointment)
            .where(
                Appointment.id == appointment_id,
                Appointment.reminder_sent_at.is_(None),
                Appointment.status == "booked",
            )
            .values(reminder_sent_at=now)
        )
        if claimed.rowcount != 1:
            db.session.rollback()
            continue
        appointment = db.session.get(Appointment, appointment_id)
        assert appointment is not None
        worker = appointment.request.worker
        with force_locale(_language(worker)):
            enqueue(
                worker.email,
                gettext("Reminder: tomorrow you meet the Welfare Manager"),
                gettext(
                    "Hello %(name)s,\n\na reminder of your meeting with the Welfare Manager:\n"
                    "%(when)s\n%(where)s\n\nIf you cannot come, tell us here:\n%(link)s\n",
                    name=worker.first_name,
                    when=long_when(appointment.starts_at),
                    where=appointment.location,
                    link=public_url("consult.request_detail", request_id=appointment.request_id),
                ),
                attachment=appointment_ics(appointment),
                attachment_name="appuntamento.ics",
                attachment_type="text/calendar",
            )
        db.session.commit()
        report.appointments += 1
    registration_ids = db.session.scalars(
        select(WelfareDayRegistration.id)
        .join(WelfareDay, WelfareDay.id == WelfareDayRegistration.welfare_day_id)
        .where(
            WelfareDayRegistration.status == "registered",
            WelfareDayRegistration.reminder_sent_at.is_(None),
            WelfareDay.starts_at > now,
            WelfareDay.starts_at < horizon,
        )
    ).all()
    for registration_id in registration_ids:
        claimed = db.session.execute(
            update(WelfareDayRegistration)
            .where(
                WelfareDayRegistration.id == registration_id,
                WelfareDayRegistration.reminder_sent_at.is_(None),
                WelfareDayRegistration.status == "registered",
            )
            .values(reminder_sent_at=now)
        )
        if claimed.rowcount != 1:
            db.session.rollback()
            continue
        registration = db.session.get(WelfareDayRegistration, registration_id)
        assert registration is not None
        worker, event = registration.worker, registration.welfare_day
        with force_locale(_language(worker)):
            enqueue(
                worker.email,
                gettext("Reminder: the Welfare day is tomorrow"),
                gettext(
                    "Hello %(name)s,\n\na reminder: tomorrow is the Welfare day.\n"
                    "%(title)s\n%(when)s\n%(place)s\n",
                    name=worker.first_name,
                    title=event.title,
                    when=long_when(event.starts_at),
                    place=event.place,
                ),
                attachment=welfare_day_ics(event),
                attachment_name="welfare-day.ics",
                attachment_type="text/calendar",
                kind="reminder",  # after quiet hours, with the stop link; none once stopped
                user=worker,
                now=now,
            )
        db.session.commit()
        report.welfare_days += 1
    return report


# --- demo data -----------------------------------------------------------------------------------


def seed_demo_consultations() -> bool:
    """Slots for the next two weeks at the demo Social points, one Welfare day and one request
    from lavoratrice@demo.it. Does nothing when the demo request already exists."""
    worker = db.session.scalar(select(User).where(User.email == "lavoratrice@demo.it"))
    manager = db.session.scalar(select(User).where(User.email == "manager@demo.it"))
    if worker is None or manager is None or worker.organization_id is None:
        return False
    if db.session.scalar(
        select(ConsultationRequest.id).where(ConsultationRequest.worker_id == worker.id)
    ):
        return False
    today = utcnow().astimezone(ROME).date()
    org_ids = [org.id for org in manager.managed_organizations]
    points = db.session.scalars(
        select(SocialPoint).where(SocialPoint.organization_id.in_(org_ids or [-1]))
    ).all()
    for offset in range(1, 15):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5 or not points:
            continue
        for hour in (9, 10, 11, 15):
            # One manager is at one place at a time: the hours rotate over the points.
            point = points[(day.toordinal() + hour) % len(points)]
            starts = datetime.combine(day, time(hour, 0), tzinfo=ROME)
            taken = db.session.scalar(
                select(AppointmentSlot.id).where(
                    AppointmentSlot.manager_id == manager.id, AppointmentSlot.starts_at == starts
                )
            )
            if taken is None:
                db.session.add(
                    AppointmentSlot(
                        social_point_id=point.id,
                        manager_id=manager.id,
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=45),
                    )
                )
    organization = db.session.get(Organization, worker.organization_id)
    assert organization is not None
    first_point = next((p for p in points if p.organization_id == organization.id), None)
    # About ten days ahead, on a weekday (Welfare days are held at work, never on a Sunday).
    event_day = today + timedelta(days=10)
    while event_day.weekday() >= 5:
        event_day += timedelta(days=1)
    db.session.add(
        WelfareDay(
            organization_id=organization.id,
            title="Welfare day: bilancio familiare e bonus",
            starts_at=datetime.combine(event_day, time(9, 30), tzinfo=ROME),
            ends_at=datetime.combine(event_day, time(13, 0), tzinfo=ROME),
            place=f"{first_point.name}, {first_point.address}" if first_point else "Milano",
            programme=(
                "9:30 Accoglienza\n10:00 Il bilancio familiare in pratica\n"
                "11:30 Bonus e assegni per le famiglie\n12:30 Domande al Welfare Manager"
            ),
            capacity=25,
            created_by_id=manager.id,
        )
    )
    db.session.add(
        ConsultationRequest(
            worker_id=worker.id,
            organization_id=organization.id,
            topic="budget",
            description=(
                "Vorrei capire come organizzare meglio le spese di casa: a fine mese "
                "non riesco a mettere da parte niente."
            ),
            channel="in_person",
            social_point_id=first_point.id if first_point else None,
            preferred_times="Martedì o giovedì mattina",
            created_at=utcnow() - timedelta(days=2),
        )
    )
    db.session.commit()
    return True
