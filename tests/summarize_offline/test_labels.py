from __future__ import annotations

from datetime import date

import pytest

from bot.domain.labels import (
    LABELS,
    digest_title,
    format_day,
    labels_for,
    part_label,
    untranslated_note,
)
from bot.domain.languages import LANGS


def test_digest_titles_carry_the_date_in_the_digest_language() -> None:
    day = date(2026, 11, 26)

    assert digest_title("hi", day) == "समाचार सार — 26 नवंबर 2026"
    assert digest_title("en", day) == "News digest — 26 November 2026"


def test_every_month_has_a_hindi_name() -> None:
    names = [format_day("hi", date(2026, month, 1)).split()[1] for month in range(1, 13)]

    assert names[0] == "जनवरी"
    assert names[-1] == "दिसंबर"
    assert len(set(names)) == 12


def test_part_labels_number_split_messages() -> None:
    assert part_label("en", 1, 3) == "part 1/3"
    assert part_label("hi", 2, 3) == "भाग 2/3"


def test_untranslated_note_names_the_article_language_and_the_fix() -> None:
    english = untranslated_note("en", "hi")
    hindi = untranslated_note("hi", "en")

    assert "Hindi" in english
    assert "OPENAI_API_KEY" in english
    assert "अंग्रेज़ी" in hindi
    assert "OPENAI_API_KEY" in hindi


@pytest.mark.parametrize("lang", LANGS)
def test_every_label_exists_in_both_languages(lang: str) -> None:
    labels = labels_for(lang)  # type: ignore[arg-type]

    assert labels is LABELS[lang]  # type: ignore[index]
    assert all([labels.title, labels.extract, labels.untranslated, labels.sources, labels.part])
    assert "{date}" in labels.title
    assert "{index}" in labels.part and "{total}" in labels.part
