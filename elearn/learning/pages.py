"""The module page: the published version, the learner's quizzes and where the module sits."""

from __future__ import annotations

import functools
import hashlib
import json
import random
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import bindparam, select

from elearn.extensions import db
from elearn.learning.catalogue import visible_modules
from elearn.learning.progress import mastery_level, review_due
from elearn.models import (
    Course,
    CourseModule,
    ModuleProgress,
    ModuleVersion,
    QuizAttempt,
)

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
    segments: list[dict[str, Any]]
    quizzes: dict[str, QuizView]
    # The learner's progress row (an entity, or the row the visit's upsert returned).
    progress: ModuleProgress | Any | None
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


@functools.cache
def _attempts_query() -> Any:
    """This learner's answers in one module, oldest first: only the columns the page shows
    (built once per process; the values are bound parameters)."""
    return (
        select(QuizAttempt.quiz_id, QuizAttempt.response, QuizAttempt.correct)
        .where(
            QuizAttempt.user_id == bindparam("user_id"),
            QuizAttempt.course_slug == bindparam("course_slug"),
            QuizAttempt.module_slug == bindparam("module_slug"),
        )
        .order_by(QuizAttempt.id)
    )


@functools.cache
def _version_query() -> Any:
    """The published text's rendering and quizzes only (not its Markdown source)."""
    return select(ModuleVersion.rendered, ModuleVersion.quizzes).where(
        ModuleVersion.id == bindparam("id")
    )


@functools.cache
def _progress_query() -> Any:
    return select(ModuleProgress).where(
        ModuleProgress.user_id == bindparam("user_id"),
        ModuleProgress.course_slug == bindparam("course_slug"),
        ModuleProgress.module_slug == bindparam("module_slug"),
    )


@dataclass
class ModuleContent:
    """What a module page reads besides the progress row: the published text and quizzes, and
    the learner's answers grouped by question (oldest first)."""

    rendered: str
    quizzes_json: str
    attempts: dict[str, list[Any]]


def module_content(course: Course, module: CourseModule, user_id: int) -> ModuleContent:
    """Read in the request's first transaction, with the course: the module page then needs no
    third one after the visit's write."""
    assert module.published_version_id is not None
    rendered, quizzes_json = db.session.execute(
        _version_query(), {"id": module.published_version_id}
    ).one()
    where = {"user_id": user_id, "course_slug": course.slug, "module_slug": module.slug}
    attempts: dict[str, list[Any]] = {}
    for attempt in db.session.execute(_attempts_query(), where):
        attempts.setdefault(attempt.quiz_id, []).append(attempt)
    return ModuleContent(rendered, quizzes_json, attempts)


def module_page(
    course: Course,
    module: CourseModule,
    user_id: int,
    progress: Any = None,
    content: ModuleContent | None = None,
) -> ModulePage:
    """The page of one module for one learner. `progress`: the learner's progress row when the
    caller has it already (the visit's upsert returns it), else it is read; `content`: the
    module's text and the learner's answers when the caller read them already."""
    if content is None:
        content = module_content(course, module, user_id)
    rendered, attempts = content.rendered, content.attempts
    definitions = json.loads(content.quizzes_json)
    where = {"user_id": user_id, "course_slug": course.slug, "module_slug": module.slug}
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
    if progress is None:
        progress = db.session.scalar(_progress_query(), where)
    return ModulePage(
        course=course,
        module=module,
        segments=json.loads(rendered),
        quizzes=quizzes,
        progress=progress,
        previous=modules[index - 1] if index > 0 else None,
        next=modules[index + 1] if index + 1 < len(modules) else None,
        position=index + 1,
        total=len(modules),
        level=mastery_level(progress, any(view.last_attempt for view in quizzes.values())),
        review_due=review_due(progress),
    )


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
    params: list[tuple[str, str]] = []
    for key, value in values.items():
        if isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, dict):
                    params.extend((f"{key}-{index}-{k}", str(v)) for k, v in entry.items())
        else:
            params.append((key, str(value)))
    return SIMULATOR_PATHS.get(name, "/simulatori") + ("?" + urlencode(params) if params else "")
