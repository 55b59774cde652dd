"""Access rules for the health fund comparison (object-level checks: tests/healthfund)."""

from __future__ import annotations

from typing import Any

WORKER = ("worker",)
MANAGER = ("manager",)

RULES = {
    "healthfund.compare": WORKER,
    "healthfund.save_needs": WORKER,
    "healthfund.forget_needs": WORKER,
    "healthfund.plans": MANAGER,
    "healthfund.new_plan": MANAGER,
    "healthfund.edit_plan": MANAGER,
    "healthfund.delete_plan": MANAGER,
    "healthfund.cooperative": MANAGER,
}


def sample_values(app: Any, people: dict[str, int], values: dict[str, Any]) -> None:
    """The illustrative plans of the sample cooperative (its manager may edit them)."""
    from sqlalchemy import select

    from elearn.extensions import db
    from elearn.healthfund.demo import add_demo_plans
    from elearn.models import HealthPlan

    with app.app_context():
        add_demo_plans(values["organization_id"])
        db.session.commit()
        values["plan_id"] = db.session.scalar(
            select(HealthPlan.id).where(HealthPlan.organization_id == values["organization_id"])
        )
