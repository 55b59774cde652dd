"""Parse and validate course files (course.yml, modules, glossary.yml) into the data model.

Every problem is collected as a `CourseError` pointing at the offending file line.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from posixpath import basename

import yaml
from markdown_it.token import Token

from elearn.coursefmt.blocks import parse_quiz, parse_simulator
from elearn.coursefmt.errors import CourseError, ErrorList, sort_errors
from elearn.coursefmt.markdown import CALLOUTS, iter_inline_children, media_path, parser
from elearn.coursefmt.model import (
    AUDIENCES,
    DEFAULT_PASS_SCORE,
    LANGUAGES,
    LEVELS,
    Course,
    Glossary,
    Module,
    Quiz,
    SimulatorBlock,
)
from elearn.coursefmt.yamlnodes import (
    YamlSource,
    allowed_list,
    check_unknown_keys,
    compose,
    is_null,
    mapping_entries,
    number_value,
    required_text,
    text_list,
    text_value,
)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_SLUG_LENGTH = 80
MAX_MINUTES = 600
# Bounds on the Markdown parser's work. Its link rule scans ahead from every '[' (links,
# images, glossary terms), so many brackets in a long text take time that grows with both:
# 100 KB of '[' took 25 s. Bundled modules have under 10,000 characters and 25 brackets;
# within these bounds the worst text we know takes about half a second. Checked first.
MAX_MODULE_CHARS = 50_000
MAX_MODULE_BRACKETS = 500

COURSE_KEYS = ("title", "summary", "language", "level", "audience", "modules", "pass_score")
FRONT_MATTER_KEYS = ("title", "minutes", "objectives")

#: Image types accepted in media/ (extension -> MIME type), for the web layer to serve them.
MEDIA_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


def _decode(data: bytes, path: str, errors: ErrorList) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        errors.add(path, data.count(b"\n", 0, exc.start) + 1, "not_utf8")
        return None
    if "\x00" in text:  # no person types it, and PostgreSQL cannot store it in text
        errors.add(path, text.count("\n", 0, text.index("\x00")) + 1, "nul_character")
        return None
    return text.removeprefix("\ufeff")


# --------------------------------------------------------------------------- glossary


def parse_glossary(data: bytes, path: str = "glossary.yml") -> tuple[Glossary, list[CourseError]]:
    """Read glossary.yml (`Term: definition` lines). Problems give errors and an empty entry."""
    errors = ErrorList()
    glossary = Glossary(raw=data)
    text = _decode(data, path, errors)
    if text is None:
        return glossary, errors
    ok, node = compose(text, YamlSource(path, 1), errors)
    if not ok or is_null(node):
        return glossary, errors
    if not isinstance(node, yaml.MappingNode):
        errors.add(path, 1, "not_mapping")
        return glossary, errors
    for entry in mapping_entries(node, YamlSource(path, 1), errors).values():
        definition = text_value(entry.value)
        if not entry.key.strip() or not definition:
            errors.add(path, entry.line, "bad_definition", term=entry.key)
            continue
        glossary.terms[" ".join(entry.key.split())] = definition
    return glossary, errors


# --------------------------------------------------------------------------- modules


def _front_matter(token: Token, path: str, errors: ErrorList) -> tuple[str, int, list[str]]:
    source = YamlSource(path, 2)
    ok, node = compose(token.content, source, errors)
    if not ok:
        return "", 0, []
    if not isinstance(node, yaml.MappingNode):
        errors.add(path, 1, "not_mapping", "front_matter")
        return "", 0, []
    entries = mapping_entries(node, source, errors, "front_matter")
    check_unknown_keys(entries, FRONT_MATTER_KEYS, path, errors, "front_matter")
    title = required_text(entries, "title", path, 1, errors, "front_matter")
    minutes = 0
    if "minutes" not in entries:
        errors.add(path, 1, "missing_key", "front_matter", key="minutes")
    else:
        value = number_value(entries["minutes"].value)
        if not isinstance(value, int) or not 1 <= value <= MAX_MINUTES:
            errors.add(
                path, entries["minutes"].line, "bad_minutes", "front_matter", max=MAX_MINUTES
            )
        else:
            minutes = value
    objectives = (
        text_list(entries["objectives"], path, errors, "front_matter")
        if "objectives" in entries
        else []
    )
    return title, minutes, objectives


_CONTAINER_RE = re.compile(r"^:{3,}\s*([^\s:]+)")


def _check_inline(
    children: list[tuple[Token, int]],
    path: str,
    errors: ErrorList,
    glossary: Glossary,
    media: Collection[str],
    terms: list[str],
    images: list[str],
) -> None:
    for child, line in children:
        if child.type == "image":
            src = str(child.attrGet("src") or "")
            path_in_course = media_path(src)
            if path_in_course is None:
                errors.add(path, line, "image_not_media", src=src)
            elif path_in_course not in media:
                errors.add(path, line, "image_missing", src=path_in_course)
            elif path_in_course not in images:
                images.append(path_in_course)
        elif child.type == "glossary_term":
            key = glossary.lookup(child.content)
            if key is None:
                errors.add(path, line, "unknown_term", term=child.content)
            elif key not in terms:
                terms.append(key)


def _too_costly_to_parse(text: str, path: str, errors: ErrorList) -> bool:
    """True (with the reason in `errors`) when the text is beyond the parser's work bounds."""
    if len(text) > MAX_MODULE_CHARS:
        errors.add(path, 1, "module_too_long", size=len(text), max=MAX_MODULE_CHARS)
        return True
    brackets = 0
    for number, line in enumerate(text.split("\n"), start=1):
        brackets += line.count("[")
        if brackets > MAX_MODULE_BRACKETS:
            errors.add(path, number, "too_many_brackets", max=MAX_MODULE_BRACKETS)
            return True
    return False


def parse_module(
    data: bytes,
    filename: str,
    *,
    path: str | None = None,
    course_slug: str = "",
    language: str = "it",
    glossary: Glossary | None = None,
    media: Collection[str] = (),
) -> tuple[Module | None, list[CourseError]]:
    """Parse and validate one module file.

    `path` is how errors name the file (default: `filename`); `media` holds the course's
    file paths (`media/...`) that images may use. Returns a best-effort Module even when
    there are errors (for editor previews), None only when the bytes are not UTF-8.
    """
    path = path or filename
    glossary = glossary or Glossary()
    errors = ErrorList()
    text = _decode(data, path, errors)
    if text is None:
        return None, errors
    slug = filename.removesuffix(".md")
    if not SLUG_RE.match(slug) or len(slug) > MAX_SLUG_LENGTH or not filename.endswith(".md"):
        errors.add(path, 1, "bad_module_slug", name=filename)
    if _too_costly_to_parse(text, path, errors):
        return None, errors

    tokens = parser().parse(text, {})
    title, minutes, objectives = "", 0, []
    body_start = 0
    if tokens and tokens[0].type == "front_matter":
        title, minutes, objectives = _front_matter(tokens[0], path, errors)
        body_start = tokens[0].map[1] if tokens[0].map else 0
    elif re.match(r"^---+[ \t]*(\r?\n|$)", text):
        errors.add(path, 1, "front_matter_unclosed")
    else:
        errors.add(path, 1, "front_matter_missing")

    quizzes: list[Quiz] = []
    simulators: list[SimulatorBlock] = []
    terms: list[str] = []
    images: list[str] = []
    quiz_lines: dict[str, int] = {}
    for token in tokens:
        line = (token.map[0] + 1) if token.map else 1
        if token.type == "fence":
            kind = token.info.split()[0] if token.info.split() else ""
            if kind == "quiz":
                quiz = parse_quiz(token.content, line, path, errors)
                if quiz is None:
                    continue
                if quiz.id in quiz_lines:
                    errors.add(
                        path,
                        quiz.id_line,
                        "duplicate_quiz_id",
                        "quiz",
                        id=quiz.id,
                        first_line=quiz_lines[quiz.id],
                    )
                    continue
                quiz_lines[quiz.id] = quiz.id_line
                quizzes.append(quiz)
                for quiz_text, text_line in quiz.text_lines():
                    inline = parser().parseInline(quiz_text, {})
                    children = [(child, text_line) for child, _ in iter_inline_children(inline)]
                    _check_inline(children, path, errors, glossary, media, terms, images)
            elif kind == "simulator":
                block = parse_simulator(token.info, token.content, line, path, errors)
                if block is not None:
                    simulators.append(block)
        elif token.type == "inline":
            match = _CONTAINER_RE.match(token.content)
            if match and match.group(1) not in CALLOUTS:
                errors.add(
                    path,
                    line,
                    "unknown_container",
                    name=match.group(1),
                    allowed=allowed_list(CALLOUTS),
                )
    _check_inline(list(iter_inline_children(tokens)), path, errors, glossary, media, terms, images)

    lines = text.splitlines(keepends=True)
    module = Module(
        slug=slug,
        filename=filename,
        title=title,
        minutes=minutes,
        objectives=objectives,
        source=text,
        body="".join(lines[body_start:]),
        body_line=body_start + 1,
        quizzes=quizzes,
        simulators=simulators,
        glossary_terms=terms,
        images=images,
        raw=data,
        course_slug=course_slug,
        language=language,
    )
    return module, sort_errors(errors)


# --------------------------------------------------------------------------- courses


def is_safe_relpath(name: str) -> bool:
    """A relative POSIX path without `..`, empty parts, backslashes or drive letters."""
    if not name or name.startswith("/") or "\\" in name or "\0" in name or ":" in name:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _course_settings(
    text: str, path: str, errors: ErrorList
) -> tuple[dict[str, object], dict[str, int]]:
    """Validated course.yml values, and the file line of each module entry."""
    settings: dict[str, object] = {}
    module_lines: dict[str, int] = {}
    source = YamlSource(path, 1)
    ok, node = compose(text, source, errors)
    if not ok:
        return settings, module_lines
    if not isinstance(node, yaml.MappingNode):
        errors.add(path, 1, "not_mapping")
        return settings, module_lines
    entries = mapping_entries(node, source, errors)
    check_unknown_keys(entries, COURSE_KEYS, path, errors, "")
    settings["title"] = required_text(entries, "title", path, 1, errors)
    settings["summary"] = required_text(entries, "summary", path, 1, errors)
    if "language" not in entries:
        errors.add(path, 1, "missing_key", key="language")
    for key, allowed, default in (("language", LANGUAGES, "it"), ("level", LEVELS, "base")):
        settings[key] = default
        if key in entries:
            value = text_value(entries[key].value) or ""
            if value in allowed:
                settings[key] = value
            else:
                errors.add(
                    path,
                    entries[key].line,
                    "not_choice",
                    key=key,
                    allowed=allowed_list(allowed),
                    value=value,
                )
    settings["audience"] = ["tutti"]
    if "audience" in entries:
        entry = entries["audience"]
        values = text_list(entry, path, errors)
        if isinstance(entry.value, yaml.SequenceNode) and not entry.value.value:
            errors.add(path, entry.line, "empty_list", key="audience")
        seen: set[str] = set()
        for item, value in zip(entry.value.value if values else [], values, strict=False):
            item_line = source.line_of(item)
            if value not in AUDIENCES:
                errors.add(
                    path,
                    item_line,
                    "not_choice",
                    key="audience",
                    allowed=allowed_list(AUDIENCES),
                    value=value,
                )
            elif value in seen:
                errors.add(path, item_line, "duplicate_value", key="audience", value=value)
            seen.add(value)
        if values:
            settings["audience"] = values
    settings["pass_score"] = DEFAULT_PASS_SCORE
    if "pass_score" in entries:
        score = number_value(entries["pass_score"].value)
        if not isinstance(score, int) or not 0 <= score <= 100:
            errors.add(path, entries["pass_score"].line, "bad_pass_score")
        else:
            settings["pass_score"] = score
    if "modules" in entries:
        entry = entries["modules"]
        names = text_list(entry, path, errors)
        items = entry.value.value if isinstance(entry.value, yaml.SequenceNode) else []
        for item, name in zip(items if names else [], names, strict=False):
            item_line = source.line_of(item)
            filename = name if name.endswith(".md") else name + ".md"
            if "/" in filename or "\\" in filename or not is_safe_relpath(filename):
                errors.add(path, item_line, "bad_module_entry", name=name)
            elif filename in module_lines:
                errors.add(path, item_line, "duplicate_value", key="modules", value=name)
            else:
                module_lines[filename] = item_line
        if isinstance(entry.value, yaml.SequenceNode) and not items:
            errors.add(path, entry.line, "empty_list", key="modules")
        if names:  # an unusable list falls back to the sorted file names, without more errors
            settings["modules"] = list(module_lines)
    return settings, module_lines


def course_from_files(
    files: Mapping[str, bytes],
    slug: str,
    *,
    glossary: Glossary | None = None,
    display_dir: str | None = None,
) -> tuple[Course | None, list[CourseError]]:
    """Build and validate a course from its files (path inside the course folder -> bytes).

    `display_dir` prefixes paths in errors (default: the slug), e.g. `courses/budget`.
    Returns (None, errors) whenever anything is wrong; the bytes are kept untouched
    in `Course.files`, so exporting an unchanged course gives identical files.
    """
    display_dir = (display_dir if display_dir is not None else slug).rstrip("/")

    def shown(name: str) -> str:
        return f"{display_dir}/{name}" if display_dir else name

    errors = ErrorList()
    glossary = glossary or Glossary()
    course_path = shown("course.yml")
    if not SLUG_RE.match(slug) or len(slug) > MAX_SLUG_LENGTH:
        errors.add(course_path, 1, "bad_course_slug", slug=slug)
    files = dict(files)
    for name in sorted(files):
        if not is_safe_relpath(name):
            errors.add(shown(name), 1, "bad_path", name=name)
            del files[name]
        elif name.startswith("media/"):
            extension = basename(name).rpartition(".")[2].lower()
            if extension not in MEDIA_TYPES:
                errors.add(
                    shown(name), 1, "media_type", name=name, allowed=allowed_list(MEDIA_TYPES)
                )

    if "course.yml" not in files:
        errors.add(course_path, 1, "course_missing")
        return None, sort_errors(errors)
    settings: dict[str, object] = {}
    module_lines: dict[str, int] = {}
    text = _decode(files["course.yml"], course_path, errors)
    if text is not None:
        settings, module_lines = _course_settings(text, course_path, errors)

    if "modules" in settings:
        order = [name for name in module_lines if name in files]
        for name, line in module_lines.items():
            if name not in files:
                errors.add(course_path, line, "module_missing", name=name)
    else:
        order = sorted(n for n in files if "/" not in n and n.endswith(".md"))
    if text is not None and not order and not module_lines:
        errors.add(course_path, 1, "no_modules")

    language = str(settings.get("language", "it"))
    media = frozenset(n for n in files if n.startswith("media/"))
    modules: list[Module] = []
    for name in order:
        module, module_errors = parse_module(
            files[name],
            name,
            path=shown(name),
            course_slug=slug,
            language=language,
            glossary=glossary,
            media=media,
        )
        errors.extend(module_errors)
        if module is not None:
            modules.append(module)

    if errors:
        return None, sort_errors(errors)
    course = Course(
        slug=slug,
        title=str(settings["title"]),
        summary=str(settings["summary"]),
        language=language,
        level=str(settings["level"]),
        audience=list(settings["audience"]),  # type: ignore[call-overload]
        module_order=order,
        pass_score=int(settings["pass_score"]),  # type: ignore[call-overload]
        modules=modules,
        files=dict(files),
    )
    return course, []


def with_file(
    course: Course,
    relpath: str,
    data: bytes | None,
    *,
    glossary: Glossary | None = None,
    display_dir: str | None = None,
) -> tuple[Course | None, list[CourseError]]:
    """The course with one file replaced, added or (data=None) removed, validated again."""
    files = dict(course.files)
    if data is None:
        files.pop(relpath, None)
    else:
        files[relpath] = data
    return course_from_files(files, course.slug, glossary=glossary, display_dir=display_dir)
