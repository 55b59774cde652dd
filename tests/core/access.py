"""Access rules for core and static routes."""

from tests.access import LOGGED_IN, PUBLIC

RULES = {
    "static": PUBLIC,
    "core.home": PUBLIC,
    "core.set_language": PUBLIC,
    "core.theme_css": PUBLIC,
    "core.health": PUBLIC,
    "core.profile": LOGGED_IN,
}
