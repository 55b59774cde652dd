"""Checks that a page holds no live markup that came from a payload, and that a value shows."""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

# Each payload carries several vectors; the checks below look for their effect, not their text.
VECTORS = {
    "tags": '<script>alert(1)</script>"><img src=x onerror=alert(1)>',
    "breakout": "</textarea></title><svg onload=alert(2)>'onmouseover='alert(3)'",
    "attributes": '" autofocus onfocus="alert(4)" x="`onclick=alert(5)`',
    "template": "{{7*7}} {{ 111111*3 }} ${7*7} {% if 1 %}jinja{% endif %}",
    "url": "javascript:alert(6)//<a href=javascript:alert(7)>x</a>",
    "unicode": "Zoë Ñandú 😀 👩‍👩‍👧 مرحبا \u202eRTL\u202c ＜script＞ &lt;b&gt; %3Cscript%3E",
}
# Two vectors per payload: each fits the 120-character fields; shorter fields keep the first.
PAYLOADS = {
    "markup": VECTORS["tags"] + VECTORS["breakout"],
    "attributes": VECTORS["attributes"] + " " + VECTORS["url"],
    "text": VECTORS["unicode"] + " " + VECTORS["template"],
}
TEMPLATE_RESULT = "333333"  # what {{ 111111*3 }} would become if rendered as a template

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}
_INJECTED_TAGS = {"svg", "iframe", "object", "embed", "math", "base", "frame", "applet"}


def _compact(value: str) -> str:
    return re.sub(r"[\x00-\x20]", "", html_lib.unescape(value)).lower()


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self.attribute_values: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.attribute_values.extend(values.values())
        if tag in _INJECTED_TAGS:
            self.problems.append(f"<{tag}> element")
        if tag == "script":
            if not values.get("src", "").startswith("/static/"):
                self.problems.append(f"script not from /static/: {attrs}")
            self._script = []
        if tag == "img" and values.get("src") == "x":
            self.problems.append("<img src=x> from a payload")
        if tag == "a" and values.get("href", "").startswith("javascript"):
            self.problems.append("link to javascript:")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name in ("autofocus", "x", "jinja"):
                self.problems.append(f"attribute {name} on <{tag}> from a payload")
            if name in _URL_ATTRIBUTES and _compact(value).startswith(("javascript:", "vbscript:")):
                self.problems.append(f"{name}={value!r} on <{tag}>")
            if name in _URL_ATTRIBUTES and _compact(value).startswith("data:text/html"):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._script = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            if "".join(self._script).strip():
                self.problems.append(f"inline script: {''.join(self._script)[:80]!r}")
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        self.text.append(data)


def inert_problems(page: str) -> list[str]:
    """What in `page` would run or was built from a payload (empty when the page is safe)."""
    parser = _Page()
    parser.feed(page)
    parser.close()
    problems = list(parser.problems)
    if TEMPLATE_RESULT in "".join(parser.text):
        problems.append("{{ 111111*3 }} was rendered as a template")
    return problems


def shows(page: str, value: str) -> bool:
    """Whether a person reading `page` sees `value` exactly (as text or in a form field)."""
    parser = _Page()
    parser.feed(page)
    parser.close()
    return value in "".join(parser.text) or any(value in v for v in parser.attribute_values)
