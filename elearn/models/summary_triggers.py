"""The triggers that keep the summary rows (elearn.models.summary), for SQLite and PostgreSQL.

SQLite has no procedural triggers, so an UPDATE is split by WHEN conditions into triggers that
each run a fixed list of statements; PostgreSQL runs one PL/pgSQL function per table.
"""

from __future__ import annotations

from elearn.models.summary_sql import (
    ACCOUNT_ADDED,
    ACCOUNT_CHANGED,
    LEARNER_ANSWERS_ADD,
    LEARNER_ANSWERS_SUB,
    SUMMARY_COPIED,
    TOUCH,
    answer_add,
    answer_sub,
    completion,
    counted_again,
    last_again,
    progress_add,
    progress_sub,
    week_add,
    week_sub,
)

_KEYS_KEPT = "NEW.user_id = OLD.user_id AND NEW.course_slug = OLD.course_slug"
_COUNTS_CHANGED = "NEW.completed_at IS NOT OLD.completed_at OR NEW.best_score IS NOT OLD.best_score"
_LAST_BACK = "NEW.last_visit_at < OLD.last_visit_at"


def _sqlite_trigger(name: str, when: str, table: str, condition: str, body: list[str]) -> str:
    where = f" WHEN {condition}" if condition else ""
    statements = "; ".join(body)
    return f"CREATE TRIGGER IF NOT EXISTS {name} {when} ON {table}{where} BEGIN {statements}; END"


SQLITE = [
    _sqlite_trigger(
        "summary_progress_insert", "AFTER INSERT", "module_progress", "", progress_add("NEW")
    ),
    _sqlite_trigger(
        "summary_progress_visit",
        "AFTER UPDATE",
        "module_progress",
        f"{_KEYS_KEPT} AND NOT ({_COUNTS_CHANGED}) AND NEW.last_visit_at > OLD.last_visit_at",
        [TOUCH],
    ),
    _sqlite_trigger(
        "summary_progress_counts",
        "AFTER UPDATE",
        "module_progress",
        f"{_KEYS_KEPT} AND ({_COUNTS_CHANGED}) AND NOT ({_LAST_BACK})",
        progress_sub("OLD") + progress_add("NEW"),
    ),
    _sqlite_trigger(
        "summary_progress_other",
        "AFTER UPDATE",
        "module_progress",
        f"NOT ({_KEYS_KEPT}) OR {_LAST_BACK}",
        progress_sub("OLD") + progress_add("NEW") + [last_again("OLD"), last_again("NEW")],
    ),
    _sqlite_trigger(
        "summary_progress_delete",
        "AFTER DELETE",
        "module_progress",
        "",
        progress_sub("OLD") + [last_again("OLD")],
    ),
    _sqlite_trigger(
        "summary_completion_insert",
        "AFTER INSERT",
        "course_completion",
        "",
        completion("NEW", "+"),
    ),
    _sqlite_trigger(
        "summary_completion_delete",
        "AFTER DELETE",
        "course_completion",
        "",
        completion("OLD", "-"),
    ),
    _sqlite_trigger(
        "summary_completion_update",
        "AFTER UPDATE",
        "course_completion",
        "NOT (" + _KEYS_KEPT + ")",
        completion("OLD", "-") + completion("NEW", "+"),
    ),
    _sqlite_trigger(
        "summary_answer_insert", "AFTER INSERT", "quiz_first_answer", "", [answer_add("NEW")]
    ),
    _sqlite_trigger(
        "summary_answer_delete", "AFTER DELETE", "quiz_first_answer", "", [answer_sub("OLD")]
    ),
    _sqlite_trigger(
        "summary_answer_update",
        "AFTER UPDATE",
        "quiz_first_answer",
        "",
        [answer_sub("OLD"), answer_add("NEW")],
    ),
    _sqlite_trigger(
        "summary_learner_moved",
        "AFTER UPDATE OF organization_id",
        "user_account",
        "NEW.organization_id IS NOT OLD.organization_id",
        [LEARNER_ANSWERS_SUB, LEARNER_ANSWERS_ADD],
    ),
    _sqlite_trigger(
        "summary_copied",
        "AFTER UPDATE OF organization_id, counted",
        "learner_summary",
        "NEW.organization_id IS NOT OLD.organization_id OR NEW.counted IS NOT OLD.counted",
        SUMMARY_COPIED,
    ),
    _sqlite_trigger("summary_week_added", "AFTER INSERT", "activity_day", "", [week_add("sqlite")]),
    _sqlite_trigger(
        "summary_week_removed", "AFTER DELETE", "activity_day", "", [week_sub("sqlite")]
    ),
    _sqlite_trigger(
        "summary_week_changed",
        "AFTER UPDATE OF user_id, day",
        "activity_day",
        "",
        [week_sub("sqlite"), week_add("sqlite")],
    ),
    _sqlite_trigger("summary_account_added", "AFTER INSERT", "user_account", "", [ACCOUNT_ADDED]),
    _sqlite_trigger(
        "summary_account_changed",
        "AFTER UPDATE OF organization_id, active",
        "user_account",
        "",
        [ACCOUNT_CHANGED],
    ),
    _sqlite_trigger(
        "summary_role_added",
        "AFTER INSERT",
        "user_role",
        "NEW.role = 'worker'",
        [counted_again("NEW")],
    ),
    _sqlite_trigger(
        "summary_role_removed",
        "AFTER DELETE",
        "user_role",
        "OLD.role = 'worker'",
        [counted_again("OLD")],
    ),
    _sqlite_trigger(
        "summary_role_changed",
        "AFTER UPDATE",
        "user_role",
        "",
        [counted_again("OLD"), counted_again("NEW")],
    ),
    # Waiting for an admin's confirmation (elearn.roster.confirmations): not counted until the
    # row goes (confirmed, or tied to the roster by an import; a rejection also deactivates).
    _sqlite_trigger(
        "summary_review_added",
        "AFTER INSERT",
        "registration_review",
        "",
        [counted_again("NEW")],
    ),
    _sqlite_trigger(
        "summary_review_removed",
        "AFTER DELETE",
        "registration_review",
        "",
        [counted_again("OLD")],
    ),
    _sqlite_trigger(
        "summary_review_changed",
        "AFTER UPDATE OF user_id",
        "registration_review",
        "",
        [counted_again("OLD"), counted_again("NEW")],
    ),
    _sqlite_trigger(
        "summary_learner_deleted",
        "BEFORE DELETE",
        "user_account",
        "",
        [LEARNER_ANSWERS_SUB],
    ),
]


def _plpgsql(name: str, body: str, returns: str = "NULL") -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} "
        f"RETURN {returns}; END; $$ LANGUAGE plpgsql"
    )


def _do(statements: list[str]) -> str:
    return " ".join(statement + ";" for statement in statements)


_PG_KEYS_KEPT = _KEYS_KEPT
_PG_COUNTS_CHANGED = (
    "NEW.completed_at IS DISTINCT FROM OLD.completed_at"
    " OR NEW.best_score IS DISTINCT FROM OLD.best_score"
)

POSTGRESQL = [
    _plpgsql(
        "summary_progress",
        "IF TG_OP = 'INSERT' THEN " + _do(progress_add("NEW")) + " "
        "ELSIF TG_OP = 'DELETE' THEN " + _do(progress_sub("OLD") + [last_again("OLD")]) + " "
        f"ELSIF {_PG_KEYS_KEPT} AND NOT ({_PG_COUNTS_CHANGED}) AND NOT ({_LAST_BACK}) THEN "
        f"IF NEW.last_visit_at > OLD.last_visit_at THEN {TOUCH}; END IF; "
        f"ELSIF {_PG_KEYS_KEPT} AND NOT ({_LAST_BACK}) THEN "
        + _do(progress_sub("OLD") + progress_add("NEW"))
        + " ELSE "
        + _do(progress_sub("OLD") + progress_add("NEW") + [last_again("OLD"), last_again("NEW")])
        + " END IF;",
    ),
    "CREATE TRIGGER summary_progress AFTER INSERT OR UPDATE OR DELETE ON module_progress"
    " FOR EACH ROW EXECUTE FUNCTION summary_progress()",
    _plpgsql(
        "summary_completion",
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN " + _do(completion("OLD", "-")) + " END IF; "
        "IF TG_OP IN ('UPDATE', 'INSERT') THEN " + _do(completion("NEW", "+")) + " END IF;",
    ),
    "CREATE TRIGGER summary_completion AFTER INSERT OR UPDATE OF user_id, course_slug OR DELETE"
    " ON course_completion FOR EACH ROW EXECUTE FUNCTION summary_completion()",
    # The learner's row is locked (FOR SHARE) before reading their organization, so a move to
    # another organization waits for this answer (and then moves it) or happens before it.
    _plpgsql(
        "summary_answer",
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN " + answer_sub("OLD") + "; END IF; "
        "IF TG_OP IN ('UPDATE', 'INSERT') THEN "
        "PERFORM 1 FROM user_account WHERE id = NEW.user_id FOR SHARE; "
        + answer_add("NEW")
        + "; END IF;",
    ),
    "CREATE TRIGGER summary_answer AFTER INSERT OR UPDATE OR DELETE ON quiz_first_answer"
    " FOR EACH ROW EXECUTE FUNCTION summary_answer()",
    _plpgsql(
        "summary_learner_moved",
        f"IF NEW.organization_id IS DISTINCT FROM OLD.organization_id THEN {LEARNER_ANSWERS_SUB};"
        f" {LEARNER_ANSWERS_ADD}; END IF;",
    ),
    "CREATE TRIGGER summary_learner_moved AFTER UPDATE OF organization_id ON user_account"
    " FOR EACH ROW EXECUTE FUNCTION summary_learner_moved()",
    _plpgsql(
        "summary_account",
        f"IF TG_OP = 'INSERT' THEN {ACCOUNT_ADDED}; ELSE {ACCOUNT_CHANGED}; END IF;",
    ),
    "CREATE TRIGGER summary_account AFTER INSERT OR UPDATE OF organization_id, active"
    " ON user_account FOR EACH ROW EXECUTE FUNCTION summary_account()",
    # The account's row is locked (FOR SHARE) first: a concurrent change of `active` waits, or
    # is seen, so `counted` is computed from committed values.
    _plpgsql(
        "summary_role",
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
        "PERFORM 1 FROM user_account WHERE id = OLD.user_id FOR SHARE; "
        + counted_again("OLD")
        + "; END IF; IF TG_OP IN ('UPDATE', 'INSERT') THEN "
        "PERFORM 1 FROM user_account WHERE id = NEW.user_id FOR SHARE; "
        + counted_again("NEW")
        + "; END IF;",
    ),
    "CREATE TRIGGER summary_role AFTER INSERT OR UPDATE OR DELETE ON user_role"
    " FOR EACH ROW EXECUTE FUNCTION summary_role()",
    # The account's row is locked (FOR NO KEY UPDATE, which waits for the FOR SHARE of
    # summary_role and for a change of `active`, and makes them wait): whichever of a
    # confirmation and a change of roles or of `active` comes second sees the first committed,
    # so `counted` ends as the rule says.
    _plpgsql(
        "summary_review",
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
        "PERFORM 1 FROM user_account WHERE id = OLD.user_id FOR NO KEY UPDATE; "
        + counted_again("OLD")
        + "; END IF; IF TG_OP IN ('UPDATE', 'INSERT') THEN "
        "PERFORM 1 FROM user_account WHERE id = NEW.user_id FOR NO KEY UPDATE; "
        + counted_again("NEW")
        + "; END IF;",
    ),
    "CREATE TRIGGER summary_review AFTER INSERT OR UPDATE OF user_id OR DELETE"
    " ON registration_review FOR EACH ROW EXECUTE FUNCTION summary_review()",
    _plpgsql(
        "summary_copied",
        "IF NEW.organization_id IS DISTINCT FROM OLD.organization_id"
        " OR NEW.counted IS DISTINCT FROM OLD.counted THEN " + _do(SUMMARY_COPIED) + " END IF;",
    ),
    "CREATE TRIGGER summary_copied AFTER UPDATE OF organization_id, counted ON learner_summary"
    " FOR EACH ROW EXECUTE FUNCTION summary_copied()",
    # The summary row is locked (FOR SHARE) before its organization is copied: a concurrent
    # change waits, then sees this week and updates it.
    _plpgsql(
        "summary_week",
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN " + week_sub("postgresql") + "; END IF; "
        "IF TG_OP IN ('UPDATE', 'INSERT') THEN "
        "PERFORM 1 FROM learner_summary WHERE user_id = NEW.user_id FOR SHARE; "
        + week_add("postgresql")
        + "; END IF;",
    ),
    "CREATE TRIGGER summary_week AFTER INSERT OR UPDATE OF user_id, day OR DELETE"
    " ON activity_day FOR EACH ROW EXECUTE FUNCTION summary_week()",
    _plpgsql("summary_learner_deleted", f"{LEARNER_ANSWERS_SUB};", returns="OLD"),
    "CREATE TRIGGER summary_learner_deleted BEFORE DELETE ON user_account"
    " FOR EACH ROW EXECUTE FUNCTION summary_learner_deleted()",
]

POSTGRESQL_TRIGGERS = (
    ("summary_progress", "module_progress"),
    ("summary_completion", "course_completion"),
    ("summary_answer", "quiz_first_answer"),
    ("summary_learner_moved", "user_account"),
    ("summary_learner_deleted", "user_account"),
    ("summary_account", "user_account"),
    ("summary_role", "user_role"),
    ("summary_review", "registration_review"),
    ("summary_copied", "learner_summary"),
    ("summary_week", "activity_day"),
)
