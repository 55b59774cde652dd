"""Absolute addresses that leave the site (e-mails, calendar files, QR codes, API documents).

Every such address is built here from the setting `PUBLIC_BASE_URL` and never from the request:
the `Host` and `X-Forwarded-Host` headers are chosen by whoever sends the request, so a link
built from them (``url_for(..., _external=True)``, ``request.url_root``) lets a stranger put
their own site into a password-reset e-mail addressed to someone else. The helpers work the
same with or without a request (web, CLI, cron).

The same setting decides which host names the site answers to (`trusted_hosts`, applied as
Flask's ``TRUSTED_HOSTS``): its host, the names listed in the environment variable
``TRUSTED_HOSTS``, and, when `PUBLIC_BASE_URL` is empty, only the local names.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, render_template
from flask_babel import force_locale, gettext
from werkzeug.datastructures import LanguageAccept
from werkzeug.exceptions import SecurityError
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

# When PUBLIC_BASE_URL is empty (a developer's machine, the tests, `elearn demo` on its
# default address): a fixed local address, never the request's host.
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:5000"
# IPv6 literals cannot be listed: Werkzeug's host check does not compare them.
LOCAL_HOSTS = ("localhost", "127.0.0.1")


class PublicBaseUrlError(ValueError):
    """PUBLIC_BASE_URL is not an address people could open."""


def check_public_base_url(value: str) -> str:
    """The setting without a trailing slash, or PublicBaseUrlError saying what is wrong."""
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublicBaseUrlError(
            f"PUBLIC_BASE_URL must start with https:// (or http://) and name a host: {value!r}"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise PublicBaseUrlError(
            f"PUBLIC_BASE_URL must be scheme, host, optional port and path only: {value!r}"
        )
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        raise PublicBaseUrlError(f"PUBLIC_BASE_URL has a bad port: {value!r}") from error
    return value.rstrip("/")


def public_base_url(app: Flask | None = None) -> str:
    """Where people reach the site, without a trailing slash (e.g. https://welfare3.example.org)."""
    config = (app or current_app).config
    return (config.get("PUBLIC_BASE_URL") or DEFAULT_PUBLIC_BASE_URL).rstrip("/")


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of a page, for anything that leaves the site.

    Takes the same arguments as ``url_for`` (a full endpoint name such as
    ``"auth.reset_password"``, the rule's values, ``_anchor``), but the scheme, host and path
    prefix always come from `PUBLIC_BASE_URL`.
    """
    app = current_app
    base = urlsplit(public_base_url(app))
    anchor = values.pop("_anchor", None)
    for private in ("_external", "_scheme", "_method"):
        values.pop(private, None)
    app.inject_url_defaults(endpoint, values)
    adapter = app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme, subdomain=""
    )
    url = adapter.build(endpoint, values, force_external=True)
    if anchor is not None:
        url += "#" + quote(str(anchor), safe="%!#$&'()*+,/:;=?@")
    return url


def trusted_hosts(public_base: str, extra: str | list[str] | tuple[str, ...] = ()) -> list[str]:
    """The host names the site answers to (Flask's TRUSTED_HOSTS; ports are not compared).

    `public_base` is the PUBLIC_BASE_URL setting: its host, or the local names when it is
    empty. `extra` adds names (comma-separated text or a list); a name starting with a dot
    also admits its subdomains.
    """
    names = [name.strip() for name in extra.split(",")] if isinstance(extra, str) else list(extra)
    host = urlsplit(public_base).hostname if public_base else None
    hosts = [host] if host else list(LOCAL_HOSTS)
    return list(dict.fromkeys([*hosts, *(n.lower() for n in names if n)]))


class RefuseUnknownHosts:
    """WSGI middleware: a request for a host the site does not answer to gets a 400 page.

    It sits inside ProxyFix, so with PROXY_FIX_HOPS the forwarded host is the one checked.
    Flask's own TRUSTED_HOSTS check (set too) would turn the refusal into a 500, because no
    page can build its links without a host; here nothing of the app runs for such a request
    (no session, no database). The list is read at each request from ``TRUSTED_HOSTS``
    (``None`` answers any host: `elearn demo` on all interfaces).
    """

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        trusted = self.app.config.get("TRUSTED_HOSTS")
        if trusted:
            try:
                get_host(environ, trusted)
            except SecurityError:
                return self._refuse(environ)(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def _refuse(self, environ: WSGIEnvironment) -> Response:
        host = environ.get("HTTP_HOST", "")
        log.warning("refused a request for the host %r: not in TRUSTED_HOSTS", host[:100])
        languages = self.app.config["LANGUAGES"]
        accepted = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
        language = accepted.best_match(languages) or self.app.config["BABEL_DEFAULT_LOCALE"]
        public = self.app.config.get("PUBLIC_BASE_URL") or ""
        with self.app.app_context(), force_locale(language):
            text = gettext("This site does not answer at this address.")
            if environ.get("PATH_INFO", "").startswith("/api/"):
                return Response(
                    self.app.json.dumps({"error": text}), 400, mimetype="application/json"
                )
            page = render_template(
                "unknown_host.html", language=language, text=text, public_base_url=public
            )
        response = Response(page, 400, mimetype="text/html")
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
