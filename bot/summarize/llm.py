"""The LLM-backed summarizer: a model writes the summary, code decides whether to trust it.

Output is accepted only when it is the asked-for JSON, in the asked-for language, without
links or leaked instructions, and with every figure, date and name found in the article.
Malformed output gets one repair request and an unfaithful summary one corrected request;
after that, or when the model is unreachable or over budget, the extractive fallback writes
the summary and `flagged` says why.

A summary takes no channel style note: it is shared by every channel and cached by (content
hash, language, prompt hash, model); style belongs to the digest composition.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from pydantic import ValidationError

from bot.domain.articles import Article, Summary
from bot.domain.languages import Lang
from bot.errors import SummarizerError
from bot.llm.client import LLMClient
from bot.llm.errors import LLMOutputError, LLMRefusalError
from bot.llm.guards import is_in_language, leaks_prompt, schema_problem, strip_urls
from bot.llm.prompts import PromptStore, PromptTemplate
from bot.llm.schemas import ArticleSummaryOutput
from bot.llm.tokens import chunk_by_tokens, count_tokens, truncate_to_tokens
from bot.summarize.base import Summarizer
from bot.summarize.faithfulness import check_faithful

log = logging.getLogger(__name__)

LANG_NAMES: dict[Lang, str] = {"hi": "Hindi (हिन्दी)", "en": "English"}
PROMPT_NAME = "article_summary"


class UnusableOutputError(SummarizerError):
    """The model answered, but the answer cannot be shown (shape, language, links, leak)."""


class UnfaithfulSummaryError(SummarizerError):
    """The summary states figures, dates or names that are not in the article."""


class LLMSummarizer:
    """`Summarizer` that asks an OpenAI-compatible model and falls back to extracts.

    Articles longer than `max_input_tokens` are summarized map-reduce: chunks of
    `chunk_tokens` (at most `max_chunks`) are summarized one by one, then their summaries
    are summarized together, so a long feature costs a bounded number of tokens.
    """

    def __init__(
        self,
        client: LLMClient,
        prompts: PromptStore,
        model: str,
        fallback: Summarizer,
        *,
        max_input_tokens: int = 6000,
        chunk_tokens: int = 3000,
        max_chunks: int = 6,
        max_output_tokens: int = 700,
    ) -> None:
        self._client = client
        self._template: PromptTemplate = prompts.get(PROMPT_NAME)
        self._fallback = fallback
        self.prompt_name = self._template.name
        self.prompt_hash = self._template.hash
        self.model = model
        self.max_input_tokens = max_input_tokens
        self.chunk_tokens = chunk_tokens
        self.max_chunks = max_chunks
        self.max_output_tokens = max_output_tokens

    async def summarize(self, article: Article, lang: Lang, *, style_note: str = "") -> Summary:
        """A headline and one to three sentences in `lang`; an extract flagged with the reason
        when the model's answer could not be used. `style_note` is ignored (see the module).

        When the model answered but its answer was rejected (malformed after the repair,
        unfaithful after the correction, refused), the flagged extract carries this prompt's
        hash and model: it is the cached outcome of that prompt on that text, so a re-run does
        not pay for the same rejection again. When the model could not be reached or the
        budget was spent, the extract keeps its own key, so the next digest tries the model.
        """
        if article.id is None:
            raise SummarizerError("the article has no id; store it before summarizing it")
        try:
            output = await self._summarize(article, lang)
        except UnfaithfulSummaryError as exc:
            return await self._fall_back(article, lang, f"unfaithful: {exc}", verdict=True)
        except (UnusableOutputError, LLMOutputError, LLMRefusalError) as exc:
            return await self._fall_back(article, lang, str(exc), verdict=True)
        except SummarizerError as exc:
            return await self._fall_back(article, lang, str(exc), verdict=False)
        return Summary(
            article_id=article.id,
            lang=lang,
            headline=output.headline,
            text=output.text,
            method="llm",
            content_hash=article.content_hash,
            prompt_name=self.prompt_name,
            prompt_hash=self.prompt_hash,
            model=self.model,
            untranslated=False,
        )

    async def _summarize(self, article: Article, lang: Lang) -> ArticleSummaryOutput:
        title = truncate_to_tokens(article.title, 80, self.model)
        text, reduced = await self._reduced_text(article, title, lang)
        part_note = _REDUCE_NOTE if reduced else ""
        source = f"{article.title}\n{article.text}"
        output = await self._ask(title, text, lang, part_note=part_note)
        violations = check_faithful(f"{output.headline}\n{output.text}", source)
        if not violations:
            return output
        feedback = (
            "Your previous summary stated things that are not in the article: "
            f"{'; '.join(violations[:5])}. Write it again using only facts from the article."
        )
        output = await self._ask(title, text, lang, part_note=part_note, feedback=feedback)
        violations = check_faithful(f"{output.headline}\n{output.text}", source)
        if violations:
            raise UnfaithfulSummaryError("; ".join(violations[:3]))
        return output

    async def _reduced_text(self, article: Article, title: str, lang: Lang) -> tuple[str, bool]:
        """The article itself when it fits, else the summaries of its chunks (map step)."""
        if count_tokens(article.text, self.model) <= self.max_input_tokens:
            return article.text, False
        chunks = chunk_by_tokens(article.text, self.chunk_tokens, self.model)[: self.max_chunks]
        partials = []
        for number, chunk in enumerate(chunks, start=1):
            note = f"This is part {number} of {len(chunks)} of a long article."
            partial = await self._ask(title, chunk, lang, part_note=note)
            partials.append(f"{partial.headline}. {partial.text}")
        return "\n".join(partials), True

    async def _ask(
        self,
        title: str,
        text: str,
        lang: Lang,
        *,
        part_note: str,
        feedback: str = "",
    ) -> ArticleSummaryOutput:
        """One summary from the model, with one repair request when the answer is unusable."""
        try:
            return await self._ask_once(title, text, lang, part_note, feedback)
        except (LLMOutputError, UnusableOutputError) as exc:
            repair = (
                f"Your previous answer could not be used: {exc}. Answer again with only the "
                f"JSON object described above, written in {LANG_NAMES[lang]}."
            )
            return await self._ask_once(
                title, text, lang, part_note, f"{feedback}\n{repair}".strip()
            )

    async def _ask_once(
        self, title: str, text: str, lang: Lang, part_note: str, feedback: str
    ) -> ArticleSummaryOutput:
        prompt = self._template.render(
            lang_name=LANG_NAMES[lang],
            lang_code=lang,
            title=title,
            article=text,
            part_note=part_note,
            feedback=feedback,
        )
        data, _ = await self._client.complete_json(
            system=prompt.system,
            user=prompt.user,
            purpose="summary",
            max_tokens=self.max_output_tokens,
        )
        return self._validated(data, lang)

    def _validated(self, data: dict[str, object], lang: Lang) -> ArticleSummaryOutput:
        try:
            output = ArticleSummaryOutput.model_validate(data)
        except ValidationError as exc:
            raise UnusableOutputError(
                f"the JSON did not match the schema ({schema_problem(exc)})"
            ) from None
        sentences = [s for s in (strip_urls(s) for s in output.sentences) if s]
        headline = strip_urls(output.headline)
        if not headline or not sentences:
            raise UnusableOutputError("the answer held only links")
        cleaned = ArticleSummaryOutput(headline=headline, sentences=sentences)
        whole = f"{cleaned.headline}\n{cleaned.text}"
        if not is_in_language(whole, lang):
            raise UnusableOutputError(f"it was not written in {LANG_NAMES[lang]}")
        if leaks_prompt(whole, self._template.fixed_text):
            raise UnusableOutputError("it repeated the instructions instead of summarizing")
        return cleaned

    async def _fall_back(
        self, article: Article, lang: Lang, reason: str, *, verdict: bool
    ) -> Summary:
        log.warning(
            "LLM summary of article %s (%s) fell back to an extract: %s", article.id, lang, reason
        )
        summary = replace(await self._fallback.summarize(article, lang), flagged=reason)
        if not verdict:
            return summary
        return replace(
            summary, prompt_name=self.prompt_name, prompt_hash=self.prompt_hash, model=self.model
        )


_REDUCE_NOTE = (
    "The text below is made of summaries of consecutive parts of one long article; "
    "summarize them together as one article."
)
