"""The Markdown course format: parse, validate (`path:line` errors), render sanitised HTML.

No Flask, SQLAlchemy or other `elearn` imports here: the web layer and the CLI build on it.
See COURSE_FORMAT.md for the format itself.
"""

from elearn.coursefmt.blocks import default_quiz_id
from elearn.coursefmt.errors import MESSAGES, CourseError
from elearn.coursefmt.model import (
    AUDIENCES,
    LANGUAGES,
    LEVELS,
    QUIZ_TYPES,
    Choice,
    Course,
    Glossary,
    Module,
    Quiz,
    SimulatorBlock,
)
from elearn.coursefmt.parse import (
    MEDIA_TYPES,
    course_from_files,
    parse_glossary,
    parse_module,
    with_file,
)
from elearn.coursefmt.render import (
    RENDER_VERSION,
    HtmlSegment,
    MediaUrl,
    QuizSegment,
    Segment,
    SimulatorSegment,
    glossary_section,
    quiz_preview_html,
    render_inline,
    render_module,
    render_module_html,
    segments_html,
)
from elearn.coursefmt.sanitize import sanitize_html
from elearn.coursefmt.storage import (
    LoadResult,
    course_files,
    export_course,
    export_glossary,
    load_course,
    load_courses,
    load_glossary,
)
from elearn.coursefmt.ziparchive import course_from_zip, read_course_zip, write_course_zip

__all__ = [
    "AUDIENCES",
    "LANGUAGES",
    "LEVELS",
    "MEDIA_TYPES",
    "MESSAGES",
    "QUIZ_TYPES",
    "Choice",
    "Course",
    "CourseError",
    "Glossary",
    "HtmlSegment",
    "LoadResult",
    "MediaUrl",
    "Module",
    "Quiz",
    "QuizSegment",
    "Segment",
    "RENDER_VERSION",
    "SimulatorBlock",
    "SimulatorSegment",
    "course_files",
    "course_from_files",
    "course_from_zip",
    "default_quiz_id",
    "export_course",
    "export_glossary",
    "glossary_section",
    "load_course",
    "load_courses",
    "load_glossary",
    "parse_glossary",
    "parse_module",
    "quiz_preview_html",
    "read_course_zip",
    "render_inline",
    "render_module",
    "render_module_html",
    "sanitize_html",
    "segments_html",
    "with_file",
    "write_course_zip",
]
