"""The simulators JSON API with bodies that are not what it expects.

tests/simulate/test_api.py fuzzes the *values* inside well-formed JSON; here the body itself is
wrong: malformed or truncated JSON, NaN and Infinity literals, numbers too large for a float or
too long for an int, deep nesting, duplicate keys, byte order marks, UTF-16, invalid UTF-8, and
every content type. The contract (DESIGN.md): 400 or 422 with {"errors": {field: message}},
404 for an unknown simulator, never a 500 and never a non-JSON answer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import IN_CI
from tests.security.strategies import CONTENT_TYPES, JSON_VALUES, MALFORMED_JSON
from tests.simulate.test_api import VALID

# Under CI the same examples every run (a red build is reproducible); locally, new ones each
# run, and SECURITY_FUZZ_EXAMPLES=200 hunts deeper.
FUZZ = settings(
    derandomize=IN_CI,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NAMES = sorted(VALID)


def _check(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.get_data(as_text=True)[:500]}"
    assert response.mimetype == "application/json", f"{what}: answered {response.mimetype}"
    body = response.get_json()
    if response.status_code in (400, 422):
        errors = body["errors"]
        assert errors, what
        assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in errors.items())
    elif response.status_code == 200:
        json.dumps(body, allow_nan=False)  # a result a browser can read: no NaN, no Infinity
    else:
        assert response.status_code == 404 and "error" in body, what


def _mutations(valid: dict[str, Any]) -> st.SearchStrategy[bytes]:
    text = json.dumps(valid)
    return st.one_of(
        st.integers(0, len(text)).map(lambda n: text[:n].encode()),  # truncated
        st.sampled_from(
            [
                text.replace("10000", "NaN").encode(),
                text.replace("10000", "Infinity").encode(),
                text.replace("10000", "1e999").encode(),
                text.replace("10000", "-1e999").encode(),
                text.replace("10000", "1" * 4500).encode(),
                text.replace("10000", '"1.000,50"').encode(),
                text.replace("10000", '"\\u0000"').encode(),
                text.encode("utf-16"),
                b"\xef\xbb\xbf" + text.encode(),
                text.encode() + b"\xff",
                text.encode() + b" trailing",
                (text[:-1] + ', "extra": ' + "[" * 3000 + "]" * 3000 + "}").encode(),
            ]
        ),
    )


@FUZZ
@given(
    name=st.sampled_from(NAMES),
    data=st.data(),
    content_type=st.sampled_from(CONTENT_TYPES),
)
def test_malformed_bodies_and_wrong_content_types(client, name, data, content_type) -> None:
    body = data.draw(
        st.one_of(
            st.sampled_from(MALFORMED_JSON),
            _mutations(VALID[name]),
            JSON_VALUES.map(lambda v: json.dumps(v).encode()),
            st.binary(max_size=200),
        )
    )
    response = client.post(
        f"/api/v1/simulators/{name}", data=body, content_type=content_type or None
    )
    _check(response, f"{name} {content_type!r} {body[:120]!r}")


@pytest.mark.parametrize("name", NAMES)
def test_a_valid_body_sent_as_a_form_is_refused_with_a_message(client, name) -> None:
    flat = {k: str(v) for k, v in VALID[name].items() if not isinstance(v, list | dict)}
    response = client.post(f"/api/v1/simulators/{name}", data=flat)
    _check(response, name)
    assert response.status_code == 400


def test_a_body_over_the_size_limit_is_refused_not_parsed(client) -> None:
    huge = b'{"principal": 1000, "pad": "' + b"x" * (300 * 1024) + b'"}'
    response = client.post("/api/v1/simulators/loan", data=huge, content_type="application/json")
    _check(response, "huge body")
    assert response.status_code == 400


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_invalid_input(client, literal) -> None:
    body = f'{{"principal": {literal}, "annual_rate": 5, "months": 12}}'.encode()
    response = client.post("/api/v1/simulators/loan", data=body, content_type="application/json")
    _check(response, literal)
    assert response.status_code == 422
    assert "principal" in response.get_json()["errors"]
