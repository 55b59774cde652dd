"""A small payroll roster for the demo (`elearn demo`), so the roster pages show something."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from sqlalchemy import select

from elearn.auth.services import hash_password
from elearn.extensions import db
from elearn.models import (
    Organization,
    RegistrationReview,
    Role,
    RosterEntry,
    RosterInvitation,
    User,
)
from elearn.models.base import utcnow
from elearn.roster.invitations import secret_hash

DEMO_ROSTER_ORGANIZATION = "il-girasole"
SITES = ("Lorenteggio", "Niguarda", "Sede centrale")
# People on the payroll who have no account yet: some with a work e-mail, some with a mobile
# number only (they get a printed letter).
NOT_YET_JOINED = (
    ("Rosa Esposito", "rosa.esposito@girasole.example", None),
    ("Karim Haddad", None, "+393401234501"),
    ("Elena Conti", "elena.conti@girasole.example", None),
    ("Ion Popescu", None, "+393401234502"),
    ("Fatima Zahra Alaoui", None, "+393401234503"),
    ("Davide Greco", "davide.greco@girasole.example", None),
    ("Mihaela Ionescu", "mihaela.ionescu@girasole.example", None),
    ("Luca Marino", None, "+393401234504"),
    ("Grace Okafor", "grace.okafor@girasole.example", None),
    ("Paola Ricci", None, "+393401234505"),
    ("Samuel Mensah", "samuel.mensah@girasole.example", None),
    ("Chiara Fontana", "chiara.fontana@girasole.example", None),
)


def seed_demo_roster(seed: int = 2026) -> int:
    """Il Girasole's roster: the demo worker, some synthetic learners (already joined), people
    invited or not yet, two who left, and one shared-code account waiting for confirmation.
    Idempotent: nothing happens once the cooperative has a roster. Returns the people added."""

    organization = db.session.scalar(
        select(Organization).where(Organization.slug == DEMO_ROSTER_ORGANIZATION)
    )
    if organization is None or db.session.scalar(
        select(RosterEntry.id).where(RosterEntry.organization_id == organization.id).limit(1)
    ):
        return 0
    rng = random.Random(seed)
    now = utcnow()
    members = list(
        db.session.scalars(
            select(User)
            .where(
                User.organization_id == organization.id,
                User.active.is_(True),
                (User.email == "lavoratrice@demo.it") | User.email.like("learner%@demo.it"),
            )
            .order_by(User.id)
            .limit(60)
        )
    )
    entries = [
        RosterEntry(
            organization_id=organization.id,
            full_name=user.full_name,
            email=user.email,
            site=rng.choice(SITES),
            user_id=user.id,
        )
        for user in members
    ]
    db.session.add_all(entries)
    for number, (name, email, phone) in enumerate(NOT_YET_JOINED):
        entry = RosterEntry(
            organization_id=organization.id,
            full_name=name,
            email=email,
            phone=phone,
            site=SITES[number % len(SITES)],
        )
        db.session.add(entry)
        db.session.flush()
        entries.append(entry)
        if number % 3 == 2:
            continue  # not invited yet
        # Invited 3 to 40 days ago with a secret nobody knows: some are due to be sent again.
        sent = now - timedelta(days=3 + 4 * number)
        db.session.add(
            RosterInvitation(
                roster_entry_id=entry.id,
                organization_id=organization.id,
                secret_hash=secret_hash(secrets.token_urlsafe(32)),
                channel="email" if email else "letter",
                created_at=sent,
                expires_at=sent + timedelta(days=30),
            )
        )
    for name, email in (("Giorgio Sala", "giorgio.sala@girasole.example"),):
        entries.append(
            RosterEntry(
                organization_id=organization.id,
                full_name=name,
                email=email,
                site=SITES[0],
                left_at=now - timedelta(days=20),
            )
        )
        db.session.add(entries[-1])
    waiting = db.session.scalar(select(User).where(User.email == "nuova.collega@demo.it"))
    if waiting is None:
        waiting = User(
            email="nuova.collega@demo.it",
            full_name="Sara Nuova",
            password_hash=hash_password(secrets.token_urlsafe(32)),
            organization=organization,
        )
        waiting.set_roles({Role.WORKER.value})
        db.session.add(waiting)
        db.session.flush()
        db.session.add(RegistrationReview(user_id=waiting.id, organization_id=organization.id))
    db.session.commit()
    return len(entries)
