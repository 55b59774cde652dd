"""Labs and the GDPR: a person's lab data for the export, and what erasure keeps."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update

from elearn.extensions import db
from elearn.models import (
    LabCard,
    LabSupport,
    LabVote,
    User,
)

# --- privacy: export and erasure -------------------------------------------------------------


def export_rows(user: User) -> dict[str, list[dict[str, object]]]:
    """The person's lab data for the GDPR export: own cards, "+1"s and dots."""

    def plain(value: object) -> object:
        return value.isoformat() if isinstance(value, date | datetime) else value

    cards = db.session.scalars(select(LabCard).where(LabCard.author_id == user.id))
    supports = db.session.execute(
        select(LabSupport, LabCard.lab_id, LabCard.text)
        .join(LabCard, LabCard.id == LabSupport.card_id)
        .where(LabSupport.user_id == user.id)
    )
    votes = db.session.execute(
        select(LabVote, LabCard.text)
        .join(LabCard, LabCard.id == LabVote.card_id)
        .where(LabVote.user_id == user.id)
    )
    return {
        "lab_cards": [
            {
                "id": card.id,
                "lab_id": card.lab_id,
                "kind": card.kind,
                "topic": card.topic,
                "text": card.text,
                "signed": card.signed,
                "status": card.status,
                "hidden_reason": card.hidden_reason,
                "merged_into_id": card.merged_into_id,
                "created_at": plain(card.created_at),
            }
            for card in cards
        ],
        "lab_supports": [
            {
                "card_id": support.card_id,
                "lab_id": lab_id,
                "card_text": text,
                "created_at": plain(support.created_at),
            }
            for support, lab_id, text in supports
        ],
        "lab_votes": [
            {
                "card_id": vote.card_id,
                "lab_id": vote.lab_id,
                "card_text": text,
                "dots": vote.dots,
                "created_at": plain(vote.created_at),
            }
            for vote, text in votes
        ],
    }


def forget_author(user_id: int) -> None:
    """Erasure: the cards stay, anonymous and unsigned, and still count their author (no commit)."""
    db.session.execute(
        update(LabCard)
        .where(LabCard.author_id == user_id)
        .values(
            author_id=None,
            signed=False,
            anonymous_supporters=LabCard.anonymous_supporters + 1,
        )
    )
