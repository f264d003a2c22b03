"""Snippets: the passage that answers, cut from long and glued-together text."""

from __future__ import annotations

from storage.snippets import MAX_SNIPPET_CHARS, best_passage, sentences
from tests.storage.builders import CORPUS


def test_glued_hindi_sentences_are_split_at_the_danda() -> None:
    assert sentences("पहला वाक्य।दूसरा वाक्य? तीसरा॥चौथा!") == [
        "पहला वाक्य।",
        "दूसरा वाक्य?",
        "तीसरा॥",
        "चौथा!",
    ]


def test_decimal_points_do_not_end_english_sentences() -> None:
    assert sentences("Revenue was 4.3 trillion yuan. It grew.") == [
        "Revenue was 4.3 trillion yuan.",
        "It grew.",
    ]


def test_the_sentence_with_most_query_words_wins() -> None:
    filler = " ".join(f"Market note {n} on prices." for n in range(20))
    text = f"Assam is green. {filler} Floods in Assam after rain. {filler} Assam tea."
    passage = best_passage("Assam floods", [text])
    assert "Floods in Assam after rain." in passage
    assert "Assam is green." not in passage and "Assam tea." not in passage


def test_a_summary_is_used_when_the_article_lacks_the_words() -> None:
    passage = best_passage("investment", ["कंपनी ने निवेश किया।", "A big investment."])
    assert passage == "A big investment."


def test_without_a_matching_word_the_opening_is_returned() -> None:
    assert best_passage("zebra", ["First. Second. Third."]) == "First. Second."


def test_a_long_unbroken_paragraph_is_cut_around_the_hit() -> None:
    article = (CORPUS / "002_0d013a59c1de282a.txt").read_text(encoding="utf-8")
    passage = best_passage("DeepSeek", [article])
    assert "DeepSeek" in passage
    assert len(passage) <= MAX_SNIPPET_CHARS + 2
