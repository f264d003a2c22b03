"""digestbot: reads the news for a team and posts short, trustworthy digests in Hindi and English."""

__version__ = "0.1.0"
