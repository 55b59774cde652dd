"""Course storage: import from folders, the rendering cache, the glossary, a stored course's
files (export, the working copy and its validation). Editing: `editing`; zips and images:
`uploads`; figures for trainers: `statistics`."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from elearn import coursefmt
from elearn.extensions import db
from elearn.models import Course, CourseMedia, CourseModule, GlossaryFile, ModuleVersion
from elearn.models.base import utcnow

MEDIA_URL_PREFIX = "/corsi"


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


# --- files of a stored course: export, the working copy ------------------------------------


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


def validate_working_copy(
    course: Course,
) -> tuple[coursefmt.Course | None, list[coursefmt.CourseError]]:
    return coursefmt.course_from_files(
        course_files(course, drafts=True), course.slug, glossary=current_glossary()
    )
