"""Demo content: three cooperatives, their Social points and one account per role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from elearn.auth.services import hash_password
from elearn.extensions import db
from elearn.models import Organization, SocialPoint, User

DEMO_PASSWORD = "demo-password"  # noqa: S105 - published demo credential


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    roles: frozenset[str]
    organization_slug: str | None
    managed_slugs: tuple[str, ...] = ()


DEMO_ORGANIZATIONS = (
    {
        "slug": "il-girasole",
        "name": "Cooperativa Sociale Il Girasole",
        "invite_code": "GIRASOLE26",
        "accent_color": "#b45309",
        "points": [
            (
                "Social point Lorenteggio",
                "Via Lorenteggio 181, 20147 Milano",
                "Lunedì 9:00–13:00\nMercoledì 14:00–18:00",
            ),
            ("Social point Niguarda", "Viale Ca' Granda 20, 20162 Milano", "Giovedì 9:00–13:00"),
        ],
    },
    {
        "slug": "la-rete",
        "name": "Cooperativa Sociale La Rete",
        "invite_code": "LARETE2026",
        "accent_color": "#1d4ed8",
        "points": [
            (
                "Social point Corvetto",
                "Piazzale Gabriele Rosa 6, 20139 Milano",
                "Martedì 9:00–13:00",
            ),
        ],
    },
    {
        "slug": "ponte-verde",
        "name": "Cooperativa Sociale Ponte Verde",
        "invite_code": "PONTEVERDE",
        "accent_color": "#15803d",
        "points": [
            (
                "Social point Quarto Oggiaro",
                "Via Concilio Vaticano II 5, 20157 Milano",
                "Venerdì 14:00–18:00",
            ),
        ],
    },
)

DEMO_ACCOUNTS = (
    DemoAccount("lavoratrice@demo.it", "Giulia Rossi", frozenset({"worker"}), "il-girasole"),
    DemoAccount("formatore@demo.it", "Marco Bianchi", frozenset({"trainer"}), None),
    DemoAccount(
        "manager@demo.it",
        "Sara Colombo",
        frozenset({"manager"}),
        None,
        ("il-girasole", "la-rete", "ponte-verde"),
    ),
    DemoAccount("admin@demo.it", "Paolo Ferrari", frozenset({"admin"}), None),
)


def seed_demo() -> list[DemoAccount]:
    """Create what is missing; never overwrite what is already there (runs are repeatable)."""
    by_slug: dict[str, Organization] = {}
    for spec in DEMO_ORGANIZATIONS:
        org = db.session.scalar(select(Organization).where(Organization.slug == spec["slug"]))
        if org is None:
            org = Organization(
                slug=spec["slug"],
                name=spec["name"],
                invite_code=spec["invite_code"],
                accent_color=spec["accent_color"],
            )
            org.social_points = [
                SocialPoint(name=name, address=address, opening_hours=hours)
                for name, address, hours in spec["points"]
            ]
            db.session.add(org)
        by_slug[spec["slug"]] = org
    db.session.flush()
    for account in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == account.email)) is not None:
            continue
        user = User(
            email=account.email,
            full_name=account.full_name,
            password_hash=hash_password(DEMO_PASSWORD),
            organization=by_slug[account.organization_slug] if account.organization_slug else None,
        )
        user.set_roles(set(account.roles))
        user.managed_organizations = [by_slug[slug] for slug in account.managed_slugs]
        db.session.add(user)
    db.session.commit()
    return list(DEMO_ACCOUNTS)
