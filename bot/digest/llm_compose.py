"""The LLM-backed digest composer: the model words the chosen stories, code decides the rest.

Which stories a digest shows and in which order is decided before (`bot.digest.ranking`);
the model sees each chosen story's summary as untrusted data and answers with a headline and
a body per story. Numbers it invents are dropped, links are never taken from its text (every
link is a stored article's URL), an item whose text is in the wrong language, leaks the
instructions or states facts its story lacks is shown from the stored summary instead, and
any failure of the call or of the answer hands the whole digest to the offline composer.

Accepted answers are kept by the hash of the exact prompt they answered (language, style
note and every summary): in this process, and in the database when an `AnswerStore` is
given, so the same digest asked again by another worker or after a restart costs no call.
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
from bot.domain.digests import Digest, DigestItem, SourceLink, StoryEntry
from bot.domain.labels import digest_title
from bot.domain.languages import Lang
from bot.errors import SummarizerError
from bot.llm.client import LLMClient
from bot.llm.errors import LLMOutputError
from bot.llm.guards import is_in_language, leaks_prompt, schema_problem, strip_urls
from bot.llm.prompts import PromptStore, PromptTemplate
from bot.llm.schemas import ComposeGroup, DigestComposeOutput
from bot.llm.tokens import count_tokens
from bot.summarize.base import AnswerStore, DigestComposer
from bot.summarize.faithfulness import check_faithful
from bot.summarize.llm import LANG_NAMES
from bot.text.sentences import split_sentences

log = logging.getLogger(__name__)

PROMPT_NAME = "digest_compose"
PURPOSE = "digest"


@dataclass(frozen=True)
class _Ref:
    """A story as the model knows it: a small number instead of a database id."""

    number: int
    entry: StoryEntry


class LLMDigestComposer:
    """`DigestComposer` that lets a model word the chosen stories, within hard limits.

    The last `cache_size` accepted answers are also kept in memory.
    """

    def __init__(
        self,
        client: LLMClient,
        prompts: PromptStore,
        model: str,
        fallback: DigestComposer | None = None,
        *,
        answers: AnswerStore | None = None,
        max_input_tokens: int = 8000,
        max_output_tokens: int = 2000,
        cache_size: int = 128,
    ) -> None:
        self._client = client
        self._answers: OrderedDict[str, DigestComposeOutput] = OrderedDict()
        self._store = answers
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
        stories: Sequence[StoryEntry],
        *,
        now: datetime,
        style_note: str = "",
        also: Sequence[SourceLink] = (),
    ) -> Digest:
        """One item per story in the given order; links only from the entries; offline on
        any failure of the call or the answer."""
        if not stories:
            return await self._fallback.compose(
                lang, stories, now=now, style_note=style_note, also=also
            )
        try:
            items = await self._items(lang, stories, style_note)
        except (SummarizerError, ValidationError) as exc:
            log.warning("LLM digest (%s) fell back to the offline composer: %s", lang, exc)
            return await self._fallback.compose(
                lang, stories, now=now, style_note=style_note, also=also
            )
        return Digest(
            lang=lang,
            title=digest_title(lang, now.date()),
            items=items,
            created_at=now,
            period_end=now,
            style_note=style_note,
            prompt_hash=self.prompt_hash,
            model=self.model,
            also=list(also),
        )

    async def _items(
        self, lang: Lang, stories: Sequence[StoryEntry], style_note: str
    ) -> list[DigestItem]:
        """The model words the stories that have a summary to word; one without (an extract
        that could not be had in `lang`) is shown as the offline composer shows it."""
        readable = [e for e in stories if e.summary.text.strip() and not e.summary.untranslated]
        if not readable:
            raise SummarizerError("no story has a summary in the digest's language to word")
        refs = self._refs_within_budget(readable)
        output = await self._ask(lang, refs, style_note)
        written: dict[int, ComposeGroup] = {}
        for group in output.groups:
            numbers = list(dict.fromkeys(group.article_ids))
            # One group per story: a group that merges stories or names none is not used.
            if len(numbers) == 1 and 1 <= numbers[0] <= len(refs):
                written.setdefault(numbers[0], group)
        if not written:
            raise SummarizerError("the LLM digest named none of the given stories")
        by_story = {ref.entry.story_id: ref for ref in refs}
        items = []
        for entry in stories:
            ref = by_story.get(entry.story_id) or _Ref(0, entry)
            wording = written.get(ref.number)
            items.append(
                self._written_item(wording, ref, lang) if wording else _from_summary(ref, lang)
            )
        return items

    def _refs_within_budget(self, stories: Sequence[StoryEntry]) -> list[_Ref]:
        refs: list[_Ref] = []
        used = 0
        for number, entry in enumerate(stories, start=1):
            cost = count_tokens(_item_json(number, entry), self.model)
            if refs and used + cost > self.max_input_tokens:
                break
            refs.append(_Ref(number, entry))
            used += cost
        return refs

    async def _ask(self, lang: Lang, refs: list[_Ref], style_note: str) -> DigestComposeOutput:
        items = "[\n" + ",\n".join(_item_json(r.number, r.entry) for r in refs) + "\n]"
        feedback = ""
        key = ""
        for attempt in range(2):
            prompt = self._template.render(
                lang_name=LANG_NAMES[lang],
                lang_code=lang,
                max_items=len(refs),
                items=items,
                feedback=feedback,
                style_note=style_note,
            )
            if attempt == 0:
                key = hashlib.sha256(f"{prompt.system}\0{prompt.user}".encode()).hexdigest()
                if (known := await self._recall(key)) is not None:
                    return known
            try:
                data, _ = await self._client.complete_json(
                    system=prompt.system,
                    user=prompt.user,
                    purpose=PURPOSE,
                    max_tokens=self.max_output_tokens,
                )
                output = _usable_groups(data)
            except (LLMOutputError, ValidationError) as exc:
                if attempt == 1:
                    raise
                feedback = (
                    f"Your previous answer could not be used ({_reason(exc)}). Answer again "
                    "with only the JSON object described above."
                )
            else:
                await self._remember(key, output)
                return output
        raise SummarizerError("the LLM digest could not be read")  # pragma: no cover

    async def _recall(self, key: str) -> DigestComposeOutput | None:
        if key in self._answers:
            self._answers.move_to_end(key)
            return self._answers[key]
        if self._store is None:
            return None
        try:
            stored = await self._store.get(key)
            if stored is None:
                return None
            output = DigestComposeOutput.model_validate(stored)
        except Exception as exc:  # a stored answer that cannot be read is asked for again
            log.warning("a stored digest composition could not be used: %s", exc)
            return None
        self._keep(key, output)
        return output

    async def _remember(self, key: str, output: DigestComposeOutput) -> None:
        self._keep(key, output)
        if self._store is not None:
            try:
                await self._store.put(key, PURPOSE, output.model_dump(mode="json"))
            except Exception as exc:  # the digest goes out all the same
                log.warning("the digest composition could not be stored: %s", exc)

    def _keep(self, key: str, output: DigestComposeOutput) -> None:
        self._answers[key] = output
        while len(self._answers) > self._cache_size:
            self._answers.popitem(last=False)

    def _written_item(self, group: ComposeGroup, ref: _Ref, lang: Lang) -> DigestItem:
        """The model's item for a story, or the story's summary when it cannot be shown."""
        headline = strip_urls(group.headline)
        body = " ".join(split_sentences(strip_urls(group.body))[:3])
        problem = self._problem(headline, body, ref, lang)
        if problem:
            log.info("LLM digest item %d shown from its summary: %s", ref.number, problem)
            return _from_summary(ref, lang)
        entry = ref.entry
        return DigestItem(
            headline=headline,
            body=body,
            links=list(entry.links),
            method="llm",
            article_ids=list(entry.article_ids),
            story_id=entry.story_id,
            is_update=entry.is_update,
        )

    def _problem(self, headline: str, body: str, ref: _Ref, lang: Lang) -> str | None:
        """Why the model's text for a story cannot be shown, or None."""
        whole = f"{headline}\n{body}"
        if not headline or not body:
            return "empty after removing links"
        if not is_in_language(whole, lang):
            return f"not written in {LANG_NAMES[lang]}"
        if leaks_prompt(whole, self._template.fixed_text):
            return "it repeats the instructions"
        entry = ref.entry
        evidence = (
            f"{entry.summary.headline}\n{entry.summary.text}\n{entry.article.title}\n"
            f"{entry.article.text}\n" + "\n".join(link.title for link in entry.links)
        )
        violations = check_faithful(whole, evidence)
        return "; ".join(violations[:2]) or None


def _from_summary(ref: _Ref, lang: Lang) -> DigestItem:
    """A story as the offline composer shows it (its stored summary), links stripped."""
    item = compose_item(lang, ref.entry)
    body = " ".join(split_sentences(strip_urls(item.body))[:3])
    headline = strip_urls(item.headline) or strip_urls(ref.entry.article.title)
    return replace(item, headline=headline, body=body)


def _item_json(number: int, entry: StoryEntry) -> str:
    return json.dumps(
        {
            "id": number,
            "source": entry.article.title,
            "headline": entry.summary.headline,
            "summary": entry.summary.text,
            "outlets": entry.outlets,
            "update": entry.is_update,
        },
        ensure_ascii=False,
    )


def _usable_groups(data: dict[str, object]) -> DigestComposeOutput:
    """The answer's groups that have the asked-for shape; one malformed group (an empty body,
    say) costs that story its wording, not the whole digest. Raises ValidationError when no
    group is usable, so the model is asked once more."""
    try:
        return DigestComposeOutput.model_validate(data)
    except ValidationError:
        raw = data.get("groups")
        if not isinstance(raw, list):
            raise
        usable = []
        for group in raw:
            try:
                usable.append(ComposeGroup.model_validate(group))
            except ValidationError:
                continue
        if not usable:
            raise
        log.info("LLM digest: %d of %d groups were usable", len(usable), len(raw))
        return DigestComposeOutput(groups=usable)


def _reason(exc: Exception) -> str:
    return schema_problem(exc) if isinstance(exc, ValidationError) else str(exc)
