"""When SQLite stays locked longer than the busy timeout, people get a calm 503 page."""

from __future__ import annotations

import sqlite3

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import ModuleProgress


def test_locked_sqlite_gives_a_503_page_not_a_stack_trace(app, course, make_user, login, backend):
    if backend != "sqlite":
        return  # PostgreSQL has row locks and waits; there is no whole-file lock to hold
    from elearn import create_app
    from tests.conftest import CsrfClient

    user_id = make_user("worker")
    impatient = create_app({**app.config, "SQLITE_BUSY_TIMEOUT_MS": 100})
    impatient.test_client_class = CsrfClient
    client = impatient.test_client()
    login(user_id, client)
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        response = client.get("/corsi/prova/01-spese")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "molto occupato" in page and "Traceback" not in page
    # Nothing half-written, and the next request works.
    with app.app_context():
        assert db.session.scalar(select(ModuleProgress.id)) is None
    assert client.get("/corsi/prova/01-spese").status_code == 200
    with impatient.app_context():
        db.engine.dispose()
