"""Tests of grounded answers: retrieval, citations, the LLM answerer and its fallbacks."""
