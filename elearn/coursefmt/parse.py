"""Parse and validate course files (course.yml, modules, glossary.yml) into the data model.

Every problem is collected as a `CourseError` pointing at the offending file line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping
from posixpath import basename

import yaml
from markdown_it.token import Token

from elearn.coursefmt.errors import CourseError, ErrorList, sort_errors
from elearn.coursefmt.markdown import (
    CALLOUTS,
    iter_inline_children,
    media_path,
    parser,
    slugify,
)
from elearn.coursefmt.model import (
    AUDIENCES,
    DEFAULT_PASS_SCORE,
    LANGUAGES,
    LEVELS,
    QUIZ_TYPES,
    Choice,
    Course,
    Glossary,
    Module,
    Quiz,
    SimulatorBlock,
)
from elearn.coursefmt.yamlnodes import (
    Entry,
    YamlSource,
    bool_value,
    compose,
    is_null,
    mapping_entries,
    number_value,
    text_value,
)
from simulators.budget_catalogue import FREQUENCY_ALIASES, GROUP_ALIASES
from simulators.fields import SIMULATOR_FIELDS

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_SLUG_LENGTH = 80
QUIZ_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")
MAX_MINUTES = 600
# Bounds on the Markdown parser's work. Its link rule scans ahead from every '[' (links,
# images, glossary terms), so many brackets in a long text take time that grows with both:
# 100 KB of '[' took 25 s. Bundled modules have under 10,000 characters and 25 brackets;
# within these bounds the worst text we know takes about half a second. Checked first.
MAX_MODULE_CHARS = 50_000
MAX_MODULE_BRACKETS = 500

COURSE_KEYS = ("title", "summary", "language", "level", "audience", "modules", "pass_score")
FRONT_MATTER_KEYS = ("title", "minutes", "objectives")
QUIZ_KEYS = ("id", "question", "type", "choices", "shuffle", "answer", "tolerance", "explanation")
CHOICE_KEYS = ("text", "correct")

#: Image types accepted in media/ (extension -> MIME type), for the web layer to serve them.
MEDIA_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}

# Simulator inputs that are not plain numbers; every other field must be a number.
SIMULATOR_CHOICES = {
    "method": ("french", "italian"),
    "deposit_timing": ("end", "start"),
    "strategy": ("avalanche", "snowball"),
}
# A kind ending in "?" is optional; choice kinds list their words (Italian names accepted).
_FREQUENCY = "choice:" + ",".join(FREQUENCY_ALIASES)
_GROUP = "choice:" + ",".join(GROUP_ALIASES)
SIMULATOR_ENTRIES: dict[str, dict[str, str]] = {
    "incomes": {
        "category": "text",
        "amount": "number",
        "subitem": "text?",
        "frequency": _FREQUENCY + "?",
    },
    "expenses": {
        "category": "text",
        "amount": "number",
        "subitem": "text?",
        "frequency": _FREQUENCY + "?",
        "group": _GROUP + "?",
    },
    "debts": {
        "name": "text",
        "balance": "number",
        "annual_rate": "number",
        "min_payment": "number",
    },
}


def default_quiz_id(question: str) -> str:
    """A stable id from the question text: a short slug plus a hash of the whole text.

    Whitespace is normalised first, so re-wrapping a question keeps its id; any other
    change to the text gives a new id (statistics then start afresh, as they should).
    """
    normalised = " ".join(question.split())
    digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:8]
    slug = slugify(normalised, max_length=40)
    return f"{slug}-{digest}" if slug else f"q-{digest}"


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


def _allowed(keys: Collection[str]) -> str:
    return ", ".join(keys)


def _check_unknown(
    entries: Mapping[str, Entry], allowed: Collection[str], path: str, errors: ErrorList, ctx: str
) -> None:
    for entry in entries.values():
        if entry.key not in allowed:
            errors.add(
                path, entry.line, "unknown_key", ctx, key=entry.key, allowed=_allowed(allowed)
            )


def _required_text(
    entries: Mapping[str, Entry], key: str, path: str, line: int, errors: ErrorList, ctx: str = ""
) -> str:
    entry = entries.get(key)
    if entry is None:
        errors.add(path, line, "missing_key", ctx, key=key)
        return ""
    value = text_value(entry.value)
    if not value:
        errors.add(path, entry.line, "not_text", ctx, key=key)
        return ""
    return value


def _text_list(entry: Entry, path: str, errors: ErrorList, ctx: str = "") -> list[str]:
    node = entry.value
    if is_null(node):
        return []
    values = (
        [text_value(item) for item in node.value] if isinstance(node, yaml.SequenceNode) else []
    )
    if not isinstance(node, yaml.SequenceNode) or not all(values):
        errors.add(path, entry.line, "not_text_list", ctx, key=entry.key)
        return []
    return [v for v in values if v]


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


# --------------------------------------------------------------------------- quiz blocks


def _parse_choices(
    entry: Entry, source: YamlSource, path: str, errors: ErrorList
) -> list[Choice] | None:
    if not isinstance(entry.value, yaml.SequenceNode):
        errors.add(path, entry.line, "bad_entries", "quiz", key="choices", fields="text, correct")
        return None
    choices: list[Choice] = []
    valid = True
    for item in entry.value.value:
        item_line = source.line_of(item)
        if not isinstance(item, yaml.MappingNode):
            errors.add(path, item_line, "not_mapping", "choice")
            valid = False
            continue
        fields = mapping_entries(item, source, errors, "choice")
        _check_unknown(fields, CHOICE_KEYS, path, errors, "choice")
        text = _required_text(fields, "text", path, item_line, errors, "choice")
        correct = False
        if "correct" in fields:
            value = bool_value(fields["correct"].value)
            if value is None:
                errors.add(path, fields["correct"].line, "not_bool", "choice", key="correct")
                valid = False
            correct = bool(value)
        valid = valid and bool(text)
        choices.append(
            Choice(text, correct, fields["text"].line if "text" in fields else item_line)
        )
    return choices if valid else None


def parse_quiz(content: str, fence_line: int, path: str, errors: ErrorList) -> Quiz | None:
    """Parse one ```quiz block whose fence is on `fence_line`; None when it is unusable."""
    source = YamlSource(path, fence_line + 1)
    count_before = len(errors)
    ok, node = compose(content, source, errors)
    if not ok:
        return None
    if not isinstance(node, yaml.MappingNode):
        errors.add(path, fence_line, "not_mapping", "quiz")
        return None
    entries = mapping_entries(node, source, errors, "quiz")
    _check_unknown(entries, QUIZ_KEYS, path, errors, "quiz")
    question = _required_text(entries, "question", path, fence_line, errors, "quiz")

    quiz_type = "single"
    if "type" in entries:
        value = text_value(entries["type"].value) or ""
        if value not in QUIZ_TYPES:
            errors.add(
                path,
                entries["type"].line,
                "not_choice",
                "quiz",
                key="type",
                allowed=_allowed(QUIZ_TYPES),
                value=value,
            )
            quiz_type = ""
        else:
            quiz_type = value

    shuffle = True
    if "shuffle" in entries:
        value_bool = bool_value(entries["shuffle"].value)
        if value_bool is None:
            errors.add(path, entries["shuffle"].line, "not_bool", "quiz", key="shuffle")
        shuffle = value_bool is not False

    explanation = ""
    if "explanation" in entries:
        explanation = text_value(entries["explanation"].value) or ""
        if not explanation:
            errors.add(path, entries["explanation"].line, "not_text", "quiz", key="explanation")

    quiz_id, explicit = "", False
    if "id" in entries:
        quiz_id = text_value(entries["id"].value) or ""
        explicit = True
        if not QUIZ_ID_RE.match(quiz_id):
            errors.add(path, entries["id"].line, "bad_quiz_id", "quiz")
    elif question:
        quiz_id = default_quiz_id(question)

    choices: list[Choice] | None = []
    if "choices" in entries:
        choices = _parse_choices(entries["choices"], source, path, errors)

    answer: int | float | None = None
    tolerance: int | float = 0
    if quiz_type in ("single", "multiple"):
        for key in ("answer", "tolerance"):
            if key in entries:
                errors.add(
                    path, entries[key].line, "key_not_for_type", "quiz", key=key, type=quiz_type
                )
        if choices is not None:
            choices_line = entries["choices"].line if "choices" in entries else fence_line
            correct = sum(c.correct for c in choices)
            if len(choices) < 2:
                errors.add(
                    path,
                    choices_line,
                    "choices_required",
                    "quiz",
                    type=quiz_type,
                    count=len(choices),
                )
            elif quiz_type == "single" and correct != 1:
                errors.add(path, choices_line, "single_correct", "quiz", count=correct)
            elif quiz_type == "multiple" and correct < 1:
                errors.add(path, choices_line, "multiple_correct", "quiz")
    elif quiz_type == "number":
        if "choices" in entries:
            errors.add(
                path,
                entries["choices"].line,
                "key_not_for_type",
                "quiz",
                key="choices",
                type="number",
            )
        if "answer" not in entries:
            errors.add(path, fence_line, "number_answer", "quiz")
        else:
            answer = number_value(entries["answer"].value)
            if answer is None:
                errors.add(path, entries["answer"].line, "number_answer", "quiz")
        if "tolerance" in entries:
            value_num = number_value(entries["tolerance"].value)
            if value_num is None or value_num < 0:
                errors.add(path, entries["tolerance"].line, "bad_tolerance", "quiz")
            else:
                tolerance = value_num

    if len(errors) > count_before:
        return None
    return Quiz(
        id=quiz_id,
        question=question,
        type=quiz_type,
        choices=choices or [],
        shuffle=shuffle,
        answer=answer,
        tolerance=tolerance,
        explanation=explanation,
        line=fence_line,
        explicit_id=explicit,
        id_line=entries["id"].line if explicit else entries["question"].line,
        question_line=entries["question"].line,
        explanation_line=entries["explanation"].line if explanation else 0,
    )


# --------------------------------------------------------------------------- simulator blocks


def _entries_value(
    entry: Entry, spec: dict[str, str], path: str, errors: ErrorList
) -> list[dict[str, object]] | None:
    """A list of `{field: value}` entries (budget lines, debts) checked against `spec`."""
    node = entry.value
    entries: list[dict[str, object]] | None = []
    required = {key for key, kind in spec.items() if not kind.endswith("?")}
    for item in node.value if isinstance(node, yaml.SequenceNode) else [None]:
        pairs = item.value if isinstance(item, yaml.MappingNode) else []
        values: dict[str, object] = {}
        for key_node, value_node in pairs:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in spec and key not in values:
                kind = spec[key].rstrip("?")
                if kind == "number":
                    values[key] = number_value(value_node)
                else:
                    text = text_value(value_node)
                    words = kind.split(":", 1)[1].split(",") if kind.startswith("choice:") else None
                    values[key] = text if words is None or (text or "").lower() in words else None
        if len(pairs) != len(values) or not required <= set(values) or None in values.values():
            entries = None
        elif entries is not None:
            entries.append(values)
    if entries is None:
        fields = ", ".join(
            f"{k} ({t.split(':')[0].rstrip('?')}{', optional' if t.endswith('?') else ''})"
            for k, t in spec.items()
        )
        errors.add(path, entry.line, "bad_entries", "simulator", key=entry.key, fields=fields)
    return entries


def parse_simulator(
    info: str, content: str, fence_line: int, path: str, errors: ErrorList
) -> SimulatorBlock | None:
    """Parse one ```simulator NAME block; None when it is unusable."""
    available = _allowed(sorted(SIMULATOR_FIELDS))
    words = info.split()
    if len(words) < 2:
        errors.add(path, fence_line, "simulator_name_missing", "simulator", allowed=available)
        return None
    name = words[1]
    if name not in SIMULATOR_FIELDS:
        errors.add(path, fence_line, "unknown_simulator", "simulator", name=name, allowed=available)
        return None
    source = YamlSource(path, fence_line + 1)
    count_before = len(errors)
    ok, node = compose(content, source, errors)
    if not ok:
        return None
    if is_null(node):
        return SimulatorBlock(name, {}, fence_line)
    if not isinstance(node, yaml.MappingNode):
        errors.add(path, fence_line, "not_mapping", "simulator")
        return None
    fields = SIMULATOR_FIELDS[name]
    values: dict[str, object] = {}
    for entry in mapping_entries(node, source, errors, "simulator").values():
        if entry.key not in fields:
            errors.add(
                path,
                entry.line,
                "unknown_field",
                "simulator",
                key=entry.key,
                name=name,
                allowed=_allowed(sorted(fields)),
            )
        elif entry.key in SIMULATOR_CHOICES:
            value = text_value(entry.value) or ""
            if value not in SIMULATOR_CHOICES[entry.key]:
                errors.add(
                    path,
                    entry.line,
                    "not_choice",
                    "simulator",
                    key=entry.key,
                    allowed=_allowed(SIMULATOR_CHOICES[entry.key]),
                    value=value,
                )
            values[entry.key] = value
        elif entry.key in SIMULATOR_ENTRIES:
            values[entry.key] = _entries_value(entry, SIMULATOR_ENTRIES[entry.key], path, errors)
        else:
            number = number_value(entry.value)
            if number is None:
                errors.add(path, entry.line, "not_number", "simulator", key=entry.key)
            values[entry.key] = number
    if len(errors) > count_before:
        return None
    return SimulatorBlock(name, values, fence_line)


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
    _check_unknown(entries, FRONT_MATTER_KEYS, path, errors, "front_matter")
    title = _required_text(entries, "title", path, 1, errors, "front_matter")
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
        _text_list(entries["objectives"], path, errors, "front_matter")
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
                    path, line, "unknown_container", name=match.group(1), allowed=_allowed(CALLOUTS)
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
    _check_unknown(entries, COURSE_KEYS, path, errors, "")
    settings["title"] = _required_text(entries, "title", path, 1, errors)
    settings["summary"] = _required_text(entries, "summary", path, 1, errors)
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
                    allowed=_allowed(allowed),
                    value=value,
                )
    settings["audience"] = ["tutti"]
    if "audience" in entries:
        entry = entries["audience"]
        values = _text_list(entry, path, errors)
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
                    allowed=_allowed(AUDIENCES),
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
        names = _text_list(entry, path, errors)
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
                errors.add(shown(name), 1, "media_type", name=name, allowed=_allowed(MEDIA_TYPES))

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
