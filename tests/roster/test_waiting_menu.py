"""A shared-code account waiting for confirmation: its menu offers only what it may open, no
link that bounces back to the waiting page."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from elearn.extensions import db
from elearn.i18n import local_today
from elearn.models import Lab, Organization, User
from tests.roster.test_shared_code import ROSTER, _log_in, _register


def _menu_links(page: str) -> list[str]:
    menu = re.search(r'<ul class="menu wide-menu">(.*?)</ul>', page, flags=re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', menu)


def _open_a_lab(app, coop: int, manager: int) -> None:
    with app.app_context():
        today = local_today()
        db.session.add(
            Lab(
                title="Tempo per la famiglia",
                question="Che cosa rende difficile conciliare lavoro e famiglia?",
                collect_from=today - timedelta(days=1),
                merge_from=today + timedelta(days=10),
                vote_from=today + timedelta(days=20),
                outcome_from=today + timedelta(days=30),
                dots_per_person=5,
                created_by_id=manager,
                organizations=[db.session.get(Organization, coop)],
            )
        )
        db.session.commit()


def test_a_waiting_worker_sees_no_menu_link_to_the_cooperative_areas(
    app, client, admin, coop, import_roster, make_user
):
    import_roster(ROSTER, coop)
    _open_a_lab(app, coop, make_user("manager", managed=[coop]))
    client.post("/logout", data={})
    assert _register(client, "sconosciuta@example.org", name="Sara Sconosciuta").status_code == 302
    _log_in(client, "sconosciuta@example.org")

    for page in ("/in-attesa", "/corsi/", "/simulatori"):
        links = _menu_links(client.get(page).get_data(as_text=True))
        assert "/corsi/" in links and "/simulatori" in links
        for closed in ("/consulenza/", "/il-mio-percorso", "/risorse", "/fondi-sanitari"):
            assert closed not in links, (page, closed)
        assert not [link for link in links if link.startswith("/laboratori")], page
        for link in links:
            assert client.get(link).headers.get("Location") != "/in-attesa", link
    # The account's own page (language, password, reminders) is theirs while they wait.
    assert "Sara Sconosciuta" in client.get("/profilo").get_data(as_text=True)


def test_once_confirmed_the_worker_menu_shows_the_cooperative_areas(
    app, client, admin, coop, import_roster, make_user, login
):
    import_roster(ROSTER, coop)
    _open_a_lab(app, coop, make_user("manager", managed=[coop]))
    client.post("/logout", data={})
    _register(client, "sconosciuta@example.org", name="Sara Sconosciuta")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "sconosciuta@example.org"))
    login(admin)
    assert client.post(f"/admin/personale/in-attesa/{user_id}/conferma", data={}).status_code == 302
    client.post("/logout", data={})
    _log_in(client, "sconosciuta@example.org")

    links = _menu_links(client.get("/corsi/").get_data(as_text=True))
    assert "/consulenza/" in links and "/il-mio-percorso" in links
    assert [link for link in links if link.startswith("/laboratori")]
