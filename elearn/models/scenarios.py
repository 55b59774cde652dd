"""Saved simulator scenarios: a worker's named inputs for one simulator, to reopen later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elearn.extensions import db
from elearn.models.base import UTCDateTime, utcnow

# The simulators that have a page a scenario can reopen (names of the simulators library).
SCENARIO_SIMULATORS = (
    "loan",
    "savings",
    "savings-goal",
    "budget",
    "debt",
    "loan-compare",
    "loan-early-repayment",
)
SCENARIO_NAME_MAX = 80
# A monthly budget is a budget scenario with a month, written "2026-12"; one per month.
MONTH_LENGTH = 7


class SavedScenario(db.Model):
    """The validated input mapping of one simulator run, under a name unique per user."""

    __tablename__ = "saved_scenario"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    simulator: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(SCENARIO_NAME_MAX))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    month: Mapped[str | None] = mapped_column(String(MONTH_LENGTH), default=None)

    __table_args__ = (
        UniqueConstraint("user_id", "name"),
        # NULLs are distinct in both SQLite and PostgreSQL: only monthly budgets are unique.
        UniqueConstraint("user_id", "month"),
        CheckConstraint(
            f"month IS NULL OR (simulator = 'budget' AND length(month) = {MONTH_LENGTH})",
            name="month_only_for_budgets",
        ),
        CheckConstraint(
            "simulator IN (" + ", ".join(f"'{name}'" for name in SCENARIO_SIMULATORS) + ")",
            name="simulator_known",
        ),
        CheckConstraint("length(name) >= 1", name="name_not_empty"),
    )
