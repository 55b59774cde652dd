"""Render modules to sanitised HTML segments, with quizzes and simulators left to the web layer.

Decisions:
- The module page shows the front-matter title as its own <h1>, so the module's top heading
  level becomes <h2> and the others follow (`#` -> <h2> when the module uses `#`, `##` -> <h2>
  when `##` is its top level; capped at <h6>): no level is skipped after the <h1>. A leading
  `# Title` equal to the front-matter title is dropped rather than repeated.
- Quizzes and simulators become `QuizSegment` / `SimulatorSegment` between `HtmlSegment`s,
  in document order; the HTML never holds correct answers. A quiz nested in a list or a
  callout splits that element, so each HtmlSegment is a fragment meant to be concatenated
  in order with the forms the web layer puts between them.
- Glossary terms become links to a definitions list appended to the module
  (`<section class="glossary">`), described by the definition via aria-describedby, so
  they work without hover and without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from elearn.coursefmt.markdown import (
    GLOSSARY_HEADINGS,
    SEGMENT_RE,
    parser,
    term_anchor,
)
from elearn.coursefmt.model import Glossary, Module, Quiz, SimulatorBlock
from elearn.coursefmt.sanitize import sanitize_html

#: Either a function (course_slug, file name inside media/) -> URL, or a base URL string
#: to which the file name is appended; None keeps the relative `media/...` path.
MediaUrl = Callable[[str, str], str] | str | None


@dataclass(frozen=True)
class HtmlSegment:
    """Sanitised HTML to output as is."""

    html: str


@dataclass(frozen=True)
class QuizSegment:
    """Place for an interactive, server-graded quiz form."""

    quiz: Quiz


@dataclass(frozen=True)
class SimulatorSegment:
    """Place for a simulator form pre-filled with `block.values`."""

    block: SimulatorBlock


Segment = HtmlSegment | QuizSegment | SimulatorSegment


def _media_resolver(media_url: MediaUrl, course_slug: str) -> Callable[[str], str] | None:
    if media_url is None:
        return None

    def resolve(path: str) -> str:
        name = path.removeprefix("media/")
        if callable(media_url):
            return media_url(course_slug, name)
        return media_url.rstrip("/") + "/" + quote(name)

    return resolve


def _env(
    glossary: Glossary | None,
    language: str,
    media_url: MediaUrl,
    course_slug: str,
    link_terms: bool = True,
) -> dict:
    return {
        "glossary": glossary,
        "language": language,
        "media_url": _media_resolver(media_url, course_slug),
        "link_terms": link_terms,
        "terms_used": [],
    }


def render_inline(
    text: str,
    glossary: Glossary | None = None,
    *,
    language: str = "it",
    course_slug: str = "",
    media_url: MediaUrl = None,
    link_terms: bool = True,
) -> str:
    """Sanitised HTML of inline Markdown (quiz questions, choices, explanations, definitions).

    Glossary terms link to the module's glossary section (`#glossario-...`) when
    `glossary` is given and `link_terms` is true; otherwise they show as plain text.
    """
    env = _env(glossary, language, media_url, course_slug, link_terms)
    return sanitize_html(parser().renderInline(text, env))


# Bumped when the same source renders differently: stored renderings older than this are redone.
RENDER_VERSION = 2


def _drop_leading_title(tokens: list, title: str) -> list:
    start = 1 if tokens and tokens[0].type == "front_matter" else 0
    if (
        len(tokens) >= start + 3
        and tokens[start].type == "heading_open"
        and tokens[start].tag == "h1"
        and " ".join(tokens[start + 1].content.split()).casefold()
        == " ".join(title.split()).casefold()
    ):
        return tokens[:start] + tokens[start + 3 :]
    return tokens


def glossary_section(terms: Iterable[str], glossary: Glossary, *, language: str = "it") -> str:
    """The definitions list of the glossary terms a module uses (sanitised HTML)."""
    items = []
    for key in sorted(set(terms), key=str.casefold):
        definition = glossary.terms.get(key)
        if definition is None:
            continue
        anchor = term_anchor(key)
        body = render_inline(definition, glossary, language=language, link_terms=False)
        items.append(f'<dt id="{anchor}">{escape(key)}</dt>\n<dd id="{anchor}-def">{body}</dd>\n')
    if not items:
        return ""
    heading = GLOSSARY_HEADINGS.get(language, GLOSSARY_HEADINGS["it"])
    return sanitize_html(
        '<section class="glossary" aria-labelledby="glossary-heading">\n'
        f'<h2 id="glossary-heading">{heading}</h2>\n<dl>\n' + "".join(items) + "</dl>\n</section>\n"
    )


def render_module(
    module: Module,
    glossary: Glossary | None = None,
    *,
    media_url: MediaUrl = None,
    language: str | None = None,
) -> list[Segment]:
    """The module body as segments in document order, ending with its glossary section.

    `language` (default: the course's) picks callout titles and the glossary heading.
    """
    language = language or module.language
    env = _env(glossary, language, media_url, module.course_slug)
    env["blocks"] = {q.line: QuizSegment(q) for q in module.quizzes} | {
        s.line: SimulatorSegment(s) for s in module.simulators
    }
    md = parser()
    tokens = _drop_leading_title(md.parse(module.source, env), module.title)
    levels = [int(token.tag[1:]) for token in tokens if token.type == "heading_open"]
    env["heading_shift"] = 2 - min(levels) if levels else 1
    html = sanitize_html(md.renderer.render(tokens, md.options, env))
    blocks: list[Segment] = env.get("segments", [])

    segments: list[Segment] = []
    position = 0
    for match in SEGMENT_RE.finditer(html):
        if html[position : match.start()].strip():
            segments.append(HtmlSegment(html[position : match.start()].lstrip("\n")))
        segments.append(blocks[int(match.group(1))])
        position = match.end()
    if html[position:].strip():
        segments.append(HtmlSegment(html[position:].lstrip("\n")))

    if glossary is not None:
        terms = list(module.glossary_terms)
        terms += [t for t in env["terms_used"] if t not in terms]
        section = glossary_section(terms, glossary, language=language)
        if section:
            segments.append(HtmlSegment(section))
    return segments


def quiz_preview_html(
    quiz: Quiz,
    glossary: Glossary | None = None,
    *,
    language: str = "it",
    media_url: MediaUrl = None,
) -> str:
    """A static preview of a quiz (question and choices, never which one is correct)."""

    def inline(text: str) -> str:
        return render_inline(text, glossary, language=language, media_url=media_url)

    parts = [
        f'<div class="quiz-preview" data-quiz-id="{escape(quiz.id)}">',
        f'<p class="quiz-question">{inline(quiz.question)}</p>',
    ]
    if quiz.choices:
        parts.append("<ul>" + "".join(f"<li>{inline(c.text)}</li>" for c in quiz.choices) + "</ul>")
    parts.append("</div>\n")
    return sanitize_html("\n".join(parts))


def simulator_preview_html(block: SimulatorBlock) -> str:
    """A static placeholder for a simulator block."""
    return sanitize_html(
        f'<div class="simulator-preview" data-simulator="{escape(block.name)}">'
        f"<p>{escape(block.name)}</p></div>\n"
    )


def segments_html(
    segments: Iterable[Segment],
    glossary: Glossary | None = None,
    *,
    language: str = "it",
    media_url: MediaUrl = None,
) -> str:
    """Join segments into one HTML string, with static previews for quizzes and simulators."""
    parts = []
    for segment in segments:
        if isinstance(segment, HtmlSegment):
            parts.append(segment.html)
        elif isinstance(segment, QuizSegment):
            parts.append(
                quiz_preview_html(segment.quiz, glossary, language=language, media_url=media_url)
            )
        else:
            parts.append(simulator_preview_html(segment.block))
    return "".join(parts)


def render_module_html(
    module: Module,
    glossary: Glossary | None = None,
    *,
    media_url: MediaUrl = None,
    language: str | None = None,
) -> str:
    """The whole module as one sanitised HTML string (editor preview): no answers in it."""
    language = language or module.language
    segments = render_module(module, glossary, media_url=media_url, language=language)
    return segments_html(segments, glossary, language=language, media_url=media_url)
