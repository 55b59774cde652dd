"""Every reference case of shared/reference/simulator_cases.json, through simulators.run."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from simulators import InvalidInput, run

HERE = Path(__file__).resolve().parent


def cases_path() -> Path:
    """The shared file when present (it is the source of truth), else the copy kept here."""
    candidates = [
        Path(os.environ["SIMULATOR_CASES"]) if os.environ.get("SIMULATOR_CASES") else None,
        Path(__file__).resolve().parents[2].parent / "shared/reference/simulator_cases.json",
        HERE / "data/simulator_cases.json",
    ]
    return next(path for path in candidates if path is not None and path.is_file())


CASES: list[dict[str, Any]] = json.loads(cases_path().read_text(encoding="utf-8"))
# Cases of this project beyond the published file (the budget planner's new fields); same
# format, and keys of `expected` may be dotted paths into the response.
LOCAL_CASES: list[dict[str, Any]] = json.loads(
    (HERE / "data/budget_cases.json").read_text(encoding="utf-8")
)


def close(actual: float, expected: float, tolerance: float) -> bool:
    return abs(actual - expected) <= tolerance + 1e-9


def tolerance_for(key: str, case: dict[str, Any]) -> float:
    rates = {"taeg", "savings_rate", "annual_rate", "debt_service.share"}
    kind = "rate" if key in rates or key.endswith(".share") else "money"
    return case.get("tolerance", {}).get(kind, 0.01)


def test_the_cases_file_is_present_and_not_empty() -> None:
    assert len(CASES) >= 16


# sha256 of ../shared/reference/simulator_cases.json when the copy was taken.
SHARED_DIGEST = "7ae224a8993d7cf574a072c7a40bdcedab85b746a6d4a5a842c64c082abc74e2"


def test_the_local_copy_is_the_published_reference_file() -> None:
    import hashlib

    local = (HERE / "data/simulator_cases.json").read_bytes()
    assert hashlib.sha256(local).hexdigest() == SHARED_DIGEST
    shared = Path(__file__).resolve().parents[2].parent / "shared/reference/simulator_cases.json"
    if shared.is_file():  # next to a checkout: the published file has not changed since
        assert hashlib.sha256(shared.read_bytes()).hexdigest() == SHARED_DIGEST


def value_at(body: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        body = body[part]
    return body


def test_the_local_budget_cases_cover_the_new_fields() -> None:
    sent = json.dumps([case["request"] for case in LOCAL_CASES])
    for field in ('"subitem"', '"frequency"', '"group"'):
        assert field in sent


ALL_CASES = CASES + LOCAL_CASES


@pytest.mark.parametrize("case", ALL_CASES, ids=[case["id"] for case in ALL_CASES])
def test_reference_case(case: dict[str, Any]) -> None:
    name = case["endpoint"].rsplit("/", 1)[-1]
    expected = case["expected"]
    if "status" in expected:
        assert expected["status"] == 422
        with pytest.raises(InvalidInput) as caught:
            run(name, case["request"])
        assert expected["error_field"] in caught.value.errors
        return
    body = run(name, case["request"])
    json.dumps(body, allow_nan=False)  # the body must be strict JSON
    for key, value in expected.items():
        if key == "schedule_rows":
            for row in value:
                actual_row = body["schedule"][row["n"] - 1]
                assert actual_row["n"] == row["n"]
                for field, number in row.items():
                    assert close(actual_row[field], number, tolerance_for(field, case)), (
                        f"row {row['n']} {field}: {actual_row[field]} != {number}"
                    )
        else:
            assert close(value_at(body, key), value, tolerance_for(key, case)), (
                f"{key}: {value_at(body, key)} != {value}"
            )
