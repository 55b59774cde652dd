"""Routes of appointments: booking from the case file, and the managers' calendar of slots."""

from __future__ import annotations

from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.consult import appointments, rules
from elearn.consult.forms import (
    BookingForm,
    SlotForm,
)
from elearn.consult.views.common import (
    case_or_404,
    checked,
    found_or_404,
    manager_bp,
    manager_only,
    slot_or_404,
    to_case,
)
from elearn.consult.views.requests import _case_page
from elearn.form_errors import show_on_form
from elearn.forms import ActionForm, choices, id_or_none
from elearn.i18n import local_today, local_zone
from elearn.models import Appointment, ConsultationRequest
from elearn.outbox.services import deliver_inline_if_configured


@manager_bp.post("/richieste/<int:request_id>/prenota")
@manager_only
def book(request_id: int) -> str | Response | tuple[str, int]:
    consultation = case_or_404(request_id)
    form = BookingForm()
    if form.validate_on_submit():
        try:
            appointments.book_slot(consultation, form.slot.data, form.channel.data, current_user)
        except rules.ConsultError as error:
            show_on_form(form, error, "slot")
        else:
            deliver_inline_if_configured()
            flash(gettext("Appointment booked. The worker gets an e-mail with it."), "success")
            return to_case(consultation)
    consultation = case_or_404(request_id)  # reloaded: a failed booking rolled back
    return _case_page(consultation, booking_form=form), 409 if form.slot.errors else 422


def _appointment_or_404(
    request_id: int, appointment_id: int
) -> tuple[ConsultationRequest, Appointment]:
    """A case the manager follows and one of its appointments (404 for anything else)."""
    consultation = case_or_404(request_id)
    return consultation, found_or_404(appointments.get_appointment(consultation, appointment_id))


@manager_bp.post("/richieste/<int:request_id>/appuntamenti/<int:appointment_id>/annulla")
@manager_only
def cancel_appointment(request_id: int, appointment_id: int) -> Response:
    consultation, appointment = _appointment_or_404(request_id, appointment_id)
    checked()
    try:
        appointments.cancel_appointment(appointment, current_user)
    except rules.ConsultError as error:
        flash(error.message, "error")
    else:
        deliver_inline_if_configured()
        flash(gettext("Appointment cancelled; the slot is free again."), "success")
    return to_case(consultation)


@manager_bp.post("/richieste/<int:request_id>/appuntamenti/<int:appointment_id>/svolto")
@manager_only
def appointment_held(request_id: int, appointment_id: int) -> Response:
    consultation, appointment = _appointment_or_404(request_id, appointment_id)
    checked()
    try:
        appointments.mark_held(appointment)
    except rules.ConsultError as error:
        flash(error.message, "error")
    else:
        flash(gettext("Marked as held."), "success")
    return to_case(consultation)


def _monday(raw: str | None) -> date:
    try:
        chosen = date.fromisoformat(raw or "")
    except ValueError:
        chosen = local_today()
    if not 1 < chosen.year < 9999:  # the links to the weeks before and after must exist
        chosen = local_today()
    return appointments.week_start(chosen)


def _calendar_page(form: SlotForm, monday: date, point_id: int | None) -> str:
    points = appointments.managed_points(current_user)
    form.point.choices = choices([(p.id, f"{p.name} ({p.organization.name})") for p in points])
    return render_template(
        "manage/calendar.html",
        form=form,
        days=appointments.week_slots(current_user, monday, point_id),
        monday=monday,
        previous_week=(monday - timedelta(days=7)).isoformat(),
        next_week=(monday + timedelta(days=7)).isoformat(),
        points=points,
        point_id=point_id,
        action_form=ActionForm(),
    )


@manager_bp.get("/calendario")
@manager_only
def calendar() -> str:
    point = request.args.get("point", "")
    return _calendar_page(
        SlotForm(formdata=None, day=local_today()),
        _monday(request.args.get("week")),
        id_or_none(point),
    )


@manager_bp.post("/calendario/fasce")
@manager_only
def create_slots() -> str | Response | tuple[str, int]:
    form = SlotForm()
    if form.validate_on_submit():
        try:
            created = appointments.create_slots(
                current_user,
                point_id=form.point.data,
                day=form.day.data,
                start=form.start.data,
                end=form.end.data,
                minutes=form.minutes.data,
                weeks=form.weeks.data,
            )
        except rules.ConsultError as error:
            show_on_form(form, error, "day")
        else:
            flash(
                ngettext("%(num)d new slot opened.", "%(num)d new slots opened.", created),
                "success",
            )
            return redirect(url_for("manage.calendar", week=form.day.data.isoformat()))
    return _calendar_page(form, _monday(None), None), 422


@manager_bp.post("/calendario/fasce/<int:slot_id>/elimina")
@manager_only
def delete_slot(slot_id: int) -> Response:
    slot = slot_or_404(slot_id)
    checked()
    week = slot.starts_at.astimezone(local_zone()).date().isoformat()
    try:
        appointments.delete_slot(slot)
    except rules.ConsultError as error:
        flash(error.message, "error")
    else:
        flash(gettext("Slot removed."), "success")
    return redirect(url_for("manage.calendar", week=week))
