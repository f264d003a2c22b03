"""Tests of the LLM client, prompts, token budgets, faithfulness guard, summarizer and composer."""
