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

from elearn.auth import services, throttle, twofactor
from elearn.auth.forms import (
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from elearn.extensions import db, limiter
from elearn.models import User
from elearn.outbox.services import deliver_after_response, deliver_inline_if_configured
from elearn.security import end_session, login_required, safe_next, start_session

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _blocked_message(blocked: throttle.Blocked) -> str:
    if blocked.scope == throttle.ACCOUNT:
        return gettext(
            "Too many wrong attempts for this account. For your safety it is paused for "
            "%(minutes)d minutes. You can also reset your password.",
            minutes=blocked.minutes,
        )
    return gettext(
        "Too many wrong attempts from this connection. Please try again in %(minutes)d minutes.",
        minutes=blocked.minutes,
    )


def _too_many(
    template: str, blocked: throttle.Blocked, field: object, **context: object
) -> Response:
    """The form again with the reason, as 429 with Retry-After (ASVS 2.2.1)."""
    field.errors = [*field.errors, _blocked_message(blocked)]  # type: ignore[attr-defined]
    response = current_app.make_response((render_template(template, **context), 429))
    response.headers["Retry-After"] = str(blocked.minutes * 60)
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = throttle.Attempt(
            {
                throttle.ACCOUNT: services.normalise_email(form.email.data),
                throttle.ADDRESS: throttle.client_address(),
            }
        )
        blocked = attempt.check()
        if blocked:
            return _too_many("auth/login.html", blocked, form.password, form=form)
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            attempt.succeeded()
            target = safe_next(request.args.get("next"))
            if user.needs_two_factor:
                # Half logged in: the second step finishes the login.
                session.clear()
                session["pending_user"] = user.id
                session["pending_generation"] = user.session_generation
                session["pending_since"] = int(time.time())
                session["pending_next"] = target
                return redirect(url_for("auth.two_factor"))
            start_session(user)
            return redirect(target)
        attempt.failed()
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
    if user is None or not user.active:
        return None
    # A change between the two steps (password reset, second factor reset, new roles) means
    # the password step no longer vouches for the person: start again.
    return user if session.get("pending_generation") == user.session_generation else None


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
    secret = session.get("pending_secret") if enrolling else None

    context = {
        "form": form,
        "enrolling": enrolling,
        "secret": secret,
        "qr": twofactor.qr_data_uri(twofactor.provisioning_uri(user, secret)) if secret else None,
    }

    if form.validate_on_submit():
        attempt = throttle.Attempt(
            {throttle.ACCOUNT: f"code:{user.id}", throttle.ADDRESS: throttle.client_address()}
        )
        blocked = attempt.check()
        if blocked:
            return _too_many("auth/two_factor.html", blocked, form.code, **context)
        ok = (
            twofactor.enrol(user, session["pending_secret"], form.code.data)
            if enrolling
            else twofactor.verify(user, form.code.data)
        )
        if ok:
            attempt.succeeded()
            target = session.get("pending_next") or url_for("core.home")
            start_session(user, second_factor=True)
            if enrolling:
                deliver_inline_if_configured()  # the notice queued by enrol()
            return redirect(safe_next(target))
        attempt.failed()
        form.code.errors.append(
            gettext("This code is not right. Check the time on your phone and try again.")
        )
    return render_template("auth/two_factor.html", **context), (422 if form.errors else 200)


@bp.post("/logout")
@login_required
def logout() -> Response:
    end_session()
    flash(gettext("You have logged out. See you soon!"), "success")
    return redirect(url_for("core.home"))


@bp.route("/registrazione", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = RegisterForm()
    if request.method == "GET" and request.args.get("code"):
        form.invite_code.data = request.args["code"][:32]
    if form.validate_on_submit():
        # Wrong invite codes count like wrong passwords: they are guessed the same way.
        attempt = throttle.Attempt({throttle.ADDRESS: throttle.client_address()})
        blocked = attempt.check()
        if blocked:
            return _too_many("auth/register.html", blocked, form.invite_code, form=form)
        try:
            services.register_worker(
                invite_code=form.invite_code.data,
                full_name=form.full_name.data,
                email=form.email.data,
                password=form.password.data,
                language=form.language.data,
            )
        except services.AccountError as error:
            attempt.failed()
            getattr(form, error.field).errors.append(error.message)
        else:
            attempt.succeeded(clear=())
            deliver_after_response()
            # The same answer whether the address was new or already had an account (its
            # owner gets an e-mail instead): the form does not reveal who is registered.
            flash(
                gettext(
                    "Thank you! We have sent an e-mail to %(email)s. Read it, then log in here "
                    "with your e-mail and password.",
                    email=services.normalise_email(form.email.data),
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/password/dimenticata", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        by_address = throttle.Attempt({throttle.RESET_ADDRESS: throttle.client_address()})
        blocked = by_address.check()
        if blocked:
            return _too_many("auth/forgot.html", blocked, form.email, form=form)
        # Past the per-account limit nobody learns it (the page is the same), but no more
        # e-mails go out: a stranger cannot flood someone's mailbox.
        by_account = throttle.Attempt({throttle.RESET: services.normalise_email(form.email.data)})
        if by_account.check():
            return render_template("auth/forgot_sent.html")
        services.request_password_reset(
            form.email.data,
            valid_hours=current_app.config["PASSWORD_RESET_HOURS"],
        )
        deliver_after_response()
        return render_template("auth/forgot_sent.html")
    status = 422 if form.errors else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/password/nuova/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    row = services.valid_reset_token(token)
    if row is None:
        return render_template("auth/reset_invalid.html"), 410
    form = ResetPasswordForm()
    form.personal = [row.user.full_name, row.user.email]
    if form.validate_on_submit():
        user = services.reset_password(token, form.password.data)
        if user is None:
            return render_template("auth/reset_invalid.html"), 410
        end_session()
        flash(gettext("Your password has been changed. You can log in now."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/reset.html", form=form), status
