"""Routes of Welfare days: workers take or free a place; managers create days, check people in."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.consult import rules, welfare_days
from elearn.consult.forms import (
    WelfareDayEditForm,
    WelfareDayForm,
)
from elearn.consult.views.common import (
    bp,
    checked,
    manager_bp,
    manager_only,
    own_welfare_day_or_404,
    welfare_day_or_404,
    worker_only,
)
from elearn.form_errors import show_on_form
from elearn.forms import ActionForm, choices
from elearn.i18n import local_zone
from elearn.models.base import utcnow
from elearn.outbox.services import deliver_inline_if_configured

# --- worker --------------------------------------------------------------------------------------


@bp.get("/welfare-day", endpoint="welfare_days")
@worker_only
def worker_welfare_days() -> str:
    return render_template(
        "consult/welfare_days.html",
        events=welfare_days.welfare_days_for_worker(current_user),
        action_form=ActionForm(),
    )


@bp.post("/welfare-day/<int:event_id>/iscrizione")
@worker_only
def register(event_id: int) -> Response:
    event = own_welfare_day_or_404(event_id)
    checked(ActionForm())
    try:
        registration = welfare_days.register(current_user, event)
    except rules.ConsultError as error:
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
    event = own_welfare_day_or_404(event_id)
    checked(ActionForm())
    try:
        welfare_days.cancel_registration(current_user, event)
    except rules.ConsultError as error:
        flash(error.message, "error")
    else:
        flash(gettext("You freed your place. Thank you for telling us."), "success")
        deliver_inline_if_configured()
    return redirect(url_for("consult.welfare_days"))


# --- manager -------------------------------------------------------------------------------------


@manager_bp.get("/welfare-day", endpoint="welfare_days")
@manager_only
def manager_welfare_days() -> str:
    return render_template(
        "manage/welfare_days.html", rows=welfare_days.welfare_days_for_manager(current_user)
    )


@manager_bp.route("/welfare-day/nuovo", methods=["GET", "POST"])
@manager_only
def new_welfare_day() -> str | Response | tuple[str, int]:
    form = WelfareDayForm()
    form.organization.choices = choices(
        [(o.id, o.name) for o in current_user.managed_organizations]
    )
    if form.validate_on_submit():
        try:
            event = welfare_days.create_welfare_day(
                current_user,
                organization_id=form.organization.data,
                **form.day_fields(),
            )
        except rules.ConsultError as error:
            show_on_form(form, error, "day")
        else:
            flash(
                gettext("Welfare day created. Workers of the organization can register."), "success"
            )
            return redirect(url_for("manage.welfare_day", event_id=event.id))
    return render_template("manage/welfare_day_form.html", form=form), (422 if form.errors else 200)


@manager_bp.route("/welfare-day/<int:event_id>/modifica", methods=["GET", "POST"])
@manager_only
def edit_welfare_day(event_id: int) -> str | Response | tuple[str, int]:
    event = welfare_day_or_404(event_id)
    if request.method == "GET":
        local = event.starts_at.astimezone(local_zone())
        form = WelfareDayEditForm(
            formdata=None,
            obj=event,
            day=local.date(),
            start=local.time().replace(tzinfo=None),
            end=event.ends_at.astimezone(local_zone()).time().replace(tzinfo=None),
        )
    else:
        form = WelfareDayEditForm()
    if form.validate_on_submit():
        try:
            told = welfare_days.update_welfare_day(
                event,
                **form.day_fields(),
            )
        except rules.ConsultError as error:
            show_on_form(form, error, "day")
        else:
            deliver_inline_if_configured()
            flash(
                ngettext(
                    "Welfare day saved. We wrote to the %(num)d person signed up.",
                    "Welfare day saved. We wrote to the %(num)d people signed up.",
                    told,
                )
                if told
                else gettext("Welfare day saved."),
                "success",
            )
            return redirect(url_for("manage.welfare_day", event_id=event.id))
    return render_template("manage/welfare_day_form.html", form=form, event=event), (
        422 if form.errors else 200
    )


@manager_bp.get("/welfare-day/<int:event_id>")
@manager_only
def welfare_day(event_id: int) -> str:
    event = welfare_day_or_404(event_id)
    registered, waitlist = welfare_days.attendees(event)
    return render_template(
        "manage/welfare_day.html",
        event=event,
        editable=event.starts_at > utcnow(),
        registered=registered,
        waitlist=waitlist,
        action_form=ActionForm(),
    )


@manager_bp.post("/welfare-day/<int:event_id>/presenze/<int:registration_id>")
@manager_only
def check_in(event_id: int, registration_id: int) -> Response:
    event = welfare_day_or_404(event_id)
    checked()
    registration = welfare_days.check_in(
        event, registration_id, request.form.get("present", "1") == "1"
    )
    if registration is None:
        abort(404)
    return redirect(url_for("manage.welfare_day", event_id=event.id) + f"#person-{registration.id}")
