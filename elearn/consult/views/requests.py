"""Routes of requests: the worker asks and follows; the manager's queue and case file."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import get_locale, gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.consult import appointments, pathway, rules
from elearn.consult import requests as consultations
from elearn.consult.forms import (
    AssignForm,
    BookingForm,
    CloseForm,
    ConsultationRequestForm,
    ManagerMessageForm,
    MessageForm,
    NoteForm,
    PathwayForm,
    QueueFilterForm,
    RescheduleForm,
    SharingForm,
)
from elearn.consult.views.common import (
    bp,
    case_or_404,
    checked,
    manager_bp,
    manager_only,
    own_request_or_404,
    to_case,
    to_request,
    worker_only,
)
from elearn.form_errors import show_on_form
from elearn.forms import ActionForm, choices, id_or_none
from elearn.i18n import format_when
from elearn.models import ConsultationRequest
from elearn.outbox.services import deliver_inline_if_configured
from elearn.resources import answers as resources_answers
from elearn.resources import sharing as resources_sharing
from elearn.simulate.services import language, numbers_summary

# --- worker --------------------------------------------------------------------------------------


@bp.route("/nuova", methods=["GET", "POST"])
@worker_only
def new_request() -> str | Response | tuple[str, int]:
    # "Talk to the Welfare Manager about this" on a simulator page posts its numbers here: the
    # form opens with them as a summary, nothing checked yet (only the page's CSRF token).
    carrying = request.method == "POST" and request.form.get("carry") == "1"
    if carrying:
        checked()
    form = ConsultationRequestForm(formdata=None) if carrying else ConsultationRequestForm()
    args = request.form if request.method == "POST" else request.args
    context = consultations.request_context(
        current_user.id,
        args.get("course", ""),
        args.get("module", ""),
        args.get("simulator", ""),
        args.get("scenario", ""),
    )
    carried_args = _carried_args() if request.method == "POST" else {}
    numbers = consultations.carried_numbers(
        context.simulator or "", carried_args, language(get_locale())
    )
    points = consultations.social_points_of(current_user.organization_id)
    scenarios = consultations.own_scenarios(current_user.id)
    has_resources = bool(resources_answers.inputs_of(current_user.id))
    form.social_point.choices = choices([(p.id, f"{p.name} – {p.address}") for p in points])
    form.scenarios.choices = choices([(s.id, s.name) for s in scenarios])
    if request.method == "GET" or carrying:
        form.course.data = context.course_slug or ""
        form.module.data = context.module_slug or ""
        form.simulator.data = context.simulator or ""
        if context.suggested_topic:
            form.topic.data = context.suggested_topic
        if context.scenario_id is not None:
            form.scenarios.data = [context.scenario_id]
        form.attach_resources.data = request.args.get("risorse") == "1"
        form.attach_numbers.data = True
    if not carrying and form.validate_on_submit():
        try:
            consultation = consultations.create_request(
                current_user,
                topic=form.topic.data,
                description=form.description.data,
                channel=form.channel.data,
                social_point_id=form.social_point.data,
                preferred_times=form.preferred_times.data or "",
                scenario_ids=list(form.scenarios.data or []),
                share_progress=bool(form.share_progress.data),
                context=context,
                numbers=numbers if form.attach_numbers.data else None,
            )
        except rules.ConsultError as error:
            show_on_form(form, error, "description")
        else:
            if form.attach_resources.data and has_resources:
                resources_sharing.attach_map(
                    current_user, consultation.id, resources_answers.local_today()
                )
            deliver_inline_if_configured()
            flash(
                gettext("Request sent. The Welfare Manager will answer you here soon."), "success"
            )
            return to_request(consultation)
    status = 422 if form.errors else 200
    return render_template(
        "consult/new_request.html",
        form=form,
        context=context,
        has_points=bool(points),
        has_resources=has_resources,
        numbers=numbers_summary(context.simulator or "", numbers) if numbers else None,
        carried_args=carried_args if numbers else {},
    ), status


# A simulator page has at most a few dozen inputs; more is not a page of ours.
MAX_CARRIED_INPUTS = 200


def _carried_args() -> dict[str, str]:
    """The simulator inputs posted along (`in-<name>` fields), as the page's own query."""
    carried = [(key[3:], value) for key, value in request.form.items() if key.startswith("in-")]
    return {key[:80]: value[:200] for key, value in carried[:MAX_CARRIED_INPUTS]}


@bp.get("/")
@worker_only
def my_requests() -> str:
    return render_template(
        "consult/my_requests.html",
        requests=consultations.requests_of(current_user.id),
        labels=rules.WORKER_STATUS_LABELS,
        topics=rules.TOPIC_LABELS,
        pathway=pathway.pathway_for(current_user.id),
        action_form=ActionForm(),
    )


def _detail(
    consultation: ConsultationRequest,
    message_form: MessageForm | None = None,
    reschedule_form: RescheduleForm | None = None,
) -> str:
    return render_template(
        "consult/request_detail.html",
        consultation=consultation,
        timeline=consultations.timeline(consultation),
        appointment=appointments.current_appointment(consultation.id),
        scenarios=consultations.attached_scenarios(consultation),
        pathway=pathway.pathway_for(current_user.id),
        message_form=message_form or MessageForm(formdata=None),
        reschedule_form=reschedule_form or RescheduleForm(formdata=None),
        action_form=ActionForm(),
        labels=rules.WORKER_STATUS_LABELS,
        topics=rules.TOPIC_LABELS,
        channels=rules.CHANNEL_LABELS,
    )


@bp.get("/richieste/<int:request_id>")
@worker_only
def request_detail(request_id: int) -> str:
    return _detail(own_request_or_404(request_id))


@bp.post("/richieste/<int:request_id>/messaggi", endpoint="add_message")
@worker_only
def worker_add_message(request_id: int) -> str | Response | tuple[str, int]:
    consultation = own_request_or_404(request_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            consultations.add_worker_message(consultation, current_user, form.body.data)
        except rules.ConsultError as error:
            show_on_form(form, error, "body")
        else:
            deliver_inline_if_configured()
            flash(gettext("Message sent."), "success")
            return to_request(consultation)
    return _detail(consultation, message_form=form), 422


@bp.post("/richieste/<int:request_id>/annulla")
@worker_only
def cancel_request(request_id: int) -> Response:
    consultation = own_request_or_404(request_id)
    checked(ActionForm())
    try:
        consultations.cancel_request(consultation, current_user)
    except rules.ConsultError as error:
        flash(error.message, "error")
    else:
        deliver_inline_if_configured()
        flash(gettext("Request cancelled."), "success")
    return to_request(consultation)


@bp.post("/richieste/<int:request_id>/sposta")
@worker_only
def ask_reschedule(request_id: int) -> str | Response | tuple[str, int]:
    consultation = own_request_or_404(request_id)
    form = RescheduleForm()
    # No appointment (cancelled meanwhile) or already asked (another tab): the page shows no
    # form to put an error next to, so say it above the page.
    if appointments.current_appointment(consultation.id) is None:
        checked(ActionForm())
        flash(gettext("There is no appointment to move."), "error")
        return to_request(consultation)
    if consultation.reschedule_requested_at is not None:
        checked(ActionForm())
        flash(
            gettext("You asked to move it. The Welfare Manager will propose another time."),
            "info",
        )
        return to_request(consultation)
    if form.validate_on_submit():
        try:
            consultations.ask_reschedule(consultation, current_user, form.reason.data or "")
        except rules.ConsultError as error:
            show_on_form(form, error, "reason")
        else:
            deliver_inline_if_configured()
            flash(gettext("We told the Welfare Manager you would like another time."), "success")
            return to_request(consultation)
    return _detail(consultation, reschedule_form=form), 422


@bp.post("/richieste/<int:request_id>/condivisione")
@worker_only
def set_sharing(request_id: int) -> Response:
    consultation = own_request_or_404(request_id)
    form = SharingForm()
    checked(form)
    share = form.share.data == "1"
    consultations.set_sharing(consultation, share)
    flash(
        gettext("Your course progress is now shared with this request.")
        if share
        else gettext("You stopped sharing your course progress."),
        "success",
    )
    return to_request(consultation)


# --- manager -------------------------------------------------------------------------------------


@manager_bp.get("/")
@manager_only
def queue() -> str:
    form = QueueFilterForm(request.args)
    orgs = current_user.managed_organizations
    form.organization.choices = choices(
        [("", gettext("All organizations")), *[(str(o.id), o.name) for o in orgs]]
    )
    status = form.status.data if form.status.data in ("open", "all", *rules.STATUS_LABELS) else ""
    filters = consultations.QueueFilters(
        status="" if status == "all" else (status or "open"),
        topic=form.topic.data if form.topic.data in rules.TOPIC_LABELS else "",
        organization_id=id_or_none(form.organization.data),
        assigned=form.assigned.data if form.assigned.data in ("me", "nobody") else "",
    )
    return render_template(
        "manage/queue.html",
        form=form,
        rows=consultations.queue(current_user, filters),
        statuses=rules.STATUS_LABELS,
        topics=rules.TOPIC_LABELS,
        channels=rules.CHANNEL_LABELS,
        many_orgs=len(orgs) > 1,
    )


def _case_page(consultation: ConsultationRequest, **forms: object) -> str:
    assign_form = forms.get("assign_form") or AssignForm(formdata=None)
    assign_form.manager.choices = choices(  # type: ignore[attr-defined]
        [(0, gettext("Nobody yet"))]
        + [(m.id, m.full_name) for m in rules.managers_of(consultation.organization_id)]
    )
    if assign_form.manager.data is None:  # type: ignore[attr-defined]
        assign_form.manager.data = consultation.assigned_manager_id or 0  # type: ignore[attr-defined]
    booking_form = forms.get("booking_form") or BookingForm(formdata=None)
    booking_form.slot.choices = choices(  # type: ignore[attr-defined]
        [
            (
                slot.id,
                # A day chosen on its own: the long form ("giovedì 3 dicembre 2026, 10:00").
                f"{format_when(slot.starts_at, 'long')} · "
                f"{slot.social_point.name} · {slot.manager.full_name}",
            )
            for slot in appointments.free_slots_for(consultation)
        ]
    )
    if booking_form.channel.data is None:  # type: ignore[attr-defined]
        booking_form.channel.data = consultation.channel  # type: ignore[attr-defined]
    pathway_form = forms.get("pathway_form") or PathwayForm(formdata=None)
    module_groups = pathway.module_groups(consultation.worker.language or "it")
    return render_template(
        "manage/case.html",
        consultation=consultation,
        module_groups=module_groups,
        timeline=consultations.timeline(consultation),
        appointment=appointments.current_appointment(consultation.id),
        notes=consultations.read_notes(consultation, current_user, request.remote_addr or ""),
        scenarios=consultations.attached_scenarios(consultation),
        carried=consultations.carried_summary(consultation),
        asked_from=consultations.asked_from(consultation),
        learning=pathway.case_learning(consultation, current_user, request.remote_addr or ""),
        assign_form=assign_form,
        message_form=forms.get("message_form") or ManagerMessageForm(formdata=None),
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        booking_form=booking_form,
        close_form=forms.get("close_form") or CloseForm(formdata=None),
        pathway_form=pathway_form,
        action_form=ActionForm(),
        statuses=rules.STATUS_LABELS,
        topics=rules.TOPIC_LABELS,
        channels=rules.CHANNEL_LABELS,
    )


@manager_bp.get("/richieste/<int:request_id>")
@manager_only
def case(request_id: int) -> str:
    return _case_page(case_or_404(request_id))


@manager_bp.post("/richieste/<int:request_id>/assegna")
@manager_only
def assign(request_id: int) -> str | Response | tuple[str, int]:
    consultation = case_or_404(request_id)
    form = AssignForm()
    form.manager.choices = []
    if form.validate_on_submit():
        try:
            consultations.assign(consultation, form.manager.data or None, current_user)
        except rules.ConsultError as error:
            show_on_form(form, error, "manager")
        else:
            flash(gettext("Assignment saved."), "success")
            return to_case(consultation)
    return _case_page(consultation, assign_form=form), 422


@manager_bp.post("/richieste/<int:request_id>/messaggi", endpoint="add_message")
@manager_only
def manager_add_message(request_id: int) -> str | Response | tuple[str, int]:
    consultation = case_or_404(request_id)
    form = ManagerMessageForm()
    if form.validate_on_submit():
        try:
            consultations.add_manager_message(
                consultation, current_user, form.body.data, bool(form.wait_for_worker.data)
            )
        except rules.ConsultError as error:
            show_on_form(form, error, "body")
        else:
            deliver_inline_if_configured()
            flash(gettext("Message sent to the worker."), "success")
            return to_case(consultation, "timeline")
    return _case_page(consultation, message_form=form), 422


@manager_bp.post("/richieste/<int:request_id>/note")
@manager_only
def add_note(request_id: int) -> str | Response | tuple[str, int]:
    consultation = case_or_404(request_id)
    form = NoteForm()
    if form.validate_on_submit():
        consultations.add_note(consultation, current_user, form.note.data)
        flash(gettext("Note saved."), "success")
        return to_case(consultation, "notes")
    return _case_page(consultation, note_form=form), 422


@manager_bp.post("/richieste/<int:request_id>/chiudi")
@manager_only
def close(request_id: int) -> str | Response | tuple[str, int]:
    consultation = case_or_404(request_id)
    form = CloseForm()
    if consultation.status == "closed":
        # Closed meanwhile (another tab, another manager): its page has no form to show errors.
        checked()
        flash(gettext("This request is already closed."), "error")
        return to_case(consultation)
    if form.validate_on_submit():
        consultations.close_case(consultation, form.outcome.data, current_user)
        flash(gettext("Case closed."), "success")
        return to_case(consultation)
    return _case_page(consultation, close_form=form), 422


@manager_bp.post("/richieste/<int:request_id>/riapri")
@manager_only
def reopen(request_id: int) -> Response:
    consultation = case_or_404(request_id)
    checked()
    try:
        consultations.reopen_case(consultation, current_user)
    except rules.ConsultError as error:
        flash(error.message, "error")
    else:
        flash(gettext("Case reopened."), "success")
    return to_case(consultation)
