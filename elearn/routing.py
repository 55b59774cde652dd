"""URL converters the whole app uses in place of Werkzeug's defaults, and the one language
scheme of its paths.

Paths are Italian (most were from the start: /corsi, /simulatori, /consulenza...). Kept as they
are: the loanwords an Italian interface uses (login, logout, password, admin, editor, report,
media, Social point, Welfare day) and the machine-facing paths (/api/v1, /static, /healthz,
/theme.css). Every English path the app used before answers with a permanent redirect to its
Italian one (301 for GET and HEAD, 308 for a form post, which keeps its body), so bookmarks
and e-mails already sent keep working.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, redirect, request
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import IntegerConverter, RequestRedirect
from werkzeug.wrappers import Response

# Every number in a URL is an id or a version number, stored in an INTEGER column: 32 bits on
# PostgreSQL (64 on SQLite). A larger number names nothing, and handing it to the database
# is an error there (out of range), not a miss.
LARGEST_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches only numbers the database can hold, so larger ones are a 404."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 (Werkzeug's name)
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


# Former English paths (full match) and their Italian paths; the first match wins.
LEGACY_PATHS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(old), new)
    for old, new in (
        (r"/manage(/.*)?", r"/gestione\1"),
        (r"/admin/organizations/new", "/admin/organizzazioni/nuova"),
        (r"/admin/organizations/(\d+)/invite-code", r"/admin/organizzazioni/\1/codice-invito"),
        (
            r"/admin/organizations/(\d+)/social-points/new",
            r"/admin/organizzazioni/\1/social-point/nuovo",
        ),
        (r"/admin/organizations(/\d+)?", r"/admin/organizzazioni\1"),
        (r"/admin/social-points/(\d+)/delete", r"/admin/social-point/\1/elimina"),
        (r"/admin/social-points/(\d+)", r"/admin/social-point/\1"),
        (r"/admin/users/new", "/admin/utenti/nuovo"),
        (r"/admin/users/(\d+)/second-factor/reset", r"/admin/utenti/\1/secondo-fattore/azzera"),
        (r"/admin/users(/\d+)?", r"/admin/utenti\1"),
        (r"/admin/audit", "/admin/registro"),
        (r"/register", "/registrazione"),
        (r"/password/forgot", "/password/dimenticata"),
        (r"/password/reset/([^/]+)", r"/password/nuova/\1"),
        (r"/profile", "/profilo"),
        (r"/language", "/lingua"),
        (r"/editor/([^/]+)/export\.zip", r"/editor/\1/esporta.zip"),
    )
)


def italian_path(path: str) -> str | None:
    """The Italian path for a former English one, or None."""
    for old, new in LEGACY_PATHS:
        match = old.fullmatch(path)
        if match:
            return match.expand(new)
    return None


def _redirect_legacy_path() -> Response | None:
    """A former English path goes to its Italian one (also "/editor/<slug>/export.zip", which
    the module route would otherwise take for a module called "export.zip")."""
    target = italian_path(request.path)
    if target is None:
        return None
    adapter = current_app.create_url_adapter(request)
    try:
        adapter.match(target, method=request.method)  # type: ignore[union-attr]
    except RequestRedirect:
        pass  # "/gestione" becomes "/gestione/" next: still a page
    except (NotFound, MethodNotAllowed):
        return None  # no such page under the new name either: the 404 stands
    query = request.query_string.decode("latin-1")
    location = target + ("?" + query if query else "")
    return redirect(location, code=301 if request.method in ("GET", "HEAD") else 308)


def init_app(app: Flask) -> None:
    """Install the converters; call before any blueprint adds its rules."""
    app.url_map.converters["int"] = BoundedIntConverter
    # First of the app's hooks (before the login check: an old bookmark to a page behind the
    # login goes to the new address first), and before Flask raises the routing error.
    app.before_request_funcs.setdefault(None, []).insert(0, _redirect_legacy_path)
