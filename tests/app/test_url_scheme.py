"""One language for the paths (elearn/routing.py): Italian, with the loanwords an Italian
interface uses and the machine-facing paths kept; every former English path answers with a
permanent redirect to its Italian one, so bookmarks and e-mails already sent keep working."""

from __future__ import annotations

import pytest

from elearn.routing import LEGACY_PATHS
from tests.security.world import url_map_app

# Every fixed word of a path, classified once. A new route with a word missing here fails
# until someone decides: an Italian word, or a loanword Italian users read as Italian.
ITALIAN = set(
    """admin allega annulla anteprima appuntamenti assegna attivi attivita azzera bilancio
    calendario cancellazione certificati chiudi codice codice-invito condivisione conferma
    confronta-prestiti consenso consulenza controllo corsi dati debiti dimenticata editor elimina
    esito esporta estinzione-anticipata fasce fase gestione glossario il-mio-percorso importa
    iscrizione laboratori letto lingua moduli nascondi note nuova nuovo obiettivo organizzazioni
    percorso persone piano prenota presenze prestito privacy profilo pubblica questionario quiz
    mesi messaggi registrazione registro report riapri richieste rinuncia ripristina risorse
    risorse-cooperative
    risparmio scenari schede schede-cartacee secondo-fattore simulatori sostegno sposta statistiche
    svolto tempo unisci utenti verifica versioni voto
    benessere bisogni codice-comune conferma cooperative fondi-sanitari immagini impatto importa
    in-attesa invita invito lettere modifica moduli-eliminati non-ora personale promemoria
    rapporto reinvia riprendi respingi conferma-indirizzo""".split()  # noqa: SIM905
)
LOANWORDS = {
    "login", "logout", "password", "media", "social-point", "welfare-day", "stop",
}  # fmt: skip
# Contracts with machines, not pages people read: the JSON API (DESIGN.md), static files,
# the health probe of the load balancer, the organization's stylesheet.
MACHINE_PREFIXES = ("/api/v1/", "/static/", "/healthz", "/theme.css")
ENGLISH = {
    "manage", "organizations", "users", "social-points", "audit", "invite-code", "second-factor",
    "reset", "register", "forgot", "profile", "language", "export", "new", "delete", "edit",
}  # fmt: skip

# Each former English path, as a bookmark or an e-mail holds it, and where it leads now.
FORMER = {
    "/manage/": "/gestione/",
    "/manage/richieste/7": "/gestione/richieste/7",
    "/manage/welfare-day/3": "/gestione/welfare-day/3",
    "/manage/calendario?week=2026-12-07": "/gestione/calendario?week=2026-12-07",
    "/manage/richieste/7/risorse": "/gestione/richieste/7/risorse",
    "/admin/organizations": "/admin/organizzazioni",
    "/admin/organizations/new": "/admin/organizzazioni/nuova",
    "/admin/organizations/4": "/admin/organizzazioni/4",
    "/admin/organizations/4/social-points/new": "/admin/organizzazioni/4/social-point/nuovo",
    "/admin/social-points/5": "/admin/social-point/5",
    "/admin/users": "/admin/utenti",
    "/admin/users?q=rossi": "/admin/utenti?q=rossi",
    "/admin/users/new": "/admin/utenti/nuovo",
    "/admin/users/9": "/admin/utenti/9",
    "/admin/audit?azione=progress.read": "/admin/registro?azione=progress.read",
    "/register": "/registrazione",
    "/password/forgot": "/password/dimenticata",
    "/password/reset/abc-123_x": "/password/nuova/abc-123_x",
    "/profile": "/profilo",
    "/editor/prova/export.zip": "/editor/prova/esporta.zip",
}
FORMER_POSTS = {
    "/language": "/lingua",
    "/admin/organizations/4/invite-code": "/admin/organizzazioni/4/codice-invito",
    "/admin/social-points/5/delete": "/admin/social-point/5/elimina",
    "/admin/users/9/second-factor/reset": "/admin/utenti/9/secondo-fattore/azzera",
    "/manage/richieste/7/chiudi": "/gestione/richieste/7/chiudi",
}


def _words(rule: str) -> list[str]:
    words = []
    for part in rule.split("/"):
        if not part or "<" in part:
            continue
        words.append(part.rsplit(".", 1)[0] if "." in part else part)
    return words


def test_every_path_of_the_url_map_is_in_the_italian_scheme() -> None:
    app = url_map_app()
    unclassified, english = {}, {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(MACHINE_PREFIXES):
            continue
        for word in _words(rule.rule):
            if word in ENGLISH:
                english[rule.rule] = word
            elif word not in ITALIAN | LOANWORDS:
                unclassified[rule.rule] = word
    assert english == {}, "an English path: give it an Italian one (and a redirect)"
    assert unclassified == {}, "a new word in a path: Italian, or a loanword listed above"


@pytest.fixture(scope="module")
def app_and_client():
    app = url_map_app()
    return app, app.test_client()


@pytest.mark.parametrize("former", sorted(FORMER))
def test_a_former_english_address_redirects_permanently(app_and_client, former) -> None:
    app, client = app_and_client
    response = client.get(former)
    assert response.status_code == 301, former
    assert response.headers["Location"] == FORMER[former]
    path = FORMER[former].split("?")[0]
    adapter = app.url_map.bind("localhost")
    assert adapter.match(path, method="GET"), "the redirect leads to no page"


@pytest.mark.parametrize("former", sorted(FORMER_POSTS))
def test_a_form_posted_to_a_former_address_is_sent_on_with_its_body(app_and_client, former) -> None:
    app, client = app_and_client
    response = client.post(former, data={"language": "en"})
    assert response.status_code == 308, former  # 308: the browser posts the same form again
    assert response.headers["Location"] == FORMER_POSTS[former]
    app.url_map.bind("localhost").match(FORMER_POSTS[former], method="POST")


def test_every_legacy_pattern_is_exercised_and_unknown_paths_stay_404(app_and_client) -> None:
    _app, client = app_and_client
    examples = [*FORMER, *FORMER_POSTS]
    for pattern, _new in LEGACY_PATHS:
        assert any(pattern.fullmatch(path.split("?")[0]) for path in examples), pattern.pattern
    assert client.get("/manage/nonexistent/page").status_code == 404
    assert client.get("/admin/users/not-a-number").status_code == 404
