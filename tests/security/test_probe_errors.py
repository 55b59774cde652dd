"""Server errors the form fuzzer (tests/security/test_fuzz_forms.py) hits now and then, pinned
down as plain cases: bad input gets a message and a 4xx, never a 500."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import CoopResource


def test_a_blank_title_gets_a_message_not_an_error(app, client, make_org, make_user, login):
    org = make_org()
    login(make_user("admin"))
    form = {"organization": str(org), "title": "Buono libri", "active": "y"}
    assert client.post("/admin/risorse-cooperative", data=form).status_code == 302
    with app.app_context():
        resource_id = db.session.scalar(select(func.max(CoopResource.id)))
    created = client.post("/admin/risorse-cooperative", data={**form, "title": "   "})
    edited = client.post(f"/admin/risorse-cooperative/{resource_id}", data={**form, "title": " "})
    assert (created.status_code, edited.status_code) == (422, 422)


def test_a_loan_with_fees_eating_the_principal_gets_a_page_not_an_error(app):
    visitor = app.test_client()
    query = "principal=1000&annual_rate=5&months=1&upfront_fees=999"
    page = visitor.get(f"/simulatori/prestito?{query}")
    assert page.status_code == 200
    # A TAEG of about 1e38 %: shown as a bound that fits a phone, not 40 digits.
    assert "&gt;\u00a0100.000\u00a0%" in page.get_data(as_text=True)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "BUG (managers only): reports/services.scope turns ?org= into an int when it is all "
        "digits; 5000 digits exceed Python's int conversion limit (ValueError): a 500 on "
        "/impatto and its CSV, and on the learning reports (/report, its export, the learners "
        "list) that share it (found by test_fuzz_forms now and then)"
    ),
)
def test_a_very_long_cooperative_number_in_the_impact_report_is_not_an_error(
    app, client, make_user, login
):
    login(make_user("manager"))
    paths = ["/impatto", "/impatto/rapporto.csv"]
    with app.test_request_context():
        paths += [url_for(e) for e in ("reports.dashboard", "reports.learners")]
    answers = {path: client.get(f"{path}?org={'9' * 5000}").status_code for path in paths}
    assert all(status in (200, 400, 404) for status in answers.values()), answers
