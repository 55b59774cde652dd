"""Learners' progress written by many browsers at once through gunicorn: nothing lost, no 5xx."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import (
    ActivityDay,
    CourseCompletion,
    ModuleProgress,
    QuizAttempt,
    QuizFirstAnswer,
)
from tests.faults.web import SERVER_ENV, Browser, emails_of, run_together
from tests.servers import gunicorn

# Browsers per learner: two people study on three devices (phone, tablet, PC) at once.
DEVICES = [3, 3, 1, 1, 1, 1, 1, 1]
ROUNDS = 3
BASE = "/corsi/prova"


def _study(browser: Browser, rounds: int) -> None:
    """What a learner does, `rounds` times: read, answer, mark as read, on both modules."""
    for index in range(rounds):
        page = browser.get(f"{BASE}/01-spese")
        assert page.status == 200, page.status
        right = index % 2 == 0  # a wrong answer every other round
        reply = browser.post(f"{BASE}/01-spese/quiz/spesa-fissa", {"choice": "0" if right else "1"})
        assert reply.status == 302, (reply.status, reply.plain[:500])
        reply = browser.post(f"{BASE}/01-spese/quiz/rata-anno", {"answer": "1.800"})
        assert reply.status == 302, reply.status
        assert browser.post(f"{BASE}/01-spese/letto").status == 302
        assert browser.get(f"{BASE}/02-rate").status == 200
        reply = browser.post(f"{BASE}/02-rate/quiz/taeg-spese", {"choice": ["0", "1"]})
        assert reply.status == 302, reply.status
        assert browser.post(f"{BASE}/02-rate/letto").status == 302


def test_many_browsers_studying_at_once_lose_nothing(
    app, backend, database_url, tmp_path, course, make_user
):
    learners = [make_user("worker") for _ in DEVICES]
    emails = emails_of(app, *learners)
    with app.app_context():
        db.engine.dispose()  # the server's processes open their own connections

    with gunicorn(database_url, tmp_path, workers=3, env=SERVER_ENV, preload=True) as server:
        devices = [
            (email, Browser(server.base_url))
            for email, count in zip(emails, DEVICES, strict=True)
            for _ in range(count)
        ]
        browsers = [browser for _, browser in devices]
        # Everybody logs in at the same moment (the start of a shift), on every device.
        run_together([lambda b=browser, e=email: b.login(e) for email, browser in devices])
        run_together([lambda b=b: _study(b, ROUNDS) for b in browsers])
        # Every learner sees the course as finished, with exactly one certificate.
        for browser in browsers:
            reply = browser.get("/certificati/prova.pdf")
            assert reply.status == 200 and reply.headers["content-type"] == "application/pdf"
        log = server.log_text()

    statuses = Counter(status for browser in browsers for status in browser.statuses)
    assert not [status for status in statuses if status >= 500], (statuses, log[-3000:])
    assert "Traceback" not in log, log[-3000:]
    requests_made = sum(statuses.values())
    assert requests_made >= len(browsers) * ROUNDS * 7

    with app.app_context():
        for learner, devices in zip(learners, DEVICES, strict=True):
            rounds = devices * ROUNDS
            visits = dict(
                db.session.execute(
                    select(ModuleProgress.module_slug, ModuleProgress.visits).where(
                        ModuleProgress.user_id == learner
                    )
                ).all()
            )
            assert visits == {"01-spese": rounds, "02-rate": rounds}, learner
            progress = db.session.scalars(
                select(ModuleProgress).where(ModuleProgress.user_id == learner)
            ).all()
            assert all(row.read_at and row.completed_at and row.best_score == 1 for row in progress)
            attempts = select(func.count(QuizAttempt.id)).where(QuizAttempt.user_id == learner)
            assert db.session.scalar(attempts) == 3 * rounds
            wrong = attempts.where(QuizAttempt.correct.is_(False))
            assert db.session.scalar(wrong) == devices * (ROUNDS // 2)
            first = (
                select(func.count())
                .select_from(QuizFirstAnswer)
                .where(QuizFirstAnswer.user_id == learner)
            )
            assert db.session.scalar(first) == 3
            # Summed over days: a run across midnight must not change the totals.
            activity = dict(
                db.session.execute(
                    select(ActivityDay.kind, func.sum(ActivityDay.count))
                    .where(ActivityDay.user_id == learner)
                    .group_by(ActivityDay.kind)
                ).all()
            )
            assert activity == {"module": 2 * rounds, "quiz": 3 * rounds}, learner
            completions = select(func.count(CourseCompletion.id)).where(
                CourseCompletion.user_id == learner
            )
            assert db.session.scalar(completions) == 1
    print(f"\n{backend}: {requests_made} requests from {len(browsers)} browsers: {dict(statuses)}")
