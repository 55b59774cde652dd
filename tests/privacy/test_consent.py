"""Workers choose what the Welfare Manager may see; target groups only with consent."""

from __future__ import annotations

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import AuditEntry, ConsentRecord, TargetGroupDeclaration


def test_first_login_asks_for_the_choice_and_stores_it_with_text_version(
    app, client, make_user, login
):
    user_id = make_user("worker", consent=None)
    login(user_id)
    response = client.get("/corsi/")
    assert response.headers["Location"].startswith("/consenso?next=/corsi/")
    page = client.get("/consenso").get_data(as_text=True)
    assert "Se dici no, vede solo totali" in page
    empty = client.post("/consenso", data={})
    assert empty.status_code == 422 and "Scegli sì o no." in empty.get_data(as_text=True)
    done = client.post("/consenso?next=/corsi/", data={"progress_sharing": "yes"})
    assert done.headers["Location"] == "/corsi/"
    with app.app_context():
        record = db.session.scalar(select(ConsentRecord))
        assert (record.kind, record.granted, record.text_version) == (
            "progress_sharing",
            True,
            "2026-11-v1",
        )
    assert client.get("/corsi/").status_code == 200


def test_choices_change_any_time_and_history_is_kept(app, client, make_user, login):
    user_id = make_user("worker", consent=True)
    login(user_id)
    client.post(
        "/profilo/privacy",
        data={
            "progress_sharing": "no",
            "target_groups_consent": "yes",
            "target_groups": ["figli", "legge104"],
        },
    )
    with app.app_context():
        groups = set(db.session.scalars(select(TargetGroupDeclaration.target_group)))
        assert groups == {"figli", "legge104"}
        history = db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)).all()
        assert [(r.kind, r.granted) for r in history] == [
            ("progress_sharing", True),
            ("progress_sharing", False),
            ("target_groups", True),
        ]
    page = client.get("/profilo/privacy").get_data(as_text=True)
    assert "Storico delle tue scelte" in page and page.count("<li>") >= 3


def test_withdrawing_consent_deletes_the_declared_situation(app, client, make_user, login):
    login(make_user("worker"))
    client.post(
        "/profilo/privacy",
        data={
            "progress_sharing": "no",
            "target_groups_consent": "yes",
            "target_groups": ["maternita"],
        },
    )
    client.post(
        "/profilo/privacy",
        data={
            "progress_sharing": "no",
            "target_groups_consent": "no",
            "target_groups": ["maternita"],
        },
    )
    with app.app_context():
        assert db.session.scalar(select(TargetGroupDeclaration.user_id)) is None
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert "consent.target_groups.withdrawn" in actions


def test_situations_are_not_stored_without_consent(app, client, make_user, login):
    login(make_user("worker"))
    client.post(
        "/profilo/privacy",
        data={
            "progress_sharing": "no",
            "target_groups_consent": "no",
            "target_groups": ["svantaggiati"],
        },
    )
    with app.app_context():
        assert db.session.scalar(select(TargetGroupDeclaration.user_id)) is None


def test_declared_groups_put_matching_courses_first(app, client, make_user, login):
    from elearn.authoring.services import import_courses
    from elearn.paths import resource_dir

    with app.app_context():
        import_courses(resource_dir("courses"))
    login(make_user("worker"))
    client.post(
        "/profilo/privacy",
        data={
            "progress_sharing": "no",
            "target_groups_consent": "yes",
            "target_groups": ["legge104"],
        },
    )
    page = client.get("/corsi/").get_data(as_text=True)
    first = page.index("Consigliato per te")
    assert "Famiglia, cura e Legge 104" in page[page.rfind("<h2", 0, first) : first]
