"""The summarizing pipeline end to end: real storage, the real openai client, a fake server."""
