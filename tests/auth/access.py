"""Access rules for account routes."""

from tests.access import GUEST, LOGGED_IN, PUBLIC

RULES = {
    "auth.login": GUEST,
    "auth.register": GUEST,
    "auth.two_factor": PUBLIC,
    "auth.logout": LOGGED_IN,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
}
