"""Error pages in the site's look and the user's language; a 500 rolls the session back."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from flask_babel import gettext
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from elearn.extensions import db

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
        if error.code == 400 and "CSRF" in (error.description or ""):
            return render_error(
                400,
                gettext(
                    "The form expired or was sent from another page. "
                    "Please go back, reload the page and try again."
                ),
            )
        response = render_error(error.code)
        return response

    @app.errorhandler(OperationalError)
    def _database_busy(error: OperationalError) -> object:
        db.session.rollback()
        # The error page only reads: it must not wait for the write lock again.
        g.pop("sqlite_immediate", None)
        if "locked" in str(error.orig).lower() or "busy" in str(error.orig).lower():
            log.warning("database busy: %s", type(error.orig).__name__)
            body, code = render_error(503)
            return body, code, {"Retry-After": "5"}
        log.exception("database error")
        return render_error(500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> object:
        db.session.rollback()
        log.exception("unhandled error on %s", request.endpoint)
        return render_error(500)
