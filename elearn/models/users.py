"""People and places: organizations, Social points, users, roles, password reset tokens."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    true,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from elearn.extensions import db
from elearn.models.base import UTCDateTime, utcnow


class Role(enum.StrEnum):
    WORKER = "worker"
    TRAINER = "trainer"
    MANAGER = "manager"
    ADMIN = "admin"


ROLE_VALUES = tuple(role.value for role in Role)


class Organization(db.Model):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    invite_code: Mapped[str] = mapped_column(String(32), unique=True)
    accent_color: Mapped[str] = mapped_column(String(7), default="#1f6f5c")
    # The admin can turn the shared code off once everyone has a personal invitation.
    shared_code_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    social_points: Mapped[list[SocialPoint]] = relationship(
        back_populates="organization", order_by="SocialPoint.name", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("length(invite_code) >= 6", name="invite_code_length"),
        CheckConstraint("accent_color LIKE '#%'", name="accent_color_hex"),
    )


class SocialPoint(db.Model):
    """A help desk of a cooperative, where the Welfare Manager meets workers."""

    __tablename__ = "social_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(255))
    opening_hours: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    organization: Mapped[Organization] = relationship(back_populates="social_points")

    __table_args__ = (UniqueConstraint("organization_id", "name"),)


class UserRole(db.Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)

    __table_args__ = (
        CheckConstraint(
            "role IN ('worker', 'trainer', 'manager', 'admin')",
            name="role_known",
        ),
    )


class ManagerOrganization(db.Model):
    """A welfare manager follows one or more organizations."""

    __tablename__ = "manager_organization"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(5), default="it")
    # The cooperative a worker belongs to; trainers and admins may have none.
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Changing it invalidates every session of the user (logout everywhere).
    session_generation: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The worker's current choice about sharing progress with managers (the history, with
    # times and text versions, is in consent_record; this copy keeps reports fast).
    shares_progress: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Base32 TOTP secret; required for admins and welfare managers (second login step).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last time step accepted, so one code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    organization: Mapped[Organization | None] = relationship(foreign_keys=[organization_id])
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    managed_organizations: Mapped[list[Organization]] = relationship(
        secondary="manager_organization", lazy="selectin", order_by="Organization.name"
    )

    __table_args__ = (
        CheckConstraint("language IN ('it', 'en')", name="language_known"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        # The learner list sorted by name walks it (a page stops after a few dozen people).
        db.Index("ix_user_account_full_name", "full_name", "id"),
    )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles: set[str] | frozenset[str]) -> None:
        unknown = set(roles) - set(ROLE_VALUES)
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")
        keep = [row for row in self.role_rows if row.role in roles]
        present = {row.role for row in keep}
        self.role_rows = keep + [UserRole(role=role) for role in sorted(roles - present)]

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account cannot log in
        return self.active

    def get_id(self) -> str:
        # The generation is part of the session identity, so bumping it ends old sessions.
        return f"{self.id}:{self.session_generation}"

    @property
    def needs_two_factor(self) -> bool:
        return self.has_role("admin", "manager")

    @property
    def first_name(self) -> str:
        return self.full_name.split(" ", 1)[0]

    def end_all_sessions(self) -> None:
        """Log the person out everywhere (every session row holds the old stamp)."""
        self.session_generation = (self.session_generation or 0) + 1

    @property
    def security_stamp(self) -> str:
        """A digest of everything a login vouches for: roles, organizations, active status,
        password and second factor, and the session generation.

        A session row keeps the stamp of its login and is refused once the two differ, so a
        session never holds more than was true when its person passed the login steps. Changes
        made through the ORM also bump the generation (see _end_sessions_on_security_change),
        so the sessions stay ended even if the change is later undone; changes made in raw SQL
        (an operator in psql) still change the stamp.
        """
        parts = [
            str(self.session_generation),
            "active" if self.active else "inactive",
            str(self.organization_id or ""),
            ",".join(sorted(self.roles)),
            # Managed organizations give access only with the manager role (a change of role
            # changes the stamp anyway): other people's stamps need not load them.
            ",".join(str(org_id) for org_id in sorted(o.id for o in self.managed_organizations))
            if self.has_role("manager")
            else "",
            self.password_hash,
            self.totp_secret or "",
        ]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# What a login vouches for; a change to any of them ends the person's sessions.
SECURITY_ATTRIBUTES = (
    "password_hash",
    "active",
    "totp_secret",
    "organization_id",
    "organization",
    "role_rows",
    "managed_organizations",
)


@event.listens_for(Session, "before_flush")
def _end_sessions_on_security_change(session: Session, flush_context: Any, instances: Any) -> None:
    """The one place where a change of roles, organizations, active status, password or second
    factor ends the person's sessions, whichever code path made it (admin pages, CLI, password
    reset or change, enrolment, erasure). Whoever wants to keep their own current session
    (a password change in the profile) re-stamps it afterwards: security.keep_only_this_session.
    """
    changed: dict[int, User] = {}
    user_ids: set[int] = set()
    for obj in session.dirty:
        if isinstance(obj, User) and obj.id is not None:
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in SECURITY_ATTRIBUTES):
                changed[obj.id] = obj
        elif isinstance(obj, (UserRole, ManagerOrganization)):
            history = inspect(obj).attrs.user_id.history
            user_ids.update(uid for uid in (*history.added, *history.deleted) if uid)
            if session.is_modified(obj):
                user_ids.add(obj.user_id)
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, (UserRole, ManagerOrganization)) and obj.user_id is not None:
            user_ids.add(obj.user_id)
    for user_id in user_ids - changed.keys():
        user = session.get(User, user_id)
        if user is not None and user not in session.new and user not in session.deleted:
            changed[user_id] = user
    for user in changed.values():
        user.end_all_sessions()


class PasswordResetToken(db.Model):
    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # Only a hash is stored: a leaked database does not leak usable links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """A login on one device; the cookie holds only a random token whose hash is stored here.

    Server-side rows make logout final (a replayed cookie finds a revoked row) and let the
    site end idle or too-old sessions and log out other devices.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # User.security_stamp at login: the session is refused once the person's stamp differs.
    security_stamp: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Whether this login passed the second step (TOTP); required while the person is an
    # admin or welfare manager.
    second_factor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class AuthAttempt(db.Model):
    """A recent failed (or in-flight) attempt to log in, guess a code or ask for a reset.

    Rows live in the database so that every gunicorn worker and every app server sees the same
    counts. `key` is a keyed hash (HMAC with the site's secret key) of the e-mail address, the
    account or the client address: the table never holds them in clear.
    """

    __tablename__ = "auth_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    __table_args__ = (db.Index("ix_auth_attempt_scope_key_created", "scope", "key", "created_at"),)
