"""Consultations with the Welfare Manager: requests, appointments, case files, Welfare days."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.extensions import db
from elearn.models.base import UTCDateTime, utcnow
from elearn.models.users import Organization, SocialPoint, User

TOPICS = ("budget", "debts", "savings", "credit", "maternity", "care104", "health_fund", "other")
CHANNELS = ("in_person", "phone", "video")
REQUEST_STATUSES = ("new", "waiting", "scheduled", "done", "closed")
DESCRIPTION_MAX = 1000
MESSAGE_MAX = 2000
NOTE_MAX = 4000


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


class ConsultationRequest(db.Model):
    """A worker's request to talk to the Welfare Manager: the heart of a case file."""

    __tablename__ = "consultation_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # Copied from the worker when asked: a manager's scope is a plain column filter.
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    topic: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(12))
    social_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("social_point.id", ondelete="SET NULL")
    )
    preferred_times: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="new", index=True)
    assigned_manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # Course progress is shown to the manager only while this is true (revocable by the worker).
    share_progress: Mapped[bool] = mapped_column(Boolean, default=False)
    context_course_slug: Mapped[str | None] = mapped_column(String(80))
    context_module_slug: Mapped[str | None] = mapped_column(String(120))
    context_simulator: Mapped[str | None] = mapped_column(String(32))
    # The numbers on the simulator's screen when the worker asked (validated inputs, as a saved
    # scenario stores them), without saving a scenario; None when the worker removed them.
    context_inputs: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reschedule_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by_worker: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    worker: Mapped[User] = relationship(foreign_keys=[worker_id])
    organization: Mapped[Organization] = relationship()
    social_point: Mapped[SocialPoint | None] = relationship()
    assigned_manager: Mapped[User | None] = relationship(foreign_keys=[assigned_manager_id])

    __table_args__ = (
        CheckConstraint(_in("topic", TOPICS), name="topic_known"),
        CheckConstraint(_in("channel", CHANNELS), name="channel_known"),
        CheckConstraint(_in("status", REQUEST_STATUSES), name="status_known"),
        CheckConstraint(f"length(description) <= {DESCRIPTION_MAX}", name="description_length"),
    )

    def touch(self) -> None:
        """Something happened on the case: it moves up in "last changed"."""
        self.updated_at = utcnow()

    def mark_answered(self) -> None:
        """A Welfare Manager answered: the first time is kept for the statistics."""
        self.touch()
        if self.first_answer_at is None:
            self.first_answer_at = self.updated_at


class RequestScenario(db.Model):
    """A saved simulator scenario the worker attached to a request (their own only)."""

    __tablename__ = "request_scenario"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_request.id", ondelete="CASCADE"), primary_key=True
    )
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("saved_scenario.id", ondelete="CASCADE"), primary_key=True
    )


class RequestMessage(db.Model):
    """A message in the conversation between the worker and the Welfare Manager."""

    __tablename__ = "request_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_request.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    from_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(f"length(body) BETWEEN 1 AND {MESSAGE_MAX}", name="body_length"),
    )


class CaseNote(db.Model):
    """A private note of a Welfare Manager: never shown to the worker or to trainers."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_request.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(f"length(body) BETWEEN 1 AND {NOTE_MAX}", name="body_length"),
    )


class AppointmentSlot(db.Model):
    """An opening of a Welfare Manager at a Social point, free until an appointment takes it."""

    __tablename__ = "appointment_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    social_point_id: Mapped[int] = mapped_column(
        ForeignKey("social_point.id", ondelete="CASCADE"), index=True
    )
    manager_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    social_point: Mapped[SocialPoint] = relationship()
    manager: Mapped[User] = relationship()
    appointment: Mapped[Appointment | None] = relationship(
        back_populates="slot", uselist=False, viewonly=True
    )

    __table_args__ = (
        UniqueConstraint("manager_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )


class Appointment(db.Model):
    """A booked meeting for a request. `slot_id` is UNIQUE: a slot is never booked twice."""

    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_request.id", ondelete="CASCADE"), index=True
    )
    # Set to NULL when the appointment is cancelled, which frees the slot and keeps the history;
    # time and place are copied so the appointment survives a slot deleted with its Social point.
    slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment_slot.id", ondelete="SET NULL"), unique=True
    )
    channel: Mapped[str] = mapped_column(String(12))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default="booked")
    booked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    slot: Mapped[AppointmentSlot | None] = relationship(back_populates="appointment")
    request: Mapped[ConsultationRequest] = relationship()

    __table_args__ = (
        CheckConstraint(_in("channel", CHANNELS), name="channel_known"),
        CheckConstraint("status IN ('booked', 'cancelled', 'held')", name="status_known"),
    )

    def cancel(self) -> None:
        """Cancelled: the slot is free for someone else, the appointment stays in the history."""
        self.status = "cancelled"
        self.slot_id = None


class PathwayItem(db.Model):
    """One step of a worker's personal pathway: a recommended module or a free action."""

    __tablename__ = "pathway_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_request.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    course_slug: Mapped[str | None] = mapped_column(String(80))
    module_slug: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[date | None] = mapped_column(Date)
    # Only for actions: modules are ticked off by the worker's own ModuleProgress.
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        CheckConstraint("kind IN ('module', 'action')", name="kind_known"),
        CheckConstraint(
            "(kind = 'module' AND course_slug IS NOT NULL AND module_slug IS NOT NULL)"
            " OR (kind = 'action' AND title IS NOT NULL)",
            name="kind_fields",
        ),
    )


class WelfareDay(db.Model):
    """An event for the workers of an organization, with limited places and a waitlist."""

    __tablename__ = "welfare_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(255))
    programme: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(Integer)
    # Places taken, changed only by atomic UPDATEs; the check keeps it within capacity.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization] = relationship()

    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )


class WelfareDayRegistration(db.Model):
    """A worker's place (or waitlist place) at a Welfare day, and their attendance."""

    __tablename__ = "welfare_day_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    welfare_day_id: Mapped[int] = mapped_column(
        ForeignKey("welfare_day.id", ondelete="CASCADE"), index=True
    )
    worker_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Attendance, counted as activity by the progress dashboards.
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    welfare_day: Mapped[WelfareDay] = relationship()
    worker: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("welfare_day_id", "worker_id"),
        CheckConstraint("status IN ('registered', 'waitlisted', 'cancelled')", name="status_known"),
        CheckConstraint(
            "checked_in_at IS NULL OR status = 'registered'", name="checked_in_registered"
        ),
    )
