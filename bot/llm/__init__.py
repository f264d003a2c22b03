"""The OpenAI-compatible LLM client, prompt templates and token budgets."""
