"""Catalogue, module pages, quiz grading and progress writes (atomic, safe under concurrency)."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from sqlalchemy import and_, case, func, select, update

from elearn.coursefmt.model import AUDIENCES, grade_response
from elearn.database import dialect_insert, write_done, write_transaction
from elearn.extensions import db
from elearn.models import (
    Course,
    CourseModule,
    ModuleProgress,
    ModuleVersion,
    QuizAttempt,
    User,
)
from elearn.models.base import utcnow

LEVELS = ("base", "intermedio", "avanzato")
MAX_NUMBER_INPUT = 40


# --- reading the catalogue ------------------------------------------------------------------


@dataclass
class CourseCard:
    course: Course
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


def catalogue(
    user_id: int | None,
    *,
    language: str = "",
    level: str = "",
    audience: str = "",
    preferred_language: str = "it",
    target_groups: frozenset[str] = frozenset(),
) -> list[CourseCard]:
    """Published courses with module counts and the learner's progress, recommended first."""
    query = select(Course).where(Course.published_at.is_not(None))
    if language in ("it", "en"):
        query = query.where(Course.language == language)
    if level in LEVELS:
        query = query.where(Course.level == level)
    courses = list(db.session.scalars(query.order_by(Course.title)))
    if audience in AUDIENCES:
        courses = [c for c in courses if audience in c.audience_tags]
    totals = {
        course_id: (count, minutes)
        for course_id, count, minutes in db.session.execute(
            select(
                CourseModule.course_id,
                func.count(),
                func.coalesce(func.sum(CourseModule.minutes), 0),
            )
            .where(CourseModule.published_version_id.is_not(None), CourseModule.archived.is_(False))
            .group_by(CourseModule.course_id)
        )
    }
    started: dict[str, int] = {}
    completed: dict[str, int] = {}
    if user_id is not None:
        rows = db.session.execute(
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
            .where(ModuleProgress.user_id == user_id)
            .group_by(ModuleProgress.course_slug)
        )
        for slug, count, done in rows:
            started[slug] = count
            completed[slug] = done
    cards = []
    for course in courses:
        modules, minutes = totals.get(course.id, (0, 0))
        if modules == 0:
            continue
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


def published_course(slug: str) -> Course | None:
    return db.session.scalar(
        select(Course).where(Course.slug == slug, Course.published_at.is_not(None))
    )


def visible_modules(course: Course) -> list[CourseModule]:
    return [module for module in course.modules if module.is_visible]


@dataclass
class ModuleStatus:
    module: CourseModule
    progress: ModuleProgress | None

    @property
    def state(self) -> str:
        if self.progress is None:
            return "new"
        if self.progress.completed_at is not None:
            return "completed"
        return "started"


def course_outline(course: Course, user_id: int | None) -> list[ModuleStatus]:
    modules = visible_modules(course)
    progress = {}
    if user_id is not None:
        progress = {
            row.module_slug: row
            for row in db.session.scalars(
                select(ModuleProgress).where(
                    ModuleProgress.user_id == user_id, ModuleProgress.course_slug == course.slug
                )
            )
        }
    return [ModuleStatus(module, progress.get(module.slug)) for module in modules]


def next_module_slug(outline: list[ModuleStatus]) -> str | None:
    """The first module not completed yet (where 'Continue' should go)."""
    for status in outline:
        if status.state != "completed":
            return status.module.slug
    return None


# --- the module page ------------------------------------------------------------------------


@dataclass
class QuizView:
    id: str
    type: str
    question_html: str
    # (authored index, html) in the order shown to this learner.
    choices: list[tuple[int, str]]
    last_attempt: dict[str, Any] | None = None
    explanation_html: str = ""
    ever_correct: bool = False
    selected: list[int] = field(default_factory=list)
    number_text: str = ""
    # After an answer: for each choice the learner ticked, whether that choice is right.
    marks: dict[int, bool] = field(default_factory=dict)
    # Everything ticked is right but a right choice is missing (multiple answers): said,
    # without saying which.
    missed: bool = False
    # A message about an answer that could not be graded (nothing chosen, not a number).
    error: str = ""


@dataclass
class ModulePage:
    course: Course
    module: CourseModule
    version: ModuleVersion
    segments: list[dict[str, Any]]
    quizzes: dict[str, QuizView]
    progress: ModuleProgress | None
    previous: CourseModule | None
    next: CourseModule | None
    position: int
    total: int
    level: str = "started"
    review_due: bool = False

    @property
    def quiz_count(self) -> int:
        return len(self.quizzes)

    @property
    def correct_count(self) -> int:
        return sum(1 for quiz in self.quizzes.values() if quiz.ever_correct)


def find_module(course: Course, module_slug: str) -> CourseModule | None:
    return next((m for m in visible_modules(course) if m.slug == module_slug), None)


def _shuffled(quiz: dict[str, Any], user_id: int) -> list[tuple[int, str]]:
    choices = list(enumerate(choice["html"] for choice in quiz["choices"]))
    if quiz.get("shuffle", True):
        # Stable per learner and question: the order does not jump around between visits.
        seed = hashlib.sha256(f"{user_id}:{quiz['id']}".encode()).digest()
        random.Random(seed).shuffle(choices)
    return choices


def module_page(course: Course, module: CourseModule, user_id: int) -> ModulePage:
    version = module.published_version
    assert version is not None
    definitions = version.quiz_map()
    attempts: dict[str, list[QuizAttempt]] = {}
    for attempt in db.session.scalars(
        select(QuizAttempt)
        .where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.course_slug == course.slug,
            QuizAttempt.module_slug == module.slug,
        )
        .order_by(QuizAttempt.id)
    ):
        attempts.setdefault(attempt.quiz_id, []).append(attempt)
    quizzes: dict[str, QuizView] = {}
    for quiz_id, quiz in definitions.items():
        view = QuizView(quiz_id, quiz["type"], quiz["question_html"], _shuffled(quiz, user_id))
        history = attempts.get(quiz_id, [])
        if history:
            last = history[-1]
            response = json.loads(last.response)
            view.last_attempt = {"correct": last.correct, "response": response}
            view.explanation_html = quiz["explanation_html"]
            view.ever_correct = any(a.correct for a in history)
            if quiz["type"] == "number":
                view.number_text = str(response.get("text", ""))
            else:
                view.selected = list(response.get("choices", []))
                right = {i for i, choice in enumerate(quiz["choices"]) if choice["correct"]}
                view.marks = {index: index in right for index in view.selected}
                view.missed = not right <= set(view.selected) and all(view.marks.values())
        quizzes[quiz_id] = view
    modules = visible_modules(course)
    index = modules.index(module)
    progress = db.session.scalar(
        select(ModuleProgress).where(
            ModuleProgress.user_id == user_id,
            ModuleProgress.course_slug == course.slug,
            ModuleProgress.module_slug == module.slug,
        )
    )
    return ModulePage(
        course=course,
        module=module,
        version=version,
        segments=version.segments(),
        quizzes=quizzes,
        progress=progress,
        previous=modules[index - 1] if index > 0 else None,
        next=modules[index + 1] if index + 1 < len(modules) else None,
        position=index + 1,
        total=len(modules),
        level=mastery_level(progress, any(view.last_attempt for view in quizzes.values())),
        review_due=review_due(progress),
    )


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


def record_visit(user_id: int, course_slug: str, module_slug: str) -> None:
    """First/last visit and visit count, as one atomic upsert (no lost update between tabs).

    One short write transaction of two statements; the write lock is given back at its commit,
    so the page renders while other workers write (see database.write_done).
    """
    write_transaction()
    now = utcnow()
    db.session.execute(
        dialect_insert(ModuleProgress)
        .values(
            user_id=user_id,
            course_slug=course_slug,
            module_slug=module_slug,
            first_visit_at=now,
            last_visit_at=now,
            visits=1,
            seconds_spent=0,
        )
        .on_conflict_do_update(
            index_elements=["user_id", "course_slug", "module_slug"],
            set_={"last_visit_at": now, "visits": ModuleProgress.visits + 1},
        )
    )
    record_activity(user_id, "module")
    db.session.commit()
    write_done()


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


class AnswerError(ValueError):
    """The learner's answer cannot be read (nothing chosen, not a number)."""


def parse_response(quiz: dict[str, Any], form: dict[str, list[str]], locale: str) -> dict[str, Any]:
    if quiz["type"] == "number":
        text = (form.get("answer") or [""])[0].strip()
        if not text:
            raise AnswerError("empty")
        if len(text) > MAX_NUMBER_INPUT:
            raise AnswerError("number")
        cleaned = text.replace("€", "").replace("%", "").replace(" ", "").replace("\xa0", "")
        try:
            value = parse_decimal(cleaned, locale=locale, strict=True)
        except (NumberFormatError, InvalidOperation, ValueError):
            try:
                value = Decimal(cleaned)
            except InvalidOperation as error:
                raise AnswerError("number") from error
        if not value.is_finite():
            raise AnswerError("number")
        return {"number": float(value), "text": text}
    count = len(quiz["choices"])
    picked = []
    for raw in form.get("choice", []):
        # ASCII digits only: "²".isdigit() is true but int() refuses it, and a 5000-digit
        # string is over Python's int conversion limit.
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 4 or int(raw) >= count:
            raise AnswerError("choice")
        picked.append(int(raw))
    if not picked:
        raise AnswerError("empty")
    if quiz["type"] == "single" and len(set(picked)) != 1:
        raise AnswerError("choice")
    return {"choices": sorted(set(picked))}


def grade(quiz: dict[str, Any], response: dict[str, Any]) -> bool:
    """A stored quiz and a parsed answer, graded by the course format's one rule."""
    return grade_response(
        quiz["type"],
        {i for i, choice in enumerate(quiz.get("choices") or []) if choice["correct"]},
        quiz.get("answer"),
        quiz.get("tolerance"),
        response["number"] if quiz["type"] == "number" else response["choices"],
    )


def _record_first_answer(
    user_id: int, course_slug: str, module_slug: str, quiz_id: str, correct: bool
) -> None:
    from elearn.models import QuizFirstAnswer

    db.session.execute(
        dialect_insert(QuizFirstAnswer)
        .values(
            user_id=user_id,
            course_slug=course_slug,
            module_slug=module_slug,
            quiz_id=quiz_id,
            correct=correct,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing()
    )


def answer_quiz(
    user_id: int,
    course: Course,
    module: CourseModule,
    quiz_id: str,
    form: dict[str, list[str]],
    locale: str,
) -> bool:
    """Grade and record an answer; update the best score and completion. Returns correctness."""
    write_transaction()
    _lock_learner(user_id)
    version = module.published_version
    assert version is not None
    quizzes = version.quiz_map()
    quiz = quizzes[quiz_id]
    response = parse_response(quiz, form, locale)
    correct = grade(quiz, response)
    db.session.add(
        QuizAttempt(
            user_id=user_id,
            course_slug=course.slug,
            module_slug=module.slug,
            quiz_id=quiz_id,
            response=json.dumps(response),
            correct=correct,
        )
    )
    _ensure_row(user_id, course.slug, module.slug)
    _record_first_answer(user_id, course.slug, module.slug, quiz_id, correct)
    db.session.flush()
    # The best score counts: a quiz is passed once answered right, whatever came after.
    passed = db.session.scalar(
        select(func.count(func.distinct(QuizAttempt.quiz_id))).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.course_slug == course.slug,
            QuizAttempt.module_slug == module.slug,
            QuizAttempt.correct.is_(True),
            QuizAttempt.quiz_id.in_(list(quizzes)),
        )
    )
    score = passed / len(quizzes)
    db.session.execute(
        update(ModuleProgress)
        .where(_where(user_id, course.slug, module.slug))
        .values(
            best_score=case(
                (ModuleProgress.best_score.is_(None), score),
                (ModuleProgress.best_score < score, score),
                else_=ModuleProgress.best_score,
            ),
            last_visit_at=utcnow(),
        )
    )
    _complete_if_due(user_id, course, module.slug, True)
    _check_mastery(user_id, course, module)
    _complete_course_if_due(user_id, course)
    record_activity(user_id, "quiz")
    db.session.commit()
    return correct


# --- continue where you left off --------------------------------------------------------------


@dataclass
class ContinueItem:
    course: Course
    module: CourseModule
    percent: int


def continue_learning(user_id: int) -> ContinueItem | None:
    """The course the learner touched last and the next module to do in it."""
    last = db.session.execute(
        select(ModuleProgress.course_slug)
        .where(ModuleProgress.user_id == user_id)
        .order_by(ModuleProgress.last_visit_at.desc())
        .limit(1)
    ).scalar()
    if last is None:
        return None
    course = published_course(last)
    if course is None:
        return None
    outline = course_outline(course, user_id)
    slug = next_module_slug(outline)
    if slug is None:
        return None
    done = sum(1 for status in outline if status.state == "completed")
    module = next(status.module for status in outline if status.module.slug == slug)
    return ContinueItem(course, module, round(100 * done / len(outline)) if outline else 0)


# The household budget comes before credit or saving: a new learner starts there.
STARTER_COURSES = ("bilancio-familiare", "household-budget")


def has_started_learning(user_id: int) -> bool:
    return (
        db.session.scalar(
            select(ModuleProgress.id).where(ModuleProgress.user_id == user_id).limit(1)
        )
        is not None
    )


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


# --- simulators embedded in modules ---------------------------------------------------------

SIMULATOR_PATHS = {
    "loan": "/simulatori/prestito",
    "savings": "/simulatori/risparmio",
    "savings-goal": "/simulatori/obiettivo",
    "budget": "/simulatori/bilancio",
    "debt": "/simulatori/debiti",
}


def simulator_link(name: str, values: dict[str, Any]) -> str:
    """The simulator page pre-filled with a module's example (lists as `field-N-key`)."""
    from urllib.parse import urlencode

    params: list[tuple[str, str]] = []
    for key, value in values.items():
        if isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, dict):
                    params.extend((f"{key}-{index}-{k}", str(v)) for k, v in entry.items())
        else:
            params.append((key, str(value)))
    return SIMULATOR_PATHS.get(name, "/simulatori") + ("?" + urlencode(params) if params else "")


# --- activity, time spent, mastery, completion ------------------------------------------------

HEARTBEAT_SECONDS = 30
# A module's reading time counts at most this many times its estimate (an open tab is not study).
TIME_CAP_FACTOR = 3
REVIEW_AFTER = timedelta(hours=20)


def record_activity(user_id: int, kind: str, when: datetime | None = None) -> None:
    """Count one action of `kind` on today's date (atomic upsert; commit left to the caller)."""
    from elearn.models import ActivityDay

    day = (when or utcnow()).date()
    statement = dialect_insert(ActivityDay).values(user_id=user_id, day=day, kind=kind, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "day", "kind"],
        set_={"count": ActivityDay.count + 1},
    )
    db.session.execute(statement)


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
    import secrets

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def _complete_course_if_due(user_id: int, course: Course) -> None:
    """Record the course completion (and its certificate code) once every module is done."""
    from elearn.models import CourseCompletion

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


# --- "Il mio percorso" ------------------------------------------------------------------------


@dataclass
class MyPath:
    in_progress: list[CourseCard]
    completed: list[CourseCard]
    completions: dict[str, Any]
    resume: ContinueItem | None
    seconds_spent: int
    mastery: dict[str, int]
    weeks: list[tuple[str, int]]


def weekly_activity(user_id: int, weeks: int = 12) -> list[tuple[datetime, int]]:
    """Actions per week (Monday first) over the last `weeks` weeks, oldest first."""
    from elearn.models import ActivityDay

    today = utcnow().date()
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    counts: dict[Any, int] = {}
    for day, count in db.session.execute(
        select(ActivityDay.day, ActivityDay.count).where(
            ActivityDay.user_id == user_id, ActivityDay.day >= start
        )
    ):
        monday = day - timedelta(days=day.weekday())
        counts[monday] = counts.get(monday, 0) + count
    return [
        (start + timedelta(weeks=index), counts.get(start + timedelta(weeks=index), 0))
        for index in range(weeks)
    ]


def my_path(user_id: int, preferred_language: str) -> MyPath:
    from elearn.models import CourseCompletion

    cards = catalogue(user_id, preferred_language=preferred_language)
    completions = {
        row.course_slug: row
        for row in db.session.scalars(
            select(CourseCompletion).where(CourseCompletion.user_id == user_id)
        )
    }
    rows = db.session.execute(
        select(
            ModuleProgress.completed_at,
            ModuleProgress.mastered_at,
            ModuleProgress.best_score,
            ModuleProgress.seconds_spent,
        ).where(ModuleProgress.user_id == user_id)
    ).all()
    mastery = {"started": 0, "practised": 0, "passed": 0, "mastered": 0}
    for completed_at, mastered_at, best_score, _seconds in rows:
        if mastered_at is not None:
            mastery["mastered"] += 1
        elif completed_at is not None:
            mastery["passed"] += 1
        elif best_score is not None:
            mastery["practised"] += 1
        else:
            mastery["started"] += 1
    return MyPath(
        in_progress=[c for c in cards if c.started and not c.completed],
        completed=[c for c in cards if c.completed],
        completions=completions,
        resume=continue_learning(user_id),
        seconds_spent=sum(row[3] for row in rows),
        mastery=mastery,
        weeks=weekly_activity(user_id),
    )


def reset_course(user_id: int, course_slug: str) -> None:
    """Forget the learner's progress, answers and completion for one course."""
    from sqlalchemy import delete

    write_transaction()
    _lock_learner(user_id)

    from elearn.models import CourseCompletion, QuizFirstAnswer

    for model in (ModuleProgress, QuizAttempt, QuizFirstAnswer, CourseCompletion):
        db.session.execute(
            delete(model).where(model.user_id == user_id, model.course_slug == course_slug)
        )
    db.session.commit()


def completion_by_code(code: str) -> Any:
    from elearn.models import CourseCompletion

    if not code or len(code) > 16 or not code.isalnum():
        return None
    return db.session.scalar(
        select(CourseCompletion).where(CourseCompletion.verification_code == code.upper())
    )


def _name_font(bold: bool) -> str:
    """A font for names and titles: DejaVu Sans (shipped with matplotlib) draws Ł, ș, ë,
    Greek, Cyrillic and Arabic letters that Helvetica would print as black boxes."""
    from pathlib import Path

    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "DejaVuSans-Bold" if bold else "DejaVuSans"
    if name not in pdfmetrics.getRegisteredFontNames():
        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / f"{name}.ttf"
        if not path.is_file():
            return "Helvetica-Bold" if bold else "Helvetica"
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def certificate_pdf(full_name: str, completion: Any, verify_url: str, language: str) -> bytes:
    """A one-page A4 certificate with a QR code leading to the public verification page."""
    import io as _io

    import qrcode
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    texts = {
        "it": (
            "Attestato di partecipazione",
            "si certifica che",
            "ha completato il corso",
            "il",
            "Durata stimata",
            "ore",
            "Codice di verifica",
        ),
        "en": (
            "Certificate of completion",
            "this certifies that",
            "has completed the course",
            "on",
            "Estimated length",
            "hours",
            "Verification code",
        ),
    }[language if language in ("it", "en") else "it"]
    buffer = _io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=0)
    pdf.setTitle(f"{texts[0]} - {completion.course_title}")
    pdf.setStrokeColorRGB(0.12, 0.43, 0.36)
    pdf.setLineWidth(4)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setFillColorRGB(0.12, 0.43, 0.36)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 110, "WELFARE³")
    pdf.setFillColorRGB(0.1, 0.1, 0.1)
    pdf.setFont("Helvetica", 22)
    pdf.drawCentredString(width / 2, height - 160, texts[0])
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(width / 2, height - 210, texts[1])
    pdf.setFont(_name_font(bold=True), 26)
    pdf.drawCentredString(width / 2, height - 250, full_name[:60])
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(width / 2, height - 290, texts[2])
    pdf.setFont(_name_font(bold=True), 20)
    pdf.drawCentredString(width / 2, height - 325, completion.course_title[:70])
    pdf.setFont("Helvetica", 14)
    day = completion.completed_at.strftime("%d/%m/%Y")
    hours = f"{completion.minutes / 60:.1f}".replace(".", "," if language == "it" else ".")
    pdf.drawCentredString(
        width / 2, height - 360, f"{texts[3]} {day} · {texts[4]}: {hours} {texts[5]}"
    )
    image = qrcode.make(verify_url, box_size=4, border=1).get_image()
    png = _io.BytesIO()
    image.save(png, format="PNG")
    png.seek(0)
    pdf.drawImage(ImageReader(png), width - 190, 60, width=120, height=120)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(60, 80, f"{texts[6]}: {completion.verification_code}")
    pdf.drawString(60, 64, verify_url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
