"""Write entries to the append-only audit log."""

from __future__ import annotations

from elearn.extensions import db
from elearn.models import AuditEntry


def record(
    action: str,
    *,
    actor_id: int | None,
    subject_user_id: int | None = None,
    detail: str = "",
    remote_addr: str = "",
) -> None:
    """Add an audit entry to the current transaction (committed with the change it describes)."""
    db.session.add(
        AuditEntry(
            action=action,
            actor_id=actor_id,
            subject_user_id=subject_user_id,
            detail=detail[:2000],
            remote_addr=remote_addr[:64],
        )
    )
