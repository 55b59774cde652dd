"""Old import path of the manager's services, kept while parallel branches merge.

TODO(recut): remove this package once no branch imports `elearn.manage.services`; the code
lives in the feature modules of `elearn.consult`.
"""

from elearn.consult.appointments import (
    CalendarDay,
    SlotTaken,
    book_slot,
    cancel_appointment,
    create_slots,
    delete_slot,
    free_slots_for,
    get_appointment,
    get_slot,
    managed_points,
    mark_held,
    week_slots,
    week_start,
)
from elearn.consult.pathway import (
    CaseLearning,
    add_pathway_item,
    case_learning,
    check_pathway_open,
    delete_pathway_item,
    module_options,
)
from elearn.consult.requests import (
    QueueFilters,
    QueueRow,
    add_manager_message,
    add_note,
    assign,
    close_case,
    get_case,
    queue,
    read_notes,
    reopen_case,
)
from elearn.consult.rules import managed_org_ids, managers_of
from elearn.consult.statistics import OrganizationStats, statistics
from elearn.consult.welfare_days import (
    WelfareDayRow,
    attendance_count,
    attendees,
    check_in,
    create_welfare_day,
    get_welfare_day,
    welfare_days_for_manager,
)

__all__ = [
    "CalendarDay",
    "CaseLearning",
    "OrganizationStats",
    "QueueFilters",
    "QueueRow",
    "SlotTaken",
    "WelfareDayRow",
    "add_manager_message",
    "add_note",
    "add_pathway_item",
    "assign",
    "attendance_count",
    "attendees",
    "book_slot",
    "cancel_appointment",
    "case_learning",
    "check_in",
    "check_pathway_open",
    "close_case",
    "create_slots",
    "create_welfare_day",
    "delete_pathway_item",
    "delete_slot",
    "free_slots_for",
    "get_appointment",
    "get_case",
    "get_slot",
    "get_welfare_day",
    "managed_org_ids",
    "managed_points",
    "managers_of",
    "mark_held",
    "module_options",
    "queue",
    "read_notes",
    "reopen_case",
    "statistics",
    "week_slots",
    "week_start",
    "welfare_days_for_manager",
]
