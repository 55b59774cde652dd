"""Bad input into every form and every query string of the app: never a server error.

The routes come from the app's url map, the roles from the access matrix, the fields from the
forms the pages really show (tests/security/world.py). For every POST route Hypothesis sends
the form with odd text (every script, emoji, direction marks, control characters, NUL, very
long strings), wrong types, missing, repeated and extra fields, odd dates, random uploads and
bodies that are not a form at all. Every GET route gets odd query strings the same way, and
every route with a number in its path gets numbers the database cannot hold (2**31 and more).

What a user would notice is asserted: no 5xx, no traceback on the page (nor on the page a
redirect leads to), a form sent without a valid CSRF token is refused (4xx), a 422 shows what
is wrong, and a POST answered with a page instead of a redirect shows an error.
SECURITY_FUZZ_EXAMPLES=200 runs more examples per route (for a deeper hunt, not for CI).
"""

from __future__ import annotations

import inspect
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.access import ROLES as ROLES_IN_ORDER
from tests.conftest import IN_CI
from tests.security.strategies import (
    EDGE_QUERY,
    JSON_VALUES,
    JUNK_TEXT,
    UPLOADS,
    extra_fields,
    hints,
    raw_bodies,
)
from tests.security.world import (
    ACCESS,
    SOURCE_QUERY_NAMES,
    FieldInfo,
    World,
    allowed_roles,
    fill_url,
    login,
    routes,
    source_query_names,
    url_map_app,
)

_APP = url_map_app()
POST_ROUTES = routes(_APP, "POST")
GET_ROUTES = routes(_APP, "GET")
# simulate.api.compute: fuzzed in test_fuzz_json_api.py. nudges.stop: the signed link in an
# e-mail authorises it, not a session (a mail program's one-click unsubscribe posts without
# any token); bad links and bodies are tested in tests/nudges/test_stop_link.py.
CSRF_EXEMPT = {"simulate.api.compute", "nudges.stop"}

# Routes whose form no page shows to our sample people (JavaScript calls, or a state the
# world is not in): the role that uses them and their fields.
MODULE_SOURCE = "---\ntitle: Le spese\nminutes: 1\n---\n\nTesto.\n"
FALLBACK: dict[str, tuple[str, dict[str, FieldInfo]]] = {
    "admin.reset_second_factor": ("admin", {}),  # shown only for people with an authenticator
    "authoring.preview": ("trainer", {"source": FieldInfo("source", "textarea", [MODULE_SOURCE])}),
    "authoring.restore": ("trainer", {}),
    # Shown only beside a deleted module (the world has none).
    "authoring.restore_module": ("trainer", {}),
    "consult.register": ("worker", {}),
    "learning.heartbeat": ("worker", {}),
    "manage.reopen": ("manager", {}),
    # The free slot may lie in next week's calendar page, which the crawler does not open.
    "manage.delete_slot": ("manager", {}),
    # Labs: the live similar-card check is called by script; the vote and the outcome forms
    # show only in those phases (the world's lab is collecting cards).
    "labs.check_text": ("worker", {"testo": FieldInfo("testo", "textarea", ["Il nido chiude"])}),
    "labs.vote": ("worker", {}),
    # Attaching the resources map shows only once the worker has filled the questionnaire.
    "resources.attach": ("worker", {}),
    "labs.set_outcome": ("manager", {}),
    # Deleting declared health needs shows only once the worker has saved some.
    "healthfund.forget_needs": ("worker", {}),
    # The impact questionnaire shows only once the worker has said yes to it.
    "impact.questionnaire": ("worker", {}),
    # The address-confirmation button shows only to the account the mailed link names.
    "roster.claim": ("worker", {}),
}

# A POST answered with a page (200) instead of a redirect: only where the page *is* the answer.
ANSWERS_WITH_A_PAGE = {
    "authoring.module",  # "preview" shows the text rendered next to the editor
    "authoring.preview",  # JSON for the live preview
    "learning.heartbeat",  # 204/202, no body
    "labs.check_text",  # JSON for the live hints while typing
    "auth.forgot_password",  # "if the address is ours, we sent a link" (same page either way)
    "consult.new_request",  # a simulator's numbers posted along open the form with them
    "roster.letters",  # the letters to print: their codes are shown only on this answer
    "roster.resend",  # a new letter to print, for someone without e-mail
}

TRACEBACK_MARKERS = (
    "Traceback (most recent call last)",
    'File "/',
    "sqlalchemy.exc",
    "werkzeug.exceptions",
    "jinja2.exceptions",
    "psycopg.errors",
)
ERROR_SHOWN = re.compile(r'class="field-error"|notice-error|class="error-page"|role="alert"')

# Under CI the same examples every run (a red build is reproducible); locally, new ones each
# run, and SECURITY_FUZZ_EXAMPLES=200 hunts deeper.
FUZZ = settings(
    derandomize=IN_CI,
    max_examples=int(os.environ.get("SECURITY_FUZZ_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _is_csrf_field(name: str) -> bool:
    return name == "csrf_token" or name.endswith("-csrf_token")


def targets(world: World, endpoint: str) -> list[tuple[str, dict[str, FieldInfo], list[str]]]:
    """(role, fields, names of the CSRF fields) for every role with a form for `endpoint`."""
    found = []
    roles = allowed_roles(endpoint) if endpoint != "auth.logout" else ("worker", "trainer")
    for role in (*roles, "pending"):
        form = world.forms.get((role, endpoint))
        if form is None:
            continue
        fields = {n: f for n, f in form.fields.items() if not _is_csrf_field(n)}
        csrf = [n for n in form.fields if _is_csrf_field(n)] or ["csrf_token"]
        found.append((role, fields, csrf))
    if not found and endpoint in FALLBACK:
        role, fields = FALLBACK[endpoint]
        found.append((role, fields, ["csrf_token"]))
    return found


def check_response(response: Any, what: str) -> str:
    textual = response.mimetype.startswith("text/") or response.mimetype.endswith(("json", "xml"))
    body = response.get_data(as_text=True) if textual else ""
    assert response.status_code < 500, f"{what}: {response.status_code}\n{body[:800]}"
    for marker in TRACEBACK_MARKERS:
        assert marker not in body, f"{what}: traceback text {marker!r} on the page"
    return body


# --- POST ------------------------------------------------------------------------------------


@st.composite
def submissions(draw: Any, fields: dict[str, FieldInfo], invite_code: str) -> dict[str, Any]:
    """One form submission: each field valid, junk, missing or repeated; maybe extra fields."""
    data: MultiDict = MultiDict()
    files = False
    for name, info in fields.items():
        if info.kind == "file":
            how = draw(st.integers(0, 9))
            if how < 9:
                for body, filename, mimetype in draw(st.lists(UPLOADS, min_size=1, max_size=2)):
                    data.add(name, (io.BytesIO(body), filename, mimetype))
                files = True
            continue
        good = [v for v in info.values if v] or hints(name, info.kind, invite_code)
        how = draw(st.integers(0, 19))
        if how == 19:
            continue  # the field is missing
        count = 1 if how < 17 else draw(st.integers(2, 3))
        for _ in range(count):
            if draw(st.integers(0, 9)) < 5:
                data.add(name, draw(st.sampled_from(good)))
            else:
                data.add(name, draw(JUNK_TEXT))
    if draw(st.integers(0, 4)) == 0:
        for name, values in draw(extra_fields()).items():
            for value in values:
                data.add(name, value)
    return {"data": data, "files": files or draw(st.integers(0, 9)) == 0}


@pytest.mark.parametrize("endpoint", [e for e, _rule in POST_ROUTES if e not in CSRF_EXEMPT])
def test_post_route_survives_bad_input(fresh, endpoint: str) -> None:
    app, world = fresh
    choices = targets(world, endpoint)
    assert choices, f"no form and no FALLBACK entry for POST {endpoint}: the fuzzer misses it"
    url = world.url(app, endpoint)

    @FUZZ
    @given(data=st.data())
    def run(data: Any) -> None:
        role, fields, csrf_names = data.draw(st.sampled_from(choices), label="role")
        client = world.clients[role]
        kind = data.draw(st.sampled_from(["form"] * 8 + ["json", "raw"]), label="body")
        token_mode = data.draw(st.sampled_from(["valid"] * 6 + ["missing", "garbage"]))
        if kind == "form":
            sent = data.draw(submissions(fields, world.invite_code), label="fields")
            form: MultiDict = sent["data"]
            if token_mode == "valid":
                for name in csrf_names:
                    form.setlist(name, [world.csrf[role]])
            elif token_mode == "garbage":
                form.setlist(csrf_names[0], [data.draw(JUNK_TEXT)])
            response = client.post(
                url,
                data=form,
                content_type="multipart/form-data" if sent["files"] else None,
                csrf=False,
            )
        elif kind == "json":
            token_mode = "missing"
            response = client.post(url, json=data.draw(JSON_VALUES))
        else:
            token_mode = "missing"
            body, content_type = data.draw(raw_bodies())
            response = client.post(url, data=body, content_type=content_type or None, csrf=False)
        what = f"POST {url} as {role} ({kind}, token {token_mode})"
        page = check_response(response, what)
        status = response.status_code
        if token_mode != "valid":
            # refused: 400 for the token, or 404/403 when the object or the right is missing
            assert 400 <= status < 500, f"{what}: accepted without a valid CSRF token ({status})"
        if status == 422 and response.mimetype == "text/html":
            assert ERROR_SHOWN.search(page), f"{what}: 422 without a visible error"
        if status == 200 and endpoint not in ANSWERS_WITH_A_PAGE:
            assert response.mimetype == "text/html"
            assert ERROR_SHOWN.search(page), f"{what}: 200 to a POST, no redirect and no error"
        location = response.headers.get("Location", "")
        if 300 <= status < 400 and location.startswith("/"):
            # what the person sees next: a saved value must not break the page it lands on
            check_response(client.get(location), f"{what}, then GET {location}")
        if endpoint == "auth.logout" and status == 302:
            login(client, world.emails[role])
            from tests.security.world import csrf_of

            world.csrf[role] = csrf_of(client)

    run()


def test_every_post_route_is_fuzzed_by_an_allowed_role(fresh) -> None:
    """A new POST route fails here until a page shows its form or FALLBACK describes it."""
    app, world = fresh
    assert [e for e, _ in routes(app, "POST")] == [e for e, _ in POST_ROUTES]
    problems = []
    for endpoint, rule in POST_ROUTES:
        if endpoint not in ACCESS:
            problems.append(f"{endpoint}: no rule in the access matrix")
            continue
        if endpoint in CSRF_EXEMPT:
            continue
        found = targets(world, endpoint)
        if not found:
            problems.append(f"{endpoint} ({rule}): no page shows its form, no FALLBACK entry")
        for role, _fields, _csrf in found:
            if role != "pending" and role not in allowed_roles(endpoint):
                problems.append(f"{endpoint}: fuzzed as {role}, which may not use it")
    stale = sorted(set(FALLBACK) - {e for e, _ in POST_ROUTES})
    assert not stale, f"FALLBACK entries for routes that no longer exist: {stale}"
    assert not problems, "\n".join(problems)
    # the pages really offer most forms: the fallbacks stay the exception (15 of about 100
    # POST routes, each with the reason the crawler cannot reach its form; the 15th, the
    # roster's address confirmation, shows its button only to the account its mailed link names)
    assert len([e for e, _ in POST_ROUTES if (e in FALLBACK)]) <= 15


# --- GET -------------------------------------------------------------------------------------


def query_names(app: Any, world: World, endpoint: str) -> list[str]:
    """The names a route's module reads, and those its pages' GET forms send."""
    view = inspect.unwrap(app.view_functions[endpoint])
    names = source_query_names(Path(inspect.getsourcefile(view) or ""))
    return sorted(names | world.query_args.get(endpoint, set()))


def test_the_source_scan_finds_the_query_parameters() -> None:
    assert {"q", "pagina", "ordine", "next", "lang", "week", "point"} <= SOURCE_QUERY_NAMES


GET_EXAMPLES = settings(FUZZ, max_examples=10)


@pytest.mark.parametrize("endpoint", [endpoint for endpoint, _rule in GET_ROUTES])
def test_get_route_survives_bad_query_strings(shared, endpoint: str) -> None:
    app, world = shared
    url = world.url(app, endpoint, "GET")
    names = query_names(app, world, endpoint) or ["q"]
    roles = allowed_roles(endpoint)
    assert roles, f"GET {endpoint} has no rule in the access matrix: nobody to fuzz it as"

    @GET_EXAMPLES
    @given(
        role=st.sampled_from(roles),
        query=st.lists(
            st.tuples(
                st.one_of(st.sampled_from(names), st.text(max_size=8)),
                st.one_of(st.sampled_from(EDGE_QUERY), JUNK_TEXT),
            ),
            max_size=6,
        ),
    )
    def run(role: str, query: list[tuple[str, str]]) -> None:
        response = world.clients[role].get(url, query_string=[(k, v[:5000]) for k, v in query])
        check_response(response, f"GET {url}?{query!r:.200} as {role}")

    run()


# --- numbers in the path ---------------------------------------------------------------------

# Past the largest id PostgreSQL's INTEGER holds, past SQLite's (2**63 - 1), far past both,
# and an id no row has.
OUT_OF_RANGE_IDS = (2**31, 2**63, 2**64, 10**30, 0)


def int_routes(app: Any) -> list[tuple[str, str, Any]]:
    """(endpoint, method, rule) for every route with an `<int:...>` part, from the url map."""
    found = []
    for rule in app.url_map.iter_rules():
        if any(f"<int:{name}>" in rule.rule for name in rule.arguments):
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                found.append((rule.endpoint, method, rule))
    return sorted(found, key=lambda item: (item[0], item[1]))


INT_ROUTES = int_routes(_APP)


def test_the_url_map_has_routes_with_numeric_ids() -> None:
    assert len({endpoint for endpoint, _method, _rule in INT_ROUTES}) >= 30


@pytest.mark.parametrize(
    ("endpoint", "method"), [(endpoint, method) for endpoint, method, _ in INT_ROUTES]
)
def test_route_with_an_out_of_range_id_is_not_a_server_error(fresh, endpoint, method) -> None:
    """Every role, each numeric part of the path in turn set to a number the database cannot
    hold or no row has: a 404 (or 403/redirect), never a 500."""
    app, world = fresh
    rule = next(r for e, m, r in INT_ROUTES if (e, m) == (endpoint, method))
    numeric = [name for name in rule.arguments if f"<int:{name}>" in rule.rule]
    for role in (*ROLES_IN_ORDER, "pending"):
        client = world.clients[role]
        for name in numeric:
            for number in OUT_OF_RANGE_IDS:
                url = fill_url(rule, {**world.values, name: number})
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, data={"csrf_token": world.csrf[role]}, csrf=False)
                check_response(response, f"{method} {url} as {role}")
                if number >= 2**31:
                    assert response.status_code != 200, f"{method} {url} as {role}: found"
