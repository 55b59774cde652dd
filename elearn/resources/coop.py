"""Each cooperative's own welfare resources, entered by admins as data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from elearn import audit
from elearn.extensions import db
from elearn.models import User
from elearn.models.resources import CoopResource


def coop_resources_for(
    organization_id: int | None, *, only_active: bool = True
) -> list[CoopResource]:
    if organization_id is None:
        return []
    query = select(CoopResource).where(CoopResource.organization_id == organization_id)
    if only_active:
        query = query.where(CoopResource.active.is_(True))
    return list(db.session.scalars(query.order_by(CoopResource.title)))


def all_coop_resources() -> list[CoopResource]:
    return list(
        db.session.scalars(
            select(CoopResource).order_by(CoopResource.organization_id, CoopResource.title)
        )
    )


def save_coop_resource(resource: CoopResource | None, admin: User, **values: Any) -> CoopResource:
    if resource is None:
        resource = CoopResource()
        db.session.add(resource)
    for key, value in values.items():
        setattr(resource, key, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    audit.record(
        "resources.coop_resource_saved", actor_id=admin.id, detail=f"coop_resource={resource.id}"
    )
    db.session.commit()
    return resource


def delete_coop_resource(resource: CoopResource, admin: User) -> None:
    audit.record(
        "resources.coop_resource_deleted", actor_id=admin.id, detail=f"coop_resource={resource.id}"
    )
    db.session.delete(resource)
    db.session.commit()
