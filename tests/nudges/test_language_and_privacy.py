"""Nudges speak the person's language and never reveal special-category data."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import ConsultationRequest, Course, PathwayItem, TargetGroupDeclaration, User
from elearn.nudges.services import queue_nudges
from elearn.nudges.tokens import stop_token
from tests.nudges.conftest import days_later, queued

# Words that would tell a reader (a colleague, the employer's mail server) about health,
# disability, pregnancy, children or a hardship: none may appear in a nudge.
SPECIAL = re.compile(
    r"104|matern|gravid|pregnan|disab|handicap|salute|health|malatt|figli|child|"
    r"svantagg|disadvantag|debit|debt|caf\b|bonus",
    re.IGNORECASE,
)


def _run(app, now):
    with app.app_context():
        return queue_nudges(now=now)


def test_english_speaker_gets_english_and_italian_speaker_italian(app, make_user, start_course):
    english = make_user("worker", email="john@example.org", name="John Smith", language="en")
    italian = make_user("worker", email="giulia@example.org", name="Giulia Rossi")
    start_course(english)
    start_course(italian)
    _run(app, days_later(7))
    by_recipient = {message.recipient: message for message in queued(app)}
    john, giulia = by_recipient["john@example.org"], by_recipient["giulia@example.org"]
    assert john.subject == "WELFARE³: pick up where you left off"
    assert john.body_text.startswith("Hello John,")
    assert "To receive no more reminders" in john.body_text
    assert giulia.subject == "WELFARE³: riprendi da dove eri rimasto"
    assert giulia.body_text.startswith("Ciao Giulia,")
    assert "Per non ricevere più promemoria" in giulia.body_text
    assert "Il prossimo modulo richiede circa 5 minuti." in giulia.body_text


def test_stop_page_speaks_the_persons_language(app, make_user):
    john = make_user("worker", email="john@example.org", name="John Smith", language="en")
    with app.app_context():
        token = stop_token(db.session.get(User, john))
    page = app.test_client().get(f"/promemoria/stop/{token}").get_data(as_text=True)
    assert "Stop reminder e-mails?" in page


def test_a_general_course_is_named(app, learner, course):
    with app.app_context():
        db.session.scalar(select(Course).where(Course.slug == course)).audience = "tutti"
        db.session.commit()
    _run(app, days_later(7))
    assert "il corso “Corso di prova”" in queued(app)[0].body_text


def test_no_special_category_detail_in_any_nudge(app, learner, course, make_user):
    """A course for carers under Law 104, a pathway step about a maternity bonus, a request
    about a health fund and a declared target group: the e-mails name none of them."""
    with app.app_context():
        test_course = db.session.scalar(select(Course).where(Course.slug == course))
        test_course.title = "Famiglia, cura e Legge 104"
        test_course.audience = "tutti legge104"
        user = db.session.get(User, learner)
        db.session.add(TargetGroupDeclaration(user_id=learner, target_group="maternita"))
        consultation = ConsultationRequest(
            worker_id=learner,
            organization_id=user.organization_id,
            topic="maternity",
            description="Bonus maternità e debiti con la finanziaria",
            channel="phone",
        )
        db.session.add(consultation)
        db.session.flush()
        for title in ("Domanda bonus maternità all'INPS", "Chiedere al CAF la Legge 104"):
            db.session.add(
                PathwayItem(
                    worker_id=learner,
                    request_id=consultation.id,
                    kind="action",
                    title=title,
                    due_date=date(2026, 11, 5),
                )
            )
        db.session.commit()
    assert _run(app, days_later(7)).pathway == 1
    assert _run(app, days_later(11)).first == 1  # three days after the pathway reminder
    assert _run(app, days_later(30)).second == 1
    messages = queued(app)
    assert len(messages) == 3
    for message in messages:
        text = message.subject + "\n" + message.body_text
        assert not SPECIAL.search(text), text
    assert "il corso che hai iniziato" in messages[1].body_text
    assert "/corsi/" not in messages[1].body_text  # the link names no course either
