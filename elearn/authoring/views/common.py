"""The course editor's blueprint and the checks its routes share."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import get_locale

from elearn.authoring import services
from elearn.models import Course, CourseModule

bp = Blueprint("authoring", __name__, url_prefix="/editor")
EDITORS = ("trainer", "admin")


def course_or_404(slug: str) -> Course:
    course = services.get_course(slug)
    if course is None:
        abort(404)
    return course


def module_or_404(course: Course, module_slug: str) -> CourseModule:
    record = next((m for m in course.modules if m.slug == module_slug and not m.archived), None)
    if record is None:
        abort(404)
    return record


def lang() -> str:
    return str(get_locale() or "it")


def errors_by_line(errors: list, filename: str) -> dict[int, list[str]]:
    lines: dict[int, list[str]] = {}
    for error in errors:
        if error.path.endswith("/" + filename) or error.path == filename:
            lines.setdefault(error.line, []).append(error.message(lang()))
    return lines
