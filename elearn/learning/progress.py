"""Progress writes: visits, reading, time spent, mastery and completion (atomic, safe under
concurrency), and the activity counter."""

from __future__ import annotations

import functools
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, select, update

from elearn.database import dialect_insert, write_done, write_transaction
from elearn.extensions import db
from elearn.learning.catalogue import visible_modules
from elearn.models import (
    ActivityDay,
    Course,
    CourseCompletion,
    CourseModule,
    ModuleProgress,
    QuizAttempt,
    QuizFirstAnswer,
    User,
)
from elearn.models.base import utcnow

# --- progress writes ------------------------------------------------------------------------


def _insert_ignore(values: dict[str, Any]) -> Any:
    return (
        dialect_insert(ModuleProgress)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["user_id", "course_slug", "module_slug"])
        # RETURNING tells whether a row was inserted; rowcount is unreliable here (-1 on psycopg).
        .returning(ModuleProgress.id)
    )


def _where(user_id: int, course_slug: str, module_slug: str) -> Any:
    return and_(
        ModuleProgress.user_id == user_id,
        ModuleProgress.course_slug == course_slug,
        ModuleProgress.module_slug == module_slug,
    )


@functools.cache
def _visit_upsert(dialect: str) -> Any:
    """The visit's upsert, built once per process and database kind (building a statement
    costs more than SQLite takes to run it); the values are bound parameters."""
    now = bindparam("now")
    return (
        dialect_insert(ModuleProgress, dialect)
        .values(
            user_id=bindparam("user_id"),
            course_slug=bindparam("course_slug"),
            module_slug=bindparam("module_slug"),
            first_visit_at=now,
            last_visit_at=now,
            visits=1,
            seconds_spent=0,
        )
        .on_conflict_do_update(
            index_elements=["user_id", "course_slug", "module_slug"],
            set_={"last_visit_at": now, "visits": ModuleProgress.visits + 1},
        )
        .returning(*ModuleProgress.__table__.columns)
    )


@functools.cache
def _activity_upsert(dialect: str) -> Any:
    return (
        dialect_insert(ActivityDay, dialect)
        .values(user_id=bindparam("user_id"), day=bindparam("day"), kind=bindparam("kind"), count=1)
        .on_conflict_do_update(
            index_elements=["user_id", "day", "kind"], set_={"count": ActivityDay.count + 1}
        )
    )


def record_visit(user_id: int, course_slug: str, module_slug: str) -> Any:
    """First/last visit and visit count, as one atomic upsert (no lost update between tabs).

    One short write transaction of two statements; the write lock is given back at its commit,
    so the page renders while other workers write (see database.write_done). Returns the
    learner's progress row as the upsert left it (RETURNING), so the page need not read it.
    """
    write_transaction()
    connection = db.session.connection()
    now = utcnow()
    progress = connection.execute(
        _visit_upsert(connection.dialect.name),
        {"user_id": user_id, "course_slug": course_slug, "module_slug": module_slug, "now": now},
    ).one()
    record_activity(user_id, "module")
    db.session.commit()
    write_done()
    return progress


def _ensure_row(user_id: int, course_slug: str, module_slug: str) -> None:
    now = utcnow()
    db.session.execute(
        _insert_ignore(
            {
                "user_id": user_id,
                "course_slug": course_slug,
                "module_slug": module_slug,
                "first_visit_at": now,
                "last_visit_at": now,
                "visits": 1,
                "seconds_spent": 0,
            }
        )
    )


def _complete_if_due(user_id: int, course: Course, module_slug: str, has_quizzes: bool) -> None:
    threshold = course.pass_score / 100
    conditions = [ModuleProgress.read_at.is_not(None), ModuleProgress.completed_at.is_(None)]
    if has_quizzes:
        conditions.append(ModuleProgress.best_score >= threshold - 1e-9)
    db.session.execute(
        update(ModuleProgress)
        .where(_where(user_id, course.slug, module_slug), *conditions)
        .values(completed_at=utcnow())
    )


def _lock_learner(user_id: int) -> None:
    """Take turns with this learner's other writes that can complete a module or the course.

    Whether the course is complete depends on rows that another request of the same learner
    may be writing at that very moment: two devices finishing the last two modules together
    would each, under READ COMMITTED, miss the other's module, and no completion (no
    certificate) would be recorded. Locking the learner's row first makes the second request
    wait for the first and then see it. SQLite has a single writer anyway (no FOR UPDATE there).
    """
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))


def mark_read(user_id: int, course: Course, module: CourseModule) -> None:
    write_transaction()
    _lock_learner(user_id)
    _ensure_row(user_id, course.slug, module.slug)
    db.session.execute(
        update(ModuleProgress)
        .where(_where(user_id, course.slug, module.slug), ModuleProgress.read_at.is_(None))
        .values(read_at=utcnow())
    )
    # Without JavaScript no heartbeat arrives: count the module's estimated reading time.
    db.session.execute(
        update(ModuleProgress)
        .where(_where(user_id, course.slug, module.slug), ModuleProgress.seconds_spent == 0)
        .values(seconds_spent=module.minutes * 60)
    )
    has_quizzes = bool(module.published_version and module.published_version.quiz_map())
    _complete_if_due(user_id, course, module.slug, has_quizzes)
    _complete_course_if_due(user_id, course)
    db.session.commit()


# --- activity, time spent, mastery, completion ------------------------------------------------

HEARTBEAT_SECONDS = 30
# A module's reading time counts at most this many times its estimate (an open tab is not study).
TIME_CAP_FACTOR = 3
REVIEW_AFTER = timedelta(hours=20)


def record_activity(user_id: int, kind: str, when: datetime | None = None) -> None:
    """Count one action of `kind` on today's date (atomic upsert; commit left to the caller)."""
    connection = db.session.connection()
    connection.execute(
        _activity_upsert(connection.dialect.name),
        {"user_id": user_id, "day": (when or utcnow()).date(), "kind": kind},
    )


def heartbeat(user_id: int, course: Course, module: CourseModule) -> bool:
    """Add HEARTBEAT_SECONDS of reading time, at most once per interval across all tabs."""
    write_transaction()
    now = utcnow()
    cap = max(module.minutes, 1) * 60 * TIME_CAP_FACTOR
    _ensure_row(user_id, course.slug, module.slug)
    result = db.session.execute(
        update(ModuleProgress)
        .where(
            _where(user_id, course.slug, module.slug),
            ModuleProgress.seconds_spent + HEARTBEAT_SECONDS <= cap,
            (ModuleProgress.last_heartbeat_at.is_(None))
            | (ModuleProgress.last_heartbeat_at <= now - timedelta(seconds=HEARTBEAT_SECONDS - 5)),
        )
        .values(
            seconds_spent=ModuleProgress.seconds_spent + HEARTBEAT_SECONDS,
            last_heartbeat_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


MASTERY_LEVELS = ("new", "started", "practised", "passed", "mastered")


def mastery_level(progress: ModuleProgress | None, attempted: bool) -> str:
    if progress is None:
        return "new"
    if progress.mastered_at is not None:
        return "mastered"
    if progress.completed_at is not None:
        return "passed"
    if attempted or progress.best_score is not None:
        return "practised"
    return "started"


def review_due(progress: ModuleProgress | None) -> bool:
    """A passed module can be reviewed for mastery on a later day."""
    return (
        progress is not None
        and progress.completed_at is not None
        and progress.mastered_at is None
        and utcnow() - progress.completed_at >= REVIEW_AFTER
    )


def _check_mastery(user_id: int, course: Course, module: CourseModule) -> None:
    """Mastered: every question answered right again, on a later day than the completion."""
    progress = db.session.scalar(
        select(ModuleProgress).where(_where(user_id, course.slug, module.slug))
    )
    if progress is None or progress.completed_at is None or progress.mastered_at is not None:
        return
    quiz_ids = list(module.published_version.quiz_map())
    if not quiz_ids:
        return
    since = progress.completed_at + REVIEW_AFTER
    reviewed = db.session.scalar(
        select(func.count(func.distinct(QuizAttempt.quiz_id))).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.course_slug == course.slug,
            QuizAttempt.module_slug == module.slug,
            QuizAttempt.correct.is_(True),
            QuizAttempt.created_at >= since,
            QuizAttempt.quiz_id.in_(quiz_ids),
        )
    )
    if reviewed == len(quiz_ids):
        db.session.execute(
            update(ModuleProgress)
            .where(_where(user_id, course.slug, module.slug), ModuleProgress.mastered_at.is_(None))
            .values(mastered_at=utcnow())
        )


def new_verification_code() -> str:
    """A certificate's verification code: 10 random characters (secrets), nothing to guess."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def _complete_course_if_due(user_id: int, course: Course) -> None:
    """Record the course completion (and its certificate code) once every module is done."""
    modules = visible_modules(course)
    done = db.session.scalar(
        select(func.count(ModuleProgress.id)).where(
            ModuleProgress.user_id == user_id,
            ModuleProgress.course_slug == course.slug,
            ModuleProgress.module_slug.in_([m.slug for m in modules]),
            ModuleProgress.completed_at.is_not(None),
        )
    )
    if not modules or done < len(modules):
        return
    db.session.execute(
        dialect_insert(CourseCompletion)
        .values(
            user_id=user_id,
            course_slug=course.slug,
            course_title=course.title,
            completed_at=utcnow(),
            minutes=sum(m.minutes for m in modules),
            verification_code=new_verification_code(),
        )
        .on_conflict_do_nothing(index_elements=["user_id", "course_slug"])
    )


def reset_course(user_id: int, course_slug: str) -> None:
    """Forget the learner's progress, answers and completion for one course."""
    write_transaction()
    _lock_learner(user_id)
    for model in (ModuleProgress, QuizAttempt, QuizFirstAnswer, CourseCompletion):
        db.session.execute(
            delete(model).where(model.user_id == user_id, model.course_slug == course_slug)
        )
    db.session.commit()
