"""Managers see guarded aggregates (1–4 hidden, other counts rounded to 5), and only consenting
learners by name. The rule itself is tested in tests/privacy/test_disclosure.py."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import event, select

from elearn.csvexport import text_cell
from elearn.extensions import db
from elearn.models import AuditEntry, ConsentRecord, ModuleProgress, TargetGroupDeclaration


def test_csv_cells_cannot_run_as_formulas():
    assert text_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert text_cell("+39 02 1234") == "'+39 02 1234"
    assert text_cell("@SUM(A1)") == "'@SUM(A1)"
    assert text_cell("-12,5") == "-12,5"
    assert text_cell("Maria") == "Maria"


@pytest.fixture
def coop(app, make_org, make_user, course):
    """Two cooperatives; the manager follows only the first."""
    first, second = make_org(), make_org()
    manager = make_user("manager", org_id=first)
    workers = [make_user("worker", org_id=first, consent=index < 2) for index in range(12)]
    outsider = make_user("worker", org_id=second, consent=True)
    with app.app_context():
        for index, worker in enumerate(workers[:6]):
            db.session.add(
                ModuleProgress(
                    user_id=worker,
                    course_slug="prova",
                    module_slug="01-spese",
                    best_score=1.0 if index % 2 else 0.5,
                )
            )
        db.session.add(
            ModuleProgress(user_id=outsider, course_slug="prova", module_slug="01-spese")
        )
        for worker in workers[:3]:
            db.session.add(
                ConsentRecord(user_id=worker, kind="target_groups", granted=True, text_version="t")
            )
            db.session.add(TargetGroupDeclaration(user_id=worker, target_group="figli"))
        db.session.commit()
    return {"manager": manager, "workers": workers, "outsider": outsider, "org": first}


def test_dashboard_shows_reach_and_hides_small_figures(client, login, coop):
    login(coop["manager"])
    page = client.get("/report/").get_data(as_text=True)
    # 6 of 12 are published rounded to the nearest 5, the share from the published numbers.
    assert "5 su 10 lavoratori hanno iniziato almeno un corso (50\u00a0%)" in page
    assert "arrotondati al multiplo di 5 più vicino" in page
    # 3 declared "children under 14": hidden.
    rows = page[
        page.index("Self-declared") if "Self-declared" in page else page.index("dichiarati") :
    ]
    assert "meno di 5" in rows


def test_csv_export_matches_the_dashboard_table(client, login, coop):
    login(coop["manager"])
    data = client.get("/report/courses.csv").get_data(as_text=True).lstrip("\ufeff")
    table = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert table[1][0] == "Corso di prova"
    assert table[1][1] == "5"  # started: 6, published rounded to 5
    assert table[1][2] == "0"  # completed
    assert table[1][3] == "75"  # average best score in whole %, over 6 people
    page = client.get("/report/").get_data(as_text=True)
    assert "<td>5</td><td>0</td><td>75</td>" in page
    assert client.get("/report/nonsense.csv").status_code == 404


def test_learner_list_has_only_consenting_workers_of_my_organizations(app, client, login, coop):
    login(coop["manager"])
    page = client.get("/report/persone").get_data(as_text=True)
    assert "2 persone" in page or "2 learners" in page
    allowed = coop["workers"][0]
    refused = coop["workers"][5]
    assert client.get(f"/report/persone/{allowed}").status_code == 200
    assert client.get(f"/report/persone/{refused}").status_code == 404
    assert client.get(f"/report/persone/{coop['outsider']}").status_code == 404
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "progress.read"))
        assert entry.subject_user_id == allowed


def test_withdrawn_consent_removes_the_learner_from_the_list(app, client, login, coop):
    from elearn.models import User
    from elearn.privacy.services import record_choice

    worker = coop["workers"][0]
    login(coop["manager"])
    assert client.get(f"/report/persone/{worker}").status_code == 200
    with app.app_context():
        record_choice(db.session.get(User, worker), "progress_sharing", False)
    assert client.get(f"/report/persone/{worker}").status_code == 404


def test_manager_cannot_pick_an_organization_they_do_not_follow(client, login, coop, make_org):
    login(coop["manager"])
    other = make_org()
    page = client.get(f"/report/?org={other}").get_data(as_text=True)
    assert "su 10 lavoratori" in page  # falls back to their own scope (12, published as 10)


def _count_queries(app, client, url):
    counter = {"n": 0}

    def count(*_args, **_kwargs):
        counter["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counter["n"]


def test_query_count_does_not_grow_with_the_number_of_learners(app, client, login, coop, make_user):
    login(coop["manager"])
    client.get("/report/")
    before = {url: _count_queries(app, client, url) for url in ("/report/", "/report/persone")}
    for _ in range(25):
        worker = make_user("worker", org_id=coop["org"], consent=True)
        with app.app_context():
            db.session.add(
                ModuleProgress(user_id=worker, course_slug="prova", module_slug="02-rate")
            )
            db.session.commit()
    after = {url: _count_queries(app, client, url) for url in ("/report/", "/report/persone")}
    assert after == before


def test_dashboard_snapshot_is_reused_then_refreshed(app, client, login, coop, make_user, runner):
    app.config["REPORT_CACHE_SECONDS"] = 300
    login(coop["manager"])
    first = client.get("/report/").get_data(as_text=True)
    assert "5 su 10 lavoratori" in first and "Numeri calcolati alle" in first
    cold = _count_queries(app, client, "/report/?corso=")
    for _ in range(6):
        worker = make_user("worker", org_id=coop["org"])
        with app.app_context():
            db.session.add(
                ModuleProgress(user_id=worker, course_slug="prova", module_slug="02-rate")
            )
            db.session.commit()
    # Within the snapshot's life the page shows the same figures, with few queries.
    assert "5 su 10 lavoratori" in client.get("/report/").get_data(as_text=True)
    assert _count_queries(app, client, "/report/") <= cold
    result = runner.invoke(args=["reports", "refresh"])
    assert result.exit_code == 0 and "refreshed" in result.output
    assert "10 su 20 lavoratori" in client.get("/report/").get_data(as_text=True)  # 12 of 18


def test_learner_list_sorts_and_searches(app, client, login, coop):
    from elearn.models import User
    from elearn.models.base import utcnow

    first, second = coop["workers"][0], coop["workers"][1]
    with app.app_context():
        db.session.add(
            ModuleProgress(
                user_id=second, course_slug="prova", module_slug="02-rate", completed_at=utcnow()
            )
        )
        db.session.get(User, first).full_name = "Zoe Alfa"
        db.session.get(User, second).full_name = "Ada Beta"
        db.session.commit()
    login(coop["manager"])
    by_name = client.get("/report/persone").get_data(as_text=True)
    assert by_name.index("Ada Beta") < by_name.index("Zoe Alfa")
    by_modules = client.get("/report/persone?ordine=modules").get_data(as_text=True)
    assert by_modules.index("Ada Beta") < by_modules.index("Zoe Alfa")
    found = client.get("/report/persone?q=zoe").get_data(as_text=True)
    assert "Zoe Alfa" in found and "Ada Beta" not in found


def test_progress_shared_with_a_request_is_visible_only_while_it_is_open(app, client, login, coop):
    from elearn.models import ConsultationRequest
    from elearn.models.base import utcnow

    worker = coop["workers"][5]  # did not consent in general
    with app.app_context():
        request = ConsultationRequest(
            worker_id=worker,
            organization_id=coop["org"],
            topic="budget",
            description="Vorrei capire il mio bilancio.",
            channel="phone",
            share_progress=True,
        )
        db.session.add(request)
        db.session.commit()
        request_id = request.id
    login(coop["manager"])
    assert client.get(f"/report/persone/{worker}").status_code == 200
    case = client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    assert "Corso di prova: 0 di 2 moduli" in case
    with app.app_context():
        request = db.session.get(ConsultationRequest, request_id)
        request.closed_at = utcnow()
        request.status = "closed"
        db.session.commit()
    case = client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    assert "Corso di prova: 0 di 2 moduli" not in case
    assert "Il lavoratore non ha scelto di condividere i suoi progressi." in case
    assert client.get(f"/report/persone/{worker}").status_code == 404


def test_hardest_questions_share_wrong_answers_from_the_published_counts(
    app, client, login, make_org, make_user, course
):
    """100 % means every learner missed the question at the first try and 0 % that nobody did
    (not inverted); learners and shares are the published ones, so 4 wrong of 7 shows neither
    the 7 nor the 4 (57 % would tell both). Same rule on the trainers' page."""
    from elearn.models import QuizFirstAnswer

    org = make_org()
    manager = make_user("manager", org_id=org)
    trainer = make_user("trainer")
    workers = [make_user("worker", org_id=org) for _ in range(12)]
    answers = {
        ("01-spese", "spesa-fissa"): [False] * 12,  # everyone wrong
        ("01-spese", "rata-anno"): [True] * 12,  # everyone right
        ("02-rate", "taeg-spese"): [False] * 4 + [True] * 3,  # 4 wrong of 7
    }
    with app.app_context():
        for (module, quiz), results in answers.items():
            for worker, correct in zip(workers, results, strict=False):
                db.session.add(
                    QuizFirstAnswer(
                        user_id=worker,
                        course_slug=course,
                        module_slug=module,
                        quiz_id=quiz,
                        correct=correct,
                    )
                )
        db.session.commit()
    login(manager)
    data = client.get("/report/hardest.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))[1:]
    assert rows == [
        ["Quale di queste è una spesa fissa?", "10", "100"],
        ["Il TAEG comprende le spese?", "5", "meno di 5"],
        ["Quanto paghi in un anno con una rata di 150 € al mese?", "10", "0"],
    ]
    trainer_client = app.test_client()
    login(trainer, trainer_client)
    page = trainer_client.get("/editor/prova/statistiche").get_data(as_text=True)
    table = page[page.index("Domande sbagliate") :]
    assert table.index("spesa fissa") < table.index("TAEG") < table.index("rata di 150")
    assert "<td>10</td><td>100\xa0%</td>" in table and "<td>10</td><td>0\xa0%</td>" in table
    assert '<td>5</td><td><span class="muted">meno di 5</span></td>' in table
