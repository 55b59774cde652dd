"""The simulators JSON API: reference cases over HTTP, errors, charts, OpenAPI and a fuzz run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.simulators.test_reference_cases import CASES, close, tolerance_for

LOAN = {"principal": 10000, "annual_rate": 7.5, "months": 60}
VALID = {
    "loan": LOAN,
    "savings": {"initial": 1000, "monthly_deposit": 100, "annual_rate": 3, "months": 60},
    "savings-goal": {"target": 5000, "months": 36, "annual_rate": 2},
    "taeg": {"cashflows": [{"years": 0, "amount": 1000}, {"years": 1, "amount": -1100}]},
    "budget": {
        "incomes": [{"category": "Stipendio", "amount": 1400}],
        "expenses": [{"category": "Affitto", "amount": 600}],
        "savings": 1000,
    },
    "debt": {
        "debts": [{"name": "Carta", "balance": 1500, "annual_rate": 18, "min_payment": 60}],
        "monthly_budget": 200,
    },
    "loan-compare": {"offers": [LOAN, {**LOAN, "upfront_fees": 200}]},
    "loan-early-repayment": {**LOAN, "month": 12, "amount": 2000},
    "debt-compare": {
        "debts": [{"name": "Carta", "balance": 1500, "annual_rate": 18, "min_payment": 60}],
        "monthly_budget": 200,
    },
}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_reference_case_through_http(client, case: dict[str, Any]) -> None:
    response = client.post(case["endpoint"], json=case["request"])
    expected = case["expected"]
    if "status" in expected:
        assert response.status_code == expected["status"]
        assert expected["error_field"] in response.get_json()["errors"]
        return
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    for key, value in expected.items():
        if key == "schedule_rows":
            for row in value:
                actual = body["schedule"][row["n"] - 1]
                for field, number in row.items():
                    assert close(actual[field], number, tolerance_for(field, case))
        else:
            assert close(body[key], value, tolerance_for(key, case)), (key, body[key], value)


@pytest.mark.parametrize("name", sorted(VALID))
def test_every_simulator_answers_200_with_a_json_object(client, name: str) -> None:
    response = client.post(f"/api/v1/simulators/{name}", json=VALID[name])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert isinstance(response.get_json(), dict)


def test_bad_input_gives_422_with_italian_messages_by_default(client) -> None:
    response = client.post("/api/v1/simulators/loan", json={**LOAN, "months": 0, "principal": -5})
    assert response.status_code == 422
    assert response.get_json() == {
        "errors": {
            "months": "La durata deve essere di almeno 1 mese.",
            "principal": "Il valore non può essere negativo.",
        }
    }


def test_bad_input_messages_follow_accept_language(client) -> None:
    response = client.post(
        "/api/v1/simulators/loan",
        json={**LOAN, "months": 0},
        headers={"Accept-Language": "en-GB,en;q=0.9"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["months"] == "The duration must be at least 1 month."


def test_list_field_errors_use_dotted_keys(client) -> None:
    body = {"debts": [{"balance": "x", "annual_rate": 5, "min_payment": 10}], "monthly_budget": 50}
    response = client.post("/api/v1/simulators/debt", json=body)
    assert response.status_code == 422
    assert "debts.0.balance" in response.get_json()["errors"]


def test_a_body_that_is_not_json_gives_400_json(client) -> None:
    response = client.post("/api/v1/simulators/loan", data="principal=5", content_type="text/plain")
    assert response.status_code == 400
    assert "__all__" in response.get_json()["errors"]


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "3", "null", "true"])
def test_a_json_body_that_is_not_an_object_gives_422(client, body: str) -> None:
    response = client.post("/api/v1/simulators/loan", data=body, content_type="application/json")
    assert response.status_code == 422
    assert "__all__" in response.get_json()["errors"]


def test_an_unknown_simulator_gives_404_json(client) -> None:
    response = client.post("/api/v1/simulators/lottery", json={})
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_the_api_needs_no_csrf_token(client) -> None:
    response = client.post("/api/v1/simulators/loan", data=json.dumps(LOAN), csrf=False)
    assert response.status_code == 200


def test_loan_chart_is_well_formed_svg_with_title_and_its_own_policy(client) -> None:
    response = client.get(
        "/api/v1/simulators/loan/chart.svg?principal=10000&annual_rate=7,5&months=60"
    )
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'"
    )
    root = ET.fromstring(response.get_data())
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == "Il tuo prestito nel tempo"


def test_chart_labels_follow_the_lang_parameter(client) -> None:
    response = client.get(
        "/api/v1/simulators/savings/chart.svg?lang=en&initial=100&"
        "monthly_deposit=10&annual_rate=2&months=24"
    )
    root = ET.fromstring(response.get_data())
    assert root.find("{http://www.w3.org/2000/svg}title").text == "How your savings grow"


def test_budget_chart_reads_list_rows_from_the_query(client) -> None:
    response = client.get(
        "/api/v1/simulators/budget/chart.svg?incomes-0-category=Stipendio&incomes-0-amount=1400"
        "&expenses-0-category=Affitto&expenses-0-amount=600&expenses-3-category=Spesa"
        "&expenses-3-amount=300"
    )
    assert response.status_code == 200
    assert "Affitto" in response.get_data(as_text=True)


def test_chart_with_bad_input_gives_422_keyed_by_query_name(client) -> None:
    response = client.get(
        "/api/v1/simulators/debt/chart.svg?monthly_budget=100&debts-2-balance=x"
        "&debts-2-annual_rate=5&debts-2-min_payment=10"
    )
    assert response.status_code == 422
    assert "debts-2-balance" in response.get_json()["errors"]


def test_chart_of_a_simulator_without_chart_is_404(client) -> None:
    assert client.get("/api/v1/simulators/taeg/chart.svg").status_code == 404


def test_openapi_describes_every_simulator(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    for name in VALID:
        assert f"/api/v1/simulators/{name}" in document["paths"]
    assert "/api/v1/simulators/loan/chart.svg" in document["paths"]


# -- fuzzing --------------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**15), max_value=10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "abc", "1.000,5", "1e400", "NaN", "-0", "10.000", "7,5", "∞"])
    | st.lists(st.integers(), max_size=3)
    | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code in (400, 422):
        errors = response.get_json()["errors"]
        assert errors and all(isinstance(k, str) and isinstance(v, str) for k, v in errors.items())
    else:
        assert response.status_code == 200
        json.dumps(response.get_json(), allow_nan=False)


@FUZZ
@given(name=st.sampled_from(sorted(VALID)), body=JSON_VALUES)
def test_fuzz_arbitrary_json_never_gives_5xx(client, name: str, body: Any) -> None:
    _check(client.post(f"/api/v1/simulators/{name}", json=body))


def _mutate(data: Any, draw: Any) -> Any:
    if isinstance(data, dict) and data:
        key = draw(st.sampled_from(sorted(data)))
        action = draw(st.sampled_from(["replace", "drop", "recurse"]))
        copy = dict(data)
        if action == "drop":
            copy.pop(key)
        elif action == "recurse" and isinstance(copy[key], dict | list):
            copy[key] = _mutate(copy[key], draw)
        else:
            copy[key] = draw(SCALARS)
        return copy
    if isinstance(data, list) and data:
        index = draw(st.integers(0, len(data) - 1))
        copy = list(data)
        copy[index] = _mutate(copy[index], draw) if draw(st.booleans()) else draw(SCALARS)
        return copy
    return draw(SCALARS)


@FUZZ
@given(name=st.sampled_from(sorted(VALID)), data=st.data())
def test_fuzz_mutated_valid_payloads_never_give_5xx(client, name: str, data: Any) -> None:
    body = VALID[name]
    for _ in range(data.draw(st.integers(1, 3))):
        body = _mutate(body, data.draw)
    _check(client.post(f"/api/v1/simulators/{name}", json=body))


@FUZZ
@given(
    name=st.sampled_from(["loan", "savings", "budget", "debt"]),
    params=st.dictionaries(
        st.sampled_from(
            [
                "principal",
                "annual_rate",
                "months",
                "method",
                "initial",
                "monthly_deposit",
                "expenses-0-category",
                "expenses-0-amount",
                "incomes-1-amount",
                "debts-0-balance",
                "debts-0-annual_rate",
                "debts-0-min_payment",
                "monthly_budget",
                "lang",
            ]
        ),
        st.text(max_size=8) | st.sampled_from(["100", "7,5", "60", "0", "-1", "1e9"]),
        max_size=8,
    ),
)
def test_fuzz_chart_query_never_gives_5xx(client, name: str, params: dict[str, str]) -> None:
    response = client.get(f"/api/v1/simulators/{name}/chart.svg", query_string=params)
    # 400: the app refuses control characters such as NUL in any query string.
    assert response.status_code in (200, 400, 422), response.get_data(as_text=True)[:300]
