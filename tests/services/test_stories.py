"""Stories from ingest to the digest: grouping without chaining, ranking, sent-before, updates."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.markdown_file import MarkdownFileAdapter
from bot.digest.compose import OfflineDigestComposer
from bot.domain.channels import Channel, Subscription
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.publish import DigestMaker, publish
from bot.services.scheduled import run_due_slots
from bot.services.stories import StoryAssigner
from bot.summarize.offline import ExtractiveSummarizer
from tests.services.newsday import (
    OutletReader,
    add_outlets,
    hours,
    of_event,
    poll,
    rewritten,
    singles,
)

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
OUTLETS = ["ndtv.example", "thehindu.example", "amarujala.example", "bbc.example", "ht.example"]


def _maker() -> DigestMaker:
    summarizer = ExtractiveSummarizer()
    return DigestMaker(summarizer, summarizer, OfflineDigestComposer())


async def _stories_by_url(uow_factory: UnitOfWorkFactory) -> dict[str, int | None]:
    async with uow_factory() as uow:
        articles = await uow.articles.list_since(NOW - hours(72))
    return {a.url: a.story_id for a in articles}


async def _channel(uow_factory: UnitOfWorkFactory, tmp_path: Path, size: int = 8) -> Channel:
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("file", f"{tmp_path}/digest-{{lang}}.md")
        channel.digest_size = size
        await uow.channels.update(channel)
        await uow.commit()
    return channel


async def test_a_day_of_unrelated_reports_is_not_chained(uow_factory: UnitOfWorkFactory) -> None:
    lone = singles(30)
    reader = OutletReader()
    sources = await add_outlets(uow_factory, OUTLETS)
    for n, report in enumerate(lone):
        reader.publish(f"https://{OUTLETS[n % 5]}/feed", [(report, NOW - hours(n % 20))])

    await poll(uow_factory, reader, sources, NOW)

    stories = await _stories_by_url(uow_factory)
    assert len(stories) == 30 and None not in stories.values()
    assert max(Counter(stories.values()).values()) == 1, "unrelated reports shared a story"


async def test_a_hindi_and_an_english_report_of_one_event_form_one_story(
    uow_factory: UnitOfWorkFactory,
) -> None:
    english, hindi = sorted(of_event("isro-eos09-launch"), key=lambda r: r.lang)
    reader = OutletReader()
    sources = await add_outlets(uow_factory, ["thehindu.example", "amarujala.example"])
    reader.publish("https://thehindu.example/feed", [(english, NOW - hours(2))])
    reader.publish("https://amarujala.example/feed", [(hindi, NOW - hours(1))])
    for n, other in enumerate(singles(12)):
        reader.publish("https://thehindu.example/feed", [(other, NOW - hours(3 + n))])

    await poll(uow_factory, reader, sources, NOW)

    stories = await _stories_by_url(uow_factory)
    launch = {s for url, s in stories.items() if "isro-eos09-launch" in url}
    assert len(launch) == 1
    assert Counter(stories.values())[launch.pop()] == 2
    async with uow_factory() as uow:
        (story,) = [
            c.story
            for c in await uow.stories.candidates(NOW - hours(24))
            if c.story.article_count == 2
        ]
    assert story.languages == ["en", "hi"]
    assert story.outlets == ["amarujala.example", "thehindu.example"]


async def test_a_story_grows_across_polls_and_restarts(uow_factory: UnitOfWorkFactory) -> None:
    (report,) = [r for r in of_event("rbi-repo-cut") if r.lang == "en"]
    reader = OutletReader()
    sources = await add_outlets(uow_factory, OUTLETS[:3])
    reader.publish("https://ndtv.example/feed", [(report, NOW - hours(5))])
    reader.publish("https://thehindu.example/feed", [(singles(1)[0], NOW - hours(5))])
    running = StoryAssigner()
    await poll(uow_factory, reader, sources, NOW - hours(4), stories=running)
    reader.publish(
        "https://thehindu.example/feed", [(rewritten(report, "thehindu", 1), NOW - hours(3))]
    )
    await poll(uow_factory, reader, sources, NOW - hours(2), stories=running)
    # A restarted process builds its story index again from the database.
    reader.publish("https://amarujala.example/feed", [(rewritten(report, "amarujala", 2), NOW)])
    await poll(uow_factory, reader, sources, NOW, stories=StoryAssigner())

    stories = await _stories_by_url(uow_factory)
    grown = {s for url, s in stories.items() if "rbi-repo-cut" in url}
    assert len(grown) == 1
    async with uow_factory() as uow:
        story = await uow.stories.get(grown.pop() or 0)
    assert story is not None and story.article_count == 3
    assert story.outlets == ["amarujala.example", "ndtv.example", "thehindu.example"]


async def test_the_story_many_outlets_reported_leads_the_digest(
    uow_factory: UnitOfWorkFactory, tmp_path: Path
) -> None:
    (big,) = [r for r in of_event("rbi-repo-cut") if r.lang == "en"]
    reader = OutletReader()
    sources = await add_outlets(uow_factory, OUTLETS)
    for n, outlet in enumerate(OUTLETS[:4]):
        reader.publish(f"https://{outlet}/feed", [(rewritten(big, outlet, n), NOW - hours(6))])
    newer = singles(3, lang="en")
    reader.publish("https://ht.example/feed", [(r, NOW - hours(1)) for r in newer])
    await poll(uow_factory, reader, sources, NOW)
    channel = await _channel(uow_factory, tmp_path)
    files = MarkdownFileAdapter(tmp_path)

    report = await publish(uow_factory, _maker(), {"file": files}, [(channel, ["en"])], now=NOW)

    (digest,) = report.digests["en"]
    assert len(digest.items) == 4
    lead = digest.items[0]
    assert len(lead.article_ids) == 4 and len({link.url for link in lead.links}) == 4


async def test_a_story_sent_before_comes_back_only_as_an_update_with_its_new_reports(
    uow_factory: UnitOfWorkFactory, tmp_path: Path
) -> None:
    (first,) = [r for r in of_event("infosys-q2-results") if r.lang == "en"]
    reader = OutletReader()
    sources = await add_outlets(uow_factory, OUTLETS)
    reader.publish("https://ndtv.example/feed", [(first, NOW - hours(3))])
    await poll(uow_factory, reader, sources, NOW - hours(2))
    channel = await _channel(uow_factory, tmp_path)
    files = {"file": MarkdownFileAdapter(tmp_path)}
    maker = _maker()
    sent = await publish(uow_factory, maker, files, [(channel, ["en"])], now=NOW - hours(2))
    assert [len(d.items) for d in sent.digests["en"]] == [1]

    nothing_new = await publish(uow_factory, maker, files, [(channel, ["en"])], now=NOW - hours(1))
    assert nothing_new.digests == {} and nothing_new.empty_langs == {"en"}

    reader.publish("https://bbc.example/feed", [(rewritten(first, "bbc"), NOW - hours(1))])
    await poll(uow_factory, reader, sources, NOW)
    again = await publish(uow_factory, maker, files, [(channel, ["en"])], now=NOW)

    (digest,) = again.digests["en"]
    (item,) = digest.items
    assert item.is_update
    assert [link.url for link in item.links] == ["https://bbc.example/infosys-q2-results-en@bbc"]
    assert item.story_id == sent.digests["en"][0].items[0].story_id


async def test_a_channel_gets_its_digest_size_and_then_an_also_list(
    uow_factory: UnitOfWorkFactory, tmp_path: Path
) -> None:
    reader = OutletReader()
    sources = await add_outlets(uow_factory, OUTLETS)
    for n, single in enumerate(singles(6, lang="en")):
        reader.publish(f"https://{OUTLETS[n % 5]}/feed", [(single, NOW - hours(n))])
    await poll(uow_factory, reader, sources, NOW)
    channel = await _channel(uow_factory, tmp_path, size=2)
    files = {"file": MarkdownFileAdapter(tmp_path)}

    report = await publish(uow_factory, _maker(), files, [(channel, ["en"])], now=NOW)

    (digest,) = report.digests["en"]
    assert len(digest.items) == 2 and len(digest.also) == 4
    shown = {link.url for item in digest.items for link in item.links}
    assert shown.isdisjoint(link.url for link in digest.also)


async def test_a_source_with_priority_outranks_an_equal_story(
    uow_factory: UnitOfWorkFactory, tmp_path: Path
) -> None:
    plain, favoured = singles(2, lang="en")
    reader = OutletReader()
    sources = await add_outlets(
        uow_factory, ["plain.example", "trusted.example"], priorities=[0, 2]
    )
    reader.publish("https://plain.example/feed", [(plain, NOW - hours(1))])
    reader.publish("https://trusted.example/feed", [(favoured, NOW - hours(2))])
    await poll(uow_factory, reader, sources, NOW)
    channel = await _channel(uow_factory, tmp_path)
    files = {"file": MarkdownFileAdapter(tmp_path)}

    report = await publish(uow_factory, _maker(), files, [(channel, ["en"])], now=NOW)

    (digest,) = report.digests["en"]
    assert digest.items[0].links[0].url.startswith("https://trusted.example/")


async def test_slots_checked_at_jittered_delays_send_every_report_once_and_skip_none(
    uow_factory: UnitOfWorkFactory, tmp_path: Path
) -> None:
    reader = OutletReader()
    sources = await add_outlets(uow_factory, OUTLETS)
    channel = await _channel(uow_factory, tmp_path, size=20)
    async with uow_factory() as uow:
        await uow.channels.save_subscription(
            Subscription(
                channel_id=channel.id or 0,
                languages="en",
                schedule="every 1h",
                timezone="UTC",
                last_slot_at=NOW - hours(1),
            )
        )
        await uow.commit()
    files = {"file": MarkdownFileAdapter(tmp_path)}
    maker = _maker()
    lone = singles(24, lang="en") + singles(24, lang="hi")
    # Each slot is checked late by a different amount, as a 20-second tick does. A report
    # arrives before each slot, and one just after each late check: when the next check is
    # later still, it falls between the two checks' nominal windows.
    delays = [timedelta(seconds=s) for s in (1, 8, 3, 20, 44, 15)]
    arrived: list[int] = []

    async def arrive(report: int, outlet: str, at: datetime) -> None:
        reader.publish(f"https://{outlet}/feed", [(lone[report], at)])
        polled = await poll(uow_factory, reader, sources, at)
        arrived.extend(i for r in polled for i in r.new_article_ids)

    for hour, delay in enumerate(delays):
        slot = NOW + hours(hour)
        later = delays[hour + 1] if hour + 1 < len(delays) else delay * 2
        await arrive(2 * hour, OUTLETS[0], slot - timedelta(seconds=30))
        await run_due_slots(uow_factory, maker, files, now=slot + delay)
        gap = max(later - delay, timedelta(seconds=2)) / 2
        await arrive(2 * hour + 1, OUTLETS[1], slot + delay + gap)

    async with uow_factory() as uow:
        sent = await uow.deliveries.list(status="sent")
        digests = [await uow.digests.get(d.digest_id) for d in sent]
    covered = Counter(i for d in digests if d for item in d.items for i in item.article_ids)
    assert len(arrived) == 12
    last = arrived[-1]  # arrived after the last check: the next digest's
    assert all(covered[i] == 1 for i in arrived if i != last), covered
    assert covered[last] == 0
