"""No executable content survives rendering: a corpus of XSS payloads in every text place.

The output is parsed with html.parser and checked tag by tag and attribute by attribute,
not only searched for strings.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

import pytest

from elearn.coursefmt import (
    Glossary,
    course_from_files,
    glossary_section,
    parse_module,
    render_inline,
    render_module_html,
    sanitize_html,
)

SAFE_TAGS = {
    "a", "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code",
    "pre", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "img",
    "div", "aside", "section", "dl", "dt", "dd", "span",
}  # fmt: skip
FORBIDDEN_ATTRIBUTES = {"style", "srcdoc", "formaction", "xlink:href", "srcset", "background"}
SAFE_SCHEMES = {"http", "https", "mailto"}

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;vascript:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](%6Aavascript:alert(1))",
    "[click](<java\tscript:alert(1)>)",
    "[click](<javascript :alert(1)>)",
    "[click]( javascript:alert(1) )",
    "[click](\\javascript:alert(1))",
    "<javascript:alert(1)>",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](DATA:text/html,<script>alert(1)</script>)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](javascript:alert(1))",
    "![x](https://evil.example/track.png)",
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<iframe src=https://evil.example></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<a href="javascript:alert(1)">x</a>',
    "<a href='jav&#x0A;ascript:alert(1)'>x</a>",
    "<object data=javascript:alert(1)></object><embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button formaction=javascript:alert(1)>x</button></form>",
    "<base href=javascript:/><meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<details open ontoggle=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
    "| a |\n|---|\n| [x](javascript:alert(1)) |",
    '![alt" onerror="alert(1)](media/ok.png)',
    '![ok](media/ok.png "t\\" onerror=\\"alert(1)")',
    "![<script>alert(1)</script>](media/ok.png)",
    "![ok](media/ok.png '<img src=x onerror=alert(1)>')",
    "```html\n<script>alert(1)</script>\n```",
    ":::tip\n<script>alert(1)</script> [x](javascript:alert(1))\n:::",
    "> <img src=x onerror=alert(1)>",
    "- <iframe src=javascript:alert(1)>",
    "[[<script>alert(1)</script>]]",
    '[[XSS]] and [x](https://ok.example "x\\" onmouseover=\\"alert(1)")',
    "<a href=https://ok.example onclick=alert(1)>x</a>",
    "[x](mailto:a@b.example?body=<script>alert(1)</script>)",
]

GLOSSARY = Glossary(
    {
        "XSS": (
            "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> "
            "<svg onload=alert(1)> ![i](javascript:alert(1))"
        ),
    }
)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def _url_is_safe(value: str) -> bool:
    # browsers drop ASCII whitespace and control characters inside a scheme
    compact = re.sub(r"[\x00-\x20]", "", html_lib.unescape(value)).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", compact)
    return match is None or match.group(1) in SAFE_SCHEMES


def assert_no_executable_content(html: str) -> None:
    collector = _Collect()
    collector.feed(html)
    collector.close()
    for tag, attrs in collector.found:
        assert tag in SAFE_TAGS, f"tag <{tag}> in {html!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} in {html!r}"
            assert name not in FORBIDDEN_ATTRIBUTES, f"attribute {name} in {html!r}"
            if name in ("href", "src") and value is not None:
                assert _url_is_safe(value), f"unsafe url {value!r} in {html!r}"
            if tag == "img" and name == "src":
                assert value is not None and value.startswith("media/"), html


def _module_html(body: str) -> str:
    text = f"---\ntitle: XSS\nminutes: 1\n---\n\n{body}\n"
    module, _ = parse_module(text.encode(), "01-xss.md", glossary=GLOSSARY, media=("media/ok.png",))
    assert module is not None
    return render_module_html(module, GLOSSARY)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_module_body_payload_is_neutralised(payload: str) -> None:
    assert_no_executable_content(_module_html(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_inline_text_payload_is_neutralised(payload: str) -> None:
    assert_no_executable_content(render_inline(payload, GLOSSARY))


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "\n" not in p])
def test_quiz_texts_with_payloads_are_neutralised_in_preview_and_inline(payload: str) -> None:
    quoted = payload.replace("'", "''")
    body = (
        "```quiz\n"
        f"question: '{quoted}'\n"
        "choices:\n"
        f"  - text: '{quoted}'\n"
        "    correct: true\n"
        "  - text: altro\n"
        f"explanation: '{quoted}'\n"
        "```\n"
    )
    text = f"---\ntitle: Q\nminutes: 1\n---\n\n{body}"
    module, _ = parse_module(text.encode(), "01-q.md", glossary=GLOSSARY, media=("media/ok.png",))
    assert module is not None and module.quizzes, "the payload quiz should parse"
    quiz = module.quizzes[0]
    assert quiz.question == payload
    assert_no_executable_content(render_module_html(module, GLOSSARY))
    for text_value, _ in quiz.text_lines():
        assert_no_executable_content(render_inline(text_value, GLOSSARY))


def test_glossary_definitions_with_payloads_are_neutralised() -> None:
    html = glossary_section(["XSS"], GLOSSARY)
    assert "<dt" in html
    assert_no_executable_content(html)
    assert_no_executable_content(_module_html("Vedi [[XSS]]."))


def test_raw_html_is_shown_as_text_not_dropped_silently() -> None:
    html = _module_html("Prima <script>alert(1)</script> dopo")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_sanitizer_alone_strips_what_the_parser_would_never_emit() -> None:
    dirty = (
        '<a href="javascript:alert(1)" onclick="x()">a</a><img src="data:image/png;base64,AA" '
        'onerror="x()"><script>alert(1)</script><iframe src="https://x"></iframe>'
        '<svg><script>1</script></svg><p style="color:red">p</p>'
    )
    clean = sanitize_html(dirty)
    collector = _Collect()
    collector.feed(clean)
    assert [tag for tag, _ in collector.found] == ["a", "img", "p"]
    assert all(not attrs for tag, attrs in collector.found if tag in ("a", "p"))
    assert "alert" not in clean


def test_a_whole_course_with_payloads_renders_safely() -> None:
    body = "\n\n".join(PAYLOADS)
    files = {
        "course.yml": b"title: XSS\nsummary: Payloads.\nlanguage: it\n",
        "01-xss.md": f"---\ntitle: XSS\nminutes: 1\n---\n\n{body}\n".encode(),
        "media/ok.png": b"\x89PNG\r\n\x1a\n",
    }
    # the course is refused (unknown terms, bad images) but the preview must still be safe
    course, errors = course_from_files(files, "xss")
    assert course is None and errors
    module, _ = parse_module(files["01-xss.md"], "01-xss.md", glossary=GLOSSARY, media=files)
    assert module is not None
    assert_no_executable_content(render_module_html(module, GLOSSARY))


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>x</script>",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<img src="media/a.png" onerror="x()">',
        '<p style="x">p</p>',
        '<img src="https://evil.example/a.png">',
    ],
)
def test_the_checker_itself_catches_unsafe_html(unsafe: str) -> None:
    with pytest.raises(AssertionError):
        assert_no_executable_content(unsafe)
