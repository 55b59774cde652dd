"""The loan API writes its schedule with a fast path: the bytes must be the JSON provider's."""

from __future__ import annotations

import math

import pytest
from flask import current_app

from elearn.simulate import pages
from simulators.registry import get

CASES = [
    {"principal": 200000, "annual_rate": 3.5, "months": 360},
    {"principal": 1000, "annual_rate": 0, "months": 1},
    {
        "principal": 5000.55,
        "annual_rate": 12.25,
        "months": 84,
        "method": "italian",
        "upfront_fees": 100,
        "installment_fee": 2.5,
    },
]


@pytest.mark.parametrize("body", CASES)
def test_api_bytes_equal_the_providers(app, body):
    with app.app_context():
        result = get("loan").run(body)
        assert pages._schedule_json(result["schedule"]) is not None  # the fast path is taken
        fast = pages.api_response(result)
        plain = current_app.json.response(result)
        assert fast.get_data() == plain.get_data()
        assert fast.mimetype == plain.mimetype


def test_non_finite_or_odd_rows_fall_back(app):
    with app.app_context():
        row = {"n": 1, "payment": math.nan, "interest": 0.0, "principal": 0.0, "balance": 0.0}
        assert pages._schedule_json([row]) is None
        assert pages._schedule_json([{**row, "payment": 1.0, "n": True}]) is None
        assert pages._schedule_json([{"balance": 1.0}]) is None
        result = {"schedule": [row], "months": 1}
        assert pages.api_response(result).get_data() == current_app.json.response(result).get_data()


def test_api_route_returns_the_schedule(client):
    response = client.post("/api/v1/simulators/loan", json=CASES[0])
    assert response.status_code == 200
    data = response.get_json()
    assert len(data["schedule"]) == 360
    assert data["schedule"][0] == {
        "balance": 199685.24,
        "interest": 583.33,
        "n": 1,
        "payment": 898.09,
        "principal": 314.76,
    }
