"""The welfare manager writes the plans the cooperative's ranking is computed with: whatever plans
they write, nothing they can read lets them work out one worker's declared amount."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from elearn.extensions import db
from elearn.healthfund.compare import (
    COST_BANDS,
    Coverage,
    GroupRanking,
    PlanSheet,
    band_number,
    compare_for_group,
)
from elearn.models import HealthPlan, User
from elearn.models.healthfund import AMOUNT_MAX, COVERAGE_ITEMS

# The attacker's plans: deductibles and caps across the whole range of costs, at and next to
# every band edge and every amount used below, with and without co-payments.
THRESHOLDS = sorted(
    {0, 1, 99, 101, 899, 901, 999, 1001, 1199, 1201, 2000, 2101, 4699, 4700, 4701, 20_000}
    | {edge + delta for edge in COST_BANDS for delta in (-1, 0, 1) if edge + delta >= 0}
)
CAPS = (None, 1, 100, 1000, 5000)
COPAYS = (0, 35)


def attacker_plans() -> list[PlanSheet]:
    plans = []
    for number, (deductible, cap, copay) in enumerate(
        itertools.product(THRESHOLDS, CAPS, COPAYS), start=1
    ):
        coverage = {
            item: Coverage(item, cap_per_year=cap, deductible=deductible, copay_percent=copay)
            for item in ("maternity", "dental")
        }
        plans.append(PlanSheet(plan_id=number, name=f"Piano {number:04d}", coverages=coverage))
    return plans


PLANS = attacker_plans()


def everything_shown(needs: list[dict[str, float]]) -> GroupRanking:
    """Every figure the manager can see for the group (the page is drawn from this alone)."""
    return compare_for_group(PLANS, needs, COVERAGE_ITEMS)


def band_of(cost: int) -> tuple[int, int]:
    number = band_number(cost)
    low = COST_BANDS[number]
    high = COST_BANDS[number + 1] - 1 if number + 1 < len(COST_BANDS) else AMOUNT_MAX
    return low, high


# --- the comparison itself: every plan against groups of 5 and 6 ------------------------------

amounts = st.integers(min_value=1, max_value=AMOUNT_MAX)
groups = st.lists(amounts, min_size=5, max_size=6)


@settings(max_examples=40, deadline=None)
@given(costs=groups, data=st.data())
def test_changing_one_persons_amount_within_its_band_changes_nothing_under_any_plan(costs, data):
    needs = [{"maternity": cost, "dental": 300} for cost in costs]
    shown = everything_shown(needs)
    person = data.draw(st.integers(min_value=0, max_value=len(costs) - 1), label="person")
    low, high = band_of(max(1, costs[person]))
    other = data.draw(st.integers(min_value=max(1, low), max_value=high), label="other amount")
    changed = [dict(n) for n in needs]
    changed[person]["maternity"] = other
    assert everything_shown(changed) == shown


@pytest.mark.parametrize("highest", [1201, 2101, 4700, 4701, 9999, 250_000, AMOUNT_MAX])
def test_the_probes_outlier_is_invisible_whatever_she_declared(highest):
    """The probe's group: four workers about 1,000 €, one far above. Whatever plans are tried,
    everything shown is the same whether she expects 1,201 € or a million."""
    reference = everything_shown([{"maternity": c} for c in (900, 1000, 1100, 1200, 1201)])
    group = [{"maternity": c} for c in (900, 1000, 1100, 1200, highest)]
    assert everything_shown(group) == reference


@pytest.mark.parametrize("lowest", [1, 99, 500, 899, 1000])
def test_one_low_amount_in_a_group_of_six_is_invisible_too(lowest):
    reference = everything_shown([{"maternity": c} for c in (1000, 1100, 1200, 1300, 4700, 1)])
    group = [{"maternity": c} for c in (1000, 1100, 1200, 1300, 4700, lowest)]
    assert everything_shown(group) == reference


def test_the_probes_threshold_sweep_learns_nothing_about_the_highest_amount():
    """The probe's method run on every threshold: a plan with deductible t and a 1,000 € cap gives
    1,000 × (people above t) / n per worker. On the true amounts the sweep finds the one worker
    above 1,200 and the uncapped plan then gives her 4,700 €; on what is shown it finds nobody."""
    costs = (900, 1000, 1100, 1200, 4700)
    shown = everything_shown([{"maternity": c} for c in costs])
    figures = {
        (p.plan.coverages["maternity"].deductible, p.plan.coverages["maternity"].cap_per_year): (
            p.by_item["maternity"],
            p.average,
        )
        for p in shown.plans
        if p.plan.coverages["maternity"].copay_percent == 0
    }
    for deductible in THRESHOLDS:
        capped, _ = figures[(deductible, 1000)]
        uncapped, _ = figures[(deductible, None)]
        above = round(capped * len(costs) / 1000)
        if above == 1:
            recovered = deductible + len(costs) * uncapped
            assert abs(recovered - max(costs)) > 500, (deductible, recovered)
    # And no threshold in the gap between the group's band (1,000-1,500) and 4,700 tells the two
    # ends of the gap apart.
    assert figures[(1501, 1000)] == figures[(4699, 1000)] == figures[(4701, 1000)]
    assert figures[(1501, None)] == figures[(4699, None)] == figures[(4701, None)]


def test_the_figures_still_follow_what_the_group_typically_needs():
    """Not a view that hides everything: when the middle of the group expects more, the plans'
    figures say so (here 1,000-1,500 € and then 2,000-3,000 €, computed on 1,250 and 2,500)."""
    plan = PlanSheet(1, "Piano", {"maternity": Coverage("maternity", None, deductible=1000)})
    lower = compare_for_group([plan], [{"maternity": c} for c in (1100,) * 5], COVERAGE_ITEMS)
    higher = compare_for_group([plan], [{"maternity": c} for c in (2100,) * 5], COVERAGE_ITEMS)
    assert lower.plans[0].by_item["maternity"] == 250.0
    assert higher.plans[0].by_item["maternity"] == 1500.0


# --- the pages: plans written, edited and read back through the manager's own screens ----------


def _plan_form(org: int, name: str, deductible: int, cap: int | None) -> dict[str, str]:
    return {
        "organization": str(org),
        "name": name,
        "description": "",
        "active": "y",
        "maternity-covered": "y",
        "maternity-deductible": str(deductible),
        "maternity-cap_per_year": "" if cap is None else str(cap),
        "maternity-copay_percent": "0",
        "maternity-waiting_months": "0",
        "maternity-claim_mode": "refund",
        "maternity-note": "",
    }


MAIN = re.compile(r'<main id="main"[^>]*>(.*)</main>', flags=re.S)
CSRF = re.compile(r'name="csrf_token"[^>]*')


def _everything_the_manager_reads(client, org: int) -> list[str]:
    pages = [
        client.get(f"/gestione/fondi-sanitari/cooperative/{org}"),
        client.get("/gestione/fondi-sanitari"),
    ]
    assert all(page.status_code == 200 for page in pages)
    # What the pages show (their main part), without the forms' one-time CSRF tokens.
    shown = [MAIN.search(page.get_data(as_text=True)).group(1) for page in pages]
    return [CSRF.sub("", text) for text in shown]


def test_no_plan_written_or_edited_on_the_pages_reveals_one_workers_amount(
    app, client, login, make_org, make_user
):
    from elearn.healthfund.household import save_needs

    org = make_org(name="Il Girasole")
    manager = make_user("manager", org_id=org)
    workers = [make_user("worker", org_id=org) for _ in range(6)]
    costs = [900, 1000, 1100, 1200, 1300, 4700]

    def declare(index: int, cost: int) -> None:
        with app.app_context():
            save_needs(db.session.get(User, workers[index]), {"maternity": cost}, consent=True)

    for index, cost in enumerate(costs):
        declare(index, cost)
    login(manager)
    # Plans across the range, with the probe's 1,000 € cap and without any.
    sweep = [(d, c) for d in range(0, 5001, 500) for c in (1000, None)]
    for number, (deductible, cap) in enumerate(sweep):
        form = _plan_form(org, f"Piano {number:02d}", deductible, cap)
        assert client.post("/gestione/fondi-sanitari/nuovo", data=form).status_code == 302
    client.get("/gestione/fondi-sanitari")  # the "Plan saved." notice, shown once
    seen = _everything_the_manager_reads(client, org)
    assert "Piano 00" in seen[0] and "Maternit" in seen[0]

    # The worker who expects 4,700 € changes her amount to 2,101 €, then to 30,000 €; another
    # changes hers within its band. The manager sees the very same pages.
    for index, cost in ((5, 2101), (5, 30_000), (1, 1499)):
        declare(index, cost)
        assert _everything_the_manager_reads(client, org) == seen, (index, cost)

    # The probe's second step, on every plan: the cap removed, then a deductible right below
    # each amount. The figures shown do not move with any one worker's amount.
    with app.app_context():
        of_the_cooperative = select(HealthPlan.id).where(HealthPlan.organization_id == org)
        plan_ids = list(db.session.scalars(of_the_cooperative.order_by(HealthPlan.name)))
    for plan_id, threshold in zip(plan_ids, (899, 999, 1099, 1199, 1299, 2100, 4699), strict=False):
        form = _plan_form(org, f"Piano {plan_ids.index(plan_id):02d}", threshold, None)
        assert client.post(f"/gestione/fondi-sanitari/{plan_id}", data=form).status_code == 302
    client.get("/gestione/fondi-sanitari")
    before = _everything_the_manager_reads(client, org)
    declare(5, 4700)
    assert _everything_the_manager_reads(client, org) == before
    page = re.sub(r"\s+", " ", before[0])
    assert "4.700" not in page and "30.000" not in page and "2.101" not in page
