"""Consent choices (append-only history) and the consent-gated target-group declaration."""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import delete, select

from elearn import audit
from elearn.extensions import db
from elearn.models import ConsentRecord, TargetGroupDeclaration, User
from elearn.models.progress import TARGET_GROUPS

# Bump when the wording shown to workers changes: each choice records the version it answered.
CONSENT_TEXT_VERSION = "2026-11-v1"

# What each kind of consent is about, in the words the person's consent page and the audit log
# both use (one table: the two had drifted apart).
CONSENT_KINDS = {
    "progress_sharing": lazy_gettext("progress visible to the Welfare Manager"),
    "target_groups": lazy_gettext("keep my situation"),
    "resources_special": lazy_gettext(
        "health and care answers for the resources map (pregnancy, Law 104, a child's disability)"
    ),
    "impact_measure": lazy_gettext("the questionnaire on money and well-being"),
}


def current_consent(user_id: int, kind: str) -> bool | None:
    """The latest choice of `kind`, or None when the worker has not chosen yet."""
    return db.session.scalar(
        select(ConsentRecord.granted)
        .where(ConsentRecord.user_id == user_id, ConsentRecord.kind == kind)
        .order_by(ConsentRecord.id.desc())
        .limit(1)
    )


def needs_first_choice(user: User) -> bool:
    return user.has_role("worker") and current_consent(user.id, "progress_sharing") is None


def record_choice(user: User, kind: str, granted: bool, *, remote_addr: str = "") -> None:
    if current_consent(user.id, kind) is granted:
        return
    db.session.add(
        ConsentRecord(
            user_id=user.id, kind=kind, granted=granted, text_version=CONSENT_TEXT_VERSION
        )
    )
    if kind == "progress_sharing":
        user.shares_progress = granted
    if kind == "target_groups" and not granted:
        # Without consent the special-category data must not be kept.
        db.session.execute(
            delete(TargetGroupDeclaration).where(TargetGroupDeclaration.user_id == user.id)
        )
    audit.record(
        f"consent.{kind}.{'granted' if granted else 'withdrawn'}",
        actor_id=user.id,
        subject_user_id=user.id,
        detail=f"text {CONSENT_TEXT_VERSION}",
        remote_addr=remote_addr,
    )
    db.session.commit()


def declared_groups(user_id: int) -> set[str]:
    return set(
        db.session.scalars(
            select(TargetGroupDeclaration.target_group).where(
                TargetGroupDeclaration.user_id == user_id
            )
        )
    )


def set_target_groups(user: User, groups: set[str]) -> None:
    """Store the declaration only under a standing consent; otherwise store nothing."""
    groups = groups & set(TARGET_GROUPS)
    if not current_consent(user.id, "target_groups"):
        groups = set()
    db.session.execute(
        delete(TargetGroupDeclaration).where(TargetGroupDeclaration.user_id == user.id)
    )
    for group in sorted(groups):
        db.session.add(TargetGroupDeclaration(user_id=user.id, target_group=group))
    db.session.commit()


def consent_history(user_id: int) -> list[ConsentRecord]:
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user_id)
            .order_by(ConsentRecord.id.desc())
        )
    )
