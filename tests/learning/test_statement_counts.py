"""The pages a worker opens most run a fixed, small number of SQL statements.

Counted, not timed: the number does not grow with the learner's attempts, with other learners
or with more courses, so a change that adds a query per row (or per request) fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from elearn.authoring.services import import_courses
from elearn.extensions import db
from elearn.paths import resource_dir

PAGES = {
    # session + account + roles + organization in one; the course with its modules in one; the
    # visit (2 writes, the first returning the progress row); the published text; the attempts
    "module page": ("/corsi/prova/01-spese", 6),
    # the worker home: session; the last course touched with its visible modules and the
    # learner's progress in each, in one; the next booked meeting (the Welfare day is cached per
    # cooperative) and, in one statement, whether to invite to the impact questionnaire
    "worker home": ("/", 4),
    # session; the published courses with their visible modules' count and minutes and the
    # learner's declared target groups (for "recommended") in one; the learner's progress per
    # course
    "catalogue": ("/corsi/", 3),
    # session; the course with its modules; this learner's progress in it
    "course page": ("/corsi/prova/", 3),
}


@contextmanager
def counted(app) -> Iterator[list[str]]:
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's transaction starts are ours, not SQL work
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _statements(app, client, path: str) -> int:
    client.get(path)  # first view: caches warm, the visit row exists
    with counted(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


@pytest.mark.parametrize("name", PAGES)
def test_a_logged_in_page_runs_a_fixed_number_of_statements(
    app, client, course, make_user, login, name
):
    path, expected = PAGES[name]
    worker = make_user("worker")
    login(worker)
    client.post("/consenso", data={"progress_sharing": "yes"})
    client.get("/corsi/prova/01-spese")  # a course in progress: the home page shows it
    assert _statements(app, client, path) == expected

    # More of everything: attempts of this learner, other learners' progress, more courses.
    for choice in ("1", "0", "1"):
        client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": choice})
    for _ in range(3):
        other = app.test_client()
        login(make_user("worker"), other)
        other.post("/consenso", data={"progress_sharing": "no"})
        other.get("/corsi/prova/01-spese")
    with app.app_context():
        import_courses(resource_dir("courses"))
    assert _statements(app, client, path) == expected
