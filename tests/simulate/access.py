"""Access rules for the simulator pages, the simulators API and saved scenarios."""

from __future__ import annotations

from typing import Any

from tests.access import LOGGED_IN, PUBLIC

RULES = {
    "simulate.index": PUBLIC,
    "simulate.loan": PUBLIC,
    "simulate.savings": PUBLIC,
    "simulate.goal": PUBLIC,
    "simulate.budget": PUBLIC,
    "simulate.debt": PUBLIC,
    "simulate.compare": PUBLIC,
    "simulate.early_repayment": PUBLIC,
    "simulate.loan_csv": PUBLIC,
    "simulate.api.compute": PUBLIC,
    "simulate.api.chart": PUBLIC,
    "simulate.api.openapi": PUBLIC,
    "simulate.scenarios": LOGGED_IN,
    "simulate.save_scenario": LOGGED_IN,
    "simulate.open_scenario": LOGGED_IN,
    "simulate.delete_scenario": LOGGED_IN,
    "simulate.budget_months": LOGGED_IN,
    "simulate.save_budget_month": LOGGED_IN,
    "simulate.open_budget_month": LOGGED_IN,
}


def sample_values(app: Any, people: dict[str, int], values: dict[str, Any]) -> None:
    """A saved scenario of the worker (others must get 404 for it) and a simulator name."""
    from elearn.extensions import db
    from elearn.models import SavedScenario

    with app.app_context():
        scenario = SavedScenario(
            user_id=people["worker"],
            simulator="loan",
            name="Auto",
            inputs={"principal": 10000.0, "annual_rate": 7.5, "months": 60},
        )
        db.session.add(scenario)
        db.session.commit()
        values["scenario_id"] = scenario.id
    values["simulator"] = "loan"
    values["month"] = "2026-12"
