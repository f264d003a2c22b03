"""Chrome patterns: the chrome form of a line goes, prose that starts the same way stays."""

from __future__ import annotations

import pytest

from bot.text.boilerplate import ends_article, is_chrome_line, is_prose

CHROME = [
    "Copyright © 2025 TechLedger. All rights reserved.",
    "Copyright 2025 City Pulse Media Pvt Ltd",
    "© 2025 समाचार दर्पण. सर्वाधिकार सुरक्षित।",
    "Also read: Cyclone warning issued for three districts",
    "ALSO READ | How cities are preparing heat action plans",
    "Read more: Who owns a prompt? A guide for designers",
    "Also read",
    "यह भी पढ़ें: दिल्ली में लू का कहर जारी, पारा 46 डिग्री के पार",
    "ये भी पढ़ें- बिहार चुनाव: पहले चरण में 1,314 उम्मीदवार मैदान में",
    "Updated: March 4, 2025, 10:42 IST",
    "Last Updated : Mar 28 2025 | 4:12 PM IST",
    "Updated Tue, 14 Oct 2025 06:55 PM",
    "लास्ट अपडेट: 6 नवंबर 2025, 13:20 IST",
    "By Express News Service",
    "Advertisements",
    "Disclaimer: The views and recommendations above are those of individual analysts.",
    "(With inputs from agencies)",
    "भाषा अजय अजय",
    "Reporting by Nidhi Verma in New Delhi; Editing by Kim Coghill",
]

PROSE = [
    "Copyright protection in India belongs to works made by people, the office said.",
    "Copyright Office officials declined to comment beyond the order.",
    "Read more about how the storm formed in a report published by the weather office.",
    "Read more slowly, and the findings are more modest than the headline figure.",
    "Updated figures released on Tuesday showed inflation at 4.3%.",
    "By the numbers",
    "Photograph albums from the 1950s were found in the house.",
]


@pytest.mark.parametrize("line", CHROME)
def test_chrome_lines_are_recognized(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize("line", PROSE)
def test_prose_starting_like_chrome_is_kept(line: str) -> None:
    assert not is_chrome_line(line)


@pytest.mark.parametrize(
    "line", ["Related stories", "संबंधित खबरें", "14 comments", "12 टिप्पणियाँ", "Comments"]
)
def test_tail_markers_are_recognized(line: str) -> None:
    assert ends_article(line)


def test_prose_is_a_long_line_that_ends_a_sentence() -> None:
    sentence = (
        "The storm is the third to hit the coast since October, and repairs after the last "
        "one took nine days, residents of the fishing villages said."
    )

    assert is_prose(sentence)
    assert is_prose(f'"{sentence[:-1]}," she said.')
    assert not is_prose(sentence.rstrip("."))
    assert not is_prose("Utility raises tariffs for the second time this year.")
