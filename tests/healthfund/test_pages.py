"""Health fund pages: the worker's ranking, consent, managers' plans, the aggregate, access."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.healthfund.demo import add_demo_plans
from elearn.models import (
    AuditEntry,
    HealthNeed,
    HealthNeedProfile,
    HealthPlan,
    Lab,
    LabCard,
    LabOutcome,
    LabVote,
    Organization,
)


@pytest.fixture
def plans(app, coops):
    """The illustrative plans in both cooperatives: {org_id: {name: id}}."""
    with app.app_context():
        add_demo_plans(coops.org_a)
        add_demo_plans(coops.org_b)
        db.session.commit()
        return {
            org: {
                p.name: p.id
                for p in db.session.scalars(
                    select(HealthPlan).where(HealthPlan.organization_id == org)
                )
            }
            for org in (coops.org_a, coops.org_b)
        }


def _audit(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _plan_form(org_id, name="Piano D (esempio)", **items):
    data = {"organization": str(org_id), "name": name, "description": "", "active": "y"}
    for item, values in items.items():
        data[f"{item}-covered"] = "y"
        for key, value in values.items():
            data[f"{item}-{key}"] = value
    return data


# --- the worker ----------------------------------------------------------------------------------


def test_needs_are_kept_only_with_consent(app, client, coops, plans, login):
    login(coops.worker)
    refused = client.post("/fondi-sanitari/bisogni", data={"dental": "600"})
    assert refused.status_code == 422
    assert "consenso" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(HealthNeedProfile, coops.worker) is None
    saved = client.post("/fondi-sanitari/bisogni", data={"dental": "600", "consent": "y"})
    assert saved.status_code == 302
    assert [e.detail for e in _audit(app, "healthfund.consent_given")] == ["version=2026-12-03"]
    # The amounts are health data: the audit log says that needs changed, not what they are.
    assert all("600" not in e.detail for e in _audit(app, "healthfund.needs_saved"))


def test_the_plans_are_ranked_for_the_declared_needs_and_each_item_says_why(
    client, coops, plans, login
):
    login(coops.worker)
    client.post(
        "/fondi-sanitari/bisogni",
        data={"dental": "600", "orthodontics": "2.500", "consent": "y"},
    )
    page = client.get("/fondi-sanitari").get_data(as_text=True)
    # Demo plans, see DEMO_PLANS: B 2.370 € (450 + 1.920 capped at 2.000 -> 1.920), A 1.440 €
    # (440 + 1.000, the cap), C covers neither.
    order = [page.index(name) for name in ("Piano B (esempio)", "Piano A (esempio)", "Piano C")]
    assert order == sorted(order)
    assert "2.370,00" in page and "1.440,00" in page
    assert "il piano paga al massimo 1.000,00" in page  # A's orthodontics cap
    assert "12 mesi" in page  # B's waiting period for orthodontics
    assert "cifre inventate" in page
    # Plans of another cooperative are not compared.
    with_b = {name for name in plans[coops.org_b]}
    assert with_b == set(plans[coops.org_a])  # same names, so check by id below
    assert f'id="plan-{plans[coops.org_b]["Piano A (esempio)"]}"' not in page
    assert f'id="plan-{plans[coops.org_a]["Piano A (esempio)"]}"' in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("seicento", "Scrivi un numero"),
        ("600,50", "euro interi"),
        ("-5", "tra 0 e 1.000.000"),
        ("99999999999999999999", "tra 0 e 1.000.000"),
    ],
)
def test_bad_amounts_get_a_clear_message_and_a_4xx(client, coops, plans, login, typed, message):
    login(coops.worker)
    response = client.post("/fondi-sanitari/bisogni", data={"dental": typed, "consent": "y"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_an_empty_form_asks_for_an_amount_and_stores_nothing(app, client, coops, plans, login):
    login(coops.worker)
    response = client.post("/fondi-sanitari/bisogni", data={"consent": "y"})
    assert response.status_code == 422
    assert "almeno un importo" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(HealthNeedProfile, coops.worker) is None


def test_withdrawing_consent_deletes_the_amounts(app, client, coops, plans, login):
    login(coops.worker)
    client.post("/fondi-sanitari/bisogni", data={"dental": "600", "consent": "y"})
    assert client.post("/fondi-sanitari/bisogni/elimina", data={}).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(HealthNeed)).all() == []
        assert db.session.get(HealthNeedProfile, coops.worker) is None
    assert _audit(app, "healthfund.consent_withdrawn")


def test_the_needs_are_in_the_workers_data_export(client, coops, plans, login):
    login(coops.worker)
    client.post("/fondi-sanitari/bisogni", data={"glasses": "250", "consent": "y"})
    exported = client.get("/profilo/dati.json").get_json()
    assert exported["health_fund_needs"]["yearly_needs"] == {"glasses": 250}


# --- managers: plans -----------------------------------------------------------------------------


def test_a_manager_enters_a_plan_and_it_is_audited(app, client, coops, plans, login):
    login(coops.manager)
    data = _plan_form(
        coops.org_a,
        dental={
            "cap_per_year": "1.500",
            "deductible": "0",
            "copay_percent": "10",
            "waiting_months": "2",
            "claim_mode": "network",
        },
    )
    assert client.post("/gestione/fondi-sanitari/nuovo", data=data).status_code == 302
    with app.app_context():
        plan = db.session.scalar(select(HealthPlan).where(HealthPlan.name == "Piano D (esempio)"))
        assert [(c.item, c.cap_per_year, c.copay_percent) for c in plan.coverages] == [
            ("dental", 1500, 10)
        ]
    assert _audit(app, "healthfund.plan_created")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"copay_percent": "120"}, "tra 0 e 100"),
        ({"cap_per_year": "mille"}, "Scrivi un numero"),
        ({"waiting_months": "99"}, "tra 0 e 36"),
        ({"claim_mode": "cash"}, "Not a valid choice"),
    ],
)
def test_bad_plan_figures_get_a_message_and_a_4xx(client, coops, plans, login, values, message):
    login(coops.manager)
    response = client.post(
        "/gestione/fondi-sanitari/nuovo", data=_plan_form(coops.org_a, dental=values)
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="field-error"' in page
    if message != "Not a valid choice":
        assert message in page


def test_two_plans_with_one_name_in_a_cooperative_are_refused(client, coops, plans, login):
    login(coops.manager)
    response = client.post(
        "/gestione/fondi-sanitari/nuovo", data=_plan_form(coops.org_a, name="Piano A (esempio)")
    )
    assert response.status_code == 422
    assert "ha già un piano con questo nome" in response.get_data(as_text=True)


def test_a_manager_cannot_touch_the_plans_of_another_cooperative(app, client, coops, plans, login):
    login(coops.manager)
    other = plans[coops.org_b]["Piano A (esempio)"]
    assert client.get(f"/gestione/fondi-sanitari/{other}").status_code == 404
    edit = client.post(f"/gestione/fondi-sanitari/{other}", data=_plan_form(coops.org_b))
    assert edit.status_code == 404
    assert client.post(f"/gestione/fondi-sanitari/{other}/elimina", data={}).status_code == 404
    # Nor move one of their own plans there, nor create one there.
    own = plans[coops.org_a]["Piano A (esempio)"]
    moved = client.post(f"/gestione/fondi-sanitari/{own}", data=_plan_form(coops.org_b))
    assert moved.status_code == 422
    created = client.post("/gestione/fondi-sanitari/nuovo", data=_plan_form(coops.org_b))
    assert created.status_code == 422
    with app.app_context():
        assert db.session.get(HealthPlan, own).organization_id == coops.org_a
        assert db.session.get(HealthPlan, other) is not None
    assert client.get(f"/gestione/fondi-sanitari/cooperative/{coops.org_b}").status_code == 404
    listing = client.get("/gestione/fondi-sanitari").get_data(as_text=True)
    assert f"/gestione/fondi-sanitari/{other}" not in listing


def test_editing_a_plan_rewrites_its_sheet(app, client, coops, plans, login):
    login(coops.manager)
    plan_id = plans[coops.org_a]["Piano C (esempio)"]
    form = client.get(f"/gestione/fondi-sanitari/{plan_id}").get_data(as_text=True)
    assert 'name="long_term_care-covered"' in form and "checked" in form
    data = _plan_form(
        coops.org_a, name="Piano C (esempio)", glasses={"cap_per_year": "", "deductible": ""}
    )
    assert client.post(f"/gestione/fondi-sanitari/{plan_id}", data=data).status_code == 302
    with app.app_context():
        plan = db.session.get(HealthPlan, plan_id)
        assert [(c.item, c.cap_per_year) for c in plan.coverages] == [("glasses", None)]
    assert _audit(app, "healthfund.plan_saved")


# --- managers: the cooperative's aggregate -------------------------------------------------------


def _declare(app, make_user, org_id, count, needs):
    from elearn.healthfund.household import save_needs
    from elearn.models import User

    ids = [make_user("worker", org_id=org_id) for _ in range(count)]
    with app.app_context():
        for user_id in ids:
            save_needs(db.session.get(User, user_id), needs, consent=True)
    return ids


def test_the_aggregate_is_suppressed_under_five_workers(
    app, client, coops, plans, login, make_user
):
    _declare(app, make_user, coops.org_a, 4, {"dental": 600})
    login(coops.manager)
    page = client.get(f"/gestione/fondi-sanitari/cooperative/{coops.org_a}").get_data(as_text=True)
    assert "Nessuna voce è stata indicata da almeno 5" in page
    assert "600,00" not in page


def test_the_aggregate_ranks_the_plans_for_five_or_more_workers(
    app, client, coops, plans, login, make_user
):
    _declare(app, make_user, coops.org_a, 5, {"dental": 600})
    # Workers of the other cooperative do not count for this one.
    _declare(app, make_user, coops.org_b, 5, {"psychologist": 800})
    login(coops.manager)
    page = client.get(f"/gestione/fondi-sanitari/cooperative/{coops.org_a}").get_data(as_text=True)
    # Dental 600 is in the 500-750 band, computed on 625: B pays (625 - 100) × 90 % = 472,50
    # (470 rounded to 10 €), A (625 - 50) × 80 % = 460, C nothing.
    ranking = page[page.index("<tbody>") : page.index("</tbody>")]
    assert ranking.index("Piano B") < ranking.index("Piano A") < ranking.index("Piano C")
    assert "470,00" in ranking and "460,00" in ranking
    assert "da 500,00\xa0€ a 750,00\xa0€" in page
    psychologist = re.search(r"<th scope=\"row\">Psicologo</th><td>(.*?)</td>", page)
    assert psychologist and psychologist.group(1) == "0"


def test_health_votes_of_the_cooperatives_labs_are_shown_read_only(
    app, client, coops, plans, login, make_user
):
    from elearn.labs.services import today

    voters = [make_user("worker", org_id=coops.org_a) for _ in range(5)]
    with app.app_context():
        start = today() - timedelta(days=30)
        lab = Lab(
            title="Salute e lavoro",
            question="Che cosa serve?",
            collect_from=start,
            merge_from=start + timedelta(days=1),
            vote_from=start + timedelta(days=2),
            outcome_from=start + timedelta(days=3),
            created_by_id=coops.manager,
            organizations=[db.session.get(Organization, coops.org_a)],
        )
        db.session.add(lab)
        db.session.flush()
        health = LabCard(lab_id=lab.id, kind="need", topic="health", text="Dentista troppo caro")
        time = LabCard(lab_id=lab.id, kind="need", topic="time", text="Turni troppo lunghi")
        db.session.add_all([health, time])
        db.session.flush()
        for user_id in voters:
            db.session.add(LabVote(lab_id=lab.id, card_id=health.id, user_id=user_id, dots=2))
            db.session.add(LabVote(lab_id=lab.id, card_id=time.id, user_id=user_id, dots=1))
        db.session.add(LabOutcome(card_id=health.id, kind="health_fund", text="Proposta al fondo"))
        db.session.commit()
    login(coops.manager)
    page = client.get(f"/gestione/fondi-sanitari/cooperative/{coops.org_a}").get_data(as_text=True)
    assert "Dentista troppo caro" in page and "Proposta al fondo" in page
    assert "circa 5 persone" in page.lower() or "5 persone" in page
    assert "Turni troppo lunghi" not in page


def test_the_resources_map_leads_to_the_comparison(client, coops, plans, login):
    login(coops.worker)
    client.post(
        "/risorse/questionario/famiglia",
        data={"children-0-age": "5", "other_parent": "not_working"},
    )
    client.post("/risorse/questionario/isee", data={"has_isee": "no"})
    client.post("/risorse/questionario/lavoro", data={"contract": "permanent"})
    client.post("/risorse/questionario/consenso", data={"consent": "no"})
    page = client.get("/risorse").get_data(as_text=True)
    health = page[page.index('id="res-ccnl_health"') :]
    health = health[: health.index("</article>")]
    assert 'href="/fondi-sanitari"' in health
