"""Daily reminders of tomorrow's appointments and Welfare day places (`elearn consult remind`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update

from elearn.consult.mail import mail_appointment_reminder, mail_welfare_day_reminder
from elearn.extensions import db
from elearn.i18n import local_zone
from elearn.models import Appointment, WelfareDay, WelfareDayRegistration
from elearn.models.base import utcnow


@dataclass
class ReminderReport:
    appointments: int = 0
    welfare_days: int = 0


def _end_of_tomorrow(now: datetime) -> datetime:
    zone = local_zone()
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow + timedelta(days=1), time(0, 0), tzinfo=zone)


def _remind_each(
    model: Any, status: str, ids: list[int], now: datetime, mail: Callable[[Any], None]
) -> int:
    """Claim each row's reminder with a conditional UPDATE and queue its e-mail in the same
    transaction: a row another run claimed first is skipped. Returns how many were queued."""
    sent = 0
    for row_id in ids:
        claimed = db.session.execute(
            update(model)
            .where(model.id == row_id, model.reminder_sent_at.is_(None), model.status == status)
            .values(reminder_sent_at=now)
        )
        if claimed.rowcount != 1:
            db.session.rollback()
            continue
        row = db.session.get(model, row_id)
        assert row is not None
        mail(row)
        db.session.commit()
        sent += 1
    return sent


def send_reminders(now: datetime | None = None) -> ReminderReport:
    """Queue a reminder for every appointment and Welfare day place of tomorrow (local time).

    Run daily by cron. Each reminder is claimed with a conditional UPDATE in the same
    transaction as its e-mail, so running twice (even at once) never reminds twice."""
    now = now or utcnow()
    horizon = _end_of_tomorrow(now)
    appointment_ids = db.session.scalars(
        select(Appointment.id).where(
            Appointment.status == "booked",
            Appointment.reminder_sent_at.is_(None),
            Appointment.starts_at > now,
            Appointment.starts_at < horizon,
        )
    ).all()
    appointments = _remind_each(
        Appointment, "booked", list(appointment_ids), now, mail_appointment_reminder
    )
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
    welfare_days = _remind_each(
        WelfareDayRegistration,
        "registered",
        list(registration_ids),
        now,
        lambda registration: mail_welfare_day_reminder(registration, now),
    )
    return ReminderReport(appointments, welfare_days)
