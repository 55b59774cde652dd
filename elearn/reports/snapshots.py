"""Dashboard snapshots: each dashboard computed at most every few minutes and stored, so that
a manager's page costs one lookup whatever the number of learners."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask_babel import force_locale
from sqlalchemy import delete, select

from elearn.database import dialect_insert
from elearn.extensions import db
from elearn.models import Course, ManagerOrganization, ReportSnapshot
from elearn.models.base import utcnow
from elearn.reports.services import Dashboard, Row, Table, dashboard

# Part of every snapshot key: snapshots written before the figures were guarded are never read.
SNAPSHOT_FORMAT = "guarded-1"


def _table_to_dict(table: Table | None) -> dict[str, Any] | None:
    if table is None:
        return None
    return {
        "key": table.key,
        "caption": table.caption,
        "headers": table.headers,
        "rows": [[row.label, row.values] for row in table.rows],
    }


def _table_from_dict(data: dict[str, Any] | None) -> Table | None:
    if data is None:
        return None
    return Table(
        data["key"],
        data["caption"],
        data["headers"],
        [Row(label, values) for label, values in data["rows"]],
    )


def _snapshot_key(org_ids: list[int], course_slug: str | None, locale: str) -> str:
    return f"{SNAPSHOT_FORMAT}|{','.join(map(str, sorted(org_ids)))}|{course_slug or ''}|{locale}"


def cached_dashboard(
    org_ids: list[int],
    course_slug: str | None,
    locale: str,
    max_age_seconds: int,
    *,
    force: bool = False,
) -> Dashboard:
    """The dashboard from a snapshot younger than `max_age_seconds`, else computed and stored.

    Figures may then be a few minutes old (the page says when they were computed); in exchange
    a manager's page costs one lookup, whatever the number of learners.
    """
    courses = list(
        db.session.scalars(
            select(Course).where(Course.published_at.is_not(None)).order_by(Course.title)
        )
    )
    selected = next((c for c in courses if c.slug == course_slug), None)
    key = _snapshot_key(org_ids, selected.slug if selected else None, locale)
    now = utcnow()
    if max_age_seconds > 0 and not force:
        row = db.session.get(ReportSnapshot, key)
        if row is not None and (now - row.computed_at).total_seconds() < max_age_seconds:
            data = json.loads(row.payload)
            return Dashboard(
                workers=data["workers"],
                reach=data["reach"],
                reach_share=data["reach_share"],
                weeks=[(date.fromisoformat(day), count) for day, count in data["weeks"]],
                courses=_table_from_dict(data["courses"]),
                hardest=_table_from_dict(data["hardest"]),
                groups=_table_from_dict(data["groups"]),
                modules=_table_from_dict(data["modules"]),
                selected_course=selected,
                all_courses=courses,
                computed_at=row.computed_at,
            )
    result = dashboard(org_ids, selected.slug if selected else None)
    result.computed_at = now
    if max_age_seconds > 0:
        payload = json.dumps(
            {
                "workers": result.workers,
                "reach": result.reach,
                "reach_share": result.reach_share,
                "weeks": [(day.isoformat(), count) for day, count in result.weeks],
                "courses": _table_to_dict(result.courses),
                "hardest": _table_to_dict(result.hardest),
                "groups": _table_to_dict(result.groups),
                "modules": _table_to_dict(result.modules),
            }
        )
        statement = dialect_insert(ReportSnapshot).values(key=key, payload=payload, computed_at=now)
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=["key"], set_={"payload": payload, "computed_at": now}
            )
        )
        db.session.commit()
    return result


def refresh_snapshots(locales: tuple[str, ...] = ("it", "en")) -> int:
    """Recompute the dashboards managers open (each organization, and each manager's set);
    drop snapshots of an older format (before the figures were guarded)."""
    db.session.execute(
        delete(ReportSnapshot).where(ReportSnapshot.key.not_like(f"{SNAPSHOT_FORMAT}|%"))
    )
    db.session.commit()

    scopes: set[tuple[int, ...]] = set()
    by_manager: dict[int, list[int]] = {}
    for user_id, org_id in db.session.execute(
        select(ManagerOrganization.user_id, ManagerOrganization.organization_id)
    ):
        by_manager.setdefault(user_id, []).append(org_id)
        scopes.add((org_id,))
    scopes.update(tuple(sorted(ids)) for ids in by_manager.values())
    for scope_ids in scopes:
        for locale in locales:
            with force_locale(locale):
                cached_dashboard(list(scope_ids), None, locale, max_age_seconds=1, force=True)
    return len(scopes) * len(locales)
