"""Edges that read the web: feeds, pages, sitemaps and local files."""
