"""Quiz ids (stable defaults, uniqueness) and grading."""

from __future__ import annotations

from collections.abc import Callable

from elearn.coursefmt import Choice, Module, Quiz, default_quiz_id, parse_module

MakeModule = Callable[..., Module]

QUIZ = "```quiz\nquestion: {q}\ntype: number\nanswer: 1800\n```\n"


def test_default_id_is_a_slug_plus_hash_of_the_question() -> None:
    quiz_id = default_quiz_id("Quanto paghi in un anno con una rata di 150 € al mese?")
    assert quiz_id == "quanto-paghi-in-un-anno-con-una-rata-di-f8021371"


def test_default_id_is_stable_across_reimports(make_module: MakeModule) -> None:
    first = make_module(QUIZ.format(q="Qual è la rata?")).quizzes[0].id
    again = make_module("Testo nuovo prima.\n\n" + QUIZ.format(q="Qual è la rata?")).quizzes[0].id
    assert first == again == default_quiz_id("Qual è la rata?")


def test_default_id_ignores_rewrapping_but_not_wording() -> None:
    assert default_quiz_id("Qual è  la\nrata?") == default_quiz_id("Qual è la rata?")
    assert default_quiz_id("Qual è la rata mensile?") != default_quiz_id("Qual è la rata?")


def test_default_id_is_ascii_and_bounded() -> None:
    quiz_id = default_quiz_id("Perché " * 40)
    assert quiz_id.isascii() and len(quiz_id) <= 49
    assert quiz_id.startswith("perche-perche")
    assert default_quiz_id("€ € €").startswith("q-")


def test_explicit_id_wins_over_the_derived_one(make_module: MakeModule) -> None:
    body = "```quiz\nid: rata_1\nquestion: Qual è la rata?\ntype: number\nanswer: 1\n```\n"
    quiz = make_module(body).quizzes[0]
    assert quiz.id == "rata_1" and quiz.explicit_id


def test_same_question_twice_needs_explicit_ids() -> None:
    text = "---\ntitle: T\nminutes: 1\n---\n\n" + QUIZ.format(q="Uguale?") * 2
    module, errors = parse_module(text.encode(), "01-a.md")
    assert module is not None and len(module.quizzes) == 1
    assert [str(e) for e in errors] == [
        f"01-a.md:12: quiz: duplicate quiz id '{default_quiz_id('Uguale?')}' (first used on line 7)"
    ]


def test_single_choice_grading() -> None:
    quiz = Quiz("q", "?", "single", [Choice("a", True), Choice("b")])
    assert quiz.is_correct([0])
    assert not quiz.is_correct([1])
    assert not quiz.is_correct([0, 1])
    assert not quiz.is_correct([])
    assert not quiz.is_correct(None)


def test_multiple_choice_grading_needs_exactly_the_correct_set() -> None:
    quiz = Quiz("q", "?", "multiple", [Choice("a", True), Choice("b", True), Choice("c")])
    assert quiz.is_correct({0, 1})
    assert not quiz.is_correct({0})
    assert not quiz.is_correct({0, 1, 2})


def test_number_grading_uses_the_absolute_tolerance() -> None:
    quiz = Quiz("q", "?", "number", answer=1800, tolerance=0.5)
    assert quiz.is_correct(1800.5)
    assert quiz.is_correct(1799.5)
    assert not quiz.is_correct(1801)
    assert not quiz.is_correct([1800])
    assert not quiz.is_correct(True)
