"""Access rules for learner routes; the sample course comes from the test fixtures."""

from pathlib import Path

from tests.access import LOGGED_IN, PUBLIC

FIXTURES = Path(__file__).parent / "fixtures" / "courses"

RULES = {
    "learning.catalogue": PUBLIC,
    "learning.course": PUBLIC,
    "learning.media": PUBLIC,
    "glossary.glossary": PUBLIC,
    "learning.module": LOGGED_IN,
    "learning.mark_read": LOGGED_IN,
    "learning.answer": LOGGED_IN,
    "learning.heartbeat": LOGGED_IN,
    "learning.my_path": LOGGED_IN,
    "learning.activity_chart": LOGGED_IN,
    "learning.reset": LOGGED_IN,
    "learning.certificate": LOGGED_IN,
    "learning.verify": PUBLIC,
}


def sample_values(app, people, values):
    from elearn.authoring.services import import_courses

    with app.app_context():
        report = import_courses(FIXTURES)
        assert report.ok, report.errors
    values.update(
        slug="prova", module_slug="01-spese", quiz_id="spesa-fissa", number=1, code="NOPE123456"
    )
