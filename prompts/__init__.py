"""Versioned prompt templates (`*.prompt`), loaded by bot.llm.prompts."""
