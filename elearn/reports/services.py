"""Aggregated learning figures per organization, computed in the database, guarded for privacy.

Privacy (DESIGN.md): individual progress only for workers who consented (or shared it in a
consultation request); everything else is figures that pass through `elearn.privacy.disclosure`
(1–4 hidden, other counts rounded to the nearest 5, shares from the rounded counts), so that no
combination of dashboards, weeks, courses and CSV exports can single out fewer than 5 people.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import Date, and_, case, cast, func, or_, select
from sqlalchemy.sql import ColumnElement

from elearn import audit
from elearn.extensions import db
from elearn.learning.question_stats import module_counts
from elearn.models import (
    Course,
    CourseModule,
    LearnerCourseSummary,
    LearnerSummary,
    LearnerWeek,
    ModuleProgress,
    Organization,
    QuizFirstAnswer,
    QuizQuestionSummary,
    TargetGroupDeclaration,
    User,
)
from elearn.models.base import utcnow
from elearn.models.progress import TARGET_GROUPS
from elearn.privacy import disclosure
from elearn.target_groups import GROUP_NAMES

WEEKS = 12
HARDEST = 10


def managed_organizations(user: User) -> list[Organization]:
    return list(user.managed_organizations)


def scope(user: User, requested: str | None) -> tuple[list[int], str]:
    """The organization ids a dashboard covers: one the manager follows, or all of them.

    `requested` (the ?org= text) is compared as text with the ids the manager follows, never
    turned into a number: anything else (5000 digits, "1.0", "٣") means all of them."""
    ids = [org.id for org in user.managed_organizations]
    by_text = {str(org_id): org_id for org_id in ids}
    if requested in by_text:
        return [by_text[requested]], requested
    return ids, "all"


def _counted(org_ids: list[int]) -> Any:
    """Who counts in the organizations' figures: their active workers, from the summary row
    every account has (elearn.models.summary), so no query joins accounts and roles."""
    return and_(LearnerSummary.organization_id.in_(org_ids), LearnerSummary.counted.is_(True))


def counted_workers(org_ids: list[int]) -> Any:
    """The ids of the people who count in the organizations' figures (the dashboard, the
    funder's impact report): one definition, so both count the same people."""
    return select(LearnerSummary.user_id.label("id")).where(_counted(org_ids))


def _week_start(column: Any) -> ColumnElement[Any]:
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc("week", column), Date)
    # SQLite: the Monday on or before the date.
    return func.date(column, "-" + cast((func.strftime("%w", column) + 6) % 7, db.String) + " days")


@dataclass
class Row:
    label: str | date  # a date only in the weeks export
    values: list[int | float | None]


@dataclass
class Table:
    key: str
    caption: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)


@dataclass
class Dashboard:
    """Only published figures (elearn.privacy.disclosure): what the page, the CSVs and the
    snapshots hold. None is "fewer than 5"; shares are whole percent."""

    workers: int | None
    reach: int | None
    reach_share: int | None
    weeks: list[tuple[date, int | None]]
    courses: Table
    hardest: Table
    groups: Table
    modules: Table | None
    selected_course: Course | None
    all_courses: list[Course]
    computed_at: Any = None


def _labels() -> dict[str, str]:
    return {
        "course": gettext("Course"),
        "started": gettext("Started"),
        "completed": gettext("Completed"),
        "avg": gettext("Average score (%)"),
        "question": gettext("Question"),
        "learners": gettext("Learners"),
        "wrong": gettext("Wrong at first try (%)"),
        "group": gettext("Group"),
        "declared": gettext("Declared"),
        "started_any": gettext("Started a course"),
        "completed_any": gettext("Completed a course"),
        "module": gettext("Module"),
        "courses_caption": gettext("Learners who started and completed each course"),
        "hardest_caption": gettext("Questions most often answered wrong at the first try"),
        "groups_caption": gettext("Self-declared target groups"),
    }


def group_label(group: str) -> str:
    return str(GROUP_NAMES[group])


def dashboard(org_ids: list[int], course_slug: str | None = None) -> Dashboard:
    """Every figure of the dashboard with a fixed number of queries, whatever the headcount.

    True counts stay inside this function: each figure leaves it through `disclosure`."""
    labels = _labels()
    workers = counted_workers(org_ids).subquery()
    summary = LearnerSummary
    total_workers, reached = db.session.execute(
        select(func.count(), func.sum(case((summary.modules_started > 0, 1), else_=0))).where(
            _counted(org_ids)
        )
    ).one()
    total_workers, reached = int(total_workers or 0), int(reached or 0)
    shown_workers = disclosure.count(total_workers)
    reach = disclosure.count(reached)

    start = utcnow().date() - timedelta(days=utcnow().date().weekday() + 7 * (WEEKS - 1))
    # One row per learner and active week (elearn.models.summary), with who counts copied.
    active = {
        str(week): learners
        for week, learners in db.session.execute(
            select(LearnerWeek.week, func.count())
            .where(
                LearnerWeek.week >= start,
                LearnerWeek.organization_id.in_(org_ids),
                LearnerWeek.counted.is_(True),
            )
            .group_by(LearnerWeek.week)
        )
    }
    weeks = [
        (
            start + timedelta(weeks=i),
            disclosure.count(active.get(str(start + timedelta(weeks=i)), 0)),
        )
        for i in range(WEEKS)
    ]

    # One row per learner and course (elearn.models.summary): no scan of every module's progress.
    per_course = LearnerCourseSummary
    started: dict[str, int] = {}
    averages: dict[str, tuple[Any, int]] = {}
    completed: dict[str, int] = {}
    learner_score = case(
        (per_course.scores > 0, per_course.score_sum / per_course.scores), else_=None
    )
    for slug, count, avg, scored, done in db.session.execute(
        select(
            per_course.course_slug,
            func.sum(case((per_course.modules_started > 0, 1), else_=0)),
            func.avg(learner_score),
            func.count(learner_score),
            func.sum(case((per_course.completed > 0, 1), else_=0)),
        )
        .where(per_course.organization_id.in_(org_ids), per_course.counted.is_(True))
        .group_by(per_course.course_slug)
    ):
        started[slug] = int(count or 0)
        averages[slug] = (avg, scored)
        completed[slug] = int(done or 0)
    courses = list(
        db.session.scalars(
            select(Course).where(Course.published_at.is_not(None)).order_by(Course.title)
        )
    )
    course_table = Table(
        "courses",
        labels["courses_caption"],
        [labels["course"], labels["started"], labels["completed"], labels["avg"]],
    )
    for course in courses:
        avg, n_scored = averages.get(course.slug, (None, 0))
        course_table.rows.append(
            Row(
                course.title,
                [
                    disclosure.count(started.get(course.slug, 0)),
                    disclosure.count(completed.get(course.slug, 0)),
                    disclosure.average_percent(avg, n_scored),
                ],
            )
        )

    hardest = _hardest_questions(org_ids, workers, labels)
    groups = _target_groups(org_ids, labels)

    selected = next((c for c in courses if c.slug == course_slug), None)
    module_table = _module_funnel(selected, workers, labels) if selected else None
    return Dashboard(
        workers=shown_workers,
        reach=reach,
        reach_share=disclosure.share_of_published(reach, shown_workers),
        weeks=weeks,
        courses=course_table,
        hardest=hardest,
        groups=groups,
        modules=module_table,
        selected_course=selected,
        all_courses=courses,
    )


def _module_funnel(course: Course, workers: Any, labels: dict[str, str]) -> Table:
    counts = module_counts(course.slug, ModuleProgress.user_id.in_(select(workers.c.id)))
    table = Table(
        "modules", course.title, [labels["module"], labels["started"], labels["completed"]]
    )
    for module in db.session.scalars(
        select(CourseModule)
        .where(
            CourseModule.course_id == course.id,
            CourseModule.archived.is_(False),
            CourseModule.published_version_id.is_not(None),
        )
        .order_by(CourseModule.position)
    ):
        n, done = counts.get(module.slug, (0, 0))
        table.rows.append(Row(module.title, [disclosure.count(n), disclosure.count(done)]))
    return table


def _hardest_questions(org_ids: list[int], workers: Any, labels: dict[str, str]) -> Table:
    """The questions with the highest published share of wrong first answers.

    Ranked on the published figures, not the true ones, so that the order of two questions
    with the same published share says nothing more. One row per question, so the ranking in
    Python costs no more than the query."""
    # Counters per organization and question (elearn.models.summary), less the answers of the
    # people in those organizations who do not count (not an active worker): usually nobody,
    # and found through the learner's key, so no scan of every answer.
    questions = (
        QuizQuestionSummary.course_slug,
        QuizQuestionSummary.module_slug,
        QuizQuestionSummary.quiz_id,
    )
    totals: dict[tuple[str, str, str], list[int]] = {}
    for course_slug, module_slug, quiz_id, learners, wrong in db.session.execute(
        select(
            *questions, func.sum(QuizQuestionSummary.learners), func.sum(QuizQuestionSummary.wrong)
        )
        .where(QuizQuestionSummary.organization_id.in_(org_ids))
        .group_by(*questions)
    ):
        totals[(course_slug, module_slug, quiz_id)] = [int(learners or 0), int(wrong or 0)]
    left_out = (
        select(LearnerSummary.user_id.label("id"))
        .where(LearnerSummary.organization_id.in_(org_ids), LearnerSummary.counted.is_(False))
        .subquery()
    )
    for course_slug, module_slug, quiz_id, learners, wrong in db.session.execute(
        select(
            QuizFirstAnswer.course_slug,
            QuizFirstAnswer.module_slug,
            QuizFirstAnswer.quiz_id,
            func.count(),
            func.sum(case((QuizFirstAnswer.correct.is_(False), 1), else_=0)),
        )
        .join(left_out, left_out.c.id == QuizFirstAnswer.user_id)
        .group_by(QuizFirstAnswer.course_slug, QuizFirstAnswer.module_slug, QuizFirstAnswer.quiz_id)
    ):
        key = (course_slug, module_slug, quiz_id)
        if key in totals:
            totals[key][0] -= int(learners)
            totals[key][1] -= int(wrong or 0)
    rows = disclosure.ranked_shares(
        [
            (key, learners, wrong)
            for key, (learners, wrong) in totals.items()
            if learners >= disclosure.MIN_GROUP
        ]
    )[:HARDEST]
    table = Table(
        "hardest",
        labels["hardest_caption"],
        [labels["question"], labels["learners"], labels["wrong"]],
    )
    if not rows:
        return table
    keys = {(course_slug, module_slug) for (course_slug, module_slug, _quiz), *_ in rows}
    versions = {
        (course_slug, module.slug): module.published_version
        for course_slug, module in db.session.execute(
            select(Course.slug, CourseModule)
            .join(CourseModule, CourseModule.course_id == Course.id)
            .where(or_(*[and_(Course.slug == c, CourseModule.slug == m) for c, m in keys]))
        )
    }

    for (course_slug, module_slug, quiz_id), learners, wrong_share in rows:
        version = versions.get((course_slug, module_slug))
        quiz = version.quiz_map().get(quiz_id) if version else None
        # Plain text for the table and the CSV: without tags, and with "&amp;" back to "&"
        # (the page escapes it once more, a spreadsheet shows it as it is).
        text = html.unescape(re.sub(r"<[^>]+>", "", quiz["question_html"])) if quiz else quiz_id
        table.rows.append(Row(text, [learners, wrong_share]))
    return table


def _target_groups(org_ids: list[int], labels: dict[str, str]) -> Table:
    """Only declarations under a standing consent exist (withdrawal deletes them)."""
    summary = LearnerSummary
    rows = {
        group: (declared, started, done)
        for group, declared, started, done in db.session.execute(
            select(
                TargetGroupDeclaration.target_group,
                func.count(),
                func.sum(case((summary.modules_started > 0, 1), else_=0)),
                func.sum(case((summary.courses_completed > 0, 1), else_=0)),
            )
            .join(summary, summary.user_id == TargetGroupDeclaration.user_id)
            .where(_counted(org_ids))
            .group_by(TargetGroupDeclaration.target_group)
        )
    }
    table = Table(
        "groups",
        labels["groups_caption"],
        [labels["group"], labels["declared"], labels["started_any"], labels["completed_any"]],
    )
    for group in TARGET_GROUPS:
        table.rows.append(
            Row(
                group_label(group),
                [disclosure.count(int(n or 0)) for n in rows.get(group, (0, 0, 0))],
            )
        )
    return table


# --- CSV --------------------------------------------------------------------------------------


def table_rows(table: Table, suppressed: str) -> list[list[Any]]:
    """A table's rows for `elearn.csvexport`: figures stay numbers, hidden ones `suppressed`."""
    return [
        [row.label] + [suppressed if v is None else v for v in row.values] for row in table.rows
    ]


def record_export(manager: User, table: str, scope: object, remote_addr: str = "") -> None:
    """A CSV download of the dashboard goes to the audit log before the file leaves."""
    audit.record(
        "report.export",
        actor_id=manager.id,
        detail=f"{table} org={scope}",
        remote_addr=remote_addr,
    )
    db.session.commit()
