"""Routes for consent: the first choice after login and the privacy settings in the profile."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from elearn.privacy import services
from elearn.privacy.erasure import (
    erase_user,
    erasure_requests_for,
    pending_erasure,
    request_erasure,
)
from elearn.privacy.export import export_user_data
from elearn.privacy.forms import FirstChoiceForm, PrivacySettingsForm
from elearn.security import role_required, safe_next

bp = Blueprint("privacy", __name__)

# Pages a worker may open before making the first choice.
_ALLOWED_BEFORE_CHOICE = {
    "privacy.first_choice",
    "auth.logout",
    "core.set_language",
    "static",
    "core.theme_css",
}


_CHOSEN = "progress_choice_made"


@bp.before_app_request
def _ask_first_choice() -> Response | None:
    if (
        current_user.is_authenticated
        and request.endpoint not in _ALLOWED_BEFORE_CHOICE
        and not (request.endpoint or "").startswith("api")
        and request.method == "GET"
        and session.get(_CHOSEN) != current_user.id
    ):
        if services.needs_first_choice(current_user):
            return redirect(url_for("privacy.first_choice", next=request.full_path.rstrip("?")))
        # A choice once made is never unmade (only changed): no need to ask the database again
        # during this login. The key goes with the login (the session is cleared at each one).
        session[_CHOSEN] = current_user.id
    return None


@bp.route("/consenso", methods=["GET", "POST"])
@role_required("worker")
def first_choice() -> str | Response | tuple[str, int]:
    form = FirstChoiceForm()
    if form.validate_on_submit():
        services.record_choice(
            current_user,
            "progress_sharing",
            form.progress_sharing.data == "yes",
            remote_addr=request.remote_addr or "",
        )
        flash(
            gettext("Thank you. You can change your choice at any time in your profile."), "success"
        )
        return redirect(safe_next(request.args.get("next")))
    return render_template(
        "privacy/first_choice.html", form=form, version=services.CONSENT_TEXT_VERSION
    ), (422 if form.errors else 200)


@bp.route("/profilo/privacy", methods=["GET", "POST"])
@role_required("worker")
def settings() -> str | Response | tuple[str, int]:
    form = PrivacySettingsForm()
    if request.method == "GET":
        sharing = services.current_consent(current_user.id, "progress_sharing")
        groups_consent = services.current_consent(current_user.id, "target_groups")
        form.progress_sharing.data = "yes" if sharing else "no"
        form.target_groups_consent.data = "yes" if groups_consent else "no"
        form.target_groups.data = sorted(services.declared_groups(current_user.id))
    if form.validate_on_submit():
        address = request.remote_addr or ""
        services.record_choice(
            current_user,
            "progress_sharing",
            form.progress_sharing.data == "yes",
            remote_addr=address,
        )
        services.record_choice(
            current_user,
            "target_groups",
            form.target_groups_consent.data == "yes",
            remote_addr=address,
        )
        services.set_target_groups(current_user, set(form.target_groups.data or []))
        flash(gettext("Your privacy choices have been saved."), "success")
        return redirect(url_for("privacy.settings"))
    return render_template(
        "privacy/settings.html",
        form=form,
        history=services.consent_history(current_user.id),
        version=services.CONSENT_TEXT_VERSION,
    ), (422 if form.errors else 200)


@bp.app_context_processor
def _privacy_helpers() -> dict[str, object]:
    return {"consent_label": lambda kind: str(services.CONSENT_KINDS.get(kind, kind))}


@bp.get("/profilo/dati.json")
@role_required("worker", "trainer", "manager", "admin")
def export_data() -> Response:
    data = export_user_data(current_user, remote_addr=request.remote_addr or "")
    response = Response(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), mimetype="application/json"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="i-miei-dati-welfare3.json"'
    return response


@bp.route("/profilo/cancellazione", methods=["GET", "POST"])
@role_required("worker")
def erasure() -> str | Response:
    form = FlaskForm()
    if form.validate_on_submit():
        request_erasure(current_user, remote_addr=request.remote_addr or "")
        flash(
            gettext(
                "Your request has been sent. A Welfare Manager or an administrator will confirm "
                "it; then your account and personal data are deleted."
            ),
            "success",
        )
        return redirect(url_for("core.profile"))
    return render_template(
        "privacy/erasure.html", form=form, pending=pending_erasure(current_user.id)
    )


@bp.get("/privacy/richieste")
@role_required("admin", "manager")
def erasure_queue() -> str:
    return render_template(
        "privacy/erasure_queue.html",
        requests=erasure_requests_for(current_user),
        form=FlaskForm(),
    )


@bp.post("/privacy/richieste/<int:erasure_id>/conferma")
@role_required("admin", "manager")
def confirm_erasure(erasure_id: int) -> Response:
    row = next((r for r in erasure_requests_for(current_user) if r.id == erasure_id), None)
    if row is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    erase_user(row, current_user, remote_addr=request.remote_addr or "")
    flash(gettext("The account has been erased."), "success")
    return redirect(url_for("privacy.erasure_queue"))
