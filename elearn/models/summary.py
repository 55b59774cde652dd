"""Per-learner summary rows kept by the database itself, so reports never scan raw progress.

- `learner_summary`: one row per learner who has progress or a completion (last activity,
  modules started and completed, the sum and count of best scores, courses completed).
- `learner_course_summary`: the same per learner and course, plus whether the course is complete.
- `quiz_question_summary`: per organization and question, how many learners answered it and
  how many got it wrong at the first try (the dashboard's "hardest questions").

Triggers on `module_progress`, `course_completion`, `quiz_first_answer` and `user_account` keep
them in the same transaction as the write that changes them, on SQLite and PostgreSQL, whatever
code writes (pages, imports, erasure, the demo): counts move by +1/-1 in one upsert, which stays
exact when two transactions write for the same learner (the row lock orders them). `BACKFILL`
recomputes everything from the raw tables (the migration runs it; tests compare against it).
Every account has a `learner_summary` row (a trigger on `user_account` adds it) holding its
organization and whether it counts (an active worker not waiting for an admin's confirmation:
the one rule, elearn.models.summary_sql._counted); triggers on `user_account`, `user_role` and
`registration_review` keep both, and a move to another organization moves the learner's first
answers between the question counters. Consent is not copied: who may be seen individually is
decided by elearn.privacy.learning_access when reading.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import CreateIndex

from elearn.extensions import db
from elearn.models.base import UTCDateTime
from elearn.models.summary_sql import BACKFILL_POSTGRESQL, BACKFILL_SQLITE
from elearn.models.summary_triggers import POSTGRESQL, POSTGRESQL_TRIGGERS, SQLITE


class LearnerSummary(db.Model):
    __tablename__ = "learner_summary"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    # Copies of the account: its organization, and whether it counts in the organization's
    # figures (an active account with the worker role, not waiting for confirmation). Kept by
    # triggers on user_account, user_role and registration_review, so a report filters one
    # table instead of joining accounts, roles and reviews.
    organization_id: Mapped[int | None] = mapped_column(Integer)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)
    # The latest module visit (max of module_progress.last_visit_at).
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    modules_started: Mapped[int] = mapped_column(Integer, default=0)
    modules_completed: Mapped[int] = mapped_column(Integer, default=0)
    score_sum: Mapped[float] = mapped_column(Float, default=0)
    scores: Mapped[int] = mapped_column(Integer, default=0)
    courses_completed: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_learner_summary_organization", "organization_id", "counted"),)


# The learner list sorted by last activity walks this index (newest first, then by id).
Index(
    "ix_learner_summary_last_activity",
    LearnerSummary.last_activity_at.desc().nulls_last(),
    LearnerSummary.user_id,
)


@compiles(CreateIndex, "sqlite")
def _sqlite_index(element: CreateIndex, compiler: Any, **kw: Any) -> str:
    """SQLite has no NULLS LAST in indexes; descending, it puts NULL last anyway."""
    return str(compiler.visit_create_index(element, **kw)).replace(" NULLS LAST", "")


class LearnerCourseSummary(db.Model):
    __tablename__ = "learner_course_summary"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    course_slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    # Copies of the learner's summary row (kept by a trigger on learner_summary).
    organization_id: Mapped[int | None] = mapped_column(Integer)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)
    modules_started: Mapped[int] = mapped_column(Integer, default=0)
    modules_completed: Mapped[int] = mapped_column(Integer, default=0)
    score_sum: Mapped[float] = mapped_column(Float, default=0)
    scores: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)


class LearnerWeek(db.Model):
    """A week (its Monday) in which the learner did something (any activity_day row)."""

    __tablename__ = "learner_week"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    # Copies of the learner's summary row (kept by a trigger on learner_summary).
    organization_id: Mapped[int | None] = mapped_column(Integer)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_learner_week_week", "week", "organization_id", "counted"),)


class QuizQuestionSummary(db.Model):
    __tablename__ = "quiz_question_summary"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    course_slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    module_slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    quiz_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    learners: Mapped[int] = mapped_column(Integer, default=0)
    wrong: Mapped[int] = mapped_column(Integer, default=0)


def create_triggers(connection: Any) -> None:
    """Install the triggers; again after a second `create_all` (PostgreSQL has no
    CREATE TRIGGER IF NOT EXISTS, so the old ones go first)."""
    if connection.dialect.name == "postgresql":
        drop_triggers(connection)
    for statement in POSTGRESQL if connection.dialect.name == "postgresql" else SQLITE:
        connection.exec_driver_sql(statement)


def drop_triggers(connection: Any) -> None:
    if connection.dialect.name == "postgresql":
        for name, table in POSTGRESQL_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")
        return
    for statement in SQLITE:
        name = statement.split()[5]
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def backfill(connection: Any) -> None:
    """Recompute every summary row from the raw tables (the migration; bulk loads)."""
    postgresql = connection.dialect.name == "postgresql"
    for statement in BACKFILL_POSTGRESQL if postgresql else BACKFILL_SQLITE:
        connection.exec_driver_sql(statement)


def _after_create(target: object, connection: Any, **_kw: object) -> None:
    create_triggers(connection)


event.listen(db.metadata, "after_create", _after_create)
