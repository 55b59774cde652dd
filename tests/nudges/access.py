"""Access rules for the nudges routes (stop link, reminder choice, a nudge's link)."""

from tests.access import LOGGED_IN, PUBLIC

RULES = {
    # The signed link is the authority: it works without logging in (and refuses bad tokens).
    "nudges.stop": PUBLIC,
    "nudges.preferences": LOGGED_IN,
    "nudges.resume": ("worker",),
}


def sample_values(app, people, values):
    values["course_id"] = 987654
