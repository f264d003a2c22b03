"""Rendering one structured digest for each place it can go: Markdown, terminal, Telegram, Slack."""
