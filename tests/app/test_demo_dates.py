"""The demo shows what the product does: activity in the past, a Welfare day on a weekday."""

from __future__ import annotations

from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import ActivityDay, ModuleProgress, WelfareDay
from elearn.models.base import utcnow
from tests.app.test_cli_and_migrations import _fresh_app


def test_demo_activity_is_in_the_past_and_the_welfare_day_on_a_weekday(tmp_path, request):
    app = _fresh_app("sqlite", tmp_path, request)
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve", "--learners", "150"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        now = utcnow()
        assert db.session.scalar(select(func.max(ModuleProgress.last_visit_at))) <= now
        assert db.session.scalar(select(func.max(ModuleProgress.completed_at))) <= now
        assert db.session.scalar(select(func.max(ActivityDay.day))) <= now.date()
        days = db.session.scalars(select(WelfareDay.starts_at)).all()
        assert days and all(day.weekday() < 5 for day in days)
        db.engine.dispose()
