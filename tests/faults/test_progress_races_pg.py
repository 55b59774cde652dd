"""PostgreSQL: a learner finishing the last two modules on two devices in the same instant
gets the course completion and the certificate.

Each answer completes its own module and then checks whether the whole course is done. Under
READ COMMITTED each transaction used to miss the other's module, so neither recorded the
completion. The two requests are held mid-transaction by a table lock until both are inside,
so the worst interleaving happens every time, not by luck."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import CourseCompletion, ModuleProgress
from tests.faults.pg import table_locked, wait_for_lock_waiters
from tests.faults.web import SERVER_ENV, Browser, emails_of, start_together
from tests.servers import gunicorn

pytestmark = pytest.mark.postgres


@pytest.fixture
def backend() -> str:
    return "postgres"  # row locks and READ COMMITTED; SQLite runs one writer at a time


def test_last_two_modules_finished_on_two_devices_at_once_give_the_certificate(
    app, database_url, tmp_path, course, make_user
):
    from elearn.learning import services
    from elearn.models import Course

    learner = make_user("worker")
    [email] = emails_of(app, learner)
    with app.app_context():
        found = db.session.scalar(select(Course).where(Course.slug == "prova"))
        for module in services.visible_modules(found):
            services.mark_read(learner, found, module)  # read, not yet passed: quizzes left
        db.engine.dispose()

    with gunicorn(database_url, tmp_path, workers=3, env=SERVER_ENV, preload=True) as server:
        phone, laptop = Browser(server.base_url), Browser(server.base_url)
        for browser in (phone, laptop):
            browser.login(email)
        answers = [
            (phone, "/corsi/prova/01-spese/quiz/spesa-fissa", {"choice": "0"}),
            (laptop, "/corsi/prova/02-rate/quiz/taeg-spese", {"choice": ["0", "1"]}),
        ]
        # The two right answers arrive together; each transaction is held before its end
        # (the day's activity counter is locked) until both are inside.
        with table_locked(database_url, "activity_day"):
            join = start_together(
                [lambda b=b, path=path, data=data: b.post(path, data) for b, path, data in answers]
            )
            wait_for_lock_waiters(database_url, 2)
        replies = join(60)
        assert [reply.status for reply in replies] == [302, 302]
        assert laptop.get("/corsi/prova/").status == 200
        certificate = laptop.get("/certificati/prova.pdf")
        assert certificate.status == 200, "the learner finished the course but has no certificate"

    with app.app_context():
        scores = dict(
            db.session.execute(
                select(ModuleProgress.module_slug, ModuleProgress.best_score).where(
                    ModuleProgress.user_id == learner
                )
            ).all()
        )
        assert scores == {"01-spese": 0.5, "02-rate": 1.0}
        assert db.session.scalar(select(CourseCompletion.user_id)) == learner
