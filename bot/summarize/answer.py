"""The LLM-backed answerer: a model words the answer, code decides whether to trust it.

The passages, the thread's earlier turns and the question reach the model as untrusted data.
An answer is accepted only when it is the asked-for JSON, in the chat's language, without
links or leaked instructions, citing only passages that exist, and with every figure, date and
name found in the passages. Malformed output gets one repair request and an unfaithful answer
one corrected request; after that, or when the model is unreachable or over budget, the reply
is the offline extracts, labelled as such. Nothing here raises to the user.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from bot.domain.channels import ConversationTurn
from bot.domain.languages import Lang
from bot.domain.search import SearchHit
from bot.errors import SummarizerError
from bot.llm.client import LLMClient
from bot.llm.errors import LLMOutputError
from bot.llm.guards import is_in_language, leaks_prompt, schema_problem, strip_urls
from bot.llm.prompts import PromptStore, PromptTemplate
from bot.llm.schemas import AnswerOutput
from bot.summarize.answers import Draft, extract_answer
from bot.summarize.faithfulness import check_faithful
from bot.summarize.llm import LANG_NAMES

log = logging.getLogger(__name__)

PROMPT_NAME = "answer"
_MARKER = re.compile(r"\[(\d{1,3})\]")
#: How much of each earlier question and answer the model sees.
HISTORY_QUESTION_CHARS = 300
HISTORY_ANSWER_CHARS = 600


class UnusableAnswerError(SummarizerError):
    """The model answered, but the answer cannot be shown (shape, language, links, leak)."""


class UnfaithfulAnswerError(SummarizerError):
    """The answer states figures, dates or names that are not in the passages."""


class LLMAnswerer:
    """`Answerer` that asks an OpenAI-compatible model and falls back to labelled extracts."""

    def __init__(
        self,
        client: LLMClient,
        prompts: PromptStore,
        model: str,
        *,
        max_output_tokens: int = 500,
    ) -> None:
        self._client = client
        self._template: PromptTemplate = prompts.get(PROMPT_NAME)
        self.model = model
        self.prompt_hash = self._template.hash
        self.max_output_tokens = max_output_tokens

    async def answer(
        self,
        question: str,
        lang: Lang,
        hits: Sequence[SearchHit],
        *,
        history: Sequence[ConversationTurn] = (),
        style_note: str = "",
    ) -> Draft:
        """See `Answerer.answer`: a checked model answer, or the extracts on any failure."""
        if not hits:
            return extract_answer(lang, hits)
        request = _Request(question, lang, passages(hits), format_history(history), style_note)
        try:
            return await self._grounded(request, len(hits))
        except (SummarizerError, ValidationError) as exc:
            log.warning("LLM answer (%s) fell back to extracts: %s", lang, exc)
            return extract_answer(lang, hits)

    async def _grounded(self, request: _Request, count: int) -> Draft:
        source = request.passages
        draft = await self._ask(request, count)
        violations = check_faithful(_MARKER.sub(" ", draft.text), source)
        if not violations:
            return draft
        feedback = (
            "Your previous answer stated things that are not in the passages: "
            f"{'; '.join(violations[:5])}. Answer again using only facts from the passages."
        )
        draft = await self._ask(request, count, feedback=feedback)
        violations = check_faithful(_MARKER.sub(" ", draft.text), source)
        if violations:
            raise UnfaithfulAnswerError("; ".join(violations[:3]))
        return draft

    async def _ask(self, request: _Request, count: int, *, feedback: str = "") -> Draft:
        """One answer from the model, with one repair request when it is unusable."""
        try:
            return await self._ask_once(request, count, feedback)
        except (LLMOutputError, UnusableAnswerError) as exc:
            repair = (
                f"Your previous answer could not be used: {exc}. Answer again with only the "
                f"JSON object described above, written in {LANG_NAMES[request.lang]}."
            )
            return await self._ask_once(request, count, f"{feedback}\n{repair}".strip())

    async def _ask_once(self, request: _Request, count: int, feedback: str) -> Draft:
        prompt = self._template.render(
            style_note=request.style_note,
            lang_name=LANG_NAMES[request.lang],
            lang_code=request.lang,
            question=request.question,
            passages=request.passages,
            history=request.history,
            feedback=feedback,
        )
        data, _ = await self._client.complete_json(
            system=prompt.system,
            user=prompt.user,
            purpose="answer",
            max_tokens=self.max_output_tokens,
        )
        return self._validated(data, request.lang, count)

    def _validated(self, data: dict[str, object], lang: Lang, count: int) -> Draft:
        try:
            output = AnswerOutput.model_validate(data)
        except ValidationError as exc:
            raise UnusableAnswerError(
                f"the JSON did not match the schema ({schema_problem(exc)})"
            ) from None
        text = strip_urls(output.answer)
        if not _MARKER.sub("", text).strip():
            raise UnusableAnswerError("the answer held only links")
        if not is_in_language(_MARKER.sub(" ", text), lang):
            raise UnusableAnswerError(f"it was not written in {LANG_NAMES[lang]}")
        if leaks_prompt(text, self._template.fixed_text):
            raise UnusableAnswerError("it repeated the instructions instead of answering")
        exists = range(1, count + 1)
        in_text = [int(n) for n in _MARKER.findall(text)]
        cited = tuple(sorted({n for n in (*output.cited, *in_text) if n in exists}))
        return Draft(text=text, cited=cited)


@dataclass(frozen=True)
class _Request:
    """One question as the model will see it."""

    question: str
    lang: Lang
    passages: str
    history: str
    style_note: str


def passages(hits: Sequence[SearchHit]) -> str:
    """The hits as numbered passages: `[n] title`, then the matching text."""
    return "\n\n".join(f"[{n}] {hit.title}\n{hit.snippet}" for n, hit in enumerate(hits, start=1))


def format_history(history: Sequence[ConversationTurn]) -> str:
    """Earlier turns, oldest first, without links or citation numbers (those named other
    passages); `(none)` for the first question of a thread."""
    lines = []
    for turn in history:
        answer = _MARKER.sub(" ", strip_urls(turn.answer))
        lines.append(f"Q: {_short(turn.question, HISTORY_QUESTION_CHARS)}")
        lines.append(f"A: {_short(answer, HISTORY_ANSWER_CHARS)}")
    return "\n".join(lines) or "(none)"


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
