"""Rendered fragments kept for the next requests: ``{% cache key, ... %}...{% endcache %}``.

A catalogue card costs a dozen translation lookups, links and escapes, and the same card is
drawn again for the next learner with the same progress. Here the fragment's HTML is kept under
a key that names what the fragment shows: the template passes values (a frozen card, whether
the person is logged in), never objects compared by identity. The extension adds to the key
what every fragment depends on besides: the template and line, the request's locale, and the
address its links are built under (script root, host, scheme, subdomain). So a fragment that
reads only its key's values and these is the same text whether it is kept or drawn again.

Fragments are drawn every time outside a request, and when templates reload on change (debug):
an edited template must show at once. The kept set is bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.globals import _cv_request
from flask_babel import get_locale
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup


class FragmentCache(Extension):
    tags = {"cache"}  # noqa: RUF012  # Jinja's own class attribute
    limit = 4096

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self.kept: dict[tuple[Any, ...], Markup] = {}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        values = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            values.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        where = nodes.Const(f"{parser.name}:{lineno}")
        call = self.call_method("_fragment", [where, nodes.Tuple(values, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _fragment(self, where: str, values: tuple[Any, ...], caller: Callable[[], str]) -> str:
        request_context = _cv_request.get(None)
        adapter = request_context.url_adapter if request_context is not None else None
        if adapter is None or self.environment.auto_reload:
            return caller()
        key = (
            where,
            str(get_locale()),
            adapter.script_name,
            adapter.server_name,
            adapter.url_scheme,
            adapter.subdomain,
            values,
        )
        html = self.kept.get(key)
        if html is None:
            html = Markup(caller())  # noqa: S704  # nosec B704
            if len(self.kept) >= self.limit:
                self.kept.clear()
            self.kept[key] = html
        return html
