"""A title of blank space on the admins' cooperative resources form (found by
tests/security/test_fuzz_forms.py, which fails on it now and then): a message, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import CoopResource


@pytest.mark.xfail(
    strict=True,
    reason=(
        "BUG (admins only, not a hole): InputRequired accepts '  ', coop.save_coop_resource "
        "strips it to '' and the database's ck_coop_resource_title_length check fails: a 500 "
        "page on create and on edit"
    ),
)
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
