"""Aggregated learning figures per organization, computed in the database, guarded for privacy.

Privacy (DESIGN.md): individual progress only for workers who consented (or shared it in a
consultation request); everything else is figures that pass through `elearn.privacy.disclosure`
(1–4 hidden, other counts rounded to the nearest 5, shares from the rounded counts), so that no
combination of dashboards, weeks, courses and CSV exports can single out fewer than 5 people.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import force_locale, gettext
from sqlalchemy import Date, and_, case, cast, delete, func, or_, select
from sqlalchemy.sql import ColumnElement

from elearn import audit
from elearn.database import dialect_insert
from elearn.extensions import db
from elearn.models import (
    Course,
    CourseModule,
    LearnerCourseSummary,
    LearnerSummary,
    LearnerWeek,
    ManagerOrganization,
    ModuleProgress,
    Organization,
    QuizFirstAnswer,
    QuizQuestionSummary,
    ReportSnapshot,
    TargetGroupDeclaration,
    User,
)
from elearn.models.base import utcnow
from elearn.models.progress import TARGET_GROUPS
from elearn.privacy import disclosure
from elearn.privacy.learning_access import learning_visible_ids, learning_visible_to
from elearn.target_groups import GROUP_NAMES

WEEKS = 12
PAGE_SIZE = 25
HARDEST = 10
# Part of every snapshot key: snapshots written before the figures were guarded are never read.
SNAPSHOT_FORMAT = "guarded-1"


def managed_organizations(user: User) -> list[Organization]:
    return list(user.managed_organizations)


def scope(user: User, requested: str | None) -> tuple[list[int], str]:
    """The organization ids a dashboard covers: one the manager follows, or all of them."""
    ids = [org.id for org in user.managed_organizations]
    if requested and requested.isascii() and requested.isdigit() and int(requested) in ids:
        return [int(requested)], requested
    return ids, "all"


def _counted(org_ids: list[int]) -> Any:
    """Who counts in the organizations' figures: their active workers, from the summary row
    every account has (elearn.models.summary), so no query joins accounts and roles."""
    return and_(LearnerSummary.organization_id.in_(org_ids), LearnerSummary.counted.is_(True))


def _workers(org_ids: list[int]) -> Any:
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
    workers = _workers(org_ids).subquery()
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
    counts = {
        slug: (n, done)
        for slug, n, done in db.session.execute(
            select(
                ModuleProgress.module_slug,
                func.count(ModuleProgress.id),
                func.count(ModuleProgress.completed_at),
            )
            .where(
                ModuleProgress.course_slug == course.slug,
                ModuleProgress.user_id.in_(select(workers.c.id)),
            )
            .group_by(ModuleProgress.module_slug)
        )
    }
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


# --- consenting learners ----------------------------------------------------------------------


@dataclass
class LearnerRow:
    id: int
    name: str
    organization: str
    modules_completed: int
    courses_completed: int
    average_score: float | None
    last_activity: Any


SORTS = ("name", "activity", "modules")


def learner_page(
    manager: User,
    org_ids: list[int],
    *,
    query: str = "",
    sort: str = "name",
    page: int = 1,
) -> tuple[list[LearnerRow], int, int, int]:
    """One page of the learners whose progress `manager` may see (the privacy rule in
    elearn.privacy.learning_access), in `org_ids`, with figures aggregated only for who is
    shown."""
    visible_ids = learning_visible_ids(manager, org_ids)
    if query:
        # The rule's SELECT reads user_account: the name filter goes into it.
        visible_ids = visible_ids.where(func.lower(User.full_name).like(f"%{query.lower()[:100]}%"))
    visible = visible_ids.subquery()
    people = (
        select(User.id, User.full_name, Organization.name.label("organization"))
        .join(Organization, Organization.id == User.organization_id)
        .where(User.id.in_(select(visible.c.id)))
    )
    # Every visible worker belongs to an organization in scope: count the rule's rows alone.
    total = db.session.scalar(select(func.count()).select_from(visible)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    sort = sort if sort in SORTS else "name"

    summary = LearnerSummary
    score = case((summary.scores > 0, summary.score_sum / summary.scores), else_=None)
    figures = (
        func.coalesce(summary.modules_completed, 0),
        score,
        summary.last_activity_at,
        func.coalesce(summary.courses_completed, 0),
    )
    if sort == "name":
        # Pick the page by name first; then read the summary rows of those 25 people only.
        shown = (
            people.order_by(User.full_name, User.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        ).subquery()
        rows = db.session.execute(
            select(shown, *figures)
            .outerjoin(summary, summary.user_id == shown.c.id)
            .order_by(shown.c.full_name, shown.c.id)
        ).all()
    else:
        # Walk the summary rows in the order asked (an index for last activity), keeping the
        # visible people: the first pages stop after a few dozen rows.
        order = (
            (summary.last_activity_at.desc().nulls_last(), summary.user_id)
            if sort == "activity"
            else (summary.modules_completed.desc(), summary.user_id)
        )
        listed = (
            select(User.id, User.full_name, Organization.name.label("organization"), *figures)
            .select_from(summary)
            .join(User, User.id == summary.user_id)
            .join(Organization, Organization.id == User.organization_id)
            .where(User.id.in_(select(visible.c.id)))
        )
        rows = db.session.execute(
            listed.order_by(*order).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        ).all()
    return (
        [
            LearnerRow(
                user_id,
                name,
                organization,
                done or 0,
                courses or 0,
                round(float(score) * 100) if score is not None else None,
                last,
            )
            for user_id, name, organization, done, score, last, courses in rows
        ],
        page,
        pages,
        total,
    )


def learner_visible(manager: User, learner_id: int) -> User | None:
    """The learner, only when `manager` may see their progress (else None: the page is a 404)."""
    if not learning_visible_to(manager, learner_id):
        return None
    return db.session.get(User, learner_id)


# --- CSV --------------------------------------------------------------------------------------


def table_rows(table: Table, suppressed: str) -> list[list[Any]]:
    """A table's rows for `elearn.csvexport`: figures stay numbers, hidden ones `suppressed`."""
    return [
        [row.label] + [suppressed if v is None else v for v in row.values] for row in table.rows
    ]


# --- snapshots: dashboards computed at most every few minutes --------------------------------


def _table_to_dict(table: Table | None) -> dict[str, Any] | None:
    if table is None:
        return None
    return {
        "key": table.key,
        "caption": table.caption,
        "headers": table.headers,
        "rows": [[row.label, row.values] for row in table.rows],
    }


def _table_from_dict(data: dict[str, Any] | None) -> Table | None:
    if data is None:
        return None
    return Table(
        data["key"],
        data["caption"],
        data["headers"],
        [Row(label, values) for label, values in data["rows"]],
    )


def _snapshot_key(org_ids: list[int], course_slug: str | None, locale: str) -> str:
    return f"{SNAPSHOT_FORMAT}|{','.join(map(str, sorted(org_ids)))}|{course_slug or ''}|{locale}"


def cached_dashboard(
    org_ids: list[int],
    course_slug: str | None,
    locale: str,
    max_age_seconds: int,
    *,
    force: bool = False,
) -> Dashboard:
    """The dashboard from a snapshot younger than `max_age_seconds`, else computed and stored.

    Figures may then be a few minutes old (the page says when they were computed); in exchange
    a manager's page costs one lookup, whatever the number of learners.
    """
    courses = list(
        db.session.scalars(
            select(Course).where(Course.published_at.is_not(None)).order_by(Course.title)
        )
    )
    selected = next((c for c in courses if c.slug == course_slug), None)
    key = _snapshot_key(org_ids, selected.slug if selected else None, locale)
    now = utcnow()
    if max_age_seconds > 0 and not force:
        row = db.session.get(ReportSnapshot, key)
        if row is not None and (now - row.computed_at).total_seconds() < max_age_seconds:
            data = json.loads(row.payload)
            return Dashboard(
                workers=data["workers"],
                reach=data["reach"],
                reach_share=data["reach_share"],
                weeks=[(date.fromisoformat(day), count) for day, count in data["weeks"]],
                courses=_table_from_dict(data["courses"]),
                hardest=_table_from_dict(data["hardest"]),
                groups=_table_from_dict(data["groups"]),
                modules=_table_from_dict(data["modules"]),
                selected_course=selected,
                all_courses=courses,
                computed_at=row.computed_at,
            )
    result = dashboard(org_ids, selected.slug if selected else None)
    result.computed_at = now
    if max_age_seconds > 0:
        payload = json.dumps(
            {
                "workers": result.workers,
                "reach": result.reach,
                "reach_share": result.reach_share,
                "weeks": [(day.isoformat(), count) for day, count in result.weeks],
                "courses": _table_to_dict(result.courses),
                "hardest": _table_to_dict(result.hardest),
                "groups": _table_to_dict(result.groups),
                "modules": _table_to_dict(result.modules),
            }
        )
        statement = dialect_insert(ReportSnapshot).values(key=key, payload=payload, computed_at=now)
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=["key"], set_={"payload": payload, "computed_at": now}
            )
        )
        db.session.commit()
    return result


def refresh_snapshots(locales: tuple[str, ...] = ("it", "en")) -> int:
    """Recompute the dashboards managers open (each organization, and each manager's set);
    drop snapshots of an older format (before the figures were guarded)."""
    db.session.execute(
        delete(ReportSnapshot).where(ReportSnapshot.key.not_like(f"{SNAPSHOT_FORMAT}|%"))
    )
    db.session.commit()

    scopes: set[tuple[int, ...]] = set()
    by_manager: dict[int, list[int]] = {}
    for user_id, org_id in db.session.execute(
        select(ManagerOrganization.user_id, ManagerOrganization.organization_id)
    ):
        by_manager.setdefault(user_id, []).append(org_id)
        scopes.add((org_id,))
    scopes.update(tuple(sorted(ids)) for ids in by_manager.values())
    for scope_ids in scopes:
        for locale in locales:
            with force_locale(locale):
                cached_dashboard(list(scope_ids), None, locale, max_age_seconds=1, force=True)
    return len(scopes) * len(locales)


def record_export(manager: User, table: str, scope: object, remote_addr: str = "") -> None:
    """A CSV download of the dashboard goes to the audit log before the file leaves."""
    audit.record(
        "report.export",
        actor_id=manager.id,
        detail=f"{table} org={scope}",
        remote_addr=remote_addr,
    )
    db.session.commit()
