"""The budget planner page without JavaScript, monthly budgets, the API's two shapes, and a
budget attached to a consultation request."""

from __future__ import annotations

import re

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import ConsultationRequest, RequestScenario, SavedScenario

IT = {"Accept-Language": "it-IT,it;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


def text_of(response) -> str:
    return response.get_data(as_text=True).replace("\xa0", " ")


def row_names(html: str, kind: str, category: str, subitem: str) -> str:
    """The form prefix (``expenses-7``) of a catalogue row."""
    pattern = (
        rf'name="({kind}-\d+)-category" value="{category}">\s*'
        rf'<input type="hidden" name="\1-subitem" value="{subitem}">'
    )
    match = re.search(pattern, html)
    assert match, f"no row for {category}/{subitem}"
    return match.group(1)


def planner_form(client, **values: str) -> dict[str, str]:
    """Every field of the empty planner as a browser would post it, with ``values`` typed in
    (keys like ``expenses:bollette:tari:amount``)."""
    html = client.get("/simulatori/bilancio?vuoto=1", headers=IT).get_data(as_text=True)
    form = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        form[name] = value
    for name in re.findall(r'<input id="f-[^"]+" name="([^"]+)" value=""', html):
        form.setdefault(name, "")
    for name, chosen in re.findall(
        r'<select id="f-[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', html, flags=re.S
    ):
        selected = re.search(r'<option value="([^"]*)" selected>', chosen)
        form[name] = selected.group(1) if selected else ""
    for key, value in values.items():
        kind, category, subitem, field = key.split(":")
        form[f"{row_names(html, kind, category, subitem)}-{field}"] = value
    form.pop("csrf_token", None)
    return form


def test_the_page_is_a_plain_form_with_a_row_per_subitem(client) -> None:
    html = text_of(client.get("/simulatori/bilancio?vuoto=1", headers=IT))
    assert '<form method="post" action="/simulatori/bilancio"' in html
    prefix = row_names(html, "expenses", "bollette", "tari")
    # TARI is paid once a year: the row says so before anyone touches it.
    assert re.search(rf'name="{prefix}-frequency".*?<option value="yearly" selected>', html, re.S)
    assert "TARI (rifiuti)" in html and "Asilo nido" in html and "Tredicesima" in html
    # Categories fold away without JavaScript.
    assert "<details" in html and "Bollette" in html


def test_posting_the_planner_computes_per_month_by_frequency(client) -> None:
    form = planner_form(
        client,
        **{
            "incomes:lavoro:stipendio:amount": "1500",
            "incomes:lavoro:tredicesima:amount": "1500",
            "expenses:casa:affitto:amount": "600",
            "expenses:bollette:tari:amount": "240",
            "expenses:spesa:alimentari:amount": "90",
            "expenses:rate:auto:amount": "300",
        },
    )
    response = client.post("/simulatori/bilancio", data=form, headers=IT)
    assert response.status_code == 200
    html = text_of(response)
    assert "1.625,00 €" in html  # 1500 + 1500 / 12
    assert "1.310,00 €" in html  # 600 + 20 + 90 x 52 / 12 + 300
    assert "315,00 €" in html  # left over
    assert "18 %" in html  # instalments: 300 / 1625
    assert "Cosa guardare per primo" in html
    assert "Metti da parte per le spese che non arrivano ogni mese" in html
    assert "20,00 €" in html  # the TARI, a month


def test_a_free_expense_without_a_group_is_asked_for_its_group(client) -> None:
    form = planner_form(client, **{"incomes:lavoro:stipendio:amount": "1500"})
    free = [key for key in form if key.startswith("expenses-") and key.endswith("-category")]
    prefix = free[-3].rsplit("-", 1)[0]  # the first of the empty free rows
    form.update({f"{prefix}-category": "Veterinario", f"{prefix}-amount": "40"})
    form[f"{prefix}-group"] = ""
    response = client.post("/simulatori/bilancio", data=form, headers=IT)
    assert response.status_code == 422
    html = text_of(response)
    row = re.search(r'name="(expenses-\d+)-category" value="Veterinario"', html).group(1)
    assert re.search(
        rf'id="f-{row}-group-error" class="field-error"[^>]*>Scegli il gruppo di questa spesa.<',
        html,
    )
    form[f"{prefix}-group"] = "needs"
    answered = client.post("/simulatori/bilancio", data=form, headers=IT)
    assert answered.status_code == 200 and "Veterinario" in text_of(answered)


def test_a_wrong_amount_is_shown_beside_its_row_never_a_500(client) -> None:
    form = planner_form(client, **{"expenses:bollette:luce:amount": "10.000"})
    response = client.post("/simulatori/bilancio", data=form, headers=EN)
    assert response.status_code == 422
    html = text_of(response)
    row = re.search(r'name="(expenses-\d+)-subitem" value="luce"', html).group(1)
    assert re.search(rf'id="f-{row}-amount-error" class="field-error"[^>]*>Ambiguous number', html)
    assert 'value="10.000"' in html


# -- monthly budgets ------------------------------------------------------------------------------

MONTH_INPUTS = {
    "in-incomes-0-category": "lavoro",
    "in-incomes-0-subitem": "stipendio",
    "in-incomes-0-amount": "1500",
    "in-expenses-0-category": "casa",
    "in-expenses-0-subitem": "affitto",
    "in-expenses-0-amount": "700",
    "in-expenses-1-category": "bollette",
    "in-expenses-1-subitem": "tari",
    "in-expenses-1-amount": "240",
    "in-expenses-1-frequency": "yearly",
}


def save_month(client, month: str, **changes: str):
    return client.post(
        "/simulatori/bilancio/mesi", data={**MONTH_INPUTS, **changes, "month": month}, headers=IT
    )


def test_a_worker_saves_months_and_sees_the_change(app, client, make_user, login) -> None:
    login(make_user("worker"))
    assert save_month(client, "2026-11").status_code == 303
    response = save_month(client, "2026-12", **{"in-expenses-0-amount": "750"})
    assert response.headers["Location"] == "/simulatori/bilancio/mesi"
    html = text_of(client.get("/simulatori/bilancio/mesi", headers=IT))
    assert "novembre 2026" in html and "dicembre 2026" in html
    assert "780,00 €" in html and "730,00 €" in html  # left over in November and December
    assert "−50,00 €" in html  # December against November
    assert "A dicembre 2026 hai speso 50,00 € in più che a novembre 2026." in html
    assert "<svg" in html and "Entrate e uscite, mese per mese" in html
    with app.app_context():
        stored = db.session.scalars(select(SavedScenario).order_by(SavedScenario.month)).all()
        assert [s.month for s in stored] == ["2026-11", "2026-12"]
        assert stored[0].inputs["expenses"][1] == {
            "category": "bollette",
            "subitem": "tari",
            "amount": 240.0,
            "frequency": "yearly",
        }


def test_saving_a_month_again_replaces_it(app, client, make_user, login) -> None:
    login(make_user("worker"))
    save_month(client, "2026-12")
    save_month(client, "2026-12", **{"in-incomes-0-amount": "1600"})
    page = text_of(client.get("/simulatori/bilancio/mesi", headers=IT))
    assert "Il bilancio di dicembre 2026 è stato aggiornato." in page
    with app.app_context():
        (only,) = db.session.scalars(select(SavedScenario)).all()
        assert only.month == "2026-12" and only.inputs["incomes"][0]["amount"] == 1600.0


def test_a_saved_month_opens_in_the_planner(client, make_user, login) -> None:
    login(make_user("worker"))
    save_month(client, "2026-11")
    html = text_of(client.get("/simulatori/bilancio/mesi/2026-11", headers=IT))
    assert "Bilancio di novembre 2026" in html
    row = row_names(html, "expenses", "bollette", "tari")
    assert f'name="{row}-amount" value="240"' in html
    assert client.get("/simulatori/bilancio/mesi/2026-10").status_code == 404
    assert client.get("/simulatori/bilancio/mesi/dicembre").status_code == 404


def test_a_bad_month_or_bad_numbers_are_refused_with_a_message(app, client, make_user, login):
    login(make_user("worker"))
    response = save_month(client, "12/2026")
    assert response.status_code == 422
    assert "Indica il mese come anno e mese, per esempio 2026-12." in text_of(response)
    response = save_month(client, "2026-13")
    assert response.status_code == 422
    response = save_month(client, "2026-12", **{"in-expenses-0-amount": "tanti"})
    assert response.status_code == 422
    assert "Inserisci un numero" in text_of(response)
    with app.app_context():
        assert db.session.scalars(select(SavedScenario)).all() == []


def test_another_workers_month_is_not_found_and_not_listed(app, client, make_user, login):
    owner = make_user("worker")
    with app.app_context():
        db.session.add(
            SavedScenario(user_id=owner, simulator="budget", name="Bilancio 2026-11",
                          inputs={"incomes": [], "expenses": []}, month="2026-11")
        )  # fmt: skip
        db.session.commit()
    login(make_user("worker"))
    assert client.get("/simulatori/bilancio/mesi/2026-11").status_code == 404
    assert "novembre 2026" not in text_of(client.get("/simulatori/bilancio/mesi", headers=IT))


def test_deleting_a_month_returns_to_the_months(app, client, make_user, login) -> None:
    login(make_user("worker"))
    save_month(client, "2026-11")
    with app.app_context():
        scenario_id = db.session.scalar(select(SavedScenario.id))
    response = client.post(f"/simulatori/scenari/{scenario_id}/elimina", data={})
    assert response.headers["Location"] == "/simulatori/bilancio/mesi"
    with app.app_context():
        assert db.session.get(SavedScenario, scenario_id) is None


def test_a_monthly_budget_can_be_attached_to_a_consultation(app, client, make_org, make_user,
                                                            login) -> None:  # fmt: skip
    worker = make_user("worker", org_id=make_org("Cooperativa A"))
    login(worker)
    save_month(client, "2026-12", **{"in-expenses-2-category": "rate",
                                     "in-expenses-2-subitem": "prestito",
                                     "in-expenses-2-amount": "500"})  # fmt: skip
    with app.app_context():
        scenario_id = db.session.scalar(select(SavedScenario.id))
    months = text_of(client.get("/simulatori/bilancio/mesi", headers=IT))
    assert f"/consulenza/nuova?simulator=budget&amp;scenario={scenario_id}" in months
    form = text_of(client.get(f"/consulenza/nuova?simulator=budget&scenario={scenario_id}"))
    checkbox = f'checked id="scenarios-0" name="scenarios" type="checkbox" value="{scenario_id}"'
    assert checkbox in form
    response = client.post(
        "/consulenza/nuova",
        data={
            "topic": "budget",
            "description": "Le rate pesano troppo.",
            "channel": "phone",
            "scenarios": str(scenario_id),
            "simulator": "budget",
        },
    )
    assert response.status_code == 302
    detail = text_of(client.get(response.headers["Location"]))
    assert "Bilancio 2026-12" in detail
    with app.test_request_context():
        consultation = db.session.scalar(select(ConsultationRequest))
        link = db.session.scalar(select(RequestScenario))
        assert link.request_id == consultation.id and link.scenario_id == scenario_id
        from elearn.simulate.services import scenario_summary

        summary = scenario_summary(db.session.get(SavedScenario, scenario_id))
        assert summary["month"] == "2026-12"
        assert summary["results"]["debt_share"] == 33.33  # 500 / 1500


# -- the JSON API ---------------------------------------------------------------------------------


def test_the_api_still_takes_the_old_lists(client) -> None:
    body = {
        "incomes": [{"category": "Stipendio", "amount": 1800}],
        "expenses": [{"category": "Affitto", "amount": 700}, {"category": "Gatto", "amount": 50}],
    }
    response = client.post("/api/v1/simulators/budget", json=body)
    assert response.status_code == 200
    data = response.get_json()
    assert data["expense_shares"][0] == {
        "category": "Affitto",
        "amount": 700.0,
        "share": 93.33,
        "group": "needs",
        "known": True,
    }
    assert data["unknown_categories"] == ["Gatto"]


def test_the_api_takes_subitems_frequencies_and_groups(client) -> None:
    body = {
        "incomes": [{"category": "lavoro", "subitem": "stipendio", "amount": 2000}],
        "expenses": [
            {"category": "bollette", "subitem": "tari", "amount": 300, "frequency": "yearly"},
            {"category": "casa", "subitem": "mutuo", "amount": 650},
            {"category": "Palestra", "amount": 40, "group": "need"},
        ],
        "savings": 3000,
    }
    data = client.post("/api/v1/simulators/budget", json=body).get_json()
    assert data["total_expenses"] == 715.0
    assert data["groups"] == {"needs": 65.0, "wants": 0.0, "debts": 650.0, "savings": 0.0}
    assert data["debt_service"] == {
        "amount": 650.0,
        "share": 32.5,
        "level": "watch",
        "watch_share": 30.0,
        "high_share": 35.0,
    }
    assert [item["code"] for item in data["advice"]] == ["debt_watch", "irregular_costs"]


def test_the_api_answers_422_with_field_messages_for_bad_new_fields(client) -> None:
    body = {
        "incomes": [{"category": "lavoro", "amount": 100, "frequency": "sometimes"}],
        "expenses": [{"category": "casa", "amount": 5, "group": ["needs"]}],
    }
    response = client.post("/api/v1/simulators/budget", json=body, headers=EN)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"incomes.0.frequency", "expenses.0.group"}
    assert errors["incomes.0.frequency"].startswith("Value not allowed")


def test_the_chart_reads_the_new_rows(client) -> None:
    response = client.get(
        "/api/v1/simulators/budget/chart.svg?incomes-0-category=lavoro&incomes-0-subitem=stipendio"
        "&incomes-0-amount=1500&expenses-0-category=rate&expenses-0-subitem=auto"
        "&expenses-0-amount=300&expenses-1-category=bollette&expenses-1-subitem=tari"
        "&expenses-1-amount=240&expenses-1-frequency=yearly"
    )
    assert response.status_code == 200
    assert "Rata auto" in response.get_data(as_text=True)
    bad = client.get(
        "/api/v1/simulators/budget/chart.svg?expenses-0-category=x&expenses-0-amount=1"
        "&expenses-0-frequency=daily&incomes-0-category=y&incomes-0-amount=1"
    )
    assert bad.status_code == 422 and "expenses.0.frequency" in bad.get_json()["errors"]
