"""The audit log reads as words: people by name and e-mail, actions and details as labels, the
IP address under its own heading, and no "None" or internal key left on the page."""

from __future__ import annotations

import re
from pathlib import Path

from elearn.extensions import db
from tests.security.test_dates_shown import visible

ELEARN = Path(__file__).resolve().parents[2] / "elearn"
RECORDED = re.compile(r"""(?:audit\.record|record_read)\(\s*f?["']([a-z_]+\.[a-z_.{}]+)["']""")


def test_the_audit_log_names_people_and_actions_in_words(app, client, make_user, make_org, login):
    from elearn import audit

    admin = make_user("admin", name="Ada Amministra", email="ada@example.org")
    manager = make_user("manager", name="Marta Gestori", email="marta@example.org")
    worker = make_user("worker", name="Walter Lavori", email="walter@example.org")
    org = make_org(name="Cooperativa Aurora")
    with app.app_context():
        audit.record(
            "progress.read", actor_id=manager, subject_user_id=worker, remote_addr="10.0.0.1"
        )
        audit.record(
            "consultation.assign",
            actor_id=manager,
            subject_user_id=worker,
            detail=f"request=12 manager={manager}",
        )
        audit.record(
            "consultation.assign",
            actor_id=manager,
            subject_user_id=worker,
            detail="request=13 manager=None",
        )
        audit.record("organization.update", actor_id=admin, detail=f"organization={org}")
        audit.record(
            "user.roles",
            actor_id=admin,
            subject_user_id=999_999,
            detail="roles ['worker'] -> ['manager', 'worker']",
        )
        audit.record("consent.progress_sharing.withdrawn", actor_id=worker, subject_user_id=worker)
        audit.record("privacy.purge", actor_id=None, detail="cases=2 accounts=1")
        db.session.commit()
    login(admin)
    html = client.get("/admin/registro").get_data(as_text=True)
    text = visible(html)
    assert "Indirizzo IP" in text and "Dalle" not in text
    assert "Marta Gestori marta@example.org" in text
    assert "Walter Lavori walter@example.org" in text
    assert "Ha consultato i progressi di apprendimento di un lavoratore" in text
    assert "richiesta 12 · Welfare Manager: Marta Gestori <marta@example.org>" in text
    assert "richiesta 13 · Welfare Manager: nessuno" in text
    assert "organizzazione: Cooperativa Aurora" in text
    assert "ruoli: Lavoratore/lavoratrice → Welfare manager, Lavoratore/lavoratrice" in text
    assert "account n. 999999 cancellato" in text
    assert "Ha ritirato il consenso: progressi visibili al Welfare Manager" in text
    assert "il sistema" in text and "pratiche 2 · account 1" in text
    for raw in ("None", "progress.read", "consultation.assign", "manager=", "request=", "_"):
        assert raw not in text, raw
    # The filter offers the actions by label and still finds them by key.
    filtered = visible(client.get("/admin/registro?azione=progress.read").get_data(as_text=True))
    table = filtered.split("Indirizzo IP")[-1]
    assert "Ha consultato i progressi" in table and "Ha cambiato i ruoli" not in table


def test_every_action_the_code_records_has_a_label() -> None:
    from elearn.admin.audit_labels import ACTION_LABELS

    recorded = set()
    for path in ELEARN.rglob("*.py"):
        recorded.update(RECORDED.findall(path.read_text(encoding="utf-8")))
    assert len(recorded) > 20
    dynamic = {key for key in recorded if "{" in key}
    assert dynamic == {"consent.{kind}.{"}, dynamic  # consent.<kind>.<granted|withdrawn>
    assert sorted(recorded - dynamic - ACTION_LABELS.keys()) == []
