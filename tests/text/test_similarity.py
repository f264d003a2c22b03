from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from bot.text.clean import clean_article_text
from bot.text.similarity import content_hash, hamming, is_near_duplicate, simhash
from tests.text.corpus import corpus_file, corpus_prefixes


def test_content_hash_ignores_spacing_and_unicode_form() -> None:
    a = "DeepSeek ने धूम मचा दी है।एक नई लहर"
    b = "  DeepSeek  ने धूम मचा दी है। एक नई लहर\n"

    assert content_hash(a) == content_hash(b)
    assert len(content_hash(a)) == 64
    assert content_hash(a) != content_hash("DeepSeek ने धूम मचा दी।")


def test_same_article_with_other_chrome_and_headline_is_a_near_duplicate() -> None:
    raw = corpus_file("003")
    syndicated = (
        "Site icon Another Portal\n\nडीपसीक जैसे पल अब आम बात हो गए हैं\n\n"
        + raw.split("\n", 4)[4].replace("Exit mobile version", "")
        + "\nShare this:\nRelated posts\nकुछ और खबरें\n"
    )

    original = clean_article_text(raw)
    copy = clean_article_text(syndicated)

    assert original.title != copy.title
    assert is_near_duplicate(simhash(original.text), simhash(copy.text))


def test_a_lightly_edited_copy_is_still_a_near_duplicate() -> None:
    text = clean_article_text(corpus_file("002")).text
    edited = text.replace("सरजिंग न्यूज रिपोर्टर", "हमारे संवाददाता", 1)

    assert text != edited
    assert is_near_duplicate(simhash(text), simhash(edited))


def test_different_corpus_articles_are_not_near_duplicates() -> None:
    prints = {p: simhash(clean_article_text(corpus_file(p)).text) for p in corpus_prefixes()}

    for a, b in itertools.combinations(prints, 2):
        assert hamming(prints[a], prints[b]) > 10, (a, b)


def test_simhash_of_empty_text_is_zero() -> None:
    assert simhash("") == 0
    assert simhash(" \n ।") == 0


@given(st.text(max_size=200))
def test_simhash_fits_a_signed_64_bit_column(text: str) -> None:
    value = simhash(text)

    assert -(2**63) <= value <= 2**63 - 1


def test_hamming_counts_differing_bits_of_signed_values() -> None:
    assert hamming(0, 0) == 0
    assert hamming(-1, 0) == 64
    assert hamming(-(2**63), 0) == 1
    assert is_near_duplicate(0b1011, 0b0000, max_distance=3)
    assert not is_near_duplicate(0b1111, 0b0000, max_distance=3)
