"""Access rules for the impact measure (worker) and the funder's report (manager)."""

from __future__ import annotations

WORKER = ("worker",)
MANAGER = ("manager",)

RULES = {
    "impact.index": WORKER,
    "impact.consent": WORKER,
    "impact.snooze": WORKER,
    "impact.questionnaire": WORKER,
    "impact.report": MANAGER,
    "impact.report_csv": MANAGER,
    "impact.report_pdf": MANAGER,
}
