"""Estimated cost of LLM usage, from a small price table per model family.

The table holds list prices in US dollars per million tokens; an operator on another server
or with negotiated prices overrides it with DIGESTBOT_LLM_PRICES
(`model=input/output,…`, e.g. `gpt-4o-mini=0.15/0.60,llama3.1=0/0`). A model that matches
no entry has no estimate ("n/a") rather than a wrong one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.errors import ConfigError

PRICES_SETTING = "DIGESTBOT_LLM_PRICES"


@dataclass(frozen=True)
class Price:
    """US dollars per million prompt (input) and completion (output) tokens."""

    input_per_million: float
    output_per_million: float

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """Dollars for this many tokens."""
        return (
            prompt_tokens * self.input_per_million + completion_tokens * self.output_per_million
        ) / 1_000_000


#: List prices (USD per 1M tokens, standard tier, no cached-input discount), late 2025.
DEFAULT_PRICES: dict[str, Price] = {
    "gpt-5": Price(1.25, 10.00),
    "gpt-5-mini": Price(0.25, 2.00),
    "gpt-5-nano": Price(0.05, 0.40),
    "gpt-4.1": Price(2.00, 8.00),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4o-mini": Price(0.15, 0.60),
    "gpt-4-turbo": Price(10.00, 30.00),
    "gpt-4": Price(30.00, 60.00),
    "gpt-3.5-turbo": Price(0.50, 1.50),
    "o1": Price(15.00, 60.00),
    "o3": Price(2.00, 8.00),
    "o3-mini": Price(1.10, 4.40),
    "o4-mini": Price(1.10, 4.40),
    "deepseek-chat": Price(0.28, 0.42),
    "deepseek-reasoner": Price(0.28, 0.42),
}


def parse_prices(text: str) -> dict[str, Price]:
    """`model=input/output,…` → prices; ConfigError naming the setting and the bad entry."""
    prices: dict[str, Price] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        model, sep, pair = entry.partition("=")
        given_in, slash, given_out = pair.partition("/")
        try:
            if not (sep and slash and model.strip()):
                raise ValueError(entry)
            price = Price(float(given_in), float(given_out))
        except ValueError:
            raise ConfigError(
                f"{PRICES_SETTING}: bad entry {entry!r}; write model=input/output in US dollars "
                "per million tokens, e.g. gpt-4o-mini=0.15/0.60"
            ) from None
        if price.input_per_million < 0 or price.output_per_million < 0:
            raise ConfigError(f"{PRICES_SETTING}: negative price in {entry!r}")
        prices[model.strip().lower()] = price
    return prices


def price_table(overrides: str = "") -> dict[str, Price]:
    """The default table with the operator's entries (DIGESTBOT_LLM_PRICES) on top."""
    return {**DEFAULT_PRICES, **parse_prices(overrides)}


def price_for(model: str, table: Mapping[str, Price]) -> Price | None:
    """The price of the longest family name `model` starts with, or None when unknown.

    A family matches only whole name parts: `gpt-4o-mini-2024-07-18` is `gpt-4o-mini`,
    `gpt-4-0613` is `gpt-4`, but `gpt-4.5-preview` is not `gpt-4`. A provider prefix
    (`openai/gpt-4o`) is ignored.
    """
    name = model.strip().lower().rsplit("/", 1)[-1]
    best: str | None = None
    for family in table:
        if (name == family or name.startswith(family + "-")) and len(family) > len(best or ""):
            best = family
    return table[best] if best is not None else None
