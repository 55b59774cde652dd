"""The catalogue: published courses, their modules, the learner's outline and where to go on."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import aliased, joinedload

from elearn.coursefmt.model import AUDIENCES
from elearn.extensions import db
from elearn.models import (
    ContentVersion,
    Course,
    CourseModule,
    ModuleProgress,
    TargetGroupDeclaration,
)

LEVELS = ("base", "intermedio", "avanzato")


# --- reading the catalogue ------------------------------------------------------------------


class CourseInfo(NamedTuple):
    """What a catalogue card shows of a course: values, so a card is a key of its own HTML."""

    id: int
    slug: str
    title: str
    summary: str
    language: str
    level: str
    audience_tags: tuple[str, ...]


@dataclass(frozen=True)
class CourseCard:
    course: CourseInfo
    modules: int
    minutes: int
    completed_modules: int = 0
    started: bool = False
    recommended: bool = False

    @property
    def percent(self) -> int:
        return round(100 * self.completed_modules / self.modules) if self.modules else 0

    @property
    def completed(self) -> bool:
        return self.modules > 0 and self.completed_modules >= self.modules


def _visible_modules_query() -> Any:
    return select(CourseModule).where(
        CourseModule.published_version_id.is_not(None), CourseModule.archived.is_(False)
    )


@functools.cache
def _courses_query(by_language: bool, by_level: bool) -> Any:
    """Published courses with at least one visible module, with their number of visible modules
    and minutes, optionally of one language or level, and on every row the target groups the
    learner declared (for "recommended"; none for a visitor): one statement, built once per
    process (per filter combination), its values bound parameters."""
    totals = (
        select(
            CourseModule.course_id.label("course_id"),
            func.count().label("modules"),
            func.coalesce(func.sum(CourseModule.minutes), 0).label("minutes"),
        )
        .where(CourseModule.published_version_id.is_not(None), CourseModule.archived.is_(False))
        .group_by(CourseModule.course_id)
        .subquery()
    )
    query = (
        select(
            Course.id,
            Course.slug,
            Course.title,
            Course.summary,
            Course.language,
            Course.level,
            Course.audience,
            totals.c.modules,
            totals.c.minutes,
            select(func.aggregate_strings(TargetGroupDeclaration.target_group, " "))
            .where(TargetGroupDeclaration.user_id == bindparam("user_id"))
            .scalar_subquery(),
        )
        .join(totals, totals.c.course_id == Course.id)
        .where(Course.published_at.is_not(None))
    )
    if by_language:
        query = query.where(Course.language == bindparam("language"))
    if by_level:
        query = query.where(Course.level == bindparam("level"))
    return query.order_by(Course.title)


@functools.cache
def _course_progress_query() -> Any:
    """Modules started and completed per course (visible modules only) for one learner."""
    return (
        select(
            ModuleProgress.course_slug,
            func.count(),
            func.count(ModuleProgress.completed_at),
        )
        .join(Course, Course.slug == ModuleProgress.course_slug)
        .join(
            CourseModule,
            and_(
                CourseModule.course_id == Course.id,
                CourseModule.slug == ModuleProgress.module_slug,
                CourseModule.archived.is_(False),
                CourseModule.published_version_id.is_not(None),
            ),
        )
        .where(ModuleProgress.user_id == bindparam("user_id"))
        .group_by(ModuleProgress.course_slug)
    )


def catalogue(
    user_id: int | None,
    *,
    language: str = "",
    level: str = "",
    audience: str = "",
    preferred_language: str = "it",
    recommend: bool = False,
) -> list[CourseCard]:
    """Published courses with module counts and the learner's progress; with `recommend`, the
    courses for the target groups the learner declared are marked and come first."""
    by_language, by_level = language in ("it", "en"), level in LEVELS
    rows = db.session.execute(
        _courses_query(by_language, by_level),
        {"language": language, "level": level, "user_id": user_id},
    ).all()
    courses = [
        (CourseInfo(id_, slug, title, summary, lang, lvl, tuple(tags.split())), modules, minutes)
        for id_, slug, title, summary, lang, lvl, tags, modules, minutes, _groups in rows
    ]
    target_groups = set()
    if recommend and user_id is not None and rows and rows[0][-1]:
        target_groups = set(rows[0][-1].split())
    if audience in AUDIENCES:
        courses = [row for row in courses if audience in row[0].audience_tags]
    started: dict[str, int] = {}
    completed: dict[str, int] = {}
    if user_id is not None:
        for slug, count, done in db.session.execute(_course_progress_query(), {"user_id": user_id}):
            started[slug] = count
            completed[slug] = done
    cards = []
    for course, modules, minutes in courses:
        tags = set(course.audience_tags)
        cards.append(
            CourseCard(
                course=course,
                modules=modules,
                minutes=int(minutes),
                completed_modules=completed.get(course.slug, 0),
                started=course.slug in started,
                recommended=bool(tags & target_groups),
            )
        )
    # Recommended first, then the learner's language, then courses already started.
    cards.sort(
        key=lambda card: (
            not card.recommended,
            card.course.language != preferred_language,
            not (card.started and not card.completed),
            card.course.title,
        )
    )
    return cards


@functools.cache
def _published_course_query() -> Any:
    """A published course with its modules in one statement (every caller walks them),
    built once per process."""
    return (
        select(Course)
        .where(Course.slug == bindparam("slug"), Course.published_at.is_not(None))
        .options(joinedload(Course.modules))
    )


def published_course(slug: str) -> Course | None:
    return db.session.scalars(_published_course_query(), {"slug": slug}).unique().first()


class ModuleForReading(NamedTuple):
    """A course module's columns, as the pages that show a course read them."""

    id: int
    course_id: int
    slug: str
    position: int
    title: str
    minutes: int
    archived: bool
    published_version_id: int | None

    @property
    def is_visible(self) -> bool:
        return self.published_version_id is not None and not self.archived


class CourseForReading(NamedTuple):
    """A published course and its modules as values: what the course and module pages show."""

    id: int
    slug: str
    title: str
    summary: str
    language: str
    level: str
    audience: str
    pass_score: int
    modules: tuple[ModuleForReading, ...]

    @property
    def audience_tags(self) -> list[str]:
        return self.audience.split()


@functools.cache
def _content_stamp_query() -> Any:
    return select(ContentVersion.epoch, ContentVersion.n).where(ContentVersion.id == 1)


_KEPT = "elearn.courses_for_reading"


def course_for_reading(slug: str) -> CourseForReading | None:
    """The published course `slug` for the pages that only show it (course outline, module).

    Kept in this process between requests under the content version's stamp
    (elearn.models.content): one row read instead of the course and its modules, and read
    again as soon as any course or module changed, in any process. Kept per app (tests make
    many apps on databases that reuse ids and stamps).
    """
    found = db.session.execute(_content_stamp_query()).first()
    stamp = tuple(found) if found is not None else None
    kept: dict[str, tuple[Any, CourseForReading]] = current_app.extensions.setdefault(_KEPT, {})
    entry = kept.get(slug)
    if entry is not None and stamp is not None and entry[0] == stamp:
        return entry[1]
    course = published_course(slug)
    if course is None:
        return None
    values = CourseForReading(
        course.id,
        course.slug,
        course.title,
        course.summary,
        course.language,
        course.level,
        course.audience,
        course.pass_score,
        tuple(
            ModuleForReading(
                m.id,
                m.course_id,
                m.slug,
                m.position,
                m.title,
                m.minutes,
                m.archived,
                m.published_version_id,
            )
            for m in course.modules
        ),
    )
    if stamp is not None:
        if len(kept) >= 1024:
            kept.clear()
        kept[slug] = (stamp, values)
    return values


def visible_modules(course: Course) -> list[CourseModule]:
    return [module for module in course.modules if module.is_visible]


@dataclass
class ModuleStatus:
    module: CourseModule
    # The learner's progress row in the module: module_slug, completed_at and best_score.
    progress: Any | None

    @property
    def state(self) -> str:
        if self.progress is None:
            return "new"
        if self.progress.completed_at is not None:
            return "completed"
        return "started"


@functools.cache
def _outline_progress_query() -> Any:
    """The learner's progress in one course: only what an outline shows (built once)."""
    return select(
        ModuleProgress.module_slug, ModuleProgress.completed_at, ModuleProgress.best_score
    ).where(
        ModuleProgress.user_id == bindparam("user_id"),
        ModuleProgress.course_slug == bindparam("course_slug"),
    )


def course_outline(course: Course, user_id: int | None) -> list[ModuleStatus]:
    modules = visible_modules(course)
    progress = {}
    if user_id is not None:
        progress = {
            row.module_slug: row
            for row in db.session.execute(
                _outline_progress_query(), {"user_id": user_id, "course_slug": course.slug}
            )
        }
    return [ModuleStatus(module, progress.get(module.slug)) for module in modules]


def next_module_slug(outline: list[ModuleStatus]) -> str | None:
    """The first module not completed yet (where 'Continue' should go)."""
    for status in outline:
        if status.state != "completed":
            return status.module.slug
    return None


# --- continue where you left off --------------------------------------------------------------


class ResumeCourse(NamedTuple):
    slug: str
    title: str
    language: str


class ResumeModule(NamedTuple):
    slug: str
    title: str


@dataclass
class ContinueItem:
    # Only what "Continue where you left off" shows, read as plain columns.
    course: ResumeCourse
    module: ResumeModule
    percent: int


@functools.cache
def _continue_query() -> Any:
    """The course the learner touched last, if published: its visible modules in order, each
    with whether the learner completed it. One statement, plain columns (built once)."""
    last = (
        select(ModuleProgress.course_slug)
        .where(ModuleProgress.user_id == bindparam("user_id"))
        .order_by(ModuleProgress.last_visit_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    progress = aliased(ModuleProgress)
    return (
        select(
            Course.slug,
            Course.title,
            Course.language,
            CourseModule.slug,
            CourseModule.title,
            progress.completed_at.is_not(None),
        )
        .join(CourseModule, CourseModule.course_id == Course.id)
        .outerjoin(
            progress,
            and_(
                progress.user_id == bindparam("user_id"),
                progress.course_slug == Course.slug,
                progress.module_slug == CourseModule.slug,
            ),
        )
        .where(
            Course.slug == last,
            Course.published_at.is_not(None),
            # CourseModule.is_visible
            CourseModule.published_version_id.is_not(None),
            CourseModule.archived.is_(False),
        )
        .order_by(CourseModule.position, CourseModule.id)
    )


def continue_learning(user_id: int) -> ContinueItem | None:
    """The course the learner touched last and the next module to do in it (the first one not
    completed); None when there is none, or no visible module, or every one is completed."""
    rows = db.session.execute(_continue_query(), {"user_id": user_id}).all()
    following = next((row for row in rows if not row[5]), None)
    if following is None:
        return None
    done = sum(1 for row in rows if row[5])
    return ContinueItem(
        ResumeCourse(rows[0][0], rows[0][1], rows[0][2]),
        ResumeModule(following[3], following[4]),
        round(100 * done / len(rows)),
    )


# The household budget comes before credit or saving: a new learner starts there.
STARTER_COURSES = ("bilancio-familiare", "household-budget")


@functools.cache
def _any_progress_query() -> Any:
    return select(ModuleProgress.id).where(ModuleProgress.user_id == bindparam("user_id")).limit(1)


def has_started_learning(user_id: int) -> bool:
    return db.session.scalar(_any_progress_query(), {"user_id": user_id}) is not None


def first_course(language: str) -> Course | None:
    """Where a new learner starts: the starter course in their language, else a base course."""
    courses = list(
        db.session.scalars(
            select(Course)
            .where(Course.published_at.is_not(None), Course.language == language)
            .order_by(Course.id)
        )
    )

    def rank(course: Course) -> tuple[int, int]:
        starter = 0 if course.slug in STARTER_COURSES else 1
        level = LEVELS.index(course.level) if course.level in LEVELS else len(LEVELS)
        return (starter, level)

    return min(courses, key=rank, default=None)
