"""What each plan would reimburse for declared yearly needs: plain Python, no Flask, no database.

For one item: reimbursed = min(cap, max(0, cost - deductible) x (1 - co-payment)), with no cap
when the plan sets none and 0 when the plan does not cover the item. The deductible and the cap
are yearly, like the declared cost. A waiting period does not change the yearly estimate; it is
reported with the item, because in the first months after joining nothing is paid for it.

For a cooperative, only items that at least MIN_GROUP workers declared count, and every figure
goes through elearn.privacy.disclosure: otherwise the gap between two plans, one covering an item
and the other not, would give away what one or two people expect to spend on their health.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from elearn.privacy import disclosure

# Averages shown to managers are rounded to 10 euros.
AVERAGE_UNIT = 10.0


@dataclass(frozen=True)
class Coverage:
    item: str
    cap_per_year: int | None
    deductible: int = 0
    copay_percent: int = 0
    waiting_months: int = 0
    claim_mode: str = "refund"
    note: str = ""


@dataclass(frozen=True)
class PlanSheet:
    plan_id: int
    name: str
    coverages: Mapping[str, Coverage]
    is_example: bool = False
    description: str = ""


def reimbursement(cost: float, coverage: Coverage | None) -> float:
    """What the plan pays in a year for `cost` euros of the item (0 when not covered)."""
    if coverage is None or cost <= 0:
        return 0.0
    after_deductible = max(0.0, float(cost) - coverage.deductible)
    paid = after_deductible * (1 - coverage.copay_percent / 100)
    if coverage.cap_per_year is not None:
        paid = min(float(coverage.cap_per_year), paid)
    return max(0.0, paid)


@dataclass(frozen=True)
class ItemResult:
    """One declared need against one plan, with what decided the amount."""

    item: str
    cost: float
    reimbursed: float
    coverage: Coverage | None

    @property
    def covered(self) -> bool:
        return self.coverage is not None

    @property
    def out_of_pocket(self) -> float:
        return max(0.0, self.cost - self.reimbursed)

    @property
    def cap_reached(self) -> bool:
        c = self.coverage
        if c is None or c.cap_per_year is None:
            return False
        return max(0.0, self.cost - c.deductible) * (1 - c.copay_percent / 100) > c.cap_per_year

    @property
    def below_deductible(self) -> bool:
        return self.coverage is not None and self.cost <= self.coverage.deductible

    @property
    def waiting_months(self) -> int:
        return self.coverage.waiting_months if self.coverage is not None else 0


@dataclass
class PlanResult:
    plan: PlanSheet
    items: list[ItemResult] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(item.reimbursed for item in self.items)

    @property
    def declared(self) -> float:
        return sum(item.cost for item in self.items)

    @property
    def waiting(self) -> list[ItemResult]:
        return [item for item in self.items if item.reimbursed > 0 and item.waiting_months > 0]


def compare_for_household(
    plans: Iterable[PlanSheet], needs: Mapping[str, float], order: Sequence[str]
) -> list[PlanResult]:
    """Plans ranked by what they reimburse for `needs` (item -> yearly cost), highest first;
    equal totals by the shorter longest waiting period, then by name."""
    results = []
    for plan in plans:
        result = PlanResult(plan)
        for item in order:
            cost = float(needs.get(item) or 0)
            if cost <= 0:
                continue
            coverage = plan.coverages.get(item)
            result.items.append(ItemResult(item, cost, reimbursement(cost, coverage), coverage))
        results.append(result)
    return sorted(
        results,
        key=lambda r: (
            -round(r.total, 2),
            max((i.waiting_months for i in r.waiting), default=0),
            r.plan.name.casefold(),
            r.plan.plan_id,
        ),
    )


# --- a cooperative's aggregate ---------------------------------------------------------------


@dataclass(frozen=True)
class ItemDemand:
    """How many workers declared an item, as published (None: fewer than 5)."""

    item: str
    workers: int | None
    average_cost: float | None
    counted: bool


@dataclass
class GroupPlanResult:
    plan: PlanSheet
    # Average yearly reimbursement per worker who declared counted needs (published).
    average: float | None
    # item -> average reimbursement per worker who declared that item (published).
    by_item: dict[str, float | None] = field(default_factory=dict)


@dataclass
class GroupRanking:
    workers: int | None  # workers who declared any need (published)
    demand: list[ItemDemand]
    plans: list[GroupPlanResult]

    @property
    def shown(self) -> bool:
        return any(d.counted for d in self.demand)


def compare_for_group(
    plans: Iterable[PlanSheet],
    needs_by_worker: Sequence[Mapping[str, float]],
    order: Sequence[str],
) -> GroupRanking:
    """Plans ranked by what they would reimburse, on average, for the needs a group declared.

    Items declared by fewer than MIN_GROUP workers are left out of every figure, the ranking
    included; averages are shown only when at least MIN_GROUP workers stand behind them, and the
    ranking uses the published (rounded) averages, never the true ones."""
    declaring: dict[str, list[float]] = {item: [] for item in order}
    for needs in needs_by_worker:
        for item in order:
            cost = float(needs.get(item) or 0)
            if cost > 0:
                declaring[item].append(cost)
    counted = [item for item in order if len(declaring[item]) >= disclosure.MIN_GROUP]
    demand = [
        ItemDemand(
            item,
            disclosure.count(len(costs)),
            disclosure.average(
                sum(costs) / len(costs) if costs else None, len(costs), unit=AVERAGE_UNIT
            ),
            item in counted,
        )
        for item, costs in declaring.items()
    ]
    group = [
        needs
        for needs in needs_by_worker
        if any(float(needs.get(item) or 0) > 0 for item in counted)
    ]
    results = []
    for plan in plans:
        total = 0.0
        by_item: dict[str, float | None] = {}
        for item in counted:
            paid = sum(reimbursement(cost, plan.coverages.get(item)) for cost in declaring[item])
            total += paid
            by_item[item] = disclosure.average(
                paid / len(declaring[item]), len(declaring[item]), unit=AVERAGE_UNIT
            )
        average = (
            disclosure.average(total / len(group), len(group), unit=AVERAGE_UNIT) if group else None
        )
        results.append(GroupPlanResult(plan, average, by_item))
    results.sort(
        key=lambda r: (
            -(r.average if r.average is not None else -1),
            r.plan.name.casefold(),
            r.plan.plan_id,
        )
    )
    declared_any = sum(
        1 for needs in needs_by_worker if any(float(v or 0) > 0 for v in needs.values())
    )
    return GroupRanking(disclosure.count(declared_any), demand, results)
