"""Catalogue, module pages, quiz grading and progress writes (atomic, safe under concurrency)."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from sqlalchemy import and_, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from elearn.extensions import db
from elearn.models import Course, CourseModule, ModuleProgress, ModuleVersion, QuizAttempt
from elearn.models.base import utcnow

LEVELS = ("base", "intermedio", "avanzato")
AUDIENCES = ("tutti", "maternita", "figli", "legge104", "svantaggiati")
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
    )


# --- progress writes ------------------------------------------------------------------------


def _insert_ignore(values: dict[str, Any]) -> Any:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(ModuleProgress)
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
    """First/last visit and visit count, as one atomic upsert (no lost update between tabs)."""
    now = utcnow()
    inserted = db.session.execute(
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
    if inserted.first() is None:
        db.session.execute(
            update(ModuleProgress)
            .where(_where(user_id, course_slug, module_slug))
            .values(last_visit_at=now, visits=ModuleProgress.visits + 1)
        )
    db.session.commit()


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


def mark_read(user_id: int, course: Course, module: CourseModule) -> None:
    _ensure_row(user_id, course.slug, module.slug)
    db.session.execute(
        update(ModuleProgress)
        .where(_where(user_id, course.slug, module.slug), ModuleProgress.read_at.is_(None))
        .values(read_at=utcnow())
    )
    has_quizzes = bool(module.published_version and module.published_version.quiz_map())
    _complete_if_due(user_id, course, module.slug, has_quizzes)
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
        if not raw.isdigit() or int(raw) >= count:
            raise AnswerError("choice")
        picked.append(int(raw))
    if not picked:
        raise AnswerError("empty")
    if quiz["type"] == "single" and len(set(picked)) != 1:
        raise AnswerError("choice")
    return {"choices": sorted(set(picked))}


def grade(quiz: dict[str, Any], response: dict[str, Any]) -> bool:
    if quiz["type"] == "number":
        answer = quiz.get("answer")
        return (
            answer is not None
            and abs(response["number"] - answer) <= (quiz.get("tolerance") or 0) + 1e-9
        )
    correct = {i for i, choice in enumerate(quiz["choices"]) if choice["correct"]}
    return set(response["choices"]) == correct


def answer_quiz(
    user_id: int,
    course: Course,
    module: CourseModule,
    quiz_id: str,
    form: dict[str, list[str]],
    locale: str,
) -> bool:
    """Grade and record an answer; update the best score and completion. Returns correctness."""
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
