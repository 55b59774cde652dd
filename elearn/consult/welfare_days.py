"""Welfare days: the cooperative's events; workers take a place (or wait for one), managers
create them and check people in."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic

from flask import current_app, has_app_context
from flask_babel import gettext
from sqlalchemy import event as orm_event
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elearn.consult.mail import mail_welfare_day, mail_welfare_day_changed
from elearn.consult.rules import ConsultError, managed_org_ids
from elearn.extensions import db
from elearn.i18n import local_zone
from elearn.learning.services import record_activity
from elearn.models import User, WelfareDay, WelfareDayRegistration
from elearn.models.base import utcnow

# --- places (worker) -----------------------------------------------------------------------------


@dataclass
class WelfareDayView:
    event: WelfareDay
    places_left: int
    registration: WelfareDayRegistration | None
    waitlist_position: int | None


def _waitlist_position(registration: WelfareDayRegistration) -> int:
    ahead = db.session.scalar(
        select(db.func.count(WelfareDayRegistration.id)).where(
            WelfareDayRegistration.welfare_day_id == registration.welfare_day_id,
            WelfareDayRegistration.status == "waitlisted",
            (WelfareDayRegistration.created_at < registration.created_at)
            | (
                (WelfareDayRegistration.created_at == registration.created_at)
                & (WelfareDayRegistration.id < registration.id)
            ),
        )
    )
    return (ahead or 0) + 1


def welfare_days_for_worker(worker: User) -> list[WelfareDayView]:
    if worker.organization_id is None:
        return []
    events = db.session.scalars(
        select(WelfareDay)
        .where(
            WelfareDay.organization_id == worker.organization_id,
            WelfareDay.ends_at > utcnow(),
        )
        .order_by(WelfareDay.starts_at)
    )
    views = []
    for event in events:
        registration = db.session.scalar(
            select(WelfareDayRegistration).where(
                WelfareDayRegistration.welfare_day_id == event.id,
                WelfareDayRegistration.worker_id == worker.id,
                WelfareDayRegistration.status != "cancelled",
            )
        )
        position = (
            _waitlist_position(registration)
            if registration is not None and registration.status == "waitlisted"
            else None
        )
        views.append(
            WelfareDayView(event, event.capacity - event.seats_taken, registration, position)
        )
    return views


@dataclass(frozen=True)
class NextWelfareDay:
    """What the worker's home page shows of the cooperative's next Welfare day."""

    id: int
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime


# The worker home asks for the cooperative's next Welfare day on every view: the answer is kept
# per cooperative for a minute, and forgotten at once when this process writes a Welfare day
# (other processes see a change within the minute).
_NEXT_DAY_SECONDS = 60.0
_NEXT_DAY_CACHE = "consult.next_welfare_day"


def next_welfare_day_of(worker: User) -> NextWelfareDay | None:
    """The next Welfare day of the worker's cooperative, if any."""
    if worker.organization_id is None:
        return None
    cache = current_app.extensions.setdefault(_NEXT_DAY_CACHE, {})
    hit = cache.get(worker.organization_id)
    now = utcnow()
    if hit is not None and hit[0] > monotonic() and (hit[1] is None or hit[1].ends_at > now):
        return hit[1]
    row = db.session.execute(
        select(
            WelfareDay.id,
            WelfareDay.title,
            WelfareDay.place,
            WelfareDay.starts_at,
            WelfareDay.ends_at,
        )
        .where(WelfareDay.organization_id == worker.organization_id, WelfareDay.ends_at > now)
        .order_by(WelfareDay.starts_at)
        .limit(1)
    ).first()
    found = NextWelfareDay(*row) if row is not None else None
    cache[worker.organization_id] = (monotonic() + _NEXT_DAY_SECONDS, found)
    return found


@orm_event.listens_for(Session, "before_flush")
def _forget_next_welfare_days(session: Session, flush_context: object, instances: object) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if has_app_context() and any(isinstance(obj, WelfareDay) for obj in changed):
        current_app.extensions.pop(_NEXT_DAY_CACHE, None)


def worker_welfare_day(worker: User, event_id: int) -> WelfareDay | None:
    """An upcoming Welfare day of the worker's organization (the object-level check)."""
    return db.session.scalar(
        select(WelfareDay).where(
            WelfareDay.id == event_id,
            WelfareDay.organization_id == worker.organization_id,
        )
    )


def _take_seat(event_id: int) -> bool:
    # One atomic UPDATE: two workers can never take the last place together.
    result = db.session.execute(
        update(WelfareDay)
        .where(WelfareDay.id == event_id, WelfareDay.seats_taken < WelfareDay.capacity)
        .values(seats_taken=WelfareDay.seats_taken + 1)
    )
    return result.rowcount == 1


def register(worker: User, event: WelfareDay) -> WelfareDayRegistration:
    """A place if one is left, otherwise a waitlist place; an e-mail either way."""
    if event.starts_at <= utcnow():
        raise ConsultError(gettext("This Welfare day has already started."))
    registration = db.session.scalar(
        select(WelfareDayRegistration).where(
            WelfareDayRegistration.welfare_day_id == event.id,
            WelfareDayRegistration.worker_id == worker.id,
        )
    )
    if registration is not None and registration.status != "cancelled":
        raise ConsultError(gettext("You are already registered."))
    status = "registered" if _take_seat(event.id) else "waitlisted"
    if registration is None:
        registration = WelfareDayRegistration(
            welfare_day_id=event.id, worker_id=worker.id, status=status
        )
        db.session.add(registration)
    else:
        # Back after cancelling: the waitlist order starts again from now.
        registration.status = status
        registration.created_at = utcnow()
        registration.cancelled_at = None
        registration.promoted_at = None
    try:
        db.session.flush()
    except IntegrityError:  # the same worker clicking twice at once
        db.session.rollback()
        raise ConsultError(gettext("You are already registered.")) from None
    db.session.refresh(registration)
    mail_welfare_day(registration, status)
    db.session.commit()
    return registration


def cancel_registration(worker: User, event: WelfareDay) -> WelfareDayRegistration | None:
    """Free the worker's place; the first on the waitlist gets it in the same transaction.

    Returns the promoted registration, if any."""
    registration = db.session.scalar(
        select(WelfareDayRegistration).where(
            WelfareDayRegistration.welfare_day_id == event.id,
            WelfareDayRegistration.worker_id == worker.id,
            WelfareDayRegistration.status != "cancelled",
        )
    )
    if registration is None:
        raise ConsultError(gettext("You are not registered for this Welfare day."))
    was_registered = registration.status == "registered"
    registration.status = "cancelled"
    registration.cancelled_at = utcnow()
    registration.checked_in_at = None
    promoted = None
    if was_registered:
        # Releasing the seat locks the event row, so concurrent cancellations promote in turn.
        db.session.execute(
            update(WelfareDay)
            .where(WelfareDay.id == event.id)
            .values(seats_taken=WelfareDay.seats_taken - 1)
        )
        db.session.flush()
        promoted = _promote_first(event.id)
    db.session.commit()
    return promoted


def _promote_first(event_id: int) -> WelfareDayRegistration | None:
    first = db.session.scalar(
        select(WelfareDayRegistration)
        .where(
            WelfareDayRegistration.welfare_day_id == event_id,
            WelfareDayRegistration.status == "waitlisted",
        )
        .order_by(WelfareDayRegistration.created_at, WelfareDayRegistration.id)
        .limit(1)
    )
    if first is None or not _take_seat(event_id):
        return None
    first.status = "registered"
    first.promoted_at = utcnow()
    db.session.flush()
    mail_welfare_day(first, "promoted")
    return first


# --- the days and their people (manager) ---------------------------------------------------------


def _future_times(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """The start and end of a Welfare day on the cooperatives' clock: it ends after it starts,
    and it starts in the future."""
    if end <= start:
        raise ConsultError(gettext("The end must come after the start."), "end")
    starts_at = datetime.combine(day, start, tzinfo=local_zone())
    if starts_at <= utcnow():
        raise ConsultError(gettext("Choose a day in the future."), "day")
    return starts_at, datetime.combine(day, end, tzinfo=local_zone())


def create_welfare_day(
    manager: User,
    *,
    organization_id: int,
    title: str,
    day: date,
    start: time,
    end: time,
    place: str,
    programme: str,
    capacity: int,
) -> WelfareDay:
    if organization_id not in managed_org_ids(manager):
        raise ConsultError(gettext("Choose one of your organizations."), "organization")
    starts_at, ends_at = _future_times(day, start, end)
    event = WelfareDay(
        organization_id=organization_id,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        programme=programme.strip(),
        capacity=capacity,
        created_by_id=manager.id,
    )
    db.session.add(event)
    db.session.commit()
    return event


def update_welfare_day(
    event: WelfareDay,
    *,
    title: str,
    day: date,
    start: time,
    end: time,
    place: str,
    programme: str,
    capacity: int,
) -> int:
    """Change a Welfare day that has not started yet. When the day, the times or the place
    change, everyone with a place or on the waiting list gets an e-mail (and tomorrow's
    reminder again). Returns how many people were told."""
    if event.starts_at <= utcnow():
        raise ConsultError(gettext("This Welfare day has already started."), "day")
    starts_at, ends_at = _future_times(day, start, end)
    if capacity < event.seats_taken:
        raise ConsultError(
            gettext(
                "%(n)d people already have a place: keep at least %(n)d places.",
                n=event.seats_taken,
            ),
            "capacity",
        )
    moved = (
        starts_at != event.starts_at
        or ends_at != event.ends_at
        or " ".join(place.split()) != " ".join(event.place.split())
    )
    event.title = title.strip()
    event.starts_at = starts_at
    event.ends_at = ends_at
    event.place = place.strip()
    event.programme = programme.strip()
    event.capacity = capacity
    told = 0
    if moved:
        db.session.flush()
        for registration in db.session.scalars(
            select(WelfareDayRegistration)
            .where(
                WelfareDayRegistration.welfare_day_id == event.id,
                WelfareDayRegistration.status != "cancelled",
            )
            .order_by(WelfareDayRegistration.id)
        ):
            registration.reminder_sent_at = None
            mail_welfare_day_changed(registration)
            told += 1
    # More places: the first on the waiting list get them now.
    db.session.flush()
    while event.seats_taken < event.capacity and _promote_first(event.id) is not None:
        db.session.refresh(event)
    db.session.commit()
    return told


@dataclass
class WelfareDayRow:
    event: WelfareDay
    waitlisted: int
    checked_in: int


def welfare_days_for_manager(manager: User) -> list[WelfareDayRow]:
    events = list(
        db.session.scalars(
            select(WelfareDay)
            .where(
                WelfareDay.organization_id.in_(managed_org_ids(manager) or [-1]),
                WelfareDay.ends_at > utcnow() - timedelta(days=30),
            )
            .order_by(WelfareDay.starts_at)
        )
    )
    counts: dict[tuple[int, str], int] = defaultdict(int)
    checked: dict[int, int] = defaultdict(int)
    for event_id, status, checked_in in db.session.execute(
        select(
            WelfareDayRegistration.welfare_day_id,
            WelfareDayRegistration.status,
            WelfareDayRegistration.checked_in_at,
        ).where(WelfareDayRegistration.welfare_day_id.in_([e.id for e in events] or [-1]))
    ):
        counts[(event_id, status)] += 1
        if checked_in is not None:
            checked[event_id] += 1
    return [WelfareDayRow(e, counts[(e.id, "waitlisted")], checked[e.id]) for e in events]


def get_welfare_day(manager: User, event_id: int) -> WelfareDay | None:
    return db.session.scalar(
        select(WelfareDay).where(
            WelfareDay.id == event_id,
            WelfareDay.organization_id.in_(managed_org_ids(manager) or [-1]),
        )
    )


def attendees(
    event: WelfareDay,
) -> tuple[list[WelfareDayRegistration], list[WelfareDayRegistration]]:
    """Registered people by name, and the waitlist in order."""
    rows = list(
        db.session.scalars(
            select(WelfareDayRegistration)
            .join(User, User.id == WelfareDayRegistration.worker_id)
            .where(
                WelfareDayRegistration.welfare_day_id == event.id,
                WelfareDayRegistration.status != "cancelled",
            )
            .order_by(User.full_name, WelfareDayRegistration.id)
        )
    )
    registered = [r for r in rows if r.status == "registered"]
    waitlist = sorted(
        (r for r in rows if r.status == "waitlisted"), key=lambda r: (r.created_at, r.id)
    )
    return registered, waitlist


def check_in(
    event: WelfareDay, registration_id: int, present: bool
) -> WelfareDayRegistration | None:
    registration = db.session.scalar(
        select(WelfareDayRegistration).where(
            WelfareDayRegistration.id == registration_id,
            WelfareDayRegistration.welfare_day_id == event.id,
            WelfareDayRegistration.status == "registered",
        )
    )
    if registration is None:
        return None
    if present and registration.checked_in_at is None:
        registration.checked_in_at = utcnow()
        # Attending a Welfare day counts as learning activity in the worker's progress.
        record_activity(registration.worker_id, "welfare_day", event.starts_at)
    elif not present:
        registration.checked_in_at = None
    db.session.commit()
    return registration


def attendance_count(worker_id: int) -> int:
    """Welfare days the worker attended (for progress dashboards)."""
    return (
        db.session.scalar(
            select(func.count(WelfareDayRegistration.id)).where(
                WelfareDayRegistration.worker_id == worker_id,
                WelfareDayRegistration.checked_in_at.is_not(None),
            )
        )
        or 0
    )
