"""Figures for trainers: learners per module, hardest questions, all through the privacy guard."""

from __future__ import annotations

from dataclasses import dataclass

from elearn.learning.question_stats import first_answers, module_counts
from elearn.models import Course, QuizFirstAnswer
from elearn.privacy import disclosure

HARDEST = 10


@dataclass
class ModuleStats:
    """Published figures (elearn.privacy.disclosure); None reads "fewer than 5"."""

    title: str
    started: int | None
    completed: int | None


@dataclass
class QuestionStats:
    module_title: str
    question_html: str
    learners: int | None  # published: rounded to 5
    wrong_percent: int | None  # % of first answers that were wrong, from the published counts


def course_statistics(course: Course) -> tuple[list[ModuleStats], list[QuestionStats]]:
    """Learners per module and the questions most often answered wrong at the first try, every
    figure through the privacy guard (1–4 hidden, other counts rounded to 5)."""
    counts = module_counts(course.slug)
    modules = []
    for record in course.modules:
        if not record.is_visible:
            continue
        started, completed = counts.get(record.slug, (0, 0))
        modules.append(
            ModuleStats(record.title, disclosure.count(started), disclosure.count(completed))
        )

    rows = first_answers(QuizFirstAnswer.course_slug == course.slug)
    by_slug = {record.slug: record for record in course.modules if record.is_visible}
    quizzes = {
        (module_slug, quiz_id): quiz
        for module_slug, record in by_slug.items()
        for quiz_id, quiz in record.published_version.quiz_map().items()
    }
    ranked = disclosure.ranked_shares(
        ((row.module_slug, row.quiz_id), row.learners, row.wrong)
        for row in rows
        if (row.module_slug, row.quiz_id) in quizzes
    )
    return modules, [
        QuestionStats(
            by_slug[module_slug].title,
            quizzes[(module_slug, quiz_id)]["question_html"],
            learners,
            wrong_percent,
        )
        for (module_slug, quiz_id), learners, wrong_percent in ranked[:HARDEST]
    ]
