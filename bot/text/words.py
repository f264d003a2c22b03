"""Words as search and topics see them: letters and digits, Devanagari signs kept inside.

The database's full-text tokenizers are set up the same way (vowel signs, viramas and
nuktas are word characters), so निवेश is one word everywhere, never निव + श.
"""

from __future__ import annotations

import re

#: The Devanagari combining marks that belong inside a word.
DEVANAGARI_MARKS = "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962-\u0963"
#: One word: letters, digits and those marks.
WORD = re.compile(rf"[\w{DEVANAGARI_MARKS}]+")
#: A character that continues a word (what a whole-word match must not touch).
WORD_CHAR = rf"[\w{DEVANAGARI_MARKS}]"
