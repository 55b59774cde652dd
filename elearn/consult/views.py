"""Routes for workers: ask the Welfare Manager, follow requests, pathway actions, Welfare days."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.consult import services
from elearn.consult.forms import (
    ActionForm,
    ConsultationRequestForm,
    MessageForm,
    RescheduleForm,
    SharingForm,
    id_or_none,
)
from elearn.forms import choices
from elearn.models import ConsultationRequest, WelfareDay
from elearn.outbox.services import deliver_inline_if_configured
from elearn.resources import services as resources
from elearn.security import role_required

bp = Blueprint("consult", __name__, url_prefix="/consulenza")

worker_only = role_required("worker")


def _own_request_or_404(request_id: int) -> ConsultationRequest:
    found = services.get_own_request(current_user.id, request_id)
    if found is None:
        abort(404)
    return found


def _own_welfare_day_or_404(event_id: int) -> WelfareDay:
    found = services.worker_welfare_day(current_user, event_id)
    if found is None:
        abort(404)
    return found


def _checked(form: ActionForm | SharingForm) -> None:
    if not form.validate_on_submit():
        abort(400)


@bp.route("/nuova", methods=["GET", "POST"])
@worker_only
def new_request() -> str | Response | tuple[str, int]:
    form = ConsultationRequestForm()
    args = request.form if request.method == "POST" else request.args
    context = services.request_context(
        current_user.id,
        args.get("course", ""),
        args.get("module", ""),
        args.get("simulator", ""),
        args.get("scenario", ""),
    )
    points = services.social_points_of(current_user.organization_id)
    scenarios = services.own_scenarios(current_user.id)
    has_resources = bool(resources.inputs_of(current_user.id))
    form.social_point.choices = choices([(p.id, f"{p.name} – {p.address}") for p in points])
    form.scenarios.choices = choices([(s.id, s.name) for s in scenarios])
    if request.method == "GET":
        form.course.data = context.course_slug or ""
        form.module.data = context.module_slug or ""
        form.simulator.data = context.simulator or ""
        if context.suggested_topic:
            form.topic.data = context.suggested_topic
        if context.scenario_id is not None:
            form.scenarios.data = [context.scenario_id]
        form.attach_resources.data = request.args.get("risorse") == "1"
    if form.validate_on_submit():
        try:
            consultation = services.create_request(
                current_user,
                topic=form.topic.data,
                description=form.description.data,
                channel=form.channel.data,
                social_point_id=form.social_point.data,
                preferred_times=form.preferred_times.data or "",
                scenario_ids=list(form.scenarios.data or []),
                share_progress=bool(form.share_progress.data),
                context=context,
            )
        except services.ConsultError as error:
            target = getattr(form, error.field or "description")
            target.errors = [*target.errors, error.message]
        else:
            if form.attach_resources.data and has_resources:
                resources.attach_map(current_user, consultation.id, resources.local_today())
            deliver_inline_if_configured()
            flash(
                gettext("Request sent. The Welfare Manager will answer you here soon."), "success"
            )
            return redirect(url_for("consult.request_detail", request_id=consultation.id))
    status = 422 if form.errors else 200
    return render_template(
        "consult/new_request.html",
        form=form,
        context=context,
        has_points=bool(points),
        has_resources=has_resources,
    ), status


@bp.get("/")
@worker_only
def my_requests() -> str:
    return render_template(
        "consult/my_requests.html",
        requests=services.requests_of(current_user.id),
        labels=services.WORKER_STATUS_LABELS,
        topics=services.TOPIC_LABELS,
        pathway=services.pathway_for(current_user.id),
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
        timeline=services.timeline(consultation),
        appointment=services.current_appointment(consultation.id),
        scenarios=services.attached_scenarios(consultation),
        pathway=services.pathway_for(current_user.id),
        message_form=message_form or MessageForm(formdata=None),
        reschedule_form=reschedule_form or RescheduleForm(formdata=None),
        action_form=ActionForm(),
        labels=services.WORKER_STATUS_LABELS,
        topics=services.TOPIC_LABELS,
        channels=services.CHANNEL_LABELS,
    )


@bp.get("/richieste/<int:request_id>")
@worker_only
def request_detail(request_id: int) -> str:
    return _detail(_own_request_or_404(request_id))


@bp.post("/richieste/<int:request_id>/messaggi")
@worker_only
def add_message(request_id: int) -> str | Response | tuple[str, int]:
    consultation = _own_request_or_404(request_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.add_worker_message(consultation, current_user, form.body.data)
        except services.ConsultError as error:
            form.body.errors = [*form.body.errors, error.message]
        else:
            deliver_inline_if_configured()
            flash(gettext("Message sent."), "success")
            return redirect(url_for("consult.request_detail", request_id=consultation.id))
    return _detail(consultation, message_form=form), 422


@bp.post("/richieste/<int:request_id>/annulla")
@worker_only
def cancel_request(request_id: int) -> Response:
    consultation = _own_request_or_404(request_id)
    _checked(ActionForm())
    try:
        services.cancel_request(consultation, current_user)
    except services.ConsultError as error:
        flash(error.message, "error")
    else:
        deliver_inline_if_configured()
        flash(gettext("Request cancelled."), "success")
    return redirect(url_for("consult.request_detail", request_id=consultation.id))


@bp.post("/richieste/<int:request_id>/sposta")
@worker_only
def ask_reschedule(request_id: int) -> str | Response | tuple[str, int]:
    consultation = _own_request_or_404(request_id)
    form = RescheduleForm()
    # No appointment (cancelled meanwhile) or already asked (another tab): the page shows no
    # form to put an error next to, so say it above the page.
    if services.current_appointment(consultation.id) is None:
        _checked(ActionForm())
        flash(gettext("There is no appointment to move."), "error")
        return redirect(url_for("consult.request_detail", request_id=consultation.id))
    if consultation.reschedule_requested_at is not None:
        _checked(ActionForm())
        flash(
            gettext("You asked to move it. The Welfare Manager will propose another time."),
            "info",
        )
        return redirect(url_for("consult.request_detail", request_id=consultation.id))
    if form.validate_on_submit():
        try:
            services.ask_reschedule(consultation, current_user, form.reason.data or "")
        except services.ConsultError as error:
            form.reason.errors = [*form.reason.errors, error.message]
        else:
            deliver_inline_if_configured()
            flash(gettext("We told the Welfare Manager you would like another time."), "success")
            return redirect(url_for("consult.request_detail", request_id=consultation.id))
    return _detail(consultation, reschedule_form=form), 422


@bp.post("/richieste/<int:request_id>/condivisione")
@worker_only
def set_sharing(request_id: int) -> Response:
    consultation = _own_request_or_404(request_id)
    form = SharingForm()
    _checked(form)
    share = form.share.data == "1"
    services.set_sharing(consultation, share)
    flash(
        gettext("Your course progress is now shared with this request.")
        if share
        else gettext("You stopped sharing your course progress."),
        "success",
    )
    return redirect(url_for("consult.request_detail", request_id=consultation.id))


@bp.post("/percorso/<int:item_id>")
@worker_only
def tick_action(item_id: int) -> Response:
    form = SharingForm()
    _checked(form)
    if not services.tick_action(current_user.id, item_id, form.share.data == "1"):
        abort(404)
    return redirect(_back_to_request(request.form.get("request_id", "")))


def _back_to_request(raw: str) -> str:
    request_id = id_or_none(raw)
    if request_id is not None and services.get_own_request(current_user.id, request_id):
        return url_for("consult.request_detail", request_id=request_id)
    return url_for("consult.my_requests")


@bp.get("/welfare-day")
@worker_only
def welfare_days() -> str:
    return render_template(
        "consult/welfare_days.html",
        events=services.welfare_days_for_worker(current_user),
        action_form=ActionForm(),
    )


@bp.post("/welfare-day/<int:event_id>/iscrizione")
@worker_only
def register(event_id: int) -> Response:
    event = _own_welfare_day_or_404(event_id)
    _checked(ActionForm())
    try:
        registration = services.register(current_user, event)
    except services.ConsultError as error:
        flash(error.message, "error")
    else:
        flash(
            gettext("Your place is confirmed. We sent you an e-mail with the calendar file.")
            if registration.status == "registered"
            else gettext("The day is full: you are on the waiting list. We will write to you."),
            "success",
        )
        deliver_inline_if_configured()
    return redirect(url_for("consult.welfare_days"))


@bp.post("/welfare-day/<int:event_id>/rinuncia")
@worker_only
def cancel_registration(event_id: int) -> Response:
    event = _own_welfare_day_or_404(event_id)
    _checked(ActionForm())
    try:
        services.cancel_registration(current_user, event)
    except services.ConsultError as error:
        flash(error.message, "error")
    else:
        flash(gettext("You freed your place. Thank you for telling us."), "success")
        deliver_inline_if_configured()
    return redirect(url_for("consult.welfare_days"))
