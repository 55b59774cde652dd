"""SQLite: a request that reads, then writes, while another process commits in between.

In WAL mode such a transaction used to fail at once with "database is locked"
(SQLITE_BUSY_SNAPSHOT; the busy timeout cannot help) and people got a 503 whenever two of them
acted at the same moment: two logins, two Welfare day registrations. The engine now takes the
write lock before a transaction's first write, and the write sees what was committed meanwhile.
The other process's commit is placed exactly between the request's reads and its first write.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from elearn.extensions import db
from elearn.models import User, WelfareDay, WelfareDayRegistration
from elearn.models.base import utcnow

WAITLISTED = "La giornata è al completo: sei in lista d&#39;attesa. Ti scriveremo."


@pytest.fixture
def backend() -> str:
    return "sqlite"  # PostgreSQL's writes wait for row locks and see the latest rows anyway


def test_last_place_taken_between_reading_and_writing_gives_waitlist_not_503(
    app, client, make_user, login
):
    worker = make_user("worker")
    with app.app_context():
        start = utcnow().replace(microsecond=0) + timedelta(days=5)
        event_row = WelfareDay(
            organization_id=db.session.get(User, worker).organization_id,
            title="Bilancio e bonus",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            place="Social point",
            capacity=1,
        )
        db.session.add(event_row)
        db.session.commit()
        event_id = event_row.id
        engine = db.engine
    login(worker)

    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    other_process = sqlite3.connect(path, isolation_level=None)
    moments = []

    # Right after the request has read (is this worker registered already?), before it writes.
    @event.listens_for(engine, "after_cursor_execute")
    def someone_else_commits(conn, cursor, statement, *args):  # noqa: ANN001, ANN202
        if "FROM welfare_day_registration" in statement and not moments:
            other_process.execute(
                "UPDATE welfare_day SET seats_taken = seats_taken + 1 WHERE id = ?", (event_id,)
            )
            moments.append("the last place went to someone else")

    try:
        response = client.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={})
    finally:
        event.remove(engine, "after_cursor_execute", someone_else_commits)
        other_process.close()

    assert moments, "the request never read the registrations"
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert WAITLISTED in client.get("/consulenza/welfare-day").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(WelfareDay, event_id).seats_taken == 1  # never above capacity
        status = db.session.scalar(select(WelfareDayRegistration.status))
        assert status == "waitlisted"
