"""The stop link of reminder e-mails, the reminder choice in the profile, and a nudge's link."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.consult.rules import language_of
from elearn.extensions import csrf
from elearn.nudges import services
from elearn.nudges.forms import ReminderChoiceForm, StopLinkForm
from elearn.nudges.tokens import user_for_token
from elearn.security import login_required, role_required

bp = Blueprint("nudges", __name__)


@bp.app_context_processor
def _reminder_choice() -> dict[str, object]:
    # Called by the profile template only, so other pages run no query for it.
    return {
        "reminders_on": lambda: services.reminders_on(current_user.id),
        "reminder_choice_form": ReminderChoiceForm,
    }


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/promemoria/stop/<token>", methods=["GET", "POST"])
@csrf.exempt
def stop(token: str) -> Response:
    """GET only shows the question: mail scanners open links, and must not stop anything.
    POST (the button, or the mail program's one-click unsubscribe) records the choice."""
    user = user_for_token(token)
    if user is None:
        text = gettext(
            "This link is not valid: it may have been copied incompletely. "
            "You can stop reminders from your profile after logging in."
        )
        body = render_template("error.html", title=gettext("Link not valid"), text=text, code=400)
        return _no_store(Response(body, 400, mimetype="text/html"))
    form = StopLinkForm()
    done = None
    if request.method == "POST":
        wants_on = form.action.data == "resume"
        services.set_reminders(user, on=wants_on, via="link")
        done = "resumed" if wants_on else "stopped"
    with force_locale(language_of(user)):
        body = render_template(
            "nudges/stop.html",
            form=form,
            token=token,
            done=done,
            stopped=not services.reminders_on(user.id),
        )
    return _no_store(Response(body, 200, mimetype="text/html"))


@bp.post("/profilo/promemoria")
@login_required
def preferences() -> Response:
    form = ReminderChoiceForm()
    if not form.validate_on_submit():
        flash(gettext("Your choice was not saved: please try again."), "error")
        return redirect(url_for("core.profile"))
    services.set_reminders(current_user, on=form.reminders.data == "on", via="profile")
    if form.reminders.data == "on":
        flash(gettext("Reminders are on again."), "success")
    else:
        flash(gettext("You will receive no more reminders."), "success")
    return redirect(url_for("core.profile", _anchor="reminders-heading"))


@bp.get("/riprendi/<int:course_id>")
@role_required("worker")
def resume(course_id: int) -> Response:
    """The link in a nudge: the module to do next in that course, worked out at the click."""
    target = services.resume_target(current_user.id, course_id)
    if target is None:
        abort(404)
    course, module_slug = target
    if module_slug is None:
        return redirect(url_for("learning.course", slug=course.slug))
    return redirect(url_for("learning.module", slug=course.slug, module_slug=module_slug))
