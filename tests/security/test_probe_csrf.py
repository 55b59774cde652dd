"""Cross-site requests against every state-changing POST: each form the pages show, filled as
the page fills it, sent by each role that may use it without a token or with someone else's
token (a page of the attacker's can hold one of its own), is refused and changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from elearn.extensions import db
from tests.security.world import allowed_roles, fill_url, routes, url_map_app

_APP = url_map_app()
POST_ROUTES = routes(_APP, "POST")
# The signed link of a reminder e-mail authorises the stop (RFC 8058 one-click posts carry no
# token); the simulators' JSON API computes and stores nothing.
EXEMPT = {"nudges.stop", "simulate.api.compute"}


def _row_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
        return counts


def _filled(form) -> dict[str, str]:
    data = {}
    for name, info in form.fields.items() if form else ():
        if name == "csrf_token" or name.endswith("-csrf_token") or info.kind == "file":
            continue
        data[name] = next((v for v in info.values if v), "1")
    return data


def test_every_post_is_refused_without_the_senders_own_token(fresh):
    app, world = fresh
    before = _row_counts(app)
    tried, accepted = 0, []
    for endpoint, _rule in POST_ROUTES:
        if endpoint in EXEMPT:
            continue
        rule = next(
            r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods
        )
        url = fill_url(rule, world.values)
        for role in allowed_roles(endpoint):
            client = world.clients[role]
            data = _filled(world.forms.get((role, endpoint)))
            foreign = next(t for r, t in world.csrf.items() if r != role)
            for token in (None, foreign, "", world.csrf[role][:-2] + "xx"):
                body = dict(data) if token is None else {**data, "csrf_token": token}
                response = client.post(url, data=body, csrf=False)
                tried += 1
                if response.status_code != 400:
                    accepted.append(
                        f"{endpoint} as {role} token={token!r:.12}: {response.status_code}"
                    )
    assert tried > 200
    assert not accepted, "\n".join(accepted)
    after = _row_counts(app)
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    assert not changed, changed
