"""The per-learner summary rows equal a recomputation from the raw progress after any writes."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update

from elearn.extensions import db
from elearn.learning import services
from elearn.models import (
    ActivityDay,
    Course,
    CourseCompletion,
    ModuleProgress,
    QuizFirstAnswer,
    RegistrationReview,
    User,
)
from elearn.models.base import utcnow
from elearn.models.summary_sql import (
    RECOMPUTE_COURSES,
    RECOMPUTE_LEARNERS,
    RECOMPUTE_QUESTIONS,
    recompute_weeks,
)

QUIZZES = {"01-spese": ["spesa-fissa", "rata-anno"], "02-rate": ["taeg-spese"]}
RIGHT = {
    "spesa-fissa": {"choice": ["0"]},
    "rata-anno": {"answer": ["1800"]},
    "taeg-spese": {"choice": ["0", "1"]},
}
WRONG = {
    "spesa-fissa": {"choice": ["1"]},
    "rata-anno": {"answer": ["12"]},
    "taeg-spese": {"choice": ["2"]},
}


def _rows(sql: str) -> set[tuple]:
    return {
        tuple(round(v, 9) if isinstance(v, float) else v for v in row)
        for row in db.session.execute(text(sql))
    }


def assert_counted_by_the_rule() -> None:
    """`counted` is the rule, worked out here without the SQL that the triggers and the
    recomputation share: an active account, with the worker role, not waiting for an admin to
    confirm it (elearn.roster.confirmations.waiting)."""
    waiting = set(db.session.scalars(select(RegistrationReview.user_id)))
    rule = {
        user.id: user.active and "worker" in user.roles and user.id not in waiting
        for user in db.session.scalars(select(User))
    }
    stored = {
        user_id: bool(counted)
        for user_id, counted in db.session.execute(
            text("SELECT user_id, counted FROM learner_summary")
        )
    }
    assert stored == rule


def assert_summaries_exact() -> None:
    db.session.expire_all()
    assert_counted_by_the_rule()
    stored = _rows(
        "SELECT user_id, organization_id, counted, last_activity_at, modules_started,"
        " modules_completed, score_sum, scores, courses_completed FROM learner_summary"
    )
    # Every account has its row (booleans compared as 0/1: SQLite has no other kind).
    assert {(r[0], r[1], bool(r[2]), *r[3:]) for r in stored} == {
        (r[0], r[1], bool(r[2]), *r[3:]) for r in _rows(RECOMPUTE_LEARNERS)
    }
    # A learner whose last row went away keeps a row of zeros: it counts for nothing.
    courses = _rows(
        "SELECT user_id, course_slug, organization_id, counted, modules_started,"
        " modules_completed, score_sum, scores, completed FROM learner_course_summary"
    )
    assert {(*r[:3], bool(r[3]), *r[4:]) for r in courses if r[4:] != (0, 0, 0, 0, 0)} == {
        (*r[:3], bool(r[3]), *r[4:]) for r in _rows(RECOMPUTE_COURSES)
    }
    dialect = db.session.get_bind().dialect.name
    weeks = _rows("SELECT user_id, week, organization_id, counted FROM learner_week")
    assert {(r[0], str(r[1]), r[2], bool(r[3])) for r in weeks} == {
        (r[0], str(r[1]), r[2], bool(r[3])) for r in _rows(recompute_weeks(dialect))
    }
    questions = _rows(
        "SELECT organization_id, course_slug, module_slug, quiz_id, learners, wrong"
        " FROM quiz_question_summary"
    )
    assert {row for row in questions if row[4:] != (0, 0)} == _rows(RECOMPUTE_QUESTIONS)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summary_rows_equal_a_recomputation_after_random_writes(
    app, course, make_user, make_org, seed
):
    rng = random.Random(seed)
    orgs = [make_org(), make_org()]
    learners = [make_user("worker", org_id=rng.choice(orgs)) for _ in range(4)]
    with app.app_context():
        # Some start as shared-code accounts waiting for an admin's confirmation.
        for learner in learners[1::2]:
            db.session.add(RegistrationReview(user_id=learner, organization_id=orgs[0]))
        db.session.commit()
    for step in range(45):
        with app.app_context():
            prova = db.session.scalar(select(Course).where(Course.slug == "prova"))
            user_id = rng.choice(learners)
            module_slug = rng.choice(list(QUIZZES))
            module = services.find_module(prova, module_slug)
            action = rng.choice(
                [
                    "visit",
                    "visit",
                    "read",
                    "answer",
                    "answer",
                    "answer",
                    "heartbeat",
                    "raw",
                    "waiting",
                ]
            )
            if action == "visit":
                services.record_visit(user_id, "prova", module_slug)
            elif action == "read":
                services.mark_read(user_id, prova, module)
            elif action == "answer":
                quiz_id = rng.choice(QUIZZES[module_slug])
                form = (RIGHT if rng.random() < 0.6 else WRONG)[quiz_id]
                services.answer_quiz(user_id, prova, module, quiz_id, form, "it")
            elif action == "heartbeat":
                services.heartbeat(user_id, prova, module)
            elif action == "waiting":
                # A shared-code account put in the admins' list, or confirmed (the row
                # goes); now and then the row is moved to another learner.
                review = db.session.get(RegistrationReview, user_id)
                others = [u for u in learners if db.session.get(RegistrationReview, u) is None]
                if review is None:
                    db.session.add(
                        RegistrationReview(user_id=user_id, organization_id=rng.choice(orgs))
                    )
                elif others and rng.random() < 0.3:
                    db.session.execute(
                        update(RegistrationReview)
                        .where(RegistrationReview.user_id == user_id)
                        .values(user_id=rng.choice(others))
                    )
                else:
                    db.session.delete(review)
                db.session.commit()
            else:
                # Writes no page makes today, but an import, an erasure or an admin could.
                where = (
                    ModuleProgress.user_id == user_id,
                    ModuleProgress.module_slug == module_slug,
                )
                change = rng.choice(
                    [
                        "delete",
                        "rescore",
                        "back",
                        "move",
                        "uncomplete",
                        "answer",
                        "account",
                        "day",
                    ]
                )
                if change == "delete":
                    db.session.execute(delete(ModuleProgress).where(*where))
                elif change == "rescore":
                    db.session.execute(
                        update(ModuleProgress)
                        .where(*where)
                        .values(best_score=rng.choice([None, 0.0, 1.0]), completed_at=None)
                    )
                elif change == "back":
                    db.session.execute(
                        update(ModuleProgress)
                        .where(*where)
                        .values(last_visit_at=utcnow() - timedelta(days=rng.randint(1, 30)))
                    )
                elif change == "move":
                    db.session.execute(
                        update(User)
                        .where(User.id == user_id)
                        .values(organization_id=rng.choice([*orgs, None]))
                    )
                elif change == "account":
                    # Deactivated, reactivated, or no longer (or again) a worker.
                    user = db.session.get(User, user_id)
                    if rng.random() < 0.5:
                        user.active = not user.active
                    else:
                        roles = set(user.roles) ^ {"worker"}
                        user.set_roles(roles or {"trainer"})
                elif change == "day":
                    # An activity on another day, or one taken away.
                    day = (utcnow() - timedelta(days=rng.randint(0, 20))).date()
                    if rng.random() < 0.7:
                        db.session.execute(
                            text(
                                "INSERT INTO activity_day (user_id, day, kind, count)"
                                " VALUES (:u, :d, 'simulator', 1) ON CONFLICT DO NOTHING"
                            ),
                            {"u": user_id, "d": day},
                        )
                    else:
                        db.session.execute(
                            delete(ActivityDay).where(
                                ActivityDay.user_id == user_id, ActivityDay.day <= day
                            )
                        )
                elif change == "uncomplete":
                    db.session.execute(
                        delete(CourseCompletion).where(CourseCompletion.user_id == user_id)
                    )
                else:
                    db.session.execute(
                        update(QuizFirstAnswer)
                        .where(QuizFirstAnswer.user_id == user_id)
                        .values(correct=rng.random() < 0.5)
                    )
                db.session.commit()
            if step % 5 == 4:
                assert_summaries_exact()
    with app.app_context():
        # A learner who leaves (erasure, deleted account) takes their figures along.
        db.session.execute(delete(User).where(User.id == learners[0]))
        db.session.commit()
        assert_summaries_exact()
        assert (
            db.session.scalar(
                text("SELECT count(*) FROM learner_summary WHERE user_id = :u"), {"u": learners[0]}
            )
            == 0
        )


def test_a_learner_who_answers_then_moves_counts_in_the_new_organization(
    app, course, make_user, make_org
):
    first, second = make_org(), make_org()
    learner = make_user("worker", org_id=first)
    with app.app_context():
        prova = db.session.scalar(select(Course).where(Course.slug == "prova"))
        module = services.find_module(prova, "01-spese")
        services.answer_quiz(learner, prova, module, "spesa-fissa", WRONG["spesa-fissa"], "it")
        db.session.execute(update(User).where(User.id == learner).values(organization_id=second))
        db.session.commit()
        rows = db.session.execute(
            text("SELECT organization_id, learners, wrong FROM quiz_question_summary")
        ).all()
        assert sorted(tuple(r) for r in rows) == [(first, 0, 0), (second, 1, 1)]
