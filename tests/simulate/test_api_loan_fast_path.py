"""The loan API's fast path (orjson schedule, one rounding pass, TAEG without repeated work) gives
the bytes of the plain path: the result rounded value by value and written by the json module."""

from __future__ import annotations

import json
import math
import random
import struct
from typing import Any

import numpy as np
import pytest

from elearn.simulate import pages
from simulators import loans, taeg
from simulators.numbers import cents, round_half_up
from tests.simulators.test_reference_cases import CASES

EDGE_CASES = [
    {"principal": 200000, "annual_rate": 3.5, "months": 360},
    {"principal": 1000, "annual_rate": 0, "months": 1},
    {"principal": 1000, "annual_rate": 5, "months": 1},
    {"principal": 12000, "annual_rate": 0, "months": 360},
    {"principal": 12000, "annual_rate": 0, "months": 24, "upfront_fees": 300},
    {
        "principal": 5000.55,
        "annual_rate": 12.25,
        "months": 84,
        "method": "italian",
        "upfront_fees": 100,
        "installment_fee": 2.5,
    },
    {"principal": 150000, "annual_rate": 4.1, "months": 360, "installment_fee": 1.5},
    {"principal": 1e9, "annual_rate": 100, "months": 600, "installment_fee": 1e9},
    {"principal": 0.01, "annual_rate": 0.0001, "months": 600},
    {"principal": 999.99, "annual_rate": 99.9999, "months": 7, "method": "italian"},
]
REFERENCE_LOANS = [
    case["request"]
    for case in CASES
    if case["endpoint"].endswith("/loan") and "status" not in case["expected"]
]


def plain_body(body: dict[str, Any]) -> bytes:
    """The response as the plain path writes it: every amount rounded on its own by ``cents``,
    the whole written by the json module as Flask's provider does (sorted, compact, ASCII)."""
    data = loans.parse_loan(body)
    result = loans.compute_loan(data)
    schedule = result.schedule
    expected = {
        "principal": cents(data.principal),
        "annual_rate": round_half_up(data.annual_rate, 4),
        "months": data.months,
        "method": data.method,
        "upfront_fees": cents(data.upfront_fees),
        "installment_fee": cents(data.installment_fee),
        "installment": cents(result.installment),
        "total_interest": cents(result.total_interest),
        "total_fees": cents(result.total_fees),
        "total_cost": cents(result.total_cost),
        "total_paid": cents(result.total_paid),
        "net_received": cents(data.principal - data.upfront_fees),
        "taeg": round_half_up(result.taeg, 2),
        "schedule": [
            {
                "n": k + 1,
                "payment": cents(float(schedule.payment[k])),
                "interest": cents(float(schedule.interest[k])),
                "principal": cents(float(schedule.principal[k])),
                "balance": cents(float(schedule.balance[k])),
            }
            for k in range(len(schedule))
        ],
    }
    return (json.dumps(expected, sort_keys=True, separators=(",", ":")) + "\n").encode()


@pytest.mark.parametrize("body", EDGE_CASES + REFERENCE_LOANS)
def test_loan_api_bytes_equal_the_plain_path(client, body):
    response = client.post("/api/v1/simulators/loan", json=body)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_data() == plain_body(body)
    assert response.get_json() == json.loads(plain_body(body))


def test_the_reference_loans_are_compared(client):
    # Guards the parametrisation above against an empty or renamed reference file.
    assert len(REFERENCE_LOANS) >= 5


def test_random_loans_take_the_fast_path_with_the_plain_bytes(app):
    rng = random.Random(13)
    with app.app_context():
        for _ in range(60):
            principal = rng.choice([rng.uniform(1, 1e6), round(rng.uniform(1, 1e9), 2)])
            body = {
                "principal": principal,
                "annual_rate": rng.choice([0, round(rng.uniform(0, 20), 2), rng.uniform(0, 100)]),
                "months": rng.choice([1, 2, 12, 360, 600, rng.randint(1, 600)]),
                "method": rng.choice(["french", "italian"]),
                "upfront_fees": rng.choice([0, rng.uniform(0, principal * 0.9)]),
                "installment_fee": rng.choice([0, 2.5, rng.uniform(0, 100)]),
            }
            result = loans.compute_loan(loans.parse_loan(body)).to_dict()
            assert pages._schedule_json(result["schedule"]) is not None, body
            assert pages.api_response(result).get_data() == plain_body(body), body


def _provider_bytes(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows, sort_keys=True, separators=(",", ":")).encode()


def test_orjson_schedule_is_the_json_modules_for_any_float():
    """Random bit patterns cover every magnitude: the fast path writes the json module's bytes or
    declines (tiny, huge, negative, non-finite), never other bytes."""
    rng = random.Random(5)
    values = []
    while len(values) < 20000:
        value = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        values.append(value)
    values += [math.nan, math.inf, -math.inf, 1e-05, 2.2e-05, 1e-07, 1e16, 0.0001, -0.0]
    for value in values:
        row = {"n": 1, "payment": value, "interest": 0.0, "principal": 0.0, "balance": value}
        text = pages._schedule_json([row])
        assert text is None or text == _provider_bytes([row]), value


def test_cent_amounts_take_the_fast_path():
    rng = random.Random(8)
    amounts = [rng.randrange(0, 10**11) / 100 for _ in range(20000)]
    amounts += [0.0, 0.01, 0.1, 1.0, 100.0, 2.675, 999999999.99, 1e9]
    for start in range(0, len(amounts), 400):
        rows = [
            {"n": k, "payment": v, "interest": v, "principal": v, "balance": v}
            for k, v in enumerate(amounts[start : start + 400], start=1)
        ]
        assert pages._schedule_json(rows) == _provider_bytes(rows)


def test_odd_rows_after_the_first_fall_back():
    good = {"n": 1, "payment": 1.5, "interest": 0.5, "principal": 1.0, "balance": 9.0}
    for odd in (
        {**good, "payment": math.nan},
        {**good, "payment": 2e-05},
        {**good, "payment": 3e-07},
        {**good, "balance": -4.0},
        {**good, "n": "dodici €"},
        {**good, "n": "a\tb"},
        {**good, "n": None},
        {**good, "n": 2**70},
        {**good, 3: 1.0},
    ):
        assert pages._schedule_json([good, odd]) is None, odd


def test_scaled_npv_is_the_direct_formula():
    """The largest exponent found from the ends of the times is the array's maximum: the same
    floats as the plain formula, for roots on either side of zero and at zero."""
    rng = np.random.default_rng(21)
    for times in (
        np.arange(361, dtype=float) / 12.0,
        rng.uniform(0, 60, 40),
        np.array([0.0, 5.0, 5.0, 1.0, 60.0]),
    ):
        amounts = rng.uniform(-1, 1, len(times))
        scaled_npv = taeg._scaled_npv_function(times, amounts)
        for y in [0.0, -0.0, 0.25, -0.25, 1e-15, -1e-15, 1e4, -1e4, *rng.uniform(-50, 50, 200)]:
            exponents = -y * times
            direct = float(np.dot(amounts, np.exp(exponents - exponents.max())))
            assert scaled_npv(y) == direct
            assert scaled_npv(y) == direct  # the kept value


def test_sign_changes_of_ordered_flows_match_the_sorted_count():
    rng = np.random.default_rng(3)
    for _ in range(200):
        size = int(rng.integers(2, 30))
        times = np.sort(rng.choice(np.arange(100.0), size, replace=False))
        amounts = rng.choice([-2.0, -1.0, 0.0, 1.0, 3.0], size)
        shuffled = rng.permutation(size)  # out of order: the general path sorts them back
        assert taeg._sign_changes(times, amounts) == taeg._sign_changes(
            times[shuffled], amounts[shuffled]
        )
    # Flows at the same time are one flow: 1, (-1 + 2), -1 changes sign once, not three times.
    assert taeg._sign_changes(np.array([0.0, 1.0, 1.0, 2.0]), np.array([1.0, -1.0, 2.0, -1.0])) == 1
