# ruff: noqa: S608  (SQL assembled from constants in this file; no value from outside)
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
organization and whether it counts (an active worker); triggers on `user_account` and
`user_role` keep both, and a move to another organization moves the learner's first answers
between the question counters. Consent is not copied: who may be seen individually is decided
by elearn.privacy.learning_access when reading.
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


class LearnerSummary(db.Model):
    __tablename__ = "learner_summary"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    # Copies of the account: its organization, and whether it counts in the organization's
    # figures (an active account with the worker role). Kept by triggers on user_account and
    # user_role, so a report filters one table instead of joining accounts and roles.
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


# --- statements shared by both dialects (R is NEW or OLD) ---------------------------------------


def _later(current: str, new: str) -> str:
    return f"CASE WHEN {current} IS NULL OR {current} < {new} THEN {new} ELSE {current} END"


def _counted(user_id: str, active: str | None = None) -> str:
    """Whether the account counts in its organization's figures: active, with the worker role."""
    active = (
        active or f"COALESCE((SELECT a.active FROM user_account a WHERE a.id = {user_id}), FALSE)"  # nosec B608
    )
    return (
        f"({active} AND EXISTS (SELECT 1 FROM user_role w WHERE w.user_id = {user_id}"  # nosec B608
        " AND w.role = 'worker'))"
    )


def _organization(user_id: str) -> str:
    return f"(SELECT a.organization_id FROM user_account a WHERE a.id = {user_id})"  # nosec B608


def _copied(column: str, r: str) -> str:
    """A column of the learner's summary row (written just before, in the same trigger)."""
    value = f"(SELECT s.{column} FROM learner_summary s WHERE s.user_id = {r}.user_id)"  # nosec B608
    return f"COALESCE({value}, FALSE)" if column == "counted" else value


def _progress_add(r: str) -> list[str]:
    done = f"CASE WHEN {r}.completed_at IS NULL THEN 0 ELSE 1 END"
    scored = f"CASE WHEN {r}.best_score IS NULL THEN 0 ELSE 1 END"
    score = f"COALESCE({r}.best_score, 0)"
    counts = (
        "modules_started = {t}.modules_started + 1,"
        " modules_completed = {t}.modules_completed + excluded.modules_completed,"
        " score_sum = {t}.score_sum + excluded.score_sum, scores = {t}.scores + excluded.scores"
    )
    return [
        "INSERT INTO learner_summary (user_id, organization_id, counted, last_activity_at,"  # nosec B608
        " modules_started, modules_completed, score_sum, scores, courses_completed)"
        f" VALUES ({r}.user_id, {_organization(r + '.user_id')}, {_counted(r + '.user_id')},"
        f" {r}.last_visit_at, 1, {done}, {score}, {scored}, 0)"
        " ON CONFLICT (user_id) DO UPDATE SET last_activity_at = "
        + _later("learner_summary.last_activity_at", "excluded.last_activity_at")
        + ", "
        + counts.format(t="learner_summary"),
        "INSERT INTO learner_course_summary (user_id, course_slug, organization_id, counted,"  # nosec B608
        " modules_started, modules_completed, score_sum, scores, completed)"
        f" VALUES ({r}.user_id, {r}.course_slug, {_copied('organization_id', r)},"
        f" {_copied('counted', r)}, 1, {done}, {score}, {scored}, 0)"
        " ON CONFLICT (user_id, course_slug) DO UPDATE SET "
        + counts.format(t="learner_course_summary"),
    ]


def _progress_sub(r: str) -> list[str]:
    counts = (
        "modules_started = modules_started - 1,"
        " modules_completed = modules_completed"
        f" - CASE WHEN {r}.completed_at IS NULL THEN 0 ELSE 1 END,"
        f" score_sum = score_sum - COALESCE({r}.best_score, 0),"
        f" scores = scores - CASE WHEN {r}.best_score IS NULL THEN 0 ELSE 1 END"
    )
    return [
        f"UPDATE learner_summary SET {counts} WHERE user_id = {r}.user_id",  # nosec B608
        f"UPDATE learner_course_summary SET {counts}"  # nosec B608
        f" WHERE user_id = {r}.user_id AND course_slug = {r}.course_slug",
    ]


def _last_again(r: str) -> str:
    return (
        "UPDATE learner_summary SET last_activity_at = (SELECT max(last_visit_at) FROM"  # nosec B608
        f" module_progress WHERE user_id = {r}.user_id) WHERE user_id = {r}.user_id"
    )


TOUCH = (
    "UPDATE learner_summary SET last_activity_at = NEW.last_visit_at WHERE user_id = NEW.user_id"
    " AND (last_activity_at IS NULL OR last_activity_at < NEW.last_visit_at)"
)


def _completion(r: str, sign: str) -> list[str]:
    if sign == "+":
        return [
            "INSERT INTO learner_summary (user_id, organization_id, counted, modules_started,"  # nosec B608
            " modules_completed, score_sum, scores, courses_completed)"
            f" VALUES ({r}.user_id, {_organization(r + '.user_id')},"
            f" {_counted(r + '.user_id')}, 0, 0, 0, 0, 1)"
            " ON CONFLICT (user_id) DO UPDATE SET"
            " courses_completed = learner_summary.courses_completed + 1",
            "INSERT INTO learner_course_summary (user_id, course_slug, organization_id, counted,"  # nosec B608
            " modules_started, modules_completed, score_sum, scores, completed) VALUES"
            f" ({r}.user_id, {r}.course_slug, {_copied('organization_id', r)},"
            f" {_copied('counted', r)}, 0, 0, 0, 0, 1) ON CONFLICT (user_id, course_slug)"
            " DO UPDATE SET completed = learner_course_summary.completed + 1",
        ]
    return [
        "UPDATE learner_summary SET courses_completed = courses_completed - 1"  # nosec B608
        f" WHERE user_id = {r}.user_id",
        "UPDATE learner_course_summary SET completed = completed - 1"  # nosec B608
        f" WHERE user_id = {r}.user_id AND course_slug = {r}.course_slug",
    ]


QUESTION_UPSERT = (
    " ON CONFLICT (organization_id, course_slug, module_slug, quiz_id) DO UPDATE SET"
    " learners = quiz_question_summary.learners + excluded.learners,"
    " wrong = quiz_question_summary.wrong + excluded.wrong"
)


def _answer_add(r: str, lock: str = "") -> str:
    return (
        "INSERT INTO quiz_question_summary (organization_id, course_slug, module_slug, quiz_id,"  # nosec B608
        f" learners, wrong) SELECT u.organization_id, {r}.course_slug, {r}.module_slug,"
        f" {r}.quiz_id, 1, CASE WHEN {r}.correct THEN 0 ELSE 1 END FROM user_account u"
        f" WHERE u.id = {r}.user_id AND u.organization_id IS NOT NULL" + QUESTION_UPSERT
    )


def _answer_sub(r: str) -> str:
    return (
        "UPDATE quiz_question_summary SET learners = learners - 1,"  # nosec B608
        f" wrong = wrong - CASE WHEN {r}.correct THEN 0 ELSE 1 END"
        " WHERE organization_id ="
        f" (SELECT organization_id FROM user_account WHERE id = {r}.user_id)"
        f" AND course_slug = {r}.course_slug AND module_slug = {r}.module_slug"
        f" AND quiz_id = {r}.quiz_id"
    )


_SAME_QUESTION = (
    "q.user_id = OLD.id AND q.course_slug = quiz_question_summary.course_slug"
    " AND q.module_slug = quiz_question_summary.module_slug"
    " AND q.quiz_id = quiz_question_summary.quiz_id"
)
# A learner leaves an organization (moved or deleted): their first answers leave its counters.
LEARNER_ANSWERS_SUB = (
    "UPDATE quiz_question_summary SET learners = learners - 1, wrong = wrong -"  # nosec B608
    " (SELECT CASE WHEN q.correct THEN 0 ELSE 1 END FROM quiz_first_answer q"
    f" WHERE {_SAME_QUESTION})"
    " WHERE organization_id = OLD.organization_id"
    f" AND EXISTS (SELECT 1 FROM quiz_first_answer q WHERE {_SAME_QUESTION})"
)
LEARNER_ANSWERS_ADD = (
    "INSERT INTO quiz_question_summary (organization_id, course_slug, module_slug, quiz_id,"  # nosec B608
    " learners, wrong) SELECT NEW.organization_id, q.course_slug, q.module_slug, q.quiz_id, 1,"
    " CASE WHEN q.correct THEN 0 ELSE 1 END FROM quiz_first_answer q"
    " WHERE q.user_id = NEW.id AND NEW.organization_id IS NOT NULL" + QUESTION_UPSERT
)

ACCOUNT_ADDED = (
    "INSERT INTO learner_summary (user_id, organization_id, counted, modules_started,"  # nosec B608
    " modules_completed, score_sum, scores, courses_completed) VALUES (NEW.id,"
    f" NEW.organization_id, {_counted('NEW.id', 'NEW.active')}, 0, 0, 0, 0, 0)"
    " ON CONFLICT (user_id) DO NOTHING"
)
ACCOUNT_CHANGED = (
    "UPDATE learner_summary SET organization_id = NEW.organization_id,"  # nosec B608
    f" counted = {_counted('NEW.id', 'NEW.active')} WHERE user_id = NEW.id"
)


def _role_changed(r: str) -> str:
    counted = _counted(r + ".user_id")
    return f"UPDATE learner_summary SET counted = {counted} WHERE user_id = {r}.user_id"  # nosec B608


SUMMARY_COPIED = [
    f"UPDATE {table} SET organization_id = NEW.organization_id, counted = NEW.counted"  # nosec B608
    " WHERE user_id = NEW.user_id"
    for table in ("learner_course_summary", "learner_week")
]


def _week(day: str, dialect: str) -> str:
    """The Monday of the week of a date, as elearn.reports.services._week_start computes it."""
    if dialect == "postgresql":
        return f"CAST(date_trunc('week', CAST({day} AS timestamp)) AS date)"
    return f"date({day}, '-' || CAST((strftime('%w', {day}) + 6) % 7 AS TEXT) || ' days')"


def _week_add(dialect: str) -> str:
    return (
        "INSERT INTO learner_week (user_id, week, organization_id, counted)"  # nosec B608
        f" SELECT NEW.user_id, {_week('NEW.day', dialect)}, s.organization_id, s.counted"
        " FROM learner_summary s WHERE s.user_id = NEW.user_id"
        " ON CONFLICT (user_id, week) DO NOTHING"
    )


def _week_sub(dialect: str) -> str:
    week = _week("OLD.day", dialect)
    end = f"{week} + 7" if dialect == "postgresql" else f"date({week}, '+7 days')"
    return (
        f"DELETE FROM learner_week WHERE user_id = OLD.user_id AND week = {week}"  # nosec B608
        " AND NOT EXISTS (SELECT 1 FROM activity_day a WHERE a.user_id = OLD.user_id"
        f" AND a.day >= {week} AND a.day < {end})"
    )


_KEYS_KEPT = "NEW.user_id = OLD.user_id AND NEW.course_slug = OLD.course_slug"
_COUNTS_CHANGED = "NEW.completed_at IS NOT OLD.completed_at OR NEW.best_score IS NOT OLD.best_score"
_LAST_BACK = "NEW.last_visit_at < OLD.last_visit_at"


def _sqlite_trigger(name: str, when: str, table: str, condition: str, body: list[str]) -> str:
    where = f" WHEN {condition}" if condition else ""
    statements = "; ".join(body)
    return f"CREATE TRIGGER IF NOT EXISTS {name} {when} ON {table}{where} BEGIN {statements}; END"


SQLITE = [
    _sqlite_trigger(
        "summary_progress_insert", "AFTER INSERT", "module_progress", "", _progress_add("NEW")
    ),
    _sqlite_trigger(
        "summary_progress_visit",
        "AFTER UPDATE",
        "module_progress",
        f"{_KEYS_KEPT} AND NOT ({_COUNTS_CHANGED}) AND NEW.last_visit_at > OLD.last_visit_at",
        [TOUCH],
    ),
    _sqlite_trigger(
        "summary_progress_counts",
        "AFTER UPDATE",
        "module_progress",
        f"{_KEYS_KEPT} AND ({_COUNTS_CHANGED}) AND NOT ({_LAST_BACK})",
        _progress_sub("OLD") + _progress_add("NEW"),
    ),
    _sqlite_trigger(
        "summary_progress_other",
        "AFTER UPDATE",
        "module_progress",
        f"NOT ({_KEYS_KEPT}) OR {_LAST_BACK}",
        _progress_sub("OLD") + _progress_add("NEW") + [_last_again("OLD"), _last_again("NEW")],
    ),
    _sqlite_trigger(
        "summary_progress_delete",
        "AFTER DELETE",
        "module_progress",
        "",
        _progress_sub("OLD") + [_last_again("OLD")],
    ),
    _sqlite_trigger(
        "summary_completion_insert",
        "AFTER INSERT",
        "course_completion",
        "",
        _completion("NEW", "+"),
    ),
    _sqlite_trigger(
        "summary_completion_delete",
        "AFTER DELETE",
        "course_completion",
        "",
        _completion("OLD", "-"),
    ),
    _sqlite_trigger(
        "summary_completion_update",
        "AFTER UPDATE",
        "course_completion",
        "NOT (" + _KEYS_KEPT + ")",
        _completion("OLD", "-") + _completion("NEW", "+"),
    ),
    _sqlite_trigger(
        "summary_answer_insert", "AFTER INSERT", "quiz_first_answer", "", [_answer_add("NEW")]
    ),
    _sqlite_trigger(
        "summary_answer_delete", "AFTER DELETE", "quiz_first_answer", "", [_answer_sub("OLD")]
    ),
    _sqlite_trigger(
        "summary_answer_update",
        "AFTER UPDATE",
        "quiz_first_answer",
        "",
        [_answer_sub("OLD"), _answer_add("NEW")],
    ),
    _sqlite_trigger(
        "summary_learner_moved",
        "AFTER UPDATE OF organization_id",
        "user_account",
        "NEW.organization_id IS NOT OLD.organization_id",
        [LEARNER_ANSWERS_SUB, LEARNER_ANSWERS_ADD],
    ),
    _sqlite_trigger(
        "summary_copied",
        "AFTER UPDATE OF organization_id, counted",
        "learner_summary",
        "NEW.organization_id IS NOT OLD.organization_id OR NEW.counted IS NOT OLD.counted",
        SUMMARY_COPIED,
    ),
    _sqlite_trigger(
        "summary_week_added", "AFTER INSERT", "activity_day", "", [_week_add("sqlite")]
    ),
    _sqlite_trigger(
        "summary_week_removed", "AFTER DELETE", "activity_day", "", [_week_sub("sqlite")]
    ),
    _sqlite_trigger(
        "summary_week_changed",
        "AFTER UPDATE OF user_id, day",
        "activity_day",
        "",
        [_week_sub("sqlite"), _week_add("sqlite")],
    ),
    _sqlite_trigger("summary_account_added", "AFTER INSERT", "user_account", "", [ACCOUNT_ADDED]),
    _sqlite_trigger(
        "summary_account_changed",
        "AFTER UPDATE OF organization_id, active",
        "user_account",
        "",
        [ACCOUNT_CHANGED],
    ),
    _sqlite_trigger(
        "summary_role_added",
        "AFTER INSERT",
        "user_role",
        "NEW.role = 'worker'",
        [_role_changed("NEW")],
    ),
    _sqlite_trigger(
        "summary_role_removed",
        "AFTER DELETE",
        "user_role",
        "OLD.role = 'worker'",
        [_role_changed("OLD")],
    ),
    _sqlite_trigger(
        "summary_role_changed",
        "AFTER UPDATE",
        "user_role",
        "",
        [_role_changed("OLD"), _role_changed("NEW")],
    ),
    _sqlite_trigger(
        "summary_learner_deleted",
        "BEFORE DELETE",
        "user_account",
        "",
        [LEARNER_ANSWERS_SUB],
    ),
]


def _plpgsql(name: str, body: str, returns: str = "NULL") -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} "
        f"RETURN {returns}; END; $$ LANGUAGE plpgsql"
    )


def _do(statements: list[str]) -> str:
    return " ".join(statement + ";" for statement in statements)


_PG_KEYS_KEPT = _KEYS_KEPT
_PG_COUNTS_CHANGED = (
    "NEW.completed_at IS DISTINCT FROM OLD.completed_at"
    " OR NEW.best_score IS DISTINCT FROM OLD.best_score"
)

POSTGRESQL = [
    _plpgsql(
        "summary_progress",
        "IF TG_OP = 'INSERT' THEN " + _do(_progress_add("NEW")) + " "
        "ELSIF TG_OP = 'DELETE' THEN " + _do(_progress_sub("OLD") + [_last_again("OLD")]) + " "
        f"ELSIF {_PG_KEYS_KEPT} AND NOT ({_PG_COUNTS_CHANGED}) AND NOT ({_LAST_BACK}) THEN "
        f"IF NEW.last_visit_at > OLD.last_visit_at THEN {TOUCH}; END IF; "
        f"ELSIF {_PG_KEYS_KEPT} AND NOT ({_LAST_BACK}) THEN "
        + _do(_progress_sub("OLD") + _progress_add("NEW"))
        + " ELSE "
        + _do(
            _progress_sub("OLD") + _progress_add("NEW") + [_last_again("OLD"), _last_again("NEW")]
        )
        + " END IF;",
    ),
    "CREATE TRIGGER summary_progress AFTER INSERT OR UPDATE OR DELETE ON module_progress"
    " FOR EACH ROW EXECUTE FUNCTION summary_progress()",
    _plpgsql(
        "summary_completion",
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN " + _do(_completion("OLD", "-")) + " END IF; "
        "IF TG_OP IN ('UPDATE', 'INSERT') THEN " + _do(_completion("NEW", "+")) + " END IF;",
    ),
    "CREATE TRIGGER summary_completion AFTER INSERT OR UPDATE OF user_id, course_slug OR DELETE"
    " ON course_completion FOR EACH ROW EXECUTE FUNCTION summary_completion()",
    # The learner's row is locked (FOR SHARE) before reading their organization, so a move to
    # another organization waits for this answer (and then moves it) or happens before it.
    _plpgsql(
        "summary_answer",
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN " + _answer_sub("OLD") + "; END IF; "
        "IF TG_OP IN ('UPDATE', 'INSERT') THEN "
        "PERFORM 1 FROM user_account WHERE id = NEW.user_id FOR SHARE; "
        + _answer_add("NEW")
        + "; END IF;",
    ),
    "CREATE TRIGGER summary_answer AFTER INSERT OR UPDATE OR DELETE ON quiz_first_answer"
    " FOR EACH ROW EXECUTE FUNCTION summary_answer()",
    _plpgsql(
        "summary_learner_moved",
        f"IF NEW.organization_id IS DISTINCT FROM OLD.organization_id THEN {LEARNER_ANSWERS_SUB};"
        f" {LEARNER_ANSWERS_ADD}; END IF;",
    ),
    "CREATE TRIGGER summary_learner_moved AFTER UPDATE OF organization_id ON user_account"
    " FOR EACH ROW EXECUTE FUNCTION summary_learner_moved()",
    _plpgsql(
        "summary_account",
        f"IF TG_OP = 'INSERT' THEN {ACCOUNT_ADDED}; ELSE {ACCOUNT_CHANGED}; END IF;",
    ),
    "CREATE TRIGGER summary_account AFTER INSERT OR UPDATE OF organization_id, active"
    " ON user_account FOR EACH ROW EXECUTE FUNCTION summary_account()",
    # The account's row is locked (FOR SHARE) first: a concurrent change of `active` waits, or
    # is seen, so `counted` is computed from committed values.
    _plpgsql(
        "summary_role",
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
        "PERFORM 1 FROM user_account WHERE id = OLD.user_id FOR SHARE; "
        + _role_changed("OLD")
        + "; END IF; IF TG_OP IN ('UPDATE', 'INSERT') THEN "
        "PERFORM 1 FROM user_account WHERE id = NEW.user_id FOR SHARE; "
        + _role_changed("NEW")
        + "; END IF;",
    ),
    "CREATE TRIGGER summary_role AFTER INSERT OR UPDATE OR DELETE ON user_role"
    " FOR EACH ROW EXECUTE FUNCTION summary_role()",
    _plpgsql(
        "summary_copied",
        "IF NEW.organization_id IS DISTINCT FROM OLD.organization_id"
        " OR NEW.counted IS DISTINCT FROM OLD.counted THEN " + _do(SUMMARY_COPIED) + " END IF;",
    ),
    "CREATE TRIGGER summary_copied AFTER UPDATE OF organization_id, counted ON learner_summary"
    " FOR EACH ROW EXECUTE FUNCTION summary_copied()",
    # The summary row is locked (FOR SHARE) before its organization is copied: a concurrent
    # change waits, then sees this week and updates it.
    _plpgsql(
        "summary_week",
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN " + _week_sub("postgresql") + "; END IF; "
        "IF TG_OP IN ('UPDATE', 'INSERT') THEN "
        "PERFORM 1 FROM learner_summary WHERE user_id = NEW.user_id FOR SHARE; "
        + _week_add("postgresql")
        + "; END IF;",
    ),
    "CREATE TRIGGER summary_week AFTER INSERT OR UPDATE OF user_id, day OR DELETE"
    " ON activity_day FOR EACH ROW EXECUTE FUNCTION summary_week()",
    _plpgsql("summary_learner_deleted", f"{LEARNER_ANSWERS_SUB};", returns="OLD"),
    "CREATE TRIGGER summary_learner_deleted BEFORE DELETE ON user_account"
    " FOR EACH ROW EXECUTE FUNCTION summary_learner_deleted()",
]

POSTGRESQL_TRIGGERS = (
    ("summary_progress", "module_progress"),
    ("summary_completion", "course_completion"),
    ("summary_answer", "quiz_first_answer"),
    ("summary_learner_moved", "user_account"),
    ("summary_learner_deleted", "user_account"),
    ("summary_account", "user_account"),
    ("summary_role", "user_role"),
    ("summary_copied", "learner_summary"),
    ("summary_week", "activity_day"),
)

# --- recomputation from the raw tables ----------------------------------------------------------

RECOMPUTE_LEARNERS = (
    "SELECT u.id, u.organization_id, " + _counted("u.id", "u.active") + ", p.last_activity_at,"  # nosec B608
    " COALESCE(p.started, 0), COALESCE(p.done, 0), COALESCE(p.score_sum, 0),"
    " COALESCE(p.scores, 0), COALESCE(c.n, 0) FROM user_account u"
    " LEFT JOIN (SELECT user_id, max(last_visit_at) AS last_activity_at, count(*) AS started,"
    " count(completed_at) AS done, sum(COALESCE(best_score, 0)) AS score_sum,"
    " count(best_score) AS scores FROM module_progress GROUP BY user_id) p ON p.user_id = u.id"
    " LEFT JOIN (SELECT user_id, count(*) AS n FROM course_completion GROUP BY user_id) c"
    " ON c.user_id = u.id"
)
RECOMPUTE_COURSES = (
    "SELECT k.user_id, k.course_slug, u.organization_id, " + _counted("u.id", "u.active") + ","  # nosec B608
    " COALESCE(p.started, 0), COALESCE(p.done, 0), COALESCE(p.score_sum, 0),"
    " COALESCE(p.scores, 0), COALESCE(c.n, 0)"
    " FROM (SELECT user_id, course_slug FROM module_progress"
    " UNION SELECT user_id, course_slug FROM course_completion) k"
    " JOIN user_account u ON u.id = k.user_id"
    " LEFT JOIN (SELECT user_id, course_slug, count(*) AS started, count(completed_at) AS done,"
    " sum(COALESCE(best_score, 0)) AS score_sum, count(best_score) AS scores FROM module_progress"
    " GROUP BY user_id, course_slug) p ON p.user_id = k.user_id AND p.course_slug = k.course_slug"
    " LEFT JOIN (SELECT user_id, course_slug, count(*) AS n FROM course_completion"
    " GROUP BY user_id, course_slug) c ON c.user_id = k.user_id AND c.course_slug = k.course_slug"
)


def recompute_weeks(dialect: str) -> str:
    return (
        f"SELECT DISTINCT a.user_id, {_week('a.day', dialect)}, u.organization_id, "
        + _counted("u.id", "u.active")
        + " FROM activity_day a JOIN user_account u ON u.id = a.user_id"
    )


RECOMPUTE_QUESTIONS = (
    "SELECT u.organization_id, q.course_slug, q.module_slug, q.quiz_id, count(*),"
    " sum(CASE WHEN q.correct THEN 0 ELSE 1 END) FROM quiz_first_answer q"
    " JOIN user_account u ON u.id = q.user_id WHERE u.organization_id IS NOT NULL"
    " GROUP BY u.organization_id, q.course_slug, q.module_slug, q.quiz_id"
)


def _backfill(dialect: str) -> list[str]:
    return [
        "DELETE FROM learner_summary",
        "DELETE FROM learner_course_summary",
        "DELETE FROM learner_week",
        "DELETE FROM quiz_question_summary",
        "INSERT INTO learner_summary (user_id, organization_id, counted, last_activity_at,"
        " modules_started, modules_completed, score_sum, scores, courses_completed)"
        f" {RECOMPUTE_LEARNERS}",
        "INSERT INTO learner_course_summary (user_id, course_slug, organization_id, counted,"
        f" modules_started, modules_completed, score_sum, scores, completed) {RECOMPUTE_COURSES}",
        "INSERT INTO learner_week (user_id, week, organization_id, counted)"
        f" {recompute_weeks(dialect)}",
        "INSERT INTO quiz_question_summary (organization_id, course_slug, module_slug, quiz_id,"
        f" learners, wrong) {RECOMPUTE_QUESTIONS}",
    ]


BACKFILL_SQLITE = _backfill("sqlite")
BACKFILL_POSTGRESQL = _backfill("postgresql")


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
