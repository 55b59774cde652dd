"""The one rule for what a Welfare Manager may see of a worker's learning (DESIGN.md, privacy).

A manager sees a worker's individual learning state (module progress, completions, scores,
time spent, whether a pathway step is done) only when both hold:

- the worker belongs to an organization the manager follows, and
- the worker consented to share progress (`User.shares_progress`, asked at first login and
  changeable in the profile) or has an open consultation request, in an organization the
  manager follows, that shares progress ("for this request only": it ends when the request
  is closed or the worker stops sharing it).

Every manager-facing read of learning state asks `learning_visible_to` (one person) or
`learning_visible_ids` (lists, as a subquery); nothing else decides it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, or_, select

from elearn import audit
from elearn.extensions import db
from elearn.models import ConsultationRequest, User, UserRole


def _scope(manager: User, org_ids: Iterable[int] | None) -> list[int]:
    """The organizations the manager follows, narrowed to `org_ids` when given."""
    if not manager.has_role("manager"):
        return []
    managed = [org.id for org in manager.managed_organizations]
    if org_ids is None:
        return managed
    wanted = set(org_ids)
    return [org_id for org_id in managed if org_id in wanted]


def learning_visible_ids(manager: User, org_ids: Iterable[int] | None = None) -> Any:
    """SELECT of the ids of the workers whose individual learning `manager` may see, limited to
    the organizations in `org_ids` (a report filter) when given. Use it as a subquery."""
    scope = _scope(manager, org_ids) or [-1]
    sharing_requests = select(ConsultationRequest.worker_id).where(
        ConsultationRequest.share_progress.is_(True),
        ConsultationRequest.organization_id.in_(scope),
        ConsultationRequest.closed_at.is_(None),
        ConsultationRequest.status != "closed",
    )
    return (
        select(User.id)
        .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == "worker"))
        .where(
            User.organization_id.in_(scope),
            User.active.is_(True),
            or_(User.shares_progress.is_(True), User.id.in_(sharing_requests)),
        )
    )


def learning_visible_to(
    manager: User, worker: User | int, *, via_request: ConsultationRequest | None = None
) -> bool:
    """Whether `manager` may see the individual learning state of `worker`.

    `via_request` is the case file the manager is looking from: it must be a request of this
    worker (otherwise the answer is no). It does not widen the rule: an open request that
    shares progress counts wherever the manager looks, and a closed one nowhere.
    """
    worker_id = worker if isinstance(worker, int) else worker.id
    if via_request is not None and via_request.worker_id != worker_id:
        return False
    found = db.session.scalar(
        select(User.id).where(User.id == worker_id, User.id.in_(learning_visible_ids(manager)))
    )
    return found is not None


def record_read(manager: User, worker_id: int, *, detail: str = "", remote_addr: str = "") -> None:
    """Write a read of a worker's learning state to the audit log (committed by the caller)."""
    audit.record(
        "progress.read",
        actor_id=manager.id,
        subject_user_id=worker_id,
        detail=detail,
        remote_addr=remote_addr,
    )
