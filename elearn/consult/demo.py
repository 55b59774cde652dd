"""Demo data for consultations: slots, a Welfare day and a request (`elearn demo`)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from elearn.consult.appointments import open_slot
from elearn.extensions import db
from elearn.i18n import local_today, local_zone
from elearn.models import (
    ConsultationRequest,
    Organization,
    SocialPoint,
    User,
    WelfareDay,
)
from elearn.models.base import utcnow


def seed_demo_consultations() -> bool:
    """Slots for the next two weeks at the demo Social points, one Welfare day and one request
    from lavoratrice@demo.it. Does nothing when the demo request already exists."""
    worker = db.session.scalar(select(User).where(User.email == "lavoratrice@demo.it"))
    manager = db.session.scalar(select(User).where(User.email == "manager@demo.it"))
    if worker is None or manager is None or worker.organization_id is None:
        return False
    if db.session.scalar(
        select(ConsultationRequest.id).where(ConsultationRequest.worker_id == worker.id)
    ):
        return False
    zone = local_zone()
    today = local_today()
    org_ids = [org.id for org in manager.managed_organizations]
    points = db.session.scalars(
        select(SocialPoint).where(SocialPoint.organization_id.in_(org_ids or [-1]))
    ).all()
    for offset in range(1, 15):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5 or not points:
            continue
        for hour in (9, 10, 11, 15):
            # One manager is at one place at a time: the hours rotate over the points.
            point = points[(day.toordinal() + hour) % len(points)]
            starts = datetime.combine(day, time(hour, 0), tzinfo=zone)
            open_slot(manager.id, point.id, starts, 45)
    organization = db.session.get(Organization, worker.organization_id)
    assert organization is not None
    first_point = next((p for p in points if p.organization_id == organization.id), None)
    # About ten days ahead, on a weekday (Welfare days are held at work, never on a Sunday).
    event_day = today + timedelta(days=10)
    while event_day.weekday() >= 5:
        event_day += timedelta(days=1)
    db.session.add(
        WelfareDay(
            organization_id=organization.id,
            title="Welfare day: bilancio familiare e bonus",
            starts_at=datetime.combine(event_day, time(9, 30), tzinfo=zone),
            ends_at=datetime.combine(event_day, time(13, 0), tzinfo=zone),
            place=f"{first_point.name}, {first_point.address}" if first_point else "Milano",
            programme=(
                "9:30 Accoglienza\n10:00 Il bilancio familiare in pratica\n"
                "11:30 Bonus e assegni per le famiglie\n12:30 Domande al Welfare Manager"
            ),
            capacity=25,
            created_by_id=manager.id,
        )
    )
    db.session.add(
        ConsultationRequest(
            worker_id=worker.id,
            organization_id=organization.id,
            topic="budget",
            description=(
                "Vorrei capire come organizzare meglio le spese di casa: a fine mese "
                "non riesco a mettere da parte niente."
            ),
            channel="in_person",
            social_point_id=first_point.id if first_point else None,
            preferred_times="Martedì o giovedì mattina",
            created_at=utcnow() - timedelta(days=2),
        )
    )
    db.session.commit()
    return True
