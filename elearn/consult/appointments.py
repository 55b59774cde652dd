"""Appointments: the managers' slots in the calendar, and booking, moving, cancelling them."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError

from elearn.consult.mail import mail_appointment_booked, mail_appointment_cancelled
from elearn.consult.rules import CHANNEL_LABELS, ConsultError, managed_org_ids
from elearn.extensions import db
from elearn.i18n import local_today, local_zone
from elearn.models import (
    Appointment,
    AppointmentSlot,
    ConsultationRequest,
    SocialPoint,
    User,
)
from elearn.models.base import utcnow

MAX_REPEAT_WEEKS = 12


class SlotTaken(ConsultError):
    """Someone else booked the slot first."""

    @classmethod
    def now(cls) -> SlotTaken:
        return cls(
            gettext("Someone else has just booked this slot. Please choose another one."), "slot"
        )


# --- a request's appointments --------------------------------------------------------------------


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


def cancel_booked(request_id: int) -> None:
    """Free the slots of a request's booked appointments (the request is being closed)."""
    for appointment in appointments_of(request_id):
        if appointment.status == "booked":
            appointment.cancel()


@functools.cache
def _next_appointment_statement() -> Select:
    """Built once per process (it runs on every worker home); only what the home shows."""
    return (
        select(Appointment.starts_at, Appointment.location, Appointment.request_id)
        .join(ConsultationRequest, ConsultationRequest.id == Appointment.request_id)
        .where(
            ConsultationRequest.worker_id == bindparam("worker_id"),
            Appointment.status == "booked",
            Appointment.starts_at > bindparam("now"),
        )
        .order_by(Appointment.starts_at)
        .limit(1)
    )


def next_appointment_of(worker: User) -> Any | None:
    """The worker's next booked meeting with a Welfare Manager, if any: its time, place and
    request (a row, not the appointment: the home page only shows it)."""
    return db.session.execute(
        _next_appointment_statement(), {"worker_id": worker.id, "now": utcnow()}
    ).first()


def appointment_location(channel: str, point: SocialPoint | None) -> str:
    if channel == "in_person" and point is not None:
        return f"{point.name}, {point.address}"
    return str(CHANNEL_LABELS[channel])


# --- booking (manager) ---------------------------------------------------------------------------


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
        previous.cancel()
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
        raise SlotTaken.now() from None
    consultation.status = "scheduled"
    consultation.reschedule_requested_at = None
    if consultation.assigned_manager_id is None:
        consultation.assigned_manager_id = manager.id
    if consultation.first_appointment_at is None:
        consultation.first_appointment_at = utcnow()
    consultation.mark_answered()
    mail_appointment_booked(appointment, consultation.worker)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SlotTaken.now() from None
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
    appointment.cancel()
    consultation = appointment.request
    if consultation.status == "scheduled":
        consultation.status = "new"
    consultation.touch()
    mail_appointment_cancelled(appointment, consultation.worker)
    db.session.commit()


def mark_held(appointment: Appointment) -> None:
    if appointment.status != "booked":
        raise ConsultError(gettext("This appointment is not booked."))
    appointment.status = "held"
    appointment.request.status = "done"
    appointment.request.touch()
    db.session.commit()


# --- the managers' calendar ----------------------------------------------------------------------


def managed_points(manager: User) -> list[SocialPoint]:
    return list(
        db.session.scalars(
            select(SocialPoint)
            .where(SocialPoint.organization_id.in_(managed_org_ids(manager) or [-1]))
            .order_by(SocialPoint.name)
        )
    )


def open_slot(manager_id: int, point_id: int, starts: datetime, minutes: int) -> bool:
    """Add a slot unless the manager already has one starting then; True when added."""
    taken = db.session.scalar(
        select(AppointmentSlot.id).where(
            AppointmentSlot.manager_id == manager_id, AppointmentSlot.starts_at == starts
        )
    )
    if taken is not None:
        return False
    db.session.add(
        AppointmentSlot(
            social_point_id=point_id,
            manager_id=manager_id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
        )
    )
    return True


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
    Times are local wall-clock times. Returns how many new slots were opened."""
    if point_id not in {point.id for point in managed_points(manager)}:
        raise ConsultError(gettext("Choose a Social point of your organizations."), "point")
    if end <= start:
        raise ConsultError(gettext("The end must come after the start."), "end")
    if not 10 <= minutes <= 240:
        raise ConsultError(gettext("Each slot lasts between 10 and 240 minutes."), "minutes")
    zone = local_zone()
    if day < local_today():
        raise ConsultError(gettext("Choose today or a later day."), "day")
    created = 0
    for week in range(min(max(weeks, 1), MAX_REPEAT_WEEKS)):
        current = day + timedelta(weeks=week)
        starts = datetime.combine(current, start, tzinfo=zone)
        last = datetime.combine(current, end, tzinfo=zone)
        while starts + timedelta(minutes=minutes) <= last:
            created += open_slot(manager.id, point_id, starts, minutes)
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
    zone = local_zone()
    start = datetime.combine(monday, time(0, 0), tzinfo=zone)
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
        days[slot.starts_at.astimezone(zone).date()].slots.append(slot)
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
