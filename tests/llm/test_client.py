"""The OpenAI client against the fake server: retries, timeouts, refusals, usage and budget."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.llm.budget import TokenBudget
from bot.llm.client import OpenAIChatClient
from bot.llm.errors import LLMBudgetExceededError, LLMError, LLMOutputError, LLMRefusalError
from tests.fakes.openai_server import (
    FakeOpenAIServer,
    Malformed,
    RateLimited,
    Refusal,
    Reply,
    ServerError,
    Stall,
)
from tests.llm.conftest import CLIENT_TIMEOUT, MODEL, UsageLedger

SYSTEM = "Answer with one JSON object."
USER = "Target language: en\n<<<ARTICLE\nDeepSeek released R1. It was cheap.\nARTICLE>>>"


async def _ask(client: OpenAIChatClient) -> dict[str, object]:
    data, _ = await client.complete_json(
        system=SYSTEM, user=USER, purpose="summary", max_tokens=200
    )
    return data


async def test_a_good_answer_comes_back_parsed_with_its_usage(
    client: OpenAIChatClient, server: FakeOpenAIServer, ledger: UsageLedger
) -> None:
    server.script(Reply({"headline": "R1", "sentences": ["DeepSeek released R1."]}))
    data, call = await client.complete_json(
        system=SYSTEM, user=USER, purpose="summary", max_tokens=200
    )
    assert data == {"headline": "R1", "sentences": ["DeepSeek released R1."]}
    assert call.ok and call.purpose == "summary" and call.model == MODEL
    assert call.prompt_tokens == server.prompt_tokens > 0
    assert call.completion_tokens == server.completion_tokens > 0
    assert ledger.calls == [call]
    sent = server.requests[0].body
    assert sent["response_format"] == {"type": "json_object"}
    assert sent["max_tokens"] == 200 and sent["model"] == MODEL
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]


async def test_a_rate_limit_is_waited_out_as_retry_after_asks(
    client: OpenAIChatClient, server: FakeOpenAIServer, ledger: UsageLedger
) -> None:
    server.script(RateLimited(retry_after="1"))
    started = time.monotonic()
    await _ask(client)
    gap = server.requests[1].received_at - server.requests[0].received_at
    assert gap >= 0.95
    assert time.monotonic() - started < 5
    assert [c.ok for c in ledger.calls] == [False, True]
    assert "429" in (ledger.calls[0].error or "")


async def test_server_errors_are_retried_at_most_twice_then_reported(
    client: OpenAIChatClient, server: FakeOpenAIServer, ledger: UsageLedger
) -> None:
    server.script(ServerError(), ServerError(), ServerError(), Reply({"never": "reached"}))
    with pytest.raises(LLMError, match="HTTP 500"):
        await _ask(client)
    assert server.calls == 3
    assert len(ledger.calls) == 3 and not any(c.ok for c in ledger.calls)


async def test_two_server_errors_then_an_answer_succeeds(
    client: OpenAIChatClient, server: FakeOpenAIServer
) -> None:
    server.script(ServerError(502), ServerError(503))
    assert "headline" in await _ask(client)
    assert server.calls == 3


async def test_a_stalled_server_times_out_quickly_after_two_retries(
    client: OpenAIChatClient, server: FakeOpenAIServer, ledger: UsageLedger
) -> None:
    server.script(Stall(30), Stall(30), Stall(30))
    started = time.monotonic()
    with pytest.raises(LLMError, match=f"did not answer within {CLIENT_TIMEOUT:g}s"):
        await _ask(client)
    assert time.monotonic() - started < 3 * CLIENT_TIMEOUT + 2
    assert server.calls == 3
    assert all(c.latency_ms >= CLIENT_TIMEOUT * 1000 * 0.9 for c in ledger.calls)


async def test_after_a_stall_the_server_is_not_asked_again_until_the_pause_ends(
    server: FakeOpenAIServer,
) -> None:
    client = OpenAIChatClient(
        api_key="k",
        model=MODEL,
        base_url=server.base_url,
        timeout=CLIENT_TIMEOUT,
        max_retries=0,
        outage_pause=0.5,
    )
    server.script(Stall(30))
    with pytest.raises(LLMError, match="did not answer"):
        await _ask(client)
    started = time.monotonic()
    with pytest.raises(LLMError, match="stopped answering"):
        await _ask(client)
    assert time.monotonic() - started < 0.1 and server.calls == 1
    await asyncio.sleep(0.5)
    assert "headline" in await _ask(client)
    assert server.calls == 2
    await client.aclose()


async def test_a_call_cancelled_mid_request_pauses_the_client(server: FakeOpenAIServer) -> None:
    client = OpenAIChatClient(api_key="k", model=MODEL, base_url=server.base_url)
    server.script(Stall(30))
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await _ask(client)
    with pytest.raises(LLMError, match="stopped answering"):
        await _ask(client)
    assert server.calls == 1
    await client.aclose()


async def test_server_errors_do_not_pause_the_client(
    client: OpenAIChatClient, server: FakeOpenAIServer
) -> None:
    server.script(ServerError(), ServerError(), ServerError())
    with pytest.raises(LLMError, match="HTTP 500"):
        await _ask(client)
    assert "headline" in await _ask(client)


async def test_a_refusal_is_reported_and_not_retried(
    client: OpenAIChatClient, server: FakeOpenAIServer, ledger: UsageLedger
) -> None:
    server.script(Refusal())
    with pytest.raises(LLMRefusalError, match="declined"):
        await _ask(client)
    assert server.calls == 1
    assert ledger.calls[0].error and "declined" in ledger.calls[0].error


async def test_malformed_json_is_an_output_error_for_the_caller_to_repair(
    client: OpenAIChatClient, server: FakeOpenAIServer, ledger: UsageLedger
) -> None:
    server.script(Malformed())
    with pytest.raises(LLMOutputError, match="not valid JSON"):
        await _ask(client)
    assert server.calls == 1
    assert ledger.calls[0].completion_tokens > 0 and not ledger.calls[0].ok


async def test_a_fenced_json_answer_is_accepted(
    client: OpenAIChatClient, server: FakeOpenAIServer
) -> None:
    server.script(Reply('```json\n{"headline": "x", "sentences": ["y"]}\n```'))
    assert await _ask(client) == {"headline": "x", "sentences": ["y"]}


async def test_a_wrong_key_is_refused_once_with_a_hint() -> None:
    async with FakeOpenAIServer(api_key="right-key") as server:
        client = OpenAIChatClient(api_key="wrong-key", model=MODEL, base_url=server.base_url)
        with pytest.raises(LLMError, match="check OPENAI_API_KEY"):
            await _ask(client)
        await client.aclose()
        assert server.calls == 1


async def test_an_unreachable_server_says_to_check_the_base_url() -> None:
    async with FakeOpenAIServer() as server:
        url = server.base_url
    client = OpenAIChatClient(api_key="k", model=MODEL, base_url=url, backoff_seconds=0.01)
    with pytest.raises(LLMError, match="OPENAI_BASE_URL"):
        await _ask(client)
    await client.aclose()


async def test_the_budget_refuses_a_call_beyond_the_daily_limit(server: FakeOpenAIServer) -> None:
    async def used_today() -> int:
        return 990

    client = OpenAIChatClient(
        api_key="k", model=MODEL, base_url=server.base_url, budget=TokenBudget(1000, used_today)
    )
    with pytest.raises(LLMBudgetExceededError, match="DIGESTBOT_LLM_DAILY_TOKENS"):
        await _ask(client)
    await client.aclose()
    assert server.calls == 0


async def test_the_budget_warns_once_when_80_percent_is_used(server: FakeOpenAIServer) -> None:
    used = [0]
    warnings: list[tuple[int, int]] = []

    async def used_today() -> int:
        return used[0]

    async def warn(tokens: int, limit: int) -> None:
        warnings.append((tokens, limit))

    budget = TokenBudget(10_000, used_today, on_warning=warn)
    client = OpenAIChatClient(api_key="k", model=MODEL, base_url=server.base_url, budget=budget)
    await _ask(client)
    assert warnings == [] and not budget.warned_today
    used[0] = 7_900
    await _ask(client)
    used[0] = 8_500
    await _ask(client)
    assert len(warnings) == 1 and warnings[0][1] == 10_000 and warnings[0][0] >= 8_000
    assert budget.warned_today and server.calls == 3
    await client.aclose()


async def test_a_day_already_past_80_percent_is_not_warned_about_again(
    server: FakeOpenAIServer,
) -> None:
    """A new process (the next `digestbot digest`) finds the line crossed by an earlier one."""
    warnings: list[int] = []

    async def used_today() -> int:
        return 8_500

    async def warn(tokens: int, limit: int) -> None:
        warnings.append(tokens)

    client = OpenAIChatClient(
        api_key="k",
        model=MODEL,
        base_url=server.base_url,
        budget=TokenBudget(10_000, used_today, on_warning=warn),
    )
    await _ask(client)
    await client.aclose()
    assert warnings == [] and server.calls == 1


async def test_a_failing_warning_does_not_stop_the_call(server: FakeOpenAIServer) -> None:
    async def used_today() -> int:
        return 7_950

    async def warn(tokens: int, limit: int) -> None:
        raise RuntimeError("chat is down")

    client = OpenAIChatClient(
        api_key="k",
        model=MODEL,
        base_url=server.base_url,
        budget=TokenBudget(10_000, used_today, on_warning=warn),
    )
    assert "headline" in await _ask(client)
    await client.aclose()


async def test_no_limit_means_no_ceiling(server: FakeOpenAIServer) -> None:
    async def used_today() -> int:
        return 10**12

    budget = TokenBudget(0, used_today)
    client = OpenAIChatClient(api_key="k", model=MODEL, base_url=server.base_url, budget=budget)
    await _ask(client)
    await client.aclose()
