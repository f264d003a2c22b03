from __future__ import annotations

import pytest

from bot.text.translit import skeleton, story_key


@pytest.mark.parametrize(
    "spellings",
    [
        ("DeepSeek", "डीपसीक", "डीपसेक"),
        ("Moonshot", "मूनशॉट"),
        ("Nvidia", "एनवीडिया"),
        ("Tencent", "टेनसेंट"),
        ("Liang", "लियांग"),
        ("model", "मॉडल"),
        ("phone", "फ़ोन", "फोन"),
    ],
)
def test_latin_and_devanagari_spellings_of_a_name_meet(spellings: tuple[str, ...]) -> None:
    assert len({skeleton(s) for s in spellings}) == 1


def test_different_names_stay_apart() -> None:
    assert skeleton("DeepSeek") != skeleton("Moonshot")
    assert skeleton("क्रिकेट") != skeleton("मानसून")


def test_short_skeletons_fall_back_to_the_word() -> None:
    assert story_key("कम") == "कम"
    assert story_key("काम") == "काम"
    assert story_key("डीपसीक") == "dpsk"
