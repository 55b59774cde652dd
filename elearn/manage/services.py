"""Case management for Welfare Managers: queue, case files, calendars, statistics, Welfare days."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import format_timedelta, gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from elearn import audit
from elearn.consult.services import (
    ROME,
    ConsultError,
    PathwayEntry,
    SharedCourse,
    appointment_location,
    appointments_of,
    course_progress,
    current_appointment,
    free_slot,
    mail_appointment_booked,
    mail_appointment_cancelled,
    mail_new_message,
    managers_of,
    pathway_for,
)
from elearn.extensions import db
from elearn.models import (
    Appointment,
    AppointmentSlot,
    CaseNote,
    ConsultationRequest,
    Course,
    CourseModule,
    Organization,
    PathwayItem,
    RequestMessage,
    SocialPoint,
    User,
    WelfareDay,
    WelfareDayRegistration,
)
from elearn.models.base import utcnow
from elearn.privacy import disclosure
from elearn.privacy.learning_access import learning_visible_to, record_read

MAX_REPEAT_WEEKS = 12


def managed_org_ids(manager: User) -> list[int]:
    return [org.id for org in manager.managed_organizations]


# --- the queue -----------------------------------------------------------------------------------


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


def _answered(consultation: ConsultationRequest) -> None:
    now = utcnow()
    consultation.updated_at = now
    if consultation.first_answer_at is None:
        consultation.first_answer_at = now


def assign(consultation: ConsultationRequest, manager_id: int | None, actor: User) -> None:
    if manager_id is not None and manager_id not in {
        user.id for user in managers_of(consultation.organization_id)
    }:
        raise ConsultError(gettext("Choose a Welfare Manager of this organization."), "manager")
    consultation.assigned_manager_id = manager_id
    consultation.updated_at = utcnow()
    audit.record(
        "consultation.assign",
        actor_id=actor.id,
        subject_user_id=consultation.worker_id,
        detail=f"request={consultation.id} manager={manager_id}",
    )
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
    _answered(consultation)
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
    audit.record(
        "case_notes.read",
        actor_id=manager.id,
        subject_user_id=consultation.worker_id,
        detail=f"request={consultation.id} notes={len(notes)}",
        remote_addr=remote_addr,
    )
    db.session.commit()
    return notes


def add_note(consultation: ConsultationRequest, manager: User, body: str) -> None:
    db.session.add(CaseNote(request_id=consultation.id, author_id=manager.id, body=body.strip()))
    audit.record(
        "case_notes.write",
        actor_id=manager.id,
        subject_user_id=consultation.worker_id,
        detail=f"request={consultation.id}",
    )
    db.session.commit()


# --- booking -------------------------------------------------------------------------------------


def free_slots_for(consultation: ConsultationRequest, limit: int = 60) -> list[AppointmentSlot]:
    """Future slots at the Social points of the request's organization not booked yet."""
    return list(
        db.session.scalars(
            select(AppointmentSlot)
            .join(SocialPoint, SocialPoint.id == AppointmentSlot.social_point_id)
            .outerjoin(Appointment, Appointment.slot_id == AppointmentSlot.id)
            .where(
                SocialPoint.organization_id == consultation.organization_id,
                AppointmentSlot.starts_at > utcnow(),
                Appointment.id.is_(None),
            )
            .order_by(AppointmentSlot.starts_at, AppointmentSlot.id)
            .limit(limit)
        )
    )


class SlotTaken(ConsultError):
    """Someone else booked the slot first."""


def book_slot(
    consultation: ConsultationRequest, slot_id: int, channel: str, manager: User
) -> Appointment:
    """Book a slot for the request and e-mail the worker an .ics. A booked appointment of the
    same request is moved. The UNIQUE slot_id makes a double booking impossible even when two
    managers press at the same moment: the loser gets SlotTaken. (PostgreSQL waits on the
    index for the other booking to commit; SQLite waits for the write lock before the first
    write, see elearn.database, and then sees the other booking.)"""
    if consultation.status == "closed":
        raise ConsultError(gettext("Reopen the case before booking an appointment."))
    slot = db.session.scalar(
        select(AppointmentSlot)
        .join(SocialPoint, SocialPoint.id == AppointmentSlot.social_point_id)
        .where(
            AppointmentSlot.id == slot_id,
            SocialPoint.organization_id == consultation.organization_id,
            AppointmentSlot.starts_at > utcnow(),
        )
    )
    if slot is None:
        raise ConsultError(gettext("This slot is not available. Choose another one."), "slot")
    previous = current_appointment(consultation.id)
    if previous is not None:
        free_slot(previous)
    appointment = Appointment(
        request_id=consultation.id,
        slot_id=slot.id,
        channel=channel,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        location=appointment_location(channel, slot.social_point),
        booked_by_id=manager.id,
    )
    db.session.add(appointment)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise SlotTaken(
            gettext("Someone else has just booked this slot. Please choose another one."), "slot"
        ) from None
    consultation.status = "scheduled"
    consultation.reschedule_requested_at = None
    if consultation.assigned_manager_id is None:
        consultation.assigned_manager_id = manager.id
    if consultation.first_appointment_at is None:
        consultation.first_appointment_at = utcnow()
    _answered(consultation)
    mail_appointment_booked(appointment, consultation.worker)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SlotTaken(
            gettext("Someone else has just booked this slot. Please choose another one."), "slot"
        ) from None
    return appointment


def get_appointment(consultation: ConsultationRequest, appointment_id: int) -> Appointment | None:
    return db.session.scalar(
        select(Appointment).where(
            Appointment.id == appointment_id, Appointment.request_id == consultation.id
        )
    )


def cancel_appointment(appointment: Appointment, manager: User) -> None:
    if appointment.status != "booked":
        raise ConsultError(gettext("This appointment is not booked."))
    free_slot(appointment)
    consultation = appointment.request
    if consultation.status == "scheduled":
        consultation.status = "new"
    consultation.updated_at = utcnow()
    mail_appointment_cancelled(appointment, consultation.worker)
    db.session.commit()


def mark_held(appointment: Appointment) -> None:
    if appointment.status != "booked":
        raise ConsultError(gettext("This appointment is not booked."))
    appointment.status = "held"
    appointment.request.status = "done"
    appointment.request.updated_at = utcnow()
    db.session.commit()


def close_case(consultation: ConsultationRequest, outcome: str, manager: User) -> None:
    for appointment in appointments_of(consultation.id):
        if appointment.status == "booked":
            free_slot(appointment)
    consultation.status = "closed"
    consultation.outcome = outcome.strip()
    consultation.closed_at = utcnow()
    consultation.updated_at = utcnow()
    audit.record(
        "consultation.close",
        actor_id=manager.id,
        subject_user_id=consultation.worker_id,
        detail=f"request={consultation.id}",
    )
    db.session.commit()


def reopen_case(consultation: ConsultationRequest, manager: User) -> None:
    if consultation.status != "closed":
        raise ConsultError(gettext("This case is not closed."))
    consultation.status = "new"
    consultation.closed_at = None
    consultation.cancelled_by_worker = False
    consultation.updated_at = utcnow()
    audit.record(
        "consultation.reopen",
        actor_id=manager.id,
        subject_user_id=consultation.worker_id,
        detail=f"request={consultation.id}",
    )
    db.session.commit()


# --- pathway -------------------------------------------------------------------------------------


def module_options() -> list[tuple[str, str]]:
    """Published, visible modules as ("course/module", "Course – Module") pairs."""
    rows = db.session.execute(
        select(Course.slug, Course.title, CourseModule.slug, CourseModule.title)
        .join(CourseModule, CourseModule.course_id == Course.id)
        .where(
            Course.published_at.is_not(None),
            CourseModule.published_version_id.is_not(None),
            CourseModule.archived.is_(False),
        )
        .order_by(Course.title, CourseModule.position)
    )
    return [
        (f"{c_slug}/{m_slug}", f"{c_title} – {m_title}")
        for c_slug, c_title, m_slug, m_title in rows
    ]


def check_pathway_open(consultation: ConsultationRequest) -> None:
    """A closed case keeps its pathway as it was (ConsultError otherwise)."""
    if consultation.status == "closed":
        raise ConsultError(gettext("Reopen the case before changing the pathway."), "title")


def add_pathway_item(
    consultation: ConsultationRequest,
    manager: User,
    *,
    module: str,
    title: str,
    due_date: date | None,
) -> PathwayItem:
    check_pathway_open(consultation)
    if module:
        if module not in dict(module_options()):
            raise ConsultError(gettext("Choose a published module."), "module")
        course_slug, _, module_slug = module.partition("/")
        item = PathwayItem(
            kind="module", course_slug=course_slug, module_slug=module_slug, due_date=due_date
        )
    elif title.strip():
        item = PathwayItem(kind="action", title=title.strip(), due_date=due_date)
    else:
        raise ConsultError(gettext("Choose a module or describe an action."), "title")
    item.worker_id = consultation.worker_id
    item.request_id = consultation.id
    item.created_by_id = manager.id
    db.session.add(item)
    consultation.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "pathway.add",
        actor_id=manager.id,
        subject_user_id=consultation.worker_id,
        detail=f"request={consultation.id} {_pathway_detail(item)}",
    )
    db.session.commit()
    return item


def _pathway_detail(item: PathwayItem) -> str:
    # The module, not the action's free text: the audit log is read by admins too.
    what = f"module={item.course_slug}/{item.module_slug}" if item.kind == "module" else "action"
    return f"item={item.id} {what}"


def delete_pathway_item(consultation: ConsultationRequest, item_id: int, manager: User) -> bool:
    """Remove a step of the worker's pathway; False when there is no such step."""
    check_pathway_open(consultation)
    item = db.session.scalar(
        select(PathwayItem).where(
            PathwayItem.id == item_id, PathwayItem.worker_id == consultation.worker_id
        )
    )
    if item is None:
        return False
    audit.record(
        "pathway.delete",
        actor_id=manager.id,
        subject_user_id=consultation.worker_id,
        detail=f"request={consultation.id} {_pathway_detail(item)}",
    )
    db.session.delete(item)
    consultation.updated_at = utcnow()
    db.session.commit()
    return True


@dataclass
class CaseLearning:
    """What the case file shows of the worker's learning."""

    visible: bool  # the privacy rule's answer for this manager and worker
    pathway: list[PathwayEntry]  # always the steps as assigned; done flags only when visible
    progress: list[SharedCourse] | None  # None when not visible


def case_learning(
    consultation: ConsultationRequest, manager: User, remote_addr: str = ""
) -> CaseLearning:
    """The worker's pathway and course progress as this manager may see them (one rule:
    elearn.privacy.learning_access); a read of learning state is written to the audit log."""
    visible = learning_visible_to(manager, consultation.worker, via_request=consultation)
    pathway = pathway_for(consultation.worker_id, with_state=visible)
    progress = course_progress(consultation.worker_id) if visible else None
    if visible:
        record_read(
            manager,
            consultation.worker_id,
            detail=f"request={consultation.id}",
            remote_addr=remote_addr,
        )
        db.session.commit()
    return CaseLearning(visible, pathway, progress)


# --- calendars -----------------------------------------------------------------------------------


def managed_points(manager: User) -> list[SocialPoint]:
    return list(
        db.session.scalars(
            select(SocialPoint)
            .where(SocialPoint.organization_id.in_(managed_org_ids(manager) or [-1]))
            .order_by(SocialPoint.name)
        )
    )


def create_slots(
    manager: User,
    *,
    point_id: int,
    day: date,
    start: time,
    end: time,
    minutes: int,
    weeks: int,
) -> int:
    """Open consecutive slots of `minutes` between start and end, repeated for `weeks` weeks.
    Times are Rome wall-clock times. Returns how many new slots were opened."""
    if point_id not in {point.id for point in managed_points(manager)}:
        raise ConsultError(gettext("Choose a Social point of your organizations."), "point")
    if end <= start:
        raise ConsultError(gettext("The end must come after the start."), "end")
    if not 10 <= minutes <= 240:
        raise ConsultError(gettext("Each slot lasts between 10 and 240 minutes."), "minutes")
    if day < utcnow().astimezone(ROME).date():
        raise ConsultError(gettext("Choose today or a later day."), "day")
    created = 0
    for week in range(min(max(weeks, 1), MAX_REPEAT_WEEKS)):
        current = day + timedelta(weeks=week)
        starts = datetime.combine(current, start, tzinfo=ROME)
        last = datetime.combine(current, end, tzinfo=ROME)
        while starts + timedelta(minutes=minutes) <= last:
            exists = db.session.scalar(
                select(AppointmentSlot.id).where(
                    AppointmentSlot.manager_id == manager.id, AppointmentSlot.starts_at == starts
                )
            )
            if exists is None:
                db.session.add(
                    AppointmentSlot(
                        social_point_id=point_id,
                        manager_id=manager.id,
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=minutes),
                    )
                )
                created += 1
            starts += timedelta(minutes=minutes)
    try:
        db.session.commit()
    except IntegrityError:  # the same slots opened twice at the same moment
        db.session.rollback()
        raise ConsultError(gettext("Some of these slots already exist."), "start") from None
    return created


def week_start(value: date) -> date:
    return value - timedelta(days=value.weekday())


@dataclass
class CalendarDay:
    day: date
    slots: list[AppointmentSlot] = field(default_factory=list)


def week_slots(manager: User, monday: date, point_id: int | None) -> list[CalendarDay]:
    start = datetime.combine(monday, time(0, 0), tzinfo=ROME)
    end = start + timedelta(days=7)
    query = (
        select(AppointmentSlot)
        .join(SocialPoint, SocialPoint.id == AppointmentSlot.social_point_id)
        .where(
            SocialPoint.organization_id.in_(managed_org_ids(manager) or [-1]),
            AppointmentSlot.starts_at >= start,
            AppointmentSlot.starts_at < end,
        )
        .order_by(AppointmentSlot.starts_at, SocialPoint.name)
    )
    if point_id is not None:
        query = query.where(AppointmentSlot.social_point_id == point_id)
    days = {monday + timedelta(days=n): CalendarDay(monday + timedelta(days=n)) for n in range(7)}
    for slot in db.session.scalars(query):
        days[slot.starts_at.astimezone(ROME).date()].slots.append(slot)
    return list(days.values())


def get_slot(manager: User, slot_id: int) -> AppointmentSlot | None:
    return db.session.scalar(
        select(AppointmentSlot)
        .join(SocialPoint, SocialPoint.id == AppointmentSlot.social_point_id)
        .where(
            AppointmentSlot.id == slot_id,
            SocialPoint.organization_id.in_(managed_org_ids(manager) or [-1]),
        )
    )


def delete_slot(slot: AppointmentSlot) -> None:
    if slot.appointment is not None:
        raise ConsultError(gettext("This slot is booked: cancel the appointment first."))
    db.session.delete(slot)
    db.session.commit()


# --- statistics ----------------------------------------------------------------------------------


@dataclass
class OrganizationStats:
    """Published figures only (elearn.privacy.disclosure); None reads "fewer than 5"."""

    organization: Organization
    total: int | None
    by_topic: dict[str, int | None]
    hours_to_first_answer: float | None  # median, whole hours
    days_to_appointment: float | None  # median, whole days


def statistics(manager: User) -> list[OrganizationStats]:
    """Requests by organization and topic, median time to first answer and to the first
    appointment, each through the privacy guard (counts rounded to 5, 1–4 hidden, medians only
    over at least 5 requests)."""
    result = []
    for organization in manager.managed_organizations:
        rows = db.session.execute(
            select(
                ConsultationRequest.topic,
                ConsultationRequest.created_at,
                ConsultationRequest.first_answer_at,
                ConsultationRequest.first_appointment_at,
            ).where(ConsultationRequest.organization_id == organization.id)
        ).all()
        by_topic: dict[str, int] = defaultdict(int)
        answers: list[float] = []
        appointments: list[float] = []
        for topic, created, answered, booked in rows:
            by_topic[topic] += 1
            if answered is not None:
                answers.append((answered - created).total_seconds() / 3600)
            if booked is not None:
                appointments.append((booked - created).total_seconds() / 86400)
        result.append(
            OrganizationStats(
                organization,
                disclosure.count(len(rows)),
                {topic: disclosure.count(n) for topic, n in sorted(by_topic.items())},
                disclosure.median(answers, unit=1),
                disclosure.median(appointments, unit=1),
            )
        )
    return result


# --- Welfare days --------------------------------------------------------------------------------


def create_welfare_day(
    manager: User,
    *,
    organization_id: int,
    title: str,
    day: date,
    start: time,
    end: time,
    place: str,
    programme: str,
    capacity: int,
) -> WelfareDay:
    if organization_id not in managed_org_ids(manager):
        raise ConsultError(gettext("Choose one of your organizations."), "organization")
    if end <= start:
        raise ConsultError(gettext("The end must come after the start."), "end")
    starts_at = datetime.combine(day, start, tzinfo=ROME)
    if starts_at <= utcnow():
        raise ConsultError(gettext("Choose a day in the future."), "day")
    event = WelfareDay(
        organization_id=organization_id,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=datetime.combine(day, end, tzinfo=ROME),
        place=place.strip(),
        programme=programme.strip(),
        capacity=capacity,
        created_by_id=manager.id,
    )
    db.session.add(event)
    db.session.commit()
    return event


@dataclass
class WelfareDayRow:
    event: WelfareDay
    waitlisted: int
    checked_in: int


def welfare_days_for_manager(manager: User) -> list[WelfareDayRow]:
    events = list(
        db.session.scalars(
            select(WelfareDay)
            .where(
                WelfareDay.organization_id.in_(managed_org_ids(manager) or [-1]),
                WelfareDay.ends_at > utcnow() - timedelta(days=30),
            )
            .order_by(WelfareDay.starts_at)
        )
    )
    counts: dict[tuple[int, str], int] = defaultdict(int)
    checked: dict[int, int] = defaultdict(int)
    for event_id, status, checked_in in db.session.execute(
        select(
            WelfareDayRegistration.welfare_day_id,
            WelfareDayRegistration.status,
            WelfareDayRegistration.checked_in_at,
        ).where(WelfareDayRegistration.welfare_day_id.in_([e.id for e in events] or [-1]))
    ):
        counts[(event_id, status)] += 1
        if checked_in is not None:
            checked[event_id] += 1
    return [WelfareDayRow(e, counts[(e.id, "waitlisted")], checked[e.id]) for e in events]


def get_welfare_day(manager: User, event_id: int) -> WelfareDay | None:
    return db.session.scalar(
        select(WelfareDay).where(
            WelfareDay.id == event_id,
            WelfareDay.organization_id.in_(managed_org_ids(manager) or [-1]),
        )
    )


def attendees(
    event: WelfareDay,
) -> tuple[list[WelfareDayRegistration], list[WelfareDayRegistration]]:
    """Registered people by name, and the waitlist in order."""
    rows = list(
        db.session.scalars(
            select(WelfareDayRegistration)
            .join(User, User.id == WelfareDayRegistration.worker_id)
            .where(
                WelfareDayRegistration.welfare_day_id == event.id,
                WelfareDayRegistration.status != "cancelled",
            )
            .order_by(User.full_name, WelfareDayRegistration.id)
        )
    )
    registered = [r for r in rows if r.status == "registered"]
    waitlist = sorted(
        (r for r in rows if r.status == "waitlisted"), key=lambda r: (r.created_at, r.id)
    )
    return registered, waitlist


def check_in(
    event: WelfareDay, registration_id: int, present: bool
) -> WelfareDayRegistration | None:
    registration = db.session.scalar(
        select(WelfareDayRegistration).where(
            WelfareDayRegistration.id == registration_id,
            WelfareDayRegistration.welfare_day_id == event.id,
            WelfareDayRegistration.status == "registered",
        )
    )
    if registration is None:
        return None
    if present and registration.checked_in_at is None:
        registration.checked_in_at = utcnow()
        # Attending a Welfare day counts as learning activity in the worker's progress.
        from elearn.learning.services import record_activity

        record_activity(registration.worker_id, "welfare_day", event.starts_at)
    elif not present:
        registration.checked_in_at = None
    db.session.commit()
    return registration


def attendance_count(worker_id: int) -> int:
    """Welfare days the worker attended (for progress dashboards)."""
    return (
        db.session.scalar(
            select(func.count(WelfareDayRegistration.id)).where(
                WelfareDayRegistration.worker_id == worker_id,
                WelfareDayRegistration.checked_in_at.is_not(None),
            )
        )
        or 0
    )
