"""Server errors the form fuzzer (tests/security/test_fuzz_forms.py) hits now and then, pinned
down as plain cases: bad input gets a message and a 4xx, never a 500."""

from __future__ import annotations

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


def test_a_very_long_cooperative_number_in_the_impact_report_is_not_an_error(
    app, client, make_org, make_user, login
):
    # Was a 500: reports/services.scope turned ?org= into an int when it was all digits, and
    # 5000 digits exceed Python's int conversion limit (ValueError). Every page that takes
    # ?org= (the impact report and its files, the learning reports, their exports and charts)
    # now reads it as one of the manager's cooperatives or as "all of them".
    org = make_org(name="Il Girasole")
    login(make_user("manager", org_id=org, managed=[org, make_org(name="Altra")]))
    paths = ["/impatto", "/impatto/rapporto.csv", "/impatto/rapporto.pdf"]
    with app.test_request_context():
        paths += [url_for(e) for e in ("reports.dashboard", "reports.learners")]
        paths += [url_for("reports.export", table=t) for t in ("courses", "weeks")]
        paths += [url_for(e) for e in ("reports.active_chart", "reports.courses_chart")]
    for value in ("9" * 5000, "9" * 40, "\uff11", "1.0", "-1"):
        answers = {p: client.get(p, query_string={"org": value}).status_code for p in paths}
        assert all(status in (200, 400, 404) for status in answers.values()), (value, answers)
    # The other numbers these pages read: the learners list's page, a learner's id.
    assert client.get(f"/report/persone?pagina={'9' * 5000}").status_code == 200
    assert client.get(f"/report/persone/{'9' * 5000}").status_code == 404
    # A cooperative the manager follows, written as its id, still selects it.
    page = client.get(f"/report/persone?org={org}").get_data(as_text=True)
    assert f'<option value="{org}" selected>' in page
