"""The Markdown dialect of course modules: CommonMark + tables, callouts, [[glossary]] terms.

Raw HTML is disabled at the parser; links may only be http, https, mailto or relative.
The render rules read everything they need (glossary, language, media URLs) from `env`,
so one parser instance serves every course.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from html import escape
from typing import Any
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

CALLOUTS = ("tip", "warning", "example", "definition")
CALLOUT_TITLES = {
    "it": {
        "tip": "Consiglio",
        "warning": "Attenzione",
        "example": "Esempio",
        "definition": "Definizione",
    },
    "en": {"tip": "Tip", "warning": "Warning", "example": "Example", "definition": "Definition"},
}
TABLE_LABELS = {"it": "Tabella", "en": "Table"}
GLOSSARY_HEADINGS = {"it": "Glossario", "en": "Glossary"}
GLOSSARY_ANCHOR_PREFIX = "glossario-"
MAX_TERM_LENGTH = 100

_SCHEME_RE = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
_ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
SEGMENT_PLACEHOLDER = '<div data-coursefmt-segment="{index}"></div>'
SEGMENT_RE = re.compile(r'<div data-coursefmt-segment="(\d+)"></div>\n?')


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII slug: lowercase letters, digits and hyphens (accents folded, `è` -> `e`)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        # cut at a word boundary when one is reasonably close
        boundary = cut.rfind("-")
        slug = cut[:boundary] if boundary >= max_length // 2 else cut
    return slug.strip("-")


def term_anchor(term: str) -> str:
    """The id of a glossary term's <dt> (`glossario-taeg`); its <dd> id adds `-def`."""
    slug = slugify(term)
    if not slug:
        slug = hashlib.sha256(term.encode()).hexdigest()[:8]
    return GLOSSARY_ANCHOR_PREFIX + slug


def is_safe_url(url: str) -> bool:
    """Links may be relative (paths, #anchors) or use http, https or mailto."""
    match = _SCHEME_RE.match(unquote(url))
    return match is None or match.group(1).lower() in _ALLOWED_SCHEMES


def media_path(src: str) -> str | None:
    """`media/...` path of an image source, or None when it is not a safe relative media path."""
    path = unquote(src)
    if _SCHEME_RE.match(path) or "\\" in path or "?" in path or "#" in path:
        return None
    parts = path.split("/")
    if len(parts) < 2 or parts[0] != "media" or any(p in ("", ".", "..") for p in parts[1:]):
        return None
    return path


def _glossary_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule for `[[Term]]`: a term on one line, without brackets."""
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    end = src.find("]]", pos + 2)
    if end < 0:
        return False
    raw = src[pos + 2 : end]
    term = " ".join(raw.split())
    if not term or len(raw) > MAX_TERM_LENGTH or any(c in raw for c in "[]\n"):
        return False
    if not silent:
        token = state.push("glossary_term", "", 0)
        token.content = term
        token.markup = "[["
    state.pos = end + 2
    return True


def _render_glossary_term(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    term = tokens[idx].content
    glossary = env.get("glossary")
    key = glossary.lookup(term) if glossary is not None else None
    if key is None or not env.get("link_terms", True) or env.get("link_depth", 0):
        return escape(term)  # unknown, or inside a link: links must not nest
    env.setdefault("terms_used", [])
    if key not in env["terms_used"]:
        env["terms_used"].append(key)
    anchor = term_anchor(key)
    return f'<a class="term" href="#{anchor}" aria-describedby="{anchor}-def">{escape(term)}</a>'


def _render_heading_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    level = int(tokens[idx].tag[1:])
    return f"<h{min(level + env.get('heading_shift', 0), 6)}>"


def _render_heading_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    level = int(tokens[idx].tag[1:])
    return f"</h{min(level + env.get('heading_shift', 0), 6)}>\n"


def _render_table_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    label = TABLE_LABELS.get(env.get("language", "it"), TABLE_LABELS["it"])
    return f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">\n<table>\n'


def _render_table_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    return "</table>\n</div>\n"


def _render_cell_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    token = tokens[idx]
    style = token.attrs.pop("style", None)
    if isinstance(style, str) and style.startswith("text-align:"):
        token.attrSet("class", "align-" + style.split(":", 1)[1])
    return self.renderToken(tokens, idx, options, env)


def _render_link_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    token = tokens[idx]
    env["link_depth"] = env.get("link_depth", 0) + 1
    if re.match(r"^(https?:)?//", str(token.attrGet("href") or ""), re.IGNORECASE):
        token.attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def _render_link_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    env["link_depth"] = max(env.get("link_depth", 0) - 1, 0)
    return self.renderToken(tokens, idx, options, env)


def _render_image(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    path = media_path(str(token.attrGet("src") or ""))
    if path is None:
        return escape(alt)
    resolve = env.get("media_url")
    src = resolve(path) if resolve else quote(path)
    title = token.attrGet("title")
    title_attr = f' title="{escape(str(title))}"' if title else ""
    return f'<img src="{escape(src)}" alt="{escape(alt)}"{title_attr} loading="lazy">'


def _render_fence(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    token = tokens[idx]
    kind = token.info.split()[0] if token.info.split() else ""
    if kind in ("quiz", "simulator"):
        line = (token.map[0] + 1) if token.map else 0
        block = env.get("blocks", {}).get(line)
        if block is None:
            return ""
        segments = env.setdefault("segments", [])
        segments.append(block)
        return SEGMENT_PLACEHOLDER.format(index=len(segments) - 1) + "\n"
    return self.rules_default_fence(tokens, idx, options, env)


def _callout_renderer(name: str) -> Any:
    def render(
        self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
    ) -> str:
        if tokens[idx].nesting == 1:
            titles = CALLOUT_TITLES.get(env.get("language", "it"), CALLOUT_TITLES["it"])
            return (
                f'<aside class="callout callout-{name}" role="note">\n'
                f'<p class="callout-title">{titles[name]}</p>\n'
            )
        return "</aside>\n"

    return render


def _validate_callout(name: str) -> Any:
    def validate(params: str, markup: str) -> bool:
        words = params.split()
        return bool(words) and words[0] == name

    return validate


@cache
def parser() -> MarkdownIt:
    """The shared parser: CommonMark with tables, front matter, callouts and glossary terms."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    front_matter_plugin(md)
    for name in CALLOUTS:
        container_plugin(md, name, validate=_validate_callout(name), render=_callout_renderer(name))
    md.inline.ruler.before("link", "glossary_term", _glossary_rule)
    md.add_render_rule("glossary_term", _render_glossary_term)
    md.add_render_rule("heading_open", _render_heading_open)
    md.add_render_rule("heading_close", _render_heading_close)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    md.add_render_rule("th_open", _render_cell_open)
    md.add_render_rule("td_open", _render_cell_open)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    renderer = md.renderer
    renderer.rules_default_fence = renderer.rules["fence"]  # type: ignore[attr-defined]
    md.add_render_rule("fence", _render_fence)
    return md


def iter_inline_children(tokens: Sequence[Token]) -> Any:
    """Yield (child token, 1-based file line) for every inline child, counting line breaks."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        line = (token.map[0] + 1) if token.map else 1
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            yield child, line
