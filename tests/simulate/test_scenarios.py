"""Saved scenarios: save, list, reopen, delete; only the owner sees them; limits."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from elearn.extensions import db
from elearn.models import SavedScenario
from elearn.simulate import services

LOAN_INPUTS = {"in-principal": "12000", "in-annual_rate": "6,5", "in-months": "48"}


def save(client, name: str = "Auto nuova", simulator: str = "loan", **inputs: str):
    return client.post(
        "/simulatori/scenari",
        data={"simulator": simulator, "name": name, **(inputs or LOAN_INPUTS)},
    )


def test_anonymous_visitors_are_invited_to_log_in_to_save(client) -> None:
    html = client.get("/simulatori/prestito").get_data(as_text=True)
    assert "/login?next=" in html and 'action="/simulatori/scenari"' not in html


def test_a_worker_saves_lists_reopens_and_deletes_a_scenario(app, client, make_user, login):
    login(make_user("worker"))
    assert 'action="/simulatori/scenari"' in client.get("/simulatori/prestito").get_data(
        as_text=True
    )
    response = save(client)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/simulatori/prestito?")
    listing = client.get("/simulatori/scenari").get_data(as_text=True)
    assert "Auto nuova" in listing
    with app.app_context():
        scenario = db.session.scalars(db.select(SavedScenario)).one()
        assert scenario.inputs == {
            "principal": 12000.0,
            "annual_rate": 6.5,
            "months": 48,
            "method": "french",
            "upfront_fees": 0.0,
            "installment_fee": 0.0,
        }
        scenario_id = scenario.id
    opened = client.get(f"/simulatori/scenari/{scenario_id}")
    assert opened.status_code == 302
    page = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert 'name="annual_rate" value="6,5"' in page and 'name="months" value="48"' in page
    deleted = client.post(f"/simulatori/scenari/{scenario_id}/elimina", data={})
    assert deleted.status_code == 303
    with app.app_context():
        assert db.session.get(SavedScenario, scenario_id) is None


def test_budget_scenario_keeps_its_rows(app, client, make_user, login) -> None:
    login(make_user("trainer"))
    save(
        client,
        "Mese di marzo",
        "budget",
        **{
            "in-incomes-0-category": "Stipendio",
            "in-incomes-0-amount": "1500",
            "in-expenses-2-category": "Affitto",
            "in-expenses-2-amount": "650",
        },
    )
    with app.test_request_context():
        scenario = db.session.scalars(db.select(SavedScenario)).one()
        assert scenario.inputs["expenses"] == [{"category": "Affitto", "amount": 650.0}]
        assert "expenses-0-amount=650" in services.scenario_url(scenario)


def test_another_users_scenario_is_not_found(app, client, make_user, login) -> None:
    owner = make_user("worker")
    with app.app_context():
        scenario = SavedScenario(user_id=owner, simulator="loan", name="Mio", inputs={})
        db.session.add(scenario)
        db.session.commit()
        scenario_id = scenario.id
    login(make_user("worker"))
    assert client.get(f"/simulatori/scenari/{scenario_id}").status_code == 404
    assert client.post(f"/simulatori/scenari/{scenario_id}/elimina", data={}).status_code == 404
    assert "Mio" not in client.get("/simulatori/scenari").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SavedScenario, scenario_id) is not None


def test_the_same_name_twice_is_refused_with_a_message(client, make_user, login) -> None:
    login(make_user("worker"))
    save(client, "Casa")
    response = save(client, "Casa")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hai già uno scenario con questo nome" in html


def test_invalid_inputs_are_not_saved(app, client, make_user, login) -> None:
    login(make_user("worker"))
    save(client, "Sbagliato", **{"in-principal": "abc", "in-annual_rate": "5", "in-months": "12"})
    with app.app_context():
        assert db.session.scalars(db.select(SavedScenario)).all() == []


def test_scenarios_are_capped_per_user(app, client, make_user, login, monkeypatch) -> None:
    monkeypatch.setattr(services, "MAX_SCENARIOS", 2)
    login(make_user("worker"))
    for name in ("Uno", "Due", "Tre"):
        response = save(client, name)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2" in html and ("saved scenarios" in html or "scenari salvati" in html)
    with app.app_context():
        assert len(db.session.scalars(db.select(SavedScenario)).all()) == 2


def test_database_refuses_unknown_simulators_and_duplicate_names(app, make_user) -> None:
    user_id = make_user("worker")
    with app.app_context():
        db.session.add(SavedScenario(user_id=user_id, simulator="lottery", name="x", inputs={}))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(SavedScenario(user_id=user_id, simulator="loan", name="x", inputs={}))
        db.session.add(SavedScenario(user_id=user_id, simulator="loan", name="x", inputs={}))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_scenarios_for_and_summary(app, make_user) -> None:
    user_id = make_user("worker")
    with app.test_request_context():
        db.session.add(
            SavedScenario(
                user_id=user_id,
                simulator="loan",
                name="Auto",
                inputs={"principal": 200000, "annual_rate": 7.5, "months": 180},
            )
        )
        db.session.commit()
        (scenario,) = services.scenarios_for(user_id)
        summary = services.scenario_summary(scenario)
        assert summary["name"] == "Auto" and summary["simulator"] == "loan"
        assert summary["results"]["installment"] == 1854.02
