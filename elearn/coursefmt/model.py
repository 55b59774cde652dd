"""The course data model: plain dataclasses holding parsed values and the raw file bytes."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field

QUIZ_TYPES = ("single", "multiple", "number")
LANGUAGES = ("it", "en")
LEVELS = ("base", "intermedio", "avanzato")
# The target groups a worker may declare (elearn.models.progress) and a course may address:
# the one list of their codes; "tutti" addresses everyone.
TARGET_GROUPS = ("maternita", "figli", "legge104", "svantaggiati")
AUDIENCES = ("tutti", *TARGET_GROUPS)
DEFAULT_PASS_SCORE = 80
# A number typed as 0.3 must match 0.1 + 0.2 stored as the answer, even with tolerance 0.
NUMBER_SLACK = 1e-9


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Choice:
    """One answer of a single/multiple question; `text` is inline Markdown."""

    text: str
    correct: bool = False
    line: int = field(default=0, compare=False)  # file line of the choice


@dataclass
class Quiz:
    """One question of a `quiz` block. Texts are inline Markdown (see `render_inline`)."""

    id: str
    question: str
    type: str = "single"
    choices: list[Choice] = field(default_factory=list)
    shuffle: bool = True
    answer: int | float | None = None
    tolerance: int | float = 0
    explanation: str = ""
    line: int = 0  # file line of the ```quiz fence
    explicit_id: bool = False
    id_line: int = 0  # file line of `id:`, or of `question:` for a derived id
    question_line: int = 0
    explanation_line: int = 0

    def text_lines(self) -> list[tuple[str, int]]:
        """Every inline-Markdown text of the quiz with its file line."""
        texts = [(self.question, self.question_line)]
        texts += [(choice.text, choice.line) for choice in self.choices]
        if self.explanation:
            texts.append((self.explanation, self.explanation_line))
        return texts

    def is_correct(self, response: Collection[int] | int | float | None) -> bool:
        """Grade a response: choice indexes (authored order) for single/multiple, a number else."""
        return grade_response(
            self.type,
            {i for i, choice in enumerate(self.choices) if choice.correct},
            self.answer,
            self.tolerance,
            response,
        )


def grade_response(
    quiz_type: str,
    correct: Collection[int],
    answer: int | float | None,
    tolerance: int | float | None,
    response: Collection[int] | int | float | None,
) -> bool:
    """The one grading rule, for the checker and the site: the chosen indexes must be exactly
    the correct ones (at least one), a number must be within the tolerance of the answer."""
    if quiz_type == "number":
        if isinstance(response, bool) or not isinstance(response, int | float):
            return False
        return answer is not None and abs(response - answer) <= (tolerance or 0) + NUMBER_SLACK
    if response is None or isinstance(response, int | float):
        return False
    selected = set(response)
    return bool(selected) and selected == set(correct)


@dataclass
class SimulatorBlock:
    """A `simulator NAME` block: the simulator to embed and its pre-filled input values."""

    name: str
    values: dict[str, object] = field(default_factory=dict)
    line: int = 0  # file line of the ```simulator fence


@dataclass
class Module:
    """One module file. `slug` is the file name without `.md`, e.g. `01-entrate-e-uscite`."""

    slug: str
    filename: str
    title: str
    minutes: int
    objectives: list[str] = field(default_factory=list)
    source: str = ""  # the whole file as text (front matter included)
    body: str = ""  # the Markdown after the front matter
    body_line: int = 1  # file line where `body` starts
    quizzes: list[Quiz] = field(default_factory=list)
    simulators: list[SimulatorBlock] = field(default_factory=list)
    glossary_terms: list[str] = field(default_factory=list)  # glossary keys, first use order
    images: list[str] = field(default_factory=list)  # paths like media/torta.png
    raw: bytes = b""
    course_slug: str = ""
    language: str = "it"

    @property
    def content_hash(self) -> str:
        """sha256 of the file bytes: importers compare it to detect changed modules."""
        return sha256_hex(self.raw)


@dataclass
class Course:
    """A course folder: settings from course.yml, modules in order, and every file's bytes."""

    slug: str
    title: str
    summary: str
    language: str = "it"
    level: str = "base"
    audience: list[str] = field(default_factory=lambda: ["tutti"])
    module_order: list[str] = field(default_factory=list)  # module file names, in order
    pass_score: int = DEFAULT_PASS_SCORE
    modules: list[Module] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # relpath -> bytes, all files

    @property
    def content_hash(self) -> str:
        """sha256 over every file path and content, to detect any change in the course."""
        digest = hashlib.sha256()
        for path in sorted(self.files):
            data = self.files[path]
            digest.update(f"{path}\0{len(data)}\0".encode())
            digest.update(data)
        return digest.hexdigest()

    def module(self, slug: str) -> Module | None:
        return next((m for m in self.modules if m.slug == slug), None)

    @property
    def quiz_count(self) -> int:
        return sum(len(m.quizzes) for m in self.modules)


@dataclass
class Glossary:
    """Shared glossary: term -> definition (inline Markdown). Lookup is exact, then by case."""

    terms: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # glossary.yml bytes, None when there is no file

    def lookup(self, term: str) -> str | None:
        """The glossary key for `term`: exact match first, then case-insensitive."""
        if term in self.terms:
            return term
        folded = term.casefold()
        return next((key for key in self.terms if key.casefold() == folded), None)

    def definition(self, term: str) -> str | None:
        key = self.lookup(term)
        return None if key is None else self.terms[key]
