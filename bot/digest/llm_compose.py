"""The LLM-backed digest composer: the model groups and words, code decides what is shown.

The model sees the summaries as untrusted data and answers with groups of item numbers, a
headline and a body. Numbers it invents are dropped, links are never taken from its text
(every link is a stored article's URL), a group whose text is in the wrong language, leaks
the instructions or states facts its articles lack is shown from the stored summary instead,
and any failure of the call or of the answer hands the whole digest to the offline composer.

Accepted answers are remembered by the exact prompt they answered (language, style note and
every summary), so composing the same digest again in this process costs no call.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from pydantic import ValidationError

from bot.digest.compose import OfflineDigestComposer, compose_item
from bot.digest.labels import digest_title
from bot.domain.articles import Article, Summary
from bot.domain.digests import Digest, DigestItem, SourceLink
from bot.domain.languages import Lang
from bot.errors import SummarizerError
from bot.llm.client import LLMClient
from bot.llm.errors import LLMOutputError
from bot.llm.guards import is_in_language, leaks_prompt, schema_problem, strip_urls
from bot.llm.prompts import PromptStore, PromptTemplate
from bot.llm.tokens import count_tokens
from bot.summarize.base import DigestComposer
from bot.summarize.faithfulness import check_faithful
from bot.summarize.llm import LANG_NAMES
from bot.summarize.schema import ComposeGroup, DigestComposeOutput
from bot.text.sentences import split_sentences

log = logging.getLogger(__name__)

PROMPT_NAME = "digest_compose"

Entry = tuple[Article, Summary]


@dataclass(frozen=True)
class _Ref:
    """An entry as the model knows it: a small number instead of a database id."""

    number: int
    article: Article
    summary: Summary


class LLMDigestComposer:
    """`DigestComposer` that lets a model group and word the stories, within hard limits.

    The last `cache_size` accepted answers are kept: a re-run with no new article (same
    summaries, same style note) reuses the answer instead of asking again.
    """

    def __init__(
        self,
        client: LLMClient,
        prompts: PromptStore,
        model: str,
        fallback: DigestComposer | None = None,
        *,
        max_input_tokens: int = 8000,
        max_output_tokens: int = 2000,
        cache_size: int = 128,
    ) -> None:
        self._client = client
        self._answers: OrderedDict[str, DigestComposeOutput] = OrderedDict()
        self._cache_size = cache_size
        self._template: PromptTemplate = prompts.get(PROMPT_NAME)
        self._fallback = fallback if fallback is not None else OfflineDigestComposer()
        self.prompt_hash = self._template.hash
        self.model = model
        self.max_input_tokens = max_input_tokens
        self.max_output_tokens = max_output_tokens

    async def compose(
        self,
        lang: Lang,
        entries: Sequence[Entry],
        *,
        now: datetime,
        style_note: str = "",
    ) -> Digest:
        """At most `Digest.MAX_ITEMS` items; links only from `entries`; offline on any failure."""
        if not entries:
            return await self._fallback.compose(lang, entries, now=now, style_note=style_note)
        try:
            items = await self._items(lang, entries, style_note)
        except (SummarizerError, ValidationError) as exc:
            log.warning("LLM digest (%s) fell back to the offline composer: %s", lang, exc)
            return await self._fallback.compose(lang, entries, now=now, style_note=style_note)
        starts = [a.published_at or a.fetched_at for a, _ in entries]
        known = [s for s in starts if s is not None]
        return Digest(
            lang=lang,
            title=digest_title(lang, now.date()),
            items=items,
            created_at=now,
            period_start=min(known) if known else None,
            period_end=now,
            style_note=style_note,
            prompt_hash=self.prompt_hash,
            model=self.model,
        )

    async def _items(
        self, lang: Lang, entries: Sequence[Entry], style_note: str
    ) -> list[DigestItem]:
        refs = self._refs_within_budget(entries)
        output = await self._ask(lang, refs, style_note)
        by_number = {ref.number: ref for ref in refs}
        used: set[int] = set()
        items: list[DigestItem] = []
        for group in output.groups:
            members = [by_number[n] for n in dict.fromkeys(group.article_ids) if n in by_number]
            members = [ref for ref in members if ref.number not in used]
            if not members:
                continue
            used.update(ref.number for ref in members)
            items += self._group_items(group, members, lang)
        if not items:
            raise SummarizerError("the LLM digest named none of the given articles")
        items += [_item_from_summary(ref, lang) for ref in refs if ref.number not in used]
        return items[: Digest.MAX_ITEMS]

    def _refs_within_budget(self, entries: Sequence[Entry]) -> list[_Ref]:
        refs: list[_Ref] = []
        used = 0
        for number, (article, summary) in enumerate(entries, start=1):
            cost = count_tokens(_item_json(number, article, summary), self.model)
            if refs and used + cost > self.max_input_tokens:
                break
            refs.append(_Ref(number, article, summary))
            used += cost
        return refs

    async def _ask(self, lang: Lang, refs: list[_Ref], style_note: str) -> DigestComposeOutput:
        items = "[\n" + ",\n".join(_item_json(r.number, r.article, r.summary) for r in refs) + "\n]"
        feedback = ""
        key = ""
        for attempt in range(2):
            prompt = self._template.render(
                lang_name=LANG_NAMES[lang],
                lang_code=lang,
                max_items=Digest.MAX_ITEMS,
                items=items,
                feedback=feedback,
                style_note=style_note,
            )
            if attempt == 0:
                key = hashlib.sha256(f"{prompt.system}\0{prompt.user}".encode()).hexdigest()
                if key in self._answers:
                    self._answers.move_to_end(key)
                    return self._answers[key]
            try:
                data, _ = await self._client.complete_json(
                    system=prompt.system,
                    user=prompt.user,
                    purpose="digest",
                    max_tokens=self.max_output_tokens,
                )
                output = DigestComposeOutput.model_validate(data)
            except (LLMOutputError, ValidationError) as exc:
                if attempt == 1:
                    raise
                feedback = (
                    f"Your previous answer could not be used ({_reason(exc)}). Answer again "
                    "with only the JSON object described above."
                )
            else:
                self._remember(key, output)
                return output
        raise SummarizerError("the LLM digest could not be read")  # pragma: no cover

    def _remember(self, key: str, output: DigestComposeOutput) -> None:
        self._answers[key] = output
        while len(self._answers) > self._cache_size:
            self._answers.popitem(last=False)

    def _group_items(
        self, group: ComposeGroup, members: list[_Ref], lang: Lang
    ) -> list[DigestItem]:
        """The model's item for a group, or, when it cannot be shown, each member's summary.

        A rejected group's grouping is not trusted either, so its articles stay separate.
        """
        headline = strip_urls(group.headline)
        body = " ".join(split_sentences(strip_urls(group.body))[:3])
        problem = self._problem(headline, body, members, lang)
        if problem:
            log.info("LLM digest group %s shown from summaries: %s", group.article_ids, problem)
            return [_item_from_summary(ref, lang) for ref in members]
        item = DigestItem(
            headline=headline,
            body=body,
            links=[_link(ref) for ref in members],
            method="llm",
            article_ids=[r.article.id for r in members if r.article.id is not None],
        )
        return [item]

    def _problem(self, headline: str, body: str, members: list[_Ref], lang: Lang) -> str | None:
        """Why the model's text for a group cannot be shown, or None."""
        whole = f"{headline}\n{body}"
        if not headline or not body:
            return "empty after removing links"
        if not is_in_language(whole, lang):
            return f"not written in {LANG_NAMES[lang]}"
        if leaks_prompt(whole, self._template.fixed_text):
            return "it repeats the instructions"
        evidence = "\n".join(
            f"{r.summary.headline}\n{r.summary.text}\n{r.article.title}\n{r.article.text}"
            for r in members
        )
        violations = check_faithful(whole, evidence)
        return "; ".join(violations[:2]) or None


def _item_from_summary(ref: _Ref, lang: Lang) -> DigestItem:
    """One article as the offline composer shows it (its stored summary), links stripped."""
    item = compose_item(lang, [(ref.article, ref.summary)])
    body = " ".join(split_sentences(strip_urls(item.body))[:3])
    headline = strip_urls(item.headline) or strip_urls(ref.article.title)
    return replace(item, headline=headline, body=body, links=[_link(ref)])


def _link(ref: _Ref) -> SourceLink:
    """Links come only from the stored article, never from the model's text."""
    url = ref.article.canonical_url or ref.article.url
    return SourceLink(title=ref.article.title, url=url, article_id=ref.article.id)


def _item_json(number: int, article: Article, summary: Summary) -> str:
    return json.dumps(
        {
            "id": number,
            "source": article.title,
            "headline": summary.headline,
            "summary": summary.text,
        },
        ensure_ascii=False,
    )


def _reason(exc: Exception) -> str:
    return schema_problem(exc) if isinstance(exc, ValidationError) else str(exc)
