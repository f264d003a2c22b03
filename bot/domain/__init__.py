"""The domain: plain typed dataclasses with no framework, platform or database imports."""
