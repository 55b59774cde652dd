"""Rendering: segments in order, callouts, glossary, headings, tables, images, no answers."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

from elearn.coursefmt import (
    Glossary,
    HtmlSegment,
    Module,
    QuizSegment,
    SimulatorSegment,
    load_courses,
    render_inline,
    render_module,
    render_module_html,
)

from .conftest import GOOD_ROOT

MakeModule = Callable[..., Module]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def html_of(segments: list) -> str:
    return "".join(s.html for s in segments if isinstance(s, HtmlSegment))


def test_segments_follow_document_order() -> None:
    result = load_courses(GOOD_ROOT)
    module = result.courses[0].modules[0]
    segments = render_module(module, result.glossary)
    kinds = [type(s).__name__ for s in segments]
    assert kinds == [
        "HtmlSegment",
        "QuizSegment",
        "QuizSegment",
        "SimulatorSegment",
        "HtmlSegment",  # the glossary section
    ]
    assert isinstance(segments[1], QuizSegment) and segments[1].quiz.id == "spesa-fissa"
    assert isinstance(segments[3], SimulatorSegment) and segments[3].block.name == "loan"


def test_html_never_contains_answers_or_explanations() -> None:
    result = load_courses(GOOD_ROOT)
    for module in result.courses[0].modules:
        html = render_module_html(module, result.glossary)
        assert "correct" not in html
        assert "1800" not in html  # the numeric answer
        for quiz in module.quizzes:
            assert not quiz.explanation or quiz.explanation not in html


def test_quiz_inside_a_list_keeps_segment_order(make_module: MakeModule) -> None:
    body = "- prima\n\n  ```quiz\n  question: Dentro?\n  type: number\n  answer: 1\n  ```\n- dopo\n"
    segments = render_module(make_module(body))
    assert [type(s).__name__ for s in segments] == ["HtmlSegment", "QuizSegment", "HtmlSegment"]
    assert "prima" in segments[0].html and "dopo" in segments[2].html  # type: ignore[union-attr]


def test_callouts_have_italian_titles(make_module: MakeModule) -> None:
    body = "".join(
        f":::{n}\nTesto {n}.\n:::\n\n" for n in ("tip", "warning", "example", "definition")
    )
    html = html_of(render_module(make_module(body)))
    for name, title in (
        ("tip", "Consiglio"),
        ("warning", "Attenzione"),
        ("example", "Esempio"),
        ("definition", "Definizione"),
    ):
        assert (
            f'<aside class="callout callout-{name}" role="note">\n'
            f'<p class="callout-title">{title}</p>\n<p>Testo {name}.</p>\n</aside>'
        ) in html


def test_callouts_have_english_titles_in_english_courses(make_module: MakeModule) -> None:
    body = (
        ":::tip\nA.\n:::\n\n:::warning\nB.\n:::\n\n:::example\nC.\n:::\n\n:::definition\nD.\n:::\n"
    )
    html = html_of(render_module(make_module(body, language="en")))
    titles = [t for t in ("Tip", "Warning", "Example", "Definition") if f">{t}</p>" in html]
    assert titles == ["Tip", "Warning", "Example", "Definition"]


def test_leading_title_heading_is_dropped_and_others_shift_down(make_module: MakeModule) -> None:
    module = make_module("# Prova\n\nIntro.\n\n# Parte uno\n\n## Dettaglio\n\n###### Minimo\n")
    html = html_of(render_module(module))
    assert "Prova" not in html
    assert "<h2>Parte uno</h2>" in html
    assert "<h3>Dettaglio</h3>" in html
    assert "<h6>Minimo</h6>" in html
    assert "<h1" not in html


def test_leading_heading_different_from_title_is_kept(make_module: MakeModule) -> None:
    html = html_of(render_module(make_module("# Altro titolo\n\nTesto.\n")))
    assert html.startswith("<h2>Altro titolo</h2>")


def test_glossary_terms_link_to_an_appended_definition_list(
    make_module: MakeModule, glossary: Glossary
) -> None:
    module = make_module("Il [[taeg]] e il [[TAN]]; ancora [[TAEG]].\n")
    assert module.glossary_terms == ["TAEG", "TAN"]
    segments = render_module(module, glossary)
    body, section = segments[0].html, segments[-1].html  # type: ignore[union-attr]
    links = [attrs for tag, attrs in elements(body) if tag == "a"]
    assert links[0] == {
        "class": "term",
        "href": "#glossario-taeg",
        "aria-describedby": "glossario-taeg-def",
    }
    assert ">taeg</a>" in body  # the author's wording is kept
    assert section.startswith('<section class="glossary" aria-labelledby="glossary-heading">')
    assert '<h2 id="glossary-heading">Glossario</h2>' in section
    ids = [attrs.get("id") for tag, attrs in elements(section) if tag in ("dt", "dd")]
    assert ids == ["glossario-taeg", "glossario-taeg-def", "glossario-tan", "glossario-tan-def"]
    assert '<dt id="glossario-taeg">TAEG</dt>' in section
    assert "Tasso Annuo Effettivo Globale" in section


def test_glossary_section_lists_terms_used_in_quizzes(
    make_module: MakeModule, glossary: Glossary
) -> None:
    module = make_module("```quiz\nquestion: Che cos'è il [[TAN]]?\ntype: number\nanswer: 1\n```\n")
    section = render_module(module, glossary)[-1]
    assert isinstance(section, HtmlSegment) and 'id="glossario-tan"' in section.html
    assert 'href="#glossario-tan"' in render_inline(module.quizzes[0].question, glossary)


def test_no_glossary_section_without_terms(make_module: MakeModule, glossary: Glossary) -> None:
    segments = render_module(make_module("Niente termini.\n"), glossary)
    assert "glossary" not in html_of(segments)


def test_tables_are_wrapped_for_horizontal_scrolling(make_module: MakeModule) -> None:
    html = html_of(render_module(make_module("| A | B |\n|:--|--:|\n| 1 | 2 |\n")))
    assert html.startswith(
        '<div class="table-scroll" role="region" tabindex="0" aria-label="Tabella">\n<table>'
    )
    assert html.rstrip().endswith("</table>\n</div>")
    assert '<th class="align-left">A</th>' in html and '<td class="align-right">2</td>' in html
    assert "style" not in html


def test_images_use_the_media_url_given_by_the_caller(make_module: MakeModule) -> None:
    module = make_module('![Torta](media/torta.png "Spese")\n', media=("media/torta.png",))
    default = html_of(render_module(module))
    assert '<img src="media/torta.png" alt="Torta" title="Spese" loading="lazy">' in default
    with_base = html_of(render_module(module, media_url="/media/corso/"))
    assert 'src="/media/corso/torta.png"' in with_base
    with_function = html_of(
        render_module(module, media_url=lambda slug, name: f"/c/{slug}/m/{name}?v=1")
    )
    assert 'src="/c/corso/m/torta.png?v=1"' in with_function


def test_code_fences_other_than_quiz_and_simulator_stay_code(make_module: MakeModule) -> None:
    html = html_of(render_module(make_module("```yaml\nquestion: non un quiz\n```\n")))
    assert html == '<pre><code class="language-yaml">question: non un quiz\n</code></pre>\n'


def test_external_links_get_rel_noopener(make_module: MakeModule) -> None:
    html = html_of(render_module(make_module("[Sito](https://example.org) e [qui](#sopra)\n")))
    assert [attrs for tag, attrs in elements(html) if tag == "a"] == [
        {"href": "https://example.org", "rel": "noopener noreferrer"},
        {"href": "#sopra"},
    ]


def test_render_inline_renders_emphasis_and_escapes_html() -> None:
    assert render_inline("**Sì**, <b>no</b> & `x`") == (
        "<strong>Sì</strong>, &lt;b&gt;no&lt;/b&gt; &amp; <code>x</code>"
    )


def test_unknown_terms_render_as_plain_text(make_module: MakeModule) -> None:
    module = make_module("Il [[Spread]].\n", allow_errors=True)
    assert html_of(render_module(module, Glossary())) == "<p>Il Spread.</p>\n"


def test_quiz_preview_shows_choices_without_marks() -> None:
    result = load_courses(GOOD_ROOT)
    html = render_module_html(result.courses[0].modules[0], result.glossary)
    assert '<div class="quiz-preview" data-quiz-id="spesa-fissa">' in html
    assert "<li>L'affitto</li><li>La cena al ristorante</li>" in html
    assert '<div class="simulator-preview" data-simulator="loan">' in html


def test_double_hash_headings_under_the_title_become_h2(make_module: MakeModule) -> None:
    """Most modules start their sections with `##`: right after the page's <h1> they are <h2>."""
    module = make_module("Intro.\n\n## Le spese\n\nTesto.\n\n### Esempio\n\nAltro.\n")
    html = html_of(render_module(module))
    assert "<h2>Le spese</h2>" in html
    assert "<h3>Esempio</h3>" in html
