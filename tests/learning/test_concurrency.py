"""Several processes writing the same learner's progress at once lose no update."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import ActivityDay, ModuleProgress, QuizAttempt
from tests.reports.test_learner_summary import assert_summaries_exact

PROCESSES = 4
ROUNDS = 15


def _writer(database_url: str, user_id: int, rounds: int, start, errors) -> None:
    from elearn import create_app
    from elearn.learning import services
    from elearn.models import Course

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"})
    start.wait()
    try:
        for index in range(rounds):
            with app.app_context():
                services.record_visit(user_id, "prova", "01-spese")
            with app.app_context():
                course = db.session.scalar(select(Course).where(Course.slug == "prova"))
                module = services.find_module(course, "01-spese")
                services.answer_quiz(
                    user_id, course, module, "spesa-fissa", {"choice": [str(index % 2)]}, "it"
                )
    except Exception as error:  # reported to the parent, which fails the test
        errors.put(f"{type(error).__name__}: {error}")
    finally:
        with app.app_context():
            db.engine.dispose()


def test_parallel_processes_keep_exact_counts(app, database_url, course, make_user):
    user_id = make_user("worker")
    with app.app_context():
        db.engine.dispose()
    # fork: the children start from the imported app code (the engine was disposed above).
    context = multiprocessing.get_context("fork")
    start = context.Event()
    errors = context.Queue()
    workers = [
        context.Process(target=_writer, args=(database_url, user_id, ROUNDS, start, errors))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert not problems, problems
    assert all(worker.exitcode == 0 for worker in workers)
    total = PROCESSES * ROUNDS
    with app.app_context():
        progress = db.session.scalar(
            select(ModuleProgress).where(ModuleProgress.user_id == user_id)
        )
        assert progress.visits == total
        assert progress.best_score == 0.5  # one of the module's two questions answered right
        assert db.session.scalar(select(func.count(QuizAttempt.id))) == total
        correct = select(func.count(QuizAttempt.id)).where(QuizAttempt.correct.is_(True))
        assert db.session.scalar(correct) == PROCESSES * (ROUNDS // 2 + ROUNDS % 2)
        counts = dict(db.session.execute(select(ActivityDay.kind, ActivityDay.count)).all())
        assert counts == {"module": total, "quiz": total}
        # The summary rows the triggers kept during the parallel writes equal a recomputation.
        assert_summaries_exact()
