"""Course storage: import from folders, drafts and publishing, versions, export, media."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext
from sqlalchemy import func, select

from elearn import coursefmt
from elearn.authoring.media import clean_course_media
from elearn.extensions import db
from elearn.learning.question_stats import first_answers
from elearn.models import (
    Course,
    CourseMedia,
    CourseModule,
    GlossaryFile,
    ModuleProgress,
    ModuleVersion,
    QuizFirstAnswer,
)
from elearn.models.base import utcnow
from elearn.privacy import disclosure

MEDIA_URL_PREFIX = "/corsi"
MAX_ZIP_BYTES = 20 * 1024 * 1024
MAX_ZIP_FILES = 400


def media_url(course_slug: str, name: str) -> str:
    return f"{MEDIA_URL_PREFIX}/{course_slug}/media/{name}"


# --- glossary -------------------------------------------------------------------------------


def current_glossary() -> coursefmt.Glossary:
    row = db.session.get(GlossaryFile, 1)
    if row is None:
        return coursefmt.Glossary()
    glossary, _errors = coursefmt.parse_glossary(row.raw.encode("utf-8"))
    return glossary


GLOSSARY_FILE = "glossary.yml"


def _store_glossary(glossary: coursefmt.Glossary, *, overwrite: bool = False) -> bool | None:
    """Save the imported glossary; True when it changed, None when the copy edited in the web
    editor since the last import was kept (unless `overwrite`)."""
    if glossary.raw is None:
        return False
    text = glossary.raw.decode("utf-8")
    row = db.session.get(GlossaryFile, 1)
    if row is not None and row.raw == text:
        return False
    if row is not None and row.edited_on_web_at is not None and not overwrite:
        return None
    if row is None:
        db.session.add(GlossaryFile(id=1, raw=text))
    else:
        row.raw = text
        row.updated_at = utcnow()
        row.edited_on_web_at = None
    return True


# --- rendering cache ------------------------------------------------------------------------


def render_for_storage(module: coursefmt.Module, glossary: coursefmt.Glossary) -> tuple[str, str]:
    """Render a parsed module once, at publish time: (segments JSON, quizzes JSON)."""
    segments: list[dict[str, Any]] = []
    for segment in coursefmt.render_module(module, glossary, media_url=media_url):
        if isinstance(segment, coursefmt.HtmlSegment):
            segments.append({"kind": "html", "html": segment.html})
        elif isinstance(segment, coursefmt.QuizSegment):
            segments.append({"kind": "quiz", "id": segment.quiz.id})
        else:
            segments.append(
                {"kind": "simulator", "name": segment.block.name, "values": segment.block.values}
            )

    def inline(text: str) -> str:
        return coursefmt.render_inline(
            text,
            glossary,
            language=module.language,
            course_slug=module.course_slug,
            media_url=media_url,
        )

    quizzes = {
        quiz.id: {
            "id": quiz.id,
            "type": quiz.type,
            "question_html": inline(quiz.question),
            "choices": [
                {"html": inline(choice.text), "correct": choice.correct} for choice in quiz.choices
            ],
            "shuffle": quiz.shuffle,
            "answer": quiz.answer,
            "tolerance": quiz.tolerance,
            "explanation_html": inline(quiz.explanation) if quiz.explanation else "",
        }
        for quiz in module.quizzes
    }
    return json.dumps(segments, ensure_ascii=False), json.dumps(quizzes, ensure_ascii=False)


# --- import ---------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Courses published from the web since their files were imported, left as they are.
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    new_versions: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _apply_settings(course: Course, parsed: coursefmt.Course, course_yml: str) -> None:
    course.title = parsed.title
    course.summary = parsed.summary
    course.language = parsed.language
    course.level = parsed.level
    course.audience = " ".join(parsed.audience)
    course.pass_score = parsed.pass_score
    course.course_yml = course_yml


def _publish_module_version(
    record: CourseModule,
    parsed: coursefmt.Module,
    glossary: coursefmt.Glossary,
    author_id: int | None,
) -> bool:
    """Make `parsed` the published text of `record`; False when it already is."""
    current = record.published_version
    if current is not None and current.content_hash == parsed.content_hash:
        return False
    rendered, quizzes = render_for_storage(parsed, glossary)
    number = (max((v.number for v in record.versions), default=0)) + 1
    version = ModuleVersion(
        module=record,
        number=number,
        source=parsed.raw.decode("utf-8"),
        content_hash=parsed.content_hash,
        author_id=author_id,
        rendered=rendered,
        quizzes=quizzes,
        render_version=coursefmt.RENDER_VERSION,
    )
    db.session.add(version)
    db.session.flush()
    record.published_version = version
    record.title = parsed.title
    record.minutes = parsed.minutes
    return True


def store_course(
    parsed: coursefmt.Course, glossary: coursefmt.Glossary, *, author_id: int | None = None
) -> tuple[Course, bool, int]:
    """Create or update a course from validated files; returns (course, changed, new versions)."""
    course = db.session.scalar(select(Course).where(Course.slug == parsed.slug))
    course_yml = parsed.files["course.yml"].decode("utf-8")
    changed = False
    if course is None:
        course = Course(
            slug=parsed.slug,
            title=parsed.title,
            summary=parsed.summary,
            language=parsed.language,
            course_yml=course_yml,
            published_at=utcnow(),
        )
        db.session.add(course)
        changed = True
    if course.course_yml != course_yml or course.title != parsed.title:
        changed = True
    _apply_settings(course, parsed, course_yml)
    if course.published_at is None:
        course.published_at = utcnow()
        changed = True
    db.session.flush()

    existing = {module.slug: module for module in course.modules}
    new_versions = 0
    for position, parsed_module in enumerate(parsed.modules):
        record = existing.pop(parsed_module.slug, None)
        if record is None:
            record = CourseModule(
                course=course,
                slug=parsed_module.slug,
                position=position,
                title=parsed_module.title,
                minutes=parsed_module.minutes,
            )
            db.session.add(record)
            db.session.flush()
        if record.position != position or record.archived:
            record.position = position
            record.archived = False
            changed = True
        if _publish_module_version(record, parsed_module, glossary, author_id):
            new_versions += 1
            changed = True
        if record.draft_source is not None and record.draft_source == parsed_module.raw.decode(
            "utf-8"
        ):
            record.draft_source = None
    for leftover in existing.values():
        if not leftover.archived:
            leftover.archived = True
            changed = True

    media_files = {
        name[len("media/") :]: data
        for name, data in parsed.files.items()
        if name.startswith("media/")
    }
    current_media = {item.filename: item for item in course.media}
    for name, data in media_files.items():
        digest = coursefmt.model.sha256_hex(data)
        item = current_media.pop(name, None)
        if item is None:
            course.media.append(
                CourseMedia(filename=name, data=data, sha256=digest, content_type=_media_type(name))
            )
            changed = True
        elif item.sha256 != digest:
            item.data, item.sha256 = data, digest
            changed = True
    for item in current_media.values():
        db.session.delete(item)
        changed = True
    if changed:
        course.updated_at = utcnow()
    return course, changed, new_versions


def _media_type(name: str) -> str:
    return coursefmt.MEDIA_TYPES.get(
        Path(name).suffix.lower().lstrip("."), "application/octet-stream"
    )


def rerender_all(glossary: coursefmt.Glossary) -> None:
    """Refresh the cached rendering of every published version (after a glossary change)."""
    for course in db.session.scalars(select(Course)):
        files = course_files(course, drafts=False)
        parsed, errors = coursefmt.course_from_files(files, course.slug, glossary=glossary)
        if parsed is None:
            continue
        by_slug = {m.slug: m for m in parsed.modules}
        for record in course.modules:
            version = record.published_version
            if version is not None and record.slug in by_slug:
                version.rendered, version.quizzes = render_for_storage(
                    by_slug[record.slug], glossary
                )
                version.render_version = coursefmt.RENDER_VERSION


def refresh_stale_renderings() -> bool:
    """Redo the stored renderings made by an older renderer (after an upgrade); True if any."""
    stale = db.session.scalar(
        select(func.count(ModuleVersion.id))
        .join(CourseModule, CourseModule.published_version_id == ModuleVersion.id)
        .where(ModuleVersion.render_version < coursefmt.RENDER_VERSION)
    )
    if not stale:
        return False
    rerender_all(current_glossary())
    db.session.commit()
    return True


def import_courses(
    root: str | Path, *, author_id: int | None = None, overwrite: Collection[str] = ()
) -> ImportReport:
    """Import every valid course under `root` (idempotent); invalid ones are reported, not saved.

    A course that a trainer published from the web since it was imported keeps the web version
    when its files differ (listed in `skipped`), unless its slug is in `overwrite`; so does
    the glossary saved in the web editor (`glossary.yml` in `skipped` and in `overwrite`).
    """
    report = ImportReport()
    loaded = coursefmt.load_courses(root)
    report.errors = [str(error) for error in loaded.errors]
    glossary_changed = _store_glossary(loaded.glossary, overwrite=GLOSSARY_FILE in overwrite)
    glossary = loaded.glossary
    if glossary_changed is None:
        report.skipped.append(GLOSSARY_FILE)
        glossary = current_glossary()
    invalid_slugs = {Path(e.path).parts[-2] for e in loaded.errors if len(Path(e.path).parts) >= 2}
    for parsed in loaded.courses:
        if parsed.slug in invalid_slugs:
            continue
        existing = db.session.scalar(select(Course).where(Course.slug == parsed.slug))
        is_new = existing is None
        if (
            existing is not None
            and existing.edited_on_web_at is not None
            and parsed.slug not in overwrite
        ):
            if course_files(existing, drafts=False) != parsed.files:
                report.skipped.append(parsed.slug)
            else:
                report.unchanged.append(parsed.slug)
            continue
        course, changed, versions = store_course(parsed, glossary, author_id=author_id)
        course.edited_on_web_at = None
        report.new_versions += versions
        (report.created if is_new else report.updated if changed else report.unchanged).append(
            parsed.slug
        )
    if glossary_changed:
        db.session.flush()
        rerender_all(glossary)
    db.session.commit()
    refresh_stale_renderings()
    return report


# --- files of a stored course: export, editor, zips ------------------------------------------


def course_files(course: Course, *, drafts: bool) -> dict[str, bytes]:
    """The course as format files: published texts, or the trainer's working copy with drafts."""
    yml = (
        course.draft_course_yml
        if drafts and course.draft_course_yml is not None
        else course.course_yml
    )
    files = {"course.yml": yml.encode("utf-8")}
    for record in course.modules:
        if record.archived:
            continue
        if drafts and record.draft_source is not None:
            files[record.filename] = record.draft_source.encode("utf-8")
        elif record.published_version is not None:
            files[record.filename] = record.published_version.source.encode("utf-8")
    for item in course.media:
        files[f"media/{item.filename}"] = item.data
    return files


def export_course(slug: str, target: str | Path) -> Path:
    course = get_course(slug)
    if course is None:
        raise LookupError(slug)
    target = Path(target)
    folder = target / slug
    folder.mkdir(parents=True, exist_ok=True)
    for relpath, data in course_files(course, drafts=False).items():
        path = folder / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    row = db.session.get(GlossaryFile, 1)
    if row is not None and not (target / "glossary.yml").exists():
        (target / "glossary.yml").write_bytes(row.raw.encode("utf-8"))
    return folder


def get_course(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def list_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.language.desc(), Course.title)))


# --- editing and publishing -----------------------------------------------------------------


def validate_working_copy(
    course: Course,
) -> tuple[coursefmt.Course | None, list[coursefmt.CourseError]]:
    return coursefmt.course_from_files(
        course_files(course, drafts=True), course.slug, glossary=current_glossary()
    )


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


# --- zips and media -------------------------------------------------------------------------


def course_zip(course: Course) -> bytes:
    parsed, _errors = coursefmt.course_from_files(
        course_files(course, drafts=True), course.slug, glossary=current_glossary()
    )
    if parsed is not None:
        return coursefmt.write_course_zip(parsed)
    # An invalid working copy still downloads, so nothing a trainer wrote is ever trapped.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relpath, data in sorted(course_files(course, drafts=True).items()):
            archive.writestr(f"{course.slug}/{relpath}", data)
    return buffer.getvalue()


def import_zip(fileobj: io.BytesIO, *, author_id: int | None) -> tuple[Course | None, list[str]]:
    """Load a course zip (same validation as `check`) and publish it."""
    files, errors = coursefmt.read_course_zip(fileobj, MAX_ZIP_BYTES, MAX_ZIP_FILES)
    if errors:
        return None, [str(error) for error in errors]
    slugs = {name.split("/", 1)[0] for name in files}
    if len(slugs) != 1:
        return None, ["the zip must hold exactly one course folder"]
    slug = slugs.pop()
    inner = {name.split("/", 1)[1]: data for name, data in files.items() if "/" in name}
    # Images go through the same re-encoding as web uploads (no EXIF/GPS, no hidden payload).
    stored = db.session.scalar(select(Course).where(Course.slug == slug))
    inner, bad_images = clean_course_media(
        inner, unchanged={item.sha256 for item in stored.media} if stored else ()
    )
    if bad_images:
        return None, [_image_problem(name, code) for name, code in sorted(bad_images.items())]
    parsed, course_errors = coursefmt.course_from_files(inner, slug, glossary=current_glossary())
    if parsed is None:
        return None, [str(error) for error in course_errors]
    course, changed, _versions = store_course(parsed, current_glossary(), author_id=author_id)
    if changed:
        course.edited_on_web_at = utcnow()
    db.session.commit()
    return course, []


def _image_problem(name: str, code: str) -> str:
    if code == "too_large":
        return gettext(
            "%(name)s: the image is too large (at most 2 MB and 4096 × 4096 pixels).", name=name
        )
    return gettext("%(name)s: this is not a PNG, JPEG, GIF or WebP image.", name=name)


# --- statistics for trainers ------------------------------------------------------------------

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
    counts = {
        slug: (started, completed)
        for slug, started, completed in db.session.execute(
            select(
                ModuleProgress.module_slug,
                func.count(ModuleProgress.id),
                func.count(ModuleProgress.completed_at),
            )
            .where(ModuleProgress.course_slug == course.slug)
            .group_by(ModuleProgress.module_slug)
        )
    }
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
