"""Why a model call gave nothing usable; every one is a SummarizerError, so callers fall back."""

from __future__ import annotations

from bot.errors import SummarizerError


class LLMError(SummarizerError):
    """The model could not be reached or refused the request after the allowed retries."""


class LLMBudgetExceededError(LLMError):
    """The daily token ceiling (DIGESTBOT_LLM_DAILY_TOKENS) would be crossed by this call."""


class LLMRefusalError(LLMError):
    """The model declined to answer; retrying the same request will not help."""


class LLMOutputError(LLMError):
    """The model answered, but not with the JSON object that was asked for (worth one repair)."""
