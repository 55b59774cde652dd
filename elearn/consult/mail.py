"""What consultations send: e-mails (through the outbox) and the calendar files attached."""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import force_locale, gettext
from icalendar import Calendar, Event

from elearn.consult.rules import language_of, managers_of
from elearn.i18n import format_when, local_zone
from elearn.models import (
    Appointment,
    ConsultationRequest,
    User,
    WelfareDay,
    WelfareDayRegistration,
)
from elearn.models.base import utcnow
from elearn.outbox.services import enqueue
from elearn.urls import public_url

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
    event.add("dtstart", starts_at.astimezone(local_zone()))
    event.add("dtend", ends_at.astimezone(local_zone()))
    event.add("summary", calendar_text(summary))
    event.add("location", calendar_text(location))
    event.add("description", calendar_text(text))
    event.add("url", url)  # the page on the site, from PUBLIC_BASE_URL like every mailed link
    if cancelled:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


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
    """A day and time people read easily, in local time: "giovedì 26 novembre 2026, 10:00"
    (the site's one long format, elearn/i18n.py)."""
    return format_when(value, "long")


def _appointment_words(worker: User, appointment: Appointment) -> dict[str, str]:
    """What every e-mail about an appointment fills in: the name, when, where, the request."""
    return {
        "name": worker.first_name,
        "when": long_when(appointment.starts_at),
        "where": appointment.location,
        "link": public_url("consult.request_detail", request_id=appointment.request_id),
    }


def _send_appointment(worker: User, appointment: Appointment, subject: str, body: str) -> None:
    enqueue(
        worker.email,
        subject,
        body,
        attachment=appointment_ics(appointment),
        attachment_name="appuntamento.ics",
        attachment_type="text/calendar",
    )


def mail_appointment_booked(appointment: Appointment, worker: User) -> None:
    with force_locale(language_of(worker)):
        body = gettext(
            "Hello %(name)s,\n\nyour meeting with the Welfare Manager is booked:\n"
            "%(when)s\n%(where)s\n\nThe calendar file attached adds it to your phone.\n"
            "If you cannot come, open your request and ask to move it:\n%(link)s\n",
            **_appointment_words(worker, appointment),
        )
        _send_appointment(
            worker, appointment, gettext("Your appointment with the Welfare Manager"), body
        )


def mail_appointment_cancelled(appointment: Appointment, worker: User) -> None:
    with force_locale(language_of(worker)):
        _send_appointment(
            worker,
            appointment,
            gettext("Your appointment was cancelled"),
            gettext(
                "Hello %(name)s,\n\nthe meeting of %(when)s was cancelled. The Welfare Manager "
                "will propose another time:\n%(link)s\n",
                **_appointment_words(worker, appointment),
            ),
        )


def mail_appointment_reminder(appointment: Appointment) -> None:
    worker = appointment.request.worker
    with force_locale(language_of(worker)):
        _send_appointment(
            worker,
            appointment,
            gettext("Reminder: tomorrow you meet the Welfare Manager"),
            gettext(
                "Hello %(name)s,\n\na reminder of your meeting with the Welfare Manager:\n"
                "%(when)s\n%(where)s\n\nIf you cannot come, tell us here:\n%(link)s\n",
                **_appointment_words(worker, appointment),
            ),
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
        with force_locale(language_of(manager)):
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
    with force_locale(language_of(worker)):
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


def _send_welfare_day(
    worker: User,
    event: WelfareDay,
    subject: str,
    body: str,
    *,
    calendar: bool = True,
    reminder_at: datetime | None = None,
) -> None:
    """``reminder_at``: a reminder computed at that time (after quiet hours, with the stop link;
    none once the worker stopped reminders); otherwise a message about their place."""
    attachment = welfare_day_ics(event) if calendar else None
    reminder = {"kind": "reminder", "user": worker, "now": reminder_at} if reminder_at else {}
    enqueue(
        worker.email,
        subject,
        body,
        attachment=attachment,
        attachment_name="welfare-day.ics" if attachment else None,
        attachment_type="text/calendar" if attachment else None,
        **reminder,
    )


def _welfare_day_details(event: WelfareDay) -> str:
    return gettext(
        "%(title)s\n%(when)s\n%(place)s",
        title=event.title,
        when=long_when(event.starts_at),
        place=event.place,
    )


def mail_welfare_day(registration: WelfareDayRegistration, kind: str) -> None:
    """The worker's place: "registered", "promoted" (from the waitlist) or "waitlisted"."""
    worker = registration.worker
    event = registration.welfare_day
    with force_locale(language_of(worker)):
        words = {
            "name": worker.first_name,
            "details": _welfare_day_details(event),
            "link": public_url("consult.welfare_days"),
        }
        if kind == "registered":
            subject = gettext("Your place at the Welfare day")
            body = gettext(
                "Hello %(name)s,\n\nyour place is confirmed:\n%(details)s\n\n"
                "If you cannot come, free your place for someone else:\n%(link)s\n",
                **words,
            )
        elif kind == "promoted":
            subject = gettext("A place freed up: you are in")
            body = gettext(
                "Hello %(name)s,\n\na place freed up and it is yours:\n%(details)s\n\n"
                "If you cannot come, free your place for someone else:\n%(link)s\n",
                **words,
            )
        else:
            subject = gettext("You are on the waiting list")
            body = gettext(
                "Hello %(name)s,\n\nthe Welfare day is full, so you are on the waiting list:\n"
                "%(details)s\n\nIf a place frees up it is yours and we will write to you.\n",
                **words,
            )
        _send_welfare_day(worker, event, subject, body, calendar=kind != "waitlisted")


def mail_welfare_day_reminder(
    registration: WelfareDayRegistration, now: datetime | None = None
) -> None:
    worker, event = registration.worker, registration.welfare_day
    with force_locale(language_of(worker)):
        _send_welfare_day(
            worker,
            event,
            gettext("Reminder: the Welfare day is tomorrow"),
            gettext(
                "Hello %(name)s,\n\na reminder: tomorrow is the Welfare day.\n"
                "%(title)s\n%(when)s\n%(place)s\n",
                name=worker.first_name,
                title=event.title,
                when=long_when(event.starts_at),
                place=event.place,
            ),
            reminder_at=now or utcnow(),
        )


def mail_welfare_day_changed(registration: WelfareDayRegistration) -> None:
    """The day, the time or the place of a Welfare day the worker has a place (or waits) for
    changed: the new details, and a calendar file that replaces the old one."""
    worker, event = registration.worker, registration.welfare_day
    with force_locale(language_of(worker)):
        _send_welfare_day(
            worker,
            event,
            gettext("The Welfare day has changed"),
            gettext(
                "Hello %(name)s,\n\nthe Welfare day you signed up for has changed. "
                "Now it is:\n%(details)s\n\n"
                "If you can no longer come, free your place for someone else:\n%(link)s\n",
                name=worker.first_name,
                details=_welfare_day_details(event),
                link=public_url("consult.welfare_days"),
            ),
            calendar=registration.status == "registered",
        )
