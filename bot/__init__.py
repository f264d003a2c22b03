"""digestbot: reads the news for a team and posts short, trustworthy Hindi and English digests."""

__version__ = "0.1.0"
