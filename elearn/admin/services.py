"""Organizations, Social points and users: the admin's state changes and queries."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, or_, select

from elearn import audit
from elearn.admin.audit_labels import audit_rows
from elearn.auth import twofactor
from elearn.auth.services import hash_password, normalise_email
from elearn.extensions import db
from elearn.models import AuditEntry, ManagerOrganization, Organization, SocialPoint, User, UserRole

# No 0/O or 1/I: codes are read aloud and copied from paper.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
USERS_PER_PAGE = 25


class AdminError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def new_invite_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def list_organizations() -> list[tuple[Organization, int]]:
    worker_counts = (
        select(User.organization_id, func.count(User.id).label("n"))
        .group_by(User.organization_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Organization, func.coalesce(worker_counts.c.n, 0))
        .outerjoin(worker_counts, worker_counts.c.organization_id == Organization.id)
        .order_by(Organization.name)
    ).all()
    return [(org, count) for org, count in rows]


def _check_unique_org(name: str, slug: str, exclude_id: int | None = None) -> None:
    def taken(column: object, value: str) -> bool:
        query = select(Organization.id).where(func.lower(column) == value.lower())
        if exclude_id is not None:
            query = query.where(Organization.id != exclude_id)
        return db.session.scalar(query) is not None

    if taken(Organization.name, name):
        raise AdminError("name", gettext("Another organization already has this name."))
    if taken(Organization.slug, slug):
        raise AdminError("slug", gettext("Another organization already uses this short name."))


def create_organization(*, name: str, slug: str, accent_color: str, actor_id: int) -> Organization:
    _check_unique_org(name.strip(), slug)
    organization = Organization(
        name=name.strip(),
        slug=slug,
        accent_color=accent_color.lower(),
        invite_code=new_invite_code(),
    )
    db.session.add(organization)
    db.session.flush()
    audit.record("organization.create", actor_id=actor_id, detail=f"organization={organization.id}")
    db.session.commit()
    return organization


def update_organization(
    organization: Organization, *, name: str, slug: str, accent_color: str, actor_id: int
) -> None:
    _check_unique_org(name.strip(), slug, exclude_id=organization.id)
    organization.name = name.strip()
    organization.slug = slug
    organization.accent_color = accent_color.lower()
    audit.record("organization.update", actor_id=actor_id, detail=f"organization={organization.id}")
    db.session.commit()


def rotate_invite_code(organization: Organization, *, actor_id: int) -> str:
    organization.invite_code = new_invite_code()
    audit.record(
        "organization.rotate_invite", actor_id=actor_id, detail=f"organization={organization.id}"
    )
    db.session.commit()
    return organization.invite_code


def save_social_point(
    point: SocialPoint | None,
    organization: Organization,
    *,
    name: str,
    address: str,
    opening_hours: str,
    active: bool,
) -> SocialPoint:
    clash = db.session.scalar(
        select(SocialPoint.id).where(
            SocialPoint.organization_id == organization.id,
            func.lower(SocialPoint.name) == name.strip().lower(),
            SocialPoint.id != (point.id if point else -1),
        )
    )
    if clash is not None:
        raise AdminError(
            "name", gettext("This organization already has a Social point with this name.")
        )
    if point is None:
        point = SocialPoint(organization=organization)
        db.session.add(point)
    point.name = name.strip()
    point.address = address.strip()
    point.opening_hours = opening_hours.strip()
    point.active = active
    db.session.commit()
    return point


def delete_social_point(point: SocialPoint) -> None:
    db.session.delete(point)
    db.session.commit()


@dataclass
class UserPage:
    users: list[User]
    page: int
    pages: int
    total: int


def search_users(query: str = "", role: str = "", page: int = 1) -> UserPage:
    statement = select(User)
    if query:
        pattern = f"%{query.strip().lower()}%"
        statement = statement.where(
            or_(func.lower(User.full_name).like(pattern), User.email.like(pattern))
        )
    if role:
        statement = statement.where(
            User.id.in_(select(UserRole.user_id).where(UserRole.role == role))
        )
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    pages = max(1, -(-total // USERS_PER_PAGE))
    page = min(max(page, 1), pages)
    users = list(
        db.session.scalars(
            statement.order_by(User.full_name, User.id)
            .offset((page - 1) * USERS_PER_PAGE)
            .limit(USERS_PER_PAGE)
        )
    )
    return UserPage(users, page, pages, total)


def save_user(
    user: User | None,
    *,
    full_name: str,
    email: str,
    roles: set[str],
    organization_id: int | None,
    managed_organization_ids: set[int],
    active: bool,
    actor_id: int,
) -> User:
    email = normalise_email(email)
    clash = db.session.scalar(
        select(User.id).where(User.email == email, User.id != (user.id if user else -1))
    )
    if clash is not None:
        raise AdminError("email", gettext("Another account already uses this e-mail."))
    if not roles:
        raise AdminError("roles", gettext("Choose at least one role."))
    if "worker" in roles and not organization_id:
        raise AdminError("organization_id", gettext("A worker must belong to an organization."))
    if "manager" in roles and not managed_organization_ids:
        raise AdminError(
            "managed_organization_ids",
            gettext("A welfare manager must follow at least one organization."),
        )
    if user is not None and user.id == actor_id and "admin" not in roles:
        raise AdminError("roles", gettext("You cannot remove your own administrator role."))
    created = user is None
    if user is None:
        # The person sets their own password through the reset link.
        user = User(
            email=email, full_name=full_name, password_hash=hash_password(secrets.token_urlsafe(32))
        )
        db.session.add(user)
    before = set(user.roles)
    user.full_name = full_name.strip()
    user.email = email
    user.organization_id = organization_id or None
    user.active = active
    user.set_roles(roles)
    user.managed_organizations = (
        list(
            db.session.scalars(
                select(Organization).where(Organization.id.in_(managed_organization_ids))
            )
        )
        if "manager" in roles
        else []
    )
    db.session.flush()
    if created or before != roles:
        audit.record(
            "user.roles",
            actor_id=actor_id,
            subject_user_id=user.id,
            detail=f"roles {sorted(before)} -> {sorted(roles)}",
        )
    db.session.commit()
    return user


def reset_second_factor(user: User, *, actor_id: int | None) -> bool:
    """A lost phone: the person enrols a new authenticator at the next login."""
    return twofactor.reset(user, actor_id=actor_id)


def manager_organization_ids(user: User) -> set[int]:
    return set(
        db.session.scalars(
            select(ManagerOrganization.organization_id).where(
                ManagerOrganization.user_id == user.id
            )
        )
    )


AUDIT_PER_PAGE = 50


def audit_page(action: str = "", page: int = 1) -> tuple[list, int, int]:
    """One page of the audit log as people read it (elearn.admin.audit_labels)."""
    statement = select(AuditEntry)
    if action:
        statement = statement.where(AuditEntry.action.like(f"{action[:60]}%"))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    pages = max(1, -(-total // AUDIT_PER_PAGE))
    page = min(max(page, 1), pages)
    entries = list(
        db.session.scalars(
            statement.order_by(AuditEntry.id.desc())
            .offset((page - 1) * AUDIT_PER_PAGE)
            .limit(AUDIT_PER_PAGE)
        )
    )
    return audit_rows(entries), page, pages
