"""The web console: the archive, today's stories, source health and costs, in a browser."""
