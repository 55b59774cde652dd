"""The welfare manager as an attacker on the aggregates added last: the health fund ranking of a
cooperative (the manager writes the plans it is computed with) and the impact measure's means
(the manager picks the period). Each probe plays the attack and asserts that it fails."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.impact import scales
from elearn.models import ConsentRecord, HealthPlan, ImpactResponse, User
from elearn.models.base import utcnow
from tests.impact.test_report import Tables

EURO = re.compile(r"(\d{1,3}(?:\.\d{3})*),(\d\d)")


def _euros(cell: str) -> float | None:
    match = EURO.search(cell)
    return float(match.group(1).replace(".", "") + "." + match.group(2)) if match else None


# --- health fund: plans as a query language --------------------------------------------------


@pytest.fixture
def maternity_group(app, make_org, make_user):
    """Five workers of one cooperative who declared maternity costs; one of them much more."""
    from elearn.healthfund.household import save_needs

    org = make_org(name="Il Girasole")
    manager = make_user("manager", org_id=org)
    costs = [900, 1000, 1100, 1200, 4700]
    with app.app_context():
        for cost in costs:
            worker = db.session.get(User, make_user("worker", org_id=org))
            save_needs(worker, {"maternity": cost}, consent=True)
    return org, manager, costs


def _maternity_cell(client, org: int) -> tuple[str, str]:
    page = client.get(f"/gestione/fondi-sanitari/cooperative/{org}").get_data(as_text=True)
    row = re.search(r'<th scope="row">Maternit[^<]*</th>(.*?)</tr>', page, flags=re.S)
    assert row, page[:3000]
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), flags=re.S)
    return cells[0], cells[-1]  # workers who declared it, the (only) plan's column


def _plan(org: int, deductible: int, cap: int | None) -> dict[str, str]:
    return {
        "organization": str(org),
        "name": "Piano prova",
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


def test_a_manager_cannot_read_one_workers_health_cost_through_plans_of_their_choosing(
    app, client, login, maternity_group
):
    org, manager, costs = maternity_group
    login(manager)
    threshold = 2000
    created = client.post("/gestione/fondi-sanitari/nuovo", data=_plan(org, threshold, 1000))
    assert created.status_code == 302, created.get_data(as_text=True)[:2000]
    with app.app_context():
        plan_id = db.session.scalar(select(HealthPlan.id).where(HealthPlan.name == "Piano prova"))
    published_workers, capped = _maternity_cell(client, org)
    assert published_workers.strip() == "5"  # the page shows the group is big enough
    # cap 1000 over the threshold: the average is 1000 × (people above it) / n. 200 € can
    # only be 1 of 5 (n is 5 to 7 when "5" is shown: 1000/6 and 1000/7 round to 170, 140).
    share = _euros(capped)
    n_above, n = {200.0: (1, 5), 170.0: (1, 6), 140.0: (1, 7)}.get(share or -1, (None, None))
    recovered = None
    if n_above == 1:
        uncapped_plan = _plan(org, threshold, None)
        edited = client.post(f"/gestione/fondi-sanitari/{plan_id}", data=uncapped_plan)
        assert edited.status_code == 302
        _workers, uncapped = _maternity_cell(client, org)
        recovered = threshold + n * _euros(uncapped)
    # What must hold: no pair of pages gives away one person's declared cost.
    assert recovered is None or abs(recovered - max(costs)) > 100, recovered


def test_the_health_fund_aggregate_of_another_cooperative_stays_closed(
    app, client, login, make_org, make_user, maternity_group
):
    org, _manager, _costs = maternity_group
    other_manager = make_user("manager", org_id=make_org(name="Altra"))
    login(other_manager)
    assert client.get(f"/gestione/fondi-sanitari/cooperative/{org}").status_code == 404
    # Nor can a plan be created in, or moved to, a cooperative the manager does not follow.
    response = client.post("/gestione/fondi-sanitari/nuovo", data=_plan(org, 0, None))
    assert response.status_code == 422
    with app.app_context():
        plans = select(HealthPlan.id).where(HealthPlan.organization_id == org)
        assert db.session.scalar(plans) is None


# --- impact measure: means over two periods ---------------------------------------------------


def _answer(person: int, score: int, when) -> ImpactResponse:
    return ImpactResponse(
        user_id=person,
        organization_id=None,
        scale_version=scales.SCALE_VERSION,
        language="it",
        wording_version=scales.WORDING_VERSION,
        mode="self",
        age_band="18-61",
        occasion="first_use",
        item_values=[2] * 10,
        raw_total=20,
        score=score,
        literacy_answers={},
        interest_correct=True,
        inflation_correct=True,
        diversification_correct=False,
        created_at=when,
    )


HIDDEN = "meno di 5"


def _all_row(client, query: str) -> list[str] | None:
    """The "all" row of the paired change, or None when the page refuses the period."""
    page = client.get(f"/impatto?{query}")
    if page.status_code != 200:
        assert page.status_code == 400, page.status_code
        return None
    reader = Tables()
    reader.feed(page.get_data(as_text=True))
    rows = {row[0]: row[1:] for row in reader.tables["wellbeing_change"][1:]}
    return rows["Tutti"]


def _number(cell: str) -> float | None:
    cell = cell.strip().replace(",", ".")
    return float(cell) if re.fullmatch(r"-?\d+(\.\d+)?", cell) else None


def _difference(five: list[str], six: list[str]) -> tuple[int, int] | None:
    numbers = [_number(cell) for cell in (five[1], five[2], six[1], six[2])]
    if None in numbers:
        return None
    before_5, after_5, before_6, after_6 = numbers
    return round(6 * before_6 - 5 * before_5), round(6 * after_6 - 5 * after_5)


def test_a_manager_cannot_read_one_persons_well_being_score_by_moving_the_period_end(
    app, client, login, make_org, make_user
):
    # Was a hole: the report's well-being means (to 0.1 point, shown from 5 pairs) for two
    # periods that differed by one day differed by one person's answers, 6 × mean(6) −
    # 5 × mean(5). Periods now come from a calendar (quarters and years that are over), and
    # means need 10 pairs and are in whole points (tests/impact/test_period_differencing.py).
    org = make_org(name="Il Girasole")
    manager = make_user("manager", org_id=org)
    today = utcnow().date()
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    # The last six days of the last quarter that is over: one follow-up a day.
    last_day = datetime.combine(quarter_start - timedelta(days=1), time(12), tzinfo=UTC)
    first_day = (last_day - timedelta(days=5)).date()
    scores = {}
    with app.app_context():
        for index in range(6):
            person = make_user("worker", org_id=org)
            db.session.add(
                ConsentRecord(user_id=person, kind="impact_measure", granted=True, text_version="t")
            )
            db.session.add(_answer(person, 40 + 3 * index, last_day - timedelta(days=200)))
            # One follow-up a day: the sixth person answers on the sixth day.
            after = 50 + 7 * index
            db.session.add(_answer(person, after, last_day - timedelta(days=5 - index)))
            scores[index] = (40 + 3 * index, after)
        db.session.commit()
    login(manager)

    # The attacker walks the end of the period one day at a time from the first follow-up.
    walk = [
        _all_row(client, f"from={first_day}&to={first_day + timedelta(days=d)}") for d in range(8)
    ]
    shown = [d for d, row in enumerate(walk) if row is not None and row[2] != HIDDEN]
    recovered = None
    if shown and shown[0] + 1 < len(walk) and walk[shown[0] + 1] is not None:
        recovered = _difference(walk[shown[0]], walk[shown[0] + 1])  # hidden at 4: this is 5
    # Then every two periods the page offers, both ways round.
    offered = re.findall(r'<option value="(\d{4}(?:-Q[1-4])?)"', client.get("/impatto").text)
    rows = [row for key in offered if (row := _all_row(client, f"periodo={key}")) is not None]
    guesses = [_difference(a, b) for a in rows for b in rows if a is not b]
    # What must hold: the sixth person's answers cannot be worked out.
    for guess in [recovered, *guesses]:
        assert guess is None or (
            abs(guess[0] - scores[5][0]) > 2 and abs(guess[1] - scores[5][1]) > 2
        ), (guess, scores[5])
