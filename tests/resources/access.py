"""Access rules for the resources map: workers' questionnaire and map, managers, admins."""

from __future__ import annotations

from typing import Any

WORKER = ("worker",)
MANAGER = ("manager",)
ADMIN = ("admin",)

RULES = {
    "resources.map_page": WORKER,
    "resources.questionnaire": WORKER,
    "resources.step": WORKER,
    "resources.attach": WORKER,
    "resources.manager_map": MANAGER,
    "resources.manager_pathway": MANAGER,
    "resources.admin_list": ADMIN,
    "resources.admin_edit": ADMIN,
    "resources.admin_delete": ADMIN,
}


def sample_values(app: Any, people: dict[str, int], values: dict[str, Any]) -> None:
    """A questionnaire step, a coop resource of the worker's organization, and a map the worker
    attached to their request (the request comes from tests/consult/access.py)."""
    from datetime import date

    from elearn.extensions import db
    from elearn.models import CoopResource, RequestResourceMap, User

    values["questionnaire_step"] = "famiglia"
    with app.app_context():
        worker = db.session.get(User, people["worker"])
        resource = CoopResource(organization_id=worker.organization_id, title="Buoni spesa")
        db.session.add(resource)
        db.session.add(
            RequestResourceMap(
                request_id=values["request_id"],
                worker_id=worker.id,
                computed_on=date(2026, 12, 3),
                inputs={"children": [{"age": 5}], "has_isee": True, "isee": 15000},
            )
        )
        db.session.commit()
        values["coop_resource_id"] = resource.id
