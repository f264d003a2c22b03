"""Versioned prompt templates (`*.prompt`), shipped as package data and loaded by bot.llm.prompts."""
