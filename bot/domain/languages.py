"""Languages the bot writes in, and the choice a chat makes between them."""

from __future__ import annotations

from typing import Literal, get_args

#: A language a digest, summary or reply is written in.
Lang = Literal["hi", "en"]
#: What an article was detected to be written in.
ArticleLang = Literal["hi", "en", "mixed", "unknown"]
#: What a chat asked for: one language or both.
LangChoice = Literal["hi", "en", "both"]

LANGS: tuple[Lang, ...] = get_args(Lang)


def langs_of(choice: LangChoice) -> tuple[Lang, ...]:
    """Expand a chat's choice into the languages its digests are written in (Hindi first)."""
    if choice == "both":
        return ("hi", "en")
    return (choice,)


def parse_lang_choice(value: str) -> LangChoice:
    """Parse `hi`, `en` or `both` (also `hi,en`); raise ValueError with the accepted forms."""
    v = value.strip().lower().replace(" ", "")
    if v in ("hi", "en", "both"):
        return v  # type: ignore[return-value]
    if v in ("hi,en", "en,hi"):
        return "both"
    raise ValueError(f"unknown language {value!r}: use hi, en or both")
