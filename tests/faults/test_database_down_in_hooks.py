"""The database stops answering while the app does its own bookkeeping around a request (the
session touch, the user check in the security headers after the view, the error page of a
request refused before the view, the rollback at teardown): people get the answer already
made or the app's own error page (the calm "busy" page for the database), never the server's
bare "Internal Server Error"; and a connection the database cut is thrown away.

The connection is cut (its driver connection closed, as when PostgreSQL restarts) just before
the statements of those hooks, with SQLAlchemy events on the test app's own engine, or inside
the rollback itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import event, update

from elearn import create_app
from elearn.extensions import db
from elearn.models import UserSession
from elearn.models.base import utcnow
from tests.conftest import CsrfClient

CALM = "In questo momento il sito è molto occupato. Riprova tra qualche secondo."
BARE = "Internal Server Error"
LOAN = {"principal": 10000, "annual_rate": 6, "months": 48}


@pytest.fixture
def production(app: Flask) -> Iterator[Flask]:
    """The app as gunicorn runs it: errors are answered, not raised into the test."""
    yield from _served(app)


def _served(app: Flask, after_request: Callable | None = None) -> Iterator[Flask]:
    served = create_app({**app.config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})
    served.test_client_class = CsrfClient
    if after_request is not None:
        served.after_request(after_request)
    yield served
    with served.app_context():
        db.session.remove()
        db.engine.dispose()


def _logged_in_worker(production: Flask, make_user: Callable, login: Callable) -> CsrfClient:
    """A logged-in worker whose last visit was two minutes ago (so the next one is recorded)."""
    browser = production.test_client()
    user_id = make_user("worker")
    login(user_id, browser)
    with production.app_context():
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id)
            .values(last_seen_at=utcnow() - timedelta(minutes=2))
        )
        db.session.commit()
    return browser  # type: ignore[return-value]


@pytest.fixture
def worker_client(production: Flask, make_user: Callable[..., int], login: Callable) -> CsrfClient:
    return _logged_in_worker(production, make_user, login)


@contextmanager
def connection_cut_before(app: Flask, marker: str) -> Iterator[list[str]]:
    """The server cuts the connection just before each statement containing `marker`, so the
    statement fails as it does while PostgreSQL restarts (the driver's own error)."""
    with app.app_context():
        engine = db.engine
    cut: list[str] = []

    def _cut(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if marker in statement:
            cut.append(statement)
            conn.connection.dbapi_connection.close()

    event.listen(engine, "before_cursor_execute", _cut)
    try:
        yield cut
    finally:
        event.remove(engine, "before_cursor_execute", _cut)


@contextmanager
def discarded_connections(app: Flask) -> Iterator[list[object]]:
    with app.app_context():
        engine = db.engine
    invalidated: list[object] = []

    def _record(dbapi_connection, connection_record, exception):  # noqa: ANN001
        invalidated.append(exception)

    event.listen(engine, "invalidate", _record)
    try:
        yield invalidated
    finally:
        event.remove(engine, "invalidate", _record)


def _assert_not_bare(response) -> str:  # noqa: ANN001
    body = response.get_data(as_text=True)
    assert BARE not in body, body[:300]
    return body


def test_a_failed_session_touch_does_not_fail_the_answer(production, worker_client):
    """Writing the last-seen time is bookkeeping: when the database cuts the connection right
    then, the answer goes out anyway and the dead connection is thrown away."""
    with (
        discarded_connections(production) as discarded,
        connection_cut_before(production, "UPDATE user_session") as cut,
    ):
        response = worker_client.post("/api/v1/simulators/loan", json=LOAN)
    assert cut, "no session touch happened: the test proves nothing"
    _assert_not_bare(response)
    assert response.status_code == 200 and "installment" in response.get_json()
    assert discarded, "the connection the database cut went back to the pool"
    assert worker_client.get("/profilo").status_code == 200  # still logged in, site works


def test_a_failed_session_touch_still_shows_the_page(production, worker_client):
    with connection_cut_before(production, "UPDATE user_session") as cut:
        response = worker_client.get("/profilo")
    assert cut
    body = _assert_not_bare(response)
    assert response.status_code == 200 and "<h1" in body


def test_database_gone_before_and_after_the_view_answers_json_with_503(production, worker_client):
    """The user check fails before the view and again in the security headers after it."""
    with connection_cut_before(production, "FROM user_session") as cut:
        response = worker_client.post("/api/v1/simulators/loan", json=LOAN)
    assert len(cut) >= 2, cut
    _assert_not_bare(response)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.get_json() == {
        "error": "In questo momento il sito è molto occupato. Riprova tra qualche secondo."
    }


def test_a_refusal_before_the_view_shows_its_page_when_the_database_is_gone(
    production, worker_client
):
    """A request refused before anything loaded the person (here a NUL byte; also CSRF and
    the rate limit): its error page looks the person up, and that must not fail in turn."""
    with connection_cut_before(production, "FROM user_session") as cut:
        response = worker_client.get("/profilo?q=%00")
    assert cut
    body = _assert_not_bare(response)
    assert response.status_code == 400 and "<h1" in body


def test_the_rollback_at_teardown_failing_does_not_replace_the_page(
    production, worker_client, monkeypatch
):
    with production.app_context():
        dialect = db.engine.dialect
    rollback = dialect.do_rollback

    def _rollback_on_a_dead_connection(pooled):  # noqa: ANN001
        pooled.dbapi_connection.close()  # the server went away while the page was being sent
        rollback(pooled)

    with discarded_connections(production) as discarded:
        monkeypatch.setattr(dialect, "do_rollback", _rollback_on_a_dead_connection)
        response = worker_client.get("/profilo")
        monkeypatch.undo()
    body = _assert_not_bare(response)
    assert response.status_code == 200 and "<h1" in body
    assert discarded, "the connection whose rollback failed went back to the pool"
    assert worker_client.get("/profilo").status_code == 200


def test_a_database_failure_in_any_after_request_step_gives_the_calm_page(app, make_user, login):
    """Whatever runs after the view (here a step added by the test) and hits the database
    while it is gone is answered like a failure inside the view: the app's 503 page."""
    from sqlalchemy import text

    def _reads_after_the_view(response):  # noqa: ANN001
        db.session.execute(text("SELECT 1 AS after_the_view"))
        return response

    for production in _served(app, after_request=_reads_after_the_view):
        browser = _logged_in_worker(production, make_user, login)
        with connection_cut_before(production, "after_the_view") as cut:
            response = browser.get("/profilo")
        assert cut
        body = _assert_not_bare(response)
        assert response.status_code == 503 and CALM in body
        assert response.headers["Retry-After"] == "5"
