"""Home page, language switch and profile."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, refresh
from flask_login import current_user
from sqlalchemy import text
from werkzeug.wrappers import Response

from elearn.auth.services import change_password
from elearn.consult.appointments import next_appointment_of
from elearn.consult.welfare_days import next_welfare_day_of
from elearn.core.forms import ChangePasswordForm, LanguageForm, ProfileForm
from elearn.core.services import (
    accent_for,
    home_sections,
    main_menu,
    role_labels,
    save_language,
    theme_css,
    update_profile,
)
from elearn.extensions import db
from elearn.learning.services import continue_learning, first_course, has_started_learning
from elearn.security import keep_only_this_session, login_required, safe_next

bp = Blueprint("core", __name__)


@bp.app_context_processor
def _menu() -> dict[str, object]:
    return {
        "main_menu": lambda: main_menu(current_user, request.endpoint),
        "role_labels": role_labels,
        "theme_version": lambda: (accent_for(current_user) or "default").lstrip("#"),
    }


@bp.get("/")
def home() -> str:
    if not current_user.is_authenticated:
        return render_template("core/welcome.html")
    resume = start = appointment = welfare_day = None
    if current_user.has_role("worker"):
        resume = continue_learning(current_user.id)
        if resume is None and not has_started_learning(current_user.id):
            start = first_course(current_user.language or "it")
        appointment = next_appointment_of(current_user)
        welfare_day = next_welfare_day_of(current_user)
    return render_template(
        "core/home.html",
        sections=home_sections(current_user),
        resume=resume,
        start=start,
        appointment=appointment,
        welfare_day=welfare_day,
    )


@bp.get("/healthz")
def health() -> tuple[dict[str, str], int]:
    """For load balancers and monitoring: the app answers and the database too."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"
        db.session.rollback()
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}, 200


@bp.get("/theme.css", endpoint="theme_css")
def theme_css_view() -> Response:
    accent = accent_for(current_user) if current_user.is_authenticated else None
    response = Response(theme_css(accent), mimetype="text/css")
    # The URL carries the colour, so the browser may keep it; private: it depends on the user.
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.post("/lingua")
def set_language() -> Response:
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:
            save_language(current_user, form.language.data)
        refresh()
    return redirect(safe_next(form.next.data))


@bp.route("/profilo", methods=["GET", "POST"])
@login_required
def profile() -> str | Response | tuple[str, int]:
    profile_form = ProfileForm(obj=current_user, prefix="profile")
    password_form = ChangePasswordForm(prefix="password")
    if request.method == "POST" and "profile-full_name" in request.form:
        if profile_form.validate_on_submit():
            update_profile(current_user, profile_form.full_name.data, profile_form.language.data)
            session["language"] = current_user.language
            refresh()
            flash(gettext("Your profile has been saved."), "success")
            return redirect(url_for("core.profile"))
    elif request.method == "POST" and password_form.validate_on_submit():
        if change_password(
            current_user, password_form.current_password.data, password_form.new_password.data
        ):
            keep_only_this_session(current_user)
            flash(
                gettext("Your password has been changed. Other devices have been logged out."),
                "success",
            )
            return redirect(url_for("core.profile"))
        password_form.current_password.errors.append(gettext("The current password is wrong."))
    has_errors = bool(profile_form.errors or password_form.errors)
    return (
        render_template(
            "core/profile.html", profile_form=profile_form, password_form=password_form
        ),
        422 if has_errors else 200,
    )
