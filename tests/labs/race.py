"""Two lab requests sent at the same moment (two tabs, a script, two facilitators), made to meet
at the worst point: just before each one commits. PostgreSQL only (its row locks are what is
tested; on SQLite the write lock taken up front serialises writers).

Each call runs in its own thread, with its own request context and database connection. About
to commit, a call waits until every other call has reached its own commit too (nothing kept
them apart: the race is on, as it would be without locks) or is waiting on a database lock (a
lock keeps them apart: waiting longer would only stall both). No sleeping to order things: the
calls meet on a condition; while one waits it looks at pg_stat_activity to see whether the
others are held by a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from elearn.extensions import db

# Only a bound against a hang (a bug in the code under test): never reached when it works.
_GIVE_UP_SECONDS = 30.0
_LOOK_EVERY_SECONDS = 0.02

_WAITING_ON_LOCKS = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def at_once(app: Flask, *calls: Callable[[], object]) -> list[str]:
    """Run the calls at once; return, in the order of `calls`, "done" or the refusal's text
    (LabError), or the name of any other exception (a 500 for the person)."""
    from elearn.labs.rules import LabError

    names = list(range(len(calls)))
    arrived: set[int] = set()
    meeting = threading.Condition()
    outcomes: dict[int, str] = {}

    def others_held_by_locks(name: int) -> bool:
        missing = len(names) - len(arrived)
        with db.engine.connect() as connection:
            return connection.scalar(_WAITING_ON_LOCKS) >= missing

    def meet(session: Session) -> None:
        name = session.info.get("race_name")
        if name is None:
            return
        with meeting:
            if name in arrived:  # a later commit of the same call
                return
            arrived.add(name)
            meeting.notify_all()
        for _ in range(int(_GIVE_UP_SECONDS / _LOOK_EVERY_SECONDS)):
            with meeting:
                if meeting.wait_for(lambda: len(arrived) == len(names), _LOOK_EVERY_SECONDS):
                    return
            if others_held_by_locks(name):
                return

    def run(name: int, call: Callable[[], object]) -> None:
        with app.test_request_context():
            db.session().info["race_name"] = name
            try:
                call()
                outcomes[name] = "done"
            except LabError as refused:
                outcomes[name] = str(refused)
            except Exception as error:  # noqa: BLE001 - what the person would get: a 500
                outcomes[name] = type(error).__name__
            finally:
                db.session().info.pop("race_name", None)
                db.session.remove()

    event.listen(Session, "before_commit", meet)
    try:
        threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(_GIVE_UP_SECONDS * 2)
    finally:
        event.remove(Session, "before_commit", meet)
    return [outcomes.get(name, "unfinished") for name in names]
