"""Pure-Python personal-finance simulators: savings, loans with TAEG, budget, debt payoff."""

from simulators.fields import SIMULATOR_FIELDS

__all__ = ["SIMULATOR_FIELDS"]
