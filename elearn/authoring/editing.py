"""The web editor's changes: drafts, previews, new courses and modules, publishing, versions."""

from __future__ import annotations

import re

import yaml
from sqlalchemy import func, select

from elearn import coursefmt
from elearn.authoring.services import (
    current_glossary,
    media_url,
    store_course,
    validate_working_copy,
)
from elearn.extensions import db
from elearn.models import Course, CourseModule, ModuleVersion
from elearn.models.base import utcnow


def save_module_draft(course: Course, module_slug: str, source: str) -> CourseModule:
    record = next((m for m in course.modules if m.slug == module_slug), None)
    if record is None:
        raise LookupError(module_slug)
    published = record.published_version.source if record.published_version else None
    record.draft_source = None if source == published else source
    record.draft_updated_at = utcnow()
    db.session.commit()
    return record


def preview_module(
    course: Course, module_slug: str, source: str
) -> tuple[str, list[coursefmt.CourseError]]:
    """Render a module text for the editor preview, with its validation messages."""
    media = [f"media/{item.filename}" for item in course.media]
    module, errors = coursefmt.parse_module(
        source.encode("utf-8"),
        f"{module_slug}.md",
        path=f"{module_slug}.md",
        course_slug=course.slug,
        language=course.language,
        glossary=current_glossary(),
        media=media,
    )
    if module is None:
        return "", errors
    html = coursefmt.render_module_html(module, current_glossary(), media_url=media_url)
    return html, errors


def yaml_line(key: str, value: str) -> str:
    """`key: value` as YAML that reads back exactly: a title such as "Budget: le basi",
    "Spese #2" or '"Citazione"' would otherwise break the front matter or lose its end."""
    return yaml.safe_dump({key: value}, allow_unicode=True, width=1_000_000).rstrip("\n")


NEW_MODULE_TEMPLATE = """---
{title}
minutes: 10
---

Scrivi qui il testo del modulo.

```quiz
id: prima-domanda
question: Una domanda per verificare la comprensione?
type: single
choices:
  - text: La risposta giusta
    correct: true
  - text: Una risposta sbagliata
explanation: Perché la prima risposta è giusta.
```
"""

_MODULES_BLOCK = re.compile(r"^modules:[ \t]*\n((?:[ \t]+-[^\n]*\n?)+)", re.MULTILINE)


def add_module(course: Course, slug: str, title: str) -> CourseModule:
    if any(m.slug == slug for m in course.modules):
        raise ValueError("exists")
    position = max((m.position for m in course.modules), default=-1) + 1
    record = CourseModule(
        course=course,
        slug=slug,
        position=position,
        title=title,
        minutes=10,
        draft_source=NEW_MODULE_TEMPLATE.format(title=yaml_line("title", title)),
        draft_updated_at=utcnow(),
    )
    db.session.add(record)
    # An explicit module list in course.yml must name the new file too.
    yml = course.draft_course_yml if course.draft_course_yml is not None else course.course_yml
    match = _MODULES_BLOCK.search(yml)
    if match:
        block = match.group(1)
        indent = re.match(r"[ \t]*", block).group(0)
        addition = ("" if block.endswith("\n") else "\n") + f"{indent}- {slug}.md\n"
        course.draft_course_yml = yml[: match.end(1)] + addition + yml[match.end(1) :]
    db.session.commit()
    return record


def save_course_yml(course: Course, text: str) -> None:
    course.draft_course_yml = None if text == course.course_yml else text
    db.session.commit()


def publish(course: Course, *, author_id: int | None) -> list[coursefmt.CourseError]:
    """Publish the working copy when it is valid; otherwise return the problems, change nothing."""
    parsed, errors = validate_working_copy(course)
    if parsed is None:
        return errors
    _stored, changed, _versions = store_course(parsed, current_glossary(), author_id=author_id)
    if changed:
        course.edited_on_web_at = utcnow()
    course.draft_course_yml = None
    for record in course.modules:
        record.draft_source = None
    course.published_at = course.published_at or utcnow()
    db.session.commit()
    return []


def restore_version(record: CourseModule, version: ModuleVersion) -> None:
    """Put an earlier text back as the draft; it goes live when the course is published."""
    record.draft_source = version.source
    record.draft_updated_at = utcnow()
    db.session.commit()


def create_course(*, slug: str, title: str, summary: str, language: str) -> Course:
    yml = (
        f"{yaml_line('title', title)}\n{yaml_line('summary', summary)}\n"
        f"language: {language}\nlevel: base\naudience: [tutti]\npass_score: 80\n"
    )
    course = Course(slug=slug, title=title, summary=summary, language=language, course_yml=yml)
    db.session.add(course)
    db.session.flush()
    add_module(
        course,
        "01-introduzione" if language == "it" else "01-introduction",
        "Introduzione" if language == "it" else "Introduction",
    )
    return course


def course_slug_taken(slug: str) -> bool:
    return db.session.scalar(select(func.count(Course.id)).where(Course.slug == slug)) > 0
