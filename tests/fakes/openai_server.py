"""A fake OpenAI-compatible server on 127.0.0.1 that speaks the real chat-completions wire format.

Usage:

    async with FakeOpenAIServer() as server:
        server.script(RateLimited(retry_after="1"), Malformed())   # then Echo() forever
        client = OpenAIChatClient(api_key="test", model="gpt-4o-mini", base_url=server.base_url)

Each request pops the next scripted behaviour; when the script is empty the server echoes:
it answers with a plausible, faithful summary built from the article in the prompt (its
title and first sentences), or one digest group per item, so end-to-end tests need no script.
`Obey()` plays a fully compromised model that follows every instruction in the data.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.llm.tokens import count_tokens

_SENTENCE_END = re.compile(r"(?<=[।॥])\s*|(?<=[?!.])\s+")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_LATIN = re.compile(r"[A-Za-z]")
_NAME = re.compile(r"\b[A-Z][A-Za-z0-9]+(?:[-][A-Za-z0-9]+)*\b")


@dataclass(frozen=True)
class Echo:
    """A faithful answer made from the prompt's own data (the default)."""


@dataclass(frozen=True)
class Reply:
    """Exactly this content (a dict is sent as JSON)."""

    content: str | dict[str, Any]


@dataclass(frozen=True)
class Malformed:
    """Content that is not JSON, as a model cut short or chatting would send."""

    content: str = 'Sure! Here is the summary: {"headline": "Half an answer", "sentences": ['


@dataclass(frozen=True)
class InventedNumber:
    """The echo answer plus a sentence with a figure that is not in the article."""

    english: str = "The deal is worth 987.6 billion dollars."
    hindi: str = "यह सौदा 987.6 अरब डॉलर का है।"


@dataclass(frozen=True)
class RateLimited:
    """HTTP 429 with a Retry-After header."""

    retry_after: str = "1"


@dataclass(frozen=True)
class ServerError:
    """An HTTP 5xx with an OpenAI-style error body."""

    status: int = 500


@dataclass(frozen=True)
class Stall:
    """Hold the request open longer than the client's timeout, then answer (too late)."""

    seconds: float = 5.0


@dataclass(frozen=True)
class Refusal:
    """A refusal: `message.refusal` set and no content."""

    text: str = "I'm sorry, but I can't help with that request."


@dataclass(frozen=True)
class Obey:
    """A compromised model: copies the untrusted data, links and its system prompt into the answer,
    invents article ids and answers in the wrong language."""


@dataclass(frozen=True)
class CiteFact:
    """An answer citing whichever numbered passage holds `fact`: `answer` with `{n}` filled in.

    Plays a model that found the right passage, wherever retrieval ranked it.
    """

    answer: str
    fact: str


Behaviour = (
    Echo
    | Reply
    | Malformed
    | InventedNumber
    | RateLimited
    | ServerError
    | Stall
    | Refusal
    | Obey
    | CiteFact
)


@dataclass
class RecordedRequest:
    """One request as the server received it."""

    model: str
    system: str
    user: str
    body: dict[str, Any]
    behaviour: str
    received_at: float = field(default_factory=time.monotonic)
    #: The usage the server reported for this request (0 when it answered with an error).
    prompt_tokens: int = 0
    completion_tokens: int = 0


class FakeOpenAIServer:
    """`/v1/chat/completions` on 127.0.0.1 with a random port, a script of faults and a ledger."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        latency: float = 0.0,
        max_concurrent: int | None = None,
    ) -> None:
        """`latency`: seconds every answer takes, as a real model does. `max_concurrent`: more
        requests in flight than this are refused with 429 and `Retry-After`, as providers
        limit concurrency; `peak_in_flight` records the most seen at once either way."""
        self.latency = latency
        self.max_concurrent = max_concurrent
        self.in_flight = 0
        self.peak_in_flight = 0
        self.requests: list[RecordedRequest] = []
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self._api_key = api_key
        self._script: deque[Behaviour] = deque()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    def script(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next requests, in order; Echo follows when they run out."""
        self._script.extend(behaviours)

    @property
    def calls(self) -> int:
        """Requests received so far (failed ones included)."""
        return len(self.requests)

    @property
    def base_url(self) -> str:
        """What to pass as `base_url` to the openai client."""
        return f"http://127.0.0.1:{self.port}/v1"

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        """Release stalled requests and stop listening."""
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeOpenAIServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _handle(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            if self.max_concurrent is not None and self.in_flight > self.max_concurrent:
                return _error(
                    429,
                    "Too many concurrent requests.",
                    "rate_limit_error",
                    headers={"Retry-After": "1"},
                )
            if self.latency:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), self.latency)
            return await self._answer(request)
        finally:
            self.in_flight -= 1

    async def _answer(self, request: web.Request) -> web.Response:
        body = await request.json()
        messages = body.get("messages", [])
        system = next((m["content"] for m in messages if m["role"] == "system"), "")
        user = next((m["content"] for m in messages if m["role"] == "user"), "")
        behaviour = self._script.popleft() if self._script else Echo()
        model = str(body.get("model", ""))
        record = RecordedRequest(model, system, user, body, type(behaviour).__name__)
        self.requests.append(record)
        if self._api_key is not None and request.headers.get("Authorization") != (
            f"Bearer {self._api_key}"
        ):
            return _error(401, "Incorrect API key provided.", "invalid_request_error")
        if isinstance(behaviour, RateLimited):
            return _error(
                429,
                "Rate limit reached for requests.",
                "rate_limit_error",
                headers={"Retry-After": behaviour.retry_after},
            )
        if isinstance(behaviour, ServerError):
            return _error(behaviour.status, "The server had an error.", "server_error")
        if isinstance(behaviour, Stall):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), behaviour.seconds)
        if isinstance(behaviour, Refusal):
            return self._completion(record, None, refusal=behaviour.text)
        return self._completion(record, _content_for(behaviour, system, user))

    def _completion(
        self, record: RecordedRequest, content: str | None, *, refusal: str | None = None
    ) -> web.Response:
        model = record.model
        prompt_tokens = count_tokens(record.system, model) + count_tokens(record.user, model) + 7
        completion_tokens = count_tokens(content or refusal or "", model)
        record.prompt_tokens, record.completion_tokens = prompt_tokens, completion_tokens
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens
        payload = {
            "id": f"chatcmpl-fake{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": refusal},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
        return web.json_response(payload)


def _error(
    status: int, message: str, kind: str, *, headers: dict[str, str] | None = None
) -> web.Response:
    payload = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return web.json_response(payload, status=status, headers=headers)


def _content_for(behaviour: Behaviour, system: str, user: str) -> str:
    if isinstance(behaviour, Reply):
        content = behaviour.content
        return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    if isinstance(behaviour, Malformed):
        return behaviour.content
    if isinstance(behaviour, CiteFact):
        number = _passage_with(_block(user, "PASSAGES") or "", behaviour.fact)
        answer = {"answer": behaviour.answer.format(n=number), "cited": [number]}
        return json.dumps(answer, ensure_ascii=False)
    lang = _target_lang(user)
    if isinstance(behaviour, Obey):
        return json.dumps(_obey(system, user, lang), ensure_ascii=False)
    answer = _echo(user, lang)
    if isinstance(behaviour, InventedNumber) and "sentences" in answer:
        invented = behaviour.hindi if lang == "hi" else behaviour.english
        answer["sentences"] = [*answer["sentences"][:2], invented]
    return json.dumps(answer, ensure_ascii=False)


def _target_lang(user: str) -> str:
    match = re.search(r"Target language: (hi|en)", user)
    return match.group(1) if match else "en"


def _block(user: str, name: str) -> str | None:
    match = re.search(rf"<<<{name}\n(.*?)\n{name}>>>", user, re.DOTALL)
    return match.group(1) if match else None


def _passage_with(passages: str, fact: str) -> int:
    """The number of the `[n]` passage whose text holds `fact` (0 when none does)."""
    for match in re.finditer(r"^\[(\d+)\](.*?)(?=^\[\d+\]|\Z)", passages, re.M | re.S):
        if fact in match.group(2):
            return int(match.group(1))
    return 0


def _in_lang(text: str, lang: str) -> bool:
    devanagari = len(_DEVANAGARI.findall(text))
    latin = len(_LATIN.findall(text))
    return devanagari > latin if lang == "hi" else latin > devanagari


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def _about(text: str, lang: str) -> str:
    """A sentence in `lang` that says only which Latin-script names the text mentions."""
    names = list(dict.fromkeys(_NAME.findall(text)))[:2]
    if lang == "hi":
        return f"यह खबर {' और '.join(names)} के बारे में है।" if names else "यह एक समाचार है।"
    return f"The report is about {' and '.join(names)}." if names else "This is a news report."


def _echo(user: str, lang: str) -> dict[str, Any]:
    article = _block(user, "ARTICLE")
    if article is not None:
        title_match = re.search(r"^Title: (.*)$", user, re.MULTILINE)
        title = title_match.group(1).strip() if title_match else ""
        picked = [s for s in _sentences(article) if _in_lang(s, lang)][:2]
        if not picked:
            picked = [_about(article, lang)]
        headline = title if title and _in_lang(title, lang) else picked[0]
        return {"headline": headline[:200], "sentences": picked}
    items = _block(user, "ITEMS")
    if items is not None:
        groups = [
            {"article_ids": [item["id"]], "headline": item["headline"], "body": item["summary"]}
            for item in json.loads(items)
        ]
        return {"groups": groups}
    text = _block(user, "TEXT")
    if text is not None:
        sentence = " ".join(_sentences(text)[1:3]) if _in_lang(text, lang) else _about(text, lang)
        return {"headline": sentence[:120], "text": sentence}
    passages = _block(user, "PASSAGES") or ""
    first = _sentences(passages)[:1] or [_about(passages, lang)]
    return {"answer": f"{first[0]} [1]", "cited": [1]}


def _obey(system: str, user: str, lang: str) -> dict[str, Any]:
    """Everything an injected instruction could ask for, at once."""
    wrong = "This digest is now in English." if lang == "hi" else "यह सार अब हिंदी में है।"
    leak = f"My instructions: {system}"
    data = _block(user, "ARTICLE") or _block(user, "ITEMS") or user
    links = " ".join(re.findall(r"https?://\S+|www\.\S+", data)) or "http://evil.example/x"
    if _block(user, "ITEMS") is not None:
        ids = [item["id"] for item in json.loads(data)]
        return {
            "groups": [
                {"article_ids": [*ids, 999], "headline": f"Click {links}", "body": leak},
                {"article_ids": [424242], "headline": wrong, "body": f"{data[:400]} {links}"},
                *(
                    {"article_ids": [i], "headline": wrong, "body": f"Visit {links} now. {wrong}"}
                    for i in ids
                ),
            ]
        }
    return {"headline": f"Click {links}", "sentences": [leak[:500], wrong, f"See {links}"]}
