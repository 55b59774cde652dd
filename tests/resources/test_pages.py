"""The resources map pages: questionnaire, consent, map, what if, sharing, manager, admin."""

from __future__ import annotations

import json
import re
from datetime import date

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import AuditEntry, ConsentRecord, CoopResource, PathwayItem, ResourceProfile
from elearn.models.resources import RequestResourceMap
from tests.conftest import CSRF_RE


def _answer_all(client, *, isee="15000", consent="no", special=None):
    assert (
        client.post(
            "/risorse/questionario/famiglia",
            data={"children-0-age": "5", "other_parent": "not_working"},
        ).status_code
        == 302
    )
    isee_data = {"has_isee": "yes", "isee": isee} if isee else {"has_isee": "no"}
    assert client.post("/risorse/questionario/isee", data=isee_data).status_code == 302
    assert (
        client.post(
            "/risorse/questionario/lavoro",
            data={"contract": "permanent", "part_time_percent": "75", "net_monthly_pay": "1200"},
        ).status_code
        == 302
    )
    assert (
        client.post("/risorse/questionario/consenso", data={"consent": consent}).status_code == 302
    )
    if special is not None:
        assert client.post("/risorse/questionario/salute", data=special).status_code == 302


def test_questionnaire_is_saved_at_each_step_and_resumes_where_it_stopped(client, coops, login):
    login(coops.worker)
    first = client.get("/risorse/questionario")
    assert first.headers["Location"].endswith("/risorse/questionario/famiglia")
    response = client.post(
        "/risorse/questionario/famiglia",
        data={
            "children-0-birth_date": "2019-04-02",
            "children-1-age": "12",
            "other_parent": "working",
        },
    )
    assert response.headers["Location"].endswith("/risorse/questionario/isee")
    # The worker leaves and comes back later: the next step is the one not answered.
    assert client.get("/risorse/questionario").headers["Location"].endswith("/questionario/isee")
    page = client.get("/risorse/questionario/famiglia").get_data(as_text=True)
    assert 'value="2019-04-02"' in page and 'value="12"' in page


def test_nothing_is_required_beyond_each_estimate(client, coops, login):
    login(coops.worker)
    assert client.post("/risorse/questionario/famiglia", data={}).status_code == 302
    assert client.post("/risorse/questionario/lavoro", data={}).status_code == 302


def test_isee_is_copied_never_computed_and_bad_values_get_a_message(app, client, coops, login):
    login(coops.worker)
    page = client.get("/risorse/questionario/isee").get_data(as_text=True)
    assert "Non ho ancora l" in page
    response = client.post("/risorse/questionario/isee", data={"has_isee": "yes", "isee": "molto"})
    assert response.status_code == 422
    response = client.post("/risorse/questionario/isee", data={"has_isee": "yes"})
    assert response.status_code == 422
    assert "Scrivi il valore dell" in response.get_data(as_text=True)
    assert "Scrivi un numero" in client.post(
        "/risorse/questionario/isee", data={"has_isee": "yes", "isee": "molto"}
    ).get_data(as_text=True)
    # An Italian "18.500" is eighteen thousand five hundred euros, not 18.5.
    client.post("/risorse/questionario/isee", data={"has_isee": "yes", "isee": "18.500"})
    with app.app_context():
        assert db.session.get(ResourceProfile, coops.worker).answers["isee"] == 18500.0


def test_future_birth_date_is_refused_with_a_message(client, coops, login):
    login(coops.worker)
    response = client.post(
        "/risorse/questionario/famiglia", data={"children-0-birth_date": "2099-01-01"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "non può essere nel futuro" in page
    assert 'id="children-0-birth_date-error"' in page  # next to the row it is about


def test_an_expected_birth_far_away_is_refused_with_a_message(client, coops, login):
    login(coops.worker)
    client.post("/risorse/questionario/consenso", data={"consent": "yes"})
    response = client.post(
        "/risorse/questionario/salute", data={"expecting": "y", "expected_birth": "2030-01-01"}
    )
    assert response.status_code == 422
    assert "entro i prossimi dieci mesi" in response.get_data(as_text=True)


def test_special_questions_come_only_after_an_explicit_consent(app, client, coops, login):
    login(coops.worker)
    # Before consent: the page is not shown and a direct post stores nothing.
    assert client.get("/risorse/questionario/salute").headers["Location"].endswith("/consenso")
    client.post("/risorse/questionario/salute", data={"expecting": "y", "relative_104": "grave"})
    with app.app_context():
        profile = db.session.get(ResourceProfile, coops.worker)
        assert profile is None or not profile.special_answers
    consent_page = client.get("/risorse/questionario/consenso").get_data(as_text=True)
    assert "art. 9" in consent_page
    client.post("/risorse/questionario/consenso", data={"consent": "yes"})
    page = client.get("/risorse/questionario/salute").get_data(as_text=True)
    assert "Dati particolari" in page  # marked as special-category data
    assert (
        client.post(
            "/risorse/questionario/salute", data={"expecting": "y", "relative_104": "grave"}
        ).status_code
        == 302
    )
    with app.app_context():
        assert (
            db.session.get(ResourceProfile, coops.worker).special_answers["relative_104"] == "grave"
        )
        record = db.session.scalar(
            select(ConsentRecord).where(
                ConsentRecord.user_id == coops.worker, ConsentRecord.kind == "resources_special"
            )
        )
        assert record.granted is True and record.text_version
    # Withdrawing the consent deletes the answers.
    client.post("/risorse/questionario/consenso", data={"consent": "no"})
    with app.app_context():
        assert db.session.get(ResourceProfile, coops.worker).special_answers == {}


def test_the_map_shows_estimates_reasons_documents_and_sources(client, coops, login):
    login(coops.worker)
    _answer_all(client, consent="yes", special={"relative_104": "grave"})
    page = client.get("/risorse").get_data(as_text=True)
    assert "Assegno unico universale" in page
    assert "203,80\xa0€" in page  # one child of 5, ISEE 15,000 (2026)
    assert "stima" in page and "Perché" in page
    assert "da verificare" in page
    assert "D.Lgs. 230/2021, art. 4 c. 1" in page
    assert "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:legge:2022-12-29;197" in page
    assert "circolare n. 7 del 30/01/2026" in page
    assert "Documenti" in page and "patronato" in page
    assert "dal 1° gennaio" in page  # renew the ISEE
    # Law 104 permits, 75 % part-time: 2.25 days a month.
    assert "Permessi Legge 104" in page and "2,25 giorni al mese" in page
    # The collective agreement item says it expired.
    assert "31 dicembre 2025" in page


def test_without_consent_the_map_leaves_out_law_104(client, coops, login):
    login(coops.worker)
    _answer_all(client, consent="no")
    page = client.get("/risorse").get_data(as_text=True)
    assert "Nessun familiare con riconoscimento Legge 104 dichiarato" in page


def test_what_if_recomputes_the_map_with_one_input_changed(client, coops, login):
    login(coops.worker)
    _answer_all(client)
    page = client.get("/risorse?se=isee&valore=50000").get_data(as_text=True)
    assert "Con la modifica" in page
    assert "58,30\xa0€" in page and "203,80\xa0€" in page
    birth = client.get("/risorse?se=nascita").get_data(as_text=True)
    assert "Bonus nuovi nati" in birth and "1000,00\xa0€" in birth.replace(".", "")
    bad = client.get("/risorse?se=part_time&valore=300")
    assert bad.status_code == 422
    assert "tra 1 e 100" in bad.get_data(as_text=True)


def test_a_missing_year_of_rules_is_said_instead_of_using_last_years(
    app, client, coops, login, tmp_path
):
    app.config["RESOURCES_PARAMS_DIR"] = str(tmp_path)
    login(coops.worker)
    _answer_all(client)
    page = client.get("/risorse").get_data(as_text=True)
    assert "Le regole del 2026 non sono ancora disponibili" in page
    assert "203,80" not in page


def test_attached_map_is_seen_only_by_managers_of_the_workers_coop(
    app, client, coops, login, make_request
):
    request_id = make_request(coops.worker)
    login(coops.worker)
    _answer_all(client)
    response = client.post("/risorse/allega", data={"request": str(request_id)})
    assert response.headers["Location"].endswith(f"/consulenza/richieste/{request_id}")
    assert "Allegata il" in client.get(f"/consulenza/richieste/{request_id}").get_data(as_text=True)
    manager = app.test_client()
    login(coops.manager, manager)
    case = manager.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    assert f"/gestione/richieste/{request_id}/risorse" in case
    shared = manager.get(f"/gestione/richieste/{request_id}/risorse")
    assert shared.status_code == 200
    assert "203,80\xa0€" in shared.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                select(AuditEntry).where(AuditEntry.action == "resources.map_viewed")
            ).subject_user_id
            == coops.worker
        )
    other = app.test_client()
    login(coops.manager_b, other)
    assert other.get(f"/gestione/richieste/{request_id}/risorse").status_code == 404
    assert other.post(
        f"/gestione/richieste/{request_id}/risorse/percorso", data={"resource": "auu"}
    ).status_code in (400, 404)


def test_a_worker_cannot_attach_to_someone_elses_request(app, client, coops, login, make_request):
    other_request = make_request(coops.other_worker)
    login(coops.worker)
    _answer_all(client)
    client.post("/risorse/allega", data={"request": str(other_request)})
    with app.app_context():
        assert db.session.scalar(select(RequestResourceMap)) is None


def test_manager_turns_an_item_into_a_pathway_step(app, client, coops, login, make_request):
    request_id = make_request(coops.worker)
    login(coops.worker)
    _answer_all(client)
    client.post("/risorse/allega", data={"request": str(request_id)})
    manager = app.test_client()
    login(coops.manager, manager)
    page = manager.get(f"/gestione/richieste/{request_id}/risorse").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    assert 'name="resource" value="auu"' in page
    response = manager.post(
        f"/gestione/richieste/{request_id}/risorse/percorso",
        data={"resource": "auu", "due_date": "2027-01-31", "csrf_token": token},
    )
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(PathwayItem).where(PathwayItem.worker_id == coops.worker))
        assert item.kind == "action" and item.title.startswith("Assegno unico")
        assert item.due_date == date(2027, 1, 31)


def test_admin_enters_coop_resources_that_workers_of_that_coop_see(
    app, client, coops, login, make_user
):
    admin = app.test_client()
    login(make_user("admin"), admin)
    page = admin.get("/admin/risorse-cooperative").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    response = admin.post(
        "/admin/risorse-cooperative",
        data={
            "csrf_token": token,
            "organization": str(coops.org_a),
            "title": "Buoni spesa di Natale",
            "who_qualifies": "Soci lavoratori",
            "amount": "fino a 200 € l'anno",
            "how_to_ask": "Ufficio personale",
            "active": "y",
        },
    )
    assert response.status_code == 302
    empty = admin.post("/admin/risorse-cooperative", data={"csrf_token": token, "title": ""})
    assert empty.status_code == 422
    with app.app_context():
        resource_id = db.session.scalar(select(CoopResource.id))
    login(coops.worker)
    assert "Buoni spesa di Natale" in client.get("/risorse").get_data(as_text=True)
    elsewhere = app.test_client()
    login(coops.worker_b, elsewhere)
    assert "Buoni spesa di Natale" not in elsewhere.get("/risorse").get_data(as_text=True)
    edited = admin.post(
        f"/admin/risorse-cooperative/{resource_id}",
        data={"csrf_token": token, "organization": str(coops.org_a), "title": "Buoni pasto"},
    )
    assert edited.status_code == 302
    assert "Buoni pasto" in admin.get("/admin/risorse-cooperative").get_data(as_text=True)
    deleted = admin.post(
        f"/admin/risorse-cooperative/{resource_id}/elimina", data={"csrf_token": token}
    )
    assert deleted.status_code == 302
    with app.app_context():
        assert db.session.get(CoopResource, resource_id) is None


def test_withdrawing_consent_removes_special_answers_from_shared_maps(
    app, client, coops, login, make_request
):
    request_id = make_request(coops.worker)
    login(coops.worker)
    _answer_all(client, consent="yes", special={"relative_104": "grave"})
    client.post("/risorse/allega", data={"request": str(request_id)})
    with app.app_context():
        assert db.session.scalar(select(RequestResourceMap)).inputs["relative_104"] == "grave"
    client.post("/risorse/questionario/consenso", data={"consent": "no"})
    with app.app_context():
        assert "relative_104" not in db.session.scalar(select(RequestResourceMap)).inputs
    manager = app.test_client()
    login(coops.manager, manager)
    page = manager.get(f"/gestione/richieste/{request_id}/risorse").get_data(as_text=True)
    assert "Nessun familiare con riconoscimento Legge 104 dichiarato" in page


def test_the_privacy_export_includes_the_resources_answers(app, client, coops, login):
    login(coops.worker)
    _answer_all(client, consent="yes", special={"relative_104": "grave"})
    data = json.loads(client.get("/profilo/dati.json").get_data(as_text=True))
    assert data["resources_map"]["special_answers"]["relative_104"] == "grave"
    assert data["resources_map"]["answers"]["isee"] == 15000.0


def test_the_family_step_shows_three_rows_and_more_on_request(client, coops, login):
    login(coops.worker)
    page = client.get("/risorse/questionario/famiglia").get_data(as_text=True)
    assert 'id="children-2-age"' in page and 'id="children-3-age"' not in page
    everything = client.get("/risorse/questionario/famiglia?righe=tutte").get_data(as_text=True)
    assert 'id="children-5-age"' in everything
    client.post(
        "/risorse/questionario/famiglia", data={"children-4-age": "3", "children-5-age": "1"}
    )
    again = client.get("/risorse/questionario/famiglia").get_data(as_text=True)
    assert 'value="3"' in again and 'value="1"' in again


def test_every_reason_is_worded_in_both_languages(app, client, coops, login, make_user):
    from elearn.resources.rules import RESOURCE_KEYS
    from elearn.resources.wording import REASONS, RESOURCE_TEXTS

    assert set(RESOURCE_TEXTS) == set(RESOURCE_KEYS)
    english = make_user("worker", org_id=coops.org_a, language="en")
    for user_id, check in ((coops.worker, "Perché"), (english, "Why")):
        browser = app.test_client()
        login(user_id, browser)
        _answer_all(browser, consent="yes", special={"expecting": "y", "relative_104": "grave"})
        page = browser.get("/risorse?se=nascita").get_data(as_text=True)
        assert check in page
        assert "%(" not in page and "%%" not in page
        assert not any(code in page for code in REASONS)  # no raw reason code shown


def test_the_map_can_be_attached_when_asking_the_welfare_manager(app, client, coops, login):
    login(coops.worker)
    before = client.get("/consulenza/nuova").get_data(as_text=True)
    assert "Allega la mia mappa delle risorse" not in before  # nothing to attach yet
    _answer_all(client)
    form = client.get("/consulenza/nuova?risorse=1").get_data(as_text=True)
    checkbox = re.search(r"<input[^>]*name=\"attach_resources\"[^>]*>", form).group(0)
    assert "checked" in checkbox
    response = client.post(
        "/consulenza/nuova",
        data={
            "topic": "maternity",
            "description": "Quali aiuti posso chiedere?",
            "channel": "phone",
            "attach_resources": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        shared = db.session.scalar(select(RequestResourceMap))
        assert shared is not None and shared.worker_id == coops.worker


def test_the_map_gives_the_2026_ways_to_claim(client, coops, login):
    # INPS circolare n. 7 del 30/01/2026 § 3: from March 2026 the Assegno unico uses the "ISEE per
    # prestazioni familiari"; INPS press release of 31/03/2026: one nursery-bonus application lasts
    # until August of the year the child turns 3, receipts by 30 April of the following year.
    login(coops.worker)
    client.post(
        "/risorse/questionario/famiglia",
        data={"children-0-birth_date": "2025-05-10", "other_parent": "working"},
    )
    client.post("/risorse/questionario/isee", data={"has_isee": "yes", "isee": "20000"})
    page = client.get("/risorse").get_data(as_text=True)
    assert "ISEE per prestazioni familiari" in page
    assert "valida fino ad agosto dell&#39;anno in cui il bambino compie 3 anni" in page
    assert "entro il 30 aprile dell&#39;anno successivo" in page
