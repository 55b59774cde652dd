"""Reach against the roster on the managers' side: guarded figures, own cooperatives only."""

from __future__ import annotations

import re
from datetime import timedelta

from elearn.extensions import db
from elearn.models import RosterEntry, RosterInvitation, User
from elearn.models.base import utcnow


def _roster(app, org_id, site, people, *, accounts=0, invited=0, active=0, make_user=None):
    """`people` on the roster at `site`; the first `accounts` have an account, of which the first
    `active` logged in this week; the first `invited` received an invitation."""
    now = utcnow()
    for n in range(people):
        user_id = None
        if n < accounts:
            user_id = make_user(
                "worker", org_id=org_id, email=f"{site.lower().replace(' ', '')}{n}@example.org"
            )
        with app.app_context():
            if user_id and n < active:
                db.session.get(User, user_id).last_login_at = now - timedelta(days=2)
            entry = RosterEntry(
                organization_id=org_id,
                full_name=f"Persona {site} {n}",
                phone=f"+39333{org_id:02d}{abs(hash(site)) % 100:02d}{n:03d}",
                site=site,
                user_id=user_id,
            )
            db.session.add(entry)
            db.session.flush()
            if n < invited:
                db.session.add(
                    RosterInvitation(
                        roster_entry_id=entry.id,
                        organization_id=org_id,
                        secret_hash=f"{entry.id:064d}",
                        channel="letter",
                        expires_at=now + timedelta(days=30),
                    )
                )
            db.session.commit()


def _cells(html, label):
    row = re.search(rf"<th scope=\"row\">{label}</th>(.*?)</tr>", html, re.S).group(1)
    return [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
    ]


def test_managers_see_reach_per_site_with_small_groups_hidden(
    app, client, make_org, make_user, login
):
    coop = make_org(name="Il Girasole")
    other = make_org(name="Ponte Verde")
    _roster(app, coop, "Via Padova", 12, accounts=8, invited=12, active=6, make_user=make_user)
    _roster(app, coop, "Niguarda", 3, accounts=1, invited=3, make_user=make_user)
    _roster(app, other, "Altrove", 20, accounts=20, invited=20, make_user=make_user)
    manager = make_user("manager", org_id=coop, language="en")
    login(manager)
    page = client.get("/report/personale")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # 12 → 10, 8 → 10, 6 → 5: rounded to 5; 3 and 1 → "fewer than 5".
    assert _cells(html, "Via Padova") == ["10", "10", "10", "5", "100 %".replace(" ", "\u00a0")]
    assert _cells(html, "Niguarda")[:4] == ["fewer than 5"] * 2 + ["fewer than 5", "0"]
    assert _cells(html, "Total")[:4] == ["15", "15", "10", "5"]
    assert "Ponte Verde" not in html and "Altrove" not in html, "only the cooperatives managed"
    assert "Persona" not in html, "no names on the managers' page"
