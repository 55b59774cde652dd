"""What each plan would reimburse for declared yearly needs: plain Python, no Flask, no database.

For one item: reimbursed = min(cap, max(0, cost - deductible) x (1 - co-payment)), with no cap
when the plan sets none and 0 when the plan does not cover the item. The deductible and the cap
are yearly, like the declared cost. A waiting period does not change the yearly estimate; it is
reported with the item, because in the first months after joining nothing is paid for it.

For a cooperative, only items that at least MIN_GROUP workers declared count, the plans are
evaluated on each item's typical cost band and never on the amounts (see "a cooperative's
aggregate" below: the manager writes the plans, so a plan must not work as a query on one person's
amount), and every figure goes through elearn.privacy.disclosure.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import median_low

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
#
# The manager writes the plans, so a plan is a query the manager chooses: a deductible just below
# one worker's amount and a cap of 1,000 € count the workers above a threshold, and the same plan
# without the cap then gives the one above it to the euro. No rounding of the result stops that,
# nor does showing only the order of the plans (two plans compared are a binary search). What
# stops it is what the plans are evaluated on: not the declared amounts, but one coarse summary
# per item that does not depend on any plan, so that every plan, however written, can show no more
# than that summary.
#
# The summary of an item declared by at least MIN_GROUP workers: how many declared it (published,
# rounded to 5) and its *typical cost band* – the fixed band (COST_BANDS) of the middle declarer
# (the lower median). Amounts are turned into band numbers first and are not read again, so:
# - changing any one worker's amount within its band changes no figure on the page;
# - the highest and the lowest amounts never show at all: one worker who expects 4,700 € among
#   four who expect about 1,000 € moves nothing, whatever deductible or cap is tried;
# - what a plan "pays for the typical cost" is the plan's rule applied to the middle of the band,
#   so it adds nothing to the band shown in the table.
# The household's ranking above stays exact: it is the worker's own data.

# Fixed edges of the cost bands, in euros a year (the last band is open). Not derived from the data.
COST_BANDS: tuple[int, ...] = (
    0,
    100,
    250,
    500,
    750,
    1000,
    1500,
    2000,
    3000,
    5000,
    7500,
    10_000,
    15_000,
    25_000,
    50_000,
    100_000,
)


@dataclass(frozen=True)
class CostBand:
    """A band of yearly costs: from `low` (included) to `high` (excluded); no `high` at the top."""

    low: int
    high: int | None

    @property
    def typical(self) -> float:
        """The cost the plans are evaluated on: the middle of the band (its floor at the top)."""
        return float(self.low if self.high is None else (self.low + self.high) / 2)


def band_number(cost: float) -> int:
    """The index in COST_BANDS of the band a positive cost falls in."""
    return bisect_right(COST_BANDS, cost) - 1


def cost_band(number: int) -> CostBand:
    high = COST_BANDS[number + 1] if number + 1 < len(COST_BANDS) else None
    return CostBand(COST_BANDS[number], high)


@dataclass(frozen=True)
class ItemDemand:
    """How many workers declared an item, as published (None: fewer than 5), and its typical
    cost band (None unless the item counts)."""

    item: str
    workers: int | None
    typical: CostBand | None
    counted: bool


@dataclass
class GroupPlanResult:
    plan: PlanSheet
    # Estimated yearly reimbursement per worker who declared counted needs: each counted item's
    # typical cost, weighted by the published share of workers who declared it.
    average: float | None
    # item -> what the plan pays back for the item's typical cost (published).
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
    """Plans ranked by what they would pay back for the typical costs a group declared.

    Items declared by fewer than MIN_GROUP workers are left out of every figure, the ranking
    included. Every plan is evaluated only on each counted item's typical cost band and published
    count (see above), never on the amounts; equal figures are ranked by plan name."""
    # Band numbers, not amounts, from here on: nothing below can tell two amounts in a band apart.
    bands: dict[str, list[int]] = {item: [] for item in order}
    declared_any = 0
    for needs in needs_by_worker:
        if any(float(v or 0) > 0 for v in needs.values()):
            declared_any += 1
        for item in order:
            cost = float(needs.get(item) or 0)
            if cost > 0:
                bands[item].append(band_number(cost))
    counted = [item for item in order if len(bands[item]) >= disclosure.MIN_GROUP]
    typical = {item: cost_band(median_low(bands[item])) for item in counted}
    published = {item: disclosure.count(len(bands[item])) for item in order}
    demand = [
        ItemDemand(item, published[item], typical.get(item), item in counted) for item in order
    ]
    group_size = sum(
        1 for needs in needs_by_worker if any(float(needs.get(item) or 0) > 0 for item in counted)
    )
    group_published = disclosure.count(group_size)
    results = []
    for plan in plans:
        by_item: dict[str, float | None] = {}
        weighted = 0.0
        for item in counted:
            paid = reimbursement(typical[item].typical, plan.coverages.get(item))
            by_item[item] = disclosure.average(paid, len(bands[item]), unit=AVERAGE_UNIT)
            weighted += (published[item] or 0) * paid
        average = (
            disclosure.average(weighted / group_published, group_size, unit=AVERAGE_UNIT)
            if group_published
            else None
        )
        results.append(GroupPlanResult(plan, average, by_item))
    results.sort(
        key=lambda r: (
            -(r.average if r.average is not None else -1),
            r.plan.name.casefold(),
            r.plan.plan_id,
        )
    )
    return GroupRanking(disclosure.count(declared_any), demand, results)
