"""The digest always goes out: whatever the model does, a labelled digest reaches the channel."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.markdown_file import MarkdownFileAdapter
from bot.domain.articles import Article
from bot.domain.repositories import UnitOfWorkFactory
from bot.llm.prompts import PromptStore
from bot.services.deliveries import enqueue
from bot.services.digests import compose_digest
from bot.services.publish import deliver_all, publish
from bot.services.summaries import TIME_CAP_REASON
from tests.fakes.openai_server import (
    Behaviour,
    Echo,
    InventedNumber,
    Malformed,
    RateLimited,
    Refusal,
    ServerError,
    Stall,
)
from tests.summaries.conftest import (
    MODEL,
    NOW,
    LLMEdges,
    digest_file,
    llm_edges,
    markdown_channels,
    summaries_made,
)

EXTRACT_LINE = "ये ऑफ़लाइन अंश हैं"
LLM_LINE = "ये सारांश एलएलएम ने लिखे हैं।"
#: The corpus is one story: one summary per language.
SUMMARY_CALLS = 1


# The matrix is about the model's faults; storage is covered on both databases below.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("faults", "flag", "digest_line", "composed_by"),
    [
        pytest.param([Malformed()] * 2, "not valid JSON", LLM_LINE, MODEL, id="malformed-json"),
        pytest.param(
            [InventedNumber()] * 2, "unfaithful: the figure '987.6", LLM_LINE, MODEL, id="invented"
        ),
        pytest.param([RateLimited(retry_after="1")], None, LLM_LINE, MODEL, id="429-retry-after"),
        pytest.param([ServerError(500)] * 3, "HTTP 500", LLM_LINE, MODEL, id="500s"),
        pytest.param([ServerError(503), ServerError(502)], None, LLM_LINE, MODEL, id="5xx-then-ok"),
        pytest.param([Stall(30)] * 3, "did not answer", EXTRACT_LINE, "offline", id="timeout"),
        pytest.param([Refusal()], "declined", LLM_LINE, MODEL, id="refusal"),
        pytest.param(
            [Echo()] * SUMMARY_CALLS + [Malformed()] * 2, None, LLM_LINE, "offline", id="compose"
        ),
    ],
)
async def test_every_fault_still_delivers_a_labelled_digest(
    uow_factory: UnitOfWorkFactory,
    corpus: list[Article],
    llm: LLMEdges,
    files: MarkdownFileAdapter,
    tmp_path: Path,
    faults: list[Behaviour],
    flag: str | None,
    digest_line: str,
    composed_by: str,
) -> None:
    (channel,) = await markdown_channels(uow_factory, tmp_path / "ch", [""])
    llm.server.script(*faults)
    started = time.monotonic()

    report = await publish(uow_factory, llm.maker, {"file": files}, [(channel, ["hi"])], now=NOW)

    assert report.delivery.sent == 1 and report.delivery.failed == 0
    assert report.digests["hi"][0].model == composed_by
    text = digest_file(channel, "hi")
    assert "समाचार सार" in text and digest_line in text
    assert all(a.canonical_url in text for a in corpus), "every source is linked"
    summaries = await summaries_made(uow_factory, corpus, "hi")
    flagged = [s for s in summaries if s.flagged]
    if flag is None:
        assert not flagged and {s.method for s in summaries} == {"llm"}
    else:
        assert flagged and {s.method for s in flagged} == {"extract"}
        assert any(flag in (s.flagged or "") for s in flagged), [s.flagged for s in flagged]
    if isinstance(faults[0], RateLimited):
        assert time.monotonic() - started >= 1.0, "Retry-After was waited out"


async def test_a_stalled_server_holds_the_remaining_digests_of_the_run_no_longer(
    uow_factory: UnitOfWorkFactory,
    corpus: list[Article],
    llm: LLMEdges,
    files: MarkdownFileAdapter,
    tmp_path: Path,
) -> None:
    """After the first digest gave up on a dead server, the next ones do not wait for it."""
    channels = await markdown_channels(uow_factory, tmp_path / "ch", ["", "Brief."])
    llm.server.script(*[Stall(30)] * 12)
    started = time.monotonic()

    report = await publish(
        uow_factory, llm.maker, {"file": files}, [(c, ["hi", "en"]) for c in channels], now=NOW
    )

    assert report.delivery.sent == 4
    # The story's Hindi and English summaries are asked for at once; each stalls with its
    # two retries, then nothing more is asked (not the four compositions either).
    assert llm.server.calls == 2 * 3
    # Without the pause every summary of every digest would wait out the stall (30 s in all).
    assert time.monotonic() - started < 15
    for lang in ("hi", "en"):
        summaries = await summaries_made(uow_factory, corpus, lang)
        assert all(s.method == "extract" and s.flagged for s in summaries)
    assert "Not translated" in digest_file(channels[1], "en")


async def test_the_time_cap_finishes_a_stalled_digest_offline_and_labelled(
    uow_factory: UnitOfWorkFactory,
    corpus: list[Article],
    llm: LLMEdges,
    files: MarkdownFileAdapter,
    tmp_path: Path,
    prompts: PromptStore,
) -> None:
    # The client would wait 30 s for an answer; the digest's cap is a fraction of that.
    patient = llm_edges(llm.server, uow_factory, prompts, timeout=30.0)
    llm.server.script(Stall(30))
    started = time.monotonic()

    digest = await compose_digest(
        uow_factory,
        summarizer=patient.summarizer,
        fallback=patient.fallback,
        composer=patient.composer,
        lang="hi",
        now=NOW,
        time_cap=timedelta(seconds=0.5),
    )
    await patient.client.aclose()

    assert time.monotonic() - started < 2.5
    assert digest is not None and digest.id is not None and digest.is_extract
    summaries = await summaries_made(uow_factory, corpus, "hi")
    assert all(s.method == "extract" and s.flagged for s in summaries)
    assert TIME_CAP_REASON in {s.flagged for s in summaries}
    (channel,) = await markdown_channels(uow_factory, tmp_path / "ch", [""])
    await enqueue(uow_factory, digest.id, [channel.id or 0])
    delivered = await deliver_all(uow_factory, {"file": files}, now=NOW)
    assert delivered.sent == 1 and EXTRACT_LINE in digest_file(channel, "hi")


async def test_after_an_outage_the_next_digest_asks_the_model_again(
    uow_factory: UnitOfWorkFactory,
    corpus: list[Article],
    llm: LLMEdges,
    files: MarkdownFileAdapter,
    tmp_path: Path,
) -> None:
    """Extracts made because the server was down are not cached as the model's answer."""
    first, later = await markdown_channels(uow_factory, tmp_path / "ch", ["", ""])
    llm.server.script(*[ServerError(500)] * 3)
    await publish(uow_factory, llm.maker, {"file": files}, [(first, ["hi"])], now=NOW)
    calls = llm.server.calls

    await publish(
        uow_factory,
        llm.maker,
        {"file": files},
        [(later, ["hi"])],
        now=NOW + timedelta(minutes=10),
    )

    assert llm.server.calls == calls + 2, "the failed story is summarized, the digest recomposed"
    summaries = await summaries_made(uow_factory, corpus, "hi")
    assert all(s.method == "llm" and s.flagged is None for s in summaries)
