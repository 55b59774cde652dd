"""Impact measure: the financial well-being and literacy answers a worker chose to give.

Kept apart from learning and labs: only the worker sees their own answers; managers and the
funder see aggregates (elearn.impact.measures, through elearn.privacy.disclosure).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from elearn.extensions import db
from elearn.models.base import UTCDateTime, utcnow

SCALE_VERSIONS = ("cfpb-fwb-10",)
MODES = ("self", "read_to_me")
AGE_BANDS = ("18-61", "62+")
OCCASIONS = ("first_use", "course", "consultation", "again")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ImpactResponse(db.Model):
    """One answer set: the ten CFPB items, the two scoring questions, the three literacy ones.

    The scale version, the mode and the age band are stored with the answers, so a score can
    always be recomputed from the published table it was scored with, and baseline and
    follow-up are paired only when they used the same version of the scale.
    """

    __tablename__ = "impact_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # The cooperative when the answers were given (aggregates per cooperative).
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    scale_version: Mapped[str] = mapped_column(String(20))
    # The wording the person read: language and version of the (working) translation.
    language: Mapped[str] = mapped_column(String(5))
    wording_version: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(10))
    age_band: Mapped[str] = mapped_column(String(5))
    occasion: Mapped[str] = mapped_column(String(12))
    # Item values 0-4 in the worksheet's orientation (4 is always the better situation).
    item_values: Mapped[list[int]] = mapped_column(JSON)
    raw_total: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    # The literacy answers as chosen ("dont_know" included) and whether each was right.
    literacy_answers: Mapped[dict[str, str]] = mapped_column(JSON)
    interest_correct: Mapped[bool] = mapped_column(Boolean)
    inflation_correct: Mapped[bool] = mapped_column(Boolean)
    diversification_correct: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        CheckConstraint(_in("scale_version", SCALE_VERSIONS), name="scale_version_known"),
        CheckConstraint(_in("mode", MODES), name="mode_known"),
        CheckConstraint(_in("age_band", AGE_BANDS), name="age_band_known"),
        CheckConstraint(_in("occasion", OCCASIONS), name="occasion_known"),
        CheckConstraint("raw_total BETWEEN 0 AND 40", name="raw_total_range"),
        CheckConstraint("score BETWEEN 0 AND 100", name="score_range"),
        Index("ix_impact_response_user_created", "user_id", "created_at"),
    )


class ImpactPrompt(db.Model):
    """When the invitation to answer may be shown again after "Not now" (no answers here)."""

    __tablename__ = "impact_prompt"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    snoozed_until: Mapped[datetime] = mapped_column(UTCDateTime())
