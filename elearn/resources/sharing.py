"""The map shared with a consultation request (the case file) and turned into pathway steps."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from elearn import audit
from elearn.extensions import db
from elearn.models import ConsultationRequest, User
from elearn.models.base import utcnow
from elearn.models.resources import RequestResourceMap
from elearn.resources.answers import ResourcesError, inputs_of
from elearn.resources.mapview import ResourceView

CLOSED_STATUSES = ("done", "closed")


def open_requests_of(worker_id: int) -> list[ConsultationRequest]:
    return list(
        db.session.scalars(
            select(ConsultationRequest)
            .where(
                ConsultationRequest.worker_id == worker_id,
                ConsultationRequest.status.not_in(CLOSED_STATUSES),
            )
            .order_by(ConsultationRequest.created_at.desc())
        )
    )


def attach_map(worker: User, request_id: int, on: date) -> RequestResourceMap:
    """Share the current answers (and the date) with one of the worker's own open requests."""
    consultation = db.session.scalar(
        select(ConsultationRequest).where(
            ConsultationRequest.id == request_id,
            ConsultationRequest.worker_id == worker.id,
            ConsultationRequest.status.not_in(CLOSED_STATUSES),
        )
    )
    if consultation is None:
        raise ResourcesError(gettext("Choose one of your open requests."), "request")
    inputs = inputs_of(worker.id)
    if not inputs:
        raise ResourcesError(gettext("Answer the questions first."), "request")
    shared = db.session.scalar(
        select(RequestResourceMap).where(RequestResourceMap.request_id == consultation.id)
    )
    if shared is None:
        shared = RequestResourceMap(request_id=consultation.id, worker_id=worker.id)
        db.session.add(shared)
    shared.inputs = inputs
    shared.computed_on = on
    shared.created_at = utcnow()
    consultation.updated_at = utcnow()
    db.session.commit()
    return shared


def shared_map(consultation: ConsultationRequest) -> RequestResourceMap | None:
    return db.session.scalar(
        select(RequestResourceMap).where(
            RequestResourceMap.request_id == consultation.id,
            # Belt and braces: only the requester's own map is ever shown.
            RequestResourceMap.worker_id == consultation.worker_id,
        )
    )


def read_shared_map(
    consultation: ConsultationRequest, manager: User, remote_addr: str = ""
) -> RequestResourceMap | None:
    """The shared map for a manager; each reading is audited (it may hold special data)."""
    shared = shared_map(consultation)
    if shared is not None:
        audit.record(
            "resources.map_viewed",
            actor_id=manager.id,
            subject_user_id=consultation.worker_id,
            detail=f"request={consultation.id}",
            remote_addr=remote_addr,
        )
        db.session.commit()
    return shared


def pathway_title(item: ResourceView) -> str:
    return f"{item.title}: {item.where}"[:200]
