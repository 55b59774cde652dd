"""A published sample course for learner tests."""

import pytest

from tests.learning.access import FIXTURES


@pytest.fixture
def course(app):
    from elearn.authoring.services import import_courses

    with app.app_context():
        report = import_courses(FIXTURES)
        assert report.ok, report.errors
    return "prova"
