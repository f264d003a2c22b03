from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.text.clean import clean_article_text
from bot.text.sentences import split_sentences
from tests.text.corpus import corpus_file

_PIECES = [*"कखगा िीे्ं।॥.?!,\"'”“  \n\u200babcAB12.:/", "है", "Dr", "यू", "U.S", ".com", "डॉ"]
texts = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


def test_hindi_sentences_end_with_danda_question_and_exclamation() -> None:
    text = "DeepSeek ने धूम मचा दी है। क्या यह टिकेगा? शायद! आगे देखें॥ अंत"

    assert split_sentences(text) == [
        "DeepSeek ने धूम मचा दी है।",
        "क्या यह टिकेगा?",
        "शायद!",
        "आगे देखें॥",
        "अंत",
    ]


def test_glued_danda_splits_even_without_normalizing() -> None:
    assert split_sentences("बढ़ रहा है।एक निवेशक ने कहा।") == [
        "बढ़ रहा है।",
        "एक निवेशक ने कहा।",
    ]


def test_decimals_and_abbreviations_do_not_end_sentences() -> None:
    text = "Dr. Rao said the U.S. economy grew 4.3 per cent. Mr. Lee disagreed."

    assert split_sentences(text) == [
        "Dr. Rao said the U.S. economy grew 4.3 per cent.",
        "Mr. Lee disagreed.",
    ]


def test_hindi_abbreviations_and_domains_do_not_end_sentences() -> None:
    text = "डॉ. शर्मा ने यू.एस. में कहा कि ब्लूमबर्ग.com पर लेख है। फिर वे लौटे।"

    assert split_sentences(text) == [
        "डॉ. शर्मा ने यू.एस. में कहा कि ब्लूमबर्ग.com पर लेख है।",
        "फिर वे लौटे।",
    ]


def test_closing_quote_stays_with_the_sentence_it_closes() -> None:
    text = 'उन्होंने कहा, "यह जीत पूरी टीम की है।" बुमराह चुने गए। "Is it?" she asked.'

    assert split_sentences(text) == [
        'उन्होंने कहा, "यह जीत पूरी टीम की है।"',
        "बुमराह चुने गए।",
        '"Is it?" she asked.',
    ]


def test_a_quote_mark_left_after_a_space_is_not_a_sentence_of_its_own() -> None:
    assert split_sentences('कोई अवसर है। "') == ['कोई अवसर है।"']


def test_line_breaks_always_end_sentences() -> None:
    assert split_sentences("डीपसीक ने तोड़ दिया\nनई पंक्ति।") == ["डीपसीक ने तोड़ दिया", "नई पंक्ति।"]


def test_long_corpus_article_splits_into_many_whole_sentences() -> None:
    text = clean_article_text(corpus_file("002")).text

    sentences = split_sentences(text)

    assert len(sentences) > 60
    assert "तृतीय-पक्ष मंच की रैंकिंग के अनुसार," in " ".join(sentences)
    assert all(s.strip() == s and s for s in sentences)


@given(texts)
def test_no_text_is_lost_but_whitespace(text: str) -> None:
    sentences = split_sentences(text)

    assert "".join("".join(sentences).split()) == "".join(text.split())


@given(texts)
def test_splitting_a_sentence_again_gives_the_same_sentence(text: str) -> None:
    for sentence in split_sentences(text):
        assert split_sentences(sentence) == [sentence]
