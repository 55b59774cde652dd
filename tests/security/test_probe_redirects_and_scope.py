"""Open redirects through every `next` the site reads, and a manager's reach into another
cooperative through the new pages' parameters (impact report, roster reach, resources map)."""

from __future__ import annotations

import io
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import PASSWORD

NEXT_VALUES = [
    "https://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "data:text/html,x",
    "/%2F%2Fevil.example",
    "/..//evil.example",
    "https:/\\evil.example",
    "／／evil.example",
    "/\u3000/evil.example",
]


def _lands_here(response) -> bool:
    location = response.headers.get("Location", "")
    if not location:
        return True
    target = urlsplit(urljoin("https://welfare3.test/corsi/", location))
    return target.scheme == "https" and target.netloc == "welfare3.test"


@pytest.mark.parametrize("target", NEXT_VALUES)
def test_no_next_parameter_sends_anyone_to_another_site(app, make_user, target):
    worker = make_user("worker", consent=None)  # the first privacy choice is still to make
    with app.app_context():
        from elearn.extensions import db
        from elearn.models import User

        email = db.session.get(User, worker).email
    browser = app.test_client()
    logged = browser.post(
        "/login", query_string={"next": target}, data={"email": email, "password": PASSWORD}
    )
    assert logged.status_code == 302 and _lands_here(logged), logged.headers["Location"]
    chosen = browser.post(
        "/consenso", query_string={"next": target}, data={"progress_sharing": "no"}
    )
    assert chosen.status_code == 302 and _lands_here(chosen), chosen.headers["Location"]
    language = browser.post("/lingua", data={"language": "it", "next": target})
    assert _lands_here(language), language.headers["Location"]


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example"])
def test_the_second_step_does_not_redirect_away_either(app, make_user, target):
    from tests.conftest import totp_code

    manager = make_user("manager")
    with app.app_context():
        from elearn.extensions import db
        from elearn.models import User

        email = db.session.get(User, manager).email
    browser = app.test_client()
    first = browser.post(
        "/login", query_string={"next": target}, data={"email": email, "password": PASSWORD}
    )
    assert first.headers["Location"] == "/login/codice"
    for offset in (0, 30, -30):
        second = browser.post("/login/codice", data={"code": totp_code(offset=offset)})
        if second.status_code == 302:
            break
    assert second.status_code == 302 and _lands_here(second), second.headers["Location"]


@pytest.mark.parametrize(
    "extra",
    [{"in-_external": "1"}, {"in-_scheme": "https"}, {"in-_anchor": "x"}, {"in-_method": "GET"}],
)
def test_saving_a_scenario_never_redirects_to_another_host(app, client, make_user, login, extra):
    """The scenario form's `in-*` fields become the address to go back to (url_for keywords):
    Flask's own keywords among them must not send anyone elsewhere, nor fail."""
    login(make_user("worker"))
    response = client.post(
        "/simulatori/scenari",
        data={"simulator": "loan", "name": "", **extra},
        headers={"Host": "localhost"},
    )
    assert response.status_code in (303, 400)
    location = response.headers.get("Location", "")
    assert urlsplit(location).netloc in ("", "localhost"), location


# --- a manager and another cooperative --------------------------------------------------------


def test_a_managers_impact_report_never_covers_another_cooperative(
    app, client, login, make_org, make_user
):
    mine, theirs = make_org(name="Cooperativa Mia"), make_org(name="Cooperativa Altrui")
    login(make_user("manager", org_id=mine))
    for query in (f"org={theirs}", f"org={theirs},{mine}", f"org={mine}&org={theirs}", "org=-1"):
        for path in ("/impatto", "/impatto/rapporto.csv"):
            response = client.get(f"{path}?{query}")
            assert response.status_code in (200, 400)
            text = response.get_data(as_text=True)
            assert "Cooperativa Altrui" not in text, (path, query)


def test_a_manager_sees_the_roster_reach_of_their_own_cooperatives_only(
    app, client, login, make_org, make_user
):
    mine, theirs = make_org(name="Cooperativa Mia"), make_org(name="Cooperativa Altrui")
    admin = app.test_client()
    login(make_user("admin"), admin)
    for org, site in ((mine, "Sede Mia"), (theirs, "Sede Altrui")):
        rows = "".join(f"Persona {org}-{i};p{org}-{i}@example.org;{site}\n" for i in range(7))
        upload = admin.post(
            "/admin/personale/importa",
            data={
                "organization_id": str(org),
                "file": (io.BytesIO(("Nome;Email;Sede\n" + rows).encode()), "r.csv"),
            },
            content_type="multipart/form-data",
        )
        assert admin.post(upload.headers["Location"] + "/conferma", data={}).status_code == 302
    login(make_user("manager", org_id=mine))
    page = client.get("/report/personale").get_data(as_text=True)
    assert "Sede Mia" in page
    assert "Sede Altrui" not in page and "Cooperativa Altrui" not in page
    # The admin's roster pages stay closed to managers, whatever the id.
    for path in (f"/admin/personale/{theirs}", f"/admin/personale/{mine}", "/admin/personale"):
        assert client.get(path).status_code == 403
