"""A gunicorn worker killed with SIGKILL in the middle of a write leaves nothing half-written;
gunicorn replaces it, the site answers again and the person's retry goes through.

The write is a quiz answer: one transaction that inserts the attempt, the module's progress
row and the first answer, updates the best score, then counts the day's activity. The kill
lands after the first statements and before the activity counter and the commit:
- PostgreSQL: the test locks the `activity_day` table, so the request waits inside its
  transaction (seen in pg_stat_activity), and every worker is killed while it waits;
- SQLite: a test-only gunicorn config file (hold_statement.py) stops the worker just before
  that statement (SQLite cannot be made to wait halfway from outside, see there).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import ActivityDay, ModuleProgress, QuizAttempt, QuizFirstAnswer
from tests.faults.pg import table_locked, wait_for_lock_waiters, wait_until_gone
from tests.faults.web import SERVER_ENV, Browser, emails_of, start_together, urlerror_types
from tests.servers import gunicorn

HOLD_CONFIG = Path(__file__).with_name("hold_statement.py")
ANSWER = "/corsi/prova/01-spese/quiz/spesa-fissa"


def _wait_for_file(path: Path, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        time.sleep(0.05)  # polling for the worker to reach the statement, not timing
    raise AssertionError(f"no request was held ({path} missing)")


@contextmanager
def _held_inside_transaction(backend: str, database_url: str, hold_dir: Path) -> Iterator[None]:
    """While the block runs, the next quiz answer stops inside its transaction."""
    if backend == "postgres":
        with table_locked(database_url, "activity_day"):
            yield
    else:
        (hold_dir / "armed").write_text("1")
        yield


def _counts(user_id: int) -> dict[str, object]:
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == user_id))
    quiz_days = select(func.coalesce(func.sum(ActivityDay.count), 0)).where(
        ActivityDay.user_id == user_id, ActivityDay.kind == "quiz"
    )
    return {
        "attempts": db.session.scalar(select(func.count(QuizAttempt.id))),
        "first_answers": db.session.scalar(select(func.count()).select_from(QuizFirstAnswer)),
        "quiz_activity": db.session.scalar(quiz_days),
        "visits": progress.visits,
        "best_score": progress.best_score,
    }


def test_worker_killed_mid_write_leaves_no_partial_data(
    app, backend, database_url, tmp_path, course, make_user
):
    learner = make_user("worker")
    [email] = emails_of(app, learner)
    with app.app_context():
        db.engine.dispose()
    hold_dir = tmp_path / "hold"
    hold_dir.mkdir()
    env = {**SERVER_ENV, "HOLD_DIR": str(hold_dir), "HOLD_BEFORE": "INSERT INTO activity_day"}

    hold = ["-c", str(HOLD_CONFIG)]
    with gunicorn(
        database_url, tmp_path, workers=3, env=env, extra_args=hold, preload=True
    ) as server:
        first_workers = server.wait_for_workers(3)
        browser = Browser(server.base_url)
        browser.login(email)
        assert browser.get("/corsi/prova/01-spese").status == 200  # one visit, committed

        started = time.monotonic()
        with _held_inside_transaction(backend, database_url, hold_dir):
            join = start_together([lambda: browser.post(ANSWER, {"choice": "0"})])
            if backend == "postgres":
                [held] = wait_for_lock_waiters(database_url, 1)
                assert held["query"].startswith("INSERT INTO activity_day"), held
            else:
                held_pid = int(_wait_for_file(hold_dir / "held"))
                assert held_pid in first_workers
            for pid in first_workers:
                os.kill(pid, signal.SIGKILL)
            # The person's browser sees the connection drop (no answer at all), not a 500.
            with pytest.raises(urlerror_types()):
                join(30)
        if backend == "postgres":
            # The lock is gone: the orphaned transaction runs on, finds its client dead and is
            # rolled back by PostgreSQL. Wait for that backend to end before looking.
            wait_until_gone(database_url, [held["pid"]])
        else:
            path = database_url.removeprefix("sqlite:///")
            with sqlite3.connect(path) as check:
                assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert check.execute("PRAGMA foreign_key_check").fetchall() == []

        with app.app_context():
            # All or nothing: the visit before is there, nothing of the killed answer is.
            assert _counts(learner) == {
                "attempts": 0,
                "first_answers": 0,
                "quiz_activity": 0,
                "visits": 1,
                "best_score": None,
            }
            db.session.remove()
            db.engine.dispose()

        # gunicorn started new workers by itself; the site answers and the retry works.
        new_workers = server.wait_for_workers(3, seconds=60, replacing=first_workers)
        assert not set(new_workers) & set(first_workers)
        retry = browser.post(ANSWER, {"choice": "0"})
        recovered = time.monotonic() - started
        assert retry.status == 302, (retry.status, retry.plain[:500])
        assert browser.get(retry.location).flashes() == [("success", "Risposta giusta!")]
        log = server.log_text()

    assert "Traceback" not in log, log[-3000:]
    with app.app_context():
        assert _counts(learner) == {
            "attempts": 1,
            "first_answers": 1,
            "quiz_activity": 1,
            "visits": 2,  # the retry's redirect showed the module page again
            "best_score": 0.5,
        }
    print(f"\n{backend}: killed {len(first_workers)} workers mid-write; retry ok {recovered:.1f}s")
