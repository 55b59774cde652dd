"""Removing modules and images from a course, and editing the shared glossary, from the web.

Nothing here deletes what learners earned: progress, answers, completions and certificates are
keyed by course and module slugs in their own tables and are never touched. A module that was
ever published is archived (hidden from learners, its versions kept, restorable); only a module
that never left the draft is deleted for good.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from sqlalchemy import func, select

from elearn import audit, coursefmt
from elearn.authoring import services
from elearn.extensions import db
from elearn.learning import services as learning
from elearn.models import (
    Course,
    CourseCompletion,
    CourseMedia,
    CourseModule,
    GlossaryFile,
    ModuleProgress,
)
from elearn.models.base import utcnow

GLOSSARY_OVERWRITE_NAME = "glossary.yml"


# --- the `modules:` list of course.yml ---------------------------------------------------------


def _modules_node(text: str) -> yaml.Node | None:
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "modules":
            return value if isinstance(value, yaml.SequenceNode) else None
    return None


def _names_file(entry: yaml.Node, filename: str) -> bool:
    if not isinstance(entry, yaml.ScalarNode):
        return False
    name = str(entry.value).strip()
    return (name if name.endswith(".md") else name + ".md") == filename


def without_module_entry(text: str, filename: str) -> str | None:
    """course.yml with `filename` taken out of its `modules:` list, the rest byte for byte.

    Unchanged when the list does not name it (or there is no list); None when it does but in
    a form this cannot edit safely (the trainer then edits course.yml by hand)."""
    node = _modules_node(text)
    if node is None:
        return text
    entries = [entry for entry in node.value if _names_file(entry, filename)]
    if not entries:
        return text
    if len(entries) > 1:
        return None
    entry = entries[0]
    if not node.flow_style:
        if entry.start_mark.line != entry.end_mark.line:
            return None
        lines = text.splitlines(keepends=True)
        line = lines[entry.start_mark.line]
        if not line.lstrip().startswith("-"):
            return None
        del lines[entry.start_mark.line]
        return "".join(lines)
    # Flow style, `modules: [a.md, b.md]`: drop the item and one comma beside it.
    start, end = entry.start_mark.index, entry.end_mark.index
    after = text[end:]
    stripped = after.lstrip()
    if stripped.startswith(","):
        end += len(after) - len(stripped) + 1
        end += len(text[end:]) - len(text[end:].lstrip(" \t"))
    else:
        before = text[:start].rstrip()
        if not before.endswith(","):
            return None  # the only item: a course keeps at least one module
        start = len(before) - 1
    return text[:start] + text[end:]


def with_module_entry(text: str, filename: str) -> str | None:
    """course.yml with `filename` added at the end of its `modules:` list (if it has one)."""
    node = _modules_node(text)
    if node is None or any(_names_file(entry, filename) for entry in node.value):
        return text
    if not node.value:
        return None
    last = node.value[-1]
    if node.flow_style:
        return text[: last.end_mark.index] + f", {filename}" + text[last.end_mark.index :]
    if last.start_mark.line != last.end_mark.line:
        return None
    lines = text.splitlines(keepends=True)
    line = lines[last.start_mark.line]
    indent = line[: len(line) - len(line.lstrip())]
    if not line.endswith("\n"):
        lines[last.start_mark.line] = line + "\n"
    lines.insert(last.start_mark.line + 1, f"{indent}- {filename}\n")
    return "".join(lines)


def _audit_and_commit(action: str, detail: str, actor_id: int, remote_addr: str) -> None:
    """A trainer's change goes to the audit log in the same commit as the change itself."""
    audit.record(action, actor_id=actor_id, detail=detail, remote_addr=remote_addr)
    db.session.commit()


# --- deleting and restoring a module -----------------------------------------------------------


@dataclass
class ModuleRemoval:
    """What deleting a module would do, for the confirmation page."""

    archive: bool  # published once: archived, not deleted
    learners: int  # learners with progress in it (shown through the privacy guard)
    completions: int  # learners who completed it
    blocked: str | None  # why it cannot be deleted: "last" | "course_yml" | None


def _visible_count(course: Course) -> int:
    return sum(1 for m in course.modules if not m.archived)


def plan_module_removal(course: Course, record: CourseModule) -> ModuleRemoval:
    learners, completions = db.session.execute(
        select(func.count(ModuleProgress.id), func.count(ModuleProgress.completed_at)).where(
            ModuleProgress.course_slug == course.slug, ModuleProgress.module_slug == record.slug
        )
    ).one()
    blocked = None
    if _visible_count(course) <= 1:
        blocked = "last"
    elif any(
        text is not None and without_module_entry(text, record.filename) is None
        for text in (course.course_yml, course.draft_course_yml)
    ):
        blocked = "course_yml"
    return ModuleRemoval(
        archive=bool(record.versions), learners=learners, completions=completions, blocked=blocked
    )


def remove_module(
    course: Course, record: CourseModule, *, actor_id: int, remote_addr: str = ""
) -> ModuleRemoval:
    """Archive a published module (or delete a draft-only one) and take it out of course.yml.

    Takes effect at once for learners: the trainer confirmed on a page that said so."""
    plan = plan_module_removal(course, record)
    if plan.blocked:
        return plan
    course.course_yml = without_module_entry(course.course_yml, record.filename) or ""
    if course.draft_course_yml is not None:
        draft = without_module_entry(course.draft_course_yml, record.filename) or ""
        course.draft_course_yml = None if draft == course.course_yml else draft
    if plan.archive:
        record.archived = True
        course.updated_at = course.edited_on_web_at = utcnow()
        db.session.flush()
        _complete_courses_now_done(course)
    else:
        course.modules.remove(record)
        db.session.delete(record)
    _audit_and_commit(
        "course.module_archived" if plan.archive else "course.module_deleted",
        f"course={course.slug} module={record.slug}",
        actor_id,
        remote_addr,
    )
    return plan


def _complete_courses_now_done(course: Course) -> None:
    """Learners who had completed every module left in the course complete it now (with their
    certificate), as they would have on finishing their last module."""
    remaining = [m.slug for m in course.modules if m.is_visible]
    if not remaining:
        return
    done = (
        select(ModuleProgress.user_id)
        .where(
            ModuleProgress.course_slug == course.slug,
            ModuleProgress.module_slug.in_(remaining),
            ModuleProgress.completed_at.is_not(None),
        )
        .group_by(ModuleProgress.user_id)
        .having(func.count(ModuleProgress.id) == len(remaining))
        .where(
            ~ModuleProgress.user_id.in_(
                select(CourseCompletion.user_id).where(CourseCompletion.course_slug == course.slug)
            )
        )
    )
    for user_id in db.session.scalars(done).all():
        learning._complete_course_if_due(user_id, course)


def archived_modules(course: Course) -> list[CourseModule]:
    return [m for m in course.modules if m.archived and m.published_version_id is not None]


def restore_module(
    course: Course, record: CourseModule, *, actor_id: int, remote_addr: str = ""
) -> list[coursefmt.CourseError]:
    """Bring an archived module back as the last one; refused (with the problems) when the
    course would no longer be valid with it, e.g. it shows an image deleted since."""
    published = with_module_entry(course.course_yml, record.filename)
    draft = (
        with_module_entry(course.draft_course_yml, record.filename)
        if course.draft_course_yml is not None
        else None
    )
    if published is None or (course.draft_course_yml is not None and draft is None):
        return [coursefmt.CourseError(f"{course.slug}/course.yml", 1, "no_modules")]
    course.course_yml, course.draft_course_yml = published, draft
    record.archived = False
    record.position = max((m.position for m in course.modules), default=0) + 1
    db.session.flush()
    _parsed, errors = coursefmt.course_from_files(
        services.course_files(course, drafts=False), course.slug, glossary=current_glossary()
    )
    if errors:
        db.session.rollback()
        return errors
    course.updated_at = course.edited_on_web_at = utcnow()
    _audit_and_commit(
        "course.module_restored",
        f"course={course.slug} module={record.slug}",
        actor_id,
        remote_addr,
    )
    return []


# --- deleting an image -------------------------------------------------------------------------


@dataclass
class ImageUse:
    """The modules whose text shows an image: current ones block deleting it."""

    current: list[CourseModule]
    archived: list[CourseModule]


def _texts(record: CourseModule) -> list[str]:
    texts = [record.draft_source] if record.draft_source is not None else []
    if record.published_version is not None:
        texts.append(record.published_version.source)
    return texts


def image_use(course: Course, item: CourseMedia) -> ImageUse:
    path = f"media/{item.filename}"
    media = [f"media/{m.filename}" for m in course.media]
    glossary = current_glossary()
    use = ImageUse([], [])
    for record in course.modules:
        for text in _texts(record):
            if path not in text:  # cheap test before parsing
                continue
            module, _errors = coursefmt.parse_module(
                text.encode("utf-8"),
                record.filename,
                course_slug=course.slug,
                language=course.language,
                glossary=glossary,
                media=media,
            )
            if module is not None and path in module.images:
                (use.archived if record.archived else use.current).append(record)
                break
    return use


def delete_image(
    course: Course, item: CourseMedia, *, actor_id: int, remote_addr: str = ""
) -> ImageUse:
    """Delete an image no current module shows; otherwise change nothing and say where."""
    use = image_use(course, item)
    if use.current:
        return use
    course.media.remove(item)
    db.session.delete(item)
    course.updated_at = course.edited_on_web_at = utcnow()
    _audit_and_commit(
        "course.image_deleted", f"course={course.slug} image={item.filename}", actor_id, remote_addr
    )
    return use


# --- the shared glossary -----------------------------------------------------------------------


def glossary_text() -> str:
    row = db.session.get(GlossaryFile, 1)
    return row.raw if row is not None else ""


def current_glossary() -> coursefmt.Glossary:
    return services.current_glossary()


def _course_problems(glossary: coursefmt.Glossary) -> dict[str, coursefmt.CourseError]:
    """Glossary-term problems of every course (published texts and working copies), by their
    `path:line: message`."""
    found: dict[str, coursefmt.CourseError] = {}
    for course in db.session.scalars(select(Course).order_by(Course.slug)):
        for drafts in (False, True):
            _parsed, errors = coursefmt.course_from_files(
                services.course_files(course, drafts=drafts), course.slug, glossary=glossary
            )
            found.update((str(e), e) for e in errors if e.code == "unknown_term")
    return found


def check_glossary(text: str) -> tuple[coursefmt.Glossary, list[coursefmt.CourseError]]:
    """The glossary a trainer typed, and its problems: its own (`glossary.yml:line`), then the
    terms modules use that it would no longer define."""
    glossary, errors = coursefmt.parse_glossary(text.encode("utf-8"), GLOSSARY_OVERWRITE_NAME)
    if errors:
        return glossary, list(errors)
    before = _course_problems(current_glossary())
    lost = [error for key, error in _course_problems(glossary).items() if key not in before]
    return glossary, sorted(lost, key=lambda e: (e.path, e.line))


def save_glossary(
    text: str, *, actor_id: int, remote_addr: str = ""
) -> list[coursefmt.CourseError]:
    """Save glossary.yml exactly as typed when valid and no module loses a term; re-render
    the published modules so their definitions follow. Returns the problems, else []."""
    glossary, errors = check_glossary(text)
    if errors:
        return errors
    row = db.session.get(GlossaryFile, 1)
    if row is not None and row.raw == text:
        return []
    now = utcnow()
    if row is None:
        db.session.add(GlossaryFile(id=1, raw=text, updated_at=now, edited_on_web_at=now))
    else:
        row.raw, row.updated_at, row.edited_on_web_at = text, now, now
    db.session.flush()
    services.rerender_all(glossary)
    _audit_and_commit(
        "course.glossary_edited", f"terms={len(glossary.terms)}", actor_id, remote_addr
    )
    return []
