"""Routes for Welfare Managers: queue, case files, calendars, statistics, Welfare days."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, gettext, ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.consult import services as consult
from elearn.consult.forms import id_or_none
from elearn.forms import choices
from elearn.manage import services
from elearn.manage.forms import (
    ActionForm,
    AssignForm,
    BookingForm,
    CloseForm,
    ManagerMessageForm,
    NoteForm,
    PathwayForm,
    QueueFilterForm,
    SlotForm,
    WelfareDayForm,
)
from elearn.models import AppointmentSlot, ConsultationRequest, WelfareDay
from elearn.models.base import utcnow
from elearn.outbox.services import deliver_inline_if_configured
from elearn.security import role_required

bp = Blueprint("manage", __name__, url_prefix="/manage")

manager_only = role_required("manager")


def _case_or_404(request_id: int) -> ConsultationRequest:
    found = services.get_case(current_user, request_id)
    if found is None:
        abort(404)
    return found


def _slot_or_404(slot_id: int) -> AppointmentSlot:
    found = services.get_slot(current_user, slot_id)
    if found is None:
        abort(404)
    return found


def _welfare_day_or_404(event_id: int) -> WelfareDay:
    found = services.get_welfare_day(current_user, event_id)
    if found is None:
        abort(404)
    return found


def _checked() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _to_case(consultation: ConsultationRequest, anchor: str = "") -> Response:
    return redirect(
        url_for("manage.case", request_id=consultation.id) + (f"#{anchor}" if anchor else "")
    )


# --- queue and case file -------------------------------------------------------------------------


@bp.get("/")
@manager_only
def queue() -> str:
    form = QueueFilterForm(request.args)
    orgs = current_user.managed_organizations
    form.organization.choices = choices(
        [("", gettext("All organizations")), *[(str(o.id), o.name) for o in orgs]]
    )
    status = form.status.data if form.status.data in ("open", "all", *consult.STATUS_LABELS) else ""
    filters = services.QueueFilters(
        status="" if status == "all" else (status or "open"),
        topic=form.topic.data if form.topic.data in consult.TOPIC_LABELS else "",
        organization_id=id_or_none(form.organization.data),
        assigned=form.assigned.data if form.assigned.data in ("me", "nobody") else "",
    )
    return render_template(
        "manage/queue.html",
        form=form,
        rows=services.queue(current_user, filters),
        statuses=consult.STATUS_LABELS,
        topics=consult.TOPIC_LABELS,
        channels=consult.CHANNEL_LABELS,
        many_orgs=len(orgs) > 1,
    )


def _case_page(consultation: ConsultationRequest, **forms: object) -> str:
    assign_form = forms.get("assign_form") or AssignForm(formdata=None)
    assign_form.manager.choices = choices(  # type: ignore[attr-defined]
        [(0, gettext("Nobody yet"))]
        + [(m.id, m.full_name) for m in services.managers_of(consultation.organization_id)]
    )
    if assign_form.manager.data is None:  # type: ignore[attr-defined]
        assign_form.manager.data = consultation.assigned_manager_id or 0  # type: ignore[attr-defined]
    booking_form = forms.get("booking_form") or BookingForm(formdata=None)
    booking_form.slot.choices = choices(  # type: ignore[attr-defined]
        [
            (
                slot.id,
                f"{format_datetime(slot.starts_at, 'EEE d MMM, HH:mm')} · "
                f"{slot.social_point.name} · {slot.manager.full_name}",
            )
            for slot in services.free_slots_for(consultation)
        ]
    )
    if booking_form.channel.data is None:  # type: ignore[attr-defined]
        booking_form.channel.data = consultation.channel  # type: ignore[attr-defined]
    pathway_form = forms.get("pathway_form") or PathwayForm(formdata=None)
    pathway_form.module.choices = choices(  # type: ignore[attr-defined]
        [("", gettext("No module"))] + services.module_options()
    )
    return render_template(
        "manage/case.html",
        consultation=consultation,
        timeline=consult.timeline(consultation),
        appointment=consult.current_appointment(consultation.id),
        notes=services.read_notes(consultation, current_user, request.remote_addr or ""),
        scenarios=consult.attached_scenarios(consultation),
        asked_from=consult.asked_from(consultation),
        learning=services.case_learning(consultation, current_user, request.remote_addr or ""),
        assign_form=assign_form,
        message_form=forms.get("message_form") or ManagerMessageForm(formdata=None),
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        booking_form=booking_form,
        close_form=forms.get("close_form") or CloseForm(formdata=None),
        pathway_form=pathway_form,
        action_form=ActionForm(),
        statuses=consult.STATUS_LABELS,
        topics=consult.TOPIC_LABELS,
        channels=consult.CHANNEL_LABELS,
    )


@bp.get("/richieste/<int:request_id>")
@manager_only
def case(request_id: int) -> str:
    return _case_page(_case_or_404(request_id))


@bp.post("/richieste/<int:request_id>/assegna")
@manager_only
def assign(request_id: int) -> str | Response | tuple[str, int]:
    consultation = _case_or_404(request_id)
    form = AssignForm()
    form.manager.choices = []
    if form.validate_on_submit():
        try:
            services.assign(consultation, form.manager.data or None, current_user)
        except consult.ConsultError as error:
            form.manager.errors = [error.message]
        else:
            flash(gettext("Assignment saved."), "success")
            return _to_case(consultation)
    return _case_page(consultation, assign_form=form), 422


@bp.post("/richieste/<int:request_id>/messaggi")
@manager_only
def add_message(request_id: int) -> str | Response | tuple[str, int]:
    consultation = _case_or_404(request_id)
    form = ManagerMessageForm()
    if form.validate_on_submit():
        try:
            services.add_manager_message(
                consultation, current_user, form.body.data, bool(form.wait_for_worker.data)
            )
        except consult.ConsultError as error:
            form.body.errors = [error.message]
        else:
            deliver_inline_if_configured()
            flash(gettext("Message sent to the worker."), "success")
            return _to_case(consultation, "timeline")
    return _case_page(consultation, message_form=form), 422


@bp.post("/richieste/<int:request_id>/note")
@manager_only
def add_note(request_id: int) -> str | Response | tuple[str, int]:
    consultation = _case_or_404(request_id)
    form = NoteForm()
    if form.validate_on_submit():
        services.add_note(consultation, current_user, form.note.data)
        flash(gettext("Note saved."), "success")
        return _to_case(consultation, "notes")
    return _case_page(consultation, note_form=form), 422


@bp.post("/richieste/<int:request_id>/prenota")
@manager_only
def book(request_id: int) -> str | Response | tuple[str, int]:
    consultation = _case_or_404(request_id)
    form = BookingForm()
    if form.validate_on_submit():
        try:
            services.book_slot(consultation, form.slot.data, form.channel.data, current_user)
        except consult.ConsultError as error:
            form.slot.errors = [error.message]
        else:
            deliver_inline_if_configured()
            flash(gettext("Appointment booked. The worker gets an e-mail with it."), "success")
            return _to_case(consultation)
    consultation = _case_or_404(request_id)  # reloaded: a failed booking rolled back
    return _case_page(consultation, booking_form=form), 409 if form.slot.errors else 422


@bp.post("/richieste/<int:request_id>/appuntamenti/<int:appointment_id>/annulla")
@manager_only
def cancel_appointment(request_id: int, appointment_id: int) -> Response:
    consultation = _case_or_404(request_id)
    appointment = services.get_appointment(consultation, appointment_id)
    if appointment is None:
        abort(404)
    _checked()
    try:
        services.cancel_appointment(appointment, current_user)
    except consult.ConsultError as error:
        flash(error.message, "error")
    else:
        deliver_inline_if_configured()
        flash(gettext("Appointment cancelled; the slot is free again."), "success")
    return _to_case(consultation)


@bp.post("/richieste/<int:request_id>/appuntamenti/<int:appointment_id>/svolto")
@manager_only
def appointment_held(request_id: int, appointment_id: int) -> Response:
    consultation = _case_or_404(request_id)
    appointment = services.get_appointment(consultation, appointment_id)
    if appointment is None:
        abort(404)
    _checked()
    try:
        services.mark_held(appointment)
    except consult.ConsultError as error:
        flash(error.message, "error")
    else:
        flash(gettext("Marked as held."), "success")
    return _to_case(consultation)


@bp.post("/richieste/<int:request_id>/chiudi")
@manager_only
def close(request_id: int) -> str | Response | tuple[str, int]:
    consultation = _case_or_404(request_id)
    form = CloseForm()
    if consultation.status == "closed":
        # Closed meanwhile (another tab, another manager): its page has no form to show errors.
        _checked()
        flash(gettext("This request is already closed."), "error")
        return _to_case(consultation)
    if form.validate_on_submit():
        services.close_case(consultation, form.outcome.data, current_user)
        flash(gettext("Case closed."), "success")
        return _to_case(consultation)
    return _case_page(consultation, close_form=form), 422


@bp.post("/richieste/<int:request_id>/riapri")
@manager_only
def reopen(request_id: int) -> Response:
    consultation = _case_or_404(request_id)
    _checked()
    try:
        services.reopen_case(consultation, current_user)
    except consult.ConsultError as error:
        flash(error.message, "error")
    else:
        flash(gettext("Case reopened."), "success")
    return _to_case(consultation)


def _pathway_refused(consultation: ConsultationRequest) -> tuple[str, int] | None:
    """On a closed case the pathway stays as it was: the page again, with why, and a 409."""
    try:
        services.check_pathway_open(consultation)
    except consult.ConsultError as error:
        _checked()
        flash(error.message, "error")
        return _case_page(consultation), 409
    return None


@bp.post("/richieste/<int:request_id>/percorso")
@manager_only
def add_pathway_item(request_id: int) -> str | Response | tuple[str, int]:
    consultation = _case_or_404(request_id)
    refused = _pathway_refused(consultation)
    if refused:
        return refused
    form = PathwayForm()
    form.module.choices = []
    if form.validate_on_submit():
        try:
            services.add_pathway_item(
                consultation,
                current_user,
                module=form.module.data or "",
                title=form.title.data or "",
                due_date=form.due_date.data,
            )
        except consult.ConsultError as error:
            target = getattr(form, error.field or "title")
            target.errors = [*target.errors, error.message]
        else:
            flash(gettext("Added to the pathway."), "success")
            return _to_case(consultation, "pathway")
    return _case_page(consultation, pathway_form=form), 422


@bp.post("/richieste/<int:request_id>/percorso/<int:item_id>/elimina")
@manager_only
def delete_pathway_item(request_id: int, item_id: int) -> str | Response | tuple[str, int]:
    consultation = _case_or_404(request_id)
    refused = _pathway_refused(consultation)
    if refused:
        return refused
    _checked()
    if not services.delete_pathway_item(consultation, item_id, current_user):
        abort(404)
    flash(gettext("Removed from the pathway."), "success")
    return _to_case(consultation, "pathway")


# --- calendars -----------------------------------------------------------------------------------


def _monday(raw: str | None) -> date:
    try:
        chosen = date.fromisoformat(raw or "")
    except ValueError:
        chosen = utcnow().astimezone(consult.ROME).date()
    if not 1 < chosen.year < 9999:  # the links to the weeks before and after must exist
        chosen = utcnow().astimezone(consult.ROME).date()
    return services.week_start(chosen)


def _calendar_page(form: SlotForm, monday: date, point_id: int | None) -> str:
    points = services.managed_points(current_user)
    form.point.choices = choices([(p.id, f"{p.name} ({p.organization.name})") for p in points])
    return render_template(
        "manage/calendar.html",
        form=form,
        days=services.week_slots(current_user, monday, point_id),
        monday=monday,
        previous_week=(monday - timedelta(days=7)).isoformat(),
        next_week=(monday + timedelta(days=7)).isoformat(),
        points=points,
        point_id=point_id,
        action_form=ActionForm(),
    )


@bp.get("/calendario")
@manager_only
def calendar() -> str:
    point = request.args.get("point", "")
    return _calendar_page(
        SlotForm(formdata=None, day=utcnow().astimezone(consult.ROME).date()),
        _monday(request.args.get("week")),
        id_or_none(point),
    )


@bp.post("/calendario/fasce")
@manager_only
def create_slots() -> str | Response | tuple[str, int]:
    form = SlotForm()
    if form.validate_on_submit():
        try:
            created = services.create_slots(
                current_user,
                point_id=form.point.data,
                day=form.day.data,
                start=form.start.data,
                end=form.end.data,
                minutes=form.minutes.data,
                weeks=form.weeks.data,
            )
        except consult.ConsultError as error:
            target = getattr(form, error.field or "day")
            target.errors = [*target.errors, error.message]
        else:
            flash(
                ngettext("%(num)d new slot opened.", "%(num)d new slots opened.", created),
                "success",
            )
            return redirect(url_for("manage.calendar", week=form.day.data.isoformat()))
    return _calendar_page(form, _monday(None), None), 422


@bp.post("/calendario/fasce/<int:slot_id>/elimina")
@manager_only
def delete_slot(slot_id: int) -> Response:
    slot = _slot_or_404(slot_id)
    _checked()
    week = slot.starts_at.astimezone(consult.ROME).date().isoformat()
    try:
        services.delete_slot(slot)
    except consult.ConsultError as error:
        flash(error.message, "error")
    else:
        flash(gettext("Slot removed."), "success")
    return redirect(url_for("manage.calendar", week=week))


# --- statistics ----------------------------------------------------------------------------------


@bp.get("/statistiche")
@manager_only
def statistics() -> str:
    return render_template(
        "manage/statistics.html",
        stats=services.statistics(current_user),
        topics=consult.TOPIC_LABELS,
    )


# --- Welfare days --------------------------------------------------------------------------------


@bp.get("/welfare-day")
@manager_only
def welfare_days() -> str:
    return render_template(
        "manage/welfare_days.html", rows=services.welfare_days_for_manager(current_user)
    )


@bp.route("/welfare-day/nuovo", methods=["GET", "POST"])
@manager_only
def new_welfare_day() -> str | Response | tuple[str, int]:
    form = WelfareDayForm()
    form.organization.choices = choices(
        [(o.id, o.name) for o in current_user.managed_organizations]
    )
    if form.validate_on_submit():
        try:
            event = services.create_welfare_day(
                current_user,
                organization_id=form.organization.data,
                title=form.title.data,
                day=form.day.data,
                start=form.start.data,
                end=form.end.data,
                place=form.place.data,
                programme=form.programme.data or "",
                capacity=form.capacity.data,
            )
        except consult.ConsultError as error:
            target = getattr(form, error.field or "day")
            target.errors = [*target.errors, error.message]
        else:
            flash(
                gettext("Welfare day created. Workers of the organization can register."), "success"
            )
            return redirect(url_for("manage.welfare_day", event_id=event.id))
    return render_template("manage/welfare_day_form.html", form=form), (422 if form.errors else 200)


@bp.get("/welfare-day/<int:event_id>")
@manager_only
def welfare_day(event_id: int) -> str:
    event = _welfare_day_or_404(event_id)
    registered, waitlist = services.attendees(event)
    return render_template(
        "manage/welfare_day.html",
        event=event,
        registered=registered,
        waitlist=waitlist,
        action_form=ActionForm(),
    )


@bp.post("/welfare-day/<int:event_id>/presenze/<int:registration_id>")
@manager_only
def check_in(event_id: int, registration_id: int) -> Response:
    event = _welfare_day_or_404(event_id)
    _checked()
    registration = services.check_in(
        event, registration_id, request.form.get("present", "1") == "1"
    )
    if registration is None:
        abort(404)
    return redirect(url_for("manage.welfare_day", event_id=event.id) + f"#person-{registration.id}")
