"""Token counting with the real tokenizer: Hindi budgets, sentence-bounded chunks, offline."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.llm.tokens import chunk_by_tokens, count_tokens, encoding_name_for, truncate_to_tokens
from bot.text.sentences import split_sentences
from tests.llm.articles import ENGLISH_REPORT, corpus_texts
from tests.llm.conftest import MODEL

ROOT = Path(__file__).resolve().parents[2]


def _visible(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_hindi_costs_more_tokens_per_character_than_english() -> None:
    english = count_tokens(ENGLISH_REPORT, MODEL) / len(ENGLISH_REPORT)
    for name, text in corpus_texts().items():
        hindi = count_tokens(text, MODEL) / len(text)
        assert hindi > english * 1.2, f"{name}: {hindi:.3f} vs English {english:.3f} tokens/char"


def test_older_models_count_with_cl100k_and_cost_more_for_hindi() -> None:
    text = next(iter(corpus_texts().values()))
    assert encoding_name_for("gpt-4-0613") == "cl100k_base"
    assert encoding_name_for("gpt-3.5-turbo") == "cl100k_base"
    assert encoding_name_for("gpt-4o-mini") == "o200k_base"
    assert encoding_name_for("meta-llama/Llama-3.1-8B-Instruct") == "o200k_base"
    assert count_tokens(text, "gpt-4") > count_tokens(text, "gpt-4o")


def test_counting_works_with_the_network_cut_off() -> None:
    script = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network is off in this test')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from bot.llm.tokens import count_tokens\n"
        "print(count_tokens('डीपसीक ने नया मॉडल जारी किया।', 'gpt-4o-mini'),"
        " count_tokens('DeepSeek released a model.', 'gpt-4'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    hindi, english = (int(n) for n in done.stdout.split())
    assert hindi > 0 and english > 0


def test_chunks_of_the_longest_article_stay_within_budget_and_end_at_sentence_ends() -> None:
    text = corpus_texts()["002_0d013a59c1de282a.txt"]
    chunks = chunk_by_tokens(text, 300, MODEL)
    assert len(chunks) > 5
    assert all(count_tokens(chunk, MODEL) <= 300 for chunk in chunks)
    whole = [s for s in split_sentences(text) if count_tokens(s, MODEL) <= 300]
    assert all(any(sentence in chunk for chunk in chunks) for sentence in whole)
    assert sum(chunk.endswith("।") for chunk in chunks) >= len(chunks) // 2
    assert _visible("".join(chunks)) == _visible(text)


def test_a_sentence_longer_than_the_budget_is_cut_at_clean_token_boundaries() -> None:
    sentence = "भारत में कृत्रिम बुद्धिमत्ता " * 80 + "।"
    chunks = chunk_by_tokens(sentence, 40, MODEL)
    assert len(chunks) > 1
    assert all(count_tokens(chunk, MODEL) <= 40 for chunk in chunks)
    assert not any("\ufffd" in chunk for chunk in chunks)
    assert _visible("".join(chunks)) == _visible(sentence)


def test_truncation_keeps_whole_leading_sentences() -> None:
    text = corpus_texts()["001_e4b783df8972d358.txt"]
    short = truncate_to_tokens(text, 120, MODEL)
    assert count_tokens(short, MODEL) <= 120
    assert _visible(text).startswith(_visible(short))
    assert truncate_to_tokens("छोटा वाक्य।", 120, MODEL) == "छोटा वाक्य।"


_TEXT = st.text(
    alphabet=st.sampled_from(list("अआकखगमनरसहािीुेों्।॥?!. ,\nabcdefXYZ0123456789")),
    max_size=400,
)


@settings(max_examples=60, deadline=None)
@given(text=_TEXT, budget=st.integers(min_value=4, max_value=60))
def test_chunking_never_exceeds_the_budget_or_loses_text(text: str, budget: int) -> None:
    # A budget of at least 4 tokens: one character can need up to 4 (its UTF-8 bytes).
    chunks = chunk_by_tokens(text, budget, MODEL)
    assert all(count_tokens(chunk, MODEL) <= budget for chunk in chunks)
    assert _visible("".join(chunks)) == _visible(text)
