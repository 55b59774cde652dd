"""Numbers in URLs past what the database's INTEGER ids hold are a 404 on PostgreSQL too
(there INTEGER is 32 bits: 2**31 was an "out of range" 500). tests/security/test_fuzz_forms.py
sends such numbers to every route on SQLite with a populated world."""

from __future__ import annotations

import pytest

from elearn.routing import LARGEST_ID

ROLES = ("worker", "trainer", "manager", "admin")


@pytest.mark.parametrize("backend", ["postgres"])
def test_every_numeric_url_part_past_integer_is_a_404_for_every_role(
    app, make_user, login, backend
) -> None:
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        login(make_user(role), clients[role])
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if any(f"<int:{name}>" in rule.rule for name in rule.arguments)
    ]
    assert len({r.endpoint for r in rules}) >= 30
    problems = []
    for number in (LARGEST_ID + 1, 2**40, 2**63):
        for rule in rules:
            url = rule.rule
            for name in rule.arguments:
                url = url.replace(f"<int:{name}>", str(number)).replace(f"<{name}>", "prova")
            for role, client in clients.items():
                for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                    response = client.open(url, method=method, data={})
                    if response.status_code >= 500:
                        problems.append(f"{method} {url} as {role}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_the_largest_id_is_looked_up_without_error(client, make_user, login) -> None:
    """At the bound and just past it: a plain 404 on both databases."""
    login(make_user("worker"))
    assert client.get(f"/simulatori/scenari/{LARGEST_ID}").status_code == 404
    assert client.get(f"/simulatori/scenari/{LARGEST_ID + 1}").status_code == 404
