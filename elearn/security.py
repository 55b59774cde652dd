"""Access control, the user loader and security headers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from flask_login import current_user

from elearn.extensions import db, login_manager

F = TypeVar("F", bound=Callable[..., Any])

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
    from flask import url_for

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


def _load_user(session_id: str) -> Any:
    from elearn.models import User

    user_id, _, generation = session_id.partition(":")
    if not user_id.isdigit() or not generation.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_generation != int(generation) or not user.active:
        return None
    return user


def _unauthorized() -> Any:
    from flask import redirect, url_for
    from flask_babel import gettext

    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        return {"error": gettext("Please log in.")}, 401
    from flask import flash

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
    if current_user.is_authenticated and "Cache-Control" not in response.headers:
        # Personal pages must not linger in shared caches or the back button after logout.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.session_protection = "strong"
    app.after_request(_set_headers)
