"""Error pages in the site's look and the user's language; a 500 rolls the session back."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from flask_babel import gettext
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from elearn.extensions import db, login_manager

log = logging.getLogger(__name__)


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (gettext("Bad request"), gettext("The request could not be understood.")),
        401: (gettext("Please log in"), gettext("You need to log in to see this page.")),
        403: (gettext("Not allowed"), gettext("Your account cannot open this page.")),
        404: (gettext("Page not found"), gettext("This page does not exist or was moved.")),
        405: (gettext("Not allowed"), gettext("This action is not allowed here.")),
        413: (gettext("Too large"), gettext("What you sent is too large.")),
        422: (gettext("Check your data"), gettext("Some of the data you sent is not valid.")),
        429: (
            gettext("Too many attempts"),
            gettext("Too many attempts in a short time. Please wait a minute and try again."),
        ),
        500: (
            gettext("Something went wrong"),
            gettext("An unexpected error happened. Nothing you saved before is lost."),
        ),
        503: (
            gettext("Busy, try again"),
            gettext("The site is very busy right now. Please try again in a few seconds."),
        ),
    }


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(code: int, message: str | None = None) -> tuple[object, int]:
    title, text = _titles().get(code, _titles()[500])
    if message:
        text = message
    if _wants_json():
        return {"error": text}, code
    return render_template("error.html", code=code, title=title, text=text), code


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> object:
        if error.code is None or error.code < 400:
            return error
        original = getattr(error, "original_exception", None)
        if isinstance(original, DBAPIError):
            # Raised outside the view (an after-request hook): the same page as inside it.
            return _database_error(original)
        # Refusals before the view (CSRF, NUL bytes, rate limit) come before anything loaded
        # the signed-in person: their page must not fail when the database does.
        if error.code == 400 and "CSRF" in (error.description or ""):
            return _render_without_database(
                400,
                gettext(
                    "The form expired or was sent from another page. "
                    "Please go back, reload the page and try again."
                ),
            )
        return _render_without_database(error.code)

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError) -> object:
        _rollback_quietly()
        # The error page only reads: it must not wait for the write lock again.
        g.pop("sqlite_immediate", None)
        if not database_unavailable(error):
            log.exception("database error")
            return _render_without_database(500)
        log.warning("database unavailable: %s", type(error.orig).__name__)
        body, code = _render_without_database(503)
        return body, code, {"Retry-After": "5"}

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> object:
        _rollback_quietly()
        log.exception("unhandled error on %s", request.endpoint)
        return _render_without_database(500)

    # Teardown functions run in reverse order of registration: this one before
    # Flask-SQLAlchemy's session.remove(), so that remove() finds nothing left to roll back.
    @app.teardown_appcontext
    def _end_transaction(exc: BaseException | None) -> None:
        try:
            db.session.close()
        except SQLAlchemyError:
            # Rolling back on a connection the database has cut: throw it away instead of
            # failing the response that is already on its way (werkzeug's bare 500).
            log.warning("rollback failed at the end of a request: connection discarded")
            _invalidate_quietly()


def database_unavailable(error: DBAPIError) -> bool:
    """The database cannot answer right now but will soon: worth "try again in a moment".

    SQLite: locked or busy longer than the busy timeout. PostgreSQL: every OperationalError
    (server restarting or unreachable, connection cut, deadlock or serialization failure: the
    driver's class for errors outside the program's control) and any error that SQLAlchemy
    recognised as a lost connection. Other errors (a constraint, a bad query) stay 500s.
    """
    if error.connection_invalidated:
        return True
    message = str(error.orig).lower()
    if "locked" in message or "busy" in message:
        return True
    return isinstance(error, OperationalError) and type(error.orig).__module__.startswith("psycopg")


def _rollback_quietly() -> None:
    """Roll the request's transaction back; on a dead connection that can fail too."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("rollback failed after a database error: connection discarded")
        _invalidate_quietly()


def discard_session() -> None:
    """After a failed database call: roll back, and throw a dead connection away.

    The request may go on; its next query takes a fresh connection from the pool.
    """
    _rollback_quietly()


def _invalidate_quietly() -> None:
    try:
        db.session().invalidate()  # closes the session; its connections leave the pool for good
    except SQLAlchemyError:
        log.warning("could not discard the database connection")


def _render_without_database(code: int, message: str | None = None) -> tuple[object, int]:
    """The error page; when the database is gone, as for a visitor (the signed-in person's
    menu and theme are read from the database, and the page must not fail in its turn)."""
    try:
        return render_error(code, message)
    except SQLAlchemyError:
        _rollback_quietly()
        g._login_user = login_manager.anonymous_user()  # noqa: SLF001 (flask-login's slot)
        return render_error(code, message)
