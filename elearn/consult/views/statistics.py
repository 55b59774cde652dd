"""Route of the request statistics for managers."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from elearn.consult import rules, statistics
from elearn.consult.views.common import manager_bp, manager_only


@manager_bp.get("/statistiche", endpoint="statistics")
@manager_only
def request_statistics() -> str:
    return render_template(
        "manage/statistics.html",
        stats=statistics.statistics(current_user),
        topics=rules.TOPIC_LABELS,
    )
