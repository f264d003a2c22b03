"""Questions in one language about news in the other: the answer's language and its evidence."""

from __future__ import annotations

import pytest

from bot.domain.languages import Lang, LangChoice
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.questions import (
    answer_language,
    answer_question,
    evidence_terms,
    is_relevant,
    written_as_names,
)
from tests.storage.builders import corpus_articles

KIMI = "How much did it cost to train Kimi K2 Thinking?"
KIMI_SENTENCE = "सीएनबीसी ने बताया कि किमी के2 थिंकिंग को प्रशिक्षित करने में 4.6 मिलियन डॉलर का खर्च आया।"


@pytest.mark.parametrize(
    ("question", "choice", "lang"),
    [
        (KIMI, "both", "en"),
        ("किमी के2 थिंकिंग को प्रशिक्षित करने में कितना खर्च आया?", "both", "hi"),
        ("DeepSeek का असली मूल्य क्या है?", "both", "hi"),
        ("DeepSeek?", "both", "en"),
        ("डीपसीक?", "both", "hi"),
        (KIMI, "hi", "hi"),
        ("डीपसीक ने क्या जारी किया?", "en", "en"),
    ],
)
def test_a_chat_of_both_languages_is_answered_in_the_questions_language(
    question: str, choice: LangChoice, lang: Lang
) -> None:
    assert answer_language(question, choice) == lang


def test_names_written_in_the_other_script_are_evidence() -> None:
    assert is_relevant(evidence_terms(KIMI), KIMI_SENTENCE)
    assert is_relevant(evidence_terms("Who is Liang Wenfeng?"), "सीईओ लियांग वेनफेंग एक इंजीनियर हैं।")


def test_a_short_key_alone_counts_only_for_a_word_written_as_a_name() -> None:
    release = "डीपसीक ने नया मॉडल जानूस-प्रो जारी किया।"
    humans = "एआई मनुष्यों की सेवा के लिए नहीं, बुद्धिमत्ता के लिए बन रहा है।"  # मनुष्यों: `mnsn`

    question = "What did DeepSeek release?"
    assert is_relevant(evidence_terms(question), release, names=written_as_names(question))
    assert not is_relevant(evidence_terms("monsoon rainfall"), humans)
    assert not is_relevant(evidence_terms("what did deepseek release"), release)


def test_one_shared_name_among_several_words_is_not_enough() -> None:
    terms = evidence_terms("How did the monsoon affect rice farmers in Punjab?")
    assert not is_relevant(terms, "केरल में मानसून की बारिश सामान्य से ज़्यादा हुई।")


@pytest.mark.parametrize(
    "question",
    [
        "What did the IMD say about this year's monsoon rainfall?",
        "Who won the cricket series in Sydney?",
        "What is the price of gold in Mumbai?",
        "How many people attended the football match in Kolkata?",
        "What did the central bank say about inflation and interest rates?",
    ],
)
async def test_english_questions_on_other_news_find_nothing_in_the_hindi_corpus(
    uow_factory: UnitOfWorkFactory, question: str
) -> None:
    async with uow_factory() as uow:
        for article in corpus_articles():
            await uow.articles.add(article)
        await uow.commit()

    answer = await answer_question(uow_factory, question, "en")

    assert not answer.found, answer.text
