"""Which words of a question count as evidence, and how many an article must hold."""

from __future__ import annotations

import pytest

from bot.services.questions import evidence_terms, is_relevant, needed_matches


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("What did DeepSeek release?", ["deepseek", "release"]),
        ("What did the government say about the monsoon?", ["monsoon"]),
        ("Tell me the latest news about cricket", ["cricket"]),
        ("डीपसीक ने क्या जारी किया?", ["डीपसीक", "जारी"]),
        ("सरकार ने मानसून के बारे में क्या कहा?", ["मानसून"]),
        ("What did the government say?", ["government"]),
        ("what is it?", []),
    ],
)
def test_evidence_is_the_questions_telling_words(question: str, terms: list[str]) -> None:
    assert evidence_terms(question) == terms


@pytest.mark.parametrize(("count", "needed"), [(0, 0), (1, 1), (2, 1), (3, 2), (7, 2)])
def test_longer_questions_need_two_shared_words(count: int, needed: int) -> None:
    assert needed_matches(count) == needed


def test_one_common_word_among_several_is_not_enough() -> None:
    terms = evidence_terms("What is the price of gold in Mumbai?")
    assert not is_relevant(terms, "India beat Australia in Mumbai on Sunday.")
    assert is_relevant(terms, "Gold sold at a record price in Mumbai.")


def test_words_match_whole_and_in_any_unicode_form() -> None:
    decomposed = "क\u093cीमत"  # क़ीमत written with a separate nukta
    assert is_relevant(evidence_terms("सोने की क़ीमत"), f"सोने की {decomposed} बढ़ी")
    assert not is_relevant(evidence_terms("rain in Kerala"), "Rainfall in Keralam")
    assert not is_relevant([], "anything at all")
