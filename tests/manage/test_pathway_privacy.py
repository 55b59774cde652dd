"""The case file's pathway obeys the learning-privacy rule: steps as assigned, never whether they
are done unless the worker shares progress; changes only on open cases, each one audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import AuditEntry, ConsultationRequest, ModuleProgress, PathwayItem, User
from elearn.models.base import utcnow
from elearn.privacy.services import record_choice

EXPLANATION = "Il lavoratore non ha scelto di condividere i suoi progressi."


@pytest.fixture
def learner(app, coops, course):
    """The worker (no consent to share progress) finished the first module of the course and
    ticked a free action off their pathway."""
    with app.app_context():
        db.session.add(
            ModuleProgress(
                user_id=coops.worker,
                course_slug=course,
                module_slug="01-spese",
                best_score=1.0,
                completed_at=utcnow(),
            )
        )
        db.session.commit()
    return coops.worker


def _pathway(page: str) -> str:
    start = page.index('id="pathway"')
    return page[start : page.index("</section>", start)]


def _steps(page: str) -> str:
    """The list of the pathway's steps (without the form that adds one)."""
    start = page.index('<ul class="pathway">')
    return page[start : page.index("</ul>", start)]


def _add_action_done(app, worker: int, request_id: int) -> None:
    with app.app_context():
        db.session.add(
            PathwayItem(
                worker_id=worker,
                request_id=request_id,
                kind="action",
                title="Chiedi il modello ISEE",
                done_at=utcnow(),
            )
        )
        db.session.commit()


def test_without_consent_the_case_shows_pathway_steps_but_not_whether_they_are_done(
    app, client, coops, login, make_request, learner
):
    request_id = make_request(learner)
    _add_action_done(app, learner, request_id)
    login(coops.manager)
    added = client.post(
        f"/gestione/richieste/{request_id}/percorso", data={"module": "prova/01-spese"}
    )
    assert added.status_code == 302
    page = client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    steps = _steps(page)
    assert "Le spese (Corso di prova)" in steps and "Chiedi il modello ISEE" in steps
    assert EXPLANATION in _pathway(page)
    for state in ("pathway-mark", "is-done", "✔", "○", "fatto", "da fare"):
        assert state not in steps


def test_with_consent_the_case_shows_which_pathway_steps_are_done(
    app, client, coops, login, make_request, learner
):
    request_id = make_request(learner)
    login(coops.manager)
    client.post(f"/gestione/richieste/{request_id}/percorso", data={"module": "prova/01-spese"})
    with app.app_context():
        record_choice(db.session.get(User, learner), "progress_sharing", True)
    page = client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    assert "is-done" in _steps(page) and "fatto" in _steps(page)
    assert EXPLANATION not in page


def test_a_closed_request_that_shared_progress_no_longer_shows_pathway_state(
    app, client, coops, login, make_request, learner
):
    request_id = make_request(learner, share_progress=True)
    login(coops.manager)
    client.post(f"/gestione/richieste/{request_id}/percorso", data={"module": "prova/01-spese"})
    assert "is-done" in _pathway(client.get(f"/gestione/richieste/{request_id}").get_data(True))
    client.post(f"/gestione/richieste/{request_id}/chiudi", data={"outcome": "Risolto."})
    page = client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    assert "Le spese (Corso di prova)" in _pathway(page)
    assert "is-done" not in _pathway(page) and "pathway-mark" not in _pathway(page)
    assert "1 di 2 moduli" not in page  # the course progress went with it


def test_the_pathway_of_a_closed_case_cannot_be_changed(
    app, client, coops, login, make_request, learner
):
    request_id = make_request(learner)
    login(coops.manager)
    client.post(f"/gestione/richieste/{request_id}/percorso", data={"title": "Porta la busta paga"})
    client.post(f"/gestione/richieste/{request_id}/chiudi", data={"outcome": "Risolto."})
    with app.app_context():
        item_id = db.session.scalar(select(PathwayItem.id))

    added = client.post(
        f"/gestione/richieste/{request_id}/percorso", data={"module": "prova/01-spese"}
    )
    assert added.status_code == 409
    assert "Riapri il caso prima di modificare il percorso." in added.get_data(as_text=True)
    removed = client.post(f"/gestione/richieste/{request_id}/percorso/{item_id}/elimina", data={})
    assert removed.status_code == 409
    assert "Riapri il caso prima di modificare il percorso." in removed.get_data(as_text=True)
    with app.app_context():
        assert list(db.session.scalars(select(PathwayItem.id))) == [item_id]
    page = client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    assert "Per modificare il percorso, riapri il caso." in page
    assert (
        f"/percorso/{item_id}/elimina" not in page
        and 'action="/gestione/richieste' + (f'/{request_id}/percorso"') not in page
    )


def test_adding_and_removing_a_pathway_step_is_written_to_the_audit_log(
    app, client, coops, login, make_request, learner
):
    request_id = make_request(learner)
    login(coops.manager)
    client.post(f"/gestione/richieste/{request_id}/percorso", data={"module": "prova/01-spese"})
    with app.app_context():
        item_id = db.session.scalar(select(PathwayItem.id))
    client.post(f"/gestione/richieste/{request_id}/percorso/{item_id}/elimina", data={})
    with app.app_context():
        entries = [
            (e.action, e.actor_id, e.subject_user_id, e.detail)
            for e in db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.like("pathway.%"))
                .order_by(AuditEntry.id)
            )
        ]
    detail = f"request={request_id} item={item_id} module=prova/01-spese"
    assert entries == [
        ("pathway.add", coops.manager, learner, detail),
        ("pathway.delete", coops.manager, learner, detail),
    ]


def test_the_case_file_records_a_progress_read_only_when_it_shows_progress(
    app, client, coops, login, make_request, learner
):
    hidden = make_request(learner)
    login(coops.manager)
    client.get(f"/gestione/richieste/{hidden}")
    with app.app_context():
        assert (
            db.session.scalar(select(AuditEntry).where(AuditEntry.action == "progress.read"))
            is None
        )
        db.session.get(ConsultationRequest, hidden).share_progress = True
        db.session.commit()
    page = client.get(f"/gestione/richieste/{hidden}").get_data(as_text=True)
    assert "Corso di prova: 1 di 2 moduli" in page
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "progress.read"))
        assert (entry.actor_id, entry.subject_user_id, entry.detail) == (
            coops.manager,
            learner,
            f"request={hidden}",
        )
