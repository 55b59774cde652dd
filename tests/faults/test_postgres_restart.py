"""PostgreSQL restarted under load: while it is down people get a calm 503 page (never a 500),
and as soon as it is back every request succeeds again, with nobody touching the app.

The test runs its own PostgreSQL cluster (the shared server is not to be restarted), serves
the app on it with gunicorn, keeps several browsers reading and answering, stops the database
(fast shutdown: connections cut, open transactions rolled back) and starts it again.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, func, select, text

from elearn import create_app
from elearn.extensions import db
from elearn.models import ActivityDay, ModuleProgress, QuizAttempt
from tests.conftest import BASE_CONFIG, skip_or_fail
from tests.faults.private_postgres import PrivatePostgres, find_bindir
from tests.faults.web import SERVER_ENV, Browser, emails_of, urlerror_types
from tests.servers import gunicorn

pytestmark = pytest.mark.postgres

BROWSERS = 4
RECOVERY_SECONDS = 5  # after PostgreSQL accepts connections again
PAGE = "/corsi/prova/01-spese"
ANSWER = "/corsi/prova/01-spese/quiz/rata-anno"
OK = {"page": 200, "answer": 302, "health": 200}
CALM = "In questo momento il sito è molto occupato. Riprova tra qualche secondo."


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[PrivatePostgres]:
    bindir = find_bindir()
    if bindir is None:
        skip_or_fail("PostgreSQL server programs (initdb, pg_ctl) are not installed")
    server = None
    try:
        server = PrivatePostgres(bindir)
        server.start()
        admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE elearn"))
        admin.dispose()
        yield server
    finally:
        if server is not None:
            server.destroy()


@pytest.fixture
def backend() -> str:
    return "postgres"


@pytest.fixture
def database_url(private_postgres: PrivatePostgres) -> str:
    url = private_postgres.url("elearn")
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


@dataclass
class Outcome:
    browser: int
    kind: str
    started: float
    ended: float
    status: int | None  # None: no HTTP answer at all
    body: str

    @property
    def ok(self) -> bool:
        return self.status == OK[self.kind]


class Load:
    """Browsers that read a module page and answer a quiz, and a monitor that checks /healthz,
    over and over."""

    def __init__(self, browsers: list[Browser]) -> None:
        self.browsers = browsers
        self.outcomes: list[Outcome] = []
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(index,), daemon=True)
            for index in range(len(browsers))
        ]

    def _run(self, index: int) -> None:
        browser = self.browsers[index]
        monitor = Browser(browser.base_url)  # a load balancer's check: no session
        calls = {
            "page": lambda: browser.get(PAGE, timeout=30),
            "answer": lambda: browser.post(ANSWER, {"answer": "1800"}, timeout=30),
            "health": lambda: monitor.get("/healthz", timeout=30),
        }
        while not self.stop.is_set():
            for kind, call in calls.items():
                started = time.monotonic()
                try:
                    reply = call()
                    status, body = reply.status, reply.plain
                except urlerror_types() as error:
                    status, body = None, repr(error)
                self.outcomes.append(Outcome(index, kind, started, time.monotonic(), status, body))

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)

    def since(self, moment: float) -> list[Outcome]:
        return [o for o in list(self.outcomes) if o.started >= moment]

    def wait_for(
        self,
        condition: Callable[[], bool],
        what: str,
        seen: Callable[[], object] | None = None,
        seconds: float = 30,
    ) -> float:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return time.monotonic()
            time.sleep(0.05)  # polling the browsers' results, not timing anything
        raise AssertionError(f"timed out waiting for {what}: {seen() if seen else ''}")


def _round_ok_since(load: Load, moment: float) -> bool:
    """Every browser has had page, answer and health all succeed, started after `moment`."""
    done = {(o.browser, o.kind) for o in load.since(moment) if o.ok}
    return len(done) == len(load.browsers) * len(OK)


def test_site_recovers_by_itself_after_postgresql_restart(
    app, private_postgres, database_url, tmp_path, course, make_user
):
    learners = [make_user("worker") for _ in range(BROWSERS)]
    emails = emails_of(app, *learners)
    with app.app_context():
        db.engine.dispose()

    with gunicorn(database_url, tmp_path, workers=3, env=SERVER_ENV, preload=True) as server:
        browsers = [Browser(server.base_url) for _ in learners]
        for browser, email in zip(browsers, emails, strict=True):
            browser.login(email)
        with Load(browsers) as load:
            load.wait_for(lambda: _round_ok_since(load, 0), "the first rounds")
            down_at = time.monotonic()
            private_postgres.stop()
            try:
                # While it is down, each kind of request is answered, with a 503.
                load.wait_for(
                    lambda: {o.kind for o in load.since(down_at) if o.status == 503} == set(OK),
                    "503 answers while PostgreSQL is down",
                    lambda: {(o.kind, o.status) for o in load.since(down_at)},
                )
            finally:
                private_postgres.start()
            up_at = time.monotonic()
            recovered_at = load.wait_for(
                lambda: _round_ok_since(load, up_at),
                "recovery",
                lambda: {(o.kind, o.status) for o in load.since(up_at)},
                seconds=RECOVERY_SECONDS * 3,
            )
            # Keep going a little: once recovered, nothing fails any more.
            load.wait_for(lambda: _round_ok_since(load, recovered_at), "more rounds")
        log = server.log_text()

    outcomes = load.outcomes
    by_status: dict[object, int] = {}
    for outcome in outcomes:
        by_status[outcome.status] = by_status.get(outcome.status, 0) + 1
    failures = [o for o in outcomes if not o.ok]
    assert all(o.status == 503 for o in failures), [
        (o.kind, o.status, o.body[:300]) for o in failures
    ]
    for outcome in failures:
        if outcome.kind == "health":
            assert json.loads(outcome.body) == {"status": "database unavailable"}
        else:
            assert CALM in outcome.body and "Traceback" not in outcome.body
    # Nothing failed before the stop or after the recovery.
    assert all(o.ok for o in outcomes if o.ended < down_at)
    late = [o for o in failures if o.started >= recovered_at]
    assert not late, [(o.kind, o.status) for o in late]
    recovery = max((o.ended for o in failures if o.started >= up_at), default=up_at) - up_at
    assert recovery < RECOVERY_SECONDS
    assert "Traceback" not in log, log[-3000:]

    # Every answer is all or nothing: the attempt and the day's count go together, and an
    # answer that got a 503 may or may not have been committed just before the cut.
    answered = sum(1 for o in outcomes if o.kind == "answer" and o.ok)
    unsure = sum(1 for o in outcomes if o.kind == "answer" and not o.ok)
    with app.app_context():
        attempts = db.session.scalar(select(func.count(QuizAttempt.id)))
        assert answered <= attempts <= answered + unsure
        quiz_days = select(func.sum(ActivityDay.count)).where(ActivityDay.kind == "quiz")
        assert db.session.scalar(quiz_days) == attempts
        visits = db.session.scalar(select(func.sum(ModuleProgress.visits)))
        page_days = select(func.sum(ActivityDay.count)).where(ActivityDay.kind == "module")
        assert db.session.scalar(page_days) == visits
    print(
        f"\n{len(outcomes)} requests {by_status}; PostgreSQL down "
        f"{up_at - down_at:.1f}s; last failure {recovery:.2f}s after it was back, every kind of "
        f"request had succeeded for every browser {recovered_at - up_at:.2f}s after it"
    )
