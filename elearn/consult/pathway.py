"""The worker's personal pathway (modules and actions a manager recommends) and what the case
file shows of the worker's learning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, url_for
from flask_babel import gettext
from sqlalchemy import select

from elearn.consult.rules import ConsultError, record_case_step
from elearn.extensions import db
from elearn.learning.services import catalogue
from elearn.models import (
    ConsultationRequest,
    Course,
    CourseModule,
    ModuleProgress,
    PathwayItem,
    User,
)
from elearn.models.base import utcnow
from elearn.privacy.learning_access import learning_visible_to, record_read

# --- the pathway (worker) ------------------------------------------------------------------------


@dataclass
class PathwayEntry:
    id: int
    kind: str
    title: str
    url: str | None
    due_date: date | None
    done: bool | None  # None: the viewer may not see the worker's learning state
    course_slug: str | None = None
    module_slug: str | None = None


def pathway_items(worker_id: int) -> list[PathwayItem]:
    return list(
        db.session.scalars(
            select(PathwayItem)
            .where(PathwayItem.worker_id == worker_id)
            .order_by(PathwayItem.due_date.is_(None), PathwayItem.due_date, PathwayItem.id)
        )
    )


def pathway_for(user_id: int, *, with_state: bool = True) -> list[PathwayEntry]:
    """The worker's personal pathway with done flags: modules are done when the worker's own
    progress says so, actions when the worker ticked them. With `with_state=False` the steps
    come as assigned (title, due date) with `done=None`, and progress is not even read: what
    a manager gets when the privacy rule (elearn.privacy.learning_access) says no."""
    items = pathway_items(user_id)
    module_keys = {(i.course_slug, i.module_slug) for i in items if i.kind == "module"}
    titles: dict[tuple[str, str], str] = {}
    completed: set[tuple[str, str]] = set()
    if module_keys:
        slugs = {course for course, _ in module_keys}
        for course_slug, module_slug, module_title, course_title in db.session.execute(
            select(Course.slug, CourseModule.slug, CourseModule.title, Course.title)
            .join(CourseModule, CourseModule.course_id == Course.id)
            .where(Course.slug.in_(slugs))
        ):
            titles[(course_slug, module_slug)] = f"{module_title} ({course_title})"
        if with_state:
            completed = {
                (row.course_slug, row.module_slug)
                for row in db.session.execute(
                    select(ModuleProgress.course_slug, ModuleProgress.module_slug).where(
                        ModuleProgress.user_id == user_id,
                        ModuleProgress.completed_at.is_not(None),
                        ModuleProgress.course_slug.in_(slugs),
                    )
                )
            }
    entries = []
    for item in items:
        if item.kind == "module":
            key = (item.course_slug or "", item.module_slug or "")
            entries.append(
                PathwayEntry(
                    id=item.id,
                    kind="module",
                    title=titles.get(key, key[1]),
                    url=url_for("learning.module", slug=key[0], module_slug=key[1])
                    if "learning.module" in current_app.view_functions
                    else None,
                    due_date=item.due_date,
                    done=(key in completed) if with_state else None,
                    course_slug=key[0],
                    module_slug=key[1],
                )
            )
        else:
            entries.append(
                PathwayEntry(
                    id=item.id,
                    kind="action",
                    title=item.title or "",
                    url=None,
                    due_date=item.due_date,
                    done=(item.done_at is not None) if with_state else None,
                )
            )
    return entries


def tick_action(worker_id: int, item_id: int, done: bool) -> bool:
    """Mark one of the worker's own actions done or not; False when there is no such action."""
    item = db.session.scalar(
        select(PathwayItem).where(
            PathwayItem.id == item_id,
            PathwayItem.worker_id == worker_id,
            PathwayItem.kind == "action",
        )
    )
    if item is None:
        return False
    item.done_at = utcnow() if done else None
    db.session.commit()
    return True


# --- the pathway in the case file (manager) ------------------------------------------------------


def _published_modules() -> list[tuple[str, str, str, str, str]]:
    """(course slug, course title, course language, module slug, module title) of every
    published, visible module, by course title and module position."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                Course.slug, Course.title, Course.language, CourseModule.slug, CourseModule.title
            )
            .join(CourseModule, CourseModule.course_id == Course.id)
            .where(
                Course.published_at.is_not(None),
                CourseModule.published_version_id.is_not(None),
                CourseModule.archived.is_(False),
            )
            .order_by(Course.title, CourseModule.position)
        )
    ]


def module_options() -> list[tuple[str, str]]:
    """Published, visible modules as ("course/module", "Course – Module") pairs."""
    return [
        (f"{c_slug}/{m_slug}", f"{c_title} – {m_title}")
        for c_slug, c_title, _language, m_slug, m_title in _published_modules()
    ]


@dataclass(frozen=True)
class ModuleGroup:
    """One course in the recommended-module picker, with its published modules."""

    label: str
    language: str
    options: list[tuple[str, str]]


def module_groups(language: str) -> list[ModuleGroup]:
    """Published modules grouped by course for the manager's picker: the courses in the
    worker's language first (a worker reads the course in their own language), then the rest."""
    groups: dict[str, ModuleGroup] = {}
    for c_slug, c_title, c_language, m_slug, m_title in _published_modules():
        group = groups.setdefault(
            c_slug, ModuleGroup(f"{c_title} ({c_language.upper()})", c_language, [])
        )
        group.options.append((f"{c_slug}/{m_slug}", m_title))
    return sorted(groups.values(), key=lambda g: (g.language != language, g.label.casefold()))


def check_pathway_open(consultation: ConsultationRequest) -> None:
    """A closed case keeps its pathway as it was (ConsultError otherwise)."""
    if consultation.status == "closed":
        raise ConsultError(gettext("Reopen the case before changing the pathway."), "title")


def add_pathway_item(
    consultation: ConsultationRequest,
    manager: User,
    *,
    module: str,
    title: str,
    due_date: date | None,
) -> PathwayItem:
    check_pathway_open(consultation)
    if module:
        if module not in dict(module_options()):
            raise ConsultError(gettext("Choose a published module."), "module")
        course_slug, _, module_slug = module.partition("/")
        item = PathwayItem(
            kind="module", course_slug=course_slug, module_slug=module_slug, due_date=due_date
        )
    elif title.strip():
        item = PathwayItem(kind="action", title=title.strip(), due_date=due_date)
    else:
        raise ConsultError(gettext("Choose a module or describe an action."), "title")
    item.worker_id = consultation.worker_id
    item.request_id = consultation.id
    item.created_by_id = manager.id
    db.session.add(item)
    consultation.touch()
    db.session.flush()
    record_case_step("pathway.add", consultation, manager, _pathway_detail(item))
    db.session.commit()
    return item


def _pathway_detail(item: PathwayItem) -> str:
    # The module, not the action's free text: the audit log is read by admins too.
    what = f"module={item.course_slug}/{item.module_slug}" if item.kind == "module" else "action"
    return f"item={item.id} {what}"


def delete_pathway_item(consultation: ConsultationRequest, item_id: int, manager: User) -> bool:
    """Remove a step of the worker's pathway; False when there is no such step."""
    check_pathway_open(consultation)
    item = db.session.scalar(
        select(PathwayItem).where(
            PathwayItem.id == item_id, PathwayItem.worker_id == consultation.worker_id
        )
    )
    if item is None:
        return False
    record_case_step("pathway.delete", consultation, manager, _pathway_detail(item))
    db.session.delete(item)
    consultation.touch()
    db.session.commit()
    return True


@dataclass
class CaseLearning:
    """What the case file shows of the worker's learning."""

    visible: bool  # the privacy rule's answer for this manager and worker
    pathway: list[PathwayEntry]  # always the steps as assigned; done flags only when visible
    progress: list[SharedCourse] | None  # None when not visible


def case_learning(
    consultation: ConsultationRequest, manager: User, remote_addr: str = ""
) -> CaseLearning:
    """The worker's pathway and course progress as this manager may see them (one rule:
    elearn.privacy.learning_access); a read of learning state is written to the audit log."""
    visible = learning_visible_to(manager, consultation.worker, via_request=consultation)
    pathway = pathway_for(consultation.worker_id, with_state=visible)
    progress = course_progress(consultation.worker_id) if visible else None
    if visible:
        record_read(
            manager,
            consultation.worker_id,
            detail=f"request={consultation.id}",
            remote_addr=remote_addr,
        )
        db.session.commit()
    return CaseLearning(visible, pathway, progress)


@dataclass
class SharedCourse:
    title: str
    modules: int
    completed_modules: int
    percent: int


def course_progress(worker_id: int) -> list[SharedCourse]:
    """The worker's started courses with modules done. Learning state: a manager gets it only
    through case_learning, which asks the privacy rule first."""
    return [
        SharedCourse(card.course.title, card.modules, card.completed_modules, card.percent)
        for card in catalogue(worker_id)
        if card.started
    ]
