from __future__ import annotations

import pytest

from bot.summarize.base import Summarizer
from bot.summarize.offline import MAX_WORDS, ExtractiveSummarizer, extract_sentences
from bot.text.sentences import split_sentences
from tests.summarize_offline.articles import corpus_article, fixture
from tests.text.corpus import corpus_prefixes

#: What each corpus summary must mention: any one spelling of each fact.
KEY_FACTS: dict[str, list[tuple[str, ...]]] = {
    "000": [("DeepSeek", "डीपसीक")],
    "001": [("ली कैफू",), ("2025",)],
    "002": [("डीपसीक", "डीपसेक", "DeepSeek"), ("100 निवेश संस्थानों",)],
    "003": [("चीनी एआई कंपनी", "मूनशॉट", "किमी")],
    "004": [("डीपसीक",)],
}
BOILERPLATE = ["प्रातिक्रिया", "ईमेल पता", "इसी तरह की पोस्ट", "चित्र विवरण", "Site icon", ".jpg",
               "Source link", "Exit mobile", "इस तरह की और भी", "**", "##", "1टीपी8टी"]  # fmt: skip


def _is_protocol_summarizer(summarizer: Summarizer) -> Summarizer:
    return summarizer


@pytest.mark.parametrize("prefix", corpus_prefixes())
async def test_hindi_summary_keeps_key_facts_and_no_boilerplate(prefix: str) -> None:
    article = corpus_article(prefix, 7)

    summary = await ExtractiveSummarizer().summarize(article, "hi")

    assert summary.text
    for spellings in KEY_FACTS[prefix]:
        assert any(s in summary.text for s in spellings), (prefix, spellings, summary.text)
    for chrome in BOILERPLATE:
        assert chrome not in summary.text
        assert chrome not in summary.headline


@pytest.mark.parametrize("prefix", corpus_prefixes())
async def test_summary_is_one_to_three_article_sentences_in_article_order(prefix: str) -> None:
    article = corpus_article(prefix, 7)

    summary = await ExtractiveSummarizer().summarize(article, "hi")

    sentences = split_sentences(summary.text)
    assert 1 <= len(sentences) <= 3
    assert len(summary.text.split()) <= MAX_WORDS
    flat_text = "".join(article.text.split())
    positions = [flat_text.find("".join(s.split())) for s in sentences]
    assert all(p >= 0 for p in positions), "a summary sentence is not in the article"
    assert positions == sorted(positions)


async def test_summary_is_labelled_as_an_offline_extract_of_this_content() -> None:
    article = corpus_article("003", 42)
    summarizer = _is_protocol_summarizer(ExtractiveSummarizer())

    summary = await summarizer.summarize(article, "hi", style_note="short and witty")

    assert summary.article_id == 42
    assert summary.lang == "hi"
    assert summary.method == "extract"
    assert summary.untranslated is False
    assert summary.content_hash == article.content_hash
    assert (summary.prompt_name, summary.prompt_hash, summary.model) == (
        "extract",
        "extract-v2",
        "offline",
    )
    assert summary.headline == "क्या डीपसीक मोमेंट्स अब नया सामान्य है?"


async def test_headline_is_the_cleaned_title() -> None:
    article = corpus_article("000", 1)
    article.title = "इसका वास्तविक मूल्य 1टीपी8टी कम करके आंका गया है!"

    summary = await ExtractiveSummarizer().summarize(article, "hi")

    assert summary.headline == "इसका वास्तविक मूल्य कम करके आंका गया है!"


async def test_english_summary_of_an_english_article() -> None:
    article = fixture("en_monsoon_rainfall.txt", 3)

    summary = await ExtractiveSummarizer().summarize(article, "en")

    assert summary.untranslated is False
    assert "8%" in summary.text or "937.2 mm" in summary.text
    assert "Share this" not in summary.text
    assert "Related posts" not in summary.text
    assert summary.headline == "Monsoon rainfall ends season 8% above normal, IMD says"


async def test_hindi_article_for_an_english_digest_is_marked_untranslated() -> None:
    article = corpus_article("001", 5)

    summary = await ExtractiveSummarizer().summarize(article, "en")

    assert summary.untranslated is True
    assert summary.text == ""
    assert summary.headline == article.title
    assert summary.method == "extract"


async def test_english_article_for_a_hindi_digest_is_marked_untranslated() -> None:
    article = fixture("en_monsoon_rainfall.txt", 3)

    summary = await ExtractiveSummarizer().summarize(article, "hi")

    assert summary.untranslated is True
    assert summary.text == ""


def test_a_sentence_that_only_repeats_the_title_is_never_picked() -> None:
    text = (
        "भारत ने ऑस्ट्रेलिया को हराकर सीरीज जीत ली है।\n\n"
        "सिडनी में खेले गए अंतिम टेस्ट में भारत ने छह विकेट से जीत दर्ज की और बुमराह ने पांच विकेट लिए।"
    )

    picked = extract_sentences(text, title="भारत ने ऑस्ट्रेलिया को हराकर सीरीज जीत ली")

    assert picked == [
        "सिडनी में खेले गए अंतिम टेस्ट में भारत ने छह विकेट से जीत दर्ज की और बुमराह ने पांच विकेट लिए।"
    ]


def test_near_repeated_sentences_are_picked_once() -> None:
    text = (
        "The monsoon brought 8% more rain than normal this year across India.\n"
        "This year the monsoon brought 8% more rain than normal across India.\n"
        "The monsoon rain filled reservoirs in the south to 87% of their capacity.\n"
        "Farmers sowed more kharif crops because the monsoon rain came on time this year."
    )

    picked = extract_sentences(text, max_sentences=3)

    assert picked[0].startswith("The monsoon brought 8%")
    assert not any(s.startswith("This year the monsoon") for s in picked)
    assert len(picked) >= 2


def test_an_overlong_only_sentence_is_cut_at_the_word_budget() -> None:
    text = " ".join(["शब्द"] * 90) + "।"

    (only,) = extract_sentences(text, max_words=60)

    assert only.endswith("…")
    assert len(only.split()) == 61


def test_headings_and_fragments_are_not_candidates() -> None:
    text = (
        "डेटा दक्षता: असली खाई\n\nकम शब्द।\n\nलियांग वेनफेंग स्वयं डेटा लेबल करते हैं, इसके महत्व को रेखांकित करते हुए।"
    )

    assert extract_sentences(text) == ["लियांग वेनफेंग स्वयं डेटा लेबल करते हैं, इसके महत्व को रेखांकित करते हुए।"]


def test_empty_text_gives_no_sentences() -> None:
    assert extract_sentences("") == []
    assert extract_sentences("शीर्षक") == []
