from __future__ import annotations

import pytest

from bot.text.clean import clean_article_text
from tests.text.corpus import corpus_file, corpus_prefixes

#: Every piece of boilerplate tests/fixtures/corpus/README.md lists, by file.
CORPUS_BOILERPLATE = {
    "000": ["1टीपी8टी", "इसी तरह की पोस्ट", "प्रातिक्रिया दे", "आपका ईमेल पता", "आवश्यक फ़ील्ड"],
    "001": ["चित्र विवरण", "Midjourney"],
    "002": [],
    "003": ["Site icon", "Taaza Time", ".jpg", "Source link", "Exit mobile version",
            "इस तरह की और भी कहानियाँ", "ब्लूमबर्ग.com/opinion"],
    "004": ["---", "title:", "keywords:", "authors:", "#", "**", "![", "](http", "- "],
}  # fmt: skip

#: Sentences and figures that must survive cleaning, by file.
CORPUS_CONTENT = {
    "000": ["DeepSeek-R1 ने निस्संदेह बाजार में उत्साह की एक नई लहर ला दी है।",
            "800 मिलियन अमेरिकी डॉलर", "हुआंग रेनक्सुन"],
    "001": ["ली कैफू", "2025 कोई साधारण वर्ष नहीं होगा", "GPU कंप्यूटिंग पावर"],
    "002": ["1332 अंकों", "5.576 मिलियन डॉलर", "3 ट्रिलियन युआन", "$3.3 बिलियन",
            "27 मिलियन से अधिक", "Xiao Yanghua believes that the wave of entrepreneurship"],
    "003": ["4.6 मिलियन डॉलर", "$3.3 बिलियन", "82% कम", "600 बिलियन डॉलर", "जीपीटी 5.1",
            "एक्स.एआई"],
    "004": ["50,000 जीपीयू", "$500B", "10x कम", "डीपसीक: रहस्य और मिशन",
            "डीपसीक का मुख्य मिशन: सीईओ लियांग वेनफेंग"],
}  # fmt: skip


@pytest.mark.parametrize("prefix", corpus_prefixes())
def test_cleaning_removes_all_listed_boilerplate_from_corpus(prefix: str) -> None:
    cleaned = clean_article_text(corpus_file(prefix))

    for chrome in CORPUS_BOILERPLATE[prefix]:
        assert chrome not in cleaned.text, f"{chrome!r} left in {prefix}"
        assert chrome not in cleaned.title


@pytest.mark.parametrize("prefix", corpus_prefixes())
def test_cleaning_keeps_key_sentences_and_figures_of_corpus(prefix: str) -> None:
    cleaned = clean_article_text(corpus_file(prefix))

    for kept in CORPUS_CONTENT[prefix]:
        assert kept in cleaned.text, f"{kept!r} lost from {prefix}"


@pytest.mark.parametrize("prefix", corpus_prefixes())
def test_cleaned_text_is_its_paragraphs_joined_by_blank_lines(prefix: str) -> None:
    cleaned = clean_article_text(corpus_file(prefix))

    assert cleaned.text == "\n\n".join(cleaned.paragraphs)
    assert all(p.strip() == p and p for p in cleaned.paragraphs)


def test_cleaning_removes_comment_form_from_blog_post() -> None:
    cleaned = clean_article_text(corpus_file("000"))

    assert cleaned.paragraphs[-1].startswith("भविष्य में, मल्टीमॉडल प्रौद्योगिकियों")
    assert len(cleaned.paragraphs) == 25


def test_garbled_template_token_is_removed_from_the_title() -> None:
    cleaned = clean_article_text(corpus_file("000"))

    assert cleaned.title == "इसका वास्तविक मूल्य कम करके आंका गया है!"


def test_image_caption_in_the_middle_of_a_news_story_is_removed() -> None:
    cleaned = clean_article_text(corpus_file("001"))

    assert len(cleaned.paragraphs) == 7
    assert cleaned.paragraphs[2].startswith("भविष्य की AI दुनिया")


def test_site_chrome_goes_and_the_first_short_line_becomes_the_title() -> None:
    cleaned = clean_article_text(corpus_file("003"))

    assert cleaned.title == "क्या डीपसीक मोमेंट्स अब नया सामान्य है?"
    assert cleaned.title not in cleaned.text
    assert cleaned.paragraphs[0].startswith("एक अल्पज्ञात चीनी एआई कंपनी")


def test_front_matter_gives_title_tags_author_description_and_image() -> None:
    cleaned = clean_article_text(corpus_file("004"))

    title = "डीपसीक की ओपन-सोर्स क्रांति: एक बंद-द्वार एआई शिखर सम्मेलन से अंतर्दृष्टियाँ"
    assert cleaned.title == title
    assert title not in cleaned.text
    assert cleaned.tags[:3] == ["एआई", "ओपन-सोर्स", "डीपसीक"]
    assert "जानूस-प्रो" in cleaned.tags
    assert cleaned.author == "lark"
    assert cleaned.description is not None
    assert cleaned.description.startswith("डीपसीक अपने ओपन-सोर्स मल्टीमॉडल मॉडल")
    assert cleaned.image_url is not None
    assert cleaned.image_url.startswith("https://cuckoo-portal-frontend.onrender.com/api/og?")
    assert cleaned.paragraphs[0].startswith("डीपसीक एआई की दुनिया में तूफान ला रहा है।")


def test_glued_hindi_sentences_are_separated_when_cleaning() -> None:
    cleaned = clean_article_text(corpus_file("002"))

    assert "गया। गणित और प्रोग्रामिंग" in cleaned.text
    assert "गया।गणित" not in cleaned.text


def test_title_without_a_headline_line_is_the_first_sentence_and_text_keeps_it() -> None:
    cleaned = clean_article_text(corpus_file("001"))

    assert cleaned.title == "AI का बिगुल बज चुका है, और आक्रमण का आदेश जल्द ही दिया जाएगा!"
    assert cleaned.text.startswith(cleaned.title)


def test_given_title_wins_and_its_repetition_at_the_top_is_dropped() -> None:
    raw = "Monsoon ends 8% above normal\n\nIndia received more rain than usual this year."

    cleaned = clean_article_text(raw, title="Monsoon ends 8% above normal")

    assert cleaned.title == "Monsoon ends 8% above normal"
    assert cleaned.paragraphs == ["India received more rain than usual this year."]


def test_english_blog_chrome_is_removed() -> None:
    raw = "\n".join(
        [
            "Skip to content",
            "Rates held steady",
            "Image caption: The governor at the press conference",
            "The central bank kept its key rate at 6.5% on Friday.",
            "Advertisement",
            "Share this:",
            "Analysts had expected the pause after inflation eased to 4.3%.",
            "Related posts",
            "Banks raise deposit rates",
            "Leave a Reply",
            "Your email address will not be published. Required fields are marked *",
        ]
    )

    cleaned = clean_article_text(raw)

    assert cleaned.title == "Rates held steady"
    assert cleaned.paragraphs == [
        "The central bank kept its key rate at 6.5% on Friday.",
        "Analysts had expected the pause after inflation eased to 4.3%.",
    ]


def test_markdown_links_keep_their_text_and_images_disappear() -> None:
    raw = (
        "# Heading of the post\n\n"
        'Read the [full report](https://example.org/report "Report") by *the ministry*.\n\n'
        "![chart](https://example.org/chart.png)\n\n"
        "1. First point with `code` and __bold__ text.\n"
        "* Second point with ~~old~~ news.\n\n"
        "> A quoted line."
    )

    cleaned = clean_article_text(raw)

    assert cleaned.title == "Heading of the post"
    assert cleaned.paragraphs == [
        "Read the full report by the ministry.",
        "First point with code and bold text.",
        "Second point with old news.",
        "A quoted line.",
    ]


def test_toml_front_matter_is_read_too() -> None:
    raw = (
        '+++\ntitle = "मानसून की विदाई"\ntags = ["मौसम", "मानसून"]\nauthor = "संवाददाता"\n+++\n'
        "इस साल मानसून सामान्य से आठ प्रतिशत अधिक रहा।"
    )

    cleaned = clean_article_text(raw)

    assert cleaned.title == "मानसून की विदाई"
    assert cleaned.tags == ["मौसम", "मानसून"]
    assert cleaned.author == "संवाददाता"
    assert cleaned.text == "इस साल मानसून सामान्य से आठ प्रतिशत अधिक रहा।"


def test_a_related_posts_header_before_any_content_does_not_swallow_the_article() -> None:
    raw = "Related posts\nThe article itself starts here and goes on."

    cleaned = clean_article_text(raw, title="A title")

    assert cleaned.paragraphs == ["The article itself starts here and goes on."]


def test_empty_input_gives_an_empty_article() -> None:
    cleaned = clean_article_text("  \n\n ")

    assert cleaned.title == ""
    assert cleaned.text == ""
    assert cleaned.paragraphs == []


def test_a_related_box_in_the_middle_of_a_story_drops_only_its_heading_and_links() -> None:
    first = (
        "A storm that came ashore overnight knocked out power to about 40,000 homes along the "
        "coast, the state electricity utility said on Tuesday morning."
    )
    rest = (
        "The storm is the third to hit the coast since October, and after the last one "
        "repairs took nine days, residents of the fishing villages said."
    )
    raw = "\n".join([first, "Related stories", "Utility raises tariffs again", rest, "Dube out."])

    cleaned = clean_article_text(raw, title="Storm cuts power")

    assert cleaned.paragraphs == [first, rest, "Dube out."]


def test_a_comment_count_above_the_story_is_dropped_alone() -> None:
    story = (
        "The city airport will close its main runway from 10 a.m. to 6 p.m. on every "
        "Sunday in May for resurfacing, the operator said on Monday."
    )
    raw = "\n".join(["Runway to close", "By Express News Service", "14 comments", story, "Ok."])

    cleaned = clean_article_text(raw, title="Runway to close")

    assert cleaned.paragraphs == [story, "Ok."]


def test_the_tail_after_an_article_goes_up_to_the_next_paragraph_of_prose() -> None:
    story = (
        "The forest department has put up four more camera traps near the colony and will "
        "patrol the area at night with volunteers, the range officer said."
    )
    raw = "\n".join([story, "You may also like", "Bird count rises", "Leave a Reply", "Name *"])

    cleaned = clean_article_text(raw, title="Leopard seen again")

    assert cleaned.paragraphs == [story]
