"""Access rules for consent and privacy settings: workers only."""

from tests.access import LOGGED_IN

RULES = {
    "privacy.first_choice": ("worker",),
    "privacy.settings": ("worker",),
    "privacy.export_data": LOGGED_IN,
    "privacy.erasure": ("worker",),
    "privacy.erasure_queue": ("admin", "manager"),
    "privacy.confirm_erasure": ("admin", "manager"),
}


def sample_values(app, people, values):
    values.update(erasure_id=999999)
