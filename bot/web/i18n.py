"""The console's words in English and Hindi, and which of the two a request reads.

`?lang=hi` or `?lang=en` wins; otherwise the browser's Accept-Language decides, by its
quality values; English when neither language is asked for.
"""

from __future__ import annotations

import unicodedata

LANGS = ("en", "hi")

# fmt: off
_CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "console": "digestbot console", "overview": "Today", "digests": "Archive",
        "sources": "Sources", "costs": "Costs", "login": "Sign in", "logout": "Sign out",
        "token": "Console token", "token_hint": "The value of DIGESTBOT_WEB_TOKEN.",
        "wrong_token": "That token is not right. Paste the value of DIGESTBOT_WEB_TOKEN.",
        "need_login": "Sign in with the console token to see this page.",
        "stories_today": "Stories of the last 24 hours", "no_stories": "No stories yet today.",
        "outlets": "outlets", "reports": "reports", "languages": "languages",
        "next_slots": "Next digests", "no_slots": "No active subscriptions.",
        "queue": "Delivery queue", "pending": "waiting", "sending": "sending",
        "failed_today": "given up (24 h)", "failures": "Failures of the last 24 hours",
        "no_failures": "Nothing failed in the last 24 hours.", "delivery": "delivery",
        "source": "source", "channel": "Channel", "all_channels": "all channels",
        "language": "Language", "all_languages": "all languages", "search": "Search",
        "search_hint": "words from the stories, e.g. monsoon Kerala", "older": "Older",
        "no_digests": "No digests match.", "items": "items", "created": "Made",
        "delivered_to": "Delivered to", "not_delivered": "Not delivered to any channel.",
        "status": "Status", "attempts": "Attempts", "sent_at": "Sent", "error": "Error",
        "links": "Sources", "also": "Also", "votes": "Votes", "not_found": "No such digest.",
        "read_in_browser": "Read in browser", "public_note": "A shared digest: only this "
        "digest is visible at this address.",
        "name": "Name", "health": "Health", "last_success": "Last success",
        "failures_in_row": "Failures in a row", "last_error": "Last error", "never": "never",
        "paused": "paused", "active": "active", "per_day": "Items per day (14 days)",
        "priority": "Priority", "pause": "Pause", "resume": "Resume", "set": "Set",
        "no_sources": "No sources yet: add one with `digestbot source add URL`.",
        "changed": "Saved.", "no_source": "No such source.",
        "bad_priority": "Priority must be a whole number from -4 to 4, e.g. 2.",
        "csrf": "This form has expired; reload the page and try again.",
        "tokens_per_day": "Tokens per day and model (30 days)", "ceiling": "daily ceiling",
        "no_ceiling": "no daily ceiling", "day": "Day", "model": "Model", "calls": "Calls",
        "prompt_tokens": "Prompt tokens", "completion_tokens": "Completion tokens",
        "cost": "Est. cost (USD)", "no_calls": "No LLM calls recorded.", "total": "Total",
        "today_used": "Today", "of": "of", "unknown_price": "n/a",
        "lang_en": "English", "lang_hi": "Hindi", "lang_both": "both",
    },
    "hi": {
        "console": "डाइजेस्टबॉट कंसोल", "overview": "आज", "digests": "संग्रह",
        "sources": "स्रोत", "costs": "ख़र्च", "login": "साइन इन", "logout": "साइन आउट",
        "token": "कंसोल टोकन", "token_hint": "DIGESTBOT_WEB_TOKEN का मान।",
        "wrong_token": "यह टोकन सही नहीं है। DIGESTBOT_WEB_TOKEN का मान चिपकाएँ।",
        "need_login": "यह पेज देखने के लिए कंसोल टोकन से साइन इन करें।",
        "stories_today": "पिछले 24 घंटों की ख़बरें", "no_stories": "आज अभी कोई ख़बर नहीं।",
        "outlets": "प्रकाशक", "reports": "रिपोर्टें", "languages": "भाषाएँ",
        "next_slots": "अगले डाइजेस्ट", "no_slots": "कोई सक्रिय सदस्यता नहीं।",
        "queue": "भेजने की कतार", "pending": "प्रतीक्षा में", "sending": "भेजे जा रहे",
        "failed_today": "छोड़े गए (24 घंटे)", "failures": "पिछले 24 घंटों की विफलताएँ",
        "no_failures": "पिछले 24 घंटों में कुछ विफल नहीं हुआ।", "delivery": "डिलीवरी",
        "source": "स्रोत", "channel": "चैनल", "all_channels": "सभी चैनल",
        "language": "भाषा", "all_languages": "सभी भाषाएँ", "search": "खोजें",
        "search_hint": "ख़बरों के शब्द, जैसे मानसून केरल", "older": "पुराने",
        "no_digests": "कोई डाइजेस्ट नहीं मिला।", "items": "आइटम", "created": "बना",
        "delivered_to": "कहाँ भेजा गया", "not_delivered": "किसी चैनल को नहीं भेजा गया।",
        "status": "स्थिति", "attempts": "प्रयास", "sent_at": "भेजा गया", "error": "त्रुटि",
        "links": "स्रोत", "also": "और ख़बरें", "votes": "वोट", "not_found": "ऐसा कोई डाइजेस्ट नहीं।",
        "read_in_browser": "ब्राउज़र में पढ़ें", "public_note": "साझा डाइजेस्ट: इस पते पर "
        "केवल यही डाइजेस्ट दिखता है।",
        "name": "नाम", "health": "हालत", "last_success": "आख़िरी सफलता",
        "failures_in_row": "लगातार विफलताएँ", "last_error": "आख़िरी त्रुटि", "never": "कभी नहीं",
        "paused": "रुका हुआ", "active": "चालू", "per_day": "प्रति दिन आइटम (14 दिन)",
        "priority": "प्राथमिकता", "pause": "रोकें", "resume": "फिर चालू करें", "set": "सेट करें",
        "no_sources": "अभी कोई स्रोत नहीं: `digestbot source add URL` से जोड़ें।",
        "changed": "सहेजा गया।", "no_source": "ऐसा कोई स्रोत नहीं।",
        "bad_priority": "प्राथमिकता -4 से 4 तक की पूर्ण संख्या हो, जैसे 2।",
        "csrf": "यह फ़ॉर्म पुराना हो गया; पेज दोबारा खोलकर फिर कोशिश करें।",
        "tokens_per_day": "प्रति दिन और मॉडल टोकन (30 दिन)", "ceiling": "दैनिक सीमा",
        "no_ceiling": "कोई दैनिक सीमा नहीं", "day": "दिन", "model": "मॉडल", "calls": "कॉल",
        "prompt_tokens": "प्रॉम्प्ट टोकन", "completion_tokens": "उत्तर टोकन",
        "cost": "अनुमानित ख़र्च (USD)", "no_calls": "कोई एलएलएम कॉल दर्ज नहीं।", "total": "कुल",
        "today_used": "आज", "of": "में से", "unknown_price": "अज्ञात",
        "lang_en": "अंग्रेज़ी", "lang_hi": "हिंदी", "lang_both": "दोनों",
    },
}
# fmt: on


def catalogue(lang: str) -> dict[str, str]:
    """Every word of the console in `lang` (NFC), English for an unknown language."""
    return _NFC.get(lang, _NFC["en"])


_NFC = {
    lang: {key: unicodedata.normalize("NFC", text) for key, text in words.items()}
    for lang, words in _CATALOGUE.items()
}


def pick_language(query_lang: str | None, accept_language: str | None) -> str:
    """`?lang=` when it names hi or en, else the best of hi/en in Accept-Language, else en."""
    if query_lang in LANGS:
        return query_lang
    best, best_q = "en", 0.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGS:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > best_q:
            best, best_q = primary, quality
    return best
