"""Supplementary health-fund plans on one coverage sheet, and the yearly needs workers declare."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.extensions import db
from elearn.models.base import UTCDateTime, utcnow

# The standard coverage sheet: every plan is described on these items, in this order.
COVERAGE_ITEMS = (
    "dental",
    "orthodontics",
    "maternity",
    "paediatrics",
    "specialist_visits",
    "diagnostics",
    "physiotherapy",
    "long_term_care",
    "caregiver_support",
    "psychologist",
    "glasses",
    "ticket_refund",
)
# network: the fund pays an affiliated provider directly; refund: the worker pays and claims.
CLAIM_MODES = ("network", "refund", "both")
PLAN_NAME_MAX = 120
PLAN_TEXT_MAX = 2000
NOTE_MAX = 300
# Whole euros: a yearly cap or a yearly cost above this is a typing error.
AMOUNT_MAX = 1_000_000
WAITING_MONTHS_MAX = 36


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class HealthPlan(db.Model):
    """A plan a cooperative's workers can have, entered by a welfare manager of that cooperative."""

    __tablename__ = "health_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(PLAN_NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    # Illustrative figures, not a real fund's: the pages say so next to the name.
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    coverages: Mapped[list[HealthPlanCoverage]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="HealthPlanCoverage.id",
    )

    __table_args__ = (
        UniqueConstraint("organization_id", "name"),
        CheckConstraint(f"length(name) BETWEEN 1 AND {PLAN_NAME_MAX}", name="name_length"),
        CheckConstraint(f"length(description) <= {PLAN_TEXT_MAX}", name="description_length"),
    )


class HealthPlanCoverage(db.Model):
    """One item of a plan's sheet; an item without a row is not covered by the plan."""

    __tablename__ = "health_plan_coverage"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("health_plan.id", ondelete="CASCADE"), index=True
    )
    item: Mapped[str] = mapped_column(String(24))
    # Whole euros a year; NULL: no yearly cap.
    cap_per_year: Mapped[int | None] = mapped_column(Integer)
    deductible: Mapped[int] = mapped_column(Integer, default=0)
    copay_percent: Mapped[int] = mapped_column(Integer, default=0)
    waiting_months: Mapped[int] = mapped_column(Integer, default=0)
    claim_mode: Mapped[str] = mapped_column(String(8), default="refund")
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")

    plan: Mapped[HealthPlan] = relationship(back_populates="coverages")

    __table_args__ = (
        UniqueConstraint("plan_id", "item"),
        CheckConstraint(_in("item", COVERAGE_ITEMS), name="item_known"),
        CheckConstraint(_in("claim_mode", CLAIM_MODES), name="claim_mode_known"),
        CheckConstraint(
            f"cap_per_year IS NULL OR cap_per_year BETWEEN 0 AND {AMOUNT_MAX}", name="cap_range"
        ),
        CheckConstraint(f"deductible BETWEEN 0 AND {AMOUNT_MAX}", name="deductible_range"),
        CheckConstraint("copay_percent BETWEEN 0 AND 100", name="copay_range"),
        CheckConstraint(f"waiting_months BETWEEN 0 AND {WAITING_MONTHS_MAX}", name="waiting_range"),
    )


class HealthNeedProfile(db.Model):
    """A worker's consent to keep their declared health needs (special-category data, GDPR
    art. 9): the needs exist only under it, and withdrawing deletes them."""

    __tablename__ = "health_need_profile"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    consent_version: Mapped[str] = mapped_column(String(20))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    needs: Mapped[list[HealthNeed]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="HealthNeed.item"
    )


class HealthNeed(db.Model):
    """What the worker expects to spend on one item in a year, in whole euros."""

    __tablename__ = "health_need"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("health_need_profile.user_id", ondelete="CASCADE"), primary_key=True
    )
    item: Mapped[str] = mapped_column(String(24), primary_key=True)
    yearly_cost: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(_in("item", COVERAGE_ITEMS), name="item_known"),
        CheckConstraint(f"yearly_cost BETWEEN 1 AND {AMOUNT_MAX}", name="cost_range"),
    )
