"""The learning domain's import surface: what views, other domains and tests use.

The logic lives in cohesive modules next to this one:
`catalogue` (courses, outlines, where to go on), `pages` (the module page), `progress` (visits,
reading, time, mastery, completion: atomic writes), `quizzes` (answers and grading), `mypath`
("Il mio percorso") and `certificates` (the PDF and its verification).
"""

from __future__ import annotations

from elearn.coursefmt.model import AUDIENCES
from elearn.learning.catalogue import (
    LEVELS,
    STARTER_COURSES,
    ContinueItem,
    CourseCard,
    CourseForReading,
    ModuleForReading,
    ModuleStatus,
    catalogue,
    continue_learning,
    course_for_reading,
    course_outline,
    first_course,
    has_started_learning,
    next_module_slug,
    published_course,
    visible_modules,
)
from elearn.learning.certificates import certificate_pdf, completion_by_code
from elearn.learning.mypath import MyPath, my_path, weekly_activity
from elearn.learning.pages import (
    SIMULATOR_PATHS,
    ModulePage,
    QuizView,
    find_module,
    module_content,
    module_page,
    simulator_link,
)
from elearn.learning.progress import (
    HEARTBEAT_SECONDS,
    MASTERY_LEVELS,
    REVIEW_AFTER,
    TIME_CAP_FACTOR,
    _complete_course_if_due,
    heartbeat,
    mark_read,
    mastery_level,
    new_verification_code,
    record_activity,
    record_visit,
    reset_course,
    review_due,
)
from elearn.learning.quizzes import AnswerError, answer_quiz, grade, parse_response

__all__ = [
    "AUDIENCES",
    "HEARTBEAT_SECONDS",
    "LEVELS",
    "MASTERY_LEVELS",
    "REVIEW_AFTER",
    "SIMULATOR_PATHS",
    "STARTER_COURSES",
    "TIME_CAP_FACTOR",
    "AnswerError",
    "ContinueItem",
    "CourseCard",
    "ModulePage",
    "ModuleStatus",
    "MyPath",
    "QuizView",
    "_complete_course_if_due",
    "answer_quiz",
    "catalogue",
    "certificate_pdf",
    "completion_by_code",
    "continue_learning",
    "course_outline",
    "find_module",
    "first_course",
    "grade",
    "has_started_learning",
    "heartbeat",
    "mark_read",
    "mastery_level",
    "module_content",
    "module_page",
    "my_path",
    "new_verification_code",
    "next_module_slug",
    "parse_response",
    "published_course",
    "CourseForReading",
    "ModuleForReading",
    "course_for_reading",
    "record_activity",
    "record_visit",
    "reset_course",
    "review_due",
    "simulator_link",
    "visible_modules",
    "weekly_activity",
]
