"""Platform-free use cases: ingest, summarize, compose, deliver, answer.

Each takes a unit-of-work factory and the boundary objects it needs; none imports a
platform, a database driver or the settings.
"""
