"""Pure-Python personal-finance simulators: savings, loans with TAEG, budget, debt payoff."""

from simulators.errors import InvalidInput
from simulators.fields import SIMULATOR_FIELDS
from simulators.registry import SIMULATORS, TOOLS, Simulator, UnknownSimulator, run

__all__ = [
    "SIMULATORS",
    "SIMULATOR_FIELDS",
    "TOOLS",
    "InvalidInput",
    "Simulator",
    "UnknownSimulator",
    "run",
]
