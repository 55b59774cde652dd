"""When nudges are queued: 7 and 21 days after the last visit, never a third; pathway steps."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import CourseCompletion, NudgeSent, OutboxMessage, PathwayItem
from elearn.nudges.services import queue_nudges
from elearn.outbox.services import send_pending
from tests.nudges.conftest import days_later, queued


def _run(app, now):
    with app.app_context():
        return queue_nudges(now=now)


def test_no_nudge_before_seven_days_away(app, learner):
    report = _run(app, days_later(6.9))
    assert (report.first, report.second) == (0, 0)
    assert queued(app) == []


def test_first_nudge_after_seven_days_leads_to_the_next_unfinished_module(
    app, smtp_app, smtp_server, learner, login, client
):
    assert _run(app, days_later(7)).first == 1
    with app.app_context():
        assert send_pending(now=days_later(7)).sent == 1
    [mail] = smtp_server.messages
    assert mail["To"] == "giulia@example.org"
    body = mail.get_content()
    assert "Giulia" in body
    link = next(line for line in body.splitlines() if "/riprendi/" in line).strip()
    assert link.startswith("http://127.0.0.1:5000/riprendi/")  # PUBLIC_BASE_URL, not a Host
    login(learner)
    response = client.get(link.removeprefix("http://127.0.0.1:5000"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/corsi/prova/02-rate"


def test_second_nudge_after_21_days_and_never_a_third(app, learner):
    reports = [_run(app, days_later(day)) for day in (7, 8, 14, 20, 21, 22, 40, 80)]
    counts = [(report.first, report.second) for report in reports]
    assert counts == [(1, 0), (0, 0), (0, 0), (0, 0), (0, 1), (0, 0), (0, 0), (0, 0)]
    assert len(queued(app)) == 2


def test_coming_back_starts_the_count_again(app, learner, start_course):
    assert _run(app, days_later(7)).first == 1
    start_course(learner, when=days_later(10), module="02-rate")
    assert _run(app, days_later(21)).second == 0  # back 11 days ago only
    assert _run(app, days_later(31)).second == 1


def test_second_nudge_waits_two_weeks_after_the_first(app, learner):
    # Someone already away for 30 days when nudges start: not two e-mails on two days.
    assert _run(app, days_later(30)).first == 1
    assert _run(app, days_later(31)).second == 0
    assert _run(app, days_later(44)).second == 1


def test_finished_course_is_not_nudged(app, learner, course):
    with app.app_context():
        db.session.add(
            CourseCompletion(
                user_id=learner, course_slug=course, course_title="Corso", verification_code="X1"
            )
        )
        db.session.commit()
    assert _run(app, days_later(7)).first == 0


def test_nobody_away_for_months_is_nudged(app, learner):
    assert _run(app, days_later(120)).first == 0


def test_two_runs_at_once_queue_one_nudge(app, learner):
    """Two `elearn nudges queue` at the same moment (separate sessions): one e-mail."""
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                queue_nudges(now=days_later(7))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(queued(app)) == 1


def _pathway_step(app, worker_id, due, **fields):
    with app.app_context():
        item = PathwayItem(worker_id=worker_id, due_date=due, **fields)
        db.session.add(item)
        db.session.commit()
        return item.id


def test_one_reminder_per_overdue_pathway_step(app, make_user):
    worker = make_user("worker")
    due = date(2026, 11, 10)
    _pathway_step(app, worker, due, kind="action", title="Chiamare il CAF")
    assert _run(app, days_later(6)).pathway == 0  # 10 November, the due day itself
    assert _run(app, days_later(7)).pathway == 1  # the day after
    assert _run(app, days_later(12)).pathway == 0
    [message] = queued(app)
    assert "/il-mio-percorso" in message.body_text


def test_done_pathway_steps_are_not_reminded(app, make_user, course):
    worker = make_user("worker")
    step = _pathway_step(app, worker, date(2026, 11, 10), kind="action", title="Chiamare il CAF")
    with app.app_context():
        db.session.get(PathwayItem, step).done_at = days_later(1)
        db.session.commit()
    assert _run(app, days_later(8)).pathway == 0


def test_several_overdue_steps_make_one_email(app, make_user):
    worker = make_user("worker")
    for title in ("Chiamare il CAF", "Portare le buste paga"):
        _pathway_step(app, worker, date(2026, 11, 10), kind="action", title=title)
    assert _run(app, days_later(8)).pathway == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(NudgeSent.id))) == 2
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    assert "2 " in queued(app)[0].body_text


def test_the_daily_command_queues_and_reports(app, runner, learner, start_course):
    from elearn.models.base import utcnow

    start_course(learner, when=utcnow() - timedelta(days=8))
    result = runner.invoke(args=["nudges", "queue"])
    assert result.exit_code == 0, result.output
    assert "nudges queued: 1 first" in result.output
    assert runner.invoke(args=["nudges", "queue"]).output.startswith("nudges queued: 0 first")
