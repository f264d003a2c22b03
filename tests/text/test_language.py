from __future__ import annotations

import pytest

from bot.text.language import detect_language
from tests.text.corpus import corpus_file, corpus_prefixes, fixture_article


@pytest.mark.parametrize("prefix", corpus_prefixes())
def test_hindi_corpus_articles_with_latin_names_are_hindi(prefix: str) -> None:
    assert detect_language(corpus_file(prefix)) == "hi"


def test_english_article_is_english() -> None:
    assert detect_language(fixture_article("en_monsoon_rainfall.txt")) == "en"


def test_hindi_fixture_article_is_hindi() -> None:
    assert detect_language(fixture_article("hi_cricket_series.txt")) == "hi"


def test_text_with_both_scripts_in_earnest_is_mixed() -> None:
    text = (
        "The central bank kept its key rate unchanged on Friday. "
        "रिज़र्व बैंक ने शुक्रवार को नीतिगत दर में कोई बदलाव नहीं किया।"
    )

    assert detect_language(text) == "mixed"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12 34 !!",
        "OK",
        "这是一篇关于人工智能的中文文章，讨论了深度求索公司。",
        "Ceci est un article en français sur la pluie de la mousson en Inde, écrit pour un test.",
        "माझं नाव राहुल आहे आणि मी पुण्यात राहतो. आज पाऊस खूप पडला आणि शाळा बंद होती.",
    ],
)
def test_too_little_text_or_another_language_is_unknown(text: str) -> None:
    assert detect_language(text) == "unknown"
