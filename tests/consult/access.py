"""Access rules for the worker's consultation pages: workers only (object checks in the tests)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

WORKER = ("worker",)

RULES = {
    "consult.new_request": WORKER,
    "consult.my_requests": WORKER,
    "consult.request_detail": WORKER,
    "consult.add_message": WORKER,
    "consult.cancel_request": WORKER,
    "consult.ask_reschedule": WORKER,
    "consult.set_sharing": WORKER,
    "consult.tick_action": WORKER,
    "consult.welfare_days": WORKER,
    "consult.register": WORKER,
    "consult.cancel_registration": WORKER,
}


def sample_values(app: Any, people: dict[str, int], values: dict[str, Any]) -> None:
    """The worker's request, a pathway action, and a Welfare day of their organization."""
    from elearn.extensions import db
    from elearn.models import (
        ConsultationRequest,
        PathwayItem,
        User,
        WelfareDay,
        WelfareDayRegistration,
    )
    from elearn.models.base import utcnow

    with app.app_context():
        worker = db.session.get(User, people["worker"])
        consultation = ConsultationRequest(
            worker_id=worker.id,
            organization_id=worker.organization_id,
            topic="budget",
            description="Vorrei fare un bilancio.",
            channel="phone",
        )
        db.session.add(consultation)
        db.session.flush()
        item = PathwayItem(
            worker_id=worker.id, request_id=consultation.id, kind="action", title="Buste paga"
        )
        event = WelfareDay(
            organization_id=worker.organization_id,
            title="Welfare day",
            starts_at=utcnow() + timedelta(days=5),
            ends_at=utcnow() + timedelta(days=5, hours=3),
            place="Via Roma 1",
            capacity=1,
            seats_taken=1,
        )
        db.session.add_all([item, event])
        db.session.flush()
        registration = WelfareDayRegistration(
            welfare_day_id=event.id, worker_id=worker.id, status="registered"
        )
        db.session.add(registration)
        db.session.commit()
        values.update(
            request_id=consultation.id,
            item_id=item.id,
            event_id=event.id,
            registration_id=registration.id,
        )
