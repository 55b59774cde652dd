"""What the managers' dashboard and the trainers' statistics count of learning: first answers per
question (how many learners answered, how many wrong at first), and learners per module.

One query for every page that ranks the hardest questions (the managers' dashboard, the
trainers' course statistics); questions with fewer than `disclosure.MIN_GROUP` learners are
left out here, before any figure is published."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.sql import ColumnElement

from elearn.extensions import db
from elearn.models import ModuleProgress, QuizFirstAnswer
from elearn.privacy import disclosure


@dataclass(frozen=True)
class FirstAnswers:
    course_slug: str
    module_slug: str
    quiz_id: str
    learners: int
    wrong: int


def first_answers(*where: ColumnElement[bool]) -> list[FirstAnswers]:
    """Per question (course, module, quiz id) among the first answers matching `where`."""
    wrong = func.sum(case((QuizFirstAnswer.correct.is_(False), 1), else_=0))
    rows = db.session.execute(
        select(
            QuizFirstAnswer.course_slug,
            QuizFirstAnswer.module_slug,
            QuizFirstAnswer.quiz_id,
            func.count(),
            wrong,
        )
        .where(*where)
        .group_by(QuizFirstAnswer.course_slug, QuizFirstAnswer.module_slug, QuizFirstAnswer.quiz_id)
        .having(func.count() >= disclosure.MIN_GROUP)
    )
    return [
        FirstAnswers(course, module, quiz, int(learners), int(wrong_count or 0))
        for course, module, quiz, learners, wrong_count in rows
    ]


def module_counts(course_slug: str, *where: ColumnElement[bool]) -> dict[str, tuple[int, int]]:
    """Per module of a course: how many learners (matching `where`) started it and completed
    it. True counts: the caller publishes them through `disclosure`."""
    return {
        slug: (int(started), int(completed))
        for slug, started, completed in db.session.execute(
            select(
                ModuleProgress.module_slug,
                func.count(ModuleProgress.id),
                func.count(ModuleProgress.completed_at),
            )
            .where(ModuleProgress.course_slug == course_slug, *where)
            .group_by(ModuleProgress.module_slug)
        )
    }
