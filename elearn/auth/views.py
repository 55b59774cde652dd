"""Routes for logging in and out, registering and resetting a password."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.auth import services, twofactor
from elearn.auth.forms import (
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from elearn.extensions import db, limiter
from elearn.models import User
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
            target = safe_next(request.args.get("next"))
            if user.needs_two_factor:
                # Half logged in: the second step finishes the login.
                session.clear()
                session["pending_user"] = user.id
                session["pending_since"] = int(time.time())
                session["pending_next"] = target
                return redirect(url_for("auth.two_factor"))
            start_session(user)
            return redirect(target)
        form.password.errors.append(gettext("E-mail or password is not correct."))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


PENDING_SECONDS = 300


def _pending_user() -> User | None:
    user_id = session.get("pending_user")
    since = session.get("pending_since", 0)
    if not user_id or time.time() - since > PENDING_SECONDS:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


@bp.route("/login/codice", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def two_factor() -> str | Response | tuple[str, int]:
    user = _pending_user()
    if user is None:
        flash(gettext("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    enrolling = not user.totp_secret
    if enrolling and "pending_secret" not in session:
        session["pending_secret"] = twofactor.new_secret()
    if form.validate_on_submit():
        ok = (
            twofactor.enrol(user, session["pending_secret"], form.code.data)
            if enrolling
            else twofactor.verify(user, form.code.data)
        )
        if ok:
            target = session.get("pending_next") or url_for("core.home")
            start_session(user)
            return redirect(safe_next(target))
        form.code.errors.append(
            gettext("This code is not right. Check the time on your phone and try again.")
        )
    secret = session.get("pending_secret") if enrolling else None
    return render_template(
        "auth/two_factor.html",
        form=form,
        enrolling=enrolling,
        secret=secret,
        qr=twofactor.qr_data_uri(twofactor.provisioning_uri(user, secret)) if secret else None,
    ), (422 if form.errors else 200)


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
