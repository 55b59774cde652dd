"""Schemathesis over /api/v1/openapi.json, through the WSGI app (no server).

Checks: no server error, every status code documented, the documented content type, and each
response valid against its schema (results as DESIGN.md promises them, errors as
{"errors": {field: message}}). The schema is built from `openapi_document()`, the function the
endpoint serves (the lazy `schemathesis.pytest.from_fixture` loader does not work on pytest 9);
the first test proves the served document is that one and a valid OpenAPI document.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from elearn.simulate.openapi import openapi_document
from elearn.urls import public_base_url

schema = schemathesis.openapi.from_dict(openapi_document())


def test_the_served_document_is_the_one_tested_and_valid_openapi(app) -> None:
    served = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)  # validates it
    with app.app_context():
        assert served.raw_schema == openapi_document(public_base_url())
    assert len(list(served.get_all_operations())) == len(openapi_document()["paths"])


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi_description(app, case) -> None:
    case.call_and_validate(
        app=app,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
