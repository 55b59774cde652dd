"""The registry the web layer calls: one parse/compute pair per simulator name, and ``run``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from simulators import budget, budget_model, debt, loans, savings, taeg


@dataclass(frozen=True)
class Simulator:
    """``parse(mapping)`` validates and applies defaults (raises InvalidInput); ``compute(input)``
    returns a result whose ``to_dict()`` is the JSON body. ``compute`` may also raise
    InvalidInput for problems only the computation reveals (a debt plan that never ends)."""

    name: str
    parse: Callable[[Mapping[str, Any]], Any]
    compute: Callable[[Any], Any]

    def run(self, mapping: Mapping[str, Any]) -> dict[str, Any]:
        return self.compute(self.parse(mapping)).to_dict()


class UnknownSimulator(KeyError):
    """No simulator with that name (the HTTP layer answers 404)."""


# The six simulators of the HTTP contract in DESIGN.md.
SIMULATORS: dict[str, Simulator] = {
    "loan": Simulator("loan", loans.parse_loan, loans.compute_loan),
    "savings": Simulator("savings", savings.parse_savings, savings.compute_savings),
    "savings-goal": Simulator(
        "savings-goal", savings.parse_savings_goal, savings.compute_savings_goal
    ),
    "taeg": Simulator("taeg", taeg.parse_taeg, taeg.compute_taeg),
    "budget": Simulator("budget", budget_model.parse_budget, budget.compute_budget),
    "debt": Simulator("debt", debt.parse_debt, debt.compute_debt),
}

# Extra tools over the same library, kept apart so that code iterating SIMULATORS (and
# SIMULATOR_FIELDS) sees only the contract's six. ``run`` accepts these names too.
TOOLS: dict[str, Simulator] = {
    "loan-compare": Simulator("loan-compare", loans.parse_offers, loans.compare_offers),
    "loan-early-repayment": Simulator(
        "loan-early-repayment", loans.parse_early_repayment, loans.early_repayment
    ),
    "debt-compare": Simulator("debt-compare", debt.parse_debt, debt.compare_strategies),
}


def get(name: str) -> Simulator:
    try:
        return SIMULATORS[name] if name in SIMULATORS else TOOLS[name]
    except KeyError:
        raise UnknownSimulator(name) from None


def run(name: str, mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``mapping`` and compute: the JSON-ready body the HTTP API returns.

    Unknown keys in ``mapping`` are ignored (the API tolerates extras). Raises InvalidInput
    (HTTP 422, ``{"errors": exc.errors}``) or UnknownSimulator (HTTP 404); nothing else for
    any JSON value given.
    """
    return get(name).run(mapping)
