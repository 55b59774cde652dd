# ruff: noqa: S608  (SQL assembled from constants in this file; no value from outside)
"""The SQL the summary triggers run (both dialects) and the recomputation from the raw tables.

R is NEW or OLD: each builder gives the statements for the row a trigger sees. The tables and
the installation are in elearn.models.summary, the triggers of each dialect in
elearn.models.summary_triggers.
"""

from __future__ import annotations


def _later(current: str, new: str) -> str:
    return f"CASE WHEN {current} IS NULL OR {current} < {new} THEN {new} ELSE {current} END"


def _counted(user_id: str, active: str | None = None) -> str:
    """The one rule for whether an account counts in its organization's figures (the worker
    total of the dashboard and the impact report, and everything measured against it): active,
    with the worker role, and not waiting for an admin to confirm it belongs to the cooperative
    (a `registration_review` row, elearn.roster.confirmations.waiting). Every trigger and the
    recomputation use it, so the summary rows' `counted` is this rule and nothing else."""
    active = (
        active or f"COALESCE((SELECT a.active FROM user_account a WHERE a.id = {user_id}), FALSE)"  # nosec B608
    )
    return (
        f"({active} AND EXISTS (SELECT 1 FROM user_role w WHERE w.user_id = {user_id}"  # nosec B608
        " AND w.role = 'worker') AND NOT EXISTS (SELECT 1 FROM registration_review v"
        f" WHERE v.user_id = {user_id}))"
    )


def _organization(user_id: str) -> str:
    return f"(SELECT a.organization_id FROM user_account a WHERE a.id = {user_id})"  # nosec B608


def _copied(column: str, r: str) -> str:
    """A column of the learner's summary row (written just before, in the same trigger)."""
    value = f"(SELECT s.{column} FROM learner_summary s WHERE s.user_id = {r}.user_id)"  # nosec B608
    return f"COALESCE({value}, FALSE)" if column == "counted" else value


def progress_add(r: str) -> list[str]:
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


def progress_sub(r: str) -> list[str]:
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


def last_again(r: str) -> str:
    return (
        "UPDATE learner_summary SET last_activity_at = (SELECT max(last_visit_at) FROM"  # nosec B608
        f" module_progress WHERE user_id = {r}.user_id) WHERE user_id = {r}.user_id"
    )


TOUCH = (
    "UPDATE learner_summary SET last_activity_at = NEW.last_visit_at WHERE user_id = NEW.user_id"
    " AND (last_activity_at IS NULL OR last_activity_at < NEW.last_visit_at)"
)


def completion(r: str, sign: str) -> list[str]:
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


def answer_add(r: str, lock: str = "") -> str:
    return (
        "INSERT INTO quiz_question_summary (organization_id, course_slug, module_slug, quiz_id,"  # nosec B608
        f" learners, wrong) SELECT u.organization_id, {r}.course_slug, {r}.module_slug,"
        f" {r}.quiz_id, 1, CASE WHEN {r}.correct THEN 0 ELSE 1 END FROM user_account u"
        f" WHERE u.id = {r}.user_id AND u.organization_id IS NOT NULL" + QUESTION_UPSERT
    )


def answer_sub(r: str) -> str:
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


def counted_again(r: str) -> str:
    """`counted` of the learner of row R (of user_role or registration_review) worked out again:
    a role given or taken, a confirmation asked for or decided."""
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


def week_add(dialect: str) -> str:
    return (
        "INSERT INTO learner_week (user_id, week, organization_id, counted)"  # nosec B608
        f" SELECT NEW.user_id, {_week('NEW.day', dialect)}, s.organization_id, s.counted"
        " FROM learner_summary s WHERE s.user_id = NEW.user_id"
        " ON CONFLICT (user_id, week) DO NOTHING"
    )


def week_sub(dialect: str) -> str:
    week = _week("OLD.day", dialect)
    end = f"{week} + 7" if dialect == "postgresql" else f"date({week}, '+7 days')"
    return (
        f"DELETE FROM learner_week WHERE user_id = OLD.user_id AND week = {week}"  # nosec B608
        " AND NOT EXISTS (SELECT 1 FROM activity_day a WHERE a.user_id = OLD.user_id"
        f" AND a.day >= {week} AND a.day < {end})"
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
