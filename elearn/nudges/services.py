"""Nudges that bring people back: who is due one, the e-mail, and the person's stop choice.

`queue_nudges` is run daily by cron (`elearn nudges queue`); `elearn outbox send` delivers the
messages outside quiet hours (elearn.outbox.quiet_hours). A nudge never names anything that
could reveal special-category data (a target group, health, a consultation's topic): a course
is named only when it is meant for everyone, and a pathway step never.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import func, select

from elearn.consult.rules import language_of
from elearn.coursefmt.model import TARGET_GROUPS
from elearn.database import dialect_insert
from elearn.extensions import db
from elearn.i18n import local_zone
from elearn.learning.services import course_outline, next_module_slug
from elearn.models import (
    Course,
    CourseCompletion,
    ModuleProgress,
    NudgeSent,
    PathwayItem,
    ReminderPreference,
    User,
    UserRole,
)
from elearn.models.base import utcnow
from elearn.outbox.services import enqueue
from elearn.urls import public_url

FIRST_AFTER = timedelta(days=7)
SECOND_AFTER = timedelta(days=21)
# The second nudge about a course comes at least this long after the first, even for someone
# already idle for weeks when nudges were switched on.
SECOND_GAP = timedelta(days=14)
# Someone gone longer than this is not nudged about a course any more (a first nudge about a
# course touched half a year ago would puzzle more than help).
FIRST_AT_MOST = timedelta(days=90)
# At most one nudge to a person in this time, whatever it is about.
PERSON_GAP = timedelta(days=3)
# Pathway steps overdue by more than this are not reminded (e.g. when nudges are switched on).
PATHWAY_WINDOW = timedelta(days=30)


@dataclass
class NudgeReport:
    first: int = 0
    second: int = 0
    pathway: int = 0
    stopped: int = 0


# --- preference -----------------------------------------------------------------------------


def reminders_on(user_id: int) -> bool:
    return not db.session.scalar(
        select(ReminderPreference.stopped).where(ReminderPreference.user_id == user_id)
    )


def set_reminders(user: User, on: bool, via: str, now: datetime | None = None) -> None:
    """Record the person's choice (idempotent; concurrent clicks end with the same row)."""
    now = now or utcnow()
    statement = dialect_insert(ReminderPreference).values(
        user_id=user.id, stopped=not on, changed_at=now, changed_via=via
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[ReminderPreference.user_id],
            set_={"stopped": not on, "changed_at": now, "changed_via": via},
        )
    )
    db.session.commit()


# --- who is due ------------------------------------------------------------------------------


@dataclass
class _Candidate:
    user: User
    course: Course
    module_slug: str
    minutes: int
    sequence: int


def _is_general(course: Course) -> bool:
    return not set(course.audience_tags) & set(TARGET_GROUPS)


def _where_left_off(user_id: int, course: Course) -> tuple[str, int] | None:
    """The next visible module not completed (slug, minutes), or None for a finished course."""
    outline = course_outline(course, user_id)
    slug = next_module_slug(outline)
    if slug is None:
        return None
    module = next(status.module for status in outline if status.module.slug == slug)
    return slug, module.minutes


def _course_candidate(
    user: User,
    visits: list[tuple[str, datetime]],
    completed: set[str],
    sent: dict[tuple[str, int], datetime],
    now: datetime,
) -> _Candidate | None:
    """The course the person left off (the last one they touched and did not finish), and
    which nudge about it is due, if any."""
    last_visit = max(when for _, when in visits)
    idle = now - last_visit
    if idle < FIRST_AFTER:
        return None
    for slug, _ in sorted(visits, key=lambda visit: visit[1], reverse=True):
        if slug in completed:
            continue
        course = db.session.scalar(
            select(Course).where(Course.slug == slug, Course.published_at.is_not(None))
        )
        if course is None:
            continue
        left_off = _where_left_off(user.id, course)
        if left_off is None:
            continue
        first_sent = sent.get((slug, 1))
        if first_sent is None:
            sequence = 1 if idle <= FIRST_AT_MOST else 0
        elif (slug, 2) not in sent and idle >= SECOND_AFTER and now - first_sent >= SECOND_GAP:
            sequence = 2
        else:
            sequence = 0
        if not sequence:
            return None
        return _Candidate(user, course, left_off[0], left_off[1], sequence)
    return None


def _overdue_steps(now: datetime) -> dict[int, list[int]]:
    """Pathway steps past their due date, not done and not reminded yet, by worker."""
    today = now.astimezone(local_zone()).date()
    rows = db.session.execute(
        select(
            PathwayItem.id,
            PathwayItem.worker_id,
            PathwayItem.kind,
            PathwayItem.course_slug,
            PathwayItem.module_slug,
            PathwayItem.done_at,
        )
        .outerjoin(NudgeSent, NudgeSent.pathway_item_id == PathwayItem.id)
        .where(
            NudgeSent.id.is_(None),
            PathwayItem.due_date < today,
            PathwayItem.due_date >= today - PATHWAY_WINDOW,
        )
        .order_by(PathwayItem.id)
    ).all()
    module_rows = [row for row in rows if row.kind == "module"]
    completed: set[tuple[int, str | None, str | None]] = set()
    if module_rows:
        completed = {
            (row.user_id, row.course_slug, row.module_slug)
            for row in db.session.execute(
                select(
                    ModuleProgress.user_id, ModuleProgress.course_slug, ModuleProgress.module_slug
                ).where(
                    ModuleProgress.user_id.in_({row.worker_id for row in module_rows}),
                    ModuleProgress.completed_at.is_not(None),
                )
            )
        }
    steps: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        done = (
            row.done_at is not None
            if row.kind == "action"
            else (row.worker_id, row.course_slug, row.module_slug) in completed
        )
        if not done:
            steps[row.worker_id].append(row.id)
    return steps


# --- the e-mails -----------------------------------------------------------------------------


def _course_mail(candidate: _Candidate) -> tuple[str, str]:
    user, course = candidate.user, candidate.course
    with force_locale(language_of(user)):
        course_name = (
            gettext("the course “%(title)s”", title=course.title)
            if _is_general(course)
            else gettext("the course you started")
        )
        minutes = ngettext(
            "The next module takes about %(num)d minute.",
            "The next module takes about %(num)d minutes.",
            candidate.minutes,
        )
        link = public_url("nudges.resume", course_id=course.id)
        if candidate.sequence == 1:
            subject = gettext("WELFARE³: pick up where you left off")
            body = gettext(
                "Hello %(name)s,\n\n"
                "a week has gone by since your last visit. You can go on with %(course)s "
                "right where you left off: %(minutes)s\n\n%(link)s\n\n"
                "Your progress is saved; a few minutes between shifts are enough.\n",
                name=user.first_name,
                course=course_name,
                minutes=minutes,
                link=link,
            )
        else:
            subject = gettext("WELFARE³: your course is still waiting for you")
            body = gettext(
                "Hello %(name)s,\n\n"
                "%(course_capital)s is still where you left it. Whenever you have a few "
                "minutes, go on from here: %(minutes)s\n\n%(link)s\n\n"
                "This is the last reminder about this course.\n",
                name=user.first_name,
                course_capital=course_name[:1].upper() + course_name[1:],
                minutes=minutes,
                link=link,
            )
    return subject, body


def _pathway_mail(user: User, count: int) -> tuple[str, str]:
    with force_locale(language_of(user)):
        subject = gettext("WELFARE³: a step of your personal pathway")
        body = ngettext(
            "Hello %(name)s,\n\n"
            "%(num)d step of your personal pathway is past its planned date. You find it, "
            "and can tick it off, on your page:\n\n%(link)s\n",
            "Hello %(name)s,\n\n"
            "%(num)d steps of your personal pathway are past their planned date. You find them, "
            "and can tick them off, on your page:\n\n%(link)s\n",
            count,
            name=user.first_name,
            link=public_url("learning.my_path"),
        )
    return subject, body


# --- queueing --------------------------------------------------------------------------------


def _record(values: dict[str, object]) -> int | None:
    """Insert a NudgeSent row unless it exists (a concurrent run queued it): its id or None."""
    return db.session.execute(
        dialect_insert(NudgeSent).values(**values).on_conflict_do_nothing().returning(NudgeSent.id)
    ).scalar()


def _queue(
    user: User, subject: str, body: str, rows: list[dict[str, object]], now: datetime
) -> bool:
    """Record the nudge and queue its e-mail in one transaction; False when another run (or
    the person's stop choice) got there first."""
    ids = [row_id for row in rows if (row_id := _record(row)) is not None]
    if not ids:
        db.session.rollback()
        return False
    message = enqueue(user.email, subject, body, kind="nudge", user=user, now=now)
    if message is None:
        db.session.rollback()
        return False
    db.session.flush()
    for row in db.session.scalars(select(NudgeSent).where(NudgeSent.id.in_(ids))):
        row.outbox_message_id = message.id
    db.session.commit()
    return True


def queue_nudges(now: datetime | None = None) -> NudgeReport:
    """Queue the nudges due at `now`: at most one e-mail per person per run.

    Safe to run twice, even at once: the unique keys of NudgeSent decide who queues.
    """
    now = now or utcnow()
    report = NudgeReport()
    workers = {
        user.id: user
        for user in db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "worker", User.active.is_(True))
        )
    }
    stopped = set(
        db.session.scalars(
            select(ReminderPreference.user_id).where(ReminderPreference.stopped.is_(True))
        )
    )
    visits: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for user_id, course_slug, last in db.session.execute(
        select(
            ModuleProgress.user_id,
            ModuleProgress.course_slug,
            func.max(ModuleProgress.last_visit_at),
        ).group_by(ModuleProgress.user_id, ModuleProgress.course_slug)
    ):
        if user_id in workers:
            visits[user_id].append((course_slug, last))  # aware: max() keeps UTCDateTime
    completed: dict[int, set[str]] = defaultdict(set)
    for user_id, course_slug in db.session.execute(
        select(CourseCompletion.user_id, CourseCompletion.course_slug)
    ):
        completed[user_id].add(course_slug)
    sent: dict[int, dict[tuple[str, int], datetime]] = defaultdict(dict)
    last_nudge: dict[int, datetime] = {}
    for row in db.session.scalars(select(NudgeSent)):
        if row.course_slug is not None:
            sent[row.user_id][(row.course_slug, row.sequence)] = row.created_at
        last_nudge[row.user_id] = max(row.created_at, last_nudge.get(row.user_id, row.created_at))
    overdue = _overdue_steps(now)
    db.session.commit()

    for user_id in sorted(set(visits) | (set(overdue) & set(workers))):
        user = workers[user_id]
        if user_id in stopped:
            report.stopped += 1
            continue
        if user_id in last_nudge and now - last_nudge[user_id] < PERSON_GAP:
            continue
        steps = overdue.get(user_id)
        if steps:
            subject, body = _pathway_mail(user, len(steps))
            rows = [
                {
                    "user_id": user_id,
                    "kind": "pathway_due",
                    "pathway_item_id": step_id,
                    "sequence": 1,
                    "created_at": now,
                }
                for step_id in steps
            ]
            if _queue(user, subject, body, rows, now):
                report.pathway += 1
            continue
        if user_id not in visits:
            continue
        candidate = _course_candidate(user, visits[user_id], completed[user_id], sent[user_id], now)
        if candidate is None:
            continue
        subject, body = _course_mail(candidate)
        row = {
            "user_id": user_id,
            "kind": "course_idle",
            "course_slug": candidate.course.slug,
            "sequence": candidate.sequence,
            "created_at": now,
        }
        if _queue(user, subject, body, [row], now):
            if candidate.sequence == 1:
                report.first += 1
            else:
                report.second += 1
    return report


def resume_target(user_id: int, course_id: int) -> tuple[Course, str | None] | None:
    """Where a nudge's link leads: the course and its next unfinished module (None when the
    course is finished); None when there is no such published course."""
    course = db.session.scalar(
        select(Course).where(Course.id == course_id, Course.published_at.is_not(None))
    )
    if course is None:
        return None
    left_off = _where_left_off(user_id, course)
    return course, left_off[0] if left_off else None
