"""The workforce roster from payroll, its imports, personal invitations and accounts awaiting
confirmation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.extensions import db
from elearn.models.base import UTCDateTime, utcnow
from elearn.models.users import Organization, User


class RosterEntry(db.Model):
    """One person on a cooperative's payroll roster: name, work contact, site; nothing else.

    A person is known by their work e-mail, or by their mobile number when they have none; the
    same contact in another cooperative's file moves the entry there. People missing from a
    later file are marked as left, never deleted (their invitations stop working).
    """

    __tablename__ = "roster_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    site: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(2), default="it")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The account made from this entry (an invitation, or a matching e-mail); emptied when the
    # account is erased, so the roster does not say who the erased person was.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), unique=True
    )
    # The person had an account and asked for its erasure: no automatic invitation again.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization] = relationship()
    user: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="has_contact"),
        CheckConstraint("email IS NULL OR email = lower(email)", name="email_lowercase"),
        CheckConstraint("language IN ('it', 'en')", name="language_known"),
    )


class RosterImport(db.Model):
    """One uploaded roster file: previewed first, applied only when an admin confirms.

    `plan` holds the parsed preview (JSON) until it is applied; confirming applies exactly it.
    """

    __tablename__ = "roster_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Only a hash of the preview link's token: the preview is the admin's alone.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(200), default="")
    # The roster's state when previewed: a change in between makes the preview stale.
    roster_fingerprint: Mapped[str] = mapped_column(String(64))
    plan: Mapped[str] = mapped_column(Text, default="")
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    left: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization] = relationship()


class RosterInvitation(db.Model):
    """A personal, single-use, expiring invitation for one roster entry.

    Only a keyed hash of the link's token (e-mail) or of the short code (printed letter) is
    stored. A new invitation for the same person revokes the older ones.
    """

    __tablename__ = "roster_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_entry_id: Mapped[int] = mapped_column(
        ForeignKey("roster_entry.id", ondelete="CASCADE"), index=True
    )
    # The cooperative the invitation was made for (the entry may move to another one).
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why it stopped working before its time: "resent", "erased", "left".
    revoked_reason: Mapped[str | None] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    entry: Mapped[RosterEntry] = relationship()

    __table_args__ = (
        CheckConstraint("channel IN ('email', 'letter')", name="channel_known"),
        CheckConstraint(
            "revoked_reason IS NULL OR revoked_reason IN ('resent', 'erased', 'left')",
            name="revoked_reason_known",
        ),
    )


class RegistrationReview(db.Model):
    """An account made with the shared invite code that matched nobody on the roster: it waits
    for an admin to confirm it belongs to the cooperative (the row is gone once decided)."""

    __tablename__ = "registration_review"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
    organization: Mapped[Organization] = relationship()
