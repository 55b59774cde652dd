"""Access control, the user loader and security headers."""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Request, Response, abort, flash, redirect, request, session, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload, lazyload

from elearn.errors import discard_session
from elearn.extensions import db, login_manager
from elearn.models import User, UserSession
from elearn.models.base import utcnow

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def safe_next(target: str | None) -> str:
    """A same-site path to go back to, never an open redirect to another host."""
    if not target:
        return url_for("core.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("core.home")
    if "\\" in target or any(ord(char) < 32 for char in target):
        return url_for("core.home")
    return target


def role_required(*roles: str) -> Callable[[F], F]:
    """Allow the view only to logged-in users holding one of `roles`.

    Anonymous visitors go to the login page (401 for JSON); others get 403.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def login_required(view: F) -> F:
    return role_required()(view)


IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
_TOUCH_EVERY = timedelta(seconds=60)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(user: Any, *, second_factor: bool = False) -> None:
    """Log `user` in on this device with a fresh server-side session (new id at every login).

    `second_factor`: the login passed the second step (TOTP). The session row keeps it and the
    person's security stamp, so it holds only what was true when the login steps were passed.
    """
    session.clear()  # no value from before the login survives (session fixation)
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_token_hash(token),
            security_stamp=user.security_stamp,
            second_factor=second_factor,
        )
    )
    db.session.commit()
    login_user(user)
    session["sid"] = token


def end_session() -> None:
    """Log out this device for good: the server forgets the session, so a copied cookie fails."""
    language = getattr(current_user, "language", None) or session.get("language")
    token = session.get("sid")
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        db.session.commit()
    logout_user()
    session.clear()
    if language:
        session["language"] = language  # the next visitor page stays in the person's language


def end_other_sessions(user_id: int) -> int:
    """Revoke every session of the user except this one."""
    current = _token_hash(session.get("sid", ""))
    result = db.session.execute(
        update(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.token_hash != current,
        )
        .values(revoked_at=utcnow())
    )
    db.session.commit()
    return result.rowcount


def keep_only_this_session(user: Any) -> None:
    """After people change their own password: this session goes on, every other one ends.

    The change already ended all of them (models.users); this re-stamps the current one.
    """
    user = getattr(user, "_get_current_object", lambda: user)()  # not current_user's proxy
    token = session.get("sid")
    if token:
        db.session.execute(
            update(UserSession)
            .where(
                UserSession.token_hash == _token_hash(token),
                UserSession.user_id == user.id,
                UserSession.revoked_at.is_(None),
            )
            .values(security_stamp=user.security_stamp)
        )
        db.session.commit()
    end_other_sessions(user.id)
    login_user(user)  # the cookie's user id carries the new generation


@functools.cache
def _session_query() -> Any:
    """One statement for what every page needs of the person: the session, the account, its
    roles and its organization (theme colour). Managed organizations load only when used.

    Built once per process (building it costs more than running it); only the token's hash
    changes between requests, as a bound parameter. Every request still runs it: a revoked
    session, a new security stamp or generation, a deactivation are seen at once.
    """
    return (
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == bindparam("token_hash"))
        .options(
            joinedload(User.role_rows),
            joinedload(User.organization),
            lazyload(User.managed_organizations),
        )
    )


def _load_user(session_id: str) -> Any:
    user_id, _, generation = session_id.partition(":")
    token = session.get("sid")
    if not user_id.isdigit() or not generation.isdigit() or not token:
        return None
    found = (
        db.session.execute(_session_query(), {"token_hash": _token_hash(token)}).unique().first()
    )
    now = utcnow()
    if found is None:
        return None
    row, user = found
    if row.revoked_at is not None or row.user_id != int(user_id):
        return None
    if now - row.created_at > ABSOLUTE_TIMEOUT or now - row.last_seen_at > IDLE_TIMEOUT:
        _revoke(row, now)
        return None
    if user.session_generation != int(generation) or not user.active:
        return None
    if row.security_stamp != user.security_stamp or (
        user.needs_two_factor and not row.second_factor
    ):
        # Roles, organizations, password or second factor changed since this login, or the
        # person now needs a second step this login did not pass: log in again.
        _revoke(row, now)
        return None
    if now - row.last_seen_at > _TOUCH_EVERY:
        row.last_seen_at = now
        _commit_or_forget()
    return user


def _revoke(row: Any, now: Any) -> None:
    row.revoked_at = now
    _commit_or_forget()


def _commit_or_forget() -> None:
    """Commit a bookkeeping write (last seen, revocation) that the page does not depend on.

    When the database is down or restarting, losing it is harmless; failing the page for it
    (or, when it runs after the view, giving a bare "Internal Server Error") is not. The
    session is rolled back and a dead connection is thrown away, not given back to the pool.
    """
    try:
        db.session.commit()
    except SQLAlchemyError:
        log.warning("session bookkeeping not saved: the database did not answer")
        discard_session()


def _unauthorized() -> Any:
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        return {"error": gettext("Please log in.")}, 401

    flash(gettext("Please log in to see this page."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _is_local(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.startswith("[") else host
    return name in {"localhost", "127.0.0.1", "[::1]"} or name.endswith(".localhost")


def _set_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure and not _is_local(request.host):
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if _is_authenticated() and "Cache-Control" not in response.headers:
        # Personal pages must not linger in shared caches or the back button after logout.
        response.headers["Cache-Control"] = "no-store"
    return response


def _is_authenticated() -> bool:
    """current_user.is_authenticated, when it may be the first look at the session (the view
    did not need the user): if the database does not answer now, the page already made is
    still sent, as if personal (not cached)."""
    try:
        return bool(current_user.is_authenticated)
    except SQLAlchemyError:
        log.warning("session not checked after the request: the database did not answer")
        discard_session()
        return True


# The bodies werkzeug parses into request.form and request.files; any other body leaves both
# empty, so there is nothing to look at (and building them costs a JSON request a twentieth).
_FORM_BODIES = frozenset(
    {"application/x-www-form-urlencoded", "application/x-url-encoded", "multipart/form-data"}
)


def _refuse_nul_bytes() -> None:
    # PostgreSQL cannot store NUL in text, and no person types one: refuse early with a 400.
    # Every value of repeated keys, the keys themselves and upload file names.
    # A multipart part whose name the parser could not read (a line break in it) arrives with
    # no name: refused like NUL, before the CSRF check trips over it.
    if request.mimetype not in _FORM_BODIES:
        sources: tuple[Any, ...] = (request.args,)
    else:
        sources = (request.args, request.form)
    for values in sources:
        for key, value in values.items(multi=True):
            if not isinstance(key, str) or not isinstance(value, str):
                abort(400)
            if "\x00" in key or "\x00" in value:
                abort(400)
    if request.mimetype != "multipart/form-data":
        return
    for key, upload in request.files.items(multi=True):
        if not isinstance(key, str) or "\x00" in key or "\x00" in (upload.filename or ""):
            abort(400)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once per set of keys.

    Flask builds a new serializer (and itsdangerous tests its JSON serializer by encoding an
    empty dict) twice per request, to read and to write the cookie: about a tenth of a bare
    page's CPU. The serializer keeps no state between uses; the keys (SECRET_KEY and its
    fallbacks) are read at every request, so a changed key takes effect at once.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}

    def _serializer(self, keys: tuple[Any, ...]) -> URLSafeTimedSerializer:
        """Flask's own serializer for these keys (the last one signs), made once."""
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = URLSafeTimedSerializer(
                list(keys),
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                },
            )
            if len(self._serializers) > 8:  # keys changed many times (tests): start again
                self._serializers.clear()
            self._serializers[keys] = serializer
        return serializer

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        return self._serializer((*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key))

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The cookie's session; one signed only with an older key (SECRET_KEY_FALLBACKS, the
        weeks after a rotation) keeps only the login it refers to, which the database checks
        at every request (the `sid` token, `_user_id`), and the language.

        Whoever holds a leaked old key can sign anything: the half-way state of a login
        between the password and the second step, or the notes this login keeps to skip a
        database check (privacy choice made, account confirmed) must come from a cookie the
        current key signed.
        """
        if not app.secret_key or not app.config["SECRET_KEY_FALLBACKS"]:
            return super().open_session(app, request)
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            return self.session_class(
                self._serializer((app.secret_key,)).loads(value, max_age=max_age)
            )
        except BadData:
            pass
        try:
            data = self.get_signing_serializer(app).loads(value, max_age=max_age)  # type: ignore[union-attr]
        except BadData:
            return self.session_class()
        if not isinstance(data, dict):
            return self.session_class()
        return self.session_class({k: v for k, v in data.items() if k in _KEPT_FROM_OLD_KEYS})


# What a session cookie signed with an older key still carries (see SessionCookies.open_session).
# Not "_fresh": whoever holds the old key could mark a login as freshly made.
_KEPT_FROM_OLD_KEYS = frozenset({"_user_id", "_id", "sid", "language"})


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
    # First of all before-request functions: the CSRF check must never see such input.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_nul_bytes)
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.session_protection = "strong"
    app.after_request(_set_headers)
