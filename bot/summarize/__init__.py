"""Summarizers: the offline extractive one (default and fallback) and the LLM-backed one."""
