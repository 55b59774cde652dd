"""What each role sees first on the home page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request, url_for
from flask_babel import get_locale, lazy_gettext

from elearn.core.templating import gettext
from elearn.extensions import db
from elearn.labs.services import current_labs_for_worker, has_open_lab
from elearn.models import Role, User
from elearn.roster.views import open_while_waiting, waiting_for_confirmation


@dataclass
class HomeLink:
    label: str
    url: str


@dataclass
class HomeSection:
    role: str
    title: str
    text: str
    links: list[HomeLink] = field(default_factory=list)


def _link(label: str, endpoint: str, **values: object) -> HomeLink | None:
    # Areas built by later parts of the project appear as soon as their routes exist.
    if endpoint not in current_app.view_functions:
        return None
    return HomeLink(label, url_for(endpoint, **values))


def _section(role: str, title: str, text: str, *links: HomeLink | None) -> HomeSection:
    return HomeSection(role, title, text, [link for link in links if link is not None])


def home_sections(user: User) -> list[HomeSection]:
    sections: list[HomeSection] = []
    if user.has_role(Role.WORKER):
        sections.append(
            _section(
                Role.WORKER,
                gettext("What to learn next"),
                gettext(
                    "Short modules on the household budget, saving, credit and family "
                    "planning: ten minutes at a time, even from your phone."
                ),
                _link(gettext("Browse the courses"), "learning.catalogue"),
                _link(gettext("Try the simulators"), "simulate.index"),
                _link(gettext("Talk to the Welfare Manager"), "consult.new_request"),
            )
        )
    if user.has_role(Role.WORKER):
        labs = current_labs_for_worker(user)
        if labs:
            sections.append(
                _section(
                    "labs",
                    gettext("Co-production labs"),
                    gettext(
                        "Build the welfare plan with your colleagues: write what is hard and "
                        "what could help, support the cards of others, vote."
                    ),
                    *[_link(lab.title, "labs.lab", lab_id=lab.id) for lab in labs],
                )
            )
    if user.has_role(Role.TRAINER):
        sections.append(
            _section(
                Role.TRAINER,
                gettext("Your courses"),
                gettext("Write and update modules in Markdown, then publish them to learners."),
                _link(gettext("Open the course editor"), "authoring.index"),
            )
        )
    if user.has_role(Role.MANAGER):
        names = ", ".join(org.name for org in user.managed_organizations) or gettext("none yet")
        sections.append(
            _section(
                Role.MANAGER,
                gettext("Requests and reports"),
                gettext("You follow these organizations: %(names)s.", names=names),
                _link(gettext("Consultation queue"), "manage.queue"),
                _link(gettext("Learning reports"), "reports.dashboard"),
                _link(gettext("Impact report"), "impact.report"),
            )
        )
    if user.has_role(Role.ADMIN):
        sections.append(
            _section(
                Role.ADMIN,
                gettext("Administration"),
                gettext("Organizations, Social points, users and their roles."),
                _link(gettext("Organizations"), "admin.organizations"),
                _link(gettext("Users"), "admin.users"),
            )
        )
    return sections


@dataclass
class MenuItem:
    label: str
    url: str
    current: bool


MENU = (
    # (endpoint, label, roles allowed; empty = everyone)
    ("learning.catalogue", lazy_gettext("Courses"), ()),
    ("simulate.index", lazy_gettext("Simulators"), ()),
    ("learning.my_path", lazy_gettext("My path"), ("worker",)),
    ("resources.map_page", lazy_gettext("My resources"), ("worker",)),
    ("healthfund.compare", lazy_gettext("Health funds"), ("worker",)),
    ("consult.my_requests", lazy_gettext("Welfare Manager"), ("worker",)),
    ("labs.index", lazy_gettext("Labs"), ("worker", "manager")),
    ("authoring.index", lazy_gettext("Editor"), ("trainer", "admin")),
    ("manage.queue", lazy_gettext("Requests"), ("manager",)),
    ("manage.welfare_days", lazy_gettext("Welfare days"), ("manager",)),
    ("reports.dashboard", lazy_gettext("Reports"), ("manager",)),
    ("healthfund.plans", lazy_gettext("Health funds"), ("manager",)),
    ("admin.organizations", lazy_gettext("Organizations"), ("admin",)),
    ("admin.users", lazy_gettext("Users"), ("admin",)),
    ("roster.overview", lazy_gettext("Roster"), ("admin",)),
    ("admin.audit_log", lazy_gettext("Audit"), ("admin",)),
    ("resources.admin_list", lazy_gettext("Coop resources"), ("admin",)),
    ("privacy.erasure_queue", lazy_gettext("Erasure requests"), ("admin", "manager")),
)


def _shows_labs(user: User) -> bool:
    """Managers always reach their labs; workers once a lab of their cooperative is running."""
    return user.has_role("manager") or has_open_lab(user)


_MENUS: dict[tuple[Any, ...], list[MenuItem]] = {}


def main_menu(user: User | None, current_endpoint: str | None) -> list[MenuItem]:
    """The menu for these roles, language, page and Labs entry: built once per process and
    kept (it depends on nothing else; a few dozen combinations at most)."""
    signed_in = user is not None and user.is_authenticated
    roles = frozenset(user.roles) if signed_in else frozenset()
    labs = signed_in and "labs.index" in current_app.view_functions and _shows_labs(user)
    # A shared-code account waiting for confirmation: only the pages it may open (no dead links).
    waiting = signed_in and waiting_for_confirmation()
    key = (roles, labs, waiting, str(get_locale()), current_endpoint, request.script_root)
    menu = _MENUS.get(key)
    if menu is None:
        if len(_MENUS) > 1000:
            _MENUS.clear()
        menu = _MENUS[key] = _build_menu(user, current_endpoint, labs, waiting)
    return menu


def _build_menu(
    user: User | None, current_endpoint: str | None, labs: bool, waiting: bool = False
) -> list[MenuItem]:
    items = []
    for endpoint, label, roles in MENU:
        if endpoint not in current_app.view_functions:
            continue
        if waiting and not open_while_waiting(endpoint):
            continue
        if roles and (user is None or not user.is_authenticated or not user.has_role(*roles)):
            continue
        if endpoint == "labs.index" and not labs:
            continue
        items.append(MenuItem(str(label), url_for(endpoint), endpoint == current_endpoint))
    return items


ROLE_LABELS = {
    "worker": lazy_gettext("Worker"),
    "trainer": lazy_gettext("Trainer"),
    "manager": lazy_gettext("Welfare manager"),
    "admin": lazy_gettext("Administrator"),
}


def role_labels(roles: frozenset[str] | set[str]) -> str:
    return ", ".join(str(ROLE_LABELS[role]) for role in sorted(roles) if role in ROLE_LABELS)


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _darken(hex_color: str, factor: float) -> str:
    return "#" + "".join(
        f"{max(0, int(int(hex_color[i : i + 2], 16) * factor)):02x}" for i in (1, 3, 5)
    )


def readable_accent(hex_color: str) -> str:
    """The organization's colour, darkened until white text on it (and it on white) reaches AA."""
    color = hex_color.lower()
    for _ in range(40):
        if (1.05) / (_luminance(color) + 0.05) >= 4.6:
            return color
        color = _darken(color, 0.9)
    return color


def accent_for(user: User) -> str | None:
    organization = user.organization or (
        user.managed_organizations[0] if user.managed_organizations else None
    )
    return organization.accent_color if organization else None


def theme_css(accent: str | None) -> str:
    if accent is None:
        return "/* default theme */\n"
    color = readable_accent(accent)
    hover = _darken(color, 0.8)
    return (
        ':root, html:root[data-theme="light"] {\n'
        f"  --pico-primary: {color};\n  --pico-primary-background: {color};\n"
        f"  --pico-primary-border: {color};\n  --pico-primary-hover: {hover};\n"
        f"  --pico-primary-hover-background: {hover};\n  --pico-primary-hover-border: {hover};\n"
        f"  --pico-primary-underline: {color}80;\n  --pico-primary-focus: {color}59;\n"
        f"  --w3-ok-border: {color};\n}}\n"
    )


def update_profile(user: User, full_name: str, language: str) -> None:
    """Save the name and the language a person chose on their profile."""
    user.full_name = full_name.strip()
    save_language(user, language)


def save_language(user: User, language: str) -> None:
    """Keep the language a signed-in person chose (e-mails follow it too)."""
    user.language = language
    db.session.commit()
