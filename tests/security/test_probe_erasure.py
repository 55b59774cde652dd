"""After a confirmed erasure, nothing the person gave the features of the last sessions stays
readable: resources answers and the map shared with a request (pregnancy, Law 104, a child's
disability), health needs, well-being answers, and the case file the manager opens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import (
    ConsultationRequest,
    ErasureRequest,
    HealthNeedProfile,
    ImpactResponse,
    ResourceProfile,
)
from elearn.models.resources import RequestResourceMap
from tests.consult.conftest import Coops, coops, make_request  # noqa: F401 - fixtures by name
from tests.resources.test_pages import _answer_all


def _erase(app, login, coops, worker_client) -> None:  # noqa: F811
    assert worker_client.post("/profilo/cancellazione", data={}).status_code == 302
    with app.app_context():
        erasure_id = db.session.scalar(
            select(ErasureRequest.id).where(ErasureRequest.user_id == coops.worker)
        )
    manager = app.test_client()
    login(coops.manager, manager)
    confirmed = manager.post(f"/privacy/richieste/{erasure_id}/conferma", data={})
    assert confirmed.status_code == 302


@pytest.fixture
def shared_special_map(app, client, coops, login, make_request):  # noqa: F811
    """Giulia answered the resources questions with the special consent (a relative under Law
    104, a pregnancy), attached the map to her request, and declared health needs."""
    from elearn.healthfund.household import save_needs
    from elearn.models import User

    request_id = make_request(coops.worker)
    login(coops.worker)
    _answer_all(client, consent="yes", special={"relative_104": "grave"})
    assert client.post("/risorse/allega", data={"request": str(request_id)}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(RequestResourceMap)).inputs["relative_104"] == "grave"
        save_needs(db.session.get(User, coops.worker), {"maternity": 1200}, consent=True)
    return request_id


def test_erasure_removes_health_needs_and_well_being_answers(
    app,
    client,
    coops,  # noqa: F811
    login,
    shared_special_map,
):
    _erase(app, login, coops, client)
    with app.app_context():
        assert db.session.get(HealthNeedProfile, coops.worker) is None
        assert (
            db.session.scalar(
                select(ImpactResponse.id).where(ImpactResponse.user_id == coops.worker)
            )
            is None
        )
        request = db.session.get(ConsultationRequest, shared_special_map)
        assert request.description == ""


def test_erasure_removes_the_resources_answers_and_the_shared_map(
    app,
    client,
    coops,  # noqa: F811
    login,
    shared_special_map,
):
    _erase(app, login, coops, client)
    manager = app.test_client()
    login(coops.manager, manager)
    shared = manager.get(f"/gestione/richieste/{shared_special_map}/risorse")
    with app.app_context():
        left = {
            "resources answers": db.session.get(ResourceProfile, coops.worker) is not None,
            "shared maps": db.session.scalar(select(RequestResourceMap.id)) is not None,
            "manager opens the shared map": shared.status_code == 200,
        }
    assert left == {
        "resources answers": False,
        "shared maps": False,
        "manager opens the shared map": False,
    }
