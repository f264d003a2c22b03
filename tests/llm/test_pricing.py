"""Estimated cost: model families by whole name parts, operator overrides, unknown is n/a."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.llm.pricing import DEFAULT_PRICES, Price, parse_prices, price_for, price_table


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("gpt-4o-mini", "gpt-4o-mini"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("gpt-4-0613", "gpt-4"),
        ("GPT-4.1-nano", "gpt-4.1-nano"),
        ("openai/gpt-4o", "gpt-4o"),
        ("deepseek-chat", "deepseek-chat"),
    ],
)
def test_a_dated_or_prefixed_model_is_priced_as_its_family(model: str, family: str) -> None:
    assert price_for(model, DEFAULT_PRICES) == DEFAULT_PRICES[family]


@pytest.mark.parametrize("model", ["gpt-4.5-preview", "llama3.1:8b", "my-azure-deployment", ""])
def test_an_unknown_model_has_no_price_rather_than_a_wrong_one(model: str) -> None:
    assert price_for(model, DEFAULT_PRICES) is None


def test_cost_is_per_million_prompt_and_completion_tokens() -> None:
    assert Price(0.15, 0.60).cost(1_000_000, 100_000) == pytest.approx(0.21)


def test_operator_prices_override_and_extend_the_table() -> None:
    table = price_table("gpt-4o-mini=0.10/0.40, llama3.1=0/0")
    assert price_for("gpt-4o-mini-2024-07-18", table) == Price(0.10, 0.40)
    assert price_for("llama3.1-8b", table) == Price(0.0, 0.0)
    assert price_for("gpt-4o", table) == DEFAULT_PRICES["gpt-4o"]


@pytest.mark.parametrize("text", ["gpt-4o", "gpt-4o=0.1", "=0.1/0.2", "x=cheap/free", "x=-1/2"])
def test_a_bad_price_setting_names_the_variable_and_the_format(text: str) -> None:
    with pytest.raises(ConfigError, match="DIGESTBOT_LLM_PRICES"):
        parse_prices(text)
