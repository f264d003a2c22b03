"""The LLM boundary: one JSON-answering call, with retries, usage records and a token ceiling."""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Protocol

import openai
from openai import AsyncOpenAI
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from bot.domain.usage import LLMCall
from bot.llm.budget import TokenBudget
from bot.llm.errors import LLMError, LLMOutputError, LLMRefusalError
from bot.llm.tokens import count_tokens

__all__ = ["LLMClient", "OpenAIChatClient", "TokenBudget"]

UsageRecorder = Callable[[LLMCall], Awaitable[None]]
MAX_RETRY_AFTER_SECONDS = 30.0
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


class LLMClient(Protocol):
    """Asks a model for one JSON object; the only thing summarizers need from an LLM."""

    async def complete_json(
        self, *, system: str, user: str, purpose: str, max_tokens: int
    ) -> tuple[dict[str, object], LLMCall]:
        """The model's answer parsed as a JSON object, and what the call cost.

        `purpose` labels the call in usage records (e.g. `summary`, `digest`). Raises
        LLMOutputError when the answer is not a JSON object (the caller may ask again once),
        LLMRefusalError when the model declines, and LLMError when it cannot be reached.
        """


class OpenAIChatClient:
    """`LLMClient` over any OpenAI-compatible `/v1/chat/completions` endpoint.

    The SDK's own retries are off: this class retries at most `max_retries` times itself, on
    429, 5xx, timeouts and lost connections, waiting as long as `Retry-After` asks (capped)
    or backing off exponentially. Every attempt, failed ones too, is passed to `on_call`, so
    the usage table shows what the model really cost.

    At most `max_concurrency` requests are in flight at once (`DIGESTBOT_LLM_CONCURRENCY`);
    further calls wait for a free slot, and a call waiting out a `Retry-After` holds none.

    A server that stopped answering (timeouts or lost connections after every retry, or a call
    cancelled by the digest's time cap while in flight) is not asked again for `outage_pause`
    seconds: calls fail at once with LLMError, so the other digests of the same run fall back
    to extracts immediately instead of each waiting out the same dead server.
    """

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str | None = None,
        timeout: float = 60.0,
        connect_timeout: float = 5.0,
        max_retries: int = 2,
        backoff_seconds: float = 1.0,
        temperature: float | None = 0.2,
        on_call: UsageRecorder | None = None,
        budget: TokenBudget | None = None,
        outage_pause: float = 120.0,
        max_concurrency: int = 4,
    ) -> None:
        self.model = model
        self.max_concurrency = max(1, max_concurrency)
        self._slots = asyncio.Semaphore(self.max_concurrency)
        self.timeout = timeout
        self.max_retries = max_retries
        self.outage_pause = outage_pause
        self._paused_until = 0.0
        self._backoff = backoff_seconds
        self._temperature = temperature
        self._on_call = on_call
        self._budget = budget
        self._client = AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=openai.Timeout(timeout, connect=connect_timeout),
            max_retries=0,
        )

    async def complete_json(
        self, *, system: str, user: str, purpose: str, max_tokens: int
    ) -> tuple[dict[str, object], LLMCall]:
        """See `LLMClient.complete_json`."""
        if time.monotonic() < self._paused_until:
            raise LLMError(
                f"the LLM stopped answering less than {self.outage_pause:g}s ago; not asking "
                "again yet (check OPENAI_BASE_URL and the server)"
            )
        if self._budget is not None:
            estimate = count_tokens(system, self.model) + count_tokens(user, self.model)
            await self._budget.reserve(estimate + max_tokens)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception(_is_transient),
            reraise=True,
        )
        in_flight = False
        try:
            async for attempt in retrying:
                with attempt:
                    async with self._slots:
                        in_flight = True
                        return await self._attempt(system, user, purpose, max_tokens)
        except openai.APIConnectionError as exc:  # timeouts included
            self._pause()
            raise LLMError(self._explain(exc)) from exc
        except openai.APIError as exc:
            raise LLMError(self._explain(exc)) from exc
        except asyncio.CancelledError:
            if in_flight:  # the server held the call too long; a queued call says nothing
                self._pause()
            raise
        raise LLMError("the LLM call ended without an answer")  # pragma: no cover

    def _pause(self) -> None:
        self._paused_until = time.monotonic() + self.outage_pause

    async def aclose(self) -> None:
        """Release the HTTP connections."""
        await self._client.close()

    async def _attempt(
        self, system: str, user: str, purpose: str, max_tokens: int
    ) -> tuple[dict[str, object], LLMCall]:
        started = time.perf_counter()
        try:
            response = await self._client.chat.completions.create(
                model=self.model,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
                response_format={"type": "json_object"},
                max_tokens=max_tokens,
                temperature=openai.omit if self._temperature is None else self._temperature,
            )
        except openai.APIError as exc:
            await self._record(purpose, started, 0, 0, error=self._explain(exc))
            raise
        usage = response.usage
        prompt_tokens = usage.prompt_tokens if usage else count_tokens(system + user, self.model)
        choice = response.choices[0] if response.choices else None
        content = choice.message.content if choice else None
        completion_tokens = (
            usage.completion_tokens if usage else count_tokens(content or "", self.model)
        )
        try:
            parsed = _parse_answer(choice)
        except LLMError as exc:
            await self._record(purpose, started, prompt_tokens, completion_tokens, error=str(exc))
            raise
        call = await self._record(purpose, started, prompt_tokens, completion_tokens)
        return parsed, call

    async def _record(
        self,
        purpose: str,
        started: float,
        prompt_tokens: int,
        completion_tokens: int,
        *,
        error: str | None = None,
    ) -> LLMCall:
        call = LLMCall(
            model=self.model,
            purpose=purpose,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_ms=int((time.perf_counter() - started) * 1000),
            ok=error is None,
            error=error,
            created_at=datetime.now(UTC),
        )
        if self._on_call is not None:
            await self._on_call(call)
        return call

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = _retry_after(exc)
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER_SECONDS)
        base = self._backoff * 2.0 ** (state.attempt_number - 1)
        return base + random.uniform(0, base / 2)

    def _explain(self, exc: BaseException) -> str:
        if isinstance(exc, openai.APITimeoutError):
            return (
                f"the LLM did not answer within {self.timeout:g}s; check OPENAI_BASE_URL "
                "or try again later"
            )
        if isinstance(exc, openai.APIConnectionError):
            return f"cannot connect to the LLM ({exc}); check OPENAI_BASE_URL and the network"
        if isinstance(exc, openai.APIStatusError):
            code = exc.status_code
            if code in (401, 403):
                return f"the LLM refused the API key (HTTP {code}); check OPENAI_API_KEY"
            if code == 404:
                return f"model {self.model!r} not found (HTTP 404); check DIGESTBOT_LLM_MODEL"
            if code == 429:
                return "the LLM is rate limiting (HTTP 429); try again later or lower the load"
            body = exc.body if isinstance(exc.body, dict) else {}
            detail = body.get("message") or exc.message
            return f"the LLM answered HTTP {code}: {_short(str(detail))}"
        return f"the LLM call failed: {_short(str(exc))}"


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return False


def _retry_after(exc: BaseException | None) -> float | None:
    if not isinstance(exc, openai.APIStatusError):
        return None
    value = exc.response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


def _parse_answer(choice: object) -> dict[str, object]:
    """The JSON object in a choice, or the LLMError that says why there is none."""
    message = getattr(choice, "message", None)
    if message is None:
        raise LLMOutputError("the LLM answer had no message")
    refusal = getattr(message, "refusal", None)
    if refusal:
        raise LLMRefusalError(f"the LLM declined: {_short(refusal)}")
    if getattr(choice, "finish_reason", None) == "content_filter":
        raise LLMRefusalError("the LLM's content filter stopped the answer")
    content = (message.content or "").strip()
    if getattr(choice, "finish_reason", None) == "length":
        raise LLMOutputError("the LLM answer was cut off at max_tokens")
    fenced = _FENCE.match(content)
    if fenced:
        content = fenced.group(1)
    try:
        parsed = json.loads(content)
    except json.JSONDecodeError as exc:
        raise LLMOutputError(f"the LLM answer is not valid JSON ({exc.msg})") from None
    if not isinstance(parsed, dict):
        raise LLMOutputError("the LLM answer is JSON but not an object")
    return parsed


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
