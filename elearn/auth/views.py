"""Routes for logging in and out, registering and resetting a password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.auth import services
from elearn.auth.forms import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from elearn.extensions import limiter
from elearn.outbox.services import deliver_inline_if_configured
from elearn.security import end_session, login_required, safe_next, start_session

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user)
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(gettext("E-mail or password is not correct."))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout() -> Response:
    end_session()
    flash(gettext("You have logged out. See you soon!"), "success")
    return redirect(url_for("core.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = RegisterForm()
    if request.method == "GET" and request.args.get("code"):
        form.invite_code.data = request.args["code"][:32]
    if form.validate_on_submit():
        try:
            user = services.register_worker(
                invite_code=form.invite_code.data,
                full_name=form.full_name.data,
                email=form.email.data,
                password=form.password.data,
                language=form.language.data,
            )
        except services.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            start_session(user)
            flash(
                gettext("Welcome, %(name)s! Your account is ready.", name=user.first_name),
                "success",
            )
            return redirect(url_for("core.home"))
    status = 422 if form.errors else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(
            form.email.data,
            reset_url_for=lambda token: url_for("auth.reset_password", token=token, _external=True),
            valid_hours=current_app.config["PASSWORD_RESET_HOURS"],
        )
        deliver_inline_if_configured()
        return render_template("auth/forgot_sent.html")
    status = 422 if form.errors else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    if services.valid_reset_token(token) is None:
        return render_template("auth/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = services.reset_password(token, form.password.data)
        if user is None:
            return render_template("auth/reset_invalid.html"), 410
        end_session()
        flash(gettext("Your password has been changed. You can log in now."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/reset.html", form=form), status
