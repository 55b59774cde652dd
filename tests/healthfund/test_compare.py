"""What each plan pays back: caps, deductibles, co-payments, waiting periods, the rankings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elearn.healthfund.compare import (
    CostBand,
    Coverage,
    PlanSheet,
    compare_for_group,
    compare_for_household,
    reimbursement,
)
from elearn.models.healthfund import COVERAGE_ITEMS


def plan(plan_id: int, name: str, **coverages: Coverage) -> PlanSheet:
    return PlanSheet(plan_id=plan_id, name=name, coverages=coverages)


def test_deductible_then_co_payment_within_the_cap():
    # (600 - 50) x 80 % = 440, below the 1,000 cap.
    dental = Coverage("dental", cap_per_year=1000, deductible=50, copay_percent=20)
    assert reimbursement(600, dental) == pytest.approx(440.0)


def test_the_cap_limits_what_is_paid():
    # (2,500 - 0) x 70 % = 1,750, capped at 1,000.
    ortho = Coverage("orthodontics", cap_per_year=1000, copay_percent=30)
    assert reimbursement(2500, ortho) == pytest.approx(1000.0)


def test_a_cost_within_the_deductible_gets_nothing_and_never_a_negative_amount():
    dental = Coverage("dental", cap_per_year=1000, deductible=100, copay_percent=10)
    assert reimbursement(80, dental) == 0.0


def test_no_cap_and_no_cover():
    tickets = Coverage("ticket_refund", cap_per_year=None)
    assert reimbursement(150, tickets) == pytest.approx(150.0)
    assert reimbursement(150, None) == 0.0


def test_household_ranking_on_known_data():
    a = plan(
        1,
        "Piano A (esempio)",
        dental=Coverage("dental", 600, 50, 20),
        orthodontics=Coverage("orthodontics", 1000, 0, 30, waiting_months=6),
    )
    b = plan(
        2,
        "Piano B (esempio)",
        dental=Coverage("dental", 1200, 100, 10, waiting_months=3),
        orthodontics=Coverage("orthodontics", 2000, 100, 20, waiting_months=12),
    )
    c = plan(3, "Piano C (esempio)", psychologist=Coverage("psychologist", 800))
    needs = {"dental": 600, "orthodontics": 2500}
    ranked = compare_for_household([a, b, c], needs, COVERAGE_ITEMS)
    # A: 440 + 1,000 = 1,440. B: (600-100) x 90 % = 450 + min(2,000, 2,400 x 80 % = 1,920) = 2,370.
    assert [r.plan.name for r in ranked] == [
        "Piano B (esempio)",
        "Piano A (esempio)",
        "Piano C (esempio)",
    ]
    assert [round(r.total, 2) for r in ranked] == [2370.0, 1440.0, 0.0]
    best = ranked[0]
    assert best.declared == 3100
    assert {item.item: item.waiting_months for item in best.waiting} == {
        "dental": 3,
        "orthodontics": 12,
    }
    ortho_a = next(i for i in ranked[1].items if i.item == "orthodontics")
    assert ortho_a.cap_reached and ortho_a.out_of_pocket == pytest.approx(1500.0)


def test_equal_totals_put_the_shorter_waiting_period_first():
    quick = plan(1, "Zeta", dental=Coverage("dental", 500))
    slow = plan(2, "Alfa", dental=Coverage("dental", 500, waiting_months=6))
    ranked = compare_for_household([slow, quick], {"dental": 400}, COVERAGE_ITEMS)
    assert [r.plan.name for r in ranked] == ["Zeta", "Alfa"]


@settings(max_examples=200, deadline=None)
@given(
    cost=st.floats(min_value=0, max_value=1_000_000, allow_nan=False),
    cap=st.none() | st.integers(min_value=0, max_value=1_000_000),
    deductible=st.integers(min_value=0, max_value=1_000_000),
    copay=st.integers(min_value=0, max_value=100),
)
def test_never_negative_never_above_the_cost_or_the_cap(cost, cap, deductible, copay):
    paid = reimbursement(cost, Coverage("dental", cap, deductible, copay))
    assert 0 <= paid <= cost + 1e-9
    if cap is not None:
        assert paid <= cap


# --- a cooperative -------------------------------------------------------------------------------


def test_items_declared_by_fewer_than_five_workers_do_not_count_anywhere():
    dental_plan = plan(1, "Denti", dental=Coverage("dental", 1000))
    psych_plan = plan(2, "Psiche", psychologist=Coverage("psychologist", 5000))
    workers = [{"dental": 500} for _ in range(5)]
    # One worker expects a large psychologist bill: it must not move the ranking.
    workers.append({"psychologist": 4000})
    ranking = compare_for_group([dental_plan, psych_plan], workers, COVERAGE_ITEMS)
    assert [r.plan.name for r in ranking.plans] == ["Denti", "Psiche"]
    demand = {d.item: d for d in ranking.demand}
    assert demand["psychologist"].workers is None and not demand["psychologist"].counted
    assert demand["psychologist"].typical is None
    assert demand["dental"].workers == 5 and demand["dental"].typical == CostBand(500, 750)
    psych = next(r for r in ranking.plans if r.plan.name == "Psiche")
    assert psych.average == 0 and "psychologist" not in psych.by_item
    # Six workers declared something: published as 5.
    assert ranking.workers == 5


def test_with_fewer_than_five_workers_nothing_is_shown():
    workers = [{"dental": 500, "glasses": 200} for _ in range(4)]
    ranking = compare_for_group(
        [plan(1, "Denti", dental=Coverage("dental", 1000))], workers, COVERAGE_ITEMS
    )
    assert not ranking.shown
    assert ranking.workers is None
    assert ranking.plans[0].average is None
    assert all(d.workers is None for d in ranking.demand if d.item in ("dental", "glasses"))


def test_group_ranking_on_known_data_uses_the_typical_cost_band():
    a = plan(1, "A", dental=Coverage("dental", 300))
    b = plan(2, "B", dental=Coverage("dental", 1000, 0, 20))
    workers = [{"dental": cost} for cost in (400, 500, 600, 700, 803)]
    ranking = compare_for_group([a, b], workers, COVERAGE_ITEMS)
    # The middle declarer's 600 is in the 500-750 band: the plans are computed on 625.
    # A pays its cap, 300. B pays 80 % of 625 = 500.
    assert [(r.plan.name, r.average) for r in ranking.plans] == [("B", 500.0), ("A", 300.0)]
    assert ranking.plans[0].by_item == {"dental": 500.0}
    assert ranking.demand[0].typical == CostBand(500, 750)


def test_the_cooperative_ranking_weights_items_by_their_published_counts():
    dental = plan(1, "Denti", dental=Coverage("dental", None))
    glasses = plan(2, "Occhiali", glasses=Coverage("glasses", None))
    # Ten workers declared dental care (typical 500-750: 625), five of them glasses too
    # (typical 100-250: 175). Per worker: dental 10 × 625 / 10; glasses 5 × 175 / 10.
    workers = [{"dental": 600, "glasses": 200} for _ in range(5)] + [
        {"dental": 600} for _ in range(5)
    ]
    ranking = compare_for_group([glasses, dental], workers, COVERAGE_ITEMS)
    assert [(r.plan.name, r.average) for r in ranking.plans] == [
        ("Denti", 620.0),
        ("Occhiali", 90.0),
    ]


def test_equal_figures_are_ranked_by_plan_name():
    same = Coverage("dental", 100)
    plans = [plan(3, "zeta", dental=same), plan(1, "Beta", dental=same), plan(2, "alfa")]
    ranking = compare_for_group(plans, [{"dental": 500}] * 5, COVERAGE_ITEMS)
    assert [r.plan.name for r in ranking.plans] == ["Beta", "zeta", "alfa"]
