from __future__ import annotations

import unicodedata

import pytest

from bot.stories.terms import MAX_TERMS, story_terms
from bot.text.clean import clean_article_text
from tests.stories import fixture_reports
from tests.text.corpus import corpus_file, corpus_prefixes


def _all_articles() -> list[tuple[str, str]]:
    articles = [(r.title, r.text) for r in fixture_reports()]
    for prefix in corpus_prefixes():
        cleaned = clean_article_text(corpus_file(prefix))
        articles.append((cleaned.title, cleaned.text))
    return articles


def test_terms_are_bounded_positive_and_rounded_for_storage() -> None:
    for title, text in _all_articles():
        terms = story_terms(title, text)
        assert 0 < len(terms) <= MAX_TERMS
        assert all(weight > 0 and round(weight, 3) == weight for weight in terms.values())


def test_the_same_article_always_gives_the_same_terms() -> None:
    for title, text in _all_articles():
        assert story_terms(title, text) == story_terms(title, text)


def test_decomposed_input_gives_the_same_terms_as_composed() -> None:
    title = "Café owner in Gaza says सड़क was closed"
    text = "The café of José Núñez in Gaza (ग़ज़ा) stayed shut after the सड़क flooded."
    decomposed = unicodedata.normalize("NFD", title), unicodedata.normalize("NFD", text)
    assert story_terms(*decomposed) == story_terms(title, text)
    assert story_terms("", "\u095aाज़ियाबाद") == story_terms("", "ग\u093cाज़ियाबाद")


@pytest.mark.parametrize(
    ("english", "hindi"),
    [
        ("DeepSeek", "डीपसीक"),
        ("Trump", "ट्रंप"),
        ("Modi", "मोदी"),
        ("Iran", "ईरान"),
        ("Mumbai", "मुंबई"),
        ("China", "चीन"),
        ("RBI", "आरबीआई"),
        ("GDP", "जीडीपी"),
    ],
)
def test_a_name_written_in_either_script_is_one_term(english: str, hindi: str) -> None:
    latin = story_terms(f"{english} in the news", f"Reporters wrote about {english} again.")
    devanagari = story_terms(f"{hindi} चर्चा में", f"संवाददाताओं ने फिर {hindi} पर लिखा।")
    assert set(latin) & set(devanagari)


def test_figures_are_normalized_terms() -> None:
    terms = story_terms("Quake of 4.6 hits", "About 2,000 homes and १०० schools were damaged.")
    assert {"#4.6", "#2000", "#100"} <= set(terms)


def test_stopwords_and_reporting_words_are_not_terms() -> None:
    terms = story_terms(
        "Officials said the government will report today",
        "Officials told reporters on Monday that the minister announced it. सरकार ने कहा।",
    )
    assert terms == {}


def _key(word: str) -> str:
    (key,) = story_terms(word, "")
    return key


def test_the_title_weighs_more_than_the_body() -> None:
    filler = " ".join(["Farmers in Punjab waited for the rain to return."] * 30)
    terms = story_terms("Flood warning for Kaziranga", f"{filler}\n\nWildlife in Sundarbans.")
    assert terms[_key("Kaziranga")] > terms[_key("Sundarbans")]


def test_latin_names_in_a_hindi_article_outweigh_its_common_words() -> None:
    terms = story_terms("", "बाज़ार में DeepSeek की चर्चा है। बाज़ार में निवेशकों की भीड़ है।")
    name = terms.pop(_key("DeepSeek"))
    assert name > max(terms.values())
