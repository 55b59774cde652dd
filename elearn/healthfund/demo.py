"""Illustrative health plans for the demo (made-up figures, marked as examples)."""

from __future__ import annotations

from sqlalchemy import select

from elearn.extensions import db
from elearn.healthfund.services import CoverageInput
from elearn.models.healthfund import HealthPlan, HealthPlanCoverage

# Illustrative figures only, not a real fund's: the names say "esempio" and is_example is set.
DEMO_PLANS: tuple[tuple[str, str, dict[str, CoverageInput]], ...] = (
    (
        "Piano A (esempio)",
        "Piano illustrativo con cifre inventate: serve a provare il confronto.",
        {
            "dental": CoverageInput(600, 50, 20, 0, "both"),
            "orthodontics": CoverageInput(1000, 0, 30, 6, "refund"),
            "maternity": CoverageInput(1000, 0, 0, 9, "network"),
            "paediatrics": CoverageInput(300, 0, 0, 0, "both"),
            "specialist_visits": CoverageInput(800, 30, 20, 0, "both"),
            "diagnostics": CoverageInput(1500, 30, 20, 0, "both"),
            "physiotherapy": CoverageInput(400, 0, 25, 3, "refund"),
            "ticket_refund": CoverageInput(None, 0, 0, 0, "refund"),
        },
    ),
    (
        "Piano B (esempio)",
        "Piano illustrativo con cifre inventate: più cure odontoiatriche, meno visite.",
        {
            "dental": CoverageInput(1200, 100, 10, 3, "network"),
            "orthodontics": CoverageInput(2000, 100, 20, 12, "network"),
            "specialist_visits": CoverageInput(400, 50, 30, 0, "refund"),
            "diagnostics": CoverageInput(800, 50, 30, 0, "refund"),
            "glasses": CoverageInput(150, 0, 0, 0, "refund"),
            "psychologist": CoverageInput(500, 0, 20, 0, "refund"),
        },
    ),
    (
        "Piano C (esempio)",
        "Piano illustrativo con cifre inventate: pensato per chi assiste un familiare.",
        {
            "long_term_care": CoverageInput(3000, 0, 0, 6, "refund"),
            "caregiver_support": CoverageInput(1000, 0, 0, 0, "refund"),
            "psychologist": CoverageInput(800, 0, 10, 0, "both"),
            "physiotherapy": CoverageInput(600, 0, 10, 0, "both"),
            "specialist_visits": CoverageInput(500, 30, 20, 0, "both"),
            "ticket_refund": CoverageInput(300, 0, 0, 0, "refund"),
        },
    ),
)


def add_demo_plans(organization_id: int) -> None:
    """The illustrative plans for one cooperative (the demo; figures are made up and say so).
    Nothing is added when the cooperative already has plans, so the demo can run again."""
    existing = select(HealthPlan.id).where(HealthPlan.organization_id == organization_id)
    if db.session.scalar(existing.limit(1)) is not None:
        return
    for name, description, coverages in DEMO_PLANS:
        plan = HealthPlan(
            organization_id=organization_id, name=name, description=description, is_example=True
        )
        for item, values in coverages.items():
            plan.coverages.append(
                HealthPlanCoverage(
                    item=item,
                    cap_per_year=values.cap_per_year,
                    deductible=values.deductible,
                    copay_percent=values.copay_percent,
                    waiting_months=values.waiting_months,
                    claim_mode=values.claim_mode,
                )
            )
        db.session.add(plan)
