from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text.normalize import normalize_text


def test_text_is_composed_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "क़ानून और café")

    assert normalize_text(decomposed) == unicodedata.normalize("NFC", "क़ानून और café")


def test_invisible_characters_and_controls_are_removed() -> None:
    assert normalize_text("Deep\u200bSeek\ufeff ने\x07 कहा\u00ad") == "DeepSeek ने कहा"


def test_zero_width_joiners_stay_inside_devanagari_words_only() -> None:
    assert normalize_text("क्\u200dष और क्\u200cष") == "क्\u200dष और क्\u200cष"
    assert normalize_text("\u200dनमस्ते\u200c end\u200d") == "नमस्ते end"


def test_spaces_collapse_and_paragraph_breaks_survive() -> None:
    raw = "पहला   अनुच्छेद\u00a0है।  \r\n\r\n\r\n\r\n  दूसरा\tअनुच्छेद।\nअगली पंक्ति"

    assert normalize_text(raw) == "पहला अनुच्छेद है।\n\nदूसरा अनुच्छेद।\nअगली पंक्ति"


@pytest.mark.parametrize(
    ("glued", "repaired"),
    [
        ("बढ़ रहा है।एक निवेशक ने कहा", "बढ़ रहा है। एक निवेशक ने कहा"),
        ("गिरावट आई।3 ट्रिलियन", "गिरावट आई। 3 ट्रिलियन"),
        ("क्या यह सच है?हाँ!बिल्कुल", "क्या यह सच है? हाँ! बिल्कुल"),
        ("देखे गए थे.उन्होंने कहा", "देखे गए थे. उन्होंने कहा"),
        ("It rained.Farmers were happy", "It rained. Farmers were happy"),
        ("बाइटडांस, अली,Tencent और", "बाइटडांस, अली, Tencent और"),
    ],
)
def test_glued_sentence_boundaries_get_a_space(glued: str, repaired: str) -> None:
    assert normalize_text(glued) == repaired


@pytest.mark.parametrize(
    "kept",
    [
        "एनवीडिया का 4.3 ट्रिलियन युआन",
        "Qwen2.5-Max और जीपीटी 5.1",
        "$5.576 मिलियन",
        "100,000 कार्ड",
        "यू.एस. में छिपा हुआ युद्ध",
        "U.S. officials and Dr. Rao",
        "डॉ.राम ने कहा",
        "उपलब्ध हैं ब्लूमबर्ग.com/opinion पर",
        "एक्स.एआई और एंथ्रोपिक",
        "see https://example.com/a.B?x=1.Y and mail@news.co.in",
        "Node.js and x.ai",
    ],
)
def test_decimals_abbreviations_urls_and_domains_are_left_alone(kept: str) -> None:
    assert normalize_text(kept) == kept


@given(st.text(alphabet=st.sampled_from("कखगा िीे्ं।.?!,  \n\u200b\u200dabcAB12.")))
def test_normalizing_twice_changes_nothing(text: str) -> None:
    once = normalize_text(text)

    assert normalize_text(once) == once
