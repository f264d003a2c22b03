"""Tests of the chat adapters, run against the fake Telegram and Slack servers."""
