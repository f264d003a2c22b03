"""The faithfulness guard: figures, dates and names in a summary must come from the article."""

from __future__ import annotations

import pytest

from bot.summarize.faithfulness import check_faithful
from tests.llm.articles import ENGLISH_REPORT, corpus_texts


@pytest.mark.parametrize(
    ("summary", "source"),
    [
        ("बाजार ४.३ प्रतिशत गिरा।", "बाजार 4.3 प्रतिशत गिरा।"),
        ("The model scored 1,332 points.", "The model scored 1332 points."),
        ("मॉडल को 1332 अंक मिले।", "The model scored 1,332 points."),
        ("बाजार मूल्य 4.3 लाख करोड़ युआन घटा।", "Market value fell by 4.3 trillion yuan."),
        ("Market value fell by 4.3 trillion yuan.", "बाजार मूल्य ४.३ ट्रिलियन युआन घटा।"),
        ("दस लाख लोग आए।", "One million people came."),
        ("It raised 2.5 crore rupees.", "कंपनी ने 25 मिलियन रुपये जुटाए।"),
        ("₹500 करोड़ का निवेश।", "An investment of Rs 5 billion."),
        ("Training cost about $5.6 million.", "प्रशिक्षण लागत लगभग 5.576 मिलियन डॉलर है।"),
        ("Two billion users.", "There are 2 billion users."),
        ("तीन कंपनियों ने मॉडल जारी किए।", "3 companies released models."),
        ("Shares rose 12%.", "शेयर 12 प्रतिशत चढ़े।"),
        ("On 15 March 2025 it launched.", "यह 15 मार्च 2025 को लॉन्च हुआ।"),
        ("The company said OpenAI lost ground.", "the company said openai lost ground."),
        (
            "Kai-Fu Lee predicted a year of AI apps.",
            "काई-फू ली ने एआई अनुप्रयोगों के वर्ष की भविष्यवाणी की।",
        ),
        ("DeepSeek-R1 से बाजार में उत्साह।", "DeepSeek-R1 ने बाजार में उत्साह ला दिया।"),
        ("However, one of them grew.", "one of them grew."),
        ("Chip Makers Slide After Launch\nShares fell.", "Nvidia shares fell after the launch."),
    ],
)
def test_a_faithful_summary_passes(summary: str, source: str) -> None:
    assert check_faithful(summary, source) == []


@pytest.mark.parametrize(
    ("summary", "source", "named"),
    [
        ("यह सौदा 987.6 अरब डॉलर का है।", "यह सौदा बड़ा है।", "987.6 अरब"),
        (
            "Market value fell by 4.3 billion yuan.",
            "Market value fell by 4.3 trillion yuan.",
            "4.3 billion",
        ),
        ("Training cost $5 million.", "Training cost about $5.576 million.", "5 million"),
        ("Five labs joined.", "Several labs joined.", "Five"),
        ("It launched on 15 April.", "It launched on 15 March.", "April"),
        ("It launched on Monday.", "It launched on Friday.", "Monday"),
        ("OpenAI competed with Anthropic.", "OpenAI competed with Google.", "Anthropic"),
        ("Kimi K3 Beats Its Rivals", "Kimi K2 beat its rivals.", "K3"),
        ("GPT-5 was compared.", "GPT-4 was compared.", "GPT-5"),
        ("DeepSeek released R2.", "डीपसीक ने R1 जारी किया।", "R2"),
    ],
)
def test_an_invented_fact_is_named(summary: str, source: str, named: str) -> None:
    violations = check_faithful(summary, source)
    assert violations, summary
    assert any(named in v for v in violations), violations


def test_a_faithful_summary_of_the_longest_corpus_article_passes() -> None:
    source = corpus_texts()["002_0d013a59c1de282a.txt"]
    summary = (
        "Qwen2.5-Max ने 1332 अंकों के साथ सूची में 7 वां स्थान पाया। "
        "v3 की प्रकाशित प्रशिक्षण लागत लगभग 5.576 मिलियन डॉलर है।"
    )
    assert check_faithful(summary, source) == []
    tampered = summary.replace("1332", "1432").replace("5.576 मिलियन", "5.576 अरब")
    assert len(check_faithful(tampered, source)) == 2


def test_an_english_summary_of_an_english_report_passes_and_a_changed_year_fails() -> None:
    summary = (
        "DeepSeek released R1 in January 2025. Training V3 cost about $5.6 million, and "
        "Nvidia shares fell."
    )
    assert check_faithful(summary, ENGLISH_REPORT) == []
    assert check_faithful(summary.replace("2025", "2024"), ENGLISH_REPORT) == [
        "the figure '2024' is not in the article"
    ]
