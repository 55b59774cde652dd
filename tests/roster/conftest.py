"""Fixtures for roster tests: an admin logged in, uploading a roster file, reading the outbox."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import OutboxMessage


@pytest.fixture
def coop(make_org) -> int:
    return make_org(name="Il Girasole", invite_code="GIRASOLE26")


@pytest.fixture
def admin(make_user, login, coop) -> int:
    admin_id = make_user("admin", language="en")
    login(admin_id)
    return admin_id


@pytest.fixture
def upload(client) -> Callable[..., Any]:
    def do_upload(content: str | bytes, org_id: int, name: str = "roster.csv") -> Any:
        raw = content.encode("utf-8") if isinstance(content, str) else content
        return client.post(
            "/admin/personale/importa",
            data={"organization_id": str(org_id), "file": (io.BytesIO(raw), name)},
            content_type="multipart/form-data",
        )

    return do_upload


@pytest.fixture
def import_roster(client, upload) -> Callable[..., str]:
    """Upload and confirm a file; returns the preview page's text."""

    def do_import(content: str | bytes, org_id: int) -> str:
        response = upload(content, org_id)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        preview = client.get(response.headers["Location"])
        assert preview.status_code == 200
        confirmed = client.post(response.headers["Location"] + "/conferma", data={})
        assert confirmed.status_code == 302
        assert "/admin/personale/" in confirmed.headers["Location"], confirmed.headers["Location"]
        return preview.get_data(as_text=True)

    return do_import


@pytest.fixture
def outbox(app) -> Callable[[], list[OutboxMessage]]:
    def messages() -> list[OutboxMessage]:
        with app.app_context():
            rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
            db.session.expunge_all()
            return list(rows)

    return messages


LINK_RE = re.compile(r"http://127\.0\.0\.1:5000/invito/([A-Za-z0-9_\-]+)")


def link_token(body: str) -> str:
    match = LINK_RE.search(body)
    assert match, body
    return match.group(1)
