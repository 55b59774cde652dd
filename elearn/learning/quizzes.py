"""Quiz answers: reading, grading and recording them with the score and completion they bring."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from sqlalchemy import case, func, select, update

from elearn.coursefmt.model import grade_response
from elearn.database import dialect_insert, write_transaction
from elearn.extensions import db
from elearn.learning.progress import (
    _check_mastery,
    _complete_course_if_due,
    _complete_if_due,
    _ensure_row,
    _lock_learner,
    _where,
    record_activity,
)
from elearn.models import (
    Course,
    CourseModule,
    ModuleProgress,
    QuizAttempt,
    QuizFirstAnswer,
)
from elearn.models.base import utcnow

MAX_NUMBER_INPUT = 40


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
