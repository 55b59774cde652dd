"""The target groups in people's words: every label table of the group codes, in one place.

The codes themselves come from the course format (`elearn.coursefmt.model.TARGET_GROUPS`);
a new group means a code there and its three labels here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from elearn.coursefmt.model import AUDIENCES, TARGET_GROUPS

# A group as a heading of a table or chart (the managers' dashboard).
GROUP_NAMES = {
    "maternita": _l("Pregnancy and maternity"),
    "figli": _l("Children under 14"),
    "legge104": _l("Caregivers (Law 104)"),
    "svantaggiati": _l("Disadvantaged workers"),
}
# Whom a course is for, inside a sentence of the catalogue ("for …").
AUDIENCE_WORDS = {
    "tutti": _l("everyone"),
    "maternita": _l("pregnancy and maternity"),
    "figli": _l("parents of children under 14"),
    "legge104": _l("caregivers (Law 104)"),
    "svantaggiati": _l("workers in a difficult situation"),
}
# What a worker ticks about themselves (the privacy settings).
SELF_DESCRIPTIONS = {
    "maternita": _l("I am pregnant or a new mother"),
    "figli": _l("I have children under 14"),
    "legge104": _l("I care for a relative under Law 104/1992"),
    "svantaggiati": _l("I am a disadvantaged worker"),
}

assert set(GROUP_NAMES) == set(SELF_DESCRIPTIONS) == set(TARGET_GROUPS)
assert set(AUDIENCE_WORDS) == set(AUDIENCES)
