"""The HTML allow-list every rendered fragment goes through (defence in depth after the parser)."""

from __future__ import annotations

from functools import cache

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del",
        "code", "pre", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr",
        "th", "td", "img", "div", "aside", "section", "dl", "dt", "dd", "span",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "class", "aria-describedby", "rel"},
    "img": {"src", "alt", "title", "loading"},
    "ol": {"start", "class"},
    "ul": {"class"},
    "li": {"class"},
    "th": {"class"},
    "td": {"class"},
    "code": {"class"},
    "p": {"class"},
    "span": {"class"},
    "div": {
        "class",
        "role",
        "tabindex",
        "aria-label",
        "data-coursefmt-segment",
        "data-quiz-id",
        "data-simulator",
    },
    "aside": {"class", "role"},
    "section": {"class", "aria-labelledby"},
    "h2": {"id"},
    "dl": {"class"},
    "dt": {"id"},
    "dd": {"id"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
        link_rel=None,  # the renderer adds rel="noopener noreferrer" to external links
    )


def sanitize_html(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes (http, https, mailto, relative)."""
    return _cleaner().clean(html)
